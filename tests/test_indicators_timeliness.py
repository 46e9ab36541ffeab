"""Timeliness: the time grammar on written deadlines, the lags against the norms, and overdue problems — on small
texts and tables whose answers are worked out by hand, and on the seeds' tables (every span checked)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analysis import paths
from analysis.engine.pipeline import extract_paths
from analysis.indicators import timeliness
from analysis.indicators.tables import indicator_tables
from analysis.indicators.timeliness import add_months, find_deadlines, find_times
from analysis.read.sources import load_metadata


def _one(text: str, year: int | None = None) -> timeliness.TimeMention:
    (mention,) = find_times(text, year=year)
    return mention


@pytest.mark.parametrize(
    ("text", "raw", "due"),
    [
        ("整改时限：2024年6月底前", "2024年6月底前", dt.date(2024, 6, 30)),
        ("于2024年12月底前完成", "2024年12月底前", dt.date(2024, 12, 31)),
        ("2025年第四季度前完成", "2025年第四季度前", dt.date(2025, 12, 31)),
        ("2025年上半年前", "2025年上半年前", dt.date(2025, 6, 30)),
        ("二〇二四年十二月底前", "二〇二四年十二月底前", dt.date(2024, 12, 31)),
        ("2024年3月15日前报送", "2024年3月15日前", dt.date(2024, 3, 15)),
        ("2024年5月中旬前", "2024年5月中旬前", dt.date(2024, 5, 20)),
    ],
)
def test_a_written_deadline_is_read_to_the_last_day_it_allows(text: str, raw: str, due: dt.date) -> None:
    mention = _one(text)
    assert (mention.raw, mention.role, mention.kind, mention.due) == (raw, "deadline", "date", due)
    assert text[mention.start : mention.end] == raw


def test_phrases_of_immediacy_and_open_horizons_are_deadlines_without_a_date() -> None:
    found = find_deadlines("一是立行立改。二是长期坚持，持续整改。")
    assert [(t.raw, t.kind, t.due) for t in found] == [
        ("立行立改", "immediate", None),
        ("长期坚持", "open", None),
        ("持续整改", "open", None),
    ]


def test_year_end_takes_the_year_written_before_it_else_the_notices_year() -> None:
    assert _one("年底前完成", year=2025).due == dt.date(2025, 12, 31)
    found = find_deadlines("2024年3月，启动；年底前完成", year=2025)
    assert [(t.raw, t.due) for t in found] == [("年底前", dt.date(2024, 12, 31))]
    assert _one("年底前完成").due is None  # no year anywhere: no date, not a guess


@pytest.mark.parametrize("text", ["2025年4月前完成", "每年12月31日前报送", "2025年前完成"])
def test_a_deadline_with_two_readings_gets_no_date(text: str) -> None:
    (mention,) = find_deadlines(text, year=2025)
    assert mention.due is None


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("制定2025年度学习计划", "name"),
        ("召开2025年第5次局党组会议", "name"),
        ("2025年，已开展9次学习", "at"),
        ("2025年3月起，开发模块", "since"),
        ("截至2025年3月中旬，56项", "asof"),
        ("2024年11月，印发制度", "at"),
    ],
)
def test_the_role_of_a_time_comes_from_the_words_around_it(text: str, role: str) -> None:
    assert _one(text, year=2025).role == role


def test_a_month_without_a_year_takes_the_year_before_it() -> None:
    times = find_times("2025年3月，开展检查。4月，组织演练。")
    assert [(t.raw, t.due) for t in times] == [("2025年3月", dt.date(2025, 3, 31)), ("4月", dt.date(2025, 4, 30))]


def test_add_months_clamps_the_day() -> None:
    assert add_months(dt.date(2024, 12, 31), 2) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2023, 12, 31), 2) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2025, 1, 10), 2) == dt.date(2025, 3, 10)


def test_every_norm_says_where_it_is_written() -> None:
    for norm in timeliness.NORMS:
        assert norm.url.startswith("http") and norm.source and norm.months > 0
    assert {n.review_type: n.confirmed for n in timeliness.NORMS} == {"巡视": True, "巡察": False}


def test_the_norms_table_lists_every_norm() -> None:
    table = timeliness.norms_table()
    assert table["review_type"].tolist() == [n.review_type for n in timeliness.NORMS]
    assert table["confirmed"].tolist() == [True, False] and (table["months"] == 2).all()


def _documents() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": ["a", "b", "c", "d"],
            "review_type": ["巡视", "巡察", "审计", "巡视"],
            "review_end": pd.to_datetime(["2024-05-31", "2024-06-30", None, "2024-01-01"]),
            "feedback_date": pd.to_datetime(["2024-07-15", "2024-08-31", "2024-09-01", None]),
            "published_date": pd.to_datetime(["2024-09-15", "2024-11-05", "2024-12-01", "2024-06-01"]),
        }
    )


def test_lags_and_the_norm_per_notice() -> None:
    frame = timeliness.notice_timeliness(_documents()).set_index("doc_id")
    # a: 31 May → 15 Jul is 45 days; 15 Jul → 15 Sep is 62 days; due 15 Sep: on the day, within the norm
    assert frame.loc["a", "days_review_to_feedback"] == 45
    assert frame.loc["a", "days_feedback_to_notice"] == 62
    assert frame.loc["a", "norm_due_date"] == dt.date(2024, 9, 15)
    assert bool(frame.loc["a", "within_norm"]) and frame.loc["a", "days_past_norm"] == 0
    assert bool(frame.loc["a", "norm_confirmed"])
    # b: 巡察, by analogy: due 31 Oct, published 5 Nov → 5 days late
    assert not frame.loc["b", "within_norm"] and frame.loc["b", "days_past_norm"] == 5
    assert not frame.loc["b", "norm_confirmed"]
    # c: an audit: no norm can be computed; d: no feedback date: no lag, no verdict
    assert pd.isna(frame.loc["c", "norm"]) and pd.isna(frame.loc["c", "within_norm"])
    assert pd.isna(frame.loc["d", "days_feedback_to_notice"]) and pd.isna(frame.loc["d", "within_norm"])
    assert frame["problems_overdue"].tolist() == [0, 0, 0, 0]


def _problem_tables(text: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Three problems of one notice dated 1 Oct 2024, with their spans found in `text`."""
    blocks = text.split("\n")
    starts = [text.index(b) for b in blocks]
    problems = pd.DataFrame(
        {
            "doc_id": ["n"] * 3,
            "problem_seq": [1, 2, 3],
            "status": ["in_progress", "complete", "unstated"],
            "span_start": starts,
            "span_end": [s + len(b) for s, b in zip(starts, blocks, strict=True)],
        }
    )
    measure_at = text.index("一是")
    measures = pd.DataFrame(
        {
            "doc_id": ["n"],
            "problem_seq": [1],
            "part": ["measure"],
            "measure_seq": [1],
            "span_start": [measure_at],
            "span_end": [text.index("\n")],
        }
    )
    documents = pd.DataFrame(
        {
            "doc_id": ["n"],
            "review_type": ["巡察"],
            "review_end": pd.to_datetime([None]),
            "feedback_date": pd.to_datetime(["2024-06-01"]),
            "published_date": pd.to_datetime(["2024-10-01"]),
        }
    )
    return documents, problems, measures


