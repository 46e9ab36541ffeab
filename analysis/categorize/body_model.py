"""The text classifier: character n-grams of a problem's description and measures, in a logistic regression.

It reads what the title model cannot: the notice's statement of the problem and what was done about it, where
the failing object is often named (采购, 合同, 资产, 云资源, 数据共享…). As for the titles, every typical word of the
codebook is also a one-word training example, which anchors the n-grams of long texts to the codebook's words.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.categorize.explain import pushing_features
from analysis.categorize.linear import Softmax
from analysis.categorize.ngrams import CharTfidf

REGULARISATION_C = 10.0
CLASS_WEIGHT = "balanced"
# An n-gram seen in one training text only cannot generalise; dropping them also keeps the fit fast.
MIN_DOCUMENT_FREQUENCY = 2


class BodyModel:
    """Logistic regression on the text view; build with `fit`, then `probabilities` and `evidence`."""

    def features(self, body: list[str]):
        """The sparse feature matrix of the text views `body` (one row per problem)."""
        return self.vectorizer.transform(body)

    def fit(self, body: list[str], labels) -> BodyModel:
        """Fit on labelled text views (the codebook's words among them); empty texts must be left out."""
        from sklearn.linear_model import LogisticRegression

        self.vectorizer = CharTfidf(ngram_range=(1, 3), min_df=MIN_DOCUMENT_FREQUENCY).fit(body)
        self.feature_names = self.vectorizer.get_feature_names_out()
        # A single character of a long text tells a reader nothing: evidence names the longer n-grams only.
        self.shown = np.array([len(name) > 1 for name in self.feature_names], dtype=bool)
        self.classifier = LogisticRegression(
            C=REGULARISATION_C, class_weight=CLASS_WEIGHT, solver="newton-cg", max_iter=1000
        )
        self.classifier.fit(self.features(body), labels)
        self.classifier = Softmax.of(self.classifier)  # predicts without scikit-learn
        return self

    def probabilities(self, features) -> pd.DataFrame:
        """Class probabilities, one column per category the model knows."""
        return pd.DataFrame(self.classifier.predict_proba(features), columns=list(self.classifier.classes_))

    def evidence(self, features, i: int, key: str, items: int) -> list[str]:
        """The n-grams (two characters or more) of row `i` of `features` that pushed hardest towards `key`."""
        classes = list(self.classifier.classes_)
        if key not in classes:
            return []
        coefficients = self.classifier.coef_[classes.index(key)]
        columns = pushing_features(features, i, coefficients, self.shown, items)
        return [f"description/measures n-gram '{self.feature_names[col]}'" for col in columns]
