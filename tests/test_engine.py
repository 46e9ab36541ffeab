"""The one engine: the same tables from one process and from many workers (corrections included), on a Dask
cluster, duplicates counted once, progress readable in a log, and whole generations at every kill point."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from analysis.engine.assemble import AssemblyDied
from analysis.engine.batch import TABLES, extract_batch
from analysis.engine.generation import KILL_AT, OutputFolderError
from analysis.paths import RAW, ROOT
from analysis.tables import get_table
from analysis.tables.io import read_tables

SEEDS = ("dongying", "shenyang", "suining")
CORRECTIONS = (
    "doc_id,target,quote,action,value,note\n"
    "shenyang,problem,购买服务代替直接履职,set_status,in_progress,\n"
    "shenyang,problem,先服务后招标,set_category,integrity,confirmed by two coders\n"
)


@pytest.fixture
def notices(tmp_path: Path) -> Path:
    folder = tmp_path / "notices"
    folder.mkdir()
    for name in SEEDS:
        shutil.copy(RAW / f"{name}.txt", folder)
    return folder


def files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_one_process_and_many_workers_give_identical_outputs_with_corrections(notices: Path, tmp_path: Path) -> None:
    corrections = tmp_path / "corrections.csv"
    corrections.write_text(CORRECTIONS, encoding="utf-8")
    options = {"chunk_size": 1, "progress": False, "corrections": corrections}
    one = extract_batch([notices], tmp_path / "one", workers=1, **options)
    many = extract_batch([notices], tmp_path / "many", workers=2, **options)
    assert (one.workers, many.workers) == (1, 2)
    assert one.failures == many.failures == []
    assert files(tmp_path / "one") == files(tmp_path / "many")
    problems = read_tables(tmp_path / "many")["problems"].set_index(["doc_id", "problem_seq"])
    assert problems.loc[("shenyang", 2), "status"] == "in_progress"  # the corrections were applied in the workers
    assert problems.loc[("shenyang", 4), "category_source"] == "manual"


def test_chunking_changes_no_row(notices: Path, tmp_path: Path) -> None:
    extract_batch([notices], tmp_path / "a", workers=1, chunk_size=1, progress=False)
    extract_batch([notices], tmp_path / "b", workers=1, chunk_size=100, progress=False)
    a, b = read_tables(tmp_path / "a"), read_tables(tmp_path / "b")
    for name in TABLES:
        pd.testing.assert_frame_equal(a[name], b[name])


def test_parquet_statistics_are_written_for_ids_codes_numbers_and_dates_only(notices: Path, tmp_path: Path) -> None:
    """Free text has no min/max statistics in any row group of any table: stored whole, a title's would sit in the
    merged file's metadata, which its writer keeps for every chunk until it closes."""
    extract_batch([notices], tmp_path / "out", workers=1, chunk_size=1, progress=False, indicators=True)
    files = sorted((tmp_path / "out").glob("*.parquet"))
    assert len(files) > len(TABLES)  # the indicator tables too
    for path in files:
        metadata = pq.ParquetFile(path).metadata
        for group in range(metadata.num_row_groups):
            if not metadata.row_group(group).num_rows:
                continue  # an empty table's one row group has no statistics at all
            chunks = [metadata.row_group(group).column(i) for i in range(metadata.num_columns)]
            with_statistics = [chunk.path_in_schema for chunk in chunks if chunk.is_stats_set]
            assert with_statistics == get_table(path.stem).statistics_columns, (path.name, group)
    problems = pq.ParquetFile(tmp_path / "out" / "problems.parquet").metadata
    assert problems.num_row_groups == len(SEEDS)  # one per chunk
    first = {problems.schema.column(i).name: problems.row_group(0).column(i) for i in range(problems.num_columns)}
    assert not first["title"].is_stats_set and not first["description"].is_stats_set
    assert first["doc_id"].statistics.min == first["doc_id"].statistics.max == "dongying"
    assert first["problem_seq"].statistics.min == 1 and first["status"].is_stats_set


