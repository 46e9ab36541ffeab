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
from analysis.categorize.keywords import KeywordHits, keyword_hits
from analysis.categorize.linear import Softmax
from analysis.categorize.ngrams import CharTfidf

HEADING_WEIGHT = 0.3
KEYWORD_WEIGHT = 1.0
NEAR_WEIGHT = 1.0
REGULARISATION_C = 10.0
CLASS_WEIGHT = "balanced"


class TitleModel:
    """Logistic regression on the title view; build with `fit`, then `probabilities` and `evidence`."""

    def __init__(self, keywords: dict[str, tuple[str, ...]]) -> None:
        self.keywords = keywords
        self.keys = list(keywords)

    def cue_hits(self, texts: ProblemTexts) -> list[KeywordHits]:
        """The keyword hits of each problem's cue text: pass them to `features` and `evidence`."""
        # each distinct cue read once (problems share stock titles); the hits are only read, so rows may share them
        hits: dict[str, KeywordHits] = {}
        for cue in texts.cue:
            if cue not in hits:
                hits[cue] = keyword_hits(cue, self.keywords)
        return [hits[cue] for cue in texts.cue]

    def _keyword_blocks(self, cue_hits: list[KeywordHits]) -> tuple[np.ndarray, np.ndarray]:
        """Per problem and category: the number of exact keyword hits, and the best near hit's share."""
        column = {key: j for j, key in enumerate(self.keys)}
        counts = np.zeros((len(cue_hits), len(self.keys)))
        shares = np.zeros((len(cue_hits), len(self.keys)))
        for i, hits in enumerate(cue_hits):
            for key, words in hits.exact.items():
                counts[i, column[key]] = len(words)
            for key, (share, _) in hits.near.items():
                shares[i, column[key]] = share
        return counts, shares

    def features(self, texts: ProblemTexts, cue_hits: list[KeywordHits]):
        """The sparse feature matrix of `texts` (one row per problem), given their `cue_hits`."""
        from scipy.sparse import csr_matrix, hstack

        counts, shares = self._keyword_blocks(cue_hits)
        return hstack(
            [
                self.title_vectorizer.transform(texts.title),
                HEADING_WEIGHT * self.heading_vectorizer.transform(texts.heading),
                csr_matrix(KEYWORD_WEIGHT * counts),
                csr_matrix(NEAR_WEIGHT * shares),
            ]
        ).tocsr()

    def fit(self, texts: ProblemTexts, labels: np.ndarray, sample_weight: np.ndarray | None = None) -> TitleModel:
        """Fit on the title views of labelled examples (the codebook's words among them), optionally weighted."""
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
        # A single character tells a reader nothing: evidence leaves out the one-character n-grams.
        self.shown = np.array([not (kind.endswith("n-gram") and len(name) == 1) for kind, name in self.feature_names])
        # Balanced weights: without them the biggest category (public_service) wins every title that says little.
        self.classifier = LogisticRegression(
            C=REGULARISATION_C, class_weight=CLASS_WEIGHT, solver="newton-cg", max_iter=1000
        )
        self.classifier.fit(self.features(texts, self.cue_hits(texts)), labels, sample_weight=sample_weight)
        self.classifier = Softmax.of(self.classifier)  # predicts without scikit-learn
        return self

    def probabilities(self, features) -> pd.DataFrame:
        """Class probabilities, one column per category the model knows."""
        return pd.DataFrame(self.classifier.predict_proba(features), columns=list(self.classifier.classes_))

    def evidence(self, features, i: int, key: str, hits: KeywordHits, items: int) -> list[str]:
        """Up to `items` features of row `i` of `features` that pushed hardest towards `key`, in words a reader can
        check; `hits` are the keyword hits of the row's cue text."""
        coefficients = self.classifier.coef_[list(self.classifier.classes_).index(key)]
        parts: list[str] = []
        keyword_categories: set[str] = set()
        for col in pushing_features(features, i, coefficients, self.shown):
            if len(parts) == items:
                break
            kind, name = self.feature_names[col]
            if kind in ("keyword", "near keyword") and name in keyword_categories:
                continue  # an exact hit also scores as a full near hit: name its words once
            if kind == "near keyword":
                share, word = hits.near[name]
                if share < 1:
                    parts.append(f"near keyword of {name}: {word} ({share:.0%})")
                    continue
            if kind in ("keyword", "near keyword"):
                parts.append(f"keywords of {name}: {', '.join(hits.exact[name])}")
                keyword_categories.add(name)
            else:
                parts.append(f"{kind} '{name}'")
        return parts
