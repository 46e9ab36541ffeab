"""Raw notices in: seeds read exactly as stored, bad input stopped with a one-line message naming the file."""

import codecs
import hashlib
import re
import time
from pathlib import Path

import opencc
import pytest

from analysis.paths import RAW, RAW_METADATA, ROOT, TEST_DATA
from analysis.read.sources import (
    METADATA_COLUMNS,
    NoticeError,
    convert_same_length,
    discover,
    load_metadata,
    read_notice,
)

BAD = TEST_DATA / "bad_inputs"
SEEDS = sorted(RAW.glob("*.txt"))


def seed_lines(name: str, count: int) -> str:
    """The first `count` lines of a seed, line ends kept: what the bad_inputs fixtures were made from."""
    text = (RAW / f"{name}.txt").read_text(encoding="utf-8")
    return "".join(text.splitlines(keepends=True)[:count])


def rejection(path: Path, **kwargs: object) -> str:
    """Read a notice that must be rejected; return its message, checked to be one line naming the file."""
    with pytest.raises(NoticeError) as info:
        read_notice(path, **kwargs)
    message = str(info.value)
    assert "\n" not in message
    shown = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)
    assert message.startswith(f"{shown}: ")
    return message


def write_metadata(folder: Path, *rows: str, header: str = ",".join(METADATA_COLUMNS)) -> Path:
    path = folder / "metadata.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


# --- the seeds ----------------------------------------------------------------------------------------------


def test_there_are_five_seeds() -> None:
    assert [p.stem for p in SEEDS] == ["dongying", "shenyang", "suining", "xianning", "zhongshan"]


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_seed_reads_as_plain_utf8_with_the_file_content(path: Path) -> None:
    notice = read_notice(path, load_metadata())
    assert notice.encoding == "utf-8"
    assert notice.text == path.read_bytes().decode("utf-8")
    assert not notice.converted_from_traditional
    assert notice.warnings == ()
    assert (notice.doc_id, notice.source_file) == (path.stem, path.name)
    assert notice.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert notice.metadata["file"] == path.name


def test_metadata_registers_every_raw_file_with_its_sha256() -> None:
    rows = load_metadata()
    assert sorted(rows) == [p.name for p in discover([RAW])]
    for name, row in rows.items():
        assert row["sha256"] == hashlib.sha256((RAW / name).read_bytes()).hexdigest(), name
        assert row["city"].endswith("市") and row["province"] and row["issuer"], name
        assert row["date_received"] == "2026-11-22", name


def test_discover_on_raw_skips_metadata_and_readme() -> None:
    assert discover([RAW]) == SEEDS
    assert RAW_METADATA.exists() and (RAW / "README.md").exists()


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_whole_seed_in_gb18030_decodes_to_the_same_text(path: Path, tmp_path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    legacy = tmp_path / path.name
    legacy.write_bytes(text.encode("gb18030"))
    notice = read_notice(legacy, {})
    assert notice.encoding == "gb18030"
    assert notice.text == text


def test_short_utf8_chinese_is_not_taken_for_gb18030(tmp_path: Path) -> None:
    path = tmp_path / "short.txt"
    path.write_text("整改", encoding="utf-8")
    assert read_notice(path, {}).encoding == "utf-8"


# --- the stored bad inputs (tests/data/bad_inputs, registered in their own metadata.csv) --------------------


def test_bad_inputs_folder_holds_the_fixtures() -> None:
    assert [p.name for p in discover([BAD])] == [
        "big5.txt",
        "binary.txt",
        "changed.txt",
        "control.txt",
        "empty.txt",
        "gb18030.txt",
        "traditional.txt",
        "undecodable.txt",
        "utf8_bom.txt",
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("empty.txt", r"empty file \(0 bytes\) — nothing to extract$"),
        ("binary.txt", r"binary file \(NUL byte at offset 8\) — not a text notice"),
        ("control.txt", r"binary file \(64 of 65 characters are control characters\)"),
        ("undecodable.txt", r"undecodable: not utf-8 \(byte 0x80 at offset 0, line 1\), nor gb18030 nor big5"),
    ],
)
def test_unusable_input_is_rejected(name: str, expected: str) -> None:
    assert re.search(expected, rejection(BAD / name))


def test_changed_file_is_rejected_with_both_digests() -> None:
    path = BAD / "changed.txt"
    registered = load_metadata(BAD / "metadata.csv")["changed.txt"]["sha256"]
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    message = rejection(path)
    assert "raw file changed since it was registered" in message
    assert actual in message and registered in message and actual != registered
    assert "data/raw must not be edited" in message


