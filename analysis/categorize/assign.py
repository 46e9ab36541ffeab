"""Problem categories (what went wrong) for extracted problems: codebook, classifier, overrides, evaluation.

    load_codebook()                              the codebook as shipped in analysis/data/categories.csv
    categorize(problems, training=None, measures=None)
                                                 category, category_confidence, category_evidence, category_source
    apply_overrides(problems, overrides)         researcher corrections, marked "manual"
    categorized(problems, measures, overrides)   both, as the pipeline uses them
    evaluate_loco(gold_problems, measures=None)  leave-one-city-out accuracy, Cohen's κ, per-category scores
    coding_flags(problems)                       which categories were machine-coded, and which with low confidence

Importing this module is cheap: scikit-learn loads when a model is fitted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from analysis.categorize.codebook import load_codebook, load_training
from analysis.categorize.fields import with_measures
from analysis.categorize.overrides import OverrideError, apply_overrides
from analysis.evaluate.categories import evaluate_loco

__all__ = [
    "OverrideError",
    "apply_overrides",
    "categorize",
    "categorized",
    "coding_flags",
    "evaluate_loco",
    "load_codebook",
    "load_training",
]


def categorize(
    problems: pd.DataFrame,
    training: pd.DataFrame | None = None,
    measures: pd.DataFrame | Sequence[Mapping[str, object]] | None = None,
) -> pd.DataFrame:
    """Assign one codebook category to each problem.

    `problems` may have title, area, topic, description and measures (the measures' text; any of them missing or
    empty). Pass the extracted measures table (or its rows, as dicts) as `measures` (doc_id, problem_seq, part, text)
    to have each problem's measures read too: they often name the failing object, and the shipped model is trained
    on them, so leaving them out costs accuracy. `training` has the same text columns plus category; by default the
    shipped training set (the hand-coded gold problems with their description and measures) is used.
    Returns, on the index of `problems`: category (a codebook key), category_confidence (0..1: the models'
    probability, or the rule's measured precision), category_evidence (the keywords or n-grams that decided) and
    category_source ("rule" or "model").
    """
    from analysis.categorize.model import fitted_model

    if measures is not None:
        problems = with_measures(problems, measures)
    return fitted_model(training).predict(problems)


def categorized(problems: list[dict], measures: list[dict], overrides: list[dict]) -> tuple[pd.DataFrame, list[str]]:
    """Problems rows with their categories; researchers' overrides win.

    Returns the problems and one message per override that could not be applied (then none is: an override is
    reported, never guessed).
    """
    frame = pd.DataFrame(problems)
    frame = frame.join(categorize(frame, measures=measures or None))  # the rows: no table needed to join them
    if not overrides:
        return frame, []
    try:
        return apply_overrides(frame, pd.DataFrame(overrides)), []
    except OverrideError as exc:
        return frame, [f"data/corrections.csv: category override not applied: {issue}" for issue in exc.issues]


def coding_flags(problems: pd.DataFrame) -> pd.DataFrame:
    """Per problem: `machine_coded` (by rule or model, not a researcher's correction) and `low_confidence` (machine-
    coded below analysis.categorize.model.LOW_CONFIDENCE: a category that deserves a researcher's look)."""
    from analysis.categorize.model import LOW_CONFIDENCE

    machine = problems["category_source"].isin(["rule", "model"])
    low = machine & (problems["category_confidence"].astype(float) < LOW_CONFIDENCE)
    return pd.DataFrame({"machine_coded": machine, "low_confidence": low}, index=problems.index)
