"""benchmarks.generate: seeds cut along gold problems, deterministic recombination, notices that extract."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from analysis.extract import extract_notice
from analysis.extract.numerals import parse_number
from analysis.paths import GOLD
from analysis.read.sources import load_metadata, read_notice
from benchmarks.generate import (
    LAYOUTS,
    MAX_PROBLEMS,
    MIN_PROBLEMS,
    _cn_number,
    compose,
    generate_corpus,
    load_seeds,
)

SEED_CITIES = ("沈阳", "东营", "遂宁", "咸宁", "中山")


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_each_seed_is_cut_into_its_gold_problems() -> None:
    with (GOLD / "problems.csv").open(encoding="utf-8") as fh:
        gold = list(csv.DictReader(fh))
    seeds = load_seeds()
    assert len(seeds) == 5
    for seed in seeds:
        titles = [r["title"] for r in gold if r["city_key"] == seed.key]
        assert len(seed.blocks) == len(titles), seed.key
        for block, title in zip(seed.blocks, titles, strict=True):
            # the title opens the block, or sits in 针对“…” (沈阳); the label is gone
            assert title[:4] in block[:12], (seed.key, block[:30], title)
        assert seed.closing.lstrip(" #*").startswith(("三、", "四、")), seed.key


def test_chinese_numerals_read_back() -> None:
    assert [_cn_number(n) for n in (1, 10, 11, 20, 45, 60)] == ["一", "十", "十一", "二十", "四十五", "六十"]
    assert all(parse_number(_cn_number(n)) == n for n in range(1, MAX_PROBLEMS + 1))


def test_the_same_seed_gives_the_same_corpus(tmp_path: Path) -> None:
    generate_corpus(6, tmp_path / "a", seed=3)
    generate_corpus(6, tmp_path / "b", seed=3)
    generate_corpus(6, tmp_path / "c", seed=4)
    generate_corpus(3, tmp_path / "short", seed=3)
    assert files(tmp_path / "a") == files(tmp_path / "b")
    assert files(tmp_path / "a") != files(tmp_path / "c")
    short = files(tmp_path / "short")
    del short["metadata.csv"]
    assert short.items() <= files(tmp_path / "a").items()  # notice i does not depend on N


def test_generated_notices_extract_with_the_problems_put_in(tmp_path: Path) -> None:
    corpus = generate_corpus(20, tmp_path, seed=11)
    metadata = load_metadata(corpus.folder / "metadata.csv")
    layouts = set()
    for index in range(20):
        composed = compose(index, seed=11)
        notice = read_notice(tmp_path / f"{composed.doc_id}.txt", metadata)  # registered sha256 matches
        assert notice.text == composed.text
        assert MIN_PROBLEMS <= composed.n_problems <= MAX_PROBLEMS
        extraction = extract_notice(notice)
        assert len(extraction.problems) == composed.n_problems, (composed.doc_id, composed.layout)
        assert extraction.document["city"] == composed.city
        assert not any(city in composed.text for city in SEED_CITIES), composed.doc_id
        layouts.add(composed.layout)
    assert layouts == set(LAYOUTS)


@pytest.mark.parametrize("index", [0, 1])
def test_a_notice_is_a_whole_notice(index: int) -> None:
    text = compose(index, seed=0).text
    assert "整改" in text and ("巡察" in text or "审计" in text)
    assert "二、" in text and ("三、" in text)
