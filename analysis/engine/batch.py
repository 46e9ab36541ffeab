"""Extract many notices on all cores into partitioned tables, in memory that does not grow with their number.

The inputs are cut, in sorted order, into chunks of `chunk_size` notices. Each chunk is one task for a
worker process, which reads and extracts its notices one by one (a notice that fails costs only itself),
finishes and validates its rows and writes one Parquet part per table: `<out_dir>/<table>/part-NNNNN.parquet`.
Only counts, failure messages and timings travel back to the parent, so neither the parent nor a worker ever
holds more than one chunk of rows. Chunks are fixed by input order and `chunk_size`, never by scheduling, so
the same inputs give byte-identical parts whatever the number of workers.

A folder of parts reads as one table with `pandas.read_parquet(out_dir / "problems")`, and with DuckDB as
`SELECT … FROM '<out_dir>/problems/*.parquet'`.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import pickle
import resource
import shutil
import sqlite3
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.engine.pipeline import TABLES, rows_of
from analysis.engine.time_limit import NoticeTimeout, time_limit
from analysis.extract import Extraction, extract_notice
from analysis.read.sources import (
    RAW_METADATA,
    NoticeError,
    RawNotice,
    iter_metadata,
    notice_files,
    read_notice,
    shown,
    without_doc_id_clashes,
)

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_CHUNK_SIZE = 250
# Below this many notices a progress bar is noise; `progress=True` shows it anyway.
PROGRESS_MIN_NOTICES = 500
STAGES = ("read", "extract", "finish", "conform", "write")

Metadata = Mapping[str, Mapping[str, str]]
Extract = Callable[[RawNotice], Extraction]
# One chunk's extractions → the tables to validate, as rows or DataFrames; see `tables_of`.
Finish = Callable[[list[Extraction]], Mapping[str, "Sequence[dict] | pd.DataFrame"]]


@dataclass
class BatchReport:
    """What a batch did: counts, one message per failed input, time per stage and peak memory.

    `seconds["wall"]` is elapsed time; each stage is CPU time summed over workers, which other processes on
    the machine do not inflate.
    Peak memory is resident set size in MB: `parent`, the largest `worker`, and `total`, the parent plus every
    worker's peak, an upper bound on what the batch held at once.
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
    seconds: dict[str, float] = field(default_factory=dict)
    peak_rss_mb: dict[str, float] = field(default_factory=dict)


@dataclass
class _ChunkResult:
    index: int
    extracted: int
    failures: list[tuple[int, str]]
    rows: dict[str, int]
    bytes_read: int
    seconds: dict[str, float]
    pid: int
    peak_rss_mb: float


