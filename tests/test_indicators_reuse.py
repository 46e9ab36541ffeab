"""Text reuse between notices: sentences and candidates, verbatim passages with spans into both texts, the cap on
corpus-wide wording, determinism, the per-pair and per-group tables (worked out by hand), and the seeds."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import paths
from analysis.engine.pipeline import extract_paths
from analysis.indicators import reuse
from analysis.read.sources import load_metadata
from analysis.tables import conform

COPIED = "对全市政务信息化项目实行统一审核、统一建设、统一运维，严禁重复建设和分散采购。"
OTHER = {
    "a": "市数据局党组召开专题会议研究巡察反馈意见，制定整改方案和任务清单。",
    "b": "县财政局对照审计报告逐条核实，建立问题台账并明确整改时限和责任人。",
    "c": "区卫健委组织开展医疗机构收费专项检查，查处违规收费案件七起。",
}


def _corpus() -> dict[str, str]:
    """a and b share COPIED (in different places and lines); c shares nothing."""
    return {
        "a": f"第一部分\n{OTHER['a']}\n（一）{COPIED}并已完成清理。\n",
        "b": f"{OTHER['b']}一是{COPIED}\n二是按月调度。\n",
        "c": f"{OTHER['c']}\n",
    }


def _check_verbatim(passages: pd.DataFrame, texts: dict[str, str]) -> None:
    for row in passages.itertuples(index=False):
        assert texts[row.doc_id_a][row.start_a : row.end_a] == row.text
        fold = reuse._WIDTH_FOLD  # the same text up to the width of a character (，and ,)
        assert texts[row.doc_id_b][row.start_b : row.end_b].translate(fold) == row.text.translate(fold)
        assert row.end_a - row.start_a == row.length == row.end_b - row.start_b
        assert reuse.content_length(row.text) >= reuse.MIN_PASSAGE
        assert row.doc_id_a < row.doc_id_b


def test_fingerprints_never_cross_a_line_and_point_at_their_k_gram() -> None:
    text = (
        "一二三四五六七八九十百千万亿甲乙丙丁戊己庚辛壬癸\n子丑寅卯辰巳午未申酉戌亥，天地玄黄宇宙洪荒日月盈昃辰宿列张"
    )
    hashes, positions = reuse.fingerprints(text)
    assert len(hashes) == len(positions) > 0
    newline = text.index("\n")
    for position in positions.tolist():
        end, seen = position, 0
        while seen < reuse.K:  # K content characters from the position
            seen += text[end].isalnum()
            end += 1
        assert text[position].isalnum()
        assert (position < newline) == (end <= newline)
    assert reuse.fingerprints("短文本。")[0].size == 0


def test_a_shared_run_of_min_passage_characters_is_found_wherever_it_sits() -> None:
    """The winnowing guarantee: MIN_PASSAGE content characters in common, inside two otherwise different sentences
    at different offsets, are found; one character fewer is not a passage."""
    run = "坚持以习近平新时代中国特色社会主义思想为指导推进"[: reuse.MIN_PASSAGE]
    for cut in (0, 1):
        shared = run[: len(run) - cut]
        texts = {
            "a": f"{OTHER['a']}我局{shared}，认真研究部署。\n",
            "b": f"在全市数据工作会议上，要求{shared}改革。{OTHER['b']}\n",
        }
        passages = reuse.shared_passages(texts)
        _check_verbatim(passages, texts)
        assert passages["text"].tolist() == ([shared] if cut == 0 else [])


def test_a_copied_passage_is_found_with_both_spans() -> None:
    texts = _corpus()
    passages = reuse.shared_passages(texts)
    assert list(passages.columns) == reuse.PASSAGE_COLUMNS
    _check_verbatim(passages, texts)
    assert passages[["doc_id_a", "doc_id_b"]].values.tolist() == [["a", "b"]]
    assert COPIED in passages["text"].iloc[0]
    assert passages["start_a"].iloc[0] == texts["a"].index(COPIED) - (len(passages["text"].iloc[0]) - len(COPIED))


def test_a_lightly_edited_copy_gives_its_verbatim_parts() -> None:
    """One character changed: the part before the change is long enough to be a passage, the part after is not."""
    edited = COPIED.replace("统一运维", "统一维护")
    texts = {"a": f"{OTHER['a']}\n{COPIED}\n", "b": f"{OTHER['b']}\n{edited}\n"}
    passages = reuse.shared_passages(texts)
    _check_verbatim(passages, texts)
    assert passages["text"].tolist() == ["对全市政务信息化项目实行统一审核、统一建设、统一"]


def test_passages_of_punctuation_or_too_few_characters_are_not_reuse() -> None:
    short = "要求各单位严格落实整改责任。"  # 13 content characters: a sentence, but below MIN_PASSAGE
    dots = "……………………………………………………"
    texts = {"a": f"{OTHER['a']}\n{short}{dots}\n", "b": f"{OTHER['b']}\n{short}{dots}\n"}
    assert reuse.content_length(short) < reuse.MIN_PASSAGE
    assert reuse.shared_passages(texts).empty


def test_wording_in_more_than_max_notices_is_corpus_wide_not_reuse() -> None:
    def corpus(n: int) -> dict[str, str]:
        return {f"n{i:03d}": f"第{i}号通报正文。\n{COPIED}\n" for i in range(n)}

    at_cap = reuse.shared_passages(corpus(reuse.MAX_NOTICES))
    assert len(at_cap) == reuse.MAX_NOTICES * (reuse.MAX_NOTICES - 1) // 2
    stats = reuse.ReuseStats()
    over = list(reuse.iter_passages(list(corpus(reuse.MAX_NOTICES + 1)), corpus(reuse.MAX_NOTICES + 1).get, stats))
    assert over == [] and stats.common_fingerprints == stats.fingerprints // (reuse.MAX_NOTICES + 1) > 0


def test_the_result_is_the_same_whatever_the_input_order_and_on_every_run() -> None:
    texts = _corpus()
    first = reuse.shared_passages(texts).to_csv(index=False).encode()
    again = reuse.shared_passages(dict(reversed(list(texts.items())))).to_csv(index=False).encode()
    assert first == again


def test_covered_counts_overlaps_once() -> None:
    assert reuse.covered([(0, 10), (5, 15), (20, 25), (21, 22)]) == 20
    assert reuse.covered([]) == 0


def _hand_passages() -> pd.DataFrame:
    rows = [
        ("a", 0, 30, "b", 10, 40, 30, "x" * 30),
        ("a", 20, 50, "b", 60, 90, 30, "x" * 30),  # overlaps the first in a: a covers 0..50
        ("a", 100, 120, "c", 0, 20, 20, "x" * 20),
    ]
    return pd.DataFrame(rows, columns=reuse.PASSAGE_COLUMNS)


LENGTHS = {"a": 200, "b": 100, "c": 40, "d": 10}


def test_pair_table_and_notice_matrix_by_hand() -> None:
    pairs = reuse.pair_table(_hand_passages(), LENGTHS)
    assert pairs.values.tolist() == [["a", "b", 2, 50, 60, 0.25, 0.6], ["a", "c", 1, 20, 20, 0.1, 0.5]]
    matrix = reuse.notice_matrix(_hand_passages(), LENGTHS)
    assert matrix.loc["a"].tolist() == [0.0, 0.25, 0.1, 0.0]
    assert matrix.loc["c"].tolist() == [0.5, 0.0, 0.0, 0.0]
    assert matrix.loc["d"].sum() == 0.0


def test_group_table_by_hand() -> None:
    documents = pd.DataFrame({"doc_id": ["a", "b", "c", "d"], "city": ["甲市", "甲市", "乙市", None]})
    groups = reuse.group_table(_hand_passages(), documents, "city", LENGTHS)
    assert list(groups.columns) == reuse.GROUP_COLUMNS
    rows = {(r.group_a, r.group_b): r for r in groups.itertuples(index=False)}
    assert set(rows) == {("甲市", "甲市"), ("甲市", "乙市"), ("乙市", "甲市")}
    within = rows[("甲市", "甲市")]  # a–b: a covers 50, b covers 60, of 300 characters
    assert (within.n_notices_a, within.n_pairs, within.n_passages, within.chars_a) == (2, 1, 2, 110)
    assert within.share_a == pytest.approx(110 / 300)
    across = rows[("甲市", "乙市")]
    assert (across.n_pairs, across.n_passages, across.chars_a, across.share_a) == (1, 1, 20, pytest.approx(20 / 300))
    assert rows[("乙市", "甲市")].share_a == pytest.approx(20 / 40)
    matrix = reuse.group_matrix(groups, ["甲市", "乙市", "(unknown)"])
    assert matrix.loc["(unknown)"].sum() == 0.0 and matrix.loc["乙市", "甲市"] == pytest.approx(0.5)


def test_the_seeds_share_the_closing_invitation_and_every_passage_is_verbatim() -> None:
    result = extract_paths([paths.RAW], load_metadata(paths.RAW_METADATA))
    passages = reuse.shared_passages(result.texts)
    _check_verbatim(passages, result.texts)
    conform("reuse_passages", passages)  # what the column metadata declares
    lengths = {doc: len(text) for doc, text in result.texts.items()}
    conform("reuse_pairs", reuse.pair_table(passages, lengths))
    closing = "欢迎广大干部群众对巡察整改落实情况进行监督。"
    pairs = set(map(tuple, passages.loc[passages["text"].str.contains(closing), ["doc_id_a", "doc_id_b"]].values))
    with_closing = sorted(doc for doc, text in result.texts.items() if closing in text)
    assert len(with_closing) >= 3
    assert pairs == {(a, b) for i, a in enumerate(with_closing) for b in with_closing[i + 1 :]}


def test_the_reuse_figure_draws_a_matrix() -> None:
    from analysis.report.reuse_figures import reuse_figure

    fig = reuse_figure(reuse.notice_matrix(_hand_passages(), LENGTHS))
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b", "c", "d"]
    assert "25.0%" in [t.get_text() for t in ax.texts]


def test_the_group_figure_folds_groups_and_keeps_the_diagonal() -> None:
    from analysis.report.reuse_figures import reuse_groups_figure

    documents = pd.DataFrame(
        {"doc_id": ["a", "b", "c", "d"], "city": ["甲市", "甲市", "乙市", "丙市"], "problems_extracted": [1, 1, 1, 1]}
    )
    fig = reuse_groups_figure(_hand_passages(), documents, LENGTHS, top=2)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "甲市" and len(labels) == 3  # 甲市, one more city, and the folded rest
    assert f"{110 / 300:.1%}" in [t.get_text() for t in ax.texts]  # a–b within 甲市, on the diagonal


def test_the_recall_truth_counts_shared_runs_up_to_the_cap() -> None:
    from analysis.evaluate.reuse_recurrence import pairs_sharing_a_run, reuse_recall

    run = "坚持以习近平新时代中国特色社会主义思想为指导推进"[: reuse.MIN_PASSAGE]
    texts = {"a": f"甲，{run}。\n", "b": f"乙{run[:5]}，{run[5:]}\n", "c": f"{run[:-1]}\n"}
    assert pairs_sharing_a_run(texts) == {("a", "b")}  # punctuation inside the run does not matter to the truth
    truth, found, both = reuse_recall(texts)
    assert (truth, found, both) == (1, 0, 0)  # but a passage is verbatim: b's comma splits the run
    crowd = {f"n{i:02d}": f"{run}\n" for i in range(reuse.MAX_NOTICES + 1)}
    assert pairs_sharing_a_run(crowd) == set()
