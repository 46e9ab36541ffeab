"""The Arrow (Parquet) schema of each table, generated from the metadata."""

from __future__ import annotations

from typing import TYPE_CHECKING

from analysis.tables.types import YUAN_PRECISION, YUAN_SCALE
from analysis.tables.validate import get_table

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa


def arrow_type(value_type: str) -> pa.DataType:
    """The Arrow type of a logical type (a key of `TYPES`)."""
    import pyarrow as pa

    return {
        "string": pa.string(),
        "int": pa.int64(),
        "bool": pa.bool_(),
        "date": pa.date32(),
        "yuan": pa.decimal128(YUAN_PRECISION, YUAN_SCALE),
        "float": pa.float64(),
    }[value_type]


def arrow_schema(table: str) -> pa.Schema:
    """The Arrow schema of `table`: columns in order with explicit types and nullability; each field carries its
    unit and descriptions, and the schema its table's description and primary key, so a Parquet file explains
    itself."""
    import pyarrow as pa

    meta = get_table(table)
    fields = [
        pa.field(
            c.name,
            arrow_type(c.type),
            nullable=c.nullable,
            metadata={
                "unit": c.unit or "",
                "description": c.description_en,
                "description_zh": c.description_zh,
            },
        )
        for c in meta.columns
    ]
    return pa.schema(
        fields,
        metadata={
            "table": meta.name,
            "description": meta.description_en,
            "primary_key": ",".join(meta.primary_key),
        },
    )


def parquet_options(table: str) -> dict[str, object]:
    """How every Parquet file of `table` is written, wherever it is written (a chunk's part, the merged file, the
    indicator tables, `write_tables`): snappy, and statistics only for `Table.statistics_columns`. The one writer
    policy: pass these to `pyarrow.parquet.write_table` or `ParquetWriter`."""
    return {"compression": "snappy", "write_statistics": get_table(table).statistics_columns}


def arrow_table(table: str, frame: pd.DataFrame) -> pa.Table:
    """`frame` (as `conform` returns it) as an Arrow table with exactly `arrow_schema(table)`: no pandas index or
    pandas metadata, dates as date32, yuan as exact decimals."""
    import pyarrow as pa

    schema = arrow_schema(table)
    result = pa.Table.from_arrays([_arrow_array(frame[f.name], f.type) for f in schema], schema=schema)
    result.validate(full=True)
    return result


def _arrow_array(series: pd.Series, arrow_type: pa.DataType) -> pa.Array:
    import pyarrow as pa

    if pa.types.is_date(arrow_type):
        # conform has checked that every date is at midnight, so the cast drops nothing.
        return pa.array(series, from_pandas=True).cast(arrow_type)
    if pa.types.is_decimal(arrow_type):
        return pa.array(series.tolist(), type=arrow_type)
    return pa.array(series, type=arrow_type, from_pandas=True)
