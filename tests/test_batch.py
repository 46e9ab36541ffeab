"""analysis.engine.batch: parallel, partitioned extraction; each notice fails alone; rebuilds are identical."""

from __future__ import annotations

import hashlib
import shutil
from functools import partial
from pathlib import Path

import pandas as pd
import pytest

from analysis.engine.batch import STAGES, TABLES, extract_batch, tables_of
from analysis.extract import Extraction, extract_notice
from analysis.paths import RAW, TEST_DATA
from analysis.read.sources import RawNotice, read_notice
from analysis.tables.io import read_tables

BAD = TEST_DATA / "bad_inputs"
SEEDS = ("dongying", "shenyang", "suining")  # the three shortest seeds keep the tests fast


@pytest.fixture
def notices(tmp_path: Path) -> Path:
    """Three good notices and two that cannot be read (empty, binary)."""
    folder = tmp_path / "notices"
    folder.mkdir()
    for name in SEEDS:
        shutil.copy(RAW / f"{name}.txt", folder)
    for name in ("empty.txt", "binary.txt"):
        shutil.copy(BAD / name, folder)
    return folder


# Stand-ins for the hooks; module-level, because workers receive hooks by reference.
def crash_on(doc_id: str, notice: RawNotice) -> Extraction:
    if notice.doc_id == doc_id:
        raise RuntimeError("boom")
    return extract_notice(notice)


def invalid_status_in(doc_id: str, notice: RawNotice) -> Extraction:
    extraction = extract_notice(notice)
    if notice.doc_id == doc_id:
        extraction.problems[0]["status"] = "half_done"
    return extraction


def finish_failing_on(doc_id: str, extractions: list[Extraction]) -> tuple:
    if any(e.document["doc_id"] == doc_id for e in extractions):
        raise KeyError("no category for this one")
    return tables_of(extractions)


def row_groups(path: Path) -> int:
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).metadata.num_row_groups


