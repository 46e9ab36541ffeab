"""The column metadata is the one source: pandera, Arrow and the codebook agree with it, and `conform` types,
checks and explains rows."""

import csv
import datetime as dt
import re
import subprocess
import sys
from decimal import Decimal

import pandas as pd
import pyarrow as pa
import pytest

from analysis.paths import DOCS, GOLD
from analysis.tables import (
    TABLES,
    TYPES,
    YUAN_SCALE,
    TableValidationError,
    arrow_schema,
    arrow_type,
    check_references,
    conform,
    pandera_schema,
    render_codebook,
)

TEXT = (
    "中共演示市数据局党组关于巡察整改情况的通报\n"
    "问题1:采购不规范,累计金额5732.2万元。整改措施:一是核减924.37万元;二是建章立制。\n"
)


def span(fragment: str) -> tuple[int, int]:
    start = TEXT.index(fragment)
    return start, start + len(fragment)


def document_row(**changes: object) -> dict:
    row = {
        "doc_id": "demo",
        "source_file": "demo.txt",
        "sha256": "0" * 64,
        "encoding": "utf-8",
        "text_source": "file",
        "metadata_given": "",
        "metadata_inferred": "",
        "title": TEXT.splitlines()[0],
        "city": "演示市",
        "province": "演示省",
        "review_type": "巡察",
        "review_start": dt.date(2024, 9, 25),
        "review_end": "2024-12-25",
        "problems_reported": 1,
        "completion_rate_reported": 100.0,
        "problems_extracted": 1,
        "measures_extracted": 2,
        "results_extracted": 0,
        "amounts_extracted": 2,
        "problems_without_measures": 0,
        "unmapped_status_phrases": "",
        "findings": "",
        "corrections_applied": 0,
        "n_warnings": 0,
        "warnings": "",
    }
    return row | changes


def problem_row(**changes: object) -> dict:
    start, end = span("问题1:采购不规范,累计金额5732.2万元。")
    row = {
        "doc_id": "demo",
        "problem_seq": 1,
        "label": "问题1",
        "section": "main",
        "title": "采购不规范",
        "description": "采购不规范,累计金额5732.2万元",
        "status": "unstated",
        "n_measures": 2,
        "n_results": 0,
        "truncated": False,
        "category": "procurement_contracts",
        "category_confidence": 0.9,
        "category_evidence": "keywords: 采购",
        "category_source": "rule",
        "span_start": start,
        "span_end": end,
    }
    return row | changes


def measure_row(seq: int, fragment: str, **changes: object) -> dict:
    start, end = span(fragment)
    row = {
        "doc_id": "demo",
        "problem_seq": 1,
        "measure_seq": seq,
        "part": "measure",
        "marker": fragment[:2],
        "text": fragment,
        "span_start": start,
        "span_end": end,
    }
    return row | changes


def amount_row(seq: int, raw: str, yuan: object, **changes: object) -> dict:
    start, end = span(raw)
    row = {
        "doc_id": "demo",
        "amount_seq": seq,
        "problem_seq": 1,
        "part": "problem",
        "raw": raw,
        "yuan": yuan,
        "approx": False,
        "kind": "involved",
        "kind_phrase": "累计金额",
        "context": "累计金额5732.2万元",
        "span_start": start,
        "span_end": end,
    }
    return row | changes


def evidence_row(field: str, value: str, quote: str, **changes: object) -> dict:
    start, end = span(quote)
    row = {"doc_id": "demo", "field": field, "value": value, "span_start": start, "span_end": end, "quote": quote}
    return row | changes


def sample_rows() -> dict[str, list[dict]]:
    return {
        "documents": [document_row()],
        "problems": [problem_row()],
        "measures": [measure_row(1, "一是核减924.37万元"), measure_row(2, "二是建章立制")],
        "amounts": [
            amount_row(1, "5732.2万元", Decimal("57322000")),
            amount_row(2, "924.37万元", "9243700", part="measure", kind="reduced", kind_phrase="核减"),
        ],
        "evidence": [evidence_row("issuer", "中共演示市数据局党组", "中共演示市数据局党组")],
    }


def rejection(table: str, rows: list[dict] | pd.DataFrame) -> str:
    with pytest.raises(TableValidationError) as info:
        conform(table, rows)
    assert info.value.table == table
    return str(info.value)


# ---------------------------------------------------------------------------------------------------- metadata


