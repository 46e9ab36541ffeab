"""The batch's notice index: what the parent knows of every notice, on disk (analysis.engine.notice_index)."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.engine.notice_index import LATER_CLASHES, WAS_WRITTEN, NoticeIndex
from analysis.read.sources import without_doc_id_clashes


@pytest.fixture
def index(tmp_path: Path):
    index = NoticeIndex(tmp_path / "notices.sqlite")
    yield index
    index.close()


def test_files_come_back_sorted_in_chunks_one_per_doc_id(index: NoticeIndex) -> None:
    files = ["/b/x.txt", "/a/y.txt", "/a/x.html", "/c/z.pdf", "/a/y.txt"]  # one path twice, one doc_id twice
    index.add_files(iter(files))
    clashes = index.drop_doc_id_clashes()
    kept, expected_clashes = without_doc_id_clashes(sorted(set(files)))
    assert clashes == expected_clashes and len(clashes) == 1 and "/b/x.txt" in clashes[0]
    assert index.count() == 3
    assert [[str(p) for p in chunk] for chunk in index.chunks(2)] == [kept[:2], kept[2:]]


def test_duplicates_name_the_first_in_input_order(index: NoticeIndex) -> None:
    index.add_written(1, [("c", "h1"), ("d", "h2")])  # chunks may arrive out of order
    index.add_written(0, [("a", "h2"), ("b", "h3")])
    index.add_written(2, [("e", "h2"), ("f", "h1")])
    assert list(index.duplicates().items()) == [("d", "a"), ("e", "a"), ("f", "c")]
    assert index.n_written() == 6
    assert index.was_written("e") and not index.was_written("g")


def test_lookups_use_an_index_not_a_scan(index: NoticeIndex) -> None:
    # 10^5 notices look themselves up 2·10^5 times: a scan per lookup would take hours (the benchmark did not end)
    plan = index._db.execute(f"EXPLAIN QUERY PLAN {WAS_WRITTEN}", ("x",)).fetchall()
    assert any("INDEX written_doc_id" in row[-1] for row in plan), plan
    plan = index._db.execute(f"EXPLAIN QUERY PLAN {LATER_CLASHES}").fetchall()
    assert any("INDEX files_stem" in row[-1] for row in plan), plan
