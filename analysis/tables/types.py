"""The vocabulary of the table metadata: value types, columns, tables and table-level rules.

Everything here is plain data so that a researcher can read the column definitions in `analysis.tables.columns`
without knowing pandera or pyarrow; the validators, the Arrow schema and the codebook are generated from it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

# Money is stored as decimal128(38, 4). Scale 4 holds every amount as the genre writes it exactly: X.XXXX 亿元 and
# X.XXXX 万元 are whole numbers of yuan, 元 amounts carry at most fen (2 places), and 万元 to 8 decimals still fits.
# Precision 38 is decimal128's maximum (34 integer digits); the storage is 16 bytes whatever the precision, so there
# is nothing to gain from a lower cap.
YUAN_PRECISION = 38
YUAN_SCALE = 4
YUAN_QUANTUM = Decimal(1).scaleb(-YUAN_SCALE)
YUAN_LIMIT = Decimal(10) ** (YUAN_PRECISION - YUAN_SCALE)


def is_exact_yuan(value: object) -> bool:
    """Whether `value` is a finite Decimal that decimal128(38, 4) holds exactly: never rounded, never overflowing."""
    if not (isinstance(value, Decimal) and value.is_finite()):
        return False
    with localcontext() as context:
        context.prec = YUAN_PRECISION + 2  # the default 28 digits would round 38-digit amounts
        return value.copy_abs() < YUAN_LIMIT and value == value.quantize(YUAN_QUANTUM)


@dataclass(frozen=True)
class ValueType:
    """A logical column type and how pandas and Excel represent it (the Arrow type is in `analysis.tables.arrow`)."""

    description: str
    pandas: str  # dtype that `conform` and `read_tables` produce (a pandas dtype string)
    pandas_note: str  # how a notebook user sees it
    excel: str  # how the Excel workbook shows it


TYPES: dict[str, ValueType] = {
    "string": ValueType("text", "str", "str (missing = NaN)", "text"),
    "int": ValueType("whole number", "Int64", "Int64 (missing = <NA>)", "number"),
    "bool": ValueType("true or false", "boolean", "boolean (missing = <NA>)", "TRUE / FALSE"),
    "date": ValueType(
        "calendar date", "datetime64[ns]", "datetime64[ns] at midnight (missing = NaT)", "date, yyyy-mm-dd"
    ),
    "yuan": ValueType(
        "exact amount of money in yuan",
        "object",
        "object holding decimal.Decimal (exact; use .astype(float) for plotting)",
        "number #,##0 (as text if it has more than 15 significant digits, which Excel cannot hold)",
    ),
    "float": ValueType("real number", "float64", "float64 (missing = NaN)", "number"),
}


@dataclass(frozen=True)
class Column:
    """One column: its type, unit, meaning in English and Chinese, and the values it may take."""

    name: str
    type: str  # a key of TYPES
    description_en: str
    description_zh: str
    unit: str | None = None
    nullable: bool = False
    codes: Mapping[str, str] | None = None  # allowed value → one-line definition
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None  # regular expression every value must match in full


@dataclass(frozen=True)
class Rule:
    """A check that involves several columns of one table; `holds` returns True for every good row."""

    description: str
    columns: tuple[str, ...]
    holds: Callable[[pd.DataFrame], pd.Series]


@dataclass(frozen=True)
class Reference:
    """A foreign key: every non-null `columns` tuple of this table exists as the primary key of `table`."""

    columns: tuple[str, ...]
    table: str


@dataclass(frozen=True)
class Table:
    """One output table: its meaning, primary key, columns (in output order) and cross-column rules."""

    name: str
    description_en: str
    description_zh: str
    primary_key: tuple[str, ...]
    columns: tuple[Column, ...]
    spans: tuple[tuple[str, str], ...] = ()  # (start, end) pairs: start <= end, both null or neither
    references: tuple[Reference, ...] = ()
    rules: tuple[Rule, ...] = ()

    @property
    def column_names(self) -> list[str]:
        """The column names in output order."""
        return [c.name for c in self.columns]

    @property
    def statistics_columns(self) -> list[str]:
        """The columns whose Parquet files carry min/max statistics, in output order: numbers, dates and booleans,
        and text that identifies or codes (a key column, a column with codes or a pattern). Free text has none: its
        min and max would be stored whole in every row group's metadata, which a writer keeps until it closes the
        file, and no reader prunes row groups on a title's minimum."""
        keys = {*self.primary_key, *(name for ref in self.references for name in ref.columns)}
        return [
            c.name
            for c in self.columns
            if c.type != "string" or c.name in keys or c.codes is not None or c.pattern is not None
        ]

    def column(self, name: str) -> Column:
        """The column called `name`."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"table {self.name!r} has no column {name!r}")
