"""One source of truth for the columns of the output tables.

`analysis.tables.columns` describes every column as plain data; from it come `pandera_schema`, `arrow_schema`,
`conform` (rows → typed, validated DataFrame) and `render_codebook` (docs/codebook.md). Importing this package loads
no pandas, pandera or pyarrow.
"""

from analysis.tables.arrow import arrow_schema, arrow_table, arrow_type, parquet_options
from analysis.tables.columns import TABLES
from analysis.tables.dictionary import render_codebook, write_codebook
from analysis.tables.types import TYPES, YUAN_PRECISION, YUAN_SCALE, Column, Reference, Rule, Table, ValueType
from analysis.tables.validate import (
    TableValidationError,
    check_references,
    conform,
    get_table,
    pandera_schema,
)

__all__ = [
    "TABLES",
    "TYPES",
    "YUAN_PRECISION",
    "YUAN_SCALE",
    "Column",
    "Reference",
    "Rule",
    "Table",
    "TableValidationError",
    "ValueType",
    "arrow_schema",
    "arrow_table",
    "arrow_type",
    "check_references",
    "conform",
    "get_table",
    "pandera_schema",
    "parquet_options",
    "render_codebook",
    "write_codebook",
]
