"""Writing the tables: Parquet with the schema's types, one workbook, exact round trips, reproducible bytes, and
all-or-nothing replacement of earlier outputs."""

import datetime as dt
import os
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from analysis.tables import TABLES, TableValidationError, arrow_schema, conform
from analysis.tables import io as tables_io
from analysis.tables.io import EXCEL_CELL_LIMIT, FIXED_TIME, read_table, read_tables, write_tables

TEXT = "关于巡察整改情况的通报\n问题1:采购不规范,累计金额5732.2万元。一是核减924.37万元。\n"
LONG = "长" * (EXCEL_CELL_LIMIT + 100)
HUGE = Decimal("123456789012345678")  # more significant digits than an Excel number holds
FILES = [*(f"{name}.parquet" for name in TABLES), "tables.xlsx"]


def span(fragment: str) -> tuple[int, int]:
    start = TEXT.index(fragment)
    return start, start + len(fragment)


def make_tables(title: str = "采购不规范") -> dict[str, pd.DataFrame]:
    p_start, p_end = span("问题1:采购不规范,累计金额5732.2万元。")
    a_start, a_end = span("5732.2万元")
    r_start, r_end = span("924.37万元")
    m_start, m_end = span("一是核减924.37万元。")
    rows = {
        "documents": [
            {
                "doc_id": "demo", "source_file": "demo.txt", "sha256": "a" * 64, "encoding": "utf-8",
                "text_source": "file", "metadata_given": "", "metadata_inferred": "city", "title": TEXT.splitlines()[0],
                "review_type": "巡察", "review_start": dt.date(2024, 9, 25),
                "review_end": "2024-12-25", "problems_reported": 1, "completion_rate_reported": 87.5,
                "problems_extracted": 1, "measures_extracted": 2, "results_extracted": 0, "amounts_extracted": 3,
                "problems_without_measures": 0, "unmapped_status_phrases": "", "findings": "",
                "corrections_applied": 0, "n_warnings": 1, "warnings": "=SUM(A1:A2) looks like a formula\x0b",
            },
        ],
        "problems": [
            {
                "doc_id": "demo", "problem_seq": 1, "label": "问题1", "section": "main", "title": title,
                "description": None, "status": "unstated", "n_measures": 2, "n_results": 0, "truncated": False,
                "category": "procurement_contracts", "category_confidence": 0.9,
                "category_evidence": "keywords: 采购", "category_source": "rule",
                "span_start": p_start, "span_end": p_end,
            },
        ],
        "measures": [
            {
                "doc_id": "demo", "problem_seq": 1, "measure_seq": 1, "part": "measure", "marker": "一是",
                "text": "一是核减924.37万元。", "span_start": m_start, "span_end": m_end,
            },
            {
                "doc_id": "demo", "problem_seq": 1, "measure_seq": 2, "part": "measure", "marker": "",
                "text": LONG, "span_start": m_end, "span_end": m_end,
            },
        ],
        "amounts": [
            {
                "doc_id": "demo", "amount_seq": 1, "problem_seq": 1, "part": "problem", "raw": "5732.2万元",
                "yuan": Decimal("57322000"), "approx": False, "kind": "involved", "kind_phrase": "累计金额",
                "context": "累计金额5732.2万元", "span_start": a_start, "span_end": a_end,
            },
            {
                "doc_id": "demo", "amount_seq": 2, "problem_seq": 1, "part": "measure", "raw": "924.37万元",
                "yuan": Decimal("9243700"), "approx": True, "kind": "reduced", "kind_phrase": None,
                "context": "核减924.37万元", "span_start": r_start, "span_end": r_end,
            },
            {
                "doc_id": "demo", "amount_seq": 3, "problem_seq": None, "part": "preamble", "raw": "1234.56元",
                "yuan": "1234.56", "approx": False, "kind": "other", "context": "", "span_start": 0, "span_end": 0,
            },
            {
                "doc_id": "demo", "amount_seq": 4, "problem_seq": None, "part": "preamble", "raw": "?",
                "yuan": HUGE, "approx": False, "kind": "other", "context": "", "span_start": 0, "span_end": 0,
            },
        ],
        "evidence": [
            {
                "doc_id": "demo", "field": "title", "value": TEXT.splitlines()[0], "span_start": 0,
                "span_end": len(TEXT.splitlines()[0]), "quote": TEXT.splitlines()[0],
            },
        ],
    }  # fmt: skip
    return {name: conform(name, table_rows) for name, table_rows in rows.items()}


