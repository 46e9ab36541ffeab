"""The category classifier on agencies it was not trained on (issue 14), and the `categorize` command."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from analysis.categorize.codebook import load_codebook, load_training
from analysis.categorize.model import shipped_version
from analysis.categorize.training import REAL_STATEMENTS
from analysis.cli import main
from analysis.evaluate import transfer
from analysis.evaluate.transfer import cross_predictions, evaluate_transfer, reliability
from analysis.paths import TEST_DATA
from analysis.report import style


@pytest.fixture(scope="module")
def training() -> pd.DataFrame:
    return load_training()


@pytest.fixture(scope="module")
def loso() -> dict:
    # the shipped files' scores: computed once per version of codebook, training set and code, then kept in models/
    return evaluate_transfer(schemes=("loso",))["loso"]


@pytest.fixture(scope="module")
def loso_of_three_sources(training: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cross-predictions over three sources only: enough to see which model predicted which row."""
    urls = training.loc[training["source"] == "real", "url"].unique()[:3]
    subset = training[(training["source"] == "seed") | training["url"].isin(urls)]
    return subset, cross_predictions(subset, "real", "url")


def test_training_holds_every_real_statement_with_its_provenance(training: pd.DataFrame) -> None:
    real = pd.concat([pd.read_csv(path, dtype=str, keep_default_na=False) for path in REAL_STATEMENTS])
    assert [path.parent.name for path in REAL_STATEMENTS] == ["real"] + ["category_statements"] * 3
    shipped = training[training["source"] == "real"]
    assert list(shipped["id"]) == list(real["id"])
    assert list(shipped["category"]) == list(real["category"])
    assert list(shipped["url"]) == list(real["url"])
    assert shipped["url"].str.startswith("http").all()
    assert set(training["source"]) == {"seed", "real"}
    assert training["id"].is_unique


def test_core_mandate_is_known_everywhere() -> None:
    assert "core_mandate" in set(load_codebook()["key"])
    assert "core_mandate" in style.category_keys()
    with style.language("en"):
        assert style.category_label("core_mandate") != "core_mandate"
    with style.language("zh"):
        assert style.category_label("core_mandate") == "履行职能与主责主业"
    from analysis.tables.dictionary import render_codebook

    assert "`core_mandate`" in render_codebook()


def test_loso_never_predicts_a_source_it_trained_on(loso_of_three_sources: tuple) -> None:
    subset, predicted = loso_of_three_sources
    assert list(predicted.index) == list(subset.index[subset["source"] == "real"])
    assert (predicted["group"] == subset.loc[predicted.index, "url"]).all()
    assert predicted["group"].nunique() == 3


def test_scores_are_computed_once_per_version_and_kept(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    from analysis.evaluate import transfer

    calls = []
    monkeypatch.setattr(transfer, "MODELS", tmp_path)
    monkeypatch.setattr(transfer, "_evaluate", lambda training, schemes: calls.append(schemes) or {"loso": {"k": 0.5}})
    assert transfer._shipped_scores("v1", "loso") == {"k": 0.5} == transfer._shipped_scores("v1", "loso")
    assert calls == [("loso",)]  # the second read the kept copy
    (tmp_path / "category-transfer-v1-loso.json").write_text("{broken", encoding="utf-8")
    assert transfer._shipped_scores("v1", "loso") == {"k": 0.5} and len(calls) == 2  # an unreadable copy: again
    transfer._shipped_scores("v2", "loso")
    assert [p.name for p in tmp_path.glob("*.json")] == ["category-transfer-v2-loso.json"]  # other versions go


def test_the_recorded_agreement_is_the_shipped_models(loso: dict) -> None:
    # the figures quote the recorded agreement: it must be this model's (after a change to the codebook, training
    # set or classifier code: python -m analysis.evaluate.transfer --record)
    recorded = json.loads(transfer.AGREEMENT.read_text(encoding="utf-8"))
    assert recorded["version"] == shipped_version(), "rerun python -m analysis.evaluate.transfer --record"
    assert recorded["loso"] == {key: loso[key] for key in ("kappa", "kappa_ci95", "n")}
    assert transfer.recorded_agreement() == recorded["loso"]


def test_loso_kappa_on_unseen_agencies(loso: dict) -> None:
    # Measured 0.782 [0.74, 0.83] (bootstrap over the 95 sources of 511 statements; 0.726 over the first 233); the
    # floor is that minus a margin. Before issue 14 the classifier got about 0.4 on these statements; the blind runs
    # on the later collections got 0.693 and 0.720 (tests/data/category_statements/README.md).
    assert loso["kappa"] >= 0.74, f"LOSO κ {loso['kappa']:.3f}"
    assert loso["kappa_ci95"][0] <= loso["kappa"] <= loso["kappa_ci95"][1]


def test_no_category_is_overpredicted_on_unseen_agencies(loso: dict) -> None:
    # Issue 14: no category's predicted share exceeds its human share by more than 10 points (measured: 1.8).
    assert loso["max_share_excess"]["points"] <= 10, loso["max_share_excess"]
    shares = loso["per_category"]
    assert shares["public_service"]["predicted_share"] <= 0.05


def test_confidence_says_something(loso: dict) -> None:
    calibration = loso["calibration"]
    json.dumps(calibration)
    # A confident category is right more often than an unsure one, and the confidence is calibrated: measured mean
    # 0.76 against 0.755 right, each bin of the reliability table within a few points (uncalibrated: 0.60 mean,
    # Brier 0.210). The map was fitted on these held-out predictions (two parameters; cross-fitted Brier 0.161).
    assert calibration["brier_top_label"] < 0.18
    assert calibration["high_confidence_accuracy"] > calibration["low_confidence_accuracy"] + 0.2
    assert abs(calibration["mean_confidence"] - calibration["accuracy"]) < 0.05
    for row in calibration["reliability"]:
        if row["n"] >= 30:
            assert abs(row["mean_confidence"] - row["accuracy"]) < 0.1, row
    assert sum(row["n"] for row in calibration["reliability"]) == loso["n"]


def test_reliability_of_a_perfectly_calibrated_toy() -> None:
    confidence = np.array([0.95] * 20 + [0.4] * 10)
    correct = np.array([True] * 19 + [False] + [True] * 4 + [False] * 6)
    table = reliability(confidence, correct)
    assert table["low_confidence_share"] == pytest.approx(1 / 3)
    assert table["brier_top_label"] == pytest.approx((19 * 0.05**2 + 0.95**2 + 4 * 0.6**2 + 6 * 0.4**2) / 30)
    assert [row["n"] for row in table["reliability"]] == [10, 20]


# --- the categorize command -------------------------------------------------------------------------------------


def test_categorize_command_writes_one_row_per_problem(tmp_path, capsys) -> None:
    source = tmp_path / "problems.csv"
    source.write_text(
        "id,title,description\na1,政府采购内控制度不完善,\na2,医德医风建设不够扎实,\na3,,\n", encoding="utf-8-sig"
    )
    before = source.read_bytes()
    out = tmp_path / "sub" / "out.csv"
    assert main(["categorize", str(source), "--out", str(out)]) == 0
    result = pd.read_csv(out, dtype={"id": str})
    assert list(result.columns) == ["id", "category", "category_confidence", "category_evidence", "category_source"]
    assert list(result["id"]) == ["a1", "a2", "a3"]
    assert set(result["category"]) <= set(load_codebook()["key"])
    assert result["category_confidence"].between(0, 1).all()
    assert source.read_bytes() == before
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]


