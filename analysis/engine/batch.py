"""The one engine: every notice, from one to a hundred thousand, goes through here — `build`, `extract` and the
Python API (`analysis.engine.pipeline`) all call `extract_batch`.

The inputs are cut, in sorted order, into chunks of `chunk_size` notices. Each chunk is one task for a worker
(`analysis.engine.chunk`), which reads and extracts its notices one by one (a notice that fails costs only itself),
applies the researchers' corrections, categorises, validates, and writes its part of every table, its texts and its
audit pages into a new generation of the output folder. The parts are then merged into one file per table
(`analysis.engine.assemble`; after a pool of workers, in a process of its own) and the parent switches to the new
generation at once (`analysis.engine.generation`): the output folder has one layout, which `load_tables` and the
notebooks open, whatever the number of notices.

Chunks are fixed by input order and `chunk_size`, never by scheduling, so the same inputs give byte-identical
outputs whatever the number of workers. Workers are local processes by default; any `concurrent.futures.Executor`
(e.g. a Dask cluster's `Client.get_executor()`) may run the chunks instead, with the inputs and the output folder on
a file system every worker sees.
"""

from __future__ import annotations

import os
import pickle
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Executor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from analysis.engine import assemble, generation
from analysis.engine.chunk import STAGES, TABLES, ChunkResult, ChunkTask, Extract, Finish, peak_rss_mb, tables_of
from analysis.engine.metadata_rows import Metadata, MetadataRows
from analysis.engine.notice_index import NoticeIndex
from analysis.engine.pool import Progress, run_once, run_tasks, usable_cores
from analysis.read.sources import NoticeError, notice_files, shown

__all__ = ["STAGES", "TABLES", "BatchReport", "extract_batch", "tables_of"]

DEFAULT_CHUNK_SIZE = 250
# Above this many notices, the per-notice lines are left out of the report (the failures never are).
SUMMARY_MAX_NOTICES = 200


@dataclass
class BatchReport:
    """What a batch did: counts, one message per failed input, notes, time per stage and peak memory.

    `seconds["wall"]` is elapsed time; each stage is CPU time summed over workers, which other processes on
    the machine do not inflate.
    Peak memory is resident set size in MB: `parent`, the largest `worker`, `assemble` (the process that merged the
    parts after a pool; 0 when the parent did), and `total`, the parent plus the larger of every worker's peak summed
    and `assemble` (which starts when the workers have ended): an upper bound on what the batch held at once.
    """

    notices: int
    extracted: int
    failures: list[str]
    rows: dict[str, int]
    partitions: int
    workers: int
    chunk_size: int
    bytes_read: int
    written: bool
    notes: list[str] = field(default_factory=list)  # duplicates counted once, copies left out, corrections not applied
    summaries: list[str] = field(default_factory=list)  # one line per notice, for runs of up to SUMMARY_MAX_NOTICES
    seconds: dict[str, float] = field(default_factory=dict)
    peak_rss_mb: dict[str, float] = field(default_factory=dict)