def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def test_write_returns_the_files_it_wrote(tmp_path: Path) -> None:
    written = write_tables(make_tables(), tmp_path)
    assert written == [tmp_path / name for name in FILES]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FILES)


def test_round_trip_keeps_values_and_dtypes(tmp_path: Path) -> None:
    tables = make_tables()
    write_tables(tables, tmp_path)
    back = read_tables(tmp_path)
    assert list(back) == list(TABLES)
    for name, frame in tables.items():
        pd.testing.assert_frame_equal(back[name], frame)
    yuan = back["amounts"]["yuan"].tolist()
    assert yuan == [Decimal("57322000"), Decimal("9243700"), Decimal("1234.56"), HUGE]
    assert [str(v) for v in yuan[:2]] == ["57322000", "9243700"]
    documents = back["documents"]
    assert documents.loc[0, "review_start"] == pd.Timestamp("2024-09-25")
    assert pd.isna(documents.loc[0, "feedback_date"]) and pd.isna(documents.loc[0, "measures_reported"])
    assert documents.loc[0, "completion_rate_reported"] == 87.5
    assert back["measures"].loc[1, "text"] == LONG
    assert pd.isna(back["problems"].loc[0, "description"]) and pd.isna(back["amounts"].loc[2, "problem_seq"])


def test_parquet_files_carry_the_arrow_schema_and_no_index(tmp_path: Path) -> None:
    write_tables(make_tables(), tmp_path)
    for name in TABLES:
        schema = pq.read_schema(tmp_path / f"{name}.parquet")
        assert schema.equals(arrow_schema(name))
        assert b"pandas" not in (schema.metadata or {})
    amounts = pq.read_table(tmp_path / "amounts.parquet")
    assert amounts.column("yuan").to_pylist()[0] == Decimal("57322000")
    assert pq.read_schema(tmp_path / "documents.parquet").field("review_start").type == pa.date32()


def test_workbook_has_one_sheet_per_table_with_readable_cells(tmp_path: Path) -> None:
    write_tables(make_tables(), tmp_path)
    book = openpyxl.load_workbook(tmp_path / "tables.xlsx")
    assert book.sheetnames == list(TABLES)
    for name, table in TABLES.items():
        assert [c.value for c in book[name][1]] == table.column_names
    documents = {c.value: cell for c, cell in zip(book["documents"][1], book["documents"][2], strict=True)}
    assert documents["review_start"].is_date and documents["review_start"].value == dt.datetime(2024, 9, 25)
    assert documents["review_start"].number_format == "yyyy-mm-dd"
    assert documents["feedback_date"].value is None
    assert documents["warnings"].data_type == "s"
    assert documents["warnings"].value == "=SUM(A1:A2) looks like a formula\ufffd"
    yuan = [row[5] for row in book["amounts"].iter_rows(min_row=2)]
    assert [c.value for c in yuan] == [57322000, 9243700, 1234.56, str(HUGE)]
    assert yuan[0].number_format == "#,##0"
    text = book["measures"].cell(row=3, column=6).value
    assert len(text) <= EXCEL_CELL_LIMIT and text.startswith("长" * 1000)
    assert text.endswith(f"[truncated: {len(LONG):,} characters in full; see measures.parquet]")


def test_rows_beyond_excel_limit_are_announced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tables_io, "EXCEL_MAX_ROWS", 4)  # header, two rows, the marker
    tables = make_tables()
    write_tables(tables, tmp_path)
    rows = [[c.value for c in row] for row in openpyxl.load_workbook(tmp_path / "tables.xlsx")["amounts"].iter_rows()]
    assert len(rows) == 4 and rows[2][1] == 2
    assert rows[3][0] == "…[2 more rows than Excel can hold; see amounts.parquet]"
    assert len(read_table("amounts", tmp_path)) == 4


def test_same_tables_give_identical_bytes(tmp_path: Path) -> None:
    write_tables(make_tables(), tmp_path / "a")
    write_tables(make_tables(), tmp_path / "b")
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")
    write_tables(read_tables(tmp_path / "a"), tmp_path / "c")
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "c")