def test_a_problem_past_its_deadline_and_not_complete_is_overdue() -> None:
    text = (
        "1.制度不健全。一是修订制度，整改时限：2024年6月底前。\n"
        "2.台账不全。整改时限：2024年8月底前。\n"
        "3.培训不足。2024年9月底前完成。"
    )
    documents, problems, measures = _problem_tables(text)
    deadlines = timeliness.stated_deadlines(documents, problems, measures, {"n": text})
    assert deadlines["raw"].tolist() == ["2024年6月底前", "2024年8月底前", "2024年9月底前"]
    assert deadlines["part"].tolist() == ["measure", "problem", "problem"]
    assert deadlines["measure_seq"].tolist()[0] == 1
    # in progress and past: overdue; complete: not; no status stated: unknown
    assert deadlines["overdue"].tolist()[:2] == [True, False] and pd.isna(deadlines["overdue"].iloc[2])
    for row in deadlines.itertuples():
        assert text[row.span_start : row.span_end] == row.raw
    counts = timeliness.overdue_problems(deadlines).set_index("doc_id")
    assert counts.loc["n", "problems_with_deadline"] == 3 and counts.loc["n", "problems_overdue"] == 1
    per_notice = timeliness.notice_timeliness(documents, deadlines)
    assert per_notice["problems_overdue"].tolist() == [1]


# --------------------------------------------------------------------------------------------- on the seeds


@pytest.fixture(scope="module")
def seeds() -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    result = extract_paths([paths.RAW], load_metadata(paths.RAW_METADATA))
    assert not result.failures
    return result.tables, result.texts


def test_the_indicator_tables_of_the_seeds_validate_and_every_span_is_its_text(seeds) -> None:
    tables, texts = seeds
    out = indicator_tables(tables, texts)
    assert len(out["timeliness"]) == len(tables["documents"])
    assert len(out["concreteness"]) == len(out["boilerplate"]) == len(tables["measures"])
    for row in out["deadlines"].itertuples():
        assert texts[row.doc_id][row.span_start : row.span_end] == row.raw
    for row in out["stock_phrases"].itertuples():
        assert texts[row.doc_id][row.span_start : row.span_end] == row.phrase
    spans = out["concreteness"].merge(tables["measures"], on=["doc_id", "problem_seq", "part", "measure_seq"])
    for flag in ("deadline", "owner", "quantity", "deliverable"):
        set_ = spans[spans[f"has_{flag}"]]
        assert (set_[f"{flag}_span_start"] >= set_["span_start"]).all()
        assert (set_[f"{flag}_span_end"] <= set_["span_end"]).all()
    # 咸宁 dates its notice 226 days after the feedback (10 Feb → 24 Sep 2025): read from the documents table
    lag = out["timeliness"].set_index("doc_id").loc["xianning", "days_feedback_to_notice"]
    documents = tables["documents"].set_index("doc_id")
    assert lag == (documents.loc["xianning", "published_date"] - documents.loc["xianning", "feedback_date"]).days
