"""A fitted multinomial logistic regression reduced to its coefficients, for predicting without scikit-learn.

Every worker of a batch loads the shipped model; with scikit-learn's LogisticRegression in it, unpickling imported
scikit-learn (most of a second of each worker's start) for one matrix product and a softmax. `Softmax.of` keeps the
fitted coefficients and computes `predict_proba` as scikit-learn does, operation for operation, so the probabilities
are the same numbers, bit for bit (tests/test_categories.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Softmax:
    """The coefficients of a fitted multinomial LogisticRegression (three classes or more)."""

    coef_: np.ndarray
    intercept_: np.ndarray
    classes_: np.ndarray

    @classmethod
    def of(cls, fitted) -> Softmax | object:
        """The coefficients of `fitted`; a binary model (one row of coefficients, a logistic, not a softmax) is kept
        as it is."""
        if len(fitted.classes_) <= 2:
            return fitted
        return cls(np.asarray(fitted.coef_), np.asarray(fitted.intercept_), np.asarray(fitted.classes_))

    def predict_proba(self, features) -> np.ndarray:
        """Class probabilities of each row of the sparse matrix `features`: LogisticRegression.predict_proba."""
        scores = features @ self.coef_.T + self.intercept_  # decision_function
        # sklearn.utils.extmath.softmax, in place
        scores -= np.max(scores, axis=1).reshape((-1, 1))
        np.exp(scores, out=scores)
        scores /= np.sum(scores, axis=1).reshape((-1, 1))
        return scores
