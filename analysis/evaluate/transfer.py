"""How the classifier does on agencies it was not trained on: cross-validation over the shipped training set.

The training set holds the seeds (five data bureaus, with description and measures) and real problem statements of
other agencies (titles only, `source` = "real", with issuer, agency type and source page). Three schemes, each
predicting every row of one part from a model fitted on all other rows:

- leave-one-source-out (LOSO): the real statements, one source page (`url`) held out at a time — a notice of an
  agency the model never saw;
- leave-one-agency-type-out (LOAT): the real statements, one agency type held out at a time — a kind of agency
  the model never saw (harder: courts are judged without any court in training);
- leave-one-city-out (LOCO): the seeds, one city held out at a time, the real statements always in training.

Each reports κ and accuracy with 95 % intervals from a bootstrap over the held-out groups (sources or cities),
per category (precision, recall, predicted and human share) and per agency type, and the calibration of the
confidence: the top-label Brier score and a reliability table (confidence bins against the share right).

    python -m analysis.evaluate.transfer [--json]     the three schemes' headline numbers (40 s on 2 cores)
    python -m analysis.evaluate.transfer --fit-confidence
                                                        refit the confidence map (model.CONFIDENCE_SLOPE/INTERCEPT)
    python -m analysis.evaluate.transfer --record     record the LOSO agreement the figures quote (after any change
                                                        to the codebook, training set or classifier code)
"""

from __future__ import annotations

import json
import os
import sys
from itertools import pairwise
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.categorize.codebook import load_codebook, load_training
from analysis.categorize.model import LOW_CONFIDENCE, CategoryModel, shipped_version
from analysis.paths import MODELS

# the agreement the figures quote, recorded for one model version (python -m analysis.evaluate.transfer --record)
AGREEMENT = Path(__file__).resolve().parents[1] / "data" / "category_agreement.json"
BOOTSTRAP_SAMPLES = 1000
RELIABILITY_BINS = (0.0, 0.3, 0.5, 0.7, 0.9, 1.0001)
SCHEMES = {
    "loso": ("real", "url", "leave-one-source-out over the real statements of other agencies"),
    "loat": ("real", "agency_type", "leave-one-agency-type-out over the real statements"),
    "loco": ("seed", "city_key", "leave-one-city-out over the seeds (real statements always in training)"),
}


def cross_predictions(
    training: pd.DataFrame, part: str, group_column: str, codebook=None, calibrated: bool = True
) -> pd.DataFrame:
    """Predictions for the rows of `training` whose source is `part`, each from a model fitted without its group.

    Returns the predicted columns (category, category_confidence, category_evidence, category_source) on those rows'
    index, plus `group`.
    """
    codebook = codebook if codebook is not None else load_codebook()
    rows = training["source"] == part
    groups = training[group_column]
    has_body = (training["description"].astype(str) != "") | (training["measures"].astype(str) != "")
    held_out = [rows & (groups == group) for group in groups[rows].unique()]
    # The text model reads only rows with a body: holding out title-only rows leaves it unchanged, so the folds that
    # hold out titles only share one.
    title_only = [held for held in held_out if not has_body[held].any()]
    shared_body = CategoryModel(codebook).fit(training[~title_only[0]]).body_model if title_only else None
    bodies = [None if has_body[held].any() else shared_body for held in held_out]
    folds = _map_folds(training, held_out, bodies, codebook, calibrated)
    folds = [fold.assign(group=groups[held]) for fold, held in zip(folds, held_out, strict=True)]
    return pd.concat(folds).loc[training.index[rows]]


# Below this many folds the fits run in this process: a pool's start costs more than it saves.
PARALLEL_FOLDS = 8


