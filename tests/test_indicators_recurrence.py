"""Recurrence between rounds: which notices pair up, how problems are matched one to one, and how well the matcher
does on a constructed two-round pair (tests/data/recurrence, gold by construction) and on real negatives (the five
seeds: five bodies, so nothing of one can recur in another)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pandas as pd
import pytest

from analysis import paths
from analysis.engine.pipeline import extract_paths
from analysis.indicators import recurrence as rc
from analysis.read.sources import load_metadata
from analysis.tables import check_references, conform

PAIR = Path(__file__).parent / "data" / "recurrence"
EARLIER, LATER = "round1_2023", "round2_2025_huitoukan"


@pytest.fixture(scope="module")
def pair_tables() -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    result = extract_paths([PAIR / f"{EARLIER}.txt", PAIR / f"{LATER}.txt"], None)
    assert not result.failures, result.failures
    return result.tables, result.texts


@pytest.fixture(scope="module")
def seeds() -> tuple[pd.DataFrame, dict[str, str]]:
    """The five seeds' problems and stored texts."""
    result = extract_paths([paths.RAW], load_metadata(paths.RAW_METADATA))
    assert not result.failures, result.failures
    return result.tables["problems"], result.texts


def _documents(rows: list[dict]) -> pd.DataFrame:
    columns = ["doc_id", "issuer", "province", "city", "county", "title", "published_date", "feedback_date"]
    frame = pd.DataFrame([{c: row.get(c) for c in columns} for row in rows], columns=columns)
    for column in ("published_date", "feedback_date", "review_end", "review_start"):
        frame[column] = pd.to_datetime(frame.get(column, pd.Series([None] * len(frame))))
    return frame


def test_issuer_key_drops_the_party_frame_only() -> None:
    assert rc.issuer_key("中共东营市大数据局党组") == "东营市大数据局"
    assert rc.issuer_key("中共上海银行股份有限公司委员会") == "上海银行股份有限公司"
    assert rc.issuer_key(" 遂宁市政务服务和数据局 ") == "遂宁市政务服务和数据局"
    assert rc.issuer_key("党委") == "党委"  # nothing left once the frame is gone: keep the name
    assert rc.issuer_key(None) is None
    assert rc.issuer_key("  ") is None


def test_round_pairs_join_one_issuer_in_date_order_and_never_two_places() -> None:
    documents = _documents(
        [
            {"doc_id": "b", "issuer": "东营市大数据局", "city": "东营市", "published_date": "2025-06-01"},
            {"doc_id": "a", "issuer": "中共东营市大数据局党组", "city": "东营市", "published_date": "2023-03-01"},
            {
                "doc_id": "c",
                "issuer": "中共东营市大数据局党组",
                "city": "东营市",
                "title": "关于巡察“回头看”整改情况的通报",
                "feedback_date": "2026-01-05",
            },
            {"doc_id": "x", "issuer": "市审计局", "city": "宁波市", "published_date": "2021-01-01"},
            {"doc_id": "y", "issuer": "市审计局", "city": "慈溪市", "published_date": "2022-01-01"},
            {"doc_id": "z", "issuer": "市审计局", "published_date": "2023-01-01"},  # relative name, no place: no key
            {"doc_id": "s", "issuer": "中共东营市大数据局党组", "city": "东营市"},  # no date: order unknown
        ]
    )
    pairs = rc.round_pairs(documents)
    assert list(pairs.columns) == rc.ROUND_COLUMNS
    assert pairs[["doc_id_earlier", "doc_id_later", "reason"]].values.tolist() == [
        ["a", "b", "later round"],
        ["b", "c", "look-back"],
    ]


def test_notices_of_the_same_day_are_not_two_rounds() -> None:
    documents = _documents(
        [
            {"doc_id": "a", "issuer": "示例局", "published_date": "2025-01-01"},
            {"doc_id": "b", "issuer": "示例局", "published_date": "2025-01-01"},
        ]
    )
    assert rc.round_pairs(documents).empty


def test_the_constructed_pair_is_found_and_matched_as_its_gold_says(pair_tables: tuple) -> None:
    tables, texts = pair_tables
    pairs = rc.round_pairs(tables["documents"])
    assert pairs[["doc_id_earlier", "doc_id_later", "reason"]].values.tolist() == [[EARLIER, LATER, "look-back"]]
    matches = rc.recurrence(tables["problems"], tables["documents"])
    assert list(matches.columns) == rc.MATCH_COLUMNS
    check_references({"recurrence": conform("recurrence", matches), "problems": tables["problems"]})
    gold = pd.read_csv(PAIR / "gold.csv", dtype={"problem_seq_earlier": "Int64"})
    truth = {(int(r.problem_seq_later), int(r.problem_seq_earlier)) for r in gold.dropna().itertuples()}
    found = matches[matches["similarity"] >= rc.THRESHOLD]
    predicted = {
        (int(a), int(b)) for a, b in zip(found["problem_seq_later"], found["problem_seq_earlier"], strict=True)
    }
    precision = len(predicted & truth) / len(predicted)
    recall = len(predicted & truth) / len(truth)
    assert (precision, recall) == (1.0, 1.0), (predicted, truth)
    assert rc.share_recurring(matches) == pytest.approx(len(truth) / len(gold))
    # every claim checkable: both spans index the stored texts and hold the titles shown
    for row in matches.itertuples(index=False):
        assert row.title_later in texts[LATER][row.span_start_later : row.span_end_later]
        assert row.title_earlier in texts[EARLIER][row.span_start_earlier : row.span_end_earlier]


