"""The metric logic of analysis.evaluate.seeds, on the real gold and on small hand-made tables."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from analysis.evaluate.seeds import (
    DOCUMENT_FIELDS,
    PROBLEM_FIELDS,
    evaluate,
    format_mismatch,
    format_summary,
    load_extraction,
    load_gold,
)
from analysis.paths import GOLD


def _blank_to_none(column: pd.Series) -> pd.Series:
    return column.astype(object).where(column != "", None)


def _ints(column: pd.Series) -> pd.Series:
    return pd.Series([int(v) if v else None for v in column], dtype="Int64", index=column.index)


def contract_tables(gold: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Gold CSV frames (all text) → frames shaped and typed like the extractor's contract tables."""
    documents = gold["documents"].drop(columns="note").rename(columns={"city_key": "doc_id"})
    for column in documents.columns:
        documents[column] = _blank_to_none(documents[column])
    for column in ("review_start", "review_end", "feedback_date", "published_date"):
        documents[column] = documents[column].map(lambda v: None if v is None else dt.date.fromisoformat(v))
    for column in ("problems_reported", "measures_reported"):
        documents[column] = _ints(gold["documents"][column])

    problems = gold["problems"].drop(columns=["city", "category", "category_secondary", "note"])
    problems = problems.rename(columns={"city_key": "doc_id"})
    for column in ("area", "topic", "status_raw"):
        problems[column] = _blank_to_none(problems[column])
    problems["problem_seq"] = _ints(problems["problem_seq"])
    problems["n_measures"] = _ints(problems["n_measures"])
    problems["n_results"] = _ints(problems["n_results"].where(problems["n_results"] != "", "0"))

    amounts = gold["amounts"].drop(columns="city").rename(columns={"city_key": "doc_id"})
    amounts.insert(1, "amount_seq", amounts.groupby("doc_id").cumcount() + 1)
    amounts["problem_seq"] = _ints(amounts["problem_seq"])
    amounts["yuan"] = amounts["yuan"].map(Decimal).astype(object)
    amounts["approx"] = amounts["approx"] == "true"
    return {"documents": documents, "problems": problems, "amounts": amounts}


# ---- the real gold, read back as an extraction ----


@pytest.fixture(scope="module")
def gold_extraction() -> dict[str, pd.DataFrame]:
    return contract_tables(load_gold(GOLD))


def _assert_perfect(result: dict) -> None:
    for table in ("documents", "problems"):
        for field, scores in result[table].items():
            assert (scores["precision"], scores["recall"], scores["f1"]) == (1.0, 1.0, 1.0), (table, field)
    assert result["amounts"]["found"]["precision"] == result["amounts"]["found"]["recall"] == 1.0
    for field, scores in result["amounts"]["fields"].items():
        assert scores["accuracy"] == 1.0, field
    assert result["mismatches"] == [], [format_mismatch(m) for m in result["mismatches"][:10]]


def test_gold_against_itself_is_perfect(gold_extraction):
    result = evaluate(gold_extraction, GOLD)
    _assert_perfect(result)
    found = result["problems_found"]
    assert (found["overall"]["gold"], found["overall"]["matched"]) == (144, 144)
    assert {d: c["gold"] for d, c in found["by_document"].items()} == {
        "shenyang": 8,
        "dongying": 11,
        "zhongshan": 61,
        "xianning": 46,
        "suining": 18,
    }
    assert result["problems"]["label"]["correct"] == 144
    assert result["documents"]["issuer"]["correct"] == 5
    assert result["documents"]["reviewer"]["gold"] == 4  # 遂宁's auditor is not named
    assert result["amounts"]["found"]["matched"] == 19
    assert set(result["documents"]) == set(DOCUMENT_FIELDS)
    assert set(result["problems"]) == set(PROBLEM_FIELDS)


def test_gold_through_parquet_is_perfect(gold_extraction, tmp_path):
    for table, frame in gold_extraction.items():
        frame.to_parquet(tmp_path / f"{table}.parquet")
    _assert_perfect(evaluate(load_extraction(tmp_path), GOLD))


def test_load_extraction_names_a_missing_table(gold_extraction, tmp_path):
    gold_extraction["documents"].to_parquet(tmp_path / "documents.parquet")
    with pytest.raises(FileNotFoundError, match=r"problems\.parquet, amounts\.parquet"):
        load_extraction(tmp_path)


def test_result_is_json_and_summary_reads(gold_extraction):
    extraction = dict(gold_extraction)
    extraction["problems"] = gold_extraction["problems"].iloc[1:]
    result = evaluate(extraction, GOLD)
    result["category_loco_kappa"] = 0.5  # keys added later by others must not break the summary
    assert json.loads(json.dumps(result)) == result
    summary = format_summary(result)
    assert "problems shenyang 1 (missing): gold='问题1 支出预算管理不够严格' extracted=None" in summary
    assert "category_loco_kappa: 0.5" in summary
    assert "matched 143 of 144 gold, 143 extracted" in summary


