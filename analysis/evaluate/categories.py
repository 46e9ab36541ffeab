"""Leave-one-city-out evaluation: train on every other city, predict the held-out one, pool the predictions.

The keyword rules and features come from the codebook alone, and the models of each fold see no problem of the
city they predict, so every score here is what a new city's notice can expect (on the text fields the input frame
has).
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from analysis.categorize.codebook import load_codebook
from analysis.categorize.fields import TEXT_COLUMNS, document_column, with_measures
from analysis.categorize.model import CategoryModel


def loco_predictions(gold_problems: pd.DataFrame, codebook: pd.DataFrame | None = None) -> pd.DataFrame:
    """Predictions for every gold problem of a city from a model fitted on the other cities only.

    Rows without a city (the real statements of other agencies in the shipped training set) are always trained on
    and never predicted. Returns the predictions on the index of the rows with a city.
    """
    codebook = codebook if codebook is not None else load_codebook()
    groups = gold_problems[document_column(gold_problems)].astype(str)
    folds = []
    for city in groups[groups != ""].unique():
        held_out = groups == city
        model = CategoryModel(codebook).fit(gold_problems[~held_out])
        folds.append(model.predict(gold_problems[held_out]))
    return pd.concat(folds).loc[gold_problems.index[groups != ""]]


def evaluate_loco(gold_problems: pd.DataFrame, measures: pd.DataFrame | None = None) -> dict:
    """Score leave-one-city-out predictions against the gold `category` column; JSON-serialisable.

    `gold_problems` may carry description and measures columns (the shipped training set does); or pass the
    measures table as `measures`, joined on doc_id (or city_key) and problem_seq.

    Returns n, cities, text_columns (the fields the predictions could read), accuracy, kappa (Cohen's, pooled over
    all problems), per_category (precision, recall, f1, support), confusion ({labels, matrix}: rows are gold, columns
    predicted), confused_pairs (gold → predicted, most frequent first), per_city ({n, accuracy}) and by_source
    ({rule|model: {n, accuracy}}).
    """
    from sklearn.metrics import accuracy_score, cohen_kappa_score, confusion_matrix, precision_recall_fscore_support

    if measures is not None:
        gold_problems = with_measures(gold_problems, measures)
    predicted = loco_predictions(gold_problems)
    gold_problems = gold_problems.loc[predicted.index]
    gold = gold_problems["category"].astype(str)
    guess = predicted["category"].astype(str)
    labels = sorted(set(gold) | set(guess))
    precision, recall, f1, support = precision_recall_fscore_support(gold, guess, labels=labels, zero_division=0)
    groups = gold_problems[document_column(gold_problems)]
    correct = gold == guess
    pairs = Counter((g, p) for g, p in zip(gold, guess, strict=True) if g != p)
    return {
        "n": len(gold),
        "cities": [str(c) for c in groups.unique()],
        "text_columns": [
            c for c in TEXT_COLUMNS if c in gold_problems.columns and gold_problems[c].fillna("").astype(str).any()
        ],
        "accuracy": float(accuracy_score(gold, guess)),
        "kappa": float(cohen_kappa_score(gold, guess)),
        "per_category": {
            label: {
                "precision": float(precision[i]),
                "recall": float(recall[i]),
                "f1": float(f1[i]),
                "support": int(support[i]),
            }
            for i, label in enumerate(labels)
        },
        "confusion": {
            "labels": labels,
            "matrix": confusion_matrix(gold, guess, labels=labels).tolist(),
        },
        "confused_pairs": [
            {"gold": g, "predicted": p, "n": n} for (g, p), n in sorted(pairs.items(), key=lambda kv: -kv[1])
        ],
        "per_city": {
            str(city): {"n": int((groups == city).sum()), "accuracy": float(correct[groups == city].mean())}
            for city in groups.unique()
        },
        "by_source": {
            str(source): {
                "n": int((predicted["category_source"] == source).sum()),
                "accuracy": float(correct[predicted["category_source"] == source].mean()),
            }
            for source in predicted["category_source"].unique()
        },
    }
