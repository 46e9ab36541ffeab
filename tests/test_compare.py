"""The comparison functions on small hand-made tables whose answers are worked out by hand."""

from __future__ import annotations

import math
from decimal import Decimal

import pandas as pd
import pytest

from analysis import compare
from analysis.tables import codes

# 甲市 has two notices (alpha, alpha2); gamma's city is unknown and it has no problems.
DOCUMENTS = pd.DataFrame(
    {
        "doc_id": ["beta", "gamma", "alpha2", "alpha"],
        "city": ["乙市", None, "甲市", "甲市"],
        "review_start": pd.to_datetime(["2024-05-01", None, None, "2024-01-01"]),
        "review_end": pd.to_datetime(["2024-05-11", None, None, "2024-01-31"]),
        "feedback_date": pd.to_datetime(["2024-04-01", None, None, "2024-03-01"]),
        "published_date": pd.to_datetime(["2024-06-01", "2025-01-01", None, None]),
        "problems_reported": pd.array([2, None, 1, 4], dtype="Int64"),
        "problems_extracted": pd.array([2, 0, 1, 3], dtype="Int64"),
        "measures_reported": pd.array([None, None, 5, 4], dtype="Int64"),
        "measures_extracted": pd.array([4, 0, 5, 4], dtype="Int64"),
    }
)
PROBLEMS = pd.DataFrame(
    {
        "doc_id": ["alpha", "alpha", "alpha", "alpha2", "beta", "beta"],
        "problem_seq": [1, 2, 3, 1, 1, 2],
        "status": ["complete", "unstated", None, "in_progress", "unstated", "unstated"],
        "n_measures": pd.array([0, 2, 2, 5, 1, 3], dtype="Int64"),
        "category": ["budget_finance", "budget_finance", "assets", "budget_finance", "assets", None],
    }
)


def _amounts(yuan: list[object]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": ["alpha", "alpha", "alpha", "alpha2", "beta", "beta"][: len(yuan)],
            "kind": ["involved", "involved", "recovered", "involved", "threshold", "threshold"][: len(yuan)],
            "part": ["problem", "problem", "measure", "problem", "measure", "measure"][: len(yuan)],
            "approx": pd.array([True, False, False, False, False, False][: len(yuan)], dtype="boolean"),
            "yuan": pd.Series(yuan, dtype=object),
        }
    )


AMOUNTS = _amounts([Decimal("100.5"), Decimal(200), Decimal(50), Decimal(1000), Decimal(100000), Decimal(20000)])


def test_city_order_follows_doc_id_whatever_the_row_order():
    assert compare.city_order(DOCUMENTS) == ["甲市", "乙市", "gamma"]
    assert compare.city_order(DOCUMENTS.iloc[::-1]) == ["甲市", "乙市", "gamma"]


def test_with_city_rejects_a_doc_id_missing_from_documents():
    with pytest.raises(ValueError, match="delta"):
        compare.with_city(pd.DataFrame({"doc_id": ["alpha", "delta"]}), DOCUMENTS)


def test_category_counts_and_shares_within_city():
    result = compare.category_counts(PROBLEMS, DOCUMENTS)
    assert list(result.columns) == ["city", "category", "count", "share"]
    rows = list(result[["city", "category", "count"]].itertuples(index=False, name=None))
    # codebook order (budget_finance before assets), then categories outside the codebook
    assert rows == [
        ("甲市", "budget_finance", 3),
        ("甲市", "assets", 1),
        ("乙市", "assets", 1),
        ("乙市", "uncategorised", 1),
    ]
    assert result["share"].tolist() == [0.75, 0.25, 0.5, 0.5]


def test_category_counts_include_zero_lists_every_city_and_category():
    result = compare.category_counts(PROBLEMS, DOCUMENTS, include_zero=True)
    keys = pd.Series(codes.categories().keys)
    assert len(result) == 3 * (len(keys) + 1)  # + 'uncategorised', which occurs
    assert result.groupby("city", sort=False)["count"].sum().to_dict() == {"甲市": 4, "乙市": 2, "gamma": 0}
    gamma = result[result["city"] == "gamma"]
    assert gamma["share"].isna().all()
    assert result.loc[(result["city"] == "甲市") & (result["category"] == "integrity"), "count"].item() == 0


def test_category_counts_needs_the_category_column():
    with pytest.raises(ValueError, match="category"):
        compare.category_counts(PROBLEMS.drop(columns="category"), DOCUMENTS)


def test_status_distribution_keeps_unstated_and_unmapped_apart():
    result = compare.status_distribution(PROBLEMS, DOCUMENTS)
    jia = result[result["city"] == "甲市"]
    assert jia["status"].tolist() == ["complete", "in_progress", "unstated", "unmapped"]
    assert jia["count"].tolist() == [1, 1, 1, 1]
    assert jia["share"].tolist() == [0.25] * 4
    yi = result[result["city"] == "乙市"]
    assert yi[["status", "count", "share"]].values.tolist() == [["unstated", 2, 1.0]]