def test_changed_file_was_registered_before_its_edit() -> None:
    original = seed_lines("xianning", 5)
    registered = load_metadata(BAD / "metadata.csv")["changed.txt"]["sha256"]
    assert hashlib.sha256(original.encode("utf-8")).hexdigest() == registered


def test_gb18030_notice_is_decoded() -> None:
    notice = read_notice(BAD / "gb18030.txt")
    assert (notice.encoding, notice.converted_from_traditional, notice.warnings) == ("gb18030", False, ())
    assert notice.text == seed_lines("dongying", 4)


def test_utf8_with_bom_is_accepted_and_the_bom_dropped() -> None:
    path = BAD / "utf8_bom.txt"
    assert path.read_bytes().startswith(codecs.BOM_UTF8)
    notice = read_notice(path)
    assert (notice.encoding, notice.warnings) == ("utf-8-sig", ())
    assert notice.text == seed_lines("suining", 3)


def test_traditional_notice_is_converted_to_simplified_at_the_same_offsets() -> None:
    path = BAD / "traditional.txt"
    original = path.read_text(encoding="utf-8")
    notice = read_notice(path)
    assert notice.converted_from_traditional
    assert notice.text == seed_lines("shenyang", 7)
    assert len(notice.text) == len(original) and notice.text != original
    # every changed position is a CJK character, so a span means the same words in either script
    changed = [(a, b) for a, b in zip(original, notice.text, strict=True) if a != b]
    assert changed and all("\u4e00" <= a <= "\u9fff" and "\u4e00" <= b <= "\u9fff" for a, b in changed)
    assert len(notice.warnings) == 1 and notice.warnings[0].startswith("traditional characters (")


def test_big5_notice_is_decoded_and_converted() -> None:
    notice = read_notice(BAD / "big5.txt")
    assert (notice.encoding, notice.converted_from_traditional) == ("big5", True)
    assert notice.text == seed_lines("dongying", 4)
    assert notice.warnings[0].startswith("decoded as big5, which reads more like Chinese than gb18030")


def test_registered_fixtures_read_without_metadata_warnings() -> None:
    for name in ("gb18030.txt", "utf8_bom.txt", "traditional.txt", "big5.txt"):
        notice = read_notice(BAD / name)
        assert notice.metadata["file"] == name
        assert not any("metadata" in w for w in notice.warnings), name


# --- generated inputs ---------------------------------------------------------------------------------------


def test_unregistered_file_is_accepted_with_a_warning_naming_its_sha256(tmp_path: Path) -> None:
    path = tmp_path / "new.txt"
    path.write_text(seed_lines("dongying", 2), encoding="utf-8")
    notice = read_notice(path)
    assert notice.metadata == {}
    assert notice.warnings == (
        f"no metadata row for new.txt — register it in metadata.csv with sha256 {notice.sha256}",
    )


def test_row_without_sha256_is_accepted_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "new.txt"
    path.write_text(seed_lines("dongying", 2), encoding="utf-8")
    write_metadata(tmp_path, "new.txt,东营市,,山东省,x,,2026-11-22,,")
    notice = read_notice(path)
    assert notice.metadata["city"] == "东营市"
    assert notice.warnings == (f"metadata row for new.txt has no sha256 — add {notice.sha256}",)


def test_checksum_mismatch_against_passed_metadata(tmp_path: Path) -> None:
    path = tmp_path / "dongying.txt"
    path.write_text(seed_lines("dongying", 2), encoding="utf-8")
    message = rejection(path, metadata=load_metadata())
    assert load_metadata()["dongying.txt"]["sha256"] in message


def test_a_changed_file_is_reported_as_changed_before_anything_else(tmp_path: Path) -> None:
    registered = hashlib.sha256(b"before").hexdigest()
    write_metadata(tmp_path, f"gone.txt,,,,,,2026-11-22,{registered},")
    (tmp_path / "gone.txt").write_bytes(b"")
    assert "raw file changed since it was registered" in rejection(tmp_path / "gone.txt")


