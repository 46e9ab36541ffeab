"""The tables as a data package researchers can deposit: a CSV copy of each table and a Frictionless
`datapackage.json` generated from the column metadata (types, descriptions, allowed codes, primary and foreign keys).

The CSV copies are written from the Parquet files row group by row group, so a corpus of any size is copied in
memory that does not grow with it. Money stays exact (decimal text, never a float), dates are ISO 8601, a missing
value is an empty field.
"""

from __future__ import annotations

import json
from pathlib import Path

from analysis.tables.columns import INDICATOR_TABLES, TABLES
from analysis.tables.io import release_freed_memory
from analysis.tables.types import Column, Table

CSV_FOLDER = "csv"
DESCRIPTOR = "datapackage.json"
PACKAGE_NAME = "rectification-notices"
# Frictionless Table Schema types of the column metadata's value types.
_FIELD_TYPES = {
    "string": "string",
    "int": "integer",
    "bool": "boolean",
    "date": "date",
    "yuan": "number",
    "float": "number",
}


def written_tables(out_dir: Path) -> list[str]:
    """The tables, indicator tables included, that `out_dir` holds as `<table>.parquet`, in metadata order."""
    return [name for name in (*TABLES, *INDICATOR_TABLES) if (out_dir / f"{name}.parquet").is_file()]


def write_csv_copies(out_dir: Path) -> list[Path]:
    """Write `<out_dir>/csv/<table>.csv` from each `<out_dir>/<table>.parquet`; return the paths."""
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    folder = out_dir / CSV_FOLDER
    folder.mkdir(exist_ok=True)
    written = []
    for name in written_tables(out_dir):
        source = pq.ParquetFile(out_dir / f"{name}.parquet")
        path = folder / f"{name}.csv"
        options = pacsv.WriteOptions(include_header=True, quoting_style="needed")
        with pacsv.CSVWriter(path, source.schema_arrow, write_options=options) as writer:
            for index in range(source.num_row_groups):
                # one thread: a row group is one chunk's rows, and each pool thread's malloc arena would keep pages
                writer.write_table(source.read_row_group(index, use_threads=False))
        written.append(path)
        del source  # the file's metadata, one entry per row group
        release_freed_memory()
    return written


def descriptor(names: list[str] | None = None, title: str = "Rectification notices (整改情况通报) as tables") -> dict:
    """The Frictionless Data Package descriptor of the CSV copies of tables `names` (default: the five), from the
    column metadata alone."""
    tables = {**TABLES, **INDICATOR_TABLES}
    return {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": title,
        "description": "Tables extracted from Chinese rectification notices by the rectification-analysis suite; "
        "every extracted value carries the character span of the source text it was read from.",
        "resources": [_resource(tables[name]) for name in (names or list(TABLES))],
    }


def write_descriptor(out_dir: Path) -> Path:
    """Write `<out_dir>/datapackage.json` (sorted keys, UTF-8: the same tables give the same bytes)."""
    path = out_dir / DESCRIPTOR
    package = descriptor(written_tables(out_dir))
    path.write_text(json.dumps(package, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def _resource(table: Table) -> dict:
    schema: dict = {
        "fields": [_field(column) for column in table.columns],
        "primaryKey": list(table.primary_key),
        "missingValues": [""],
    }
    if table.references:
        schema["foreignKeys"] = [
            {"fields": list(ref.columns), "reference": {"resource": ref.table, "fields": list(ref.columns)}}
            for ref in table.references
        ]
    return {
        "name": table.name,
        "path": f"{CSV_FOLDER}/{table.name}.csv",
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "description": f"{table.description_en} / {table.description_zh}",
        "schema": schema,
    }


def _field(column: Column) -> dict:
    field: dict = {
        "name": column.name,
        "type": _FIELD_TYPES[column.type],
        "description": f"{column.description_en} / {column.description_zh}",
    }
    constraints: dict = {}
    if not column.nullable:
        constraints["required"] = True
    if column.codes:
        constraints["enum"] = list(column.codes)
    if column.minimum is not None:
        constraints["minimum"] = column.minimum
    if column.maximum is not None:
        constraints["maximum"] = column.maximum
    if column.pattern:
        constraints["pattern"] = column.pattern
    if constraints:
        field["constraints"] = constraints
    if column.unit:
        field["unit"] = column.unit
    if column.type == "bool":
        field["trueValues"], field["falseValues"] = ["true"], ["false"]
    return field