def extract_batch(
    paths: Iterable[Path],
    out_dir: Path,
    workers: int | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: bool | None = None,
    metadata: Metadata | None = None,
    extract: Extract = extract_notice,
    finish: Finish | None = None,
) -> BatchReport:
    """Extract every notice among `paths` (files or folders) into `<out_dir>/<table>/part-NNNNN.parquet`.

    `workers` defaults to the usable cores; 1 runs in this process. `metadata` is a loaded metadata file;
    when None, each folder's own metadata.csv is used, as `read_notice` does. `progress`: None shows a bar
    when stderr is a terminal and there are at least PROGRESS_MIN_NOTICES notices, True always, False never.

    `extract` reads one notice (e.g. `functools.partial(extract_notice, corrections=...)`); `finish` turns one
    chunk's extractions into the tables to validate, `tables_of` when None. Both run in the workers, so they
    must be picklable: module-level functions, or partials of them. If `finish` fails or its tables break the
    schema, the chunk is redone notice by notice, so that only the notices at fault are dropped.

    The parts are written to a staging folder and each table folder is swapped in only when every chunk has
    been processed; if no notice could be extracted, or the batch is interrupted, `out_dir` is left as it was.
    """
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")
    started = time.perf_counter()
    files, failures = _inputs(paths)
    finish = tables_of if finish is None else finish
    for name, hook in (("extract", extract), ("finish", finish)):
        try:
            pickle.dumps(hook)
        except (pickle.PicklingError, AttributeError, TypeError) as exc:
            raise ValueError(f"{name} must be a module-level function or a partial of one ({exc})") from None
    n_chunks = -(-len(files) // chunk_size)
    n_workers = max(1, min(workers or _usable_cores(), n_chunks))

    out_dir.mkdir(parents=True, exist_ok=True)
    staging = out_dir / f".batch-{uuid.uuid4().hex[:12]}"
    staging.mkdir()
    try:
        show = _show_progress(progress, len(files))
        chunks = ([Path(f) for f in files[i : i + chunk_size]] for i in range(0, len(files), chunk_size))
        rows = _MetadataRows(metadata, staging / "metadata.sqlite")
        tasks = ((index, chunk, staging, *rows.of(chunk), extract, finish) for index, chunk in enumerate(chunks))
        try:
            results = _run_chunks(tasks, len(files), n_workers, show)
        finally:
            rows.close()
        extracted = sum(r.extracted for r in results)
        failures += [message for r in results for _, message in sorted(r.failures)]
        written = extracted > 0
        if written:
            _swap_in(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)

    seconds = {stage: round(sum(r.seconds.get(stage, 0.0) for r in results), 3) for stage in STAGES}
    seconds["wall"] = round(time.perf_counter() - started, 3)
    worker_peaks: dict[int, float] = {}
    for r in results:
        if r.pid:
            worker_peaks[r.pid] = max(worker_peaks.get(r.pid, 0.0), r.peak_rss_mb)
    parent = _peak_rss_mb()
    in_process = set(worker_peaks) == {os.getpid()}
    return BatchReport(
        notices=len(files),
        extracted=extracted,
        failures=failures,
        rows={name: sum(r.rows.get(name, 0) for r in results) for name in TABLES},
        partitions=n_chunks if written else 0,
        workers=n_workers,
        chunk_size=chunk_size,
        bytes_read=sum(r.bytes_read for r in results),
        written=written,
        seconds=seconds,
        peak_rss_mb={
            "parent": parent,
            "worker": max(worker_peaks.values(), default=0.0),
            "total": parent if in_process else round(parent + sum(worker_peaks.values()), 1),
        },
    )


def _inputs(paths: Iterable[Path]) -> tuple[list[str], list[str]]:
    """The notice files, sorted by path, and a message for each unusable input (doc_id clashes too).

    Files are kept as strings (about 150 bytes each; a Path takes several times that): the list is the one thing
    the parent holds for every notice.
    """
    failures: list[str] = []
    found: set[str] = set()
    for path in paths:
        try:
            found.update(notice_files(path))
        except NoticeError as exc:
            failures.append(str(exc))
    files, clashes = without_doc_id_clashes(sorted(found))
    failures += clashes
    return files, failures


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _show_progress(progress: bool | None, n_files: int) -> bool:
    if progress is None:
        return sys.stderr.isatty() and n_files >= PROGRESS_MIN_NOTICES
    return progress


def _run_chunks(tasks: Iterator[tuple], n_files: int, workers: int, show: bool) -> list[_ChunkResult]:
    """Run the chunk tasks, at most two per worker submitted at a time: a task holds its chunk's metadata rows, so
    submitting them all at once would hold every row of a large corpus in the parent."""
    from tqdm import tqdm

    results: list[_ChunkResult] = []
    with tqdm(total=n_files, unit="notice", disable=not show, file=sys.stderr) as bar:
        if workers == 1:
            for task in tasks:
                results.append(_run_chunk(*task))
                bar.update(len(task[1]))
            return results
        # A worker that dies (killed, out of memory) breaks its pool: every chunk then running fails with
        # BrokenProcessPool. Each of those runs again alone in a new pool, so that only the chunk whose worker dies
        # again is lost; the chunks not yet started go on in a new pool.
        while broken := _run_pool(tasks, workers, results, bar):
            for task in broken:
                for lost in _run_pool(iter([task]), 1, results, bar):
                    results.append(_lost(lost, "its worker died (killed or out of memory) twice"))
                    bar.update(len(lost[1]))
    return sorted(results, key=lambda r: r.index)


def _import_libraries() -> None:
    """Load the table libraries when a worker starts, so that their import is not timed as a stage."""
    import pandera.pandas  # noqa: F401
    import pyarrow.parquet  # noqa: F401


def _run_pool(tasks: Iterator[tuple], workers: int, results: list[_ChunkResult], bar: object) -> list[tuple]:
    """Run tasks from `tasks` in a new pool, at most two per worker submitted at a time, appending their results;
    return the tasks cut short when the pool broke (its other tasks stay in `tasks`)."""
    # spawn: a forked child would inherit the parent's threads (pyarrow's pools) in an unknown state.
    context = multiprocessing.get_context("spawn")
    broken: list[tuple] = []
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_import_libraries) as pool:
        running: dict[Future[_ChunkResult], tuple] = {}
        try:
            for task in islice(tasks, 2 * workers):
                running[pool.submit(_run_chunk, *task)] = task
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    task = running.pop(future)
                    if isinstance(future.exception(), BrokenProcessPool):
                        broken.append(task)
                        continue
                    results.append(_collected(future, task))
                    bar.update(len(task[1]))  # type: ignore[attr-defined]
                    for task in islice(tasks, 0 if broken else 1):
                        try:
                            running[pool.submit(_run_chunk, *task)] = task
                        except BrokenProcessPool:  # broken before its future said so
                            broken.append(task)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return sorted(broken, key=lambda task: task[0])


