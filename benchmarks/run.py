"""Benchmark the extraction: generate N notices, time the floor and the extractor on them, report and record.

    python -m benchmarks.run --n 100 1000 10000     # the standard sizes; 10^5 on request: --n 100000
    python -m benchmarks.run --profile 1000         # where the time goes: cProfile, one process

For each N, a corpus is generated (cached in benchmarks/.cache by generator version, seed and N), then the
floor (read + normalise + one pattern pass, see benchmarks/floor.py) and `analysis.engine.batch.extract_batch` each
run in a fresh process, so that peak memory belongs to that run alone. Results are printed and merged into
benchmarks/results.json (one entry per N; entries for other N are kept).
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import datetime as dt
import json
import os
import platform
import pstats
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analysis.engine.batch import DEFAULT_CHUNK_SIZE, STAGES, extract_batch
from analysis.paths import ROOT
from analysis.read.sources import discover
from benchmarks.floor import run_floor
from benchmarks.generate import Corpus, generate_corpus, generator_version

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
RESULTS = HERE / "results.json"
TARGET_SECONDS_AT_10K = 60.0
TARGET_MULTIPLE = 20.0
TARGET_WALL_MULTIPLE_SINGLE_CORE = 5.0  # issue 10: extraction wall time within 5x the single-core floor's
TARGET_PEAK_MB = 1024.0


def corpus_for(n: int, seed: int, cache: Path = CACHE) -> tuple[Corpus, float]:
    """The cached corpus of n notices (generated if missing or stale) and the seconds spent generating it."""
    version = generator_version()
    folder = cache / f"corpus-{version}-seed{seed}-n{n}"
    done = folder / ".complete"
    if done.is_file():
        return Corpus(folder, n, seed, int(done.read_text())), 0.0
    for stale in cache.glob("corpus-*"):
        if not stale.name.startswith(f"corpus-{version}-"):
            shutil.rmtree(stale)
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    corpus = generate_corpus(n, folder, seed)
    done.write_text(str(corpus.bytes))
    return corpus, time.perf_counter() - started


def _peak_mb(who: int) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)


def measure(kind: str, folder: Path, workers: int, chunk_size: int) -> dict:
    """One timed run in this process: the floor or the extraction of every notice in `folder`."""
    if kind == "floor":
        result = run_floor(discover([folder]), workers, chunk_size)
        parent, worker = _peak_mb(resource.RUSAGE_SELF), _peak_mb(resource.RUSAGE_CHILDREN)
        result["peak_rss_mb"] = {"parent": parent, "worker": worker, "total": parent + workers * worker}
        return result
    out = Path(tempfile.mkdtemp(prefix="tables-", dir=folder.parent))
    try:
        # the folder, as a researcher would pass it: the batch lists the files itself, holding them compactly
        report = extract_batch([folder], out, workers=workers, chunk_size=chunk_size)
        output_bytes = sum(p.stat().st_size for p in out.rglob("*.parquet"))
    finally:
        shutil.rmtree(out)
    return {
        **dataclasses.asdict(report),
        "failures": len(report.failures),
        "first_failures": report.failures[:5],
        "output_bytes": output_bytes,
    }


def _measured(kind: str, folder: Path, workers: int, chunk_size: int) -> dict:
    """`measure` in a fresh interpreter, so its peak memory is this run's alone; stderr passes through."""
    command = [sys.executable, "-m", "benchmarks.run", "--measure", kind, "--corpus", str(folder)]
    command += ["--workers", str(workers), "--chunk-size", str(chunk_size)]
    done = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    return json.loads(done.stdout.splitlines()[-1])


