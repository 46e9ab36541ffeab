"""One source of truth for the columns of the output tables.

`analysis.schema.tables` describes every column as plain data; from it come `pandera_schema`, `arrow_schema`,
`conform` (rows → typed, validated DataFrame) and `render_codebook` (docs/codebook.md). Importing this package loads
no pandas, pandera or pyarrow.
"""

from analysis.schema.arrow import arrow_schema, arrow_table, arrow_type
from analysis.schema.codebook import render_codebook, write_codebook
from analysis.schema.model import TYPES, YUAN_PRECISION, YUAN_SCALE, Column, Reference, Rule, Table, ValueType
from analysis.schema.tables import TABLES
from analysis.schema.validate import (
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
    "render_codebook",
    "write_codebook",
]