@pytest.mark.parametrize("name", TABLES)
def test_metadata_is_internally_consistent(name: str) -> None:
    table = TABLES[name]
    names = table.column_names
    assert table.name == name
    assert len(names) == len(set(names))
    assert names[0] == "doc_id"
    assert set(table.primary_key) <= set(names)
    assert all(table.column(c).nullable is False for c in table.primary_key)
    for start, end in table.spans:
        assert {start, end} <= set(names)
    for rule in table.rules:
        assert set(rule.columns) <= set(names)
    for ref in table.references:
        assert set(ref.columns) <= set(names)
        assert len(ref.columns) == len(TABLES[ref.table].primary_key)
    for column in table.columns:
        assert column.type in TYPES
        assert column.description_en and column.description_zh
        if column.codes is not None:
            assert column.type == "string"
            assert all(code and meaning for code, meaning in column.codes.items())


def test_contract_codes() -> None:
    assert list(TABLES["problems"].column("status").codes) == [
        "complete", "deemed_complete", "substantially_complete", "in_progress",
        "long_term", "extended", "not_started", "unstated",
    ]  # fmt: skip
    assert list(TABLES["amounts"].column("kind").codes) == [
        "involved", "recovered", "reduced", "funding", "contract", "threshold", "other",
    ]  # fmt: skip
    assert list(TABLES["documents"].column("review_type").codes) == ["巡察", "巡视", "审计", "其他"]