def test_workbook_has_no_clock_in_it(tmp_path: Path) -> None:
    # Two writes within the same ZIP time step would match even with clock times in them; look inside instead.
    write_tables(make_tables(), tmp_path)
    with zipfile.ZipFile(tmp_path / "tables.xlsx") as archive:
        assert {info.date_time for info in archive.infolist()} == {FIXED_TIME.timetuple()[:6]}
    book = openpyxl.load_workbook(tmp_path / "tables.xlsx")
    assert book.properties.created == FIXED_TIME and book.properties.modified == FIXED_TIME


def _fail_on_call(real, n: int):
    calls = []

    def wrapper(*args, **kwargs):
        calls.append(args)
        if len(calls) == n:
            raise OSError("injected failure")
        return real(*args, **kwargs)

    return wrapper


@pytest.mark.parametrize("target", ["_write_durably", "replace"])
def test_failure_leaves_previous_outputs_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str) -> None:
    write_tables(make_tables(), tmp_path)
    before = snapshot(tmp_path)
    if target == "replace":
        # Fail moving the fourth file into place: three new files are already in and must be rolled back.
        monkeypatch.setattr(tables_io.os, "replace", _fail_on_call(os.replace, 4))
    else:
        monkeypatch.setattr(tables_io, target, _fail_on_call(tables_io._write_durably, 4))
    with pytest.raises(OSError, match="injected failure"):
        write_tables(make_tables(title="另一个标题"), tmp_path)
    monkeypatch.undo()
    assert snapshot(tmp_path) == before
    assert read_tables(tmp_path)["problems"].loc[0, "title"] == "采购不规范"


def test_failure_on_first_write_leaves_no_new_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tables_io.os, "replace", _fail_on_call(os.replace, 3))
    with pytest.raises(OSError, match="injected failure"):
        write_tables(make_tables(), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_invalid_tables_write_nothing(tmp_path: Path) -> None:
    write_tables(make_tables(), tmp_path)
    before = snapshot(tmp_path)
    tables = make_tables()
    bad = tables["problems"].assign(status="done")
    with pytest.raises(TableValidationError, match="'done'"):
        write_tables(tables | {"problems": bad}, tmp_path)
    orphan = tables["measures"].assign(problem_seq=pd.array([1, 9], dtype="Int64"))
    with pytest.raises(TableValidationError, match="has no row in 'problems'"):
        write_tables(tables | {"measures": orphan}, tmp_path)
    assert snapshot(tmp_path) == before
    with pytest.raises(ValueError, match="unknown table"):
        write_tables({"problem": tables["problems"]}, tmp_path / "new")
    assert not (tmp_path / "new").exists()


def test_a_subset_of_tables_can_be_written(tmp_path: Path) -> None:
    tables = make_tables()
    written = write_tables({"problems": tables["problems"]}, tmp_path, excel_name="problems.xlsx")
    assert [p.name for p in written] == ["problems.parquet", "problems.xlsx"]
    assert openpyxl.load_workbook(written[1]).sheetnames == ["problems"]
    pd.testing.assert_frame_equal(read_table("problems", tmp_path), tables["problems"])


def test_excel_name_must_be_a_plain_xlsx_name(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="excel_name"):
        write_tables(make_tables(), tmp_path, excel_name="../tables.xlsx")


def test_reading_a_missing_or_stale_table_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"problems\.parquet"):
        read_table("problems", tmp_path)
    old = arrow_schema("problems").remove(arrow_schema("problems").get_field_index("subtopic"))
    pq.write_table(pa.Table.from_pylist([], schema=old), tmp_path / "problems.parquet")
    with pytest.raises(TableValidationError, match=r"missing \['subtopic'\]"):
        read_table("problems", tmp_path)
    schema = arrow_schema("problems")
    changed = schema.set(schema.get_field_index("problem_seq"), pa.field("problem_seq", pa.string()))
    pq.write_table(pa.Table.from_pylist([], schema=changed), tmp_path / "problems.parquet")
    with pytest.raises(TableValidationError, match="problem_seq is string, not int64 not null"):
        read_table("problems", tmp_path)