def test_utf16_with_bom_is_read(tmp_path: Path) -> None:
    path = tmp_path / "utf16.txt"
    text = seed_lines("suining", 2)
    path.write_bytes(text.encode("utf-16"))
    notice = read_notice(path, {})
    assert (notice.encoding, notice.text) == ("utf-16", text)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (codecs.BOM_UTF8 + b" \r\n\t\n", r"no text, only whitespace \(8 bytes\) — nothing to extract$"),
        (codecs.BOM_UTF8 + b"\xff\xfe", r"starts with a utf-8-sig byte-order mark but is not utf-8-sig"),
        ("这是一段文字".encode("gb18030") + b"\x00", r"binary file \(NUL byte at offset 12\)"),
    ],
)
def test_other_unusable_input_is_rejected(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    assert re.search(expected, rejection(path, metadata={}))


def test_missing_file_is_a_notice_error(tmp_path: Path) -> None:
    assert rejection(tmp_path / "gone.txt").endswith("no such file")


def test_a_few_traditional_characters_leave_the_text_alone(tmp_path: Path) -> None:
    text = seed_lines("suining", 3) + "沈陽\n"
    path = tmp_path / "mixed.txt"
    path.write_text(text, encoding="utf-8")
    notice = read_notice(path, {})
    assert (notice.text, notice.converted_from_traditional) == (text, False)


def test_opencc_t2s_keeps_the_length_of_every_seed() -> None:
    t2s = opencc.OpenCC("t2s").convert
    s2t = opencc.OpenCC("s2t").convert
    for path in SEEDS:
        traditional = s2t(path.read_text(encoding="utf-8"))
        assert len(convert_same_length(traditional, t2s)) == len(traditional)


def test_length_changing_conversion_falls_back_to_single_characters() -> None:
    phrases = {"國家": "国", "國": "国", "家": "家", "後": "后来"}

    def convert(text: str) -> str:
        for source, target in phrases.items():
            text = text.replace(source, target)
        return text

    text = "國家\n之後國\n"
    # line 1 shrinks as a phrase and is redone per character; in line 2 後 would grow and is kept
    assert convert_same_length(text, convert) == "国家\n之後国\n"


# --- metadata and discovery ---------------------------------------------------------------------------------

GOOD_ROW = "a.txt,东营市,,山东省,x,,2026-11-22,{},".format("0" * 64)


@pytest.mark.parametrize(
    ("rows", "header", "expected"),
    [
        (
            [GOOD_ROW],
            "file,city,province",
            r"missing column\(s\) county, issuer, source_url, date_received, sha256",
        ),
        (["a.txt,东营市"], None, r"line 2: 2 fields, the header has 9"),
        ([GOOD_ROW, GOOD_ROW], None, r"line 3: a.txt is listed twice \(also line 2\)"),
        (["a.txt,,,,,,2026-11-22,abc,"], None, r"line 2: sha256 'abc' is not 64 lowercase hex digits"),
        (["a.txt,,,,,,22.11.2026,,"], None, r"line 2: date_received '22.11.2026' is not a YYYY-MM-DD date"),
        (["raw/a.txt,,,,,,,,"], None, r"line 2: 'file' must be a bare file name, got 'raw/a.txt'"),
    ],
)
def test_malformed_metadata_is_a_clear_error(
    tmp_path: Path, rows: list[str], header: str | None, expected: str
) -> None:
    path = write_metadata(tmp_path, *rows, **({"header": header} if header else {}))
    with pytest.raises(NoticeError) as info:
        load_metadata(path)
    assert str(info.value).startswith(f"{path}: ") and "\n" not in str(info.value)
    assert re.search(expected, str(info.value))


def test_metadata_not_found(tmp_path: Path) -> None:
    with pytest.raises(NoticeError, match="metadata file not found"):
        load_metadata(tmp_path / "metadata.csv")


def test_metadata_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = write_metadata(tmp_path, GOOD_ROW)
    path.write_bytes(path.read_bytes() + "b.txt,遂宁市,,,,,,,\n".encode("gbk"))
    with pytest.raises(NoticeError, match=r"not UTF-8 \(invalid .* at byte \d+, line 3\) — save as UTF-8"):
        load_metadata(path)


def test_metadata_with_bom_and_blank_lines_loads(tmp_path: Path) -> None:
    path = write_metadata(tmp_path, GOOD_ROW, "")
    path.write_bytes(codecs.BOM_UTF8 + path.read_bytes())
    assert list(load_metadata(path)) == ["a.txt"]


def test_discover_expands_folders_and_skips_non_notices(tmp_path: Path) -> None:
    for name in ("b.TXT", "a.txt", "metadata.csv", "README.md", ".hidden.pdf"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.txt").write_text("x", encoding="utf-8")
    found = discover([tmp_path, tmp_path / "a.txt"])
    assert found == [tmp_path / "a.txt", tmp_path / "b.TXT"]


def test_discover_reports_a_missing_path_and_a_doc_id_clash(tmp_path: Path) -> None:
    with pytest.raises(NoticeError, match="no such file or folder"):
        discover([tmp_path / "nowhere"])
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "shenyang.txt").write_text("x", encoding="utf-8")
    with pytest.raises(NoticeError, match=r"doc_id 'shenyang' is also the stem of") as info:
        discover([RAW, tmp_path / "x"])
    assert "data/raw/shenyang.txt" in str(info.value) and f"{tmp_path}/x/shenyang.txt" in str(info.value)


def test_warnings_can_be_joined_for_the_documents_table(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes((BAD / "big5.txt").read_bytes())
    assert all("; " not in w and "\n" not in w for w in read_notice(path).warnings)


# --- the input size limit (analysis.read.formats.Limits.input_bytes, ANALYSIS_MAX_INPUT_MB) ----------------------


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "long.txt"
    path.write_text(seed_lines("dongying", 40), encoding="utf-8")
    size = path.stat().st_size
    monkeypatch.setenv("ANALYSIS_MAX_INPUT_MB", str((size - 1) / 2**20))
    message = rejection(path, metadata={})
    assert message.endswith(
        f"file too large ({size:,} bytes, limit {size - 1:,}) — not a single notice? split it, "
        "or raise ANALYSIS_MAX_INPUT_MB (megabytes)"
    )
    monkeypatch.setenv("ANALYSIS_MAX_INPUT_MB", str(size / 2**20))
    assert read_notice(path, metadata={}).text == seed_lines("dongying", 40)


def test_a_file_over_the_default_limit_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:
        fh.truncate(50 * 2**20 + 1)  # sparse: costs no disk and no time to write
    start = time.perf_counter()
    assert rejection(path, metadata={}).endswith(
        f"file too large ({50 * 2**20 + 1:,} bytes, limit 52,428,800) — "
        "not a single notice? split it, or raise ANALYSIS_MAX_INPUT_MB (megabytes)"
    )
    assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize("value", ["ten", "0", "-1", "inf"])
def test_a_bad_limit_in_the_environment_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    path = tmp_path / "notice.txt"
    path.write_text(seed_lines("dongying", 5), encoding="utf-8")
    monkeypatch.setenv("ANALYSIS_MAX_INPUT_MB", value)
    assert rejection(path, metadata={}).endswith(
        f"not read: ANALYSIS_MAX_INPUT_MB={value!r} is not a positive number — set it to one or unset it"
    )


def test_a_text_over_the_length_limit_is_refused_before_extraction(tmp_path: Path) -> None:
    """At the default limit; a text of numbered headings this long took 5 s to extract, twice as long 25 s."""
    path = tmp_path / "long.txt"
    path.write_text("关于巡察整改情况的通报\n" + "（一）问题整改情况\n" * 50_000, encoding="utf-8")
    assert rejection(path, metadata={}).endswith(
        "text too long to extract (500,012 characters, limit 500,000; the longest seed has 25,810) — is it one "
        "notice? split it, or raise ANALYSIS_MAX_TEXT_CHARS"
    )


def test_the_text_length_limit_applies_to_every_format(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANALYSIS_MAX_TEXT_CHARS", "100")
    path = tmp_path / "page.html"
    path.write_text("<html><body>" + "<p>关于巡察整改情况的通报</p>" * 10 + "</body></html>", encoding="utf-8")
    assert "text too long to extract (119 characters, limit 100;" in rejection(path, metadata={})


def test_links_pipes_and_readme_like_notices_are_each_one_line(tmp_path: Path) -> None:
    # issue 11: symlinks were followed out of the folder; pipes and dangling links were skipped without a word; a
    # notice whose name starts with README was skipped
    import os

    from analysis.engine.pipeline import extract_paths

    folder = tmp_path / "raw"
    folder.mkdir()
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_bytes((RAW / "shenyang.txt").read_bytes())
    (folder / "README.md").write_text("about this folder", encoding="utf-8")
    (folder / "README-东营.txt").write_bytes((RAW / "dongying.txt").read_bytes())
    (folder / "inside.txt").write_bytes((RAW / "suining.txt").read_bytes())
    (folder / "to-inside.txt").symlink_to(folder / "inside.txt")
    (folder / "outside.txt").symlink_to(elsewhere)
    (folder / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    os.mkfifo(folder / "pipe.txt")
    result = extract_paths([folder], metadata={})
    # the link inside the folder is read, and found to be the same bytes as the file it names: counted once
    assert set(result.tables["documents"]["doc_id"]) == {"README-东营", "inside"}
    assert result.notes == ["to-inside: the same bytes as inside — counted once, as inside"]
    failures = sorted(f.split(": ", 1)[1].split(" (")[0] for f in result.failures)
    assert failures == [
        "a link to a file outside its folder",
        "a link to a missing file",
        "a pipe, not a notice file — move it out of the folder",
    ]
