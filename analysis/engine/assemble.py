"""Turn the chunks' parts into the one output layout, inside the new generation:

    <table>.parquet     one file per table (documents, problems, measures, amounts, evidence)
    tables.xlsx         the same tables for reading by eye (corpora up to WORKBOOK_MAX_NOTICES notices, 200 unless set)
    <indicator>.parquet the indicator tables (analysis.indicators), for corpora up to INDICATORS_MAX_NOTICES notices
    csv/, datapackage.json   CSV copies and their Frictionless descriptor (analysis.tables.package)
    texts/<doc_id>.txt  the text every span indexes
    audit/<doc_id>.html one page per notice showing each extracted value on its text

Parts are merged row group by row group, in chunk order, so the same inputs give the same bytes whatever the number
of workers. The one thing that grows with the corpus is each Parquet writer's footer, about 1.3 KB per row group (one
row group per chunk and table): so after a pool of workers, `assemble` runs in a fresh process of its own
(`analysis.engine.pool.run_once`), once the workers have ended, and the parent, which lives through the whole batch,
stays at the same few tens of MB whatever the number of notices.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from analysis.engine import generation
from analysis.engine.chunk import PARTS, TABLES, peak_rss_mb
from analysis.engine.notice_index import NoticeIndex

# A workbook holds every table in memory while it is written (about 30 ms per notice), and Excel is no tool for
# more: above this many notices the workbook is left out (said in one line); the Parquet and CSV copies are complete.
WORKBOOK_MAX_NOTICES = int(os.environ.get("ANALYSIS_WORKBOOK_MAX_NOTICES", "200"))
# The indicators compare every notice with the corpus, in memory: by default they are computed for corpora up to this
# many notices, and on request (`indicators=True`, `--indicators`) for any.
INDICATORS_MAX_NOTICES = int(os.environ.get("ANALYSIS_INDICATORS_MAX_NOTICES", "500"))


class AssemblyDied(RuntimeError):
    """The process assembling a generation died (killed, out of memory): nothing was switched."""


@dataclass(frozen=True)
class Assembly:
    """What assembling a new generation needs, all picklable: it may run in another process or on a cluster.

    `repeated` maps a notice with the same bytes as an earlier one to that one (left out); `kept` are the notices
    carried over from the earlier generation; `index_store` is the batch's `NoticeIndex` file, closed by its owner.
    """

    generation: Path
    index_store: Path
    repeated: dict[str, str]
    kept: frozenset[str]
    notices: int
    indicators: bool | None


@dataclass(frozen=True)
class Assembled:
    """What assembling did: rows per table, a line for each copy left out, and the peak memory of its process."""

    rows: dict[str, int]
    notes: list[str]
    peak_rss_mb: float


def assemble(job: Assembly) -> Assembled:
    """Merge the parts, tidy texts and audit pages, write indicators, copies and the manifest of `job.generation`."""
    generation.kill_point("assemble")
    with system_allocator():
        rows = merge_parts(job.generation, set(job.repeated))
        index = NoticeIndex(job.index_store, existing=True)
        try:
            keep_only(
                job.generation,
                lambda doc_id: doc_id in job.kept or (doc_id not in job.repeated and index.was_written(doc_id)),
            )
        finally:
            index.close()
        job.index_store.unlink()  # before the manifest: a scratch file, not an output
        notes = write_indicators(job.generation, job.notices, job.indicators)
        notes += write_copies(job.generation, job.notices)
    generation.write_manifest(job.generation)
    return Assembled(rows, notes, peak_rss_mb())


def carry_over(kept: list[str], earlier: Path, generation: Path, index: int) -> list[str]:
    """Copy the rows, text and audit page of notices `kept` from the earlier generation `earlier` into `generation`
    as part `index`; return the doc_ids found there."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from analysis.engine.chunk import write_part
    from analysis.tables import arrow_schema

    found: list[str] = []
    for name in TABLES:
        table = pq.read_table(earlier / f"{name}.parquet", schema=arrow_schema(name))
        rows = table.filter(pc.is_in(table["doc_id"], value_set=_strings(kept)))
        if name == "documents":
            found = sorted(rows["doc_id"].to_pylist())
        write_part(name, rows.to_pandas(), generation / PARTS / name / f"part-{index:05d}.parquet")
    for doc_id in found:
        for folder, suffix in (("texts", ".txt"), ("audit", ".html")):
            source = earlier / folder / f"{doc_id}{suffix}"
            if source.is_file():
                (generation / folder).mkdir(exist_ok=True)
                shutil.copy2(source, generation / folder / source.name)
    return found