def extract_batch(
    paths: Iterable[Path],
    out_dir: Path,
    workers: int | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: bool | None = None,
    metadata: Metadata | None = None,
    extract: Extract | None = None,
    finish: Finish | None = None,
    executor: Executor | None = None,
    audit: bool = True,
    corrections: Path | None = None,
    registered: Mapping[str, Path] | None = None,
    indicators: bool | None = False,
) -> BatchReport:
    """Extract every notice among `paths` (files or folders) into the output folder `out_dir`.

    `workers` defaults to the usable cores; 1 runs in this process; `executor`, when given, runs the chunks instead
    of local processes. `metadata` is a loaded metadata file; when None, each folder's own metadata.csv is used.
    `progress`: None shows progress when stderr is a terminal and there are many notices, True always, False never.
    `audit=False` leaves out the audit pages (for very large corpora). `corrections` is a corrections file to apply
    (the default `extract` only). `registered` maps the doc_id of each notice that must not vanish to its raw file:
    one that cannot be extracted now keeps its rows from the earlier outputs (a missing file is a failure).
    `indicators`: the indicator tables (timeliness, concreteness, boilerplate, reuse, recurrence) are computed over
    the whole corpus: True always, False never (the default here), None for corpora up to
    `assemble.INDICATORS_MAX_NOTICES` notices (what `build` and `extract` do).

    `extract` reads one notice, `finish` turns one chunk's extractions into tables (`tables_of` by default); both run
    in the workers, so with more than one worker they must be picklable. If `finish` fails or its tables break the
    schema, the chunk is redone notice by notice, so that only the notices at fault are dropped.

    Raises OutputFolderError, writing nothing, when `out_dir` holds files this tool did not write, and AssemblyDied,
    switching nothing, when the process merging the parts dies. If no notice could be extracted, or the run is
    interrupted, `out_dir` is left as it was.
    """
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")
    started = time.perf_counter()
    failures: list[str] = []
    notes: list[str] = []
    extract = extract or partial(_default_extract(), corrections=_corrections(corrections, failures))
    finish = tables_of if finish is None else finish

    staging = generation.prepare(out_dir)
    index = NoticeIndex(staging / ".notices.sqlite")
    try:
        failures += _inputs(paths, index)
        n_files = index.count()
        n_chunks = -(-n_files // chunk_size)
        n_workers = max(1, min(workers or usable_cores(), n_chunks))
        if n_workers > 1 or executor is not None:
            _check_picklable(extract=extract, finish=finish)
        options = (chunk_size, n_workers, progress, metadata, extract, finish, executor, audit)
        results = _run(index, n_files, staging, *options)
        failures += [message for r in results for _, message in sorted(r.failures)]
        notes += [message for r in results for message in r.messages]
        kept = set(_carried_over(registered, index.was_written, out_dir, staging, n_chunks, failures, notes))
        repeated = index.duplicates()
        notes += [
            f"{doc_id}: the same bytes as {first} — counted once, as {first}" for doc_id, first in repeated.items()
        ]
        n_written = index.n_written() - len(repeated) + len(kept)
        written = n_written > 0
        assembled = None
        if written:
            index.close()
            job = assemble.Assembly(staging, index.store, repeated, frozenset(kept), n_written, indicators)
            # after a local pool, in a process of its own: the footers it builds grow with the corpus
            try:
                assembled = run_once(assemble.assemble, job, executor, local_process=n_workers > 1)
            except BrokenProcessPool:
                raise assemble.AssemblyDied(
                    f"the process merging the tables died (killed or out of memory); {shown(out_dir)} is left as it was"
                ) from None
            notes += assembled.notes
            generation.switch(staging, out_dir)
    finally:
        index.close()
        generation.discard(staging)

    return BatchReport(
        notices=n_files,
        extracted=n_written - len(kept),
        failures=failures,
        rows=assembled.rows if assembled else dict.fromkeys(TABLES, 0),
        partitions=n_chunks if written else 0,
        workers=n_workers,
        chunk_size=chunk_size,
        bytes_read=sum(r.bytes_read for r in results),
        written=written,
        notes=notes,
        summaries=[line for r in results for line in r.summaries],
        seconds=_seconds(results, started),
        peak_rss_mb=_memory(results, assembled),
    )


def _check_picklable(**hooks: object) -> None:
    """Hooks sent to worker processes must pickle: a module-level function or a partial of one."""
    for name, hook in hooks.items():
        try:
            pickle.dumps(hook)
        except (pickle.PicklingError, AttributeError, TypeError) as exc:
            raise ValueError(f"{name} must be a module-level function or a partial of one ({exc})") from None


def _default_extract() -> Extract:
    from analysis.extract import extract_notice

    return extract_notice


def _corrections(path: Path | None, failures: list[str]) -> list:
    """The researchers' corrections: a malformed row is reported and skipped, a file that cannot be used reported."""
    from analysis.curate.corrections import CorrectionsError, read_corrections

    if path is None:
        return []
    try:
        found, bad = read_corrections(path)
    except CorrectionsError as exc:
        failures.append(f"{exc} — no corrections applied")
        return []
    failures += bad
    return found


def _inputs(paths: Iterable[Path], index: NoticeIndex) -> list[str]:
    """Add the notice files of `paths` to `index`, one per doc_id; a message for each unusable input or clash."""
    failures: list[str] = []
    for path in paths:
        try:
            index.add_files(notice_files(path))
        except NoticeError as exc:
            failures.append(str(exc))
    return failures + index.drop_doc_id_clashes()


def _run(
    index: NoticeIndex,
    n_files: int,
    staging: Path,
    chunk_size: int,
    workers: int,
    progress: bool | None,
    metadata: Metadata | None,
    extract: Extract,
    finish: Finish,
    executor: Executor | None,
    audit: bool,
) -> list[ChunkResult]:
    shown_progress = Progress(n_files, progress)
    rows = MetadataRows(metadata, staging / ".metadata.sqlite")

    def receive(result: ChunkResult) -> None:
        index.add_written(result.index, result.written())
        result.notices = ""  # stored: the parent need not hold it

    try:
        tasks = (
            ChunkTask(number, chunk, staging, *rows.of(chunk), extract, finish, audit, n_files <= SUMMARY_MAX_NOTICES)
            for number, chunk in enumerate(index.chunks(chunk_size))
        )
        return run_tasks(tasks, workers, shown_progress, executor, receive)
    finally:
        rows.close()
        shown_progress.close()
        (staging / ".metadata.sqlite").unlink(missing_ok=True)


def _carried_over(
    registered: Mapping[str, Path] | None,
    built: Callable[[str], bool],
    out_dir: Path,
    staging: Path,
    index: int,
    failures: list[str],
    notes: list[str],
) -> list[str]:
    """Registered notices not extracted now keep their earlier outputs; a registered file that is missing is a
    failure (one that could not be read has failed already)."""
    if not registered:
        return []
    missing = sorted(doc_id for doc_id in registered if not built(doc_id))
    if not missing:
        return []
    kept: list[str] = []
    if (out_dir / "documents.parquet").is_file():
        try:
            kept = assemble.carry_over(missing, out_dir, staging, index)
        except Exception as exc:  # unreadable earlier tables: nothing to keep, said once
            failures.append(f"{shown(out_dir)}: earlier tables unreadable ({exc}) — nothing kept of {missing}")
    for doc_id in missing:
        raw = Path(registered[doc_id])
        state = "its earlier outputs are kept" if doc_id in kept else "it had no earlier outputs"
        if not raw.exists():
            failures.append(
                f"{shown(raw)}: registered in metadata.csv but missing — restore it, or remove its row to drop the "
                f"notice; {state}"
            )
        elif doc_id in kept:
            notes.append(f"{shown(raw)}: not built now; registered in metadata.csv, so its earlier outputs are kept")
    return kept


def _seconds(results: list[ChunkResult], started: float) -> dict[str, float]:
    seconds = {stage: round(sum(r.seconds.get(stage, 0.0) for r in results), 3) for stage in STAGES}
    seconds["wall"] = round(time.perf_counter() - started, 3)
    return seconds


def _memory(results: list[ChunkResult], assembled: assemble.Assembled | None) -> dict[str, float]:
    worker_peaks: dict[int, float] = {}
    for r in results:
        if r.pid:
            worker_peaks[r.pid] = max(worker_peaks.get(r.pid, 0.0), r.peak_rss_mb)
    parent = peak_rss_mb()
    in_process = set(worker_peaks) == {os.getpid()}
    # the assembly's process starts when the workers have ended: the two never hold memory at once
    assembly = assembled.peak_rss_mb if assembled and not in_process else 0.0
    return {
        "parent": parent,
        "worker": max(worker_peaks.values(), default=0.0),
        "assemble": assembly,
        "total": parent if in_process else round(parent + max(sum(worker_peaks.values()), assembly), 1),
    }