def _collected(future: Future[_ChunkResult], task: tuple) -> _ChunkResult:
    """The chunk's result; if it raised in its worker, a failure for each of its notices."""
    try:
        return future.result()
    except Exception as exc:
        return _lost(task, f"{type(exc).__name__}: {exc}")


def _lost(task: tuple, reason: str) -> _ChunkResult:
    """A chunk not extracted: a failure for each of its notices."""
    index, chunk = task[:2]
    failures = [
        (i, f"{shown(path)}: not extracted: chunk {index} failed in its worker ({reason})")
        for i, path in enumerate(chunk)
    ]
    return _ChunkResult(index, 0, failures, {}, 0, {}, pid=0, peak_rss_mb=0.0)


class _MetadataRows:
    """Each chunk's metadata rows: from the metadata given, or from the metadata.csv of each notice's folder.

    A folder's file is read once, here in the parent, into an SQLite file (`store`, in the staging folder), and each
    task carries its own chunk's rows only: as Python dicts a metadata file of 10⁵ rows takes about 100 MB, which
    neither the parent nor a worker should hold.
    """

    def __init__(self, given: Metadata | None, store: Path) -> None:
        self.given = given
        self.store = store
        self.folders: dict[Path, int | NoticeError] = {}  # a folder's number in the store, or why it is unusable
        self._db: sqlite3.Connection | None = None

    def of(self, chunk: list[Path]) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
        """The chunk's rows by file name, and for a notice whose folder's metadata.csv is unusable, why."""
        if self.given is not None:
            return {p.name: dict(self.given[p.name]) for p in chunk if p.name in self.given}, {}
        rows: dict[str, dict[str, str]] = {}
        unusable: dict[str, str] = {}
        for path in chunk:
            folder = self._folder(path.parent)
            if isinstance(folder, NoticeError):
                unusable[path.name] = str(folder)
                continue
            found = (
                self._connection()
                .execute("SELECT row FROM metadata WHERE folder = ? AND file = ?", (folder, path.name))
                .fetchone()
            )
            if found is not None:
                rows[path.name] = json.loads(found[0])
        return rows, unusable

    def close(self) -> None:
        """Close the store (the caller removes its file with the staging folder)."""
        if self._db is not None:
            self._db.close()

    def _folder(self, folder: Path) -> int | NoticeError:
        if folder not in self.folders:
            self.folders[folder] = self._load(folder / RAW_METADATA.name, len(self.folders))
        return self.folders[folder]

    def _load(self, path: Path, number: int) -> int | NoticeError:
        if not path.is_file():
            return number  # no metadata file: every notice of the folder is unregistered, which read_notice reports
        rows = ((number, name, json.dumps(row, ensure_ascii=False)) for name, row in iter_metadata(path))
        db = self._connection()
        try:
            with db:  # a file that turns out malformed midway leaves no rows behind
                db.executemany("INSERT INTO metadata VALUES (?, ?, ?)", rows)
        except NoticeError as exc:
            return exc
        return number

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = sqlite3.connect(self.store)
            # a scratch file, deleted with the staging folder: no journal, no waiting for the disk
            self._db.execute("PRAGMA journal_mode = OFF")
            self._db.execute("PRAGMA synchronous = OFF")
            self._db.execute(
                "CREATE TABLE metadata (folder INTEGER, file TEXT, row TEXT, PRIMARY KEY (folder, file)) WITHOUT ROWID"
            )
        return self._db


