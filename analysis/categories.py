"""Problem categories (what went wrong) for extracted problems: codebook, classifier, overrides, evaluation.

    load_codebook()                     the codebook as shipped in analysis/data/categories.csv
    categorize(problems, training=None) category, category_confidence, category_evidence, category_source per row
    apply_overrides(problems, overrides) researcher corrections, marked "manual"
    evaluate_loco(gold_problems)        leave-one-city-out accuracy, Cohen's κ, per-category scores, confusions

Importing this module is cheap: scikit-learn loads when a model is fitted.
"""

from __future__ import annotations

import pandas as pd

from analysis.categorize.codebook import load_codebook, load_training
from analysis.categorize.evaluate import evaluate_loco
from analysis.categorize.overrides import OverrideError, apply_overrides

__all__ = ["OverrideError", "apply_overrides", "categorize", "evaluate_loco", "load_codebook", "load_training"]


def categorize(problems: pd.DataFrame, training: pd.DataFrame | None = None) -> pd.DataFrame:
    """Assign one codebook category to each problem.

    `problems` may have title, area, topic and description (any of them missing or empty). `training` has the same
    text columns plus category; by default the shipped training set (the hand-coded gold problems) is used.
    Returns, on the index of `problems`: category (a codebook key), category_confidence (0..1: the model's
    probability, or the rule's measured precision), category_evidence (the keywords or n-grams that decided) and
    category_source ("rule" or "model").
    """
    from analysis.categorize.model import fitted_model

    return fitted_model(training).predict(problems)
