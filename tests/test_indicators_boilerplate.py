"""Boilerplate: hashing, the document-frequency sketch, the covered characters and the shares, on corpora whose
answers are counted by hand; the stock phrases; the sensitivity table; memory that does not grow with the corpus."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.indicators import boilerplate
from analysis.indicators.boilerplate import (
    DocumentFrequency,
    common_mask,
    count_notices,
    find_stock_phrases,
    ngram_hashes,
    threshold,
)
from analysis.tables import conform

SHARED = "严格落实财务管理制度"  # 10 characters, in three of the four notices below
CORPUS = {
    "a": f"甲单位{SHARED}。",
    "b": f"乙单位也{SHARED}，并整改。",
    "c": f"{SHARED}丙",
    "d": "丁单位没有那句话的任何八个字",
}


def test_threshold_is_at_least_three_notices_or_five_percent() -> None:
    assert [threshold(n) for n in (1, 5, 60, 100, 1000, 10_000)] == [3, 3, 3, 5, 50, 500]


def test_equal_ngrams_hash_equal_and_full_width_folds() -> None:
    first, second = ngram_hashes("制度ABC制度ABC", 5), ngram_hashes("制度ＡＢＣ", 5)
    assert len(first) == 6 and first[0] == first[5] == second[0]
    assert first[0] != first[1]
    assert len(ngram_hashes("短", 8)) == 0


def test_the_sketch_counts_notices_not_occurrences() -> None:
    df = count_notices([*CORPUS.values(), f"{SHARED}{SHARED}"], n=8)
    shared = ngram_hashes(SHARED, 8)
    # every 8-gram of SHARED is in a, b, c and the repeated notice: 4 notices, however often each repeats it
    assert df.notices == 5 and df.estimate(shared).tolist() == [4, 4, 4]
    assert df.estimate(ngram_hashes("丁单位没有那句话", 8)).tolist() == [1]


def test_the_common_characters_are_those_of_the_shared_phrase() -> None:
    df = count_notices(CORPUS.values(), n=8)
    text = CORPUS["b"]
    covered = "".join(ch for ch, on in zip(text, common_mask(text, df, 3), strict=True) if on)
    assert covered == SHARED
    assert not common_mask(CORPUS["d"], df, 3).any()
    assert not common_mask(text, df, 4).any()  # in three notices only


def test_the_sketch_has_the_same_size_whatever_the_corpus() -> None:
    small, large = DocumentFrequency(), count_notices([f"第{i}份通报的内容各不相同{i * 7919}" for i in range(500)])
    assert small.table.nbytes == large.table.nbytes == 3 * 4 * 2**boilerplate.SKETCH_WIDTH_BITS == 12 * 2**20


def test_stock_phrases_are_found_longest_first_with_their_spans() -> None:
    text = "局党组高度重视，举一反三，建立健全长效机制。"
    found = find_stock_phrases(text)
    assert [p for _, _, p in found] == ["高度重视", "举一反三", "建立健全长效机制"]
    assert all(text[a:b] == p for a, b, p in found)
    required = {"高度重视", "举一反三", "建立长效机制", "以案促改", "压实责任", "立行立改"}
    assert set(boilerplate.stock_phrases()) >= required


def test_shares_leave_whitespace_out() -> None:
    text = "高度重视 \n 其他"
    mask, visible = boilerplate.stock_mask(text), boilerplate._visible(text)
    assert boilerplate.share(mask, visible) == 4 / 6
    assert boilerplate.share(mask, visible, 4, 7) is None  # only whitespace


def test_the_tables_per_measure_and_per_notice() -> None:
    texts = {doc_id: text for doc_id, text in CORPUS.items()}
    b = texts["b"]
    measures = pd.DataFrame(
        {
            "doc_id": ["b", "b"],
            "problem_seq": [1, 1],
            "part": ["measure", "measure"],
            "measure_seq": [1, 2],
            "span_start": [0, b.index("，")],
            "span_end": [b.index("，"), len(b)],
        }
    )
    out = boilerplate.boilerplate_tables(measures, texts, n=8)
    per_measure = out["boilerplate"].set_index("measure_seq")
    # measure 1 is 乙单位也 + SHARED: 10 of its 14 characters are common
    assert per_measure.loc[1, "chars"] == 14 and per_measure.loc[1, "common_share"] == pytest.approx(10 / 14)
    assert per_measure.loc[2, "common_share"] == 0
    notices = out["boilerplate_notices"].set_index("doc_id")
    assert notices.loc["a", "common_share"] == pytest.approx(10 / 14) and notices.loc["d", "common_share"] == 0
    assert notices.loc["b", "measure_chars"] == len(b) and notices["k"].tolist() == [3, 3, 3, 3]
    assert pd.isna(notices.loc["a", "measure_common_share"])  # no measures in a
    phrases = out["stock_phrases"]
    assert phrases["phrase"].tolist() == ["严格落实"] * 3 and phrases["in_measure"].tolist() == [False, True, False]
    for name, frame in out.items():
        conform(name, frame)


def test_sensitivity_falls_as_k_rises() -> None:
    table = boilerplate.sensitivity(CORPUS, ns=(4, 8), ks=(2, 3, 4))
    assert table[["n", "k"]].values.tolist() == [[4, 2], [4, 3], [4, 4], [8, 2], [8, 3], [8, 4]]
    for _, group in table.groupby("n"):
        assert np.all(np.diff(group["mean_common_share"].to_numpy()) <= 0)
    row = table[(table["n"] == 8) & (table["k"] == 3)].iloc[0]
    assert row["max"] == pytest.approx(10 / 11)  # c: SHARED + 丙
    assert row["min"] == 0  # d


def test_iter_notice_shares_streams_two_passes() -> None:
    shares = {s.doc_id: s for s in boilerplate.iter_notice_shares(sorted(CORPUS), CORPUS.__getitem__)}
    assert shares["c"].chars == 11 and shares["c"].common_share == pytest.approx(10 / 11)
    assert shares["d"].common_share == 0 and shares["a"].stock_share == pytest.approx(4 / 14)