def test_a_dask_cluster_runs_the_chunks(notices: Path, tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    extract_batch([notices], tmp_path / "local", workers=1, chunk_size=1, progress=False)
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        report = extract_batch(
            [notices], tmp_path / "dask", workers=2, chunk_size=1, progress=False, executor=client.get_executor()
        )
    assert report.failures == [] and report.extracted == 3
    assert files(tmp_path / "dask") == files(tmp_path / "local")


def test_byte_identical_notices_are_counted_once(notices: Path, tmp_path: Path) -> None:
    shutil.copy(notices / "suining.txt", notices / "suining2.txt")
    # in another chunk than its twin: found by the parent, not inside one worker
    report = extract_batch([notices], tmp_path / "out", workers=1, chunk_size=1, progress=False, audit=False)
    assert report.notes == ["suining2: the same bytes as suining — counted once, as suining"]
    assert report.extracted == 3 and report.failures == []
    tables = read_tables(tmp_path / "out")
    assert sorted(tables["documents"]["doc_id"]) == sorted(SEEDS)
    assert "suining2" not in set(tables["problems"]["doc_id"])
    assert not (tmp_path / "out" / "texts" / "suining2.txt").exists()


def test_progress_reads_well_in_a_log_file(notices: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    extract_batch([notices], tmp_path / "out", workers=1, chunk_size=1, progress=True)
    lines = capsys.readouterr().err.splitlines()  # captured: not a terminal, so plain lines, not a bar
    assert [line.split(" in ")[0] for line in lines] == [
        "1/3 notices (33%)",
        "2/3 notices (67%)",
        "3/3 notices (100%)",
    ]


def test_a_folder_with_files_the_tool_did_not_write_is_refused(notices: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "my-analysis.R").write_text("library(arrow)", encoding="utf-8")
    with pytest.raises(OutputFolderError, match=r"holds files this tool did not write \(my-analysis\.R\)"):
        extract_batch([notices], out, workers=1, progress=False)
    assert [p.name for p in out.iterdir()] == ["my-analysis.R"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notices", "out"]


def test_the_audit_pages_can_be_left_out(notices: Path, tmp_path: Path) -> None:
    extract_batch([notices], tmp_path / "out", workers=1, progress=False, audit=False)
    assert not (tmp_path / "out" / "audit").exists()
    assert len(list((tmp_path / "out" / "texts").iterdir())) == 3


KILL_POINTS = ("before-switch", "after-switch", "between-renames")


@pytest.mark.parametrize("point", KILL_POINTS)
def test_a_run_killed_at_a_switch_point_leaves_a_whole_generation(notices: Path, tmp_path: Path, point: str) -> None:
    # issue 11: killing a build at a rename left a new documents beside an old problems at 8 of 11 kill points
    out = tmp_path / "out"
    old_inputs = tmp_path / "old"
    old_inputs.mkdir()
    shutil.copy(RAW / "dongying.txt", old_inputs)
    extract_batch([old_inputs], out, workers=1, progress=False)
    old = files(out)
    environment = {**os.environ, KILL_AT: point}
    if point == "between-renames":
        environment["ANALYSIS_NO_EXCHANGE"] = "1"  # the two-rename fallback of systems without renameat2
    script = (
        "import sys; from pathlib import Path; from analysis.engine.batch import extract_batch; "
        "extract_batch([Path(sys.argv[1])], Path(sys.argv[2]), workers=1, progress=False)"
    )
    killed = subprocess.run(
        [sys.executable, "-c", script, str(notices), str(out)], env=environment, cwd=ROOT, capture_output=True
    )
    assert killed.returncode == -9, killed.stderr.decode()
    # a reader sees the old generation or the new one, whole: never a mix (between the renames: none at all, and the
    # next run puts the old one back before anything else)
    if out.exists():
        found = files(out)
        documents = set(read_tables(out)["documents"]["doc_id"])
        assert found == old or documents == set(SEEDS)
        assert {doc_id for name in TABLES for doc_id in read_tables(out)[name]["doc_id"]} <= documents
    # the next run recovers, cleans the leftovers and writes a whole new generation
    report = extract_batch([notices], out, workers=1, progress=False)
    assert report.written and set(read_tables(out)["documents"]["doc_id"]) == set(SEEDS)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notices", "old", "out"]


def test_figures_are_a_generation_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from analysis import paths
    from analysis.engine import generation, pipeline

    figures = tmp_path / "figures"
    figures.mkdir()
    (figures / ".gitkeep").write_text("", encoding="utf-8")
    (figures / "status_by_city_zh.svg").write_text("<svg/>", encoding="utf-8")  # written before manifests existed
    staging = generation.prepare(figures, legacy=pipeline._earlier_figure)
    assert (staging / ".gitkeep").exists()  # the repository's placeholder is carried over
    generation.discard(staging)

    (figures / "my-figure.svg").write_text("<svg/>", encoding="utf-8")
    monkeypatch.setattr(paths, "FIGURES", figures)
    assert pipeline.render_figures() == 1  # refused before drawing anything
    assert sorted(p.name for p in figures.iterdir()) == [".gitkeep", "my-figure.svg", "status_by_city_zh.svg"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["figures"]


def test_a_second_run_on_the_same_folder_is_refused_while_the_first_writes(notices: Path, tmp_path: Path) -> None:
    from analysis.engine import generation

    out = tmp_path / "out"
    extract_batch([notices], out, workers=1, progress=False, audit=False)
    before = files(out)
    first = generation.prepare(out)  # a run in progress holds the folder
    try:
        with pytest.raises(OutputFolderError, match="another run is writing there now"):
            extract_batch([notices], out, workers=1, progress=False)
        assert first.is_dir()  # its generation was not cleared as stale
    finally:
        generation.discard(first)
    assert files(out) == before
    assert extract_batch([notices], out, workers=1, progress=False, audit=False).written  # free again


def test_an_assembly_process_that_dies_leaves_the_outputs_as_they_were(
    notices: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    extract_batch([notices], out, workers=1, progress=False)
    old = files(out)
    monkeypatch.setenv(KILL_AT, "assemble")  # the merging process, started after the pool, dies at its start
    with pytest.raises(AssemblyDied, match=r"the process merging the tables died .* is left as it was"):
        extract_batch([notices], out, workers=2, chunk_size=1, progress=False)
    assert files(out) == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notices", "out"]  # no staging folder left behind
