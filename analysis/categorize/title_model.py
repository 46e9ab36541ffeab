"""The title classifier: character n-grams of the title, its headings and codebook keyword hits, in one logistic
regression.

Features of a problem, in four blocks:
- character 1–3-grams of the title;
- character 2–3-grams of the headings (area, topic), weighted down: the codebook uses headings only to break ties;
- per category, the number of its typical words found in the title and topic;
- per category, the best near hit of one of its typical words in the title and topic.
Every typical word of the codebook is also a one-word training example of its category, so a category that the
training problems barely cover is still learnable from the codebook alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.categorize.explain import pushing_features
from analysis.categorize.fields import ProblemTexts
from analysis.categorize.keywords import exact_hits, near_hits
from analysis.categorize.ngrams import CharTfidf

HEADING_WEIGHT = 0.3
KEYWORD_WEIGHT = 1.0
NEAR_WEIGHT = 1.0
REGULARISATION_C = 10.0


class TitleModel:
    """Logistic regression on the title view; build with `fit`, then `probabilities` and `evidence`."""

    def __init__(self, keywords: dict[str, tuple[str, ...]]) -> None:
        self.keywords = keywords
        self.keys = list(keywords)

    def _keyword_block(self, texts: list[str]) -> np.ndarray:
        counts = np.zeros((len(texts), len(self.keys)))
        for i, text in enumerate(texts):
            for key, words in exact_hits(text, self.keywords).items():
                counts[i, self.keys.index(key)] = len(words)
        return counts

    def _near_block(self, texts: list[str]) -> np.ndarray:
        shares = np.zeros((len(texts), len(self.keys)))
        for i, text in enumerate(texts):
            for key, (share, _) in near_hits(text, self.keywords).items():
                shares[i, self.keys.index(key)] = share
        return shares

    def features(self, texts: ProblemTexts):
        """The sparse feature matrix of `texts` (one row per problem)."""
        from scipy.sparse import csr_matrix, hstack

        return hstack(
            [
                self.title_vectorizer.transform(texts.title),
                HEADING_WEIGHT * self.heading_vectorizer.transform(texts.heading),
                csr_matrix(KEYWORD_WEIGHT * self._keyword_block(texts.cue)),
                csr_matrix(NEAR_WEIGHT * self._near_block(texts.cue)),
            ]
        ).tocsr()

    def fit(self, texts: ProblemTexts, labels: np.ndarray) -> TitleModel:
        """Fit on the title views of labelled examples (the codebook's words among them)."""
        from sklearn.linear_model import LogisticRegression

        self.title_vectorizer = CharTfidf(ngram_range=(1, 3)).fit(texts.title)
        # A placeholder keeps the vocabulary non-empty when the training problems have no headings at all.
        self.heading_vectorizer = CharTfidf(ngram_range=(2, 3)).fit([*texts.heading, "无标题"])
        self.feature_names = (
            [("title n-gram", g) for g in self.title_vectorizer.get_feature_names_out()]
            + [("heading n-gram", g) for g in self.heading_vectorizer.get_feature_names_out()]
            + [("keyword", k) for k in self.keys]
            + [("near keyword", k) for k in self.keys]
        )
        # Balanced weights: without them the biggest category (public_service) wins every title that says little.
        self.classifier = LogisticRegression(
            C=REGULARISATION_C, class_weight="balanced", solver="newton-cg", max_iter=1000
        )
        self.classifier.fit(self.features(texts), labels)
        return self

    def probabilities(self, features) -> pd.DataFrame:
        """Class probabilities, one column per category the model knows."""
        return pd.DataFrame(self.classifier.predict_proba(features), columns=list(self.classifier.classes_))

    def evidence(self, row, key: str, texts: ProblemTexts, i: int, items: int) -> list[str]:
        """Up to `items` features of one feature row that pushed hardest towards `key`, in words a reader can check."""
        coefficients = self.classifier.coef_[list(self.classifier.classes_).index(key)]
        parts: list[str] = []
        keyword_categories: set[str] = set()
        for _, col in pushing_features(row, coefficients):
            if len(parts) == items:
                break
            kind, name = self.feature_names[col]
            if kind in ("keyword", "near keyword") and name in keyword_categories:
                continue  # an exact hit also scores as a full near hit: name its words once
            if kind.endswith("n-gram") and len(name) == 1:
                continue  # a single character tells a reader nothing
            if kind == "near keyword":
                share, word = near_hits(texts.cue[i], self.keywords)[name]
                if share < 1:
                    parts.append(f"near keyword of {name}: {word} ({share:.0%})")
                    continue
            if kind in ("keyword", "near keyword"):
                words = exact_hits(texts.cue[i], self.keywords)[name]
                parts.append(f"keywords of {name}: {', '.join(words)}")
                keyword_categories.add(name)
            else:
                parts.append(f"{kind} '{name}'")
        return parts
