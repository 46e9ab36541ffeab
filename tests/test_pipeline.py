"""End to end: bad input gets a clear one-line message, readable notices still build, output is reproducible."""

from __future__ import annotations

import codecs
import hashlib
import subprocess
import sys
from pathlib import Path

import opencc
import pytest

from analysis.engine.pipeline import extract_paths
from analysis.paths import PROCESSED, RAW, ROOT

NOT_A_NOTICE = "今天天气晴朗,气温适宜。市民纷纷走出家门,到公园散步、健身。\n晚间有小雨,请注意出行安全。\n"


@pytest.fixture(scope="module")
def mixed_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three readable variants of the suining seed and five inputs that cannot be read."""
    folder = tmp_path_factory.mktemp("mixed")
    seed = (RAW / "suining.txt").read_text(encoding="utf-8")
    (folder / "gbk_notice.txt").write_bytes(seed.encode("gb18030"))
    (folder / "bom_notice.txt").write_bytes(codecs.BOM_UTF8 + seed.encode("utf-8"))
    (folder / "traditional_notice.txt").write_text(opencc.OpenCC("s2t").convert(seed), encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    (folder / "weather.txt").write_text(NOT_A_NOTICE, encoding="utf-8")
    (folder / "scan.pdf").write_bytes(b"%PDF-1.7\n")
    return folder


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args], capture_output=True, text=True, cwd=ROOT, check=False
    )


def test_readable_notices_build_and_bad_ones_are_named(mixed_folder: Path) -> None:
    result = extract_paths([mixed_folder])
    documents = result.tables["documents"].set_index("doc_id")
    assert sorted(documents.index) == ["bom_notice", "gbk_notice", "traditional_notice"]
    assert set(documents["problems_extracted"]) == {18}
    assert documents.loc["gbk_notice", "encoding"] == "gb18030"
    assert documents.loc["bom_notice", "encoding"] == "utf-8-sig"
    assert "traditional" in documents.loc["traditional_notice", "warnings"]
    failed = {message.split(":")[0].rsplit("/", 1)[-1]: message for message in result.failures}
    assert sorted(failed) == ["binary.txt", "empty.txt", "scan.pdf", "weather.txt"]
    assert all("\n" not in message for message in result.failures)
    assert "not a rectification notice" in failed["weather.txt"]


def test_traditional_notice_reads_like_its_simplified_original(mixed_folder: Path) -> None:
    result = extract_paths([mixed_folder / "traditional_notice.txt", RAW / "suining.txt"])
    problems = result.tables["problems"]
    columns = ["problem_seq", "label", "status", "n_measures", "span_start", "span_end"]
    traditional = problems[problems.doc_id == "traditional_notice"][columns].reset_index(drop=True)
    simplified = problems[problems.doc_id == "suining"][columns].reset_index(drop=True)
    assert traditional.equals(simplified)


def test_extract_command_exits_non_zero_and_leaves_processed_alone(mixed_folder: Path, tmp_path: Path) -> None:
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in PROCESSED.glob("*") if p.is_file()}
    out = tmp_path / "out"
    completed = run_cli("extract", str(mixed_folder), "--out", str(out))
    assert completed.returncode == 1
    failed_lines = [line for line in completed.stderr.splitlines() if line.startswith("FAILED ")]
    assert len(failed_lines) == 4
    assert all(any(name in line for name in ("empty", "binary", "weather", "scan")) for line in failed_lines)
    assert {p.name for p in out.iterdir()} >= {"documents.parquet", "problems.parquet", "tables.xlsx"}
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in PROCESSED.glob("*") if p.is_file()}
    assert before == after


def test_rebuilding_gives_identical_files(tmp_path: Path) -> None:
    digests = []
    for name in ("first", "second"):
        out = tmp_path / name
        assert run_cli("extract", str(RAW), "--out", str(out)).returncode == 0
        files = sorted(p for p in out.rglob("*") if p.is_file())
        digests.append({str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files})
    assert digests[0] == digests[1]
    assert len(digests[0]) >= 6


def test_a_changed_raw_file_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "shenyang.txt"
    copy.write_bytes((RAW / "shenyang.txt").read_bytes() + b"\n")
    metadata = {"shenyang.txt": {"file": "shenyang.txt", "sha256": "0" * 64}}
    result = extract_paths([copy], metadata)
    assert result.tables["documents"].empty
    assert len(result.failures) == 1 and "changed since it was registered" in result.failures[0]


def test_nothing_readable_leaves_the_output_folder_untouched(tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    completed = run_cli("extract", str(bad), "--out", str(out))
    assert completed.returncode == 1
    assert not out.exists()  # left as it was: not even created


def test_metadata_not_given_is_inferred_from_the_text_and_grounded(tmp_path: Path) -> None:
    notice = tmp_path / "new_city.txt"
    notice.write_bytes((RAW / "dongying.txt").read_bytes())
    result = extract_paths([notice])
    document = result.tables["documents"].iloc[0]
    assert (document["city"], document["province"]) == ("东营市", "山东省")
    assert document["issuer"] == "中共东营市大数据局党组"
    assert set(document["metadata_inferred"].split("; ")) >= {"city", "province", "issuer"}
    assert "no metadata row" in document["warnings"]
    evidence = result.tables["evidence"].set_index("field")
    text = result.texts["new_city"]
    for field in ("city", "issuer"):
        row = evidence.loc[field]
        assert text[row["span_start"] : row["span_end"]] == row["quote"]
        assert row["quote"].startswith(document[field].removesuffix("市"))


def test_metadata_can_override_what_the_text_says(tmp_path: Path) -> None:
    notice = tmp_path / "xianning.txt"
    notice.write_bytes((RAW / "xianning.txt").read_bytes())
    given = {
        "file": "xianning.txt",
        "city": "咸宁市",
        "reviewer": "六届市委第五巡察组",
        "review_start": "2024-10-22",
        "review_type": "督查",
    }
    result = extract_paths([notice], {"xianning.txt": given})
    document = result.tables["documents"].iloc[0]
    assert document["reviewer"] == "六届市委第五巡察组"
    assert document["review_start"].date().isoformat() == "2024-10-22"
    assert document["review_end"].date().isoformat() == "2024-12-12"  # not given: read from the text
    assert document["review_type"] == "巡察"  # 督查 is not a code: ignored, with a warning
    assert "review_type '督查'" in document["warnings"]
    assert set(document["metadata_given"].split("; ")) == {"city", "reviewer", "review_start"}
    assert "city" not in document["metadata_inferred"].split("; ")
    assert {"province", "issuer"} <= set(document["metadata_inferred"].split("; "))


def test_extract_removes_only_the_files_it_wrote(tmp_path: Path) -> None:
    # issue 11: `extract --out DIR` deleted whatever was in DIR/texts/ and DIR/audit/; now a folder holding anything
    # the tool did not write is refused, and a notice gone from the inputs leaves with all its files
    from analysis.engine.pipeline import extract_to

    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("shenyang.txt", "suining.txt"):
        (inputs / name).write_bytes((RAW / name).read_bytes())
    out = tmp_path / "out"
    assert extract_to([inputs], out) == 0
    (inputs / "suining.txt").unlink()
    assert extract_to([inputs], out) == 0
    assert not (out / "texts" / "suining.txt").exists() and not (out / "audit" / "suining.html").exists()
    assert (out / "texts" / "shenyang.txt").exists() and (out / "audit" / "shenyang.html").exists()

    mine = [out / "texts" / "my-notes.txt", out / "audit" / "my-page.html", out / "notes.md"]
    for path in mine:
        path.write_text("the researcher's own file", encoding="utf-8")
    before = {path: path.read_bytes() for path in sorted(out.rglob("*")) if path.is_file()}
    completed = run_cli("extract", str(inputs), "--out", str(out))
    assert completed.returncode == 1
    assert "holds files this tool did not write (audit/my-page.html, notes.md, texts/my-notes.txt)" in completed.stderr
    assert {path: path.read_bytes() for path in sorted(out.rglob("*")) if path.is_file()} == before


def test_amounts_beyond_exact_storage_are_named_and_the_rest_is_written(tmp_path: Path) -> None:
    from analysis.engine.pipeline import extract_to

    text = (RAW / "shenyang.txt").read_text(encoding="utf-8")
    notice = tmp_path / "big.txt"
    notice.write_text(
        text.replace("。", "。涉及资金99999999999999999999亿元,追回12.5161720861万元。", 1), encoding="utf-8"
    )
    out = tmp_path / "out"
    extract_to([notice], out)
    import pandas as pd

    amounts = pd.read_parquet(out / "amounts.parquet")
    assert "99999999999999999999亿元" in set(amounts["raw"]) and "12.5161720861万元" not in set(amounts["raw"])
    warnings = pd.read_parquet(out / "documents.parquet").loc[0, "warnings"]
    assert "amount '12.5161720861万元' has more precision or size than yuan are stored with: left out" in warnings


def test_a_registered_notice_that_cannot_be_built_keeps_its_earlier_outputs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # issue 11: a deleted registered raw file vanished from every output with exit status 0; a changed one was
    # refused but its earlier rows were removed
    import hashlib

    import pandas as pd

    from analysis.engine.pipeline import build_tables

    raw, processed = tmp_path / "raw", tmp_path / "processed"
    raw.mkdir()
    metadata = {}
    for name in ("shenyang.txt", "suining.txt", "dongying.txt"):
        data = (RAW / name).read_bytes()
        (raw / name).write_bytes(data)
        metadata[name] = {"sha256": hashlib.sha256(data).hexdigest()}
    assert build_tables(raw, processed, metadata) == 0
    before = pd.read_parquet(processed / "problems.parquet")

    (raw / "suining.txt").unlink()  # deleted
    (raw / "dongying.txt").write_bytes((RAW / "dongying.txt").read_bytes() + b"\n")  # changed
    assert build_tables(raw, processed, metadata) == 1
    failures = capsys.readouterr().err
    assert "suining.txt: registered in metadata.csv but missing" in failures
    assert "dongying.txt: raw file changed since it was registered" in failures
    after = pd.read_parquet(processed / "problems.parquet")
    order = ["doc_id", "problem_seq"]
    pd.testing.assert_frame_equal(  # every notice's rows, as they were
        after.sort_values(order, ignore_index=True), before.sort_values(order, ignore_index=True)
    )
    assert (processed / "texts" / "suining.txt").exists() and (processed / "audit" / "suining.html").exists()
