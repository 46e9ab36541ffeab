"""Validation generated from the metadata: pandera schemas, `conform` (rows → typed, checked DataFrame) and
cross-table references.

pandas and pandera load inside the functions, so importing `analysis.tables` stays cheap.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation, localcontext
from functools import cache
from typing import TYPE_CHECKING, Any

from analysis.tables.columns import INDICATOR_TABLES, TABLES
from analysis.tables.types import TYPES, YUAN_PRECISION, YUAN_SCALE, Column, Table, is_exact_yuan

if TYPE_CHECKING:
    import pandas as pd
    import pandera.pandas as pa

_MAX_LISTED = 20
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class TableValidationError(ValueError):
    """A table does not satisfy its schema; the message names the table, the columns, the rows and the values."""

    def __init__(self, table: str, problems: Sequence[str]) -> None:
        self.table = table
        self.problems = list(problems)
        shown = self.problems[:_MAX_LISTED]
        more = len(self.problems) - len(shown)
        lines = [f"table {table!r}: {len(self.problems)} problem(s)", *(f"  - {p}" for p in shown)]
        if more:
            lines.append(f"  … and {more} more")
        super().__init__("\n".join(lines))


def get_table(table: str) -> Table:
    """The metadata of `table` (one of the five output tables or an indicator table), with a clear error for an
    unknown name."""
    known = {**TABLES, **INDICATOR_TABLES}
    try:
        return known[table]
    except KeyError:
        raise ValueError(f"unknown table {table!r}; the tables are: {', '.join(known)}") from None


# ---------------------------------------------------------------------------------------------------- pandera


def _column_checks(column: Column) -> list[pa.Check]:
    import pandera.pandas as pa

    checks = []
    if column.codes is not None:
        checks.append(pa.Check.isin(list(column.codes), error=f"allowed values: {', '.join(column.codes)}"))
    if column.minimum is not None:
        checks.append(pa.Check.ge(column.minimum, error=f"must be ≥ {column.minimum:g}"))
    if column.maximum is not None:
        checks.append(pa.Check.le(column.maximum, error=f"must be ≤ {column.maximum:g}"))
    if column.pattern is not None:
        checks.append(pa.Check.str_matches(rf"(?:{column.pattern})\Z", error=f"must match {column.pattern} in full"))
    if column.type == "date":
        checks.append(pa.Check(lambda s: s == s.dt.normalize(), error="a date must have no time of day"))
    if column.type == "yuan":
        checks.append(
            pa.Check(
                is_exact_yuan,
                element_wise=True,
                error=f"must be a finite Decimal with at most {YUAN_SCALE} decimal places and "
                f"{YUAN_PRECISION - YUAN_SCALE} integer digits",
            )
        )
    return checks


def _frame_check(holds: Callable[[pd.DataFrame], pd.Series], error: str) -> pa.Check:
    import pandera.pandas as pa

    # A rule that meets a null cannot be shown to hold, so the row fails.
    return pa.Check(lambda df: holds(df).fillna(False).astype(bool), error=error)


def _span_holds(start: str, end: str) -> Callable[[pd.DataFrame], pd.Series]:
    def holds(df: pd.DataFrame) -> pd.Series:
        same_nullness = df[start].isna() == df[end].isna()
        return same_nullness & ~(df[start] > df[end]).fillna(False)

    return holds


def pandera_schema(table: str) -> pa.DataFrameSchema:
    """The pandera schema of `table`: exact columns in order, coercion to the pandas dtypes of `TYPES`, allowed
    values, bounds, patterns, a unique primary key, start <= end for every span, and the table's rules."""
    import pandera.pandas as pa

    meta = get_table(table)
    columns = {
        c.name: pa.Column(
            TYPES[c.type].pandas,
            checks=_column_checks(c),
            nullable=c.nullable,
            title=c.name,
            description=c.description_en,
        )
        for c in meta.columns
    }
    checks = [_frame_check(_span_holds(s, e), _span_rule(s, e)) for s, e in meta.spans]
    checks += [_frame_check(rule.holds, rule.description) for rule in meta.rules]
    return pa.DataFrameSchema(
        columns,
        checks=checks,
        coerce=True,
        strict=True,
        ordered=True,
        unique=list(meta.primary_key),
        report_duplicates="all",
        name=table,
        description=meta.description_en,
    )


@cache
def _schema(table: str) -> pa.DataFrameSchema:
    """`pandera_schema(table)`, built once per process: building it cost as much as validating a chunk's evidence."""
    return pandera_schema(table)


def _span_rule(start: str, end: str) -> str:
    return f"{start} <= {end}, and both null or neither"