def _map_folds(training: pd.DataFrame, held_out: list, bodies: list, codebook, calibrated: bool) -> list:
    """Each fold's predictions, in order; on every usable core when there are many folds (the fits are
    independent and deterministic, so the predictions do not depend on where they ran).

    Each fit runs on one BLAS thread: the fits are small, and BLAS threads fighting over two cores made leave-one-
    source-out over 511 statements take 94 s instead of 56 s in one process (30 s on two)."""
    from concurrent.futures import ProcessPoolExecutor
    from itertools import repeat

    from threadpoolctl import threadpool_limits

    from analysis.engine.pool import usable_cores

    arguments = (repeat(training), held_out, bodies, repeat(codebook), repeat(calibrated))
    workers = min(usable_cores(), len(held_out))
    if len(held_out) < PARALLEL_FOLDS or workers < 2:
        with threadpool_limits(limits=1):
            return list(map(_fold, *arguments))
    with ProcessPoolExecutor(max_workers=workers, initializer=_one_blas_thread) as pool:
        return list(pool.map(_fold, *arguments, chunksize=max(1, len(held_out) // (4 * workers))))


def _one_blas_thread() -> None:
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)


def _fold(training: pd.DataFrame, held, body_model, codebook, calibrated: bool) -> pd.DataFrame:
    """The predictions for the rows `held` of a model fitted on the other rows (with `body_model` when given)."""
    model = CategoryModel(codebook).fit(training[~held], body_model=body_model)
    return model.predict(training[held], calibrated=calibrated)


def score(gold: pd.Series, predicted: pd.DataFrame, agency_type: pd.Series, seed: int = 0) -> dict:
    """Agreement of `predicted` (cross_predictions) with `gold` categories; JSON-serialisable."""
    from sklearn.metrics import accuracy_score, cohen_kappa_score, precision_recall_fscore_support

    gold = gold.astype(str)
    guess = predicted["category"].astype(str)
    confidence = predicted["category_confidence"].astype(float)
    correct = (gold == guess).to_numpy()
    groups = predicted["group"].astype(str).to_numpy()
    labels = sorted(set(gold) | set(guess))
    precision, recall, _, support = precision_recall_fscore_support(gold, guess, labels=labels, zero_division=0)
    human_share = gold.value_counts(normalize=True)
    machine_share = guess.value_counts(normalize=True)
    per_category = {
        label: {
            "support": int(support[i]),
            "precision": float(precision[i]),
            "recall": float(recall[i]),
            "human_share": float(human_share.get(label, 0.0)),
            "predicted_share": float(machine_share.get(label, 0.0)),
        }
        for i, label in enumerate(labels)
    }
    excess = {label: c["predicted_share"] - c["human_share"] for label, c in per_category.items()}
    worst = max(excess, key=excess.get)
    kappa_ci, accuracy_ci = _bootstrap(gold.to_numpy(), guess.to_numpy(), groups, seed)
    return {
        "n": len(gold),
        "groups": len(set(groups)),
        "kappa": float(cohen_kappa_score(gold, guess)),
        "kappa_ci95": kappa_ci,
        "accuracy": float(accuracy_score(gold, guess)),
        "accuracy_ci95": accuracy_ci,
        "max_share_excess": {"category": worst, "points": round(100 * excess[worst], 1)},
        "per_category": per_category,
        "per_agency_type": {
            str(kind): {
                "n": int((agency_type == kind).sum()),
                "accuracy": float(correct[(agency_type == kind).to_numpy()].mean()),
            }
            for kind in sorted(agency_type.unique())
        },
        "by_source": {
            str(source): {
                "n": int((predicted["category_source"] == source).sum()),
                "accuracy": float(correct[(predicted["category_source"] == source).to_numpy()].mean()),
            }
            for source in sorted(predicted["category_source"].astype(str).unique())
        },
        "calibration": reliability(confidence.to_numpy(), correct),
    }


def reliability(confidence: np.ndarray, correct: np.ndarray) -> dict:
    """Top-label Brier score (mean of (confidence − right)²), the reliability table and the low-confidence share."""
    table = []
    for low, high in pairwise(RELIABILITY_BINS):
        inside = (confidence >= low) & (confidence < high)
        if inside.any():
            table.append(
                {
                    "bin": f"{low:.1f}–{min(high, 1.0):.1f}",
                    "n": int(inside.sum()),
                    "mean_confidence": float(confidence[inside].mean()),
                    "accuracy": float(correct[inside].mean()),
                }
            )
    low = confidence < LOW_CONFIDENCE
    return {
        "brier_top_label": float(np.mean((confidence - correct) ** 2)),
        "mean_confidence": float(confidence.mean()),
        "accuracy": float(correct.mean()),
        "low_confidence_threshold": LOW_CONFIDENCE,
        "low_confidence_share": float(low.mean()),
        "low_confidence_accuracy": float(correct[low].mean()) if low.any() else None,
        "high_confidence_accuracy": float(correct[~low].mean()) if (~low).any() else None,
        "reliability": table,
    }


def _bootstrap(gold: np.ndarray, guess: np.ndarray, groups: np.ndarray, seed: int) -> tuple[list, list]:
    """95 % percentile intervals of κ and accuracy, resampling whole groups (sources, cities) with replacement."""
    from sklearn.metrics import cohen_kappa_score

    rng = np.random.default_rng(seed)
    names = np.unique(groups)
    members = [np.flatnonzero(groups == name) for name in names]
    kappas, accuracies = [], []
    for _ in range(BOOTSTRAP_SAMPLES):
        rows = np.concatenate([members[i] for i in rng.integers(0, len(names), len(names))])
        g, p = gold[rows], guess[rows]
        accuracies.append(float((g == p).mean()))
        if len(set(g) | set(p)) > 1:
            kappas.append(float(cohen_kappa_score(g, p)))
    return _interval(kappas), _interval(accuracies)


def _interval(values: list[float]) -> list[float]:
    return [float(np.percentile(values, 2.5)), float(np.percentile(values, 97.5))] if values else [np.nan, np.nan]


def evaluate_transfer(training: pd.DataFrame | None = None, schemes=tuple(SCHEMES)) -> dict:
    """Score each scheme of SCHEMES (default: all three) on `training` (default: the shipped training set).

    The scores of the shipped files take about a minute (35 models); they are kept in models/ beside the model,
    per version of the codebook, training set, classifier code and libraries, so the command, the notebook and the
    tests compute them once per version."""
    if training is None:
        return {name: _shipped_scores(shipped_version(), name) for name in schemes}
    return _evaluate(training, schemes)


def recorded_agreement() -> dict | None:
    """The shipped model's leave-one-source-out agreement (kappa, its 95% interval, n) as recorded in the repository
    for this model version (`--record`), else None.

    For a figure's caption. It is recorded, not read from the cache in models/: a figure must not depend on whether
    the evaluation happened to run before the build (two clones of one commit draw the same figures)."""
    try:
        recorded = json.loads(AGREEMENT.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return recorded["loso"] if recorded.get("version") == shipped_version() else None


def record_agreement() -> dict:
    """Write the shipped model's leave-one-source-out agreement and its version to AGREEMENT; return it."""
    loso = evaluate_transfer(schemes=("loso",))["loso"]
    recorded = {"version": shipped_version(), "loso": {key: loso[key] for key in ("kappa", "kappa_ci95", "n")}}
    AGREEMENT.write_text(json.dumps(recorded, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return recorded


def _scores_path(version: str, scheme: str) -> Path:
    return MODELS / f"category-transfer-{version}-{scheme}.json"


def _shipped_scores(version: str, scheme: str) -> dict:
    path = _scores_path(version, scheme)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # missing or unreadable: computed below
        pass
    result = json.loads(json.dumps(_evaluate(None, (scheme,))[scheme]))  # the same types as a copy read back
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        staging = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        staging.write_text(json.dumps(result, sort_keys=True), encoding="utf-8")
        os.replace(staging, path)
        for old in path.parent.glob(f"category-transfer-*-{scheme}.json"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:  # a read-only checkout computes the scores each time
        pass
    return result


def _evaluate(training: pd.DataFrame | None, schemes) -> dict:
    codebook = load_codebook()
    training = training if training is not None else load_training(codebook=codebook)
    out = {}
    for name in schemes:
        part, column, description = SCHEMES[name]
        predicted = cross_predictions(training, part, column, codebook)
        rows = training.loc[predicted.index]
        out[name] = {"scheme": description, **score(rows["category"], predicted, rows["agency_type"])}
    return out


def summary(result: dict) -> str:
    """One line per scheme: κ and accuracy with intervals, the worst share excess, the Brier score."""
    lines = []
    for name, r in result.items():
        lines.append(
            f"{name}: n={r['n']} groups={r['groups']} κ={r['kappa']:.3f} "
            f"[{r['kappa_ci95'][0]:.2f}, {r['kappa_ci95'][1]:.2f}] accuracy={r['accuracy']:.3f} "
            f"[{r['accuracy_ci95'][0]:.2f}, {r['accuracy_ci95'][1]:.2f}] "
            f"max share excess {r['max_share_excess']['category']} {r['max_share_excess']['points']:+.1f} pts, "
            f"Brier {r['calibration']['brier_top_label']:.3f}, "
            f"low confidence {r['calibration']['low_confidence_share']:.0%}"
        )
    return "\n".join(lines)


def fit_confidence(training: pd.DataFrame | None = None) -> dict:
    """Fit the confidence map on the uncalibrated held-out model decisions of leave-one-source-out (real) and
    leave-one-city-out (seeds); report the top-label Brier score before and after, each group's map fitted without
    that group (cross-fitting), so that the improvement is not measured on the data it was fitted on."""
    from sklearn.linear_model import LogisticRegression

    codebook = load_codebook()
    training = training if training is not None else load_training(codebook=codebook)
    held = pd.concat(
        [
            cross_predictions(training, "real", "url", codebook, calibrated=False).assign(part="real"),
            cross_predictions(training, "seed", "city_key", codebook, calibrated=False).assign(part="seed"),
        ]
    )
    right = (held["category"].astype(str) == training.loc[held.index, "category"]).to_numpy()
    confidence = held["category_confidence"].astype(float).to_numpy()
    model = (held["category_source"] == "model").to_numpy()
    p = np.clip(confidence, 1e-6, 1 - 1e-6)
    log_odds = np.log(p / (1 - p))[:, None]

    def fitted(rows):
        return LogisticRegression(C=1e4).fit(log_odds[rows], right[rows])

    whole = fitted(model)
    mapped = confidence.copy()
    groups = held["group"].astype(str).to_numpy()
    for group in np.unique(groups[model]):
        inside = model & (groups == group)
        mapped[inside] = fitted(model & (groups != group)).predict_proba(log_odds[inside])[:, 1]
    out = {"slope": float(whole.coef_[0, 0]), "intercept": float(whole.intercept_[0])}
    for part in ("real", "seed"):
        rows = (held["part"] == part).to_numpy()
        out[part] = {
            "brier_uncalibrated": float(np.mean((confidence[rows] - right[rows]) ** 2)),
            "brier_cross_fitted": float(np.mean((mapped[rows] - right[rows]) ** 2)),
        }
    rules = ~model
    out["rule_accuracy"] = {"n": int(rules.sum()), "accuracy": float(right[rules].mean())}
    return out


if __name__ == "__main__":
    import json

    if "--fit-confidence" in sys.argv[1:]:
        print(json.dumps(fit_confidence(), indent=2))
        sys.exit(0)
    if "--record" in sys.argv[1:]:
        print(json.dumps(record_agreement(), ensure_ascii=False, indent=2))
        sys.exit(0)
    result = evaluate_transfer()
    print(json.dumps(result, ensure_ascii=False, indent=2) if "--json" in sys.argv[1:] else summary(result))
