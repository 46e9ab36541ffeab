"""Where the engine's parent process holds memory: each stage of `extract_batch`, with its resident memory before,
at its peak and after, and with `--trace` the Python heap (tracemalloc) too.

    python -m benchmarks.parent_stages CORPUS_FOLDER [--trace] [--top 15]

The stages (`batch._inputs`, `batch._run`, `assemble.merge_parts`, `assemble.keep_only`, `assemble.write_copies`,
`generation.write_manifest`, …) are wrapped in this process only; the workers are not measured. The assembly, which
the engine runs in a process of its own after a pool (`analysis.engine.pool.run_once`), runs here in this process,
so that its stages can be measured: the parent's own peak is that of the stages before `merge_parts`. Resident memory is
sampled every 5 ms by a thread. Compare two sizes (e.g. the 10⁴ corpus and the first 3×10⁴ notices of the 10⁵ one)
to see which stage grows with N: memory held by Arrow and Parquet (C++) shows in the resident figures only, Python
objects in the tracemalloc ones. tracemalloc's own tables inflate the resident figures: compare those without
`--trace`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

_PAGE = os.sysconf("SC_PAGE_SIZE")
STAGES = {
    "batch": ("_inputs", "_run", "_carried_over"),
    "assemble": ("merge_parts", "keep_only", "write_indicators", "write_copies"),
    "generation": ("write_manifest", "switch"),
}


def rss_mb() -> float:
    """This process's resident memory now, in MB (Linux)."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * _PAGE / 2**20


class _Sampler(threading.Thread):
    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = rss_mb()

    def run(self) -> None:
        while True:
            self.peak = max(self.peak, rss_mb())
            time.sleep(0.005)


def _wrap(module: ModuleType, name: str, sampler: _Sampler, trace: bool, top: int, lines: list[dict]) -> None:
    original: Callable = getattr(module, name)

    def wrapped(*args: object, **kwargs: object) -> object:
        before = rss_mb()
        sampler.peak = before
        if trace:
            tracemalloc.reset_peak()
            heap_before = tracemalloc.get_traced_memory()[0]
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            line = {"stage": name, "s": round(time.perf_counter() - started, 2)}
            line |= {
                "rss_before": round(before, 1),
                "rss_peak": round(sampler.peak, 1),
                "rss_after": round(rss_mb(), 1),
            }
            if trace:
                current, peak = tracemalloc.get_traced_memory()
                line |= {"heap_before": round(heap_before / 2**20, 2), "heap_peak": round(peak / 2**20, 2)}
                line |= {"heap_after": round(current / 2**20, 2)}
                if top:
                    stats = tracemalloc.take_snapshot().statistics("lineno")[:top]
                    line["heap_largest"] = [f"{s.size / 2**20:.2f} MB in {s.count} at {s.traceback[0]}" for s in stats]
            lines.append(line)
            print(json.dumps(line, ensure_ascii=False), flush=True)

    setattr(module, name, wrapped)


def main(argv: list[str] | None = None) -> None:
    """Command line; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path, help="a folder of notices (with its metadata.csv)")
    parser.add_argument("--trace", action="store_true", help="also the Python heap (tracemalloc; slower)")
    parser.add_argument("--top", type=int, default=0, help="with --trace: the N largest allocations after each stage")
    args = parser.parse_args(argv)

    from analysis.engine import assemble, batch, generation

    if args.trace:
        tracemalloc.start()
    sampler = _Sampler()
    sampler.start()
    lines: list[dict] = []
    modules = {"batch": batch, "assemble": assemble, "generation": generation}
    for module, names in STAGES.items():
        for name in names:
            _wrap(modules[module], name, sampler, args.trace, args.top, lines)
    batch.run_once = lambda function, argument, *_, **__: function(argument)
    out = Path(tempfile.mkdtemp(prefix="parent-stages-"))
    try:
        report = batch.extract_batch([args.corpus], out / "tables")
    finally:
        shutil.rmtree(out)
    print(json.dumps({"stage": "end", "peak_rss_mb": report.peak_rss_mb, "notices": report.notices}), flush=True)


if __name__ == "__main__":
    main()