def _gold(name: str) -> list[dict[str, str]]:
    with (GOLD / f"{name}.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_gold_codes_are_allowed() -> None:
    problems = TABLES["problems"]
    assert {r["status"] for r in _gold("problems")} <= set(problems.column("status").codes)
    assert {r["section"] for r in _gold("problems")} <= set(problems.column("section").codes)
    assert {r["kind"] for r in _gold("amounts")} <= set(TABLES["amounts"].column("kind").codes)
    assert {r["part"] for r in _gold("amounts")} <= set(TABLES["amounts"].column("part").codes)
    assert {r["review_type"] for r in _gold("documents")} <= set(TABLES["documents"].column("review_type").codes)


@pytest.mark.parametrize("name", TABLES)
def test_pandera_schema_follows_metadata(name: str) -> None:
    table = TABLES[name]
    schema = pandera_schema(name)
    assert list(schema.columns) == table.column_names
    assert schema.strict is True and schema.ordered is True and schema.coerce is True
    assert list(schema.unique) == list(table.primary_key)
    for column in table.columns:
        assert schema.columns[column.name].nullable is column.nullable
        checks = " ".join(str(c.error) for c in schema.columns[column.name].checks)
        if column.codes is not None:
            assert all(code in checks for code in column.codes)
        if column.minimum is not None:
            assert f"≥ {column.minimum:g}" in checks


@pytest.mark.parametrize("name", TABLES)
def test_arrow_schema_follows_metadata(name: str) -> None:
    table = TABLES[name]
    schema = arrow_schema(name)
    assert schema.names == table.column_names
    for column, field in zip(table.columns, schema, strict=True):
        assert field.type == arrow_type(column.type)
        assert field.nullable is column.nullable
        assert field.metadata[b"description"].decode() == column.description_en
    assert schema.metadata[b"primary_key"].decode() == ",".join(table.primary_key)


def test_arrow_types_are_explicit() -> None:
    assert arrow_type("string") == pa.string()
    assert arrow_type("int") == pa.int64()
    assert arrow_type("bool") == pa.bool_()
    assert arrow_type("date") == pa.date32()
    assert arrow_type("float") == pa.float64()
    assert pa.types.is_decimal(arrow_type("yuan"))


def test_yuan_type_holds_large_amounts_exactly() -> None:
    # 99999999.9999 亿元 (a 亿元 amount with 4 decimals, far above any budget) and an amount in fen.
    amounts = [Decimal("99999999.9999") * 10**8, Decimal("1234.56"), Decimal("0.0001")]
    stored = pa.array(amounts, type=arrow_type("yuan")).to_pylist()
    assert stored == amounts


# ---------------------------------------------------------------------------------------------------- codebook


def test_codebook_in_repo_is_current() -> None:
    assert (DOCS / "codebook.md").read_text(encoding="utf-8") == render_codebook(), (
        "docs/codebook.md is stale: run `python -m analysis.tables`"
    )


def test_codebook_describes_every_column_and_code() -> None:
    sections = render_codebook().split("\n## ")
    for name, table in TABLES.items():
        [section] = [s for s in sections if s.startswith(f"{name}\n")]
        for column in table.columns:
            # a column's row opens with its position: a code row (`city` of admin_level) does not
            [line] = [ln for ln in section.splitlines() if re.match(rf"\| \d+ \| `{column.name}` \|", ln)]
            assert f"| {column.type} |" in line
            assert column.description_zh in line
            for code, meaning in (column.codes or {}).items():
                assert f"| `{code}` | {meaning} |" in section
        assert table.description_en in section


# ---------------------------------------------------------------------------------------------------- conform


@pytest.mark.parametrize("name", TABLES)
def test_conform_gives_schema_columns_and_dtypes(name: str) -> None:
    frame = conform(name, sample_rows()[name])
    assert list(frame.columns) == TABLES[name].column_names
    assert [str(t) for t in frame.dtypes] == [
        str(pd.api.types.pandas_dtype(TYPES[c.type].pandas)) for c in TABLES[name].columns
    ]
    assert isinstance(frame.index, pd.RangeIndex)


@pytest.mark.parametrize("name", TABLES)
def test_pandera_validation_leaves_conformed_frames_alone(name: str) -> None:
    frame = conform(name, sample_rows()[name])
    pd.testing.assert_frame_equal(pandera_schema(name).validate(frame), frame)
    pd.testing.assert_frame_equal(conform(name, frame), frame)


@pytest.mark.parametrize("name", TABLES)
def test_conform_of_no_rows_is_an_empty_typed_table(name: str) -> None:
    frame = conform(name, [])
    assert frame.empty
    assert list(frame.columns) == TABLES[name].column_names
    assert frame.dtypes.equals(conform(name, sample_rows()[name]).dtypes)


def test_conform_values() -> None:
    documents = conform("documents", [document_row()])
    assert documents.loc[0, "review_start"] == pd.Timestamp("2024-09-25")
    assert documents.loc[0, "review_end"] == pd.Timestamp("2024-12-25")
    assert pd.isna(documents.loc[0, "published_date"])
    assert pd.isna(documents.loc[0, "county"]) and pd.isna(documents.loc[0, "measures_reported"])
    amounts = conform("amounts", sample_rows()["amounts"])
    assert amounts["yuan"].tolist() == [Decimal("57322000"), Decimal("9243700")]
    assert all(type(v) is Decimal for v in amounts["yuan"])


def test_conform_accepts_a_dataframe_and_fills_missing_optional_columns() -> None:
    frame = pd.DataFrame(sample_rows()["problems"]).drop(columns=["status_raw"], errors="ignore")
    frame.index = [7]
    out = conform("problems", frame)
    assert list(out.columns) == TABLES["problems"].column_names
    assert out["status_raw"].isna().all() and out["status_span_start"].isna().all()


@pytest.mark.parametrize(
    ("yuan", "expected"),
    [
        (Decimal("57322000.0000"), "57322000"),
        ("9243700", "9243700"),
        (549000000, "549000000"),
        (Decimal("1234.50"), "1234.5"),
        (" 0.0001 ", "0.0001"),
    ],
)
def test_yuan_is_exact_and_normalised(yuan: object, expected: str) -> None:
    frame = conform("amounts", [amount_row(1, "5732.2万元", yuan)])
    assert str(frame.loc[0, "yuan"]) == expected


@pytest.mark.parametrize(
    ("yuan", "reason"),
    [
        (57322000.0, "float"),
        (Decimal("0.00001"), "decimal places"),
        ("5.49亿元", "not a number"),
        (Decimal("NaN"), "finite"),
        (True, "bool"),
        (Decimal("-1"), "≥ 0"),
    ],
)
def test_bad_yuan_is_rejected(yuan: object, reason: str) -> None:
    message = rejection("amounts", [amount_row(1, "5732.2万元", yuan)])
    assert "yuan" in message and reason in message


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        (dt.date(2024, 10, 21), True),
        ("2024-10-21", True),
        (pd.Timestamp("2024-10-21"), True),
        (dt.datetime(2024, 10, 21, 0, 0), True),
        ("20241021", False),
        ("2024-10-21T08:00", False),
        ("2024-13-01", False),
        (dt.datetime(2024, 10, 21, 8, 30), False),
        (20241021, False),
    ],
)
def test_dates(value: object, ok: bool) -> None:
    rows = [document_row(review_start=value)]
    if ok:
        assert conform("documents", rows).loc[0, "review_start"] == pd.Timestamp("2024-10-21")
    else:
        message = rejection("documents", rows)
        assert "review_start" in message and repr(value) in message


def test_unknown_status_is_rejected_with_table_column_and_value() -> None:
    message = rejection("problems", [problem_row(status="done")])
    assert "'problems'" in message and "status" in message and "'done'" in message
    assert "in_progress" in message  # the allowed values are listed