def merge_parts(generation: Path, dropped: set[str]) -> dict[str, int]:
    """Merge each table's parts into `<table>.parquet`, leaving out the notices `dropped`; return the row counts."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from analysis.tables import arrow_schema, parquet_options
    from analysis.tables.io import release_freed_memory

    rows: dict[str, int] = {}
    for name in TABLES:
        rows[name] = 0
        with pq.ParquetWriter(generation / f"{name}.parquet", arrow_schema(name), **parquet_options(name)) as writer:
            for part in sorted((generation / PARTS / name).glob("part-*.parquet")):
                # one thread: a part is small, and reading it on the pool's threads spreads its buffers over one
                # malloc arena per thread, which keep the pages when they are freed
                table = pq.ParquetFile(part).read(use_threads=False)
                if dropped:
                    table = table.filter(pc.invert(pc.is_in(table["doc_id"], value_set=_strings(dropped))))
                if table.num_rows:
                    writer.write_table(table)
                    rows[name] += table.num_rows
                del table
        # The writer held the metadata of every row group (one per chunk) and copied it into the footer at close:
        # many small blocks, freed now but kept by malloc, on top of which the next table would be merged.
        release_freed_memory()
    shutil.rmtree(generation / PARTS)
    return rows


@contextmanager
def system_allocator() -> Iterator[None]:
    """Assemble with the system allocator: pyarrow's default pool keeps the pages of every part it read, the system's
    returns them (the parent's peak at 2,000 notices: 243 MB with the default pool, 154 MB with this)."""
    import pyarrow as pa

    previous = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    try:
        yield
    finally:
        pa.set_memory_pool(previous)


def keep_only(generation: Path, keep: Callable[[str], bool]) -> None:
    """Remove texts and audit pages of notices not in the tables (`keep(doc_id)` false): dropped duplicates, chunks
    lost with their worker."""
    for folder in ("texts", "audit"):
        if not (generation / folder).is_dir():
            continue
        with os.scandir(generation / folder) as entries:
            for entry in entries:
                if not keep(Path(entry.name).stem):
                    os.unlink(entry.path)


def write_indicators(generation: Path, notices: int, wanted: bool | None) -> list[str]:
    """The indicator tables (analysis.indicators) as `<name>.parquet` beside the five; returns a line when they are
    left out. `wanted`: True always, False never, None up to INDICATORS_MAX_NOTICES notices."""
    if wanted is False:
        return []
    if wanted is None and notices > INDICATORS_MAX_NOTICES:
        return [
            f"indicator tables left out: {notices} notices are more than ANALYSIS_INDICATORS_MAX_NOTICES="
            f"{INDICATORS_MAX_NOTICES}; ask for them with --indicators"
        ]
    from analysis.indicators.tables import indicator_tables, stored_texts
    from analysis.tables.io import parquet_bytes, read_tables

    tables = read_tables(generation)
    texts = stored_texts(generation / "texts", tables["documents"]["doc_id"])
    for name, frame in indicator_tables(tables, texts).items():
        (generation / f"{name}.parquet").write_bytes(parquet_bytes(name, frame))
    return []


def write_copies(generation: Path, notices: int) -> list[str]:
    """The workbook (when the corpus is small enough), the CSV copies and the data package descriptor; returns a line
    for each copy left out."""
    from analysis.tables.package import write_csv_copies, write_descriptor

    notes = []
    if notices <= WORKBOOK_MAX_NOTICES:
        from analysis.tables.io import read_tables, workbook_bytes

        (generation / "tables.xlsx").write_bytes(workbook_bytes(read_tables(generation)))
    else:
        notes.append(
            f"tables.xlsx left out: {notices} notices are more than a workbook is for (ANALYSIS_WORKBOOK_MAX_NOTICES="
            f"{WORKBOOK_MAX_NOTICES}); use the Parquet or CSV copies"
        )
    write_csv_copies(generation)
    write_descriptor(generation)
    return notes


def _strings(values: Iterable[str]) -> object:
    import pyarrow as pa

    return pa.array(sorted(values), type=pa.string())
