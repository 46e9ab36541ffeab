"""Code tables: each vocabulary defined once, checked when it loads, and the one source of what derives from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.curate import corrections
from analysis.extract import vocab
from analysis.report import style
from analysis.tables import codes
from analysis.tables.codes import CodeTableError, read_code_table
from analysis.tables.columns import KINDS, STATUSES

HEADER = "key,name_zh,name_en,colour,description\n"


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "table.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_a_good_table_reads_in_file_order(tmp_path: Path) -> None:
    table = read_code_table(write(tmp_path, "b_code,乙,B,#000000,second\na_code,甲,A,,first\n"), "test")
    assert table.keys == ("b_code", "a_code")
    assert table.colours()["b_code"] == "#000000"
    assert "a_code" not in table.colours()


@pytest.mark.parametrize(
    ("body", "line", "says"),
    [
        ("ok,好,ok,#000000,d\nBad Key,坏,bad,,d\n", 3, "lower_snake_case"),
        ("ok,好,ok,,d\nok,好,ok,,d\n", 3, "used twice"),
        ("ok,好,ok,red,d\n", 2, "#RRGGBB"),
        ("ok,,ok,,d\n", 2, "lacks name_zh"),
        ("unmapped,未归类,unmapped,,d\n", 2, "reserved"),
    ],
)
def test_a_broken_row_names_its_file_and_line(tmp_path: Path, body: str, line: int, says: str) -> None:
    with pytest.raises(CodeTableError, match=rf"table\.csv:{line}: .*{says}"):
        read_code_table(write(tmp_path, body), "test")


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    path = tmp_path / "table.csv"
    path.write_text("key,name_zh\nx,甲\n", encoding="utf-8")
    with pytest.raises(CodeTableError, match=r"missing column.*name_en"):
        read_code_table(path, "test")


def test_check_lists_the_valid_codes() -> None:
    with pytest.raises(CodeTableError, match="not a status code; valid: complete, deemed_complete"):
        codes.statuses().check("done")


def test_an_unknown_code_in_a_vocabulary_names_the_vocabulary_file_and_line(monkeypatch: pytest.MonkeyPatch) -> None:
    without_complete = codes.CodeTable("status", Path("x"), codes.statuses().codes[1:])
    monkeypatch.setattr(codes, "statuses", lambda: without_complete)
    vocab.status_phrases.cache_clear()
    try:
        with pytest.raises(CodeTableError, match=r"vocab/status_phrases\.csv:\d+: 'complete' is not a status code"):
            vocab.status_phrases()
    finally:
        vocab.status_phrases.cache_clear()


def test_everything_derives_from_the_code_tables() -> None:
    statuses, kinds, categories = codes.statuses(), codes.amount_kinds(), codes.categories()
    assert tuple(STATUSES) == statuses.keys
    assert tuple(KINDS) == kinds.keys
    assert statuses.keys == corrections.STATUS_CODES
    assert kinds.keys == corrections.KIND_CODES
    assert (*statuses.keys, codes.UNMAPPED) == style.STATUS_ORDER
    assert style.category_keys() == list(categories.keys)
    assert set(style.STATUS_COLORS) == {*statuses.keys, codes.UNMAPPED, codes.UNCATEGORISED}
    assert {code for _, code in vocab.status_phrases()} <= set(statuses.keys)
    assert {rule.kind for rule in vocab.amount_kind_rules()} <= set(kinds.keys)


def test_the_shipped_categories_follow_the_codebook_order() -> None:
    assert codes.categories().keys[0] == "political_study"
    assert "core_mandate" in codes.categories().keys
