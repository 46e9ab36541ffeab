"""Researchers' corrections: applied on every rebuild, recorded as manual, reported when they no longer match."""

from __future__ import annotations

import codecs
import re
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from analysis import paths
from analysis.curate.corrections import (
    _ACTIONS,
    COLUMNS,
    KIND_CODES,
    STATUS_CODES,
    CorrectionsError,
    apply_corrections,
    load_corrections,
    read_corrections,
)
from analysis.extract import extract_notice
from analysis.paths import RAW
from analysis.read.sources import read_notice

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


def test_build_applies_corrections_and_reports_stale_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from analysis import paths
    from analysis.engine.pipeline import extract_paths

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
    assert problems.loc[4, "corrections"] == "category=manual"
    document = result.tables["documents"].iloc[0]
    assert document["corrections_applied"] == 2
    assert "早已删去的一句话" in document["warnings"] and "no longer found" in document["warnings"]
    assert result.failures == []


# ------------------------------------------------------------------------------------------- the shipped template

TEMPLATE = paths.CORRECTIONS


def template_examples() -> list[str]:
    """The template's commented example rows, uncommented."""
    rows = [line[2:] for line in TEMPLATE.read_text(encoding="utf-8").splitlines() if line.startswith("# shenyang,")]
    assert rows, "the template has no example rows"
    return rows


def test_the_shipped_template_is_read_as_no_corrections() -> None:
    assert TEMPLATE.read_text(encoding="utf-8").splitlines()[-1] == ",".join(COLUMNS)
    assert read_corrections(TEMPLATE) == ([], [])


def test_the_template_has_one_valid_example_per_action_and_each_applies(shenyang, tmp_path: Path) -> None:
    found = corrections(tmp_path, *template_examples())  # strict: any malformed example raises
    assert sorted((c.target, c.action) for c in found) == sorted(
        (target, action) for target, actions in _ACTIONS.items() for action in actions
    )
    for c in found:
        *_, stale = apply(shenyang, [c])
        assert stale == [], c


def test_the_template_lists_the_codes_the_loader_accepts() -> None:
    text = TEMPLATE.read_text(encoding="utf-8")
    listed = re.sub(r"\s*\n#\s+", " ", text)  # join the comment's wrapped lines
    assert f"set_status: {', '.join(STATUS_CODES)}" in listed
    assert f"set_kind: {', '.join(KIND_CODES)}" in listed


def test_the_build_works_with_the_template_as_shipped() -> None:
    from analysis.engine.pipeline import extract_paths

    result = extract_paths([RAW / "shenyang.txt"])
    assert result.failures == []
    assert result.tables["documents"].iloc[0]["corrections_applied"] == 0
    assert result.tables["problems"]["corrections"].isna().all()


# ----------------------------------------------------------------------------------- messages a researcher can use


def category_keys() -> list[str]:
    from analysis.categorize.codebook import load_codebook

    return list(load_codebook()["key"])


@pytest.mark.parametrize(
    "row, column, valid",
    [
        ("shenyang,problem,x,set_status,done,", "column 5 (value): 'done' is not a status code", STATUS_CODES),
        ("shenyang,amount,x,set_kind,money,", "column 5 (value): 'money' is not a kind code", KIND_CODES),
        ("shenyang,amount,x,set_approx,yes,", "column 5 (value): 'yes'", ("true", "false")),
        ("shenyang,problem,x,set_category,财务,", "column 5 (value): '财务' is not a category code", None),
        (
            "shenyang,problem,x,rename,y,",
            "column 4 (action): 'rename' is not an action for a problem",
            _ACTIONS["problem"],
        ),
        (
            "shenyang,problem,x,set_yuan,1,",
            "column 4 (action): 'set_yuan' is not an action for a problem (set_yuan is an action for an amount)",
            _ACTIONS["problem"],
        ),
        (
            "shenyang,amount,x,set_status,complete,",
            "column 4 (action): 'set_status' is not an action for an amount",
            _ACTIONS["amount"],
        ),
        ("shenyang,problems,x,drop,,", "column 2 (target): 'problems' is not a target", ("problem", "amount")),
        ("shenyang,problem,,drop,,", "column 3 (quote): empty", ()),
        ("shenyang,problem,,merge,,", "column 3 (quote): empty", ()),
        (",problem,x,drop,,", "column 1 (doc_id): empty", ()),
        ("shenyang.txt,problem,x,drop,,", "column 1 (doc_id): 'shenyang.txt'", ("shenyang",)),
        ("data/raw/shenyang,problem,x,drop,,", "column 1 (doc_id): 'data/raw/shenyang'", ("shenyang",)),
    ],
)
def test_a_malformed_row_names_file_line_column_and_the_valid_values(
    tmp_path: Path, row: str, column: str, valid: tuple[str, ...] | None
) -> None:
    path = tmp_path / "corrections.csv"
    path.write_text(HEADER + "\n" + row + "\n", encoding="utf-8")
    found, bad = read_corrections(path)
    assert found == [] and len(bad) == 1
    message = bad[0]
    assert "\n" not in message
    assert message.startswith(f"{path} line 3, {column}")
    assert message.endswith("row skipped")
    for value in category_keys() if valid is None else valid:
        assert value in message
    with pytest.raises(CorrectionsError, match="line 3"):
        load_corrections(path)