def benchmark(n: int, seed: int, workers: int, chunk_size: int) -> dict:
    """Generate (or reuse) the corpus of n notices, run floor and extraction, and derive the figures."""
    corpus, generated_in = corpus_for(n, seed)
    load_before = os.getloadavg()[0]
    floor = _measured("floor", corpus.folder, workers, chunk_size)
    # the yardstick: the floor in one process, what reading the notices costs without the engine's workers
    single = floor if workers == 1 else _measured("floor", corpus.folder, 1, chunk_size)
    batch = _measured("extract", corpus.folder, workers, chunk_size)
    wall = batch["seconds"]["wall"]
    stages = {k: v for k, v in batch["seconds"].items() if k != "wall"}
    mb = corpus.bytes / 2**20
    floor_cpu = sum(floor[s] for s in ("read", "normalize", "regex"))
    return {
        "n": n,
        "seed": seed,
        "workers": batch["workers"],
        "chunk_size": chunk_size,
        "corpus_mb": round(mb, 2),
        "generated_in_s": round(generated_in, 1),
        "extracted": batch["extracted"],
        "failures": batch["failures"],
        "first_failures": batch["first_failures"],
        "rows": batch["rows"],
        "output_mb": round(batch["output_bytes"] / 2**20, 2),
        "wall_s": wall,
        "notices_per_s": round(n / wall, 1),
        "mb_per_s": round(mb / wall, 2),
        "cpu_s": stages,
        "cpu_ms_per_notice": round(1000 * sum(stages.values()) / n, 2),
        "peak_rss_mb": batch["peak_rss_mb"],
        "floor": {
            "wall_s": round(floor["wall"], 3),
            "cpu_s": {s: round(floor[s], 3) for s in ("read", "normalize", "regex")},
            "notices_per_s": round(n / floor["wall"], 1),
            "mb_per_s": round(mb / floor["wall"], 2),
            "peak_rss_mb": floor["peak_rss_mb"],
            "single_core_wall_s": round(single["wall"], 3),
        },
        # CPU: every stage (categories and tables included) against the floor's, unaffected by other load on the
        # machine. Extractor only: read + extract against the floor. Wall: elapsed against elapsed.
        "multiple_of_floor_cpu": round(sum(stages.values()) / floor_cpu, 2),
        "multiple_of_floor_extractor_only": round((stages["read"] + stages["extract"]) / floor_cpu, 2),
        "multiple_of_floor_wall": round(wall / floor["wall"], 2),
        "multiple_of_single_core_floor_wall": round(wall / single["wall"], 2),
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


def _machine() -> dict:
    import pandas
    import pyarrow

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "pandas": pandas.__version__,
        "pyarrow": pyarrow.__version__,
        "commit": git("rev-parse", "--short", "HEAD"),
        # results.json is written by the runs themselves: a change to it alone is not a change to what is measured
        "uncommitted_changes": bool(git("status", "--porcelain", "--", ".", ":!benchmarks/results.json")),
        "generator": generator_version(),
    }


def _table(runs: list[dict]) -> str:
    columns = [("N", 7), ("notices/s", 9), ("MB/s", 6), ("wall s", 7)]
    columns += [(stage, 7) for stage in STAGES] + [("ms/notice", 9), ("floor s", 7)]
    columns += [("x cpu", 6), ("x extr", 6), ("x wall", 6), ("x 1core", 7)]
    columns += [("peak MB parent/worker/assemble/total", 36), ("fail", 5), ("load", 9)]
    lines = [" ".join(f"{name:>{width}}" for name, width in columns)]
    for r in runs:
        p = r["peak_rss_mb"]
        values = [r["n"], r["notices_per_s"], r["mb_per_s"], r["wall_s"]]
        values += [f"{r['cpu_s'][stage]:.1f}" for stage in STAGES] + [r["cpu_ms_per_notice"], r["floor"]["wall_s"]]
        values += [r["multiple_of_floor_cpu"], r["multiple_of_floor_extractor_only"], r["multiple_of_floor_wall"]]
        values += [r.get("multiple_of_single_core_floor_wall", "")]
        peaks = (p["parent"], p["worker"], p.get("assemble", 0.0), p["total"])
        values += [" / ".join(f"{mb:.0f}" for mb in peaks), r["failures"]]
        values += [f"{r['load_average'][0]}-{r['load_average'][1]}"]
        lines.append(" ".join(f"{value!s:>{width}}" for value, (_, width) in zip(values, columns, strict=True)))
    lines.append(
        f"{', '.join(STAGES)}: CPU seconds summed over workers (finish: categories); x cpu: all stages / floor "
        "CPU; x extr: read+extract / floor CPU; x wall: wall / floor wall (same workers); "
        "x 1core: wall / the floor's wall in one process; peak: assemble is the process that merges the parts after "
        "the workers end, total the parent plus the larger of the workers' sum and assemble; load: 1-min load "
        "average before-after"
    )
    return "\n".join(lines)


