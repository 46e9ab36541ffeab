"""Comparisons by any documents key, with intervals, tests of difference and completion rates, on small tables whose
answers are worked out by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis import compare


def _documents(rows: list[dict]) -> pd.DataFrame:
    columns = ["doc_id", "city", "county", "admin_level", "year", "published_date", "problems_reported"]
    frame = pd.DataFrame(rows).reindex(columns=[*columns, "problems_completed_reported", "completion_rate_reported"])
    frame["published_date"] = pd.to_datetime(frame["published_date"])
    for column in ("year", "problems_reported", "problems_completed_reported"):
        frame[column] = frame[column].astype("Int64")
    frame["completion_rate_reported"] = frame["completion_rate_reported"].astype(float)
    return frame


def _problems(spec: dict[str, list[str]], column: str = "status") -> pd.DataFrame:
    rows = [
        {"doc_id": doc_id, "problem_seq": seq, column: value}
        for doc_id, values in spec.items()
        for seq, value in enumerate(values, start=1)
    ]
    return pd.DataFrame(rows)


def _wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """The Wilson score interval by its formula (Wilson 1927), independent of statsmodels."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


# --- groups -------------------------------------------------------------------------------------------------------

COUNTY_DOCS = _documents(
    [
        {"doc_id": "a_chongyi", "city": "赣州市", "county": "崇义县", "admin_level": "county", "year": 2024},
        {"doc_id": "b_ganzhou", "city": "赣州市", "county": None, "admin_level": "city", "year": 2023},
        {"doc_id": "c_ruijin", "city": "赣州市", "county": "瑞金市", "admin_level": "county", "year": None},
    ]
)
COUNTY_PROBLEMS = _problems({"a_chongyi": ["complete"], "b_ganzhou": ["complete", "unstated"], "c_ruijin": []})


def test_a_county_notice_groups_under_its_county_and_its_prefecture_under_the_city():
    by_county = compare.document_groups(COUNTY_DOCS, "county")
    assert by_county.to_dict() == {"a_chongyi": "崇义县", "b_ganzhou": "b_ganzhou", "c_ruijin": "瑞金市"}
    assert compare.document_groups(COUNTY_DOCS, "county", unknown="(none)")["b_ganzhou"] == "(none)"
    assert set(compare.document_groups(COUNTY_DOCS, "city")) == {"赣州市"}
    counts = compare.status_distribution(COUNTY_PROBLEMS, COUNTY_DOCS, by="county")
    assert counts.columns[0] == "county"
    assert counts[counts["county"] == "崇义县"][["status", "count"]].values.tolist() == [["complete", 1]]


def test_group_order_follows_the_code_table_and_years_ascend():
    assert compare.group_order(COUNTY_DOCS, "admin_level") == ["city", "county"]  # the table's order, not doc_id's
    assert compare.group_order(COUNTY_DOCS, "year", unknown="unknown") == ["2023", "2024", "unknown"]
    with pytest.raises(ValueError, match="no column 'agency'"):
        compare.document_groups(COUNTY_DOCS, "agency")


def test_the_default_grouping_is_still_the_city():
    result = compare.category_counts(COUNTY_PROBLEMS.assign(category="assets"), COUNTY_DOCS)
    assert result.columns[0] == "city" and result["count"].tolist() == [3]


# --- shares and their intervals ------------------------------------------------------------------------------------

# Group 甲: two notices all 'complete' (10 problems each), two all 'in_progress': share 0.5 of 40 problems.
# Group 乙: four notices alike, 5 complete and 5 in_progress each.
SPLIT = {f"j{i}": ["complete" if i < 2 else "in_progress"] * 10 for i in range(4)}
ALIKE = {f"y{i}": ["complete"] * 5 + ["in_progress"] * 5 for i in range(4)}
SHARE_DOCS = _documents([{"doc_id": d, "city": "甲市"} for d in SPLIT] + [{"doc_id": d, "city": "乙市"} for d in ALIKE])
SHARE_PROBLEMS = _problems({**SPLIT, **ALIKE})


def _row(frame: pd.DataFrame, group: str, value: str) -> pd.Series:
    return frame[(frame["city"] == group) & (frame["status"] == value)].iloc[0]


