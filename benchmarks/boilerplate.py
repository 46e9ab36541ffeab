"""Benchmark the boilerplate indicator (analysis.indicators.boilerplate) at 10^2 to 10^4 generated notices.

    python -m benchmarks.boilerplate --n 100 1000 10000      # or: make bench-boilerplate

Each N runs in a fresh interpreter (so peak memory is that run's alone) over the cached corpus of benchmarks.run
(benchmarks/generate.py): the notices are read from disk twice, once to count the n-grams' document frequencies
into the sketch and once to mark the covered characters, and every notice's shares are written to a Parquet file
in batches, as a build would. Memory should not grow with N: the sketch is fixed (12 MB) and one notice is held at
a time. Figures are printed and merged into benchmarks/boilerplate_results.json.

The generated corpus recombines the five seeds' problem blocks, so nearly every phrase is common: the shares
are not meaningful there, only the time and the memory.
"""

from __future__ import annotations

import hashlib
import resource
import time
from pathlib import Path

from benchmarks import indicator_harness as harness

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "boilerplate_results.json"
TARGET_SECONDS_AT_10K = 120.0
BATCH_ROWS = 10_000


def measure(folder: Path, out: Path) -> dict:
    """Every notice's boilerplate shares among the notices in `folder`, written to `out` (Parquet); the figures."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from analysis.indicators import boilerplate
    from analysis.tables import parquet_options

    started, cpu_started = time.perf_counter(), time.process_time()
    ids = sorted(path.stem for path in folder.glob("*.txt"))

    def read(doc_id: str) -> str:
        return (folder / f"{doc_id}.txt").read_text(encoding="utf-8-sig")

    schema = pa.schema(
        [("doc_id", pa.string()), ("chars", pa.int64()), ("common_share", pa.float64()), ("stock_share", pa.float64())]
    )
    batch: list[boilerplate.NoticeShares] = []
    chars = 0

    def write(rows: list[boilerplate.NoticeShares]) -> None:
        columns = [[getattr(r, name) for r in rows] for name in schema.names]
        writer.write_table(pa.Table.from_arrays([pa.array(c) for c in columns], schema=schema))

    with pq.ParquetWriter(out, schema, **parquet_options("boilerplate_notices")) as writer:  # the tables' writer policy
        for shares in boilerplate.iter_notice_shares(ids, read):
            chars += shares.chars
            batch.append(shares)
            if len(batch) >= BATCH_ROWS:
                write(batch)
                batch = []
        if batch:
            write(batch)
    wall = time.perf_counter() - started
    return {
        "wall_s": round(wall, 2),
        "cpu_s": round(time.process_time() - cpu_started, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "notices": len(ids),
        "visible_chars": chars,
        "us_per_kchar": round(1e6 * wall / max(1, chars) * 1000, 1),
        "k": boilerplate.threshold(len(ids)),
        "sha256": hashlib.sha256(out.read_bytes()).hexdigest(),
    }


def main(argv: list[str] | None = None) -> None:
    """Command line; see the module docstring."""
    harness.main("benchmarks.boilerplate", __doc__, measure, RESULTS, TARGET_SECONDS_AT_10K, argv)


if __name__ == "__main__":
    main()
