"""Problem categories: codebook file, classifier output, manual overrides, leave-one-city-out agreement with gold."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from analysis.categorize import model as model_module
from analysis.categorize.assign import OverrideError, apply_overrides, categorize, evaluate_loco, load_codebook
from analysis.categorize.codebook import TRAINING_COLUMNS, keyword_lists, load_training
from analysis.categorize.fields import with_measures
from analysis.categorize.training import rebuild_training
from analysis.paths import GOLD

OUTPUT = ["category", "category_confidence", "category_evidence", "category_source"]


def _markdown_codebook() -> pd.DataFrame:
    """The rows of the table in CATEGORIES.md: key, 中文 name, typical words."""
    rows = []
    for line in (GOLD / "CATEGORIES.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and re.fullmatch(r"[a-z_]+", cells[0]) and cells[0] != "key":
            words = [w.strip() for w in cells[3].split(",") if w.strip()]
            rows.append({"key": cells[0], "name_zh": cells[1], "words": words})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def gold() -> pd.DataFrame:
    return pd.read_csv(GOLD / "problems.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def training() -> pd.DataFrame:
    return load_training()


@pytest.fixture(scope="module")
def loco(training: pd.DataFrame) -> dict:
    return evaluate_loco(training)


def test_codebook_agrees_with_markdown() -> None:
    book = load_codebook()
    table = _markdown_codebook()
    assert len(table) >= 16
    assert list(book["key"]) == list(table["key"])
    assert list(book["name_zh"]) == list(table["name_zh"])
    keywords = keyword_lists(book)
    for row in table.itertuples():
        assert set(row.words) <= set(keywords[row.key]), row.key
    assert book["definition"].str.len().gt(0).all()


def test_shipped_training_is_the_gold_coding(gold: pd.DataFrame, training: pd.DataFrame) -> None:
    assert list(training.columns) == TRAINING_COLUMNS
    columns = ["city_key", "problem_seq", "title", "area", "topic", "category"]
    training = training[training["source"] == "seed"]
    pd.testing.assert_frame_equal(training[columns], gold[columns])
    # Every gold problem has measures; 沈阳 and 咸宁 state nearly every problem apart from its title too.
    assert training["measures"].str.len().gt(0).all()
    stated = training["city_key"].isin(["shenyang", "xianning"])
    assert training.loc[stated, "description"].str.len().gt(0).mean() > 0.9


def test_shipped_training_is_what_the_extraction_rebuilds(training: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(training, rebuild_training())


def test_categorize_gives_one_valid_category_per_row(gold: pd.DataFrame) -> None:
    problems = pd.concat(
        [
            gold[["title", "area", "topic"]].iloc[::7],
            pd.DataFrame(
                {
                    "title": ["執行政府採購制度不到位", None, "", "作风不严不实问题"],
                    "description": [None, "部分信息系统闲置,使用率低,云资源未及时回收", "", float("nan")],
                }
            ),
        ],
        ignore_index=True,
    )
    problems.index = problems.index * 10 + 3
    result = categorize(problems)
    assert list(result.columns) == OUTPUT
    assert result.index.equals(problems.index)
    assert result["category"].isin(load_codebook()["key"]).all()
    assert result["category_confidence"].between(0, 1).all()
    assert result["category_evidence"].str.len().gt(0).all()
    assert result["category_source"].isin(["model", "rule"]).all()
    tail = result["category"].iloc[-4:].tolist()
    assert tail[0] == "procurement_contracts"  # traditional characters still meet the codebook's words
    assert tail[1] == "assets"  # a problem known only by its description
    assert tail[2] == "other"
    assert result["category_confidence"].iloc[-2] == 0


def test_rule_evidence_names_the_codebook_words() -> None:
    problem = {"title": ["落实“三会一课”制度不到位"], "area": ["聚焦基层党组织和党员队伍建设方面"]}
    result = categorize(pd.DataFrame(problem))
    assert result.loc[0, "category"] == "party_organization"
    assert result.loc[0, "category_source"] == "rule"
    assert "三会一课" in result.loc[0, "category_evidence"]


def test_model_evidence_is_readable() -> None:
    result = categorize(pd.DataFrame({"title": ["作风不严不实问题"]}))
    assert result.loc[0, "category_source"] == "model"
    assert re.fullmatch(r"model \(title 0\.\d\d\): .+", result.loc[0, "category_evidence"])


def test_measures_name_the_failing_object() -> None:
    problems = pd.DataFrame({"doc_id": ["a", "a"], "problem_seq": [1, 2], "title": ["履行监管责任不到位"] * 2})
    measures = pd.DataFrame(
        {
            "doc_id": ["a", "a", "a"],
            "problem_seq": [1, 1, 2],
            "part": ["measure"] * 3,
            "text": [
                "一是组织评标专家专项清理,规范招标代理机构收费。",
                "二是修订政府采购内控规程,加强合同履约验收。",
                "一是清查闲置设备,建立固定资产台账,回收闲置云资源。",
            ],
        }
    )
    result = categorize(problems, measures=measures)
    assert result["category"].tolist() == ["procurement_contracts", "assets"]
    assert result["category_source"].eq("model").all()
    assert result["category_evidence"].str.contains(r"model \(title 0\.\d\d, text 0\.\d\d\): ").all()
    assert result["category_evidence"].str.contains("description/measures n-gram").all()


def test_measures_table_joins_measures_in_order() -> None:
    problems = pd.DataFrame({"doc_id": ["a", "a", "b"], "problem_seq": [1, 2, 1], "title": ["x", "y", "z"]})
    measures = pd.DataFrame(
        {
            "doc_id": ["a", "a", "a", "b"],
            "problem_seq": ["1", "1", "1", "1"],
            "measure_seq": [2, 1, 1, 1],
            "part": ["measure", "measure", "result", "result"],
            "text": ["第二条", "第一条", "成效", "成效"],
        }
    )
    assert with_measures(problems, measures)["measures"].tolist() == ["第一条\n第二条", "", ""]
    with pytest.raises(ValueError, match="not both"):
        categorize(problems.assign(measures=""), measures=measures)


def test_training_with_unknown_category_is_refused() -> None:
    training = pd.DataFrame({"title": ["预算执行率偏低", "签订合同不规范"], "category": ["budget_finance", "money"]})
    with pytest.raises(ValueError, match="money"):
        categorize(pd.DataFrame({"title": ["x"]}), training=training)


@pytest.fixture
def categorised() -> pd.DataFrame:
    problems = pd.DataFrame(
        {
            "doc_id": ["a", "a", "b"],
            "problem_seq": [1, 2, 1],
            "title": ["预算执行率偏低", "签订合同不规范", "平台未实质运行"],
        }
    )
    return problems.join(categorize(problems))


def test_overrides_win_and_are_marked_manual(categorised: pd.DataFrame) -> None:
    overrides = pd.DataFrame(
        {"doc_id": ["a", "b"], "problem_seq": ["2", "1"], "category": ["integrity", "assets"], "note": ["see §3", None]}
    )
    out = apply_overrides(categorised, overrides)
    assert out.loc[1, ["category", "category_source", "category_evidence"]].tolist() == [
        "integrity",
        "manual",
        "manual: see §3",
    ]
    assert out.loc[1, "category_confidence"] == 1.0
    assert out.loc[2, "category_evidence"] == "manual"
    assert out.loc[0].equals(categorised.loc[0])


def test_bad_overrides_are_all_reported_and_none_applied(categorised: pd.DataFrame) -> None:
    before = categorised.copy()
    overrides = pd.DataFrame(
        {
            "doc_id": ["a", "z", "b", "b"],
            "problem_seq": [1, 9, 1, 1],
            "category": ["graft", "assets", "assets", "assets"],
        }
    )
    with pytest.raises(OverrideError) as caught:
        apply_overrides(categorised, overrides)
    issues = caught.value.issues
    assert any("a problem 1" in i and "'graft'" in i for i in issues)
    assert any("z problem 9" in i and "no such problem" in i for i in issues)
    assert any("b problem 1" in i and "more than once" in i for i in issues)
    pd.testing.assert_frame_equal(categorised, before)


def test_loco_never_trains_on_the_city_it_predicts(training: pd.DataFrame, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[set[str], set[str]]] = []

    # Stand-ins that only record who is trained on what: the split is under test here, not the model.
    def spy_fit(self, training):
        self.trained_on = set(training["city_key"])
        return self

    def spy_predict(self, problems):
        seen.append((self.trained_on, set(problems["city_key"])))
        return pd.DataFrame({"category": "other", "category_source": "model"}, index=problems.index)

    monkeypatch.setattr(model_module.CategoryModel, "fit", spy_fit)
    monkeypatch.setattr(model_module.CategoryModel, "predict", spy_predict)
    evaluate_loco(training)
    assert len(seen) == 5
    assert all(len(held) == 1 and not (held & trained) for trained, held in seen)


def test_loco_report_is_complete_and_json(loco: dict, gold: pd.DataFrame) -> None:
    json.dumps(loco)
    assert loco["n"] == len(gold) == 144
    assert loco["text_columns"] == ["title", "area", "topic", "description", "measures"]
    assert sorted(loco["per_city"]) == sorted(gold["city_key"].unique())
    assert sum(sum(r) for r in loco["confusion"]["matrix"]) == 144
    assert sum(c["support"] for c in loco["per_category"].values()) == 144
    assert 0 <= loco["accuracy"] <= 1


def test_loco_kappa_reaches_target(loco: dict) -> None:
    # Target 0.80 (issue 14). Measured 0.800 with the 511 real statements in training (0.793 with 233, 0.807 before
    # core_mandate and the real statements, on the seeds alone): one problem from missing it, so the floor keeps a
    # margin of one more miss.
    assert loco["kappa"] >= 0.79, f"LOCO κ {loco['kappa']:.3f}, accuracy {loco['accuracy']:.3f}"


# --- n-gram counting: the same matrix as scikit-learn's, faster ----------------------------------------------

_AWKWARD_TEXTS = [
    "对政府采购管理不规范问题进行整改",
    "ABC abc Ａｂｃ İstanbul",  # upper case, full-width letters, a letter whose lower case is two characters
    "a  \n\t b\nc",  # a run of whitespace becomes one space; a single line break stays
    "",
    "x",
    "𠀀𝒜𠀀𝒜",  # beyond the Basic Multilingual Plane
    "采购",
    "完全没见过的字眼",
]


@pytest.mark.parametrize("block_characters", [100_000, 7])  # one block, and a block every few texts
@pytest.mark.parametrize(("ngram_range", "min_df"), [((1, 3), 1), ((1, 3), 2), ((2, 3), 1), ((1, 1), 1)])
def test_ngram_counts_equal_scikit_learns(
    ngram_range: tuple[int, int], min_df: int, block_characters: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

    from analysis.categorize import ngrams
    from analysis.categorize.ngrams import CharNgramCounts, CharTfidf

    monkeypatch.setattr(ngrams, "BLOCK_CHARACTERS", block_characters)

    training = [*_AWKWARD_TEXTS[:-1], "政府采购不规范", "ABC 采购 𠀀𝒜"]
    ours = CharNgramCounts(ngram_range, min_df).fit(training)
    theirs = CountVectorizer(analyzer="char", ngram_range=ngram_range, min_df=min_df).fit(training)
    assert ours.get_feature_names_out() == list(theirs.get_feature_names_out())
    repeated = [*_AWKWARD_TEXTS, *_AWKWARD_TEXTS[::-1], "采购"]  # each distinct text is counted once, then copied
    for texts in (_AWKWARD_TEXTS, [], ["", ""], repeated):
        expected, got = theirs.transform(texts), ours.transform(texts)
        assert got.shape == expected.shape
        assert (got != expected).nnz == 0
        assert got.has_sorted_indices

    expected = TfidfVectorizer(analyzer="char", ngram_range=ngram_range, min_df=min_df, sublinear_tf=True)
    got = CharTfidf(ngram_range, min_df).fit(training).transform(_AWKWARD_TEXTS)
    assert (got != expected.fit(training).transform(_AWKWARD_TEXTS)).nnz == 0
    got = CharTfidf(ngram_range, min_df).fit(training).transform(repeated)
    assert (got != expected.transform(repeated)).nnz == 0


@pytest.mark.parametrize("n_classes", [2, 3, 5])
def test_softmax_probabilities_are_scikit_learns_to_the_bit(n_classes: int) -> None:
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    from analysis.categorize.linear import Softmax

    rng = np.random.default_rng(n_classes)
    dense = rng.random((60, 40)) * (rng.random((60, 40)) < 0.2)
    features = csr_matrix(dense)
    labels = np.arange(60) % n_classes
    fitted = LogisticRegression(C=10.0, solver="newton-cg", max_iter=1000).fit(features, labels)
    ours = Softmax.of(fitted)
    assert (ours is fitted) == (n_classes == 2)  # a binary model is a logistic, kept as fitted
    assert ours.predict_proba(features).tobytes() == fitted.predict_proba(features).tobytes()


def test_a_saved_model_categorises_without_importing_scikit_learn() -> None:
    import subprocess
    import sys

    from analysis.categorize.model import fitted_model

    fitted_model()  # saved in models/ if it was not
    code = (
        "import sys, pandas as pd; from analysis.categorize.assign import categorize; "
        "categorize(pd.DataFrame({'title': ['政府采购不规范'], 'description': ['合同']})); "
        "print(any(name.split('.')[0] == 'sklearn' for name in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_ngram_counts_refuse_longer_ngrams() -> None:
    from analysis.categorize.ngrams import CharNgramCounts

    with pytest.raises(ValueError, match="1 to 3"):
        CharNgramCounts((1, 4))


_KEYWORDS = {"procurement": ("政府采购", "采购", "招标"), "assets": ("资产", "固定资产"), "single": ("账",)}


@pytest.mark.parametrize("text", ["", "账", "采购", "政府采购与固定资产台账", "采政府购", "招标招标", "标招", "资"])
def test_keyword_hits_are_the_verbatim_words_and_the_best_bigram_shares(text: str) -> None:
    from analysis.categorize.keywords import NEAR_THRESHOLD, keyword_hits

    def bigrams(s: str) -> set[str]:
        return {s[i : i + 2] for i in range(len(s) - 1)} or {s}

    exact = {key: [w for w in words if w in text] for key, words in _KEYWORDS.items()}
    near: dict[str, tuple[float, str]] = {}
    for key, words in _KEYWORDS.items():
        for word in words:
            share = len(bigrams(word) & bigrams(text)) / len(bigrams(word)) if text else 0.0
            if share >= NEAR_THRESHOLD and share > near.get(key, (0.0, ""))[0]:
                near[key] = (share, word)
    hits = keyword_hits(text, _KEYWORDS)
    assert hits.exact == {key: words for key, words in exact.items() if words}
    assert hits.near == near


def test_pushing_features_are_the_positive_ones_strongest_first() -> None:
    import numpy as np
    from scipy.sparse import csr_matrix

    from analysis.categorize.explain import pushing_features

    features = csr_matrix(np.array([[0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [1.0, 2.0, 2.0, 1.0, 3.0, 0.5]]))
    coefficients = np.array([1.0, 1.0, 1.0, 2.0, -1.0, 1.0])
    shown = np.array([True, True, True, True, True, False])
    assert pushing_features(features, 0, coefficients, shown) == []
    assert pushing_features(features, 1, coefficients, shown) == [3, 2, 1, 0]  # ties: the higher column first
    assert pushing_features(features, 1, coefficients, shown, limit=2) == [3, 2]
    assert pushing_features(features, 1, coefficients, shown, limit=3) == [3, 2, 1]


# --- the shipped model, saved once per version -----------------------------------------------------------------


def test_saved_model_is_reused_and_a_broken_copy_refitted(
    tmp_path, monkeypatch: pytest.MonkeyPatch, gold: pd.DataFrame
) -> None:
    monkeypatch.setattr(model_module, "MODELS", tmp_path)
    model_module._shipped_model.cache_clear()
    try:
        fresh = model_module.fitted_model()
        (saved,) = tmp_path.glob("category-model-*.pickle")
        expected = fresh.predict(gold)

        model_module._shipped_model.cache_clear()
        loaded = model_module.fitted_model()
        assert loaded is not fresh
        pd.testing.assert_frame_equal(loaded.predict(gold), expected)

        saved.write_bytes(b"truncated")
        model_module._shipped_model.cache_clear()
        pd.testing.assert_frame_equal(model_module.fitted_model().predict(gold), expected)
        assert saved.read_bytes() != b"truncated"

        monkeypatch.setattr(model_module, "shipped_version", lambda: "another-version")
        model_module.fitted_model()
        assert [p.name for p in tmp_path.iterdir()] == ["category-model-another-version.pickle"]
    finally:
        model_module._shipped_model.cache_clear()