def test_status_distribution_include_zero():
    result = compare.status_distribution(PROBLEMS, DOCUMENTS, include_zero=True)
    assert set(result["city"]) == {"甲市", "乙市", "gamma"}
    assert result.loc[(result["city"] == "乙市") & (result["status"] == "complete"), "count"].item() == 0
    assert result["count"].sum() == len(PROBLEMS)


def test_measures_per_problem_gives_the_distribution_not_only_the_mean():
    result = compare.measures_per_problem(PROBLEMS, DOCUMENTS)
    jia = result.counts[result.counts["city"] == "甲市"]
    assert jia["n_measures"].tolist() == [0, 1, 2, 3, 4, 5]  # every value up to the maximum, zeros included
    assert jia["problems"].tolist() == [1, 0, 2, 0, 0, 1]  # values 0, 2, 2, 5
    summary = result.summary.set_index("city")
    assert summary.loc["甲市", ["problems", "mean", "min", "q1", "median", "q3", "max"]].tolist() == [
        4,
        2.25,
        0,
        1.5,
        2,
        2.75,
        5,
    ]
    assert summary.loc["甲市", "without_measures"] == 1
    assert summary.loc["乙市", ["mean", "median", "max"]].tolist() == [2.0, 2.0, 3.0]
    assert summary.loc["gamma", "problems"] == 0 and math.isnan(summary.loc["gamma", "mean"])
    assert "gamma" not in set(result.counts["city"])


def test_amounts_summary_sums_exactly_per_kind_and_never_across_kinds():
    result = compare.amounts_summary(AMOUNTS, DOCUMENTS)
    assert list(result.columns) == ["city", "kind", "part", "n", "n_approx", "yuan_sum", "yuan_max"]
    rows = {(r.city, r.kind, r.part): r for r in result.itertuples(index=False)}
    assert set(rows) == {
        ("甲市", "involved", "problem"),
        ("甲市", "recovered", "measure"),
        ("乙市", "threshold", "measure"),
    }
    involved = rows["甲市", "involved", "problem"]
    assert (involved.n, involved.n_approx, involved.yuan_sum, involved.yuan_max) == (3, 1, Decimal("1300.5"), 1000)
    assert isinstance(involved.yuan_sum, Decimal)
    assert rows["甲市", "recovered", "measure"].yuan_sum == 50
    threshold = rows["乙市", "threshold", "measure"]
    assert threshold.yuan_sum is None and threshold.yuan_max == 100000  # a sum of rule thresholds means nothing
    assert result.attrs["never_add_across"] == "kind"
    assert "overlap" in result.attrs["note"]


def test_amounts_summary_is_exact_where_floats_are_not():
    tenths = _amounts([Decimal("0.1")] * 3).assign(kind="involved", part="problem")
    result = compare.amounts_summary(tenths, DOCUMENTS)
    assert 0.1 + 0.1 + 0.1 != 0.3
    assert result["yuan_sum"].tolist() == [Decimal("0.3")]


def test_amounts_summary_refuses_float_money():
    with pytest.raises(TypeError, match="float"):
        compare.amounts_summary(_amounts([0.1]), DOCUMENTS)


def test_timeline_intervals_with_nulls_where_unknown():
    result = compare.timeline(DOCUMENTS).set_index("doc_id")
    assert result.index.tolist() == ["alpha", "alpha2", "beta", "gamma"]
    alpha = result.loc["alpha"]
    assert (alpha["review_days"], alpha["end_to_feedback_days"]) == (30, 30)  # 2024 is a leap year
    assert pd.isna(alpha["feedback_to_published_days"])
    beta = result.loc["beta"]
    # a feedback date before the review ended is kept as a negative interval, for a reader to notice
    assert (beta["review_days"], beta["end_to_feedback_days"], beta["feedback_to_published_days"]) == (10, -40, 61)
    assert result.loc["gamma", ["review_days", "end_to_feedback_days"]].isna().all()
    assert str(result["review_days"].dtype) == "Int64"


def test_stated_vs_itemised():
    result = compare.stated_vs_itemised(DOCUMENTS)
    assert list(result.columns) == ["city", "doc_id", "item", "reported", "extracted", "difference"]
    assert result["doc_id"].tolist() == ["alpha", "alpha", "alpha2", "alpha2", "beta", "beta", "gamma", "gamma"]
    alpha = result[result["doc_id"] == "alpha"].set_index("item")
    assert alpha.loc["problems", "difference"] == -1
    assert alpha.loc["measures", "difference"] == 0
    beta_measures = result[(result["doc_id"] == "beta") & (result["item"] == "measures")]
    assert pd.isna(beta_measures["difference"].item())


def test_profile_similarity_is_the_cosine_of_category_profiles():
    result = compare.profile_similarity(PROBLEMS, DOCUMENTS)
    value = result.set_index(["city_a", "city_b"])["similarity"]
    # 甲市: budget_finance 3, assets 1; 乙市: assets 1, uncategorised 1
    assert value["甲市", "乙市"] == pytest.approx(1 / math.sqrt(20))
    assert value["乙市", "甲市"] == value["甲市", "乙市"]
    assert value["甲市", "甲市"] == pytest.approx(1.0)
    assert math.isnan(value["gamma", "甲市"])
    assert len(result) == 9