def _run_chunk(
    index: int,
    chunk: list[Path],
    staging: Path,
    metadata: dict[str, dict[str, str]],
    unusable_metadata: dict[str, str],
    extract: Extract,
    finish: Finish,
) -> _ChunkResult:
    """Extract one chunk and write its parts; runs in a worker process.

    `metadata`: the chunk's rows by file name; `unusable_metadata`: why a notice's metadata.csv cannot be used.
    """
    # CPU time, not elapsed time: a busy machine slows the batch down but must not change what a stage costs.
    seconds = dict.fromkeys(STAGES, 0.0)
    done: list[tuple[int, Extraction]] = []
    failures: list[tuple[int, str]] = []
    bytes_read = 0
    for position, path in enumerate(chunk):
        tick = time.process_time()
        try:
            if path.name in unusable_metadata:
                raise NoticeError(unusable_metadata[path.name])
            with time_limit():
                notice = read_notice(path, metadata)
                bytes_read += path.stat().st_size
                tock = time.process_time()
                seconds["read"] += tock - tick
                extraction = extract(notice)
                seconds["extract"] += time.process_time() - tock
        except NoticeError as exc:
            failures.append((position, str(exc)))
            continue
        except NoticeTimeout as exc:
            failures.append((position, f"{shown(path)}: {exc}"))
            continue
        except Exception as exc:  # an extractor bug must not cost the other notices
            message = f"extractor error ({type(exc).__name__}: {exc}) — please report it"
            failures.append((position, f"{shown(path)}: {message}"))
            continue
        done.append((position, extraction))

    frames, rejected = _tables(done, chunk, finish, seconds)
    failures += rejected
    tick = time.process_time()
    for name, frame in frames.items():
        _write_part(name, frame, staging / name / f"part-{index:05d}.parquet")
    seconds["write"] = time.process_time() - tick
    return _ChunkResult(
        index=index,
        extracted=len(done) - len(rejected),
        failures=failures,
        rows={name: len(frame) for name, frame in frames.items()},
        bytes_read=bytes_read,
        seconds=seconds,
        pid=os.getpid(),
        peak_rss_mb=_peak_rss_mb(),
    )


def tables_of(extractions: list[Extraction]) -> dict[str, list[dict] | pd.DataFrame]:
    """The default `finish`: each table's rows, with every problem categorised (researchers' overrides win).

    A researcher's category override that cannot be applied raises ValueError, which drops its notice.
    """
    from analysis.categorize.assign import categorized

    tables: dict[str, list[dict] | pd.DataFrame] = {name: [] for name in TABLES}
    overrides: list[dict] = []
    for e in extractions:
        for name, rows in rows_of(e).items():
            tables[name] += rows
        overrides += e.category_overrides
    if tables["problems"]:
        tables["problems"], rejected = categorized(tables["problems"], tables["measures"], overrides)
        if rejected:
            raise ValueError("; ".join(rejected))
    return tables


def _tables(
    done: list[tuple[int, Extraction]], chunk: list[Path], finish: Finish, seconds: dict[str, float]
) -> tuple[dict[str, pd.DataFrame], list[tuple[int, str]]]:
    """The chunk's tables, finished and validated; a notice that fails either step is dropped with a message."""
    try:
        return _validated([e for _, e in done], finish, seconds), []
    except Exception:  # the notice at fault is found below, and its error reported there
        pass
    # Rare (a bug in the extractor or in `finish`): redo notice by notice to name the culprits, keep the others.
    from analysis.tables import TableValidationError

    kept, rejected = [], []
    for position, extraction in done:
        try:
            _validated([extraction], finish, seconds)
        except TableValidationError as exc:
            problem = str(exc).replace("\n", " ")
            rejected.append(
                (position, f"{shown(chunk[position])}: rows fail the schema ({problem}) — please report it")
            )
        except Exception as exc:
            reason = f"{type(exc).__name__}: {exc}"
            rejected.append((position, f"{shown(chunk[position])}: finishing its rows failed ({reason})"))
        else:
            kept.append(extraction)
    return _validated(kept, finish, seconds), rejected


def _validated(extractions: list[Extraction], finish: Finish, seconds: dict[str, float]) -> dict[str, pd.DataFrame]:
    from analysis.tables import check_references, conform

    tick = time.process_time()
    tables = finish(extractions)
    tock = time.process_time()
    frames = {name: conform(name, tables[name]) for name in TABLES}
    # References stay within one doc_id and a notice never spans chunks: checking per chunk is complete.
    check_references(frames)
    seconds["finish"] += tock - tick
    seconds["conform"] += time.process_time() - tock
    return frames


def _write_part(name: str, frame: pd.DataFrame, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from analysis.tables import arrow_schema

    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pandas(frame, schema=arrow_schema(name), preserve_index=False)
    pq.write_table(table, path, compression="snappy")


def _swap_in(staging: Path, out_dir: Path) -> None:
    """Replace each `<out_dir>/<table>` folder by its staged one; old parts never mix with new ones."""
    for name in TABLES:
        target = out_dir / name
        if target.exists():
            target.rename(staging / f"{name}.old")
        (staging / name).rename(target)


def _peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux, in bytes on macOS.
    scale = 1 if sys.platform == "darwin" else 1024
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20, 1)
