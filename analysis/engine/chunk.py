"""One chunk of notices, in a worker: read, extract, finish (categories), validate, and write its part of every table,
its texts and its audit pages into the new generation.

Only counts, failure messages, a line per notice and timings travel back to the parent, so neither the parent nor a
worker ever holds more than one chunk of rows.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.engine.time_limit import NoticeTimeout, time_limit
from analysis.extract import Extraction
from analysis.read.sources import NoticeError, RawNotice, read_notice, shown
from analysis.tables import columns

if TYPE_CHECKING:
    import pandas as pd

TABLES = tuple(columns.TABLES)  # the five, in the column metadata's order
STAGES = ("read", "extract", "finish", "conform", "write")
PARTS = ".parts"  # inside a generation: <table>/part-NNNNN.parquet, merged into <table>.parquet at the end

Extract = Callable[[RawNotice], Extraction]
# One chunk's extractions → the tables to validate (rows or DataFrames) and one message per thing it could not apply.
Finish = Callable[[list[Extraction]], "tuple[Mapping[str, Sequence[dict] | pd.DataFrame], list[str]]"]


@dataclass
class ChunkResult:
    """What a chunk sends back to the parent."""

    index: int
    extracted: int
    failures: list[tuple[int, str]]  # (position in the chunk, message)
    rows: dict[str, int]
    bytes_read: int
    seconds: dict[str, float]
    pid: int
    peak_rss_mb: float
    # doc_id and sha256 of each notice written, all joined by NUL (which no file name holds): the parent keeps every
    # chunk's, and one string takes a third of the memory of a tuple of two strings per notice.
    notices: str = ""
    summaries: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)  # corrections not applied, etc.: the notice is still written

    def written(self) -> Iterator[tuple[str, str]]:
        """(doc_id, sha256) of each notice written, in chunk order."""
        fields = iter(self.notices.split("\0") if self.notices else ())
        return zip(fields, fields, strict=True)


@dataclass(frozen=True)
class ChunkTask:
    """Everything a worker needs for one chunk; pickled to the worker, so it holds only the chunk's own rows."""

    index: int
    files: list[Path]
    generation: Path
    metadata: dict[str, dict[str, str]]
    unusable_metadata: dict[str, str]  # file name → why its folder's metadata.csv cannot be used
    extract: Extract
    finish: Finish
    audit: bool
    summaries: bool  # a line per notice for the report: only for small runs, so a corpus's lines never pile up


def run_chunk(task: ChunkTask) -> ChunkResult:
    """Extract one chunk and write its parts, texts and audit pages; runs in a worker process."""
    # CPU time, not elapsed time: a busy machine slows the batch down but must not change what a stage costs.
    seconds = dict.fromkeys(STAGES, 0.0)
    done: list[tuple[int, Extraction, str]] = []
    failures: list[tuple[int, str]] = []
    bytes_read = 0
    for position, path in enumerate(task.files):
        tick = time.process_time()
        try:
            if path.name in task.unusable_metadata:
                raise NoticeError(task.unusable_metadata[path.name])
            with time_limit():
                notice = read_notice(path, task.metadata)
                bytes_read += path.stat().st_size
                tock = time.process_time()
                seconds["read"] += tock - tick
                extraction = task.extract(notice)
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
        done.append((position, extraction, notice.text))

    frames, rejected, messages = _tables(done, task.files, task.finish, seconds)
    failures += rejected
    kept = [(extraction, text) for position, extraction, text in done if position not in {p for p, _ in rejected}]
    tick = time.process_time()
    for name, frame in frames.items():
        write_part(name, frame, task.generation / PARTS / name / f"part-{task.index:05d}.parquet")
    _write_texts_and_pages(kept, frames, task.generation, task.audit)
    seconds["write"] = time.process_time() - tick
    return ChunkResult(
        index=task.index,
        extracted=len(kept),
        failures=failures,
        rows={name: len(frame) for name, frame in frames.items()},
        bytes_read=bytes_read,
        seconds=seconds,
        pid=os.getpid(),
        peak_rss_mb=peak_rss_mb(),
        notices="\0".join(f"{e.document['doc_id']}\0{e.document['sha256']}" for e, _ in kept),
        summaries=[summary_line(e) for e, _ in kept] if task.summaries else [],
        messages=messages,
    )


def rows_of(extraction: Extraction) -> dict[str, list[dict]]:
    """One notice's rows, table by table."""
    return {
        "documents": [extraction.document],
        "problems": extraction.problems,
        "measures": extraction.measures,
        "amounts": extraction.amounts,
        "evidence": extraction.evidence,
    }


def tables_of(extractions: list[Extraction]) -> tuple[dict[str, list[dict] | pd.DataFrame], list[str]]:
    """The default `finish`: each table's rows, with every problem categorised (researchers' overrides win), and a
    message for each override that could not be applied (the problems are then kept without them)."""
    from analysis.categorize.assign import categorized

    tables: dict[str, list[dict] | pd.DataFrame] = {name: [] for name in TABLES}
    overrides: list[dict] = []
    for e in extractions:
        for name, rows in rows_of(e).items():
            tables[name] += rows
        overrides += e.category_overrides
    messages: list[str] = []
    if tables["problems"]:
        tables["problems"], messages = categorized(tables["problems"], tables["measures"], overrides)
    return tables, messages


