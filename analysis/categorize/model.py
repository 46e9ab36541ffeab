"""The classifier: two logistic regressions, one per view of a problem, averaged, under keyword rules.

- The title model (title_model.py) reads the title and its headings, with the codebook's typical words as features.
- The text model (body_model.py) reads the description and the measures.
A problem's category probabilities are the mean of the two models' probabilities; a problem with no description
and no measures is read by the title model alone, one with no title and no heading by the text model alone. The
two models are trained apart on purpose: one model on all fields at once lets the long texts drown the title.

A rule overrides the models when the title names typical words of exactly one category, either two of them or one
of at least RULE_MIN_CHARS characters: such a title says what went wrong in the codebook's own words.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.categorize.body_model import BodyModel
from analysis.categorize.codebook import (
    CODEBOOK_CSV,
    TRAINING_CSV,
    check_training,
    keyword_lists,
    load_codebook,
    load_training,
)
from analysis.categorize.fields import ProblemTexts
from analysis.categorize.keywords import KeywordHits, keyword_hits
from analysis.categorize.title_model import TitleModel
from analysis.paths import MODELS

# The text model's share where a problem has a description or measures (only the seeds have them: the real statements
# of other agencies are titles). Chosen on the seeds' leave-one-city-out κ, trained with the real statements:
# 0.5 → 0.770, 0.6 → 0.793, 0.7 → 0.785 (it does not change any prediction for a title-only statement).
BODY_WEIGHT = 0.6
RULE_MIN_CHARS = 3
# Share of rule decisions that agree with the hand coding, held out (leave-one-source-out and leave-one-city-out)
# over the seeds and the 415 real statements: 203 of 219 (0.93).
RULE_CONFIDENCE = 0.93
# core_mandate is the codebook's residual for an agency's own work: "when no category above names the failing object".
# Unsure, the models fall back on it (leave-one-source-out over the real statements, it took 13 points more than its
# human share); its probability is scaled by this weight, and the probabilities renormalised, before the categories
# are compared. Chosen on the leave-one-source-out κ of the first 233 real statements (1.0 → 0.689, 0.7 → 0.734,
# 0.5 → 0.726; 0.5 keeps every category within 5 points of its human share and gives the best
# leave-one-agency-type-out κ): the cross-validated scores are therefore slightly optimistic for this one choice.
RESIDUAL_CATEGORY = "core_mandate"
RESIDUAL_WEIGHT = 0.5
# Weight of a real statement against a seed problem in the title model: equal. With 415 real statements, 0.5 lifts
# leave-one-city-out on the seeds (0.777 → 0.793) and costs leave-one-source-out (0.758 → 0.745): the real
# statements of other agencies are what the classifier is for.
REAL_WEIGHT = 1.0
# Below this (calibrated) confidence a machine-coded category is flagged for a researcher's look: held out over the
# real statements of other agencies, 134 of 511 fall below it and 57 % of those are right, against 89 % above it.
LOW_CONFIDENCE = 0.7
# The models' probability of the category they choose is under-confident (balanced class weights, the residual
# weight and the averaging of two models spread it): of the held-out statements given 0.0–0.3, half were right. The
# confidence reported is a logistic map of its log-odds, slope and intercept fitted on the held-out predictions of
# leave-one-source-out (real statements) and leave-one-city-out (seeds) by `python -m analysis.evaluate.transfer
# --fit-confidence`: top-label Brier score 0.174 → 0.132 (real) and 0.177 → 0.131 (seeds), each held-out group's
# map fitted without it.
CONFIDENCE_SLOPE = 0.59
CONFIDENCE_INTERCEPT = 1.11
TITLE_EVIDENCE_ITEMS = 3
BODY_EVIDENCE_ITEMS = 2

OUTPUT_COLUMNS = ["category", "category_confidence", "category_evidence", "category_source"]


class CategoryModel:
    """A fitted classifier over one codebook; build with `fit`, use with `predict`."""

    def __init__(self, codebook: pd.DataFrame) -> None:
        self.codebook = codebook
        self.keywords = keyword_lists(codebook)

    def fit(self, training: pd.DataFrame, body_model: BodyModel | None = None) -> CategoryModel:
        """Fit on labelled problems (title, optional area/topic/description/measures, category) and the codebook.

        Both models also learn each typical word of the codebook as a one-word example of its category. Rows whose
        `source` is "real" (statements of other agencies) weigh REAL_WEIGHT in the title model. `body_model`, a text
        model already fitted on the same texts with a body, is reused instead of fitted again (cross-validation
        folds that hold out title-only statements all have the same text model).
        """
        check_training(training, self.codebook)
        texts = ProblemTexts.of(training)
        labels = training["category"].astype(str).tolist()
        words = [w for ws in self.keywords.values() for w in ws]
        word_labels = [key for key, ws in self.keywords.items() for _ in ws]
        titles = ProblemTexts(
            title=texts.title + words,
            heading=texts.heading + [""] * len(words),
            cue=texts.cue + words,
            body=texts.body + [""] * len(words),
        )
        weights = np.ones(len(titles.title))
        if "source" in training.columns:
            weights[: len(training)] = np.where(training["source"].to_numpy() == "real", REAL_WEIGHT, 1.0)
        self.title_model = TitleModel(self.keywords).fit(titles, np.array(labels + word_labels), weights)
        if body_model is not None:
            self.body_model = body_model
            return self
        with_body = [i for i, body in enumerate(texts.body) if body]
        self.body_model = BodyModel().fit(
            [texts.body[i] for i in with_body] + words, np.array([labels[i] for i in with_body] + word_labels)
        )
        return self

    def predict(self, problems: pd.DataFrame, calibrated: bool = True) -> pd.DataFrame:
        """Categorise each row of `problems`; returns OUTPUT_COLUMNS on the same index.

        A model decision's confidence is its probability mapped by CONFIDENCE_SLOPE and CONFIDENCE_INTERCEPT, or the
        probability itself when `calibrated` is false (to fit that map).
        """
        if len(problems) == 0:
            return _typed(pd.DataFrame(index=problems.index, columns=OUTPUT_COLUMNS))
        texts = ProblemTexts.of(problems)
        cue_hits = self.title_model.cue_hits(texts)
        title_features = self.title_model.features(texts, cue_hits)
        body_features = self.body_model.features(texts.body)
        by_title = self.title_model.probabilities(title_features)
        by_body = self.body_model.probabilities(body_features)
        classes = sorted(set(by_title.columns) | set(by_body.columns))
        by_title = by_title.reindex(columns=classes, fill_value=0.0).to_numpy()
        by_body = by_body.reindex(columns=classes, fill_value=0.0).to_numpy()
        has_title = np.array([texts.has_title_view(i) for i in range(len(texts.title))], dtype=bool)
        has_body = np.array([bool(body) for body in texts.body], dtype=bool)
        weights = np.column_stack([np.where(has_title, 1 - BODY_WEIGHT, 0.0), np.where(has_body, BODY_WEIGHT, 0.0)])
        combined = _combined(by_title, by_body, weights, classes)
        best = np.argmax(combined, axis=1)
        rows = []
        for i, title_hits in enumerate(self._title_hits(texts, cue_hits)):
            if not (has_title[i] or has_body[i]):
                rows.append(("other", 0.0, "no text to categorise", "rule"))
                continue
            rule = _rule(title_hits)
            if rule is not None:
                key, words = rule
                rows.append((key, RULE_CONFIDENCE, "rule: title names " + ", ".join(words), "rule"))
                continue
            key = classes[best[i]]
            evidence = []
            if has_title[i]:
                evidence += self.title_model.evidence(title_features, i, key, cue_hits[i], TITLE_EVIDENCE_ITEMS)
            if has_body[i]:
                evidence += self.body_model.evidence(body_features, i, key, BODY_EVIDENCE_ITEMS)
            shares = ", ".join(
                f"{view} {p[best[i]]:.2f}"
                for view, p, w in (("title", by_title[i], weights[i, 0]), ("text", by_body[i], weights[i, 1]))
                if w
            )
            if evidence:
                text = f"model ({shares}): " + "; ".join(evidence)
            else:
                text = f"model ({shares}): no feature favours {key}; it is the least unlikely category"
            confidence = float(combined[i, best[i]])
            rows.append((key, calibrate(confidence) if calibrated else confidence, text, "model"))
        return _typed(pd.DataFrame(rows, index=problems.index, columns=OUTPUT_COLUMNS))

    def _title_hits(self, texts: ProblemTexts, cue_hits: list[KeywordHits]) -> list[KeywordHits]:
        """The keyword hits of each title, for the rule; a title without a topic is its cue text, already read."""
        return [
            hits if cue == title else keyword_hits(title, self.keywords)
            for title, cue, hits in zip(texts.title, texts.cue, cue_hits, strict=True)
        ]


def _combined(by_title: np.ndarray, by_body: np.ndarray, weights: np.ndarray, classes: list[str]) -> np.ndarray:
    """Each problem's category probabilities: the two models' weighted mean, the residual category scaled down.

    All problems at once (one problem at a time was a dozen numpy calls each); every element goes through the same
    operations in the same order as it did one row at a time. A row with no view gets zeros, and is not used.
    """
    total = weights.sum(axis=1)
    total[total == 0] = 1.0
    combined = (weights[:, :1] * by_title + weights[:, 1:] * by_body) / total[:, None]
    # Row by row, each row was a contiguous array summed pairwise; the models' frames give column-major arrays, whose
    # rows numpy would sum in another order (a last-bit difference): sum C-ordered rows.
    combined = np.ascontiguousarray(combined)
    if RESIDUAL_CATEGORY in classes:
        combined[:, classes.index(RESIDUAL_CATEGORY)] *= RESIDUAL_WEIGHT
        sums = combined.sum(axis=1)
        sums[sums == 0] = 1.0
        combined /= sums[:, None]
    return combined


def calibrate(probability: float) -> float:
    """The reported confidence of a model decision whose combined probability is `probability`."""
    p = min(max(probability, 1e-6), 1 - 1e-6)
    return float(1 / (1 + np.exp(-(CONFIDENCE_SLOPE * np.log(p / (1 - p)) + CONFIDENCE_INTERCEPT))))


def _rule(title_hits: KeywordHits) -> tuple[str, list[str]] | None:
    """The category and words of the rule that decides a title with these keyword hits, if one does.

    The residual category never decides by rule: the codebook gives it a problem only when no other category names
    the failing object, which its own typical words (履职尽责, 服务群众) cannot tell.
    """
    if len(title_hits.exact) != 1:
        return None
    key, words = next(iter(title_hits.exact.items()))
    if key == RESIDUAL_CATEGORY:
        return None
    if len(words) >= 2 or any(len(w) >= RULE_MIN_CHARS for w in words):
        return key, words
    return None


def _typed(out: pd.DataFrame) -> pd.DataFrame:
    return out.astype(
        {
            "category": "string",
            "category_confidence": "float64",
            "category_evidence": "string",
            "category_source": "string",
        }
    )


def fitted_model(training: pd.DataFrame | None = None, codebook: pd.DataFrame | None = None) -> CategoryModel:
    """A model fitted on `training` (default: the shipped training set) under `codebook` (default: shipped).

    The model of the shipped files is fitted once per version of them and of this package's code, and kept in
    models/ (see `_shipped_model`).
    """
    if training is None and codebook is None:
        return _shipped_model(shipped_version())
    codebook = codebook if codebook is not None else load_codebook()
    training = training if training is not None else load_training(codebook=codebook)
    return CategoryModel(codebook).fit(training)


def shipped_version() -> str:
    """What the shipped model depends on: codebook, training set, the classifier's code, scikit-learn and numpy.

    Hashing the files takes a third of a second and a batch asks once per chunk: the hash is kept while the files'
    sizes and modification times stay the same (an edited codebook is seen at once)."""
    files = (CODEBOOK_CSV, TRAINING_CSV, *sorted(Path(__file__).parent.glob("*.py")))
    return _version_of(tuple((path, path.stat().st_mtime_ns, path.stat().st_size) for path in files))


@lru_cache(maxsize=4)
def _version_of(stamps: tuple[tuple[Path, int, int], ...]) -> str:
    from importlib.metadata import version  # not `import sklearn`: a worker that loads a saved model needs none

    digest = hashlib.sha256(f"scikit-learn {version('scikit-learn')}, numpy {np.__version__}".encode())
    for path, _, _ in stamps:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=1)
def _shipped_model(version: str) -> CategoryModel:
    """The model of the shipped files, loaded from models/ or fitted and saved there.

    Fitting takes seconds, and every worker process of a batch needs the model: the saved copy makes that a
    one-time cost per version. The file is only ever written by this function; one that cannot be read (another
    version of Python's pickle, a truncated write) is fitted again and replaced.
    """
    path = MODELS / f"category-model-{version}.pickle"
    try:
        model = pickle.loads(path.read_bytes())
        if isinstance(model, CategoryModel):
            return model
    except Exception:  # a missing or unreadable copy: fit below
        pass
    codebook = load_codebook()
    model = CategoryModel(codebook).fit(load_training(codebook=codebook))
    _save(model, path)
    return model


def _save(model: CategoryModel, path: Path) -> None:
    """Write atomically (workers may race to save the same version), dropping the copies of other versions."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        staging = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        staging.write_bytes(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(staging, path)
        for old in path.parent.glob("category-model-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:  # a read-only checkout still categorises; it fits the model in each process
        pass
