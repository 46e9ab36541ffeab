"""Write the output tables (Parquet per table plus one Excel workbook) atomically and reproducibly; read them back.

Parquet is the canonical copy, typed by `analysis.tables.arrow_schema`. The workbook is a convenience copy for
reading by eye; docs/codebook.md says what it cannot show exactly.
"""

from __future__ import annotations

import ctypes
import io
import os
import shutil
import sys
import uuid
import zipfile
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.tables import (
    TABLES,
    TableValidationError,
    arrow_schema,
    arrow_table,
    check_references,
    conform,
    get_table,
    parquet_options,
)

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

EXCEL_CELL_LIMIT = 32_767  # characters per cell, counted in UTF-16 code units as Excel does
# Every timestamp in the workbook, so that equal tables give equal bytes (1980-01-01 is the earliest ZIP date).
FIXED_TIME = datetime(1980, 1, 1)
_EXCEL_SIGNIFICANT_DIGITS = 15  # an Excel number is a double: more digits would be shown wrongly
EXCEL_MAX_ROWS = 1_048_576  # rows per sheet, the header included
_MAX_COLUMN_WIDTH = 60
_WIDTH_SAMPLE = 1000


def write_tables(tables: Mapping[str, pd.DataFrame], out_dir: Path, excel_name: str = "tables.xlsx") -> list[Path]:
    """Validate `tables` and write each to `<out_dir>/<table>.parquet`, plus one workbook with a sheet per table.

    Tables are conformed to the schema and checked against each other (e.g. every measure's problem exists) before
    anything is written. All files are first written to temporaries in `out_dir` and moved into place only when all
    succeeded; on any failure the temporaries are removed and the previous outputs are left as they were. The same
    tables always give byte-identical files. Returns the paths written, parquet files first in schema order.
    """
    if Path(excel_name).name != excel_name or not excel_name.endswith(".xlsx"):
        raise ValueError(f"excel_name must be a file name ending in .xlsx, not {excel_name!r}")
    unknown = [name for name in tables if name not in TABLES]
    if unknown:
        raise ValueError(f"unknown table(s) {unknown}; the tables are: {', '.join(TABLES)}")
    conformed = {name: conform(name, tables[name]) for name in TABLES if name in tables}
    check_references(conformed)

    out_dir.mkdir(parents=True, exist_ok=True)
    contents = {out_dir / f"{name}.parquet": parquet_bytes(name, frame) for name, frame in conformed.items()}
    contents[out_dir / excel_name] = workbook_bytes(conformed)
    _replace_all(contents)
    return list(contents)


def read_table(name: str, in_dir: Path) -> pd.DataFrame:
    """Read `<in_dir>/<name>.parquet` into the same DataFrame `conform` gives: nullable Int64 integers,
    datetime64 dates, `str` text, and yuan as exact `decimal.Decimal` objects."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    get_table(name)
    path = in_dir / f"{name}.parquet"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such table file; write the tables first (make data)")
    table = pq.read_table(path)
    expected = arrow_schema(name)
    if not table.schema.equals(expected):
        raise TableValidationError(
            name, [f"{path} does not match the schema: {_schema_difference(table.schema, expected)}"]
        )
    mapping = {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}
    frame = table.to_pandas(types_mapper=mapping.get, date_as_object=False, coerce_temporal_nanoseconds=True)
    return conform(name, frame)


def read_tables(in_dir: Path, tables: Iterable[str] | None = None) -> dict[str, pd.DataFrame]:
    """Read the tables written by `write_tables` (all five unless `tables` names some), keyed by table name."""
    return {name: read_table(name, in_dir) for name in (TABLES if tables is None else tables)}


def _schema_difference(found: pa.Schema, expected: pa.Schema) -> str:
    missing = [n for n in expected.names if n not in found.names]
    extra = [n for n in found.names if n not in expected.names]
    changed = [
        f"{f.name} is {_field_text(found.field(f.name))}, not {_field_text(f)}"
        for f in expected
        if f.name in found.names and not found.field(f.name).equals(f)
    ]
    parts = [f"missing {missing}"] * bool(missing) + [f"unexpected {extra}"] * bool(extra) + changed
    return "; ".join(parts) or "columns in a different order"


def _field_text(field: pa.Field) -> str:
    return f"{field.type}{'' if field.nullable else ' not null'}"


# ---------------------------------------------------------------------------------------------------- writing


def parquet_bytes(name: str, frame: pd.DataFrame) -> bytes:
    """The table as Parquet, typed by its Arrow schema and written as `parquet_options` says."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = arrow_table(name, frame)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, **parquet_options(name))
    return sink.getvalue().to_pybytes()


def release_freed_memory() -> None:
    """Give memory freed in this process back to the system (glibc's malloc_trim; nothing elsewhere). Without it the
    resident memory of a process that wrote or read a Parquet file of many row groups keeps the metadata of every
    one (many small blocks) after the file is closed."""
    if not sys.platform.startswith("linux"):
        return
    try:
        trim = ctypes.CDLL(None).malloc_trim  # this process's own symbols, the C library's among them
    except (OSError, AttributeError):  # not glibc: musl has no malloc_trim
        return
    trim(0)