def test_wilson_interval_is_the_textbook_one():
    result = compare.shares(COUNTY_PROBLEMS, COUNTY_DOCS, "status", by="county")
    row = result[(result["county"] == "b_ganzhou") & (result["status"] == "complete")].iloc[0]
    assert (row["count"], row["problems"], row["share"]) == (1, 2, 0.5)
    assert (row["wilson_low"], row["wilson_high"]) == pytest.approx(_wilson(1, 2))
    row = _row(compare.shares(SHARE_PROBLEMS, SHARE_DOCS, "status"), "甲市", "complete")
    assert (row["wilson_low"], row["wilson_high"]) == pytest.approx(_wilson(20, 40))


def test_the_notice_bootstrap_widens_the_interval_when_notices_differ_and_not_when_they_are_alike():
    result = compare.shares(SHARE_PROBLEMS, SHARE_DOCS, "status", n_resamples=500, seed=1)
    split, alike = _row(result, "甲市", "complete"), _row(result, "乙市", "complete")
    assert split["share"] == alike["share"] == 0.5
    # 甲: a resample without either all-complete notice (1/16 of them) gives 0: far below Wilson's bound
    assert split["boot_low"] < split["wilson_low"] - 0.1 and split["boot_high"] > split["wilson_high"] + 0.1
    # 乙: every notice is 50/50, so every resample is too
    assert alike["boot_low"] == alike["boot_high"] == 0.5


def test_the_bootstrap_is_deterministic_and_a_group_keeps_its_interval_when_others_grow():
    first = compare.shares(SHARE_PROBLEMS, SHARE_DOCS, "status", n_resamples=300, seed=7)
    again = compare.shares(SHARE_PROBLEMS, SHARE_DOCS, "status", n_resamples=300, seed=7)
    pd.testing.assert_frame_equal(first, again)
    other_seed = compare.shares(SHARE_PROBLEMS, SHARE_DOCS, "status", n_resamples=300, seed=8)
    assert not first["boot_low"].equals(other_seed["boot_low"]) or not first["boot_high"].equals(
        other_seed["boot_high"]
    )
    more_docs = pd.concat([SHARE_DOCS, _documents([{"doc_id": "z_new", "city": "乙市"}])], ignore_index=True)
    more = compare.shares(
        pd.concat([SHARE_PROBLEMS, _problems({"z_new": ["complete"]})]), more_docs, "status", n_resamples=300, seed=7
    )
    assert _row(more, "甲市", "complete")[["boot_low", "boot_high"]].tolist() == (
        _row(first, "甲市", "complete")[["boot_low", "boot_high"]].tolist()
    )


def test_one_notice_has_no_bootstrap_interval():
    result = compare.shares(COUNTY_PROBLEMS, COUNTY_DOCS, "status", by="county")
    assert result["boot_low"].isna().all() and result["boot_high"].isna().all()
    assert result["wilson_low"].notna().all()


# --- a test of difference ------------------------------------------------------------------------------------------


def _two_groups(n: int, a_share: float, b_share: float, size: int = 6) -> tuple[pd.DataFrame, pd.DataFrame]:
    spec, rows = {}, []
    for group, share in (("甲市", a_share), ("乙市", b_share)):
        for i in range(n):
            done = round(size * share)
            spec[f"{group}{i:02d}"] = ["complete"] * done + ["in_progress"] * (size - done)
            rows.append({"doc_id": f"{group}{i:02d}", "city": group})
    return _problems(spec), _documents(rows)


def test_a_clear_difference_is_found_and_no_difference_is_not():
    problems, documents = _two_groups(15, 5 / 6, 1 / 6)
    found = compare.difference_test(problems, documents, "status", n_permutations=400)
    assert found.method == "chi-square" and found.p_value < 0.001 and found.p_permutation < 0.01
    assert found.table.loc["甲市", "complete"] == 75
    problems, documents = _two_groups(15, 0.5, 0.5)
    same = compare.difference_test(problems, documents, "status", n_permutations=400)
    assert same.statistic == pytest.approx(0.0) and same.p_value > 0.9