# ---- small hand-made tables: one notice, two problems, two amounts ----


def _small_gold() -> dict[str, pd.DataFrame]:
    documents = pd.DataFrame(
        [
            {
                "city": "甲市",
                "city_key": "alpha",
                "province": "乙省",
                "issuer": "中共甲市数据局党组",
                "review_type": "巡察",
                "review_scope": "常规巡察",
                "reviewer": "市委第一巡察组",
                "review_start": "2024-09-25",
                "review_end": "2024-12-25",
                "feedback_date": "2025-02-14",
                "published_date": "",
                "problems_reported": "2",
                "measures_reported": "",
                "note": "",
            }
        ]
    )
    problem = {
        "city": "甲市",
        "city_key": "alpha",
        "section": "main",
        "area": "",
        "topic": "",
        "n_results": "",
    }
    problem |= {"category": "", "category_secondary": "", "note": ""}
    problems = pd.DataFrame(
        [
            problem
            | {"problem_seq": "1", "label": "（一）", "title": "预算（草案）不严", "n_measures": "3"}
            | {"status": "unstated", "status_raw": ""},
            problem
            | {"problem_seq": "2", "label": "（二）", "title": "采购不规范", "n_measures": "2"}
            | {"status": "complete", "status_raw": "已完成整改"},
        ]
    )
    amount = {"city": "甲市", "city_key": "alpha", "approx": "false", "context": ""}
    amounts = pd.DataFrame(
        [
            amount | {"problem_seq": "1", "part": "problem", "raw": "5.49 亿元", "yuan": "549000000"},
            amount | {"problem_seq": "2", "part": "measure", "raw": "10万元", "yuan": "100000"},
        ]
    )
    amounts["kind"] = ["involved", "threshold"]
    return {"documents": documents, "problems": problems, "amounts": amounts}


@pytest.fixture
def small(tmp_path) -> tuple[Path, dict[str, pd.DataFrame]]:
    """A gold directory with one small notice, and a perfect extraction of it to spoil."""
    gold = _small_gold()
    for table, frame in gold.items():
        frame.to_csv(tmp_path / f"{table}.csv", index=False)
    return tmp_path, contract_tables(gold)


def _field_mismatches(result: dict, field: str) -> list[dict]:
    return [m for m in result["mismatches"] if m["field"] == field]


def test_small_perfect(small):
    gold_dir, extraction = small
    _assert_perfect(evaluate(extraction, gold_dir))


def test_wrong_status_lowers_status_precision_and_recall(small):
    gold_dir, extraction = small
    extraction["problems"].loc[1, "status"] = "in_progress"
    result = evaluate(extraction, gold_dir)
    status = result["problems"]["status"]
    assert (status["precision"], status["recall"], status["correct"]) == (0.5, 0.5, 1)
    assert result["problems"]["title"]["f1"] == 1.0
    assert _field_mismatches(result, "status") == [
        {
            "table": "problems",
            "doc_id": "alpha",
            "key": "2",
            "field": "status",
            "gold": "complete",
            "extracted": "in_progress",
        }
    ]


def test_missing_problem_lowers_recall_only(small):
    gold_dir, extraction = small
    extraction["problems"] = extraction["problems"].iloc[:1]
    result = evaluate(extraction, gold_dir)
    assert result["problems_found"]["by_document"]["alpha"] == {"gold": 2, "extracted": 1, "matched": 1}
    assert result["problems_found"]["overall"]["recall"] == 0.5
    assert result["problems_found"]["overall"]["precision"] == 1.0
    assert (result["problems"]["title"]["precision"], result["problems"]["title"]["recall"]) == (1.0, 0.5)
    # one line for the missing problem, not one per field
    assert [(m["key"], m["field"]) for m in result["mismatches"]] == [("2", "(missing)")]


def test_extra_problem_lowers_precision_only(small):
    gold_dir, extraction = small
    extra = extraction["problems"].iloc[[1]].assign(problem_seq=pd.array([3], dtype="Int64"))
    extraction["problems"] = pd.concat([extraction["problems"], extra], ignore_index=True)
    result = evaluate(extraction, gold_dir)
    assert result["problems_found"]["by_document"]["alpha"] == {"gold": 2, "extracted": 3, "matched": 2}
    title = result["problems"]["title"]
    assert (title["precision"], title["recall"]) == (2 / 3, 1.0)
    assert [(m["key"], m["field"]) for m in result["mismatches"]] == [("3", "(extra)")]


def test_extra_amount_lowers_precision(small):
    gold_dir, extraction = small
    extra = extraction["amounts"].iloc[[0]].assign(yuan=[Decimal("127000")], raw=["12.7万元"])
    extraction["amounts"] = pd.concat([extraction["amounts"], extra], ignore_index=True)
    found = evaluate(extraction, gold_dir)["amounts"]["found"]
    assert (found["precision"], found["recall"], found["matched"]) == (2 / 3, 1.0, 2)


