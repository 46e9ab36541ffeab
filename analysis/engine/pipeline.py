"""The commands a researcher types, on the one engine (`analysis.engine.batch.extract_batch`):

- `build`: data/raw → data/processed (checksums checked against data/raw/metadata.csv), then figures/;
- `extract`: any files or folders → an output folder of the same layout;
- `extract_paths`: the same, as tables in memory, for a notebook or a test.

One unreadable notice never stops the others: its one-line message is collected and the exit status says so.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from analysis import paths
from analysis.engine.assemble import AssemblyDied
from analysis.engine.batch import BatchReport, extract_batch
from analysis.engine.chunk import TABLES
from analysis.engine.generation import OutputFolderError
from analysis.read.sources import NoticeError, load_metadata, shown

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TABLES", "ExtractionResult", "build", "build_tables", "extract_paths", "extract_to", "render_figures"]


@dataclass
class ExtractionResult:
    """The tables of every notice that could be read, and a message for each that could not."""

    tables: dict[str, pd.DataFrame]
    failures: list[str] = field(default_factory=list)
    summaries: list[str] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # doc_id → the text every span indexes
    notes: list[str] = field(default_factory=list)


def extract_paths(inputs: Iterable[Path], metadata: dict[str, dict[str, str]] | None = None) -> ExtractionResult:
    """Extract every notice among `inputs` (files or folders) into validated tables held in memory (one process)."""
    from analysis.tables import conform
    from analysis.tables.io import read_tables

    with tempfile.TemporaryDirectory(prefix="analysis-extract-") as scratch:
        out = Path(scratch) / "out"
        report = extract_batch(
            inputs,
            out,
            workers=1,
            progress=False,
            metadata=metadata,
            audit=False,
            corrections=paths.CORRECTIONS,
            indicators=False,
        )
        if not report.written:
            empty = {name: conform(name, []) for name in TABLES}
            return ExtractionResult(empty, report.failures, report.summaries, {}, report.notes)
        tables = read_tables(out)
        texts = {
            doc_id: (out / "texts" / f"{doc_id}.txt").read_bytes().decode("utf-8")
            for doc_id in tables["documents"]["doc_id"]
        }
    return ExtractionResult(tables, report.failures, report.summaries, texts, report.notes)


def build(workers: int | None = None) -> int:
    """Rebuild data/processed from data/raw, then figures/."""
    try:
        metadata = load_metadata(paths.RAW_METADATA)
    except NoticeError as exc:
        print(f"FAILED {exc}", file=sys.stderr)
        return 1
    return max(build_tables(paths.RAW, paths.PROCESSED, metadata, workers), render_figures())


def build_tables(raw: Path, processed: Path, metadata: dict[str, dict[str, str]], workers: int | None = None) -> int:
    """Rebuild the output folder `processed` from the folder `raw` and its registered metadata.

    A registered notice (a sha256 in the metadata) that cannot be built now keeps its earlier outputs, and one whose
    file is missing is a failure: a notice never vanishes from the tables without a word. Its rows stay until the
    researcher restores the file or removes its metadata row."""
    registered = {Path(name).stem: raw / name for name, row in metadata.items() if row.get("sha256", "").strip()}
    return _run(
        [raw],
        processed,
        workers=workers,
        metadata=metadata,
        corrections=paths.CORRECTIONS,
        registered=registered,
        indicators=None,
    )


def extract_to(
    inputs: list[Path],
    out_dir: Path,
    workers: int | None = None,
    audit: bool = True,
    executor: Executor | None = None,
    progress: bool | None = None,
    indicators: bool | None = None,
) -> int:
    """Extract exactly the given files or folders into `out_dir`, leaving data/processed alone."""
    return _run(
        inputs,
        out_dir,
        workers=workers,
        audit=audit,
        executor=executor,
        progress=progress,
        corrections=paths.CORRECTIONS,
        indicators=indicators,
    )


def _run(inputs: list[Path], out_dir: Path, **options: object) -> int:
    try:
        report = extract_batch(inputs, out_dir, **options)  # type: ignore[arg-type]
    except (OutputFolderError, AssemblyDied) as exc:
        print(f"FAILED {exc}", file=sys.stderr)
        return 1
    return _report(report, out_dir)


def _report(report: BatchReport, out_dir: Path) -> int:
    for line in report.summaries:
        print(line)
    if report.written:
        audit = f" (audit pages in {shown(out_dir / 'audit')})" if (out_dir / "audit").is_dir() else ""
        print(f"wrote {report.extracted} notice(s) to {shown(out_dir)}{audit} in {report.seconds['wall']:.1f} s")
    elif report.failures:
        print(f"nothing could be read; {shown(out_dir)} left as it was", file=sys.stderr)
    for message in report.notes:
        print(f"NOTE {message}")
    for message in report.failures:
        print(f"FAILED {message}", file=sys.stderr)
    if report.failures:
        print(f"{len(report.failures)} input(s) could not be read; the others were built", file=sys.stderr)
    return 1 if report.failures else 0


def render_figures(language: str | None = None) -> int:
    """Regenerate figures/ from data/processed, in both languages unless one is asked for (one process each).

    The figures are drawn into a new generation of the folder, which replaces the old one at once: a killed run
    leaves the earlier figures whole, never a truncated file beside new ones."""
    from concurrent.futures import ProcessPoolExecutor

    from analysis.engine import generation

    languages = [language] if language else ["zh", "en"]
    try:
        staging = generation.prepare(paths.FIGURES, legacy=_earlier_figure)
    except OutputFolderError as exc:
        print(f"FAILED {exc}", file=sys.stderr)
        return 1
    try:
        if language:  # one language only: the other's figures stay as they are
            _keep_other_languages(staging, languages)
        with ProcessPoolExecutor(max_workers=len(languages)) as pool:
            drawn = pool.map(_render_language, [staging] * len(languages), languages)
            written = [path for paths_of_one in drawn for path in paths_of_one]
        generation.write_manifest(staging)
        generation.switch(staging, paths.FIGURES)
    finally:
        generation.discard(staging)
    print(f"wrote {len(written)} figure files to {shown(paths.FIGURES)}")
    return 0


def _earlier_figure(name: str) -> bool:
    """A figure file of a version that kept no manifest: <name>_zh.png, <name>_en.svg, …"""
    import re

    return re.fullmatch(r"[a-z0-9_]+_(?:zh|en)\.(?:png|svg)", name) is not None


def _keep_other_languages(staging: Path, languages: list[str]) -> None:
    import shutil

    if not paths.FIGURES.is_dir():
        return
    for figure in paths.FIGURES.iterdir():
        if (
            figure.is_file()
            and not figure.name.startswith(".")
            and not any(figure.stem.endswith(f"_{one}") for one in languages)
        ):
            shutil.copy2(figure, staging / figure.name)


def _render_language(out_dir: Path, language: str) -> list[Path]:
    from analysis.report.figures import render_all
    from analysis.tables.io import read_tables

    return render_all(read_tables(paths.PROCESSED), out_dir, language)