def _describe_failures(meta: Table, failures: pd.DataFrame) -> list[str]:
    """One line per failing (row, check): the row, the columns involved with their values, what was expected."""
    import pandas as pd

    friendly = {
        "multiple_fields_uniqueness": f"duplicate primary key ({', '.join(meta.primary_key)})",
        "not_nullable": "null where the column allows none",
        "column_in_dataframe": "missing column",
    }
    # A row-level rule fails every column of the row; show only the columns the rule is about.
    involved = {_span_rule(s, e): {s, e} for s, e in meta.spans} | {r.description: set(r.columns) for r in meta.rules}
    lines = []
    for (index, check), group in failures.groupby(["index", "check"], sort=True, dropna=False):
        keep = group[group["column"].isin(involved[check])] if check in involved else group
        values = ", ".join(
            f"{column}={'null' if pd.isna(value) else repr(value)}"
            for column, value in zip(keep["column"], keep["failure_case"], strict=True)
        )
        where = "" if pd.isna(index) else f"row {int(index)}: "
        lines.append(f"{where}{values} — {friendly.get(check, check)}")
    return lines


# ---------------------------------------------------------------------------------------------------- conform


class _BadValue(Exception):
    """A value cannot become a value of its column's type; the message says why."""


def _is_null(value: object) -> bool:
    import numpy as np
    import pandas as pd

    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating):
        return math.isnan(value)
    return isinstance(value, np.datetime64) and bool(np.isnat(value))


def _to_string(value: object) -> str:
    if isinstance(value, str):
        return str(value)
    raise _BadValue("expected text (str)")


def _to_int(value: object) -> int:
    import numpy as np

    if isinstance(value, bool | np.bool_):
        raise _BadValue("expected a whole number, got a bool")
    if isinstance(value, int | np.integer):
        return int(value)
    # pandas turns integer columns with gaps into floats; accept those when they are whole.
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return int(value)
    raise _BadValue("expected a whole number")


def _to_bool(value: object) -> bool:
    import numpy as np

    if isinstance(value, bool | np.bool_):
        return bool(value)
    raise _BadValue("expected True or False")


def _to_date(value: object) -> dt.date:
    import numpy as np
    import pandas as pd

    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None or value.time() != dt.time(0):
            raise _BadValue("expected a date; this has a time of day or a time zone")
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError as e:
            raise _BadValue(f"not a valid date ({e})") from None
    raise _BadValue("expected a datetime.date or an ISO date string YYYY-MM-DD")


def _to_yuan(value: object) -> Decimal:
    import numpy as np

    if isinstance(value, float | np.floating):
        raise _BadValue("a float cannot hold money exactly; pass a Decimal, an int or a numeric string")
    if isinstance(value, bool | np.bool_):
        raise _BadValue("expected an amount, got a bool")
    if isinstance(value, int | np.integer):
        return Decimal(int(value))
    if isinstance(value, str):
        try:
            value = Decimal(value.strip())
        except InvalidOperation:
            raise _BadValue("not a number") from None
    if not isinstance(value, Decimal):
        raise _BadValue("expected a Decimal, an int or a numeric string")
    if not is_exact_yuan(value):
        raise _BadValue(
            f"must be finite, with at most {YUAN_SCALE} decimal places and {YUAN_PRECISION - YUAN_SCALE} integer digits"
        )
    # One representation per amount, whatever the input's trailing zeros: 57322000.0000 → 57322000.
    with localcontext() as context:
        context.prec = YUAN_PRECISION + 2
        if value == value.to_integral_value():
            return Decimal(int(value))
        return value.normalize()


def _to_float(value: object) -> float:
    import numpy as np

    if isinstance(value, bool | np.bool_):
        raise _BadValue("expected a number, got a bool")
    if isinstance(value, int | float | Decimal | np.integer | np.floating):
        return float(value)
    raise _BadValue("expected a number")


_CONVERTERS: dict[str, Callable[[object], object]] = {
    "string": _to_string,
    "int": _to_int,
    "bool": _to_bool,
    "date": _to_date,
    "yuan": _to_yuan,
    "float": _to_float,
}


# Values of these Python types (exactly: not subclasses, not numpy scalars) need no conversion.
_EXACT_TYPES: dict[str, type] = {"string": str, "int": int, "bool": bool}


def _typed_series(column: Column, values: Sequence[object], table: str) -> pd.Series:
    """`values` converted one by one to `column`'s type, as a Series of the type's pandas dtype."""
    import numpy as np
    import pandas as pd

    exact = _EXACT_TYPES.get(column.type)
    # the set of the values' types, built in C: every value None or exactly of the type
    if exact is not None and set(map(type, values)) <= {exact, type(None)}:
        return pd.Series(values, dtype=TYPES[column.type].pandas)  # the common case: nothing to convert
    convert = _CONVERTERS[column.type]
    converted: list[object] = []
    for row, value in enumerate(values):
        if _is_null(value):
            converted.append(None)
            continue
        try:
            converted.append(convert(value))
        except _BadValue as e:
            raise TableValidationError(table, [f"row {row}: column {column.name!r} value {value!r}: {e}"]) from None
    if column.type == "date":
        days = [np.datetime64("NaT") if v is None else np.datetime64(v, "D") for v in converted]
        return pd.Series(np.array(days, dtype="datetime64[D]"), dtype=TYPES["date"].pandas)
    return pd.Series(converted, dtype=TYPES[column.type].pandas)


