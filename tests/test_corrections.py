"""Researchers' corrections: applied on every rebuild, recorded as manual, reported when they no longer match."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from analysis.corrections import CorrectionsError, apply_corrections, load_corrections
from analysis.extract import extract_notice
from analysis.paths import RAW
from analysis.sources import read_notice

HEADER = "doc_id,target,quote,action,value,note\n"


@pytest.fixture(scope="module")
def shenyang():
    notice = read_notice(RAW / "shenyang.txt")
    return notice.text, extract_notice(notice)


def corrections(tmp_path: Path, *rows: str):
    path = tmp_path / "corrections.csv"
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return load_corrections(path)


def apply(shenyang, found):
    text, ex = shenyang
    return apply_corrections(text, ex.problems, ex.measures, ex.amounts, found)


def test_set_status_is_applied_and_recorded_as_manual(shenyang, tmp_path: Path) -> None:
    found = corrections(tmp_path, "shenyang,problem,购买服务代替直接履职,set_status,complete,checked with the agency")
    problems, _, _, _, stale = apply(shenyang, found)
    assert stale == []
    second = problems[1]
    assert second["status"] == "complete" and second["corrections"] == "status=manual"
    assert all(p["status"] == "unstated" for i, p in enumerate(problems) if i != 1)


def test_amount_fixes_and_drop(shenyang, tmp_path: Path) -> None:
    found = corrections(
        tmp_path,
        "shenyang,amount,1.98 亿元,set_kind,other,",
        "shenyang,amount,核减资金924.37万元,set_yuan,9243700.5,",
        "shenyang,amount,12.7万元,drop,,",
    )
    _, _, amounts, _, stale = apply(shenyang, found)
    assert stale == []
    by_raw = {a["raw"]: a for a in amounts}
    assert "12.7万元" not in by_raw
    assert by_raw["1.98 亿元"]["kind"] == "other" and by_raw["1.98 亿元"]["corrections"] == "kind=manual"
    assert by_raw["924.37万元"]["yuan"] == Decimal("9243700.5")
    assert len(amounts) == len(shenyang[1].amounts) - 1


def test_split_creates_a_problem_and_moves_its_measures(shenyang, tmp_path: Path) -> None:
    # 问题6 holds two findings; split where the second begins.
    found = corrections(tmp_path, "shenyang,problem,2021—2022年，采购8个,split,未开展履约验收,")
    problems, measures, amounts, _, stale = apply(shenyang, found)
    assert stale == []
    assert len(problems) == len(shenyang[1].problems) + 1
    assert [p["problem_seq"] for p in problems] == list(range(1, len(problems) + 1))
    new = problems[6]
    assert new["title"] == "未开展履约验收" and new["corrections"] == "split"
    assert problems[5]["span_end"] == new["span_start"]
    # Its measures (整改措施 follows the split point) moved with it; the first half keeps none.
    assert new["n_measures"] == 7 and problems[5]["n_measures"] == 0
    assert {a["problem_seq"] for a in amounts if a["raw"] == "5732.2万元"} == {7}
    assert sum(m["part"] == "measure" for m in measures) == sum(m["part"] == "measure" for m in shenyang[1].measures)


def test_merge_and_drop_renumber_everything(shenyang, tmp_path: Path) -> None:
    found = corrections(
        tmp_path,
        "shenyang,problem,购买服务代替直接履职,merge,,",
        "shenyang,problem,采购项目档案管理混乱,drop,,",
    )
    problems, measures, amounts, _, stale = apply(shenyang, found)
    assert stale == []
    assert len(problems) == len(shenyang[1].problems) - 2
    assert problems[0]["n_measures"] == 3 + 2 and problems[0]["corrections"] == "merged=manual"
    assert {m["problem_seq"] for m in measures} == set(range(1, len(problems) + 1))
    assert all(a["problem_seq"] is None or a["problem_seq"] <= len(problems) for a in amounts)


def test_category_overrides_are_returned_for_the_classifier(shenyang, tmp_path: Path) -> None:
    found = corrections(tmp_path, "shenyang,problem,先服务后招标,set_category,integrity,")
    _, _, _, categories, stale = apply(shenyang, found)
    assert stale == [] and [key for _, key in categories] == ["shenyang:4"]


def test_a_quote_no_longer_in_the_text_is_reported_not_applied(shenyang, tmp_path: Path) -> None:
    found = corrections(
        tmp_path,
        "shenyang,problem,这句话不在通报里,set_status,complete,",
        "shenyang,problem,整改措施,set_status,complete,",
    )
    problems, _, _, _, stale = apply(shenyang, found)
    assert len(stale) == 2
    assert "no longer found" in stale[0] and "line 2" in stale[0]
    assert "found in 8 places" in stale[1]
    assert all(p["status"] == "unstated" for p in problems)


@pytest.mark.parametrize(
    "row, message",
    [
        ("shenyang,problem,x,set_status,done,", "not valid for set_status"),
        ("shenyang,amount,x,set_yuan,12万,", "not valid for set_yuan"),
        ("shenyang,problem,x,rename,y,", "unknown target/action"),
        ("shenyang,problem,,drop,,", "a quote from the notice is needed"),
    ],
)
def test_malformed_rows_are_errors_naming_the_line(tmp_path: Path, row: str, message: str) -> None:
    with pytest.raises(CorrectionsError, match=f"line 2: .*{message}|line 2: {message}"):
        corrections(tmp_path, row)


def test_build_applies_corrections_and_reports_stale_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from analysis import paths
    from analysis.pipeline import extract_paths

    path = tmp_path / "corrections.csv"
    path.write_text(
        HEADER
        + "shenyang,problem,购买服务代替直接履职,set_status,in_progress,\n"
        + "shenyang,problem,先服务后招标,set_category,integrity,confirmed by two coders\n"
        + "shenyang,problem,早已删去的一句话,drop,,\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(paths, "CORRECTIONS", path)
    result = extract_paths([RAW / "shenyang.txt"])
    problems = result.tables["problems"].set_index("problem_seq")
    assert problems.loc[2, "status"] == "in_progress" and problems.loc[2, "corrections"] == "status=manual"
    assert problems.loc[4, "category"] == "integrity" and problems.loc[4, "category_source"] == "manual"
    assert problems.loc[4, "category_evidence"] == "manual: confirmed by two coders"
    document = result.tables["documents"].iloc[0]
    assert document["corrections_applied"] == 2
    assert "早已删去的一句话" in document["warnings"] and "no longer found" in document["warnings"]
    assert result.failures == []
