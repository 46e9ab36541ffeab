"""The one-way pipeline: raw notices → extraction → validated tables (→ figures, in later stages).

One unreadable notice never stops the others: its one-line message is collected and the exit status says so.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.curate.corrections import Correction, CorrectionsError, read_corrections
from analysis.engine.time_limit import NoticeTimeout, time_limit
from analysis.extract import Extraction, extract_notice
from analysis.read.sources import NoticeError, discover, load_metadata, read_notice, shown

TABLES = ("documents", "problems", "measures", "amounts", "evidence")


@dataclass
class ExtractionResult:
    """The tables of every notice that could be read, and a message for each that could not."""

    tables: dict[str, pd.DataFrame]
    failures: list[str] = field(default_factory=list)
    summaries: list[str] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # doc_id → the text every span indexes


def extract_paths(inputs: Iterable[Path], metadata: dict[str, dict[str, str]] | None = None) -> ExtractionResult:
    """Extract every notice among `inputs` (files or folders) into validated tables."""
    from analysis.tables import conform

    rows: dict[str, list[dict]] = {name: [] for name in TABLES}
    failures: list[str] = []
    corrections = _corrections(failures)
    summaries: list[str] = []
    texts: dict[str, str] = {}
    category_overrides: list[dict] = []
    files: list[Path] = []
    for path in inputs:
        try:
            files += discover([path])
        except NoticeError as exc:
            failures.append(str(exc))
    for path in sorted(set(files)):
        try:
            with time_limit():
                notice = read_notice(path, metadata)
                extraction = extract_notice(notice, corrections)
        except NoticeError as exc:
            failures.append(str(exc))
            continue
        except NoticeTimeout as exc:
            failures.append(f"{shown(path)}: {exc}")
            continue
        except Exception as exc:  # an extractor bug must not cost the other notices
            failures.append(f"{shown(path)}: extractor error ({type(exc).__name__}: {exc}) — please report it")
            continue
        for name, table_rows in rows_of(extraction).items():
            rows[name] += table_rows
        summaries.append(summary_line(extraction))
        texts[notice.doc_id] = notice.text
        category_overrides += extraction.category_overrides
    frames: dict[str, pd.DataFrame | list[dict]] = dict(rows)
    if rows["problems"]:
        from analysis.categorize.assign import categorized

        frames["problems"], rejected = categorized(rows["problems"], rows["measures"], category_overrides)
        failures += rejected
    tables = {name: conform(name, frames[name]) for name in TABLES}
    return ExtractionResult(tables, failures, summaries, texts)


def _corrections(failures: list[str]) -> list[Correction]:
    """The researchers' corrections: a malformed row is reported and skipped, a file that cannot be used reported."""
    try:
        found, bad = read_corrections(paths.CORRECTIONS)
    except CorrectionsError as exc:
        failures.append(f"{exc} — no corrections applied")
        return []
    failures += bad
    return found


def rows_of(extraction: Extraction) -> dict[str, list[dict]]:
    """One notice's rows, table by table."""
    return {
        "documents": [extraction.document],
        "problems": extraction.problems,
        "measures": extraction.measures,
        "amounts": extraction.amounts,
        "evidence": extraction.evidence,
    }


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


def _report(result: ExtractionResult, out_dir: Path) -> int:
    from analysis.report.audit import write_audit_pages
    from analysis.tables.io import write_tables
    from analysis.tables.outputs import write_texts

    for line in result.summaries:
        print(line)
    if result.tables["documents"].empty and result.failures:
        print(f"nothing could be read; {shown(out_dir)} left as it was", file=sys.stderr)
    else:
        written = write_tables(result.tables, out_dir)
        written += write_texts(result.texts, out_dir / "texts")
        written += write_audit_pages(result.texts, result.tables, out_dir / "audit")
        print(f"wrote {len(written)} files to {shown(out_dir)} (audit pages in {shown(out_dir / 'audit')})")
    for message in result.failures:
        print(f"FAILED {message}", file=sys.stderr)
    if result.failures:
        print(f"{len(result.failures)} input(s) could not be read; the others were built", file=sys.stderr)
    return 1 if result.failures else 0


def build() -> int:
    """Rebuild data/processed from data/raw (checksums checked against data/raw/metadata.csv)."""
    try:
        metadata = load_metadata(paths.RAW_METADATA)
    except NoticeError as exc:
        print(f"FAILED {exc}", file=sys.stderr)
        return 1
    result = extract_paths([paths.RAW], metadata)
    _keep_registered(result, metadata, paths.RAW, paths.PROCESSED)
    status = _report(result, paths.PROCESSED)
    return max(status, render_figures())


def _keep_registered(result: ExtractionResult, metadata: dict[str, dict[str, str]], raw: Path, processed: Path) -> None:
    """A registered notice (a sha256 in metadata.csv) that cannot be built now keeps its earlier outputs, and a
    registered file missing from data/raw is a failure: a notice never vanishes from the tables without a word.

    Its rows stay until the researcher restores the file or removes its metadata row."""
    import pandas as pd

    from analysis.tables.io import read_tables

    registered = {Path(name).stem: name for name, row in metadata.items() if row.get("sha256", "").strip()}
    built = set(result.tables["documents"]["doc_id"])
    for doc_id, name in sorted(registered.items()):
        if doc_id not in built and not (raw / name).exists():
            result.failures.append(
                f"{shown(raw / name)}: registered in metadata.csv but missing — restore it, or remove its row to "
                "drop the notice; its earlier outputs are kept"
            )
    kept = sorted(doc_id for doc_id in registered if doc_id not in built)
    if not kept or not (processed / "documents.parquet").exists():
        return
    try:
        earlier = read_tables(processed)
    except Exception as exc:  # unreadable earlier tables: nothing to keep, said once
        result.failures.append(f"{shown(processed)}: earlier tables unreadable ({exc}) — nothing kept of {kept}")
        return
    for name, frame in result.tables.items():
        rows = earlier[name][earlier[name]["doc_id"].isin(kept)]
        if len(rows):
            joined = pd.concat([frame, rows.astype(frame.dtypes.to_dict())], ignore_index=True)
            result.tables[name] = joined.sort_values("doc_id", kind="stable", ignore_index=True)
    for doc_id in kept:
        text = processed / "texts" / f"{doc_id}.txt"
        if doc_id in set(earlier["documents"]["doc_id"]) and text.exists():
            result.texts[doc_id] = text.read_bytes().decode("utf-8")  # exactly as stored: spans index it


def render_figures(language: str | None = None) -> int:
    """Regenerate figures/ from data/processed, in both languages unless one is asked for (one process each)."""
    from concurrent.futures import ProcessPoolExecutor

    languages = [language] if language else ["zh", "en"]
    with ProcessPoolExecutor(max_workers=len(languages)) as pool:
        written = [path for paths_of_one in pool.map(_render_language, languages) for path in paths_of_one]
    print(f"wrote {len(written)} figure files to {shown(paths.FIGURES)}")
    return 0


def _render_language(language: str) -> list[Path]:
    from analysis.report.figures import render_all
    from analysis.tables.io import read_tables

    return render_all(read_tables(paths.PROCESSED), paths.FIGURES, language)


def extract_to(inputs: list[Path], out_dir: Path) -> int:
    """Extract exactly the given files or folders into `out_dir`, leaving data/processed alone."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return _report(extract_paths(inputs), out_dir)