def test_no_problem_of_one_seed_recurs_in_another(seeds: tuple) -> None:
    """Five bodies: a match at or above the threshold between two of them would be a false recurrence."""
    seed_problems, _ = seeds
    ids = sorted(seed_problems["doc_id"].unique())
    assert len(ids) == 5
    matches = pd.concat(
        [rc.match_problems(seed_problems, a, b) for a, b in itertools.combinations(ids, 2)], ignore_index=True
    )
    assert len(matches) > 300
    assert matches["similarity"].max() < rc.THRESHOLD
    assert matches["similarity"].max() > 0.1  # the texts are compared at all: similar topics do score


def test_the_baseline_pairs_only_notices_of_different_issuers_and_stays_small() -> None:
    rows = [
        {"doc_id": f"n{i:02d}", "issuer": f"示例{i % 3}局", "published_date": f"20{10 + i}-01-01"} for i in range(14)
    ]
    documents = _documents(rows)
    problems = pd.DataFrame(
        [
            {"doc_id": row["doc_id"], "problem_seq": 1, "title": "公务接待不规范问题", "description": None,
             "span_start": 0, "span_end": 9}
            for row in rows
        ]
    )  # fmt: skip
    across = rc.across_issuers(problems, documents)
    pairs = set(zip(across["doc_id_earlier"], across["doc_id_later"], strict=True))
    first = [f"n{i:02d}" for i in range(rc.BASELINE_NOTICES)]
    expected = {(a, b) for a, b in itertools.combinations(first, 2) if int(a[1:]) % 3 != int(b[1:]) % 3}
    assert pairs == expected
    assert (across["similarity"] > 0.99).all()  # the same title everywhere: the baseline is not a recurrence test


def test_the_assignment_is_one_to_one_and_maximises_total_similarity() -> None:
    titles_later = ["公务接待无公函问题", "专项资金滞留问题", "干部轮岗不到位问题", "党支部会议记录不全问题"]
    titles_earlier = ["专项资金滞留未用问题", "公务接待无公函无清单问题", "干部轮岗交流不到位问题"]
    problems = pd.DataFrame(
        [
            {
                "doc_id": doc,
                "problem_seq": i + 1,
                "title": t,
                "description": None,
                "span_start": 10 * i,
                "span_end": 10 * i + 9,
            }
            for doc, titles in (("late", titles_later), ("early", titles_earlier))
            for i, t in enumerate(titles)
        ]
    )
    matches = rc.match_problems(problems, "early", "late")
    matched = matches.dropna(subset=["problem_seq_earlier"])
    assert matched["problem_seq_earlier"].is_unique
    assert len(matched) == 3 and matches["similarity"].iloc[3] == 0.0  # four later problems, three earlier ones
    by_doc = {doc: list(rc.problem_text(problems[problems["doc_id"] == doc])) for doc in ("late", "early")}
    matrix = rc.similarity_matrix(by_doc["late"], by_doc["early"])
    best = max(
        sum(matrix[i, j] for i, j in zip(rows, range(3), strict=True)) for rows in itertools.permutations(range(4), 3)
    )
    assert matched["similarity"].sum() == pytest.approx(best, abs=1e-5)
    assert matches[["problem_seq_later", "problem_seq_earlier"]].astype(object).values.tolist()[:3] == [
        [1, 2],
        [2, 1],
        [3, 3],
    ]


def test_sensitivity_falls_as_the_threshold_rises(pair_tables: tuple) -> None:
    tables, _ = pair_tables
    table = rc.sensitivity(rc.recurrence(tables["problems"], tables["documents"]))
    assert list(table.columns) == rc.SENSITIVITY_COLUMNS
    assert list(table["threshold"]) == list(rc.SENSITIVITY)
    assert table["share_recurring"].is_monotonic_decreasing
    assert (table["n_later"] == 6).all()


def test_no_pairs_give_an_empty_table() -> None:
    documents = _documents([{"doc_id": "a", "issuer": "示例局", "published_date": "2025-01-01"}])
    problems = pd.DataFrame(columns=["doc_id", "problem_seq", "title", "description", "span_start", "span_end"])
    matches = rc.recurrence(problems, documents)
    assert matches.empty and list(matches.columns) == rc.MATCH_COLUMNS
    assert rc.sensitivity(matches).empty


def test_a_problem_that_says_it_was_found_before_is_flagged_with_the_phrase_span(pair_tables: tuple) -> None:
    tables, texts = pair_tables
    stated = rc.stated_recurrence(tables["problems"], texts)
    assert list(stated.columns) == rc.STATED_COLUMNS
    check_references({"recurrence_stated": conform("recurrence_stated", stated), "problems": tables["problems"]})
    for row in stated.itertuples(index=False):
        assert texts[row.doc_id][row.span_start : row.span_end] == row.phrase
    gold = pd.read_csv(PAIR / "gold.csv", dtype={"problem_seq_earlier": "Int64"})
    assert set(stated["problem_seq"]) == set(gold.dropna()["problem_seq_later"])  # the three re-reported ones
    assert set(stated["doc_id"]) == {LATER}


def test_stated_recurrence_in_the_seeds_reads_problems_not_their_measures(seeds: tuple) -> None:
    seed_problems, texts = seeds
    stated = rc.stated_recurrence(seed_problems, texts)
    # 咸宁 46: "上一轮巡察反馈……本轮巡察依然存在"; 中山 44: "对上轮巡察反馈的问题"
    assert set(zip(stated["doc_id"], stated["problem_seq"], strict=True)) == {("xianning", 46), ("zhongshan", 44)}
    assert "回头看" in texts["xianning"]  # said of a measure (再次召开会议回头看), which is not the problem recurring