def _replace_all(contents: Mapping[Path, bytes]) -> None:
    """Write every file to a temporary beside it, then move all into place; on failure restore what was there."""
    token = uuid.uuid4().hex[:12]
    staged = {final: final.with_name(f".{final.name}.{token}.tmp") for final in contents}
    backups: dict[Path, Path] = {}
    moved: list[Path] = []
    try:
        for final, data in contents.items():
            _write_durably(staged[final], data)
        for final in contents:
            if final.exists():
                backups[final] = final.with_name(f".{final.name}.{token}.bak")
                _keep_copy(final, backups[final])
            os.replace(staged[final], final)
            moved.append(final)
    except BaseException:
        for final in reversed(moved):
            if final in backups:
                os.replace(backups.pop(final), final)
            else:
                final.unlink(missing_ok=True)
        raise
    finally:
        for leftover in [*staged.values(), *backups.values()]:
            leftover.unlink(missing_ok=True)


def _write_durably(path: Path, data: bytes) -> None:
    with open(path, "xb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _keep_copy(path: Path, backup: Path) -> None:
    # A hard link keeps the old file whole at no cost; copy where the file system has no links.
    try:
        os.link(path, backup)
    except OSError:
        shutil.copy2(path, backup)


# ---------------------------------------------------------------------------------------------------- Excel


def workbook_bytes(tables: Mapping[str, pd.DataFrame]) -> bytes:
    """One workbook with a sheet per table; equal tables give equal bytes (every date inside is FIXED_TIME)."""
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    workbook = Workbook(write_only=True)
    for name, frame in tables.items():
        _fill_sheet(workbook.create_sheet(name), name, frame)
    workbook.properties.creator = "analysis.tables.io"
    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    # ExcelWriter rather than Workbook.save, which stamps the current time into the document properties.
    ExcelWriter(workbook, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    return _normalized_zip(buffer.getvalue())


def _normalized_zip(data: bytes) -> bytes:
    """The same archive with every entry dated FIXED_TIME and platform-independent attributes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, source.read(entry))
    return out.getvalue()


def _fill_sheet(sheet: WriteOnlyWorksheet, name: str, frame: pd.DataFrame) -> None:
    """Header, then one row per table row (up to Excel's limit, with a marker row saying what was left out)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    meta = get_table(name)
    values = [frame[c.name].tolist() for c in meta.columns]
    # Write-only sheets need widths before the rows; a sample of the rows is enough to size a column.
    for number, (column, column_values) in enumerate(zip(meta.columns, values, strict=True), start=1):
        width = max([len(column.name), *(_display_width(v) for v in column_values[:_WIDTH_SAMPLE])])
        sheet.column_dimensions[get_column_letter(number)].width = min(width + 2, _MAX_COLUMN_WIDTH)
    sheet.freeze_panes = "A2"
    shown = min(len(frame), EXCEL_MAX_ROWS - 2)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(meta.columns))}{shown + 1}"
    bold = Font(bold=True)
    header = [WriteOnlyCell(sheet, value=c.name) for c in meta.columns]
    for cell in header:
        cell.font = bold
    sheet.append(header)
    for row in range(shown):
        sheet.append([_cell(sheet, c.type, values[i][row], name) for i, c in enumerate(meta.columns)])
    if shown < len(frame):
        sheet.append([f"…[{len(frame) - shown:,} more rows than Excel can hold; see {name}.parquet]"])


def _cell(sheet: WriteOnlyWorksheet, value_type: str, value: object, table: str) -> WriteOnlyCell | None:
    from openpyxl.cell import WriteOnlyCell

    if _is_missing(value):
        return None
    cell = WriteOnlyCell(sheet)
    if value_type == "string":
        cell.value = _excel_text(value, table)
        cell.data_type = "s"  # never a formula, even when the text starts with "="
    elif value_type == "date":
        cell.value = value.date()
        cell.number_format = "yyyy-mm-dd"
    elif value_type == "yuan":
        _set_yuan(cell, value)
    else:
        cell.value = value
    return cell


def _set_yuan(cell: WriteOnlyCell, value: Decimal) -> None:
    if len(value.normalize().as_tuple().digits) > _EXCEL_SIGNIFICANT_DIGITS:
        cell.value = str(value)
        cell.data_type = "s"
        return
    # Converting to float here is only for display: the workbook can hold nothing else, the Parquet holds the Decimal.
    cell.value = float(value)
    cell.number_format = "#,##0" if value == value.to_integral_value() else "#,##0.00##"


def _excel_text(text: str, table: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)
    if _utf16_length(text) <= EXCEL_CELL_LIMIT:
        return text
    marker = f" …[truncated: {len(text):,} characters in full; see {table}.parquet]"
    keep = text[: EXCEL_CELL_LIMIT - len(marker)]
    while _utf16_length(keep) > EXCEL_CELL_LIMIT - len(marker):
        keep = keep[:-1]
    return keep + marker


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _is_missing(value: object) -> bool:
    import pandas as pd

    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value)


def _display_width(value: object) -> int:
    if _is_missing(value):
        return 0
    text = str(value)
    # CJK characters take about two columns; long text is capped by _MAX_COLUMN_WIDTH anyway.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text[: _MAX_COLUMN_WIDTH * 2])