def test_categorize_command_reads_gb18030(tmp_path) -> None:
    source = tmp_path / "gb.csv"
    source.write_bytes("id,title\n1,执行政府采购制度不到位\n".encode("gb18030"))
    out = tmp_path / "out.csv"
    assert main(["categorize", str(source), "--out", str(out)]) == 0
    assert pd.read_csv(out)["category"].tolist() == ["procurement_contracts"]


def test_categorize_command_reads_traditional_characters_as_simplified(tmp_path) -> None:
    # statements_d: problem lists copied from pages converted to traditional characters (keywords.clean_text maps
    # every text to simplified before it is read)
    simplified, traditional = "党风党纪教育薄弱,领导班子凝聚力不强", "黨風黨紀教育薄弱,領導班子凝聚力不強"
    source = tmp_path / "mixed.csv"
    source.write_text(f'id,title\ns,"{simplified}"\nt,"{traditional}"\n', encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["categorize", str(source), "--out", str(out)]) == 0
    result = pd.read_csv(out, dtype={"id": str}).set_index("id")
    assert result.loc["t"].tolist() == result.loc["s"].tolist()
    assert pd.read_csv(source, dtype=str)["title"].tolist() == [simplified, traditional]  # the input is untouched


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"name,text\nx,y\n", "missing column(s) id, title"),
        (b"\xff\xfe\x00\x81\x00bad", "not UTF-8 or GB18030"),
        (b"", "not a readable CSV"),
    ],
)
def test_categorize_command_refuses_hostile_input(tmp_path, capsys, content: bytes, message: str) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(content)
    out = tmp_path / "out.csv"
    assert main(["categorize", str(source), "--out", str(out)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("FAILED") and message in err[0], err
    assert not out.exists()


def test_categorize_command_never_overwrites_its_input(tmp_path, capsys) -> None:
    source = tmp_path / "in.csv"
    source.write_text("id,title\n1,作风不严不实问题\n", encoding="utf-8")
    before = source.read_bytes()
    assert main(["categorize", str(source), "--out", str(source)]) == 1
    assert source.read_bytes() == before
    assert "never overwritten" in capsys.readouterr().err


def test_shipped_model_on_statements_it_never_saw() -> None:
    """17 statements of 8 agencies outside the training set (tests/data/category_heldout/README.md); measured 16
    right, κ 0.91 (15, κ 0.82, with the first 233 real statements). The floor leaves room for two more misses."""
    from sklearn.metrics import cohen_kappa_score

    from analysis.categorize.assign import categorize

    heldout = pd.read_csv(TEST_DATA / "category_heldout" / "problem_categories.csv", dtype=str, keep_default_na=False)
    training = load_training()
    assert not set(heldout["url"]) & set(training["url"])
    assert not set(heldout["title"]) & set(training["title"])
    predicted = categorize(heldout[["title"]])["category"].astype(str)
    assert (predicted == heldout["category"]).sum() >= 14
    assert cohen_kappa_score(heldout["category"], predicted) >= 0.6