def test_small_cells_switch_to_notice_permutations_and_say_why():
    problems, documents = _two_groups(2, 1.0, 0.0, size=2)
    result = compare.difference_test(problems, documents, "status", n_permutations=200, seed=3)
    assert result.method == "permutation" and result.p_value == result.p_permutation
    # 4 notices, 2 per group: of the 6 ways to split them, 2 are as extreme as the observed one
    assert result.p_permutation == pytest.approx(1 / 3, abs=0.08)
    text = result.summary()
    assert "Small cells" in text and "Clustering" in text and "permutation" in text


def test_category_tests_warn_that_categories_are_machine_coded():
    problems, documents = _two_groups(3, 0.5, 0.5)
    problems = problems.assign(
        category=problems["status"].map({"complete": "assets", "in_progress": "integrity"}), category_source="model"
    )
    result = compare.difference_test(problems, documents, "category", n_permutations=50)
    assert any("Machine-coded" in caveat and "100%" in caveat for caveat in result.caveats)
    with pytest.raises(ValueError, match="method"):
        compare.difference_test(problems, documents, "category", method="t-test")


# --- completion ------------------------------------------------------------------------------------------------------

COMPLETION_DOCS = _documents(
    [
        # states 100 % but one of its three problems is only substantially complete
        {"doc_id": "p1", "city": "甲市", "published_date": "2024-05-01", "completion_rate_reported": 100.0},
        # states 2 of 4 complete; the fourth problem was not extracted
        {
            "doc_id": "p2",
            "city": "甲市",
            "problems_reported": 4,
            "problems_completed_reported": 2,
        },
        {"doc_id": "p3", "city": "乙市"},
    ]
)
COMPLETION_PROBLEMS = _problems(
    {
        "p1": ["complete", "deemed_complete", "substantially_complete"],
        "p2": ["complete", "complete", "unstated"],
        "p3": ["in_progress", None],
    }
)


def test_completion_recomputes_under_its_definition_and_flags_disagreement():
    strict = compare.completion(COMPLETION_PROBLEMS, COMPLETION_DOCS).set_index("doc_id")
    assert strict.loc["p1", ["assessed", "done"]].tolist() == [3, 2]
    assert strict.loc["p1", "rate_recomputed"] == pytest.approx(200 / 3)
    assert (strict.loc["p1", "rate_stated"], strict.loc["p1", "stated_from"]) == (100.0, "rate")
    assert bool(strict.loc["p1", "disagrees"]) is True
    assert strict.loc["p1", "as_of"] == pd.Timestamp("2024-05-01")
    # p2: unstated is left out of the denominator; the stated rate comes from its counts, over 4 problems, not 3
    assert strict.loc["p2", ["assessed", "done", "rate_recomputed"]].tolist() == [2, 2, 100.0]
    assert (strict.loc["p2", "rate_stated"], strict.loc["p2", "stated_from"]) == (50.0, "counts")
    assert bool(strict.loc["p2", "counts_differ"]) is True
    # p3: a null (unmapped) status is not assessed; no stated rate, so no verdict
    assert strict.loc["p3", ["assessed", "rate_recomputed"]].tolist() == [1, 0.0]
    assert pd.isna(strict.loc["p3", "disagrees"])
    assert "does not count" in strict.attrs["definition"]

    lenient = compare.completion(COMPLETION_PROBLEMS, COMPLETION_DOCS, count_substantial=True).set_index("doc_id")
    assert lenient.loc["p1", "rate_recomputed"] == 100.0 and bool(lenient.loc["p1", "disagrees"]) is False
    assert "counts as done" in lenient.attrs["definition"]


def test_completion_by_group_pools_notices_with_intervals():
    result = compare.completion_by_group(COMPLETION_PROBLEMS, COMPLETION_DOCS, n_resamples=200).set_index("city")
    assert result.loc["甲市", ["notices", "assessed", "done", "stated", "disagreeing"]].tolist() == [2, 5, 4, 2, 2]
    assert result.loc["甲市", "rate"] == pytest.approx(0.8)
    assert (result.loc["甲市", "wilson_low"], result.loc["甲市", "wilson_high"]) == pytest.approx(_wilson(4, 5))
    assert math.isnan(result.loc["乙市", "boot_low"])  # one notice
