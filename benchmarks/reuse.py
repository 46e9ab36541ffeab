"""Benchmark the text-reuse indicator (analysis.indicators.reuse) at 10^2 to 10^4 generated notices.

    python -m benchmarks.reuse --n 100 1000 10000      # or: make bench-reuse

Each N runs in a fresh interpreter (so peak memory is that run's alone) over the cached corpus of benchmarks.run
(benchmarks/generate.py): notices fingerprinted, candidates joined, pairs aligned, every passage written to a
Parquet file in batches, as a build would. The smallest N runs twice and the two files' SHA-256 are compared (the
result must be byte-identical). Figures are printed and merged into benchmarks/reuse_results.json.

The generated corpus recombines the five seeds' problem blocks, so it is an extreme of reuse: most text recurs in
hundreds of notices. `--distinct` is the other extreme: every notice's CJK characters are moved along the CJK block
by the notice's number (`novel`), so no two notices share a sentence while lengths and layout stay those of the
generated corpus.
"""

from __future__ import annotations

import hashlib
import resource
import time
from pathlib import Path

from benchmarks import indicator_harness as harness

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "reuse_results.json"
TARGET_SECONDS_AT_10K = 120.0
BATCH_ROWS = 10_000
CJK_FIRST, CJK_SIZE = 0x4E00, 0x9FFF - 0x4E00 + 1


def novel(text: str, shift: int) -> str:
    """`text` with every CJK character moved `shift` places along the CJK block: the same layout and lengths, but no
    sentence in common with a text moved by another shift (the worst case for signing: every sentence is new)."""
    return "".join(
        chr(CJK_FIRST + (ord(c) - CJK_FIRST + shift) % CJK_SIZE) if CJK_FIRST <= ord(c) < CJK_FIRST + CJK_SIZE else c
        for c in text
    )


def distinct_corpus(folder: Path) -> Path:
    """A copy of the corpus in `folder` with notice i moved by `novel(text, i + 1)`, cached beside it."""
    target = folder.with_name(folder.name + "-distinct")
    done = target / ".complete"
    if not done.is_file():
        target.mkdir(exist_ok=True)
        for shift, path in enumerate(sorted(folder.glob("*.txt")), start=1):
            text = path.read_text(encoding="utf-8-sig")
            (target / path.name).write_text(novel(text, shift), encoding="utf-8")
        done.write_text("")
    return target


def measure(folder: Path, out: Path) -> dict:
    """Find every shared passage among the notices in `folder`, writing them to `out` (Parquet); the figures."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from analysis.indicators import reuse
    from analysis.tables import parquet_options

    started, cpu_started = time.perf_counter(), time.process_time()
    ids = sorted(path.stem for path in folder.glob("*.txt"))

    def read(doc_id: str) -> str:
        return (folder / f"{doc_id}.txt").read_text(encoding="utf-8-sig")

    stats = reuse.ReuseStats()
    schema = pa.schema(
        [
            (name, pa.string() if name in ("doc_id_a", "doc_id_b", "text") else pa.int64())
            for name in reuse.PASSAGE_COLUMNS
        ]
    )
    batch: list[tuple] = []

    def write(rows: list[tuple]) -> None:
        columns = list(zip(*rows, strict=True))
        writer.write_table(pa.Table.from_arrays([pa.array(c) for c in columns], schema=schema))

    with pq.ParquetWriter(out, schema, **parquet_options("reuse_passages")) as writer:  # the tables' writer policy
        for row in reuse.iter_passages(ids, read, stats):
            batch.append(row)
            if len(batch) >= BATCH_ROWS:
                write(batch)
                batch = []
        if batch:
            write(batch)
    return {
        "wall_s": round(time.perf_counter() - started, 2),
        "cpu_s": round(time.process_time() - cpu_started, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "stats": {k: round(v, 2) if isinstance(v, float) else v for k, v in vars(stats).items()},
        "us_fingerprinting_per_notice": round(1e6 * stats.fingerprint_s / max(1, stats.notices), 1),
        "sha256": hashlib.sha256(out.read_bytes()).hexdigest(),
    }


def main(argv: list[str] | None = None) -> None:
    """Command line; see the module docstring."""
    harness.main("benchmarks.reuse", __doc__, measure, RESULTS, TARGET_SECONDS_AT_10K, argv, distinct=distinct_corpus)


if __name__ == "__main__":
    main()