def _columns_from_rows(meta: Table, rows: Sequence[Mapping[str, Any]]) -> dict[str, list[object]]:
    known = set(meta.column_names)
    for row_number, row in enumerate(rows):
        if not isinstance(row, Mapping):
            raise TableValidationError(meta.name, [f"row {row_number}: expected a dict, got {type(row).__name__}"])
        unknown = [k for k in row if k not in known]
        if unknown:
            raise TableValidationError(meta.name, [f"row {row_number}: unknown column(s) {unknown}"])
        missing = [c.name for c in meta.columns if not c.nullable and c.name not in row]
        if missing:
            raise TableValidationError(meta.name, [f"row {row_number}: missing required column(s) {missing}"])
    return {name: [row.get(name) for row in rows] for name in meta.column_names}


def _columns_from_frame(meta: Table, frame: pd.DataFrame) -> dict[str, pd.Series | list[object]]:
    unknown = [str(c) for c in frame.columns if c not in set(meta.column_names)]
    if unknown:
        raise TableValidationError(meta.name, [f"unknown column(s) {unknown}"])
    if frame.columns.duplicated().any():
        raise TableValidationError(
            meta.name, [f"duplicated column(s) {sorted(set(frame.columns[frame.columns.duplicated()]))}"]
        )
    missing = [c.name for c in meta.columns if not c.nullable and c.name not in frame.columns]
    if missing:
        raise TableValidationError(meta.name, [f"missing required column(s) {missing}"])
    return {
        name: frame[name].reset_index(drop=True) if name in frame.columns else [None] * len(frame)
        for name in meta.column_names
    }


def conform(table: str, rows: Sequence[Mapping[str, Any]] | pd.DataFrame) -> pd.DataFrame:
    """Build the validated DataFrame of `table` from dict rows or a DataFrame.

    The result has exactly the schema's columns in schema order and the pandas dtypes of `TYPES`; optional
    (nullable) columns that are absent are filled with nulls. Dates may be `datetime.date` or ISO strings; yuan may
    be Decimal, int or numeric strings, never floats. Raises TableValidationError naming the table, the column, the
    row and the bad value for an unknown or missing column, an unconvertible value, or any failed check.
    """
    import pandas as pd
    import pandera.pandas as pa

    meta = get_table(table)
    raw = _columns_from_frame(meta, rows) if isinstance(rows, pd.DataFrame) else _columns_from_rows(meta, rows)
    typed = {}
    for column in meta.columns:
        values = raw[column.name]
        target = pd.api.types.pandas_dtype(TYPES[column.type].pandas)
        # Already the right dtype: nothing to convert (yuan still goes value by value, to normalise the Decimals).
        if isinstance(values, pd.Series) and values.dtype == target and column.type != "yuan":
            typed[column.name] = values
        else:
            seq = values.tolist() if isinstance(values, pd.Series) else values
            typed[column.name] = _typed_series(column, seq, table)
    frame = pd.DataFrame(typed, index=pd.RangeIndex(len(next(iter(raw.values())))))
    try:
        return _schema(table).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as e:
        raise TableValidationError(table, _describe_failures(meta, e.failure_cases)) from None


def check_references(tables: Mapping[str, pd.DataFrame]) -> None:
    """Raise TableValidationError when a row refers to a key missing from the table it references (e.g. a measure
    of a problem that is not in problems). References to tables absent from `tables` are not checked."""
    for name, frame in tables.items():
        for ref in get_table(name).references:
            if ref.table not in tables:
                continue
            target = tables[ref.table]
            keys = list(get_table(ref.table).primary_key)
            if _all_found(frame, list(ref.columns), target, keys):
                continue
            mine = frame[list(ref.columns)].dropna().drop_duplicates()
            theirs = target[keys].set_axis(list(ref.columns), axis=1)
            orphans = mine.merge(theirs, how="left", indicator=True).query("_merge == 'left_only'")
            if len(orphans):
                records = orphans[list(ref.columns)].to_dict("records")
                problems = [f"{key} has no row in {ref.table!r}" for key in records]
                raise TableValidationError(name, problems)


def _all_found(frame: pd.DataFrame, columns: list[str], target: pd.DataFrame, keys: list[str]) -> bool:
    """Whether every row of `frame` whose `columns` are all set has their values among `target`'s `keys`: the
    common case, answered with a set of tuples; when not, the merge in `check_references` names the orphans."""
    import pandas as pd

    theirs = set(zip(*(target[k].tolist() for k in keys), strict=True))
    return all(
        row in theirs or any(pd.isna(v) for v in row) for row in zip(*(frame[c].tolist() for c in columns), strict=True)
    )