def summary_line(extraction: Extraction) -> str:
    """One line per notice: what was read, and what to look at."""
    doc = extraction.document
    statuses: dict[str, int] = {}
    for problem in extraction.problems:
        key = problem["status"] or "unmapped"
        statuses[key] = statuses.get(key, 0) + 1
    status_text = ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))
    line = (
        f"{doc['source_file']}: {doc['problems_extracted']} problems, {doc['measures_extracted']} measures, "
        f"{doc['amounts_extracted']} amounts; status: {status_text or '-'}; {doc['n_warnings']} warning(s)"
    )
    if doc["findings"]:
        line += f"\n    findings: {doc['findings']}"
    if doc["warnings"]:
        line += f"\n    warnings: {doc['warnings']}"
    return line


def _tables(
    done: list[tuple[int, Extraction, str]], files: list[Path], finish: Finish, seconds: dict[str, float]
) -> tuple[dict[str, pd.DataFrame], list[tuple[int, str]], list[str]]:
    """The chunk's tables, finished and validated; a notice that fails either step is dropped with a message."""
    try:
        frames, messages = _validated([e for _, e, _ in done], finish, seconds)
        return frames, [], messages
    except Exception:  # the notice at fault is found below, and its error reported there
        pass
    # Rare (a bug in the extractor or in `finish`): redo notice by notice to name the culprits, keep the others.
    from analysis.tables import TableValidationError

    kept, rejected = [], []
    for position, extraction, _ in done:
        try:
            _validated([extraction], finish, seconds)
        except TableValidationError as exc:
            problem = str(exc).replace("\n", " ")
            rejected.append(
                (position, f"{shown(files[position])}: rows fail the schema ({problem}) — please report it")
            )
        except Exception as exc:
            reason = f"{type(exc).__name__}: {exc}"
            rejected.append((position, f"{shown(files[position])}: finishing its rows failed ({reason})"))
        else:
            kept.append(extraction)
    frames, messages = _validated(kept, finish, seconds)
    return frames, rejected, messages


def _validated(
    extractions: list[Extraction], finish: Finish, seconds: dict[str, float]
) -> tuple[dict[str, pd.DataFrame], list[str]]:
    from analysis.tables import check_references, conform

    tick = time.process_time()
    tables, messages = finish(extractions)
    tock = time.process_time()
    frames = {name: conform(name, tables[name]) for name in TABLES}
    # References stay within one doc_id and a notice never spans chunks: checking per chunk is complete.
    check_references(frames)
    seconds["finish"] += tock - tick
    seconds["conform"] += time.process_time() - tock
    return frames, messages


def write_part(name: str, frame: pd.DataFrame, path: Path) -> None:
    """One chunk's rows of one table as a Parquet file typed by the table's Arrow schema."""
    from analysis.tables.io import parquet_bytes

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(parquet_bytes(name, frame))


def _write_texts_and_pages(
    kept: list[tuple[Extraction, str]], frames: dict[str, pd.DataFrame], generation: Path, audit: bool
) -> None:
    """The text every span indexes, exactly as extracted, and (unless switched off) the notice's audit page."""
    from analysis.report.audit import PAGE_COLUMNS, render_page

    texts, pages = generation / "texts", generation / "audit"
    texts.mkdir(exist_ok=True)
    if audit:
        pages.mkdir(exist_ok=True)
        # the chunk's validated rows as records, grouped once: no DataFrame work per page; only the columns a page
        # shows (records of the long text columns were most of the cost)
        by_doc: dict[str, dict[str, list[dict]]] = {}
        for name, frame in frames.items():
            for row in records(frame[list(PAGE_COLUMNS[name])]):
                by_doc.setdefault(row["doc_id"], {table: [] for table in frames})[name].append(row)
    for extraction, text in kept:
        doc_id = extraction.document["doc_id"]
        (texts / f"{doc_id}.txt").write_text(text, encoding="utf-8", newline="")
        if audit:
            (pages / f"{doc_id}.html").write_text(render_page(doc_id, text, by_doc[doc_id]), encoding="utf-8")


def records(frame: pd.DataFrame) -> list[dict]:
    """`frame.to_dict("records")`: equal dicts, in a fraction of the time.

    pandas builds records item by item, and an item of a string column costs a Python call into Arrow (most of the
    time the audit pages took); `tolist` reads a string column at once and gives the same str and NaN. A nullable
    integer or boolean column is read at once too, as Python ints or bools with None where one is missing (what
    `to_dict` gives). The other columns go through `to_dict` as before, so their values (Timestamps) are unchanged.
    """
    import pandas as pd
    from pandas.api.extensions import no_default

    masked = (pd.Int64Dtype, pd.BooleanDtype)
    at_once = [name for name, dtype in frame.dtypes.items() if isinstance(dtype, (pd.StringDtype, *masked))]
    others = frame.drop(columns=at_once)
    # (without columns, to_dict would still go through every row)
    rows = others.to_dict("records") if len(others.columns) else [{} for _ in range(len(frame))]
    for name in at_once:
        column = frame[name]
        na_value = None if isinstance(column.dtype, masked) else no_default
        for row, value in zip(rows, column.to_numpy(dtype=object, na_value=na_value).tolist(), strict=True):
            row[name] = value
    return rows


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB."""
    # ru_maxrss is in kilobytes on Linux, in bytes on macOS.
    scale = 1 if sys.platform == "darwin" else 1024
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20, 1)