def test_a_row_with_more_fields_than_the_header_says_to_quote_commas(tmp_path: Path) -> None:
    path = tmp_path / "corrections.csv"
    path.write_text(HEADER + "shenyang,problem,一是,二是,set_status,complete,\n", encoding="utf-8")
    found, bad = read_corrections(path)
    assert found == [] and len(bad) == 1
    assert "line 2: 7 fields, the header has 6" in bad[0] and "double quotes" in bad[0]


def test_comments_blank_lines_and_quoted_commas_keep_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "corrections.csv"
    path.write_text(
        '# a comment, with "an unbalanced quote\n'
        + HEADER
        + "\n"
        + '"# a comment a spreadsheet re-quoted, with ""quotes""",,\n'
        + 'shenyang,problem,"一是, 二是",set_status,complete,"a note, with a comma"\n'
        + "   # an indented comment\n"
        + "shenyang,problem,x,set_status,fixed,\n"
        + 'shenyang,problem,"x"y,drop,,\n'
        + 'shenyang,problem,"never closed,drop,,\n'
        + "shenyang,problem,y,drop,,\n",
        encoding="utf-8",
    )
    found, bad = read_corrections(path)
    assert [(c.line, c.quote, c.note) for c in found] == [(5, "一是, 二是", "a note, with a comma")]
    assert [m.split(":")[0].split(" line ")[1] for m in bad] == ["7, column 5 (value)", "8", "9"]
    assert "never closed" in bad[2]


def test_a_header_without_the_columns_is_one_line_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "corrections.csv"
    path.write_text("doc,target,quote,action\n", encoding="utf-8")
    with pytest.raises(CorrectionsError) as raised:
        read_corrections(path)
    assert str(raised.value).startswith(f"{path} line 1: the header lacks column(s) doc_id")
    assert ",".join(COLUMNS) in str(raised.value) and "\n" not in str(raised.value)


# -------------------------------------------------------------------------------------- bad rows skipped, reported