def test_unknown_kind_is_rejected_with_table_column_and_value() -> None:
    message = rejection("amounts", [amount_row(1, "5732.2万元", 57322000, kind="fine")])
    assert "'amounts'" in message and "kind" in message and "'fine'" in message and "recovered" in message


def test_unknown_column_is_an_error() -> None:
    message = rejection("problems", [problem_row(severity="high")])
    assert "unknown column" in message and "severity" in message
    frame = pd.DataFrame([problem_row()]).assign(extra=1)
    assert "extra" in rejection("problems", frame)


def test_missing_required_column_is_an_error() -> None:
    row = problem_row()
    del row["title"]
    assert "title" in rejection("problems", [row])
    assert "title" in rejection("problems", pd.DataFrame([row]))


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"n_measures": -1}, ["n_measures", "≥ 0"]),
        ({"problem_seq": 0}, ["problem_seq", "≥ 1"]),
        ({"n_measures": True}, ["n_measures", "bool"]),
        ({"n_measures": "2"}, ["n_measures", "whole number"]),
        ({"n_measures": 2.5}, ["n_measures", "whole number"]),
        ({"title": 3}, ["title", "text"]),
        ({"title": None}, ["title", "null"]),
        ({"section": "appendix"}, ["section", "appendix"]),
        ({"span_start": 50, "span_end": 10}, ["span_start <= span_end", "row 0"]),
        ({"status_span_start": 5}, ["status_span_start <= status_span_end"]),
        ({"doc_id": "a/b"}, ["doc_id"]),
    ],
)
def test_bad_problem_values(changes: dict, words: list[str]) -> None:
    message = rejection("problems", [problem_row(**changes)])
    assert all(w in message for w in words), message


def test_whole_floats_from_gappy_columns_are_ints() -> None:
    assert conform("problems", [problem_row(n_measures=2.0)]).loc[0, "n_measures"] == 2


def test_duplicate_primary_key_is_rejected() -> None:
    message = rejection("problems", [problem_row(), problem_row()])
    assert "duplicate primary key (doc_id, problem_seq)" in message


def test_rate_is_a_percentage() -> None:
    assert "completion_rate_reported" in rejection("documents", [document_row(completion_rate_reported=101)])


def test_amount_outside_problems_has_no_problem() -> None:
    conform("amounts", [amount_row(1, "5732.2万元", 1, part="preamble", problem_seq=None)])
    assert "preamble" in rejection("amounts", [amount_row(1, "5732.2万元", 1, part="preamble")])
    assert "preamble" in rejection("amounts", [amount_row(1, "5732.2万元", 1, problem_seq=None)])


def test_evidence_quote_must_fill_its_span_and_name_a_documents_column() -> None:
    good = evidence_row("issuer", "中共演示市数据局党组", "中共演示市数据局党组")
    assert "quote" in rejection("evidence", [good | {"quote": "中共演示市"}])
    assert "field" in rejection("evidence", [good | {"field": "issuing_body"}])


def test_errors_list_every_failure() -> None:
    rows = [problem_row(problem_seq=i, status="done") for i in range(1, 30)]
    message = rejection("problems", rows)
    assert "29 problem(s)" in message and "… and 9 more" in message


def test_check_references_finds_orphans() -> None:
    tables = {name: conform(name, rows) for name, rows in sample_rows().items()}
    check_references(tables)
    tables["measures"] = conform("measures", [measure_row(1, "一是核减924.37万元", problem_seq=2)])
    with pytest.raises(TableValidationError, match=r"(?s)'measures'.*'problem_seq': 2\} has no row in 'problems'"):
        check_references(tables)


def test_unknown_table() -> None:
    with pytest.raises(ValueError, match="unknown table 'problem'"):
        conform("problem", [])


def test_gold_amounts_survive_conform_exactly() -> None:
    gold = _gold("amounts")
    rows = []
    for seq, g in enumerate(gold, start=1):
        rows.append({
            "doc_id": g["city_key"], "amount_seq": seq, "problem_seq": int(g["problem_seq"]), "part": g["part"],
            "raw": g["raw"], "yuan": g["yuan"], "approx": g["approx"] == "true", "kind": g["kind"],
            "context": g["context"], "span_start": 0, "span_end": len(g["raw"]),
        })  # fmt: skip
    frame = conform("amounts", rows)
    assert frame["yuan"].tolist() == [Decimal(g["yuan"]) for g in gold]
    assert all(v.as_tuple().exponent >= -YUAN_SCALE for v in frame["yuan"])


def test_importing_the_schema_loads_no_heavy_library() -> None:
    code = "import sys, analysis.tables; print(sorted({'pandas', 'pandera', 'pyarrow'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