def _verdicts(runs: list[dict]) -> list[str]:
    lines = []
    for r in runs:
        multiple, peak = r["multiple_of_floor_cpu"], r["peak_rss_mb"]["total"]
        cost_ok, peak_ok = multiple <= TARGET_MULTIPLE, peak < TARGET_PEAK_MB
        verdict = [
            f"cost {multiple}x floor ({'ok' if cost_ok else 'MISSED'}, target {TARGET_MULTIPLE:g}x)",
            f"peak {peak:.0f} MB ({'ok' if peak_ok else 'MISSED'}, target {TARGET_PEAK_MB:.0f})",
        ]
        single = r.get("multiple_of_single_core_floor_wall")
        if single is not None:
            ok = single <= TARGET_WALL_MULTIPLE_SINGLE_CORE
            verdict.append(
                f"wall {single}x the single-core floor ({'ok' if ok else 'MISSED'}, target "
                f"{TARGET_WALL_MULTIPLE_SINGLE_CORE:g}x), {r['multiple_of_floor_wall']}x the floor on the same workers"
            )
        if r["n"] == 10_000:
            ok = r["wall_s"] < TARGET_SECONDS_AT_10K
            verdict.append(f"{r['wall_s']} s ({'ok' if ok else 'MISSED'}, target {TARGET_SECONDS_AT_10K:g} s)")
        lines.append(f"N={r['n']}: " + "; ".join(verdict))
    return lines


def record(runs: list[dict], path: Path = RESULTS) -> None:
    """Merge `runs` into the results file: one entry per N, newest wins."""
    old = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {"runs": []}
    by_n = {r["n"]: r for r in old["runs"]} | {r["n"]: {**r, "machine": _machine()} for r in runs}
    payload = {"runs": [by_n[n] for n in sorted(by_n)]}
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def profile(n: int, seed: int, top: int = 25) -> None:
    """Profile the extraction of n notices in one process (no workers) and print where the time goes."""
    corpus, _ = corpus_for(n, seed)
    out = Path(tempfile.mkdtemp(prefix="profile-", dir=CACHE))
    profiler = cProfile.Profile()
    try:
        profiler.runcall(extract_batch, [corpus.folder], out, workers=1, progress=False)
    finally:
        shutil.rmtree(out)
    stats_file = CACHE / f"profile-n{n}.pstats"
    profiler.dump_stats(stats_file)
    print(f"profile of extract_batch on {n} notices, workers=1 (full stats: {stats_file})")
    # The project's own functions by cumulative time first (where to look), then everything by own time.
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(f"{ROOT.name}/analysis/", top)
    pstats.Stats(profiler).strip_dirs().sort_stats("tottime").print_stats(top)


def main(argv: list[str] | None = None) -> None:
    """Command line; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, nargs="+", default=[100, 1000, 10_000], help="corpus sizes")
    parser.add_argument("--seed", type=int, default=0, help="generator seed")
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: all cores)")
    parser.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK_SIZE, help="notices per partition")
    parser.add_argument("--no-record", action="store_true", help=f"do not update {RESULTS.name}")
    parser.add_argument("--profile", type=int, metavar="N", help="profile the extraction of N notices instead")
    parser.add_argument("--measure", choices=("floor", "extract"), help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.measure:
        print(json.dumps(measure(args.measure, args.corpus, args.workers, args.chunk_size)))
        return
    CACHE.mkdir(exist_ok=True)
    if args.profile:
        profile(args.profile, args.seed)
        return
    workers = args.workers or (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count())
    runs = []
    for n in args.n:
        runs.append(benchmark(n, args.seed, workers, args.chunk_size))
        print(f"N={n}: {runs[-1]['wall_s']} s", file=sys.stderr)
    print(_table(runs))
    print("\n".join(_verdicts(runs)))
    if not args.no_record:
        record(runs)
        print(f"recorded in {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
