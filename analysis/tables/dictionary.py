"""The data dictionary (docs/codebook.md), rendered from the metadata so that it cannot drift from the code."""

from __future__ import annotations

from pathlib import Path

from analysis.paths import DOCS
from analysis.tables.arrow import arrow_type
from analysis.tables.columns import INDICATOR_TABLES, TABLES
from analysis.tables.types import TYPES, Column, Table

CODEBOOK = DOCS / "codebook.md"

_HEADER = """\
# Codebook: the output tables

Generated from `analysis/tables/` by `python -m analysis.tables`; do not edit by hand (a test compares the two).

The extraction produces five tables. `python -m analysis build` and `extract` (one engine, `analysis.engine`) write
each as `<table>.parquet` (the canonical copy, with the types below), as `csv/<table>.csv` described by a Frictionless
`datapackage.json`, and, for up to 200 notices, as one Excel workbook with a sheet per table (a convenience copy).
Read them back with `analysis.tables.io.read_tables(directory)`. Every table carries `doc_id`. Spans are character
offsets `[start, end)` into the decoded source text of the notice: Python `str` indices into the text after decoding
the raw bytes and dropping a byte-order mark, before any normalisation.

## Types

| type | meaning | Parquet (Arrow) | pandas (`read_tables`, `conform`) | Excel |
|---|---|---|---|---|
"""

_EXCEL_NOTES = """\
In the Excel copy a null and an empty string both appear as an empty cell; text longer than Excel's limit of
32,767 characters per cell is cut and ends with a visible `…[truncated …]` marker; characters Excel cannot store
(control characters) appear as U+FFFD `�`; a table longer than a sheet (1,048,576 rows) ends with a marker row
saying how many rows were left out. The Parquet files hold the full, exact values.
"""

_INDICATORS_HEADER = """\
# Indicator tables

Computed by `analysis.indicators` from the five tables and the stored texts (`texts/<doc_id>.txt`); every span
indexes those texts, as above.
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _constraint(column: Column) -> str:
    parts = []
    if column.codes is not None:
        parts.append("a code below")
    if column.minimum is not None and column.maximum is not None:
        parts.append(f"{column.minimum:g}–{column.maximum:g}")
    elif column.minimum is not None:
        parts.append(f"≥ {column.minimum:g}")
    elif column.maximum is not None:
        parts.append(f"≤ {column.maximum:g}")
    if column.pattern is not None:
        parts.append(f"matches `{column.pattern}`")
    return "; ".join(parts)


def _render_table(table: Table) -> list[str]:
    lines = [f"## {table.name}", "", table.description_en, "", table.description_zh, ""]
    lines.append(f"Primary key: {', '.join(f'`{c}`' for c in table.primary_key)}.")
    for ref in table.references:
        cols = ", ".join(f"`{c}`" for c in ref.columns)
        lines.append(f"References: ({cols}) → `{ref.table}` (when not null).")
    checks = [f"`{s}` ≤ `{e}`, and both null or neither" for s, e in table.spans]
    checks += [_cell(rule.description) for rule in table.rules]
    if checks:
        lines.append("Rows must satisfy: " + "; ".join(checks) + ".")
    lines += [
        "",
        "| # | column | type | unit | null | values | description | 说明 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for number, c in enumerate(table.columns, start=1):
        lines.append(
            f"| {number} | `{c.name}` | {c.type} | {c.unit or ''} | {'yes' if c.nullable else 'no'} | "
            f"{_cell(_constraint(c))} | {_cell(c.description_en)} | {_cell(c.description_zh)} |"
        )
    for c in table.columns:
        if c.codes is None:
            continue
        lines += ["", f"Codes of `{table.name}.{c.name}`:", "", "| code | meaning |", "|---|---|"]
        lines += [f"| `{code}` | {_cell(meaning)} |" for code, meaning in c.codes.items()]
    lines.append("")
    return lines


def render_codebook() -> str:
    """The Markdown data dictionary: the types, then one section per table with its columns and codes."""
    lines = [_HEADER.rstrip("\n")]
    for name, t in TYPES.items():
        lines.append(
            f"| {name} | {_cell(t.description)} | `{arrow_type(name)}` | {_cell(t.pandas_note)} | {_cell(t.excel)} |"
        )
    lines += ["", _EXCEL_NOTES]
    for table in TABLES.values():
        lines += _render_table(table)
    lines += [_INDICATORS_HEADER]
    for table in INDICATOR_TABLES.values():
        lines += _render_table(table)
    return "\n".join(lines).rstrip("\n") + "\n"


def write_codebook(path: Path = CODEBOOK) -> Path:
    """Write `render_codebook()` to `path` (docs/codebook.md by default) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_codebook(), encoding="utf-8")
    return path