def test_a_bad_row_is_skipped_while_the_valid_rows_apply(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from analysis.engine.pipeline import extract_paths

    path = tmp_path / "corrections.csv"
    path.write_text(
        HEADER
        + "shenyang,problem,购买服务代替直接履职,set_status,in_progress,\n"
        + "shenyang,problem,先服务后招标,set_status,done,\n"
        + "shenyang,amount,核减资金924.37万元,set_yuan,NaN,\n"
        + "shenyang,problem,采购项目档案管理混乱,set_category,procurement_contracts,\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(paths, "CORRECTIONS", path)
    result = extract_paths([RAW / "shenyang.txt"])
    problems = result.tables["problems"].set_index("problem_seq")
    assert problems.loc[2, "status"] == "in_progress"
    assert problems.loc[7, "category"] == "procurement_contracts"
    assert result.tables["documents"].iloc[0]["corrections_applied"] == 2
    assert len(result.failures) == 2
    assert result.failures[0].startswith(f"{path} line 3, column 5 (value): 'done' is not a status code")
    assert result.failures[1].startswith(f"{path} line 4, column 5 (value): 'NaN'")
    assert all("\n" not in f and f.endswith("row skipped") for f in result.failures)


def test_the_command_reports_a_bad_row_as_failed_and_exits_non_zero(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from analysis.cli import main

    path = tmp_path / "corrections.csv"
    path.write_text(
        HEADER
        + "shenyang,problem,购买服务代替直接履职,set_status,in_progress,\n"
        + "shenyang,problem,先服务后招标,set_status,done,\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(paths, "CORRECTIONS", path)
    out = tmp_path / "out"
    assert main(["extract", str(RAW / "shenyang.txt"), "--out", str(out)]) == 1
    failed = [line for line in capsys.readouterr().err.splitlines() if line.startswith("FAILED ")]
    assert failed == [line for line in failed if "line 3, column 5 (value): 'done'" in line] and len(failed) == 1
    problems = pd.read_parquet(out / "problems.parquet").set_index("problem_seq")
    assert problems.loc[2, "status"] == "in_progress" and problems.loc[2, "corrections"] == "status=manual"


# ------------------------------------------------------------------------------------------------------ encodings


@pytest.mark.parametrize(
    "encoding, prefix", [("gbk", b""), ("gb18030", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE)]
)
def test_a_file_saved_as_gbk_or_with_a_bom_is_read(tmp_path: Path, encoding: str, prefix: bytes) -> None:
    path = tmp_path / "corrections.csv"
    text = HEADER + "# 注释\nshenyang,problem,购买服务代替直接履职,set_status,complete,已与单位核实\n"
    path.write_bytes(prefix + text.encode(encoding))
    found, bad = read_corrections(path)
    assert bad == []
    assert [(c.line, c.quote, c.note) for c in found] == [(3, "购买服务代替直接履职", "已与单位核实")]


def test_an_undecodable_file_is_one_line_and_the_build_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from analysis.engine.pipeline import extract_paths

    path = tmp_path / "corrections.csv"
    path.write_bytes(HEADER.encode() + b"shenyang,problem,\x80\xff\xfe,drop,,\n")
    with pytest.raises(CorrectionsError) as raised:
        read_corrections(path)
    assert str(raised.value) == (
        f"{path}: undecodable: not utf-8 (byte 0x80 at offset 55, line 2), nor gb18030 — "
        "save it as CSV UTF-8 (Excel: CSV UTF-8)"
    )
    monkeypatch.setattr(paths, "CORRECTIONS", path)
    result = extract_paths([RAW / "shenyang.txt"])
    assert len(result.tables["documents"]) == 1
    assert result.failures == [f"{raised.value} — no corrections applied"]


def test_a_binary_file_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "corrections.csv"
    path.write_bytes(b"PK\x03\x04\x00\x00 an xlsx saved under the wrong name")
    with pytest.raises(CorrectionsError, match=r"binary file \(NUL byte at offset 4\)"):
        read_corrections(path)


# ------------------------------------------------------------------------------------------------------ set_yuan


@pytest.mark.parametrize(
    "value, reason",
    [
        ("NaN", "'NaN' is not an amount"),
        ("nan", "'nan' is not an amount"),
        ("inf", "'inf' is not an amount"),
        ("-Infinity", "'-Infinity' is not an amount"),
        ("sNaN", "'sNaN' is not an amount"),
        ("1e40", "'1e40' is too large: yuan are stored as decimal128(38, 4), at most 34 digits"),
        ("1" * 35, "is too large"),
        ("12.34567", "'12.34567' has more than 4 decimals"),
        ("1e-5", "has more than 4 decimals"),
        ("-5", "'-5' is negative"),
        ("12万", "'12万' is not a number — give the exact yuan in digits (e.g. 120000 for 12万元)"),
        ("", "empty"),
    ],
)
def test_set_yuan_that_cannot_be_stored_exactly_is_a_bad_row(tmp_path: Path, value: str, reason: str) -> None:
    path = tmp_path / "corrections.csv"
    path.write_text(HEADER + f"shenyang,amount,核减资金924.37万元,set_yuan,{value},\n", encoding="utf-8")
    found, bad = read_corrections(path)
    assert found == [] and len(bad) == 1
    assert bad[0].startswith(f"{path} line 2, column 5 (value): ") and reason in bad[0]


@pytest.mark.parametrize(
    "value, stored",
    [
        ("9243700.5", Decimal("9243700.5")),
        ("9243700.5000", Decimal("9243700.5")),
        ("1.0000000", Decimal(1)),
        ("1E+3", Decimal(1000)),
        ("1" + "0" * 33, Decimal("1" + "0" * 33)),  # 34 integer digits
        ("12345678901234567890123.4567", Decimal("12345678901234567890123.4567")),
        ("1" + "0" * 33 + ".0001", Decimal("1" + "0" * 33 + ".0001")),  # 38 digits: kept whole, not rounded to 28
    ],
)
def test_set_yuan_that_fits_is_stored_exactly(shenyang, tmp_path: Path, value: str, stored: Decimal) -> None:
    found = corrections(tmp_path, f"shenyang,amount,核减资金924.37万元,set_yuan,{value},")
    _, _, amounts, _, stale = apply(shenyang, found)
    assert stale == []
    amount = next(a for a in amounts if a["raw"] == "924.37万元")
    assert amount["yuan"] == stored and str(amount["yuan"]) == str(stored)
    assert amount["corrections"] == "yuan=manual"


@pytest.mark.parametrize("value", ["1" + "0" * 33 + ".0001", "9" * 34 + ".9999", "NaN", "1e40", "0.00001"])
def test_no_set_yuan_crashes_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    """Stored exactly in the tables, or one line reporting the row; never a traceback."""
    from analysis.engine.pipeline import extract_paths

    path = tmp_path / "corrections.csv"
    path.write_text(HEADER + f"shenyang,amount,核减资金924.37万元,set_yuan,{value},\n", encoding="utf-8")
    monkeypatch.setattr(paths, "CORRECTIONS", path)
    result = extract_paths([RAW / "shenyang.txt"])
    stored = result.tables["amounts"].set_index("raw").loc["924.37万元", "yuan"]
    if result.failures:
        assert len(result.failures) == 1 and "line 2, column 5 (value)" in result.failures[0]
        assert stored == Decimal("9243700")
    else:
        assert stored == Decimal(value) and str(stored) == value


# ------------------------------------------------------------------------------------- recorded in `corrections`


def test_every_applied_correction_is_recorded_in_the_row_it_changed(shenyang, tmp_path: Path) -> None:
    found = corrections(
        tmp_path,
        "shenyang,problem,先服务后招标,set_category,procurement_contracts,",
        "shenyang,problem,先服务后招标,set_status,in_progress,",
        "shenyang,amount,1.98 亿元,set_approx,true,",
        "shenyang,amount,1.98 亿元,set_kind,contract,",
        "shenyang,amount,核减资金924.37万元,set_yuan,9243700,",
    )
    problems, _, amounts, categories, stale = apply(shenyang, found)
    assert stale == []
    assert problems[3]["corrections"] == "category=manual; status=manual"
    assert [key for _, key in categories] == ["shenyang:4"]
    by_raw = {a["raw"]: a for a in amounts}
    assert by_raw["1.98 亿元"]["corrections"] == "approx=manual; kind=manual"
    assert by_raw["1.98 亿元"]["approx"] is True
    assert by_raw["924.37万元"]["corrections"] == "yuan=manual"
    untouched = [p for i, p in enumerate(problems) if i != 3]
    untouched += [a for a in amounts if a["raw"] not in ("1.98 亿元", "924.37万元")]
    assert all(row["corrections"] is None for row in untouched)


def test_set_category_is_recorded_in_the_built_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from analysis.engine.pipeline import extract_paths

    path = tmp_path / "corrections.csv"
    path.write_text(HEADER + "shenyang,problem,先服务后招标,set_category,integrity,\n", encoding="utf-8")
    monkeypatch.setattr(paths, "CORRECTIONS", path)
    problems = extract_paths([RAW / "shenyang.txt"]).tables["problems"].set_index("problem_seq")
    assert problems.loc[4, "corrections"] == "category=manual"
    assert problems.loc[4, "category_source"] == "manual"
    assert problems["corrections"].notna().sum() == 1


def test_set_category_follows_its_problem_when_an_earlier_one_is_dropped(shenyang, tmp_path: Path) -> None:
    found = corrections(
        tmp_path,
        "shenyang,problem,先服务后招标,set_category,integrity,",
        "shenyang,problem,购买服务代替直接履职,drop,,",
    )
    problems, _, _, categories, stale = apply(shenyang, found)
    assert stale == []
    assert [key for _, key in categories] == ["shenyang:3"]
    assert "先服务后招标" in problems[2]["title"] and problems[2]["corrections"] == "category=manual"


def test_set_category_of_a_problem_dropped_later_is_reported(shenyang, tmp_path: Path) -> None:
    found = corrections(
        tmp_path,
        "shenyang,problem,先服务后招标,set_category,integrity,",
        "shenyang,problem,先服务后招标,drop,,",
    )
    _, _, _, categories, stale = apply(shenyang, found)
    assert categories == [] and len(stale) == 1 and "line 2" in stale[0] and "category not applied" in stale[0]


def test_a_field_set_twice_keeps_the_first_and_reports_the_second(shenyang, tmp_path: Path) -> None:
    found = corrections(
        tmp_path,
        "shenyang,problem,先服务后招标,set_category,integrity,",
        "shenyang,problem,先服务后招标问题突出,set_category,procurement_contracts,",
        "shenyang,problem,购买服务代替直接履职,set_status,complete,",
        "shenyang,problem,购买服务代替直接履职,set_status,in_progress,",
    )
    problems, _, _, categories, stale = apply(shenyang, found)
    assert [(c.value, key) for c, key in categories] == [("integrity", "shenyang:4")]
    assert problems[1]["status"] == "complete" and problems[1]["corrections"] == "status=manual"
    assert len(stale) == 2
    assert "line 3" in stale[0] and "category already set by corrections line 2" in stale[0]
    assert "line 5" in stale[1] and "status already set by corrections line 4" in stale[1]


def test_a_split_at_the_start_of_its_problem_is_reported_not_a_crash(shenyang, tmp_path: Path) -> None:
    text, ex = shenyang
    start = ex.problems[1]["span_start"]
    quote = next(text[start : start + n] for n in range(4, 40) if text.count(text[start : start + n]) == 1)
    found = corrections(tmp_path, f"shenyang,problem,{quote},split,,")
    problems, _, _, _, stale = apply(shenyang, found)
    assert len(problems) == len(ex.problems)
    assert len(stale) == 1 and "nothing to split off" in stale[0]