def test_amount_outside_problems_is_not_scored(small):
    gold_dir, extraction = small
    preamble = extraction["amounts"].iloc[[0]].assign(problem_seq=pd.array([None], dtype="Int64"))
    extraction["amounts"] = pd.concat([extraction["amounts"], preamble.assign(part="preamble")])
    amounts = evaluate(extraction, gold_dir)["amounts"]
    assert amounts["out_of_scope"] == 1
    assert amounts["found"]["precision"] == 1.0


def test_amounts_match_as_a_multiset(small):
    gold_dir, extraction = small
    gold = _small_gold()
    gold["amounts"] = pd.concat([gold["amounts"], gold["amounts"].iloc[[1]]], ignore_index=True)
    gold["amounts"].to_csv(gold_dir / "amounts.csv", index=False)
    amounts = evaluate(extraction, gold_dir)["amounts"]
    assert (amounts["found"]["matched"], amounts["found"]["gold"], amounts["found"]["recall"]) == (
        2,
        3,
        2 / 3,
    )


def test_wrong_kind_and_squeezed_raw_count_against_matched_amounts(small):
    gold_dir, extraction = small
    extraction["amounts"].loc[0, "raw"] = "5.49亿元"  # spaces are part of raw
    extraction["amounts"].loc[1, "kind"] = "other"
    amounts = evaluate(extraction, gold_dir)["amounts"]
    assert amounts["found"]["f1"] == 1.0
    assert amounts["fields"]["raw"] == {"correct": 1, "matched": 2, "accuracy": 0.5}
    assert amounts["fields"]["kind"]["accuracy"] == 0.5
    assert amounts["fields"]["approx"]["accuracy"] == 1.0


def test_gold_empty_field_filled_is_a_false_positive(small):
    gold_dir, extraction = small
    extraction["documents"].loc[0, "published_date"] = dt.date(2025, 3, 1)
    result = evaluate(extraction, gold_dir)
    published = result["documents"]["published_date"]
    assert (published["correct"], published["extracted"], published["gold"]) == (0, 1, 0)
    assert published["precision"] == 0.0
    assert _field_mismatches(result, "published_date")[0]["gold"] is None


def test_labels_fold_punctuation_width_and_nothing_else(small):
    gold_dir, extraction = small
    extraction["problems"]["label"] = ["(一)", "(三)"]
    extraction["problems"].loc[0, "title"] = "预算(草案)不严"
    result = evaluate(extraction, gold_dir)
    assert result["problems"]["label"]["correct"] == 1
    assert [m["key"] for m in _field_mismatches(result, "label")] == ["2"]
    assert result["problems"]["title"]["correct"] == 1  # titles are compared exactly


@pytest.mark.parametrize(
    "value", [dt.date(2024, 9, 25), pd.Timestamp("2024-09-25"), "2024-09-25", " 2024-09-25T00:00:00 "]
)
def test_dates_compare_as_iso_dates(small, value):
    gold_dir, extraction = small
    documents = extraction["documents"].astype({"review_start": object})
    documents.loc[0, "review_start"] = value
    extraction["documents"] = documents
    assert evaluate(extraction, gold_dir)["documents"]["review_start"]["correct"] == 1


@pytest.mark.parametrize("value", [2, 2.0, "2", Decimal("2.00")])
def test_numbers_compare_as_numbers(small, value):
    gold_dir, extraction = small
    documents = extraction["documents"].astype({"problems_reported": object})
    documents.loc[0, "problems_reported"] = value
    extraction["documents"] = documents
    assert evaluate(extraction, gold_dir)["documents"]["problems_reported"]["correct"] == 1


def test_strings_compare_after_stripping_whitespace_only(small):
    gold_dir, extraction = small
    extraction["documents"].loc[0, "issuer"] = " 中共甲市数据局党组\n"
    extraction["documents"].loc[0, "reviewer"] = "市委第一 巡察组"
    result = evaluate(extraction, gold_dir)
    assert result["documents"]["issuer"]["correct"] == 1
    assert result["documents"]["reviewer"]["correct"] == 0


def test_empty_gold_count_means_zero(small):
    gold_dir, extraction = small
    extraction["problems"]["n_results"] = pd.array([0, 2], dtype="Int64")
    n_results = evaluate(extraction, gold_dir)["problems"]["n_results"]
    assert (n_results["correct"], n_results["extracted"], n_results["gold"]) == (1, 2, 2)


def test_missing_document_is_reported(small):
    gold_dir, extraction = small
    extraction = {table: frame.iloc[0:0] for table, frame in extraction.items()}
    result = evaluate(extraction, gold_dir)
    assert result["coverage"]["missing_documents"] == ["alpha"]
    assert result["documents"]["city"]["recall"] == 0.0
    assert result["problems_found"]["overall"]["matched"] == 0