def contents(out: Path) -> dict[str, bytes]:
    """Every file below `out` by relative path."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_bad_files_fail_alone_and_the_rest_is_written(notices: Path, tmp_path: Path) -> None:
    out = tmp_path / "tables"
    report = extract_batch([notices], out, workers=1, chunk_size=2, progress=False)

    assert (report.notices, report.extracted, report.written) == (5, 3, True)
    assert len(report.failures) == 2
    assert any("empty.txt" in m and "empty file" in m for m in report.failures)
    assert any("binary.txt" in m and "binary file" in m for m in report.failures)

    expected = {name: extract_notice(read_notice(RAW / f"{name}.txt")) for name in SEEDS}
    problems = pd.read_parquet(out / "problems.parquet")
    assert len(problems) == report.rows["problems"] == sum(len(e.problems) for e in expected.values())
    assert list(problems.groupby("doc_id", sort=False).size().items()) == [
        (name, len(expected[name].problems)) for name in SEEDS
    ]
    documents = pd.read_parquet(out / "documents.parquet")
    assert documents["doc_id"].tolist() == list(SEEDS)  # input order survives partitioning
    # the one Parquet writer stores no pandas metadata: read_tables gives the dtypes conform gives
    assert read_tables(out)["problems"]["problem_seq"].dtype == "Int64"
    # binary, dongying | empty, shenyang | suining: one row group per chunk that has rows, in one file per table
    assert row_groups(out / "problems.parquet") == 3
    assert {p.name for p in out.iterdir()} == {
        *(f"{name}.parquet" for name in TABLES),
        *("tables.xlsx", "csv", "datapackage.json", "texts", "audit", ".written-by-analysis"),
    }
    assert sorted(p.name for p in (out / "texts").iterdir()) == [f"{name}.txt" for name in SEEDS]
    assert set(report.seconds) == {*STAGES, "wall"}
    assert problems["category"].notna().all()  # the default finish categorises
    assert report.peak_rss_mb["total"] > 0


def test_workers_and_reruns_give_identical_files(notices: Path, tmp_path: Path) -> None:
    one = extract_batch([notices], tmp_path / "one", workers=1, chunk_size=3, progress=False)
    two = extract_batch([notices], tmp_path / "two", workers=2, chunk_size=3, progress=False)
    assert two.workers == 2
    assert one.failures == two.failures
    assert contents(tmp_path / "one") == contents(tmp_path / "two")


def test_a_rebuild_replaces_every_old_part_and_chunking_changes_no_row(notices: Path, tmp_path: Path) -> None:
    out = tmp_path / "tables"
    extract_batch([notices], out, workers=1, chunk_size=1, progress=False)
    assert row_groups(out / "problems.parquet") == 3
    by_one = {name: pd.read_parquet(out / f"{name}.parquet") for name in TABLES}
    extract_batch([notices], out, workers=1, chunk_size=3, progress=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notices", "tables"]  # no generation left behind
    assert row_groups(out / "problems.parquet") == 2
    for name in TABLES:
        pd.testing.assert_frame_equal(pd.read_parquet(out / f"{name}.parquet"), by_one[name])


def test_nothing_readable_leaves_the_tables_as_they_were(notices: Path, tmp_path: Path) -> None:
    out = tmp_path / "tables"
    extract_batch([notices], out, workers=1, progress=False)
    before = contents(out)
    report = extract_batch([notices / "empty.txt", notices / "binary.txt"], out, workers=1, progress=False)
    assert (report.extracted, report.written, len(report.failures)) == (0, False, 2)
    assert contents(out) == before


def test_an_extractor_crash_costs_one_notice(notices: Path, tmp_path: Path) -> None:
    extract = partial(crash_on, "shenyang")
    report = extract_batch([notices], tmp_path / "tables", workers=1, progress=False, extract=extract)
    assert report.extracted == 2
    crash = [m for m in report.failures if "shenyang.txt" in m]
    assert len(crash) == 1 and "extractor error (RuntimeError: boom)" in crash[0]
    assert set(pd.read_parquet(tmp_path / "tables" / "documents.parquet")["doc_id"]) == {"dongying", "suining"}


def test_rows_that_break_the_schema_cost_one_notice(notices: Path, tmp_path: Path) -> None:
    extract = partial(invalid_status_in, "suining")
    report = extract_batch([notices], tmp_path / "tables", workers=1, progress=False, extract=extract)
    assert report.extracted == 2
    rejected = [m for m in report.failures if "suining.txt" in m]
    assert len(rejected) == 1 and "rows fail the schema" in rejected[0] and "half_done" in rejected[0]
    assert set(pd.read_parquet(tmp_path / "tables" / "problems.parquet")["doc_id"]) == {"dongying", "shenyang"}


def test_a_failing_finish_costs_only_the_notices_at_fault(notices: Path, tmp_path: Path) -> None:
    finish = partial(finish_failing_on, "dongying")
    report = extract_batch([notices], tmp_path / "tables", workers=1, progress=False, finish=finish)
    assert report.extracted == 2
    assert [m for m in report.failures if "dongying.txt" in m] == [
        f"{notices / 'dongying.txt'}: finishing its rows failed (KeyError: 'no category for this one')"
    ]


def test_hooks_must_reach_the_workers(notices: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="extract must be a module-level function"):
        extract_batch(
            [notices], tmp_path / "tables", workers=2, chunk_size=1, extract=lambda notice: extract_notice(notice)
        )


def test_given_metadata_is_checked_in_the_workers(notices: Path, tmp_path: Path) -> None:
    wrong = hashlib.sha256(b"another text").hexdigest()
    metadata = {"suining.txt": {"file": "suining.txt", "sha256": wrong, "city": "遂宁市"}}
    report = extract_batch([notices], tmp_path / "tables", workers=1, progress=False, metadata=metadata)
    assert any("suining.txt" in m and "raw file changed" in m for m in report.failures)
    assert report.extracted == 2


def test_each_folders_metadata_file_is_used_and_checked(notices: Path, tmp_path: Path) -> None:
    registered = tmp_path / "registered"
    registered.mkdir()
    shutil.copy(RAW / "suining.txt", registered)
    digest = hashlib.sha256((RAW / "suining.txt").read_bytes()).hexdigest()
    header = "file,city,county,province,issuer,source_url,date_received,sha256,note\n"
    (registered / "metadata.csv").write_text(header + f"suining.txt,遂宁市,,四川省,给定的发布单位,,,{digest},\n")
    broken = tmp_path / "broken"
    broken.mkdir()
    shutil.copy(RAW / "shenyang.txt", broken)
    (broken / "metadata.csv").write_text(header + "shenyang.txt,沈阳市,,,,,22.11.2026,,\n")
    unregistered = tmp_path / "unregistered"
    unregistered.mkdir()
    shutil.copy(RAW / "dongying.txt", unregistered)

    out = tmp_path / "tables"
    # chunks of one notice: each task carries only its own rows
    report = extract_batch([registered, broken, unregistered], out, workers=2, chunk_size=1, progress=False)
    assert report.failures == [
        f"{broken / 'metadata.csv'}: line 2: date_received '22.11.2026' is not a YYYY-MM-DD date"
    ]
    documents = pd.read_parquet(out / "documents.parquet").set_index("doc_id")
    assert documents.loc["suining", "issuer"] == "给定的发布单位"
    assert "no metadata row for dongying.txt" in documents.loc["dongying", "warnings"]


def test_a_file_listed_twice_in_a_folders_metadata_names_both_lines(tmp_path: Path) -> None:
    # the engine finds the repeated name by its store's key, without holding every name: the message is the same as
    # load_metadata's
    folder = tmp_path / "notices"
    folder.mkdir()
    shutil.copy(RAW / "shenyang.txt", folder)
    header = "file,city,county,province,issuer,source_url,date_received,sha256,note\n"
    (folder / "metadata.csv").write_text(header + "shenyang.txt,沈阳市,,,,,,,\n" + "shenyang.txt,沈阳市,,,,,,,\n")
    report = extract_batch([folder], tmp_path / "tables", workers=1, progress=False)
    assert report.failures == [f"{folder / 'metadata.csv'}: line 3: shenyang.txt is listed twice (also line 2)"]


def test_a_doc_id_clash_across_folders_is_a_failure(notices: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(RAW / "suining.txt", other)
    report = extract_batch([notices, other], tmp_path / "tables", workers=1, progress=False)
    assert any("doc_id 'suining'" in m for m in report.failures)
    assert report.extracted == 3


def test_progress_bar_only_when_asked(notices: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    extract_batch([notices], tmp_path / "a", workers=1, progress=False)
    assert capsys.readouterr().err == ""
    extract_batch([notices], tmp_path / "b", workers=1, progress=True)
    assert "5/5" in capsys.readouterr().err


def test_chunk_size_must_be_positive(notices: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="chunk_size"):
        extract_batch([notices], tmp_path / "tables", chunk_size=0)


def test_tables_are_queryable_with_duckdb(notices: Path, tmp_path: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    out = tmp_path / "tables"
    extract_batch([notices], out, workers=1, chunk_size=2, progress=False)
    query = f"SELECT doc_id, count(*) FROM '{out}/problems.parquet' GROUP BY doc_id ORDER BY doc_id"
    counts = dict(duckdb.sql(query).fetchall())
    assert counts == pd.read_parquet(out / "problems.parquet").groupby("doc_id").size().to_dict()


def killed_on(doc_id: str, notice: RawNotice) -> Extraction:
    """Stand-in extractor whose worker process is killed (SIGKILL, as by the OOM killer) on one notice."""
    if notice.doc_id == doc_id:
        import os
        import signal

        os.kill(os.getpid(), signal.SIGKILL)
    return extract_notice(notice)


def test_a_killed_worker_costs_only_its_chunk(notices: Path, tmp_path: Path) -> None:
    # issue 11: a killed worker lost the whole batch (BrokenProcessPool)
    extract = partial(killed_on, "shenyang")
    report = extract_batch([notices], tmp_path / "tables", workers=2, chunk_size=1, progress=False, extract=extract)
    assert set(pd.read_parquet(tmp_path / "tables" / "documents.parquet")["doc_id"]) == {"dongying", "suining"}
    lost = [m for m in report.failures if "shenyang.txt" in m]
    assert len(lost) == 1 and "its worker died (killed or out of memory) twice" in lost[0]


def test_after_a_pool_the_parts_are_merged_in_a_process_of_their_own(
    notices: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The merge holds every row group's footer entry, which grows with the corpus: it must not run in the parent,
    # which lives through the whole batch. A merge that cannot run in this process shows where it runs.
    from analysis.engine import assemble

    def not_here(*_: object) -> None:
        raise AssertionError("merged in the parent")

    monkeypatch.setattr(assemble, "merge_parts", not_here)
    report = extract_batch([notices], tmp_path / "pool", workers=2, chunk_size=2, progress=False)
    assert report.written and report.rows["documents"] == 3
    assert 0 < report.peak_rss_mb["assemble"] <= report.peak_rss_mb["total"]
    # one process: the merge is this process's own work
    with pytest.raises(AssertionError, match="merged in the parent"):
        extract_batch([notices], tmp_path / "one", workers=1, progress=False)
    assert not (tmp_path / "one" / "documents.parquet").exists()
