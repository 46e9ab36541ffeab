"""What an indicator's benchmark shares: each N measured in a fresh interpreter over the cached generated corpus,
the smallest N twice to check a byte-identical rerun, the 10^4 verdict, and the results merged into a JSON file.

An indicator's benchmark module defines `measure(folder, out) -> dict` (whose dict holds "wall_s" and "sha256")
and calls `main(__name__ …)`; see benchmarks/boilerplate.py.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from analysis.paths import ROOT
from benchmarks.run import CACHE, corpus_for


def fresh_run(module: str, folder: Path) -> dict:
    """`python -m <module> --measure <folder>` in a new process (so its peak memory is its own): the figures."""
    with tempfile.TemporaryDirectory(prefix="indicator-", dir=CACHE) as scratch:
        out = Path(scratch) / "out.parquet"
        command = [sys.executable, "-m", module, "--measure", str(folder), "--out", str(out)]
        done = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    return json.loads(done.stdout.splitlines()[-1])


Variant = Callable[[Path], Path]  # the cached corpus folder → the folder to measure (e.g. every notice made distinct)


def benchmark(module: str, n: int, seed: int, repeat: bool, variant: Variant | None = None) -> dict:
    """The corpus of n notices (generated if needed, then turned by `variant`), measured once (twice when
    `repeat`)."""
    corpus, _ = corpus_for(n, seed)
    folder = variant(corpus.folder) if variant else corpus.folder
    load = os.getloadavg()[0]
    run = fresh_run(module, folder)
    result = {"n": n, "seed": seed, "corpus_mb": round(corpus.bytes / 2**20, 1), **run}
    if variant:
        result["distinct"] = True
    if repeat:
        result["byte_identical_rerun"] = fresh_run(module, folder)["sha256"] == run["sha256"]
    result["load_average"] = [round(load, 2), round(os.getloadavg()[0], 2)]
    return result


def record(path: Path, runs: list[dict]) -> None:
    """Merge `runs` into the JSON file at `path` (one entry per N and variant; other entries are kept)."""
    old = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {"runs": []}
    by_key = {(r["n"], r.get("distinct", False)): r for r in [*old["runs"], *runs]}
    path.write_text(
        json.dumps({"runs": [by_key[key] for key in sorted(by_key)]}, ensure_ascii=False, indent=2) + "\n",
        encoding="utf-8",
    )


def main(
    module: str,
    doc: str,
    measure: Callable[[Path, Path], dict],
    results: Path,
    target_seconds: float,
    argv: list[str] | None = None,
    distinct: Variant | None = None,
) -> None:
    """The command line of an indicator's benchmark: `--n`, `--seed`, `--no-record`, `--distinct` when the benchmark
    has that variant (and the internal --measure)."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, nargs="+", default=[100, 1000, 10_000], help="corpus sizes")
    parser.add_argument("--seed", type=int, default=0, help="generator seed")
    parser.add_argument("--no-record", action="store_true", help=f"do not update {results.name}")
    if distinct:
        parser.add_argument("--distinct", action="store_true", help="make every notice's text new before measuring")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure, args.out)))
        return
    CACHE.mkdir(exist_ok=True)
    variant = distinct if getattr(args, "distinct", False) else None
    runs = [benchmark(module, n, args.seed, repeat=n == min(args.n), variant=variant) for n in args.n]
    for run in runs:
        print(json.dumps(run, ensure_ascii=False))
        if run["n"] == 10_000:
            verdict = "meets" if run["wall_s"] < target_seconds else "misses"
            print(f"10^4 notices: {run['wall_s']} s, {verdict} the target of {target_seconds:g} s")
    if not args.no_record:
        record(results, runs)
