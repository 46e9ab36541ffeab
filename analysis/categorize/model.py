"""The classifier: character n-gram TF-IDF, codebook keyword hits and a logistic regression, under keyword rules.

Features of a problem, in four blocks:
- character 1–3-grams of the title, plus (weighted down) of the description when there is one;
- character 2–3-grams of the headings (area, topic), weighted down: the codebook uses headings only to break ties;
- per category, the number of its typical words found in the title and topic (and, scaled, in the description);
- per category, the best near hit of one of its typical words in the title and topic.
Every typical word of the codebook is also a one-word training example of its category, so a category that the
training problems barely cover is still learnable from the codebook alone.

A rule overrides the model when the title names typical words of exactly one category, either two of them or one of
at least RULE_MIN_CHARS characters: such a title says what went wrong in the codebook's own words.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.categorize.codebook import check_training, keyword_lists, load_codebook, load_training
from analysis.categorize.keywords import clean_text, exact_hits, near_hits

HEADING_WEIGHT = 0.3
KEYWORD_WEIGHT = 1.0
NEAR_WEIGHT = 1.0
# Training titles have no description; a long description at full weight would drown the title it explains.
DESCRIPTION_WEIGHT = 0.5
REGULARISATION_C = 10.0
RULE_MIN_CHARS = 3
# Share of rule decisions that agreed with the hand coding on the 144 gold titles (64 of 71).
RULE_CONFIDENCE = 0.9
EVIDENCE_ITEMS = 4

OUTPUT_COLUMNS = ["category", "category_confidence", "category_evidence", "category_source"]


@dataclass(frozen=True)
class _Texts:
    """The cleaned text fields of a batch of problems."""

    title: list[str]
    heading: list[str]
    cue: list[str]  # where keywords count fully: the title and the topic heading
    description: list[str]

    @classmethod
    def of(cls, frame: pd.DataFrame) -> _Texts:
        def column(name: str) -> list[str]:
            if name not in frame.columns:
                return [""] * len(frame)
            return [clean_text(v) for v in frame[name]]

        title, area, topic, description = (column(c) for c in ("title", "area", "topic", "description"))
        return cls(
            title=title,
            heading=[f"{a}。{t}" if a and t else a or t for a, t in zip(area, topic, strict=True)],
            cue=[f"{t}。{p}" if p else t for t, p in zip(title, topic, strict=True)],
            description=description,
        )


class CategoryModel:
    """A fitted classifier over one codebook; build with `fit`, use with `predict`."""

    def __init__(self, codebook: pd.DataFrame) -> None:
        self.codebook = codebook
        self.keywords = keyword_lists(codebook)
        self.keys = list(self.keywords)

    def _keyword_block(self, texts: list[str], per_text_share: bool = False) -> np.ndarray:
        counts = np.zeros((len(texts), len(self.keys)))
        for i, text in enumerate(texts):
            for key, words in exact_hits(text, self.keywords).items():
                counts[i, self.keys.index(key)] = len(words)
        if per_text_share:
            totals = counts.sum(axis=1, keepdims=True)
            counts = np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)
        return counts

    def _near_block(self, texts: list[str]) -> np.ndarray:
        shares = np.zeros((len(texts), len(self.keys)))
        for i, text in enumerate(texts):
            for key, (share, _) in near_hits(text, self.keywords).items():
                shares[i, self.keys.index(key)] = share
        return shares

    def _features(self, texts: _Texts):
        from scipy.sparse import csr_matrix, hstack

        body = self.body_vectorizer.transform(texts.title)
        if any(texts.description):
            body = body + DESCRIPTION_WEIGHT * self.body_vectorizer.transform(texts.description)
        keywords = KEYWORD_WEIGHT * self._keyword_block(texts.cue)
        if any(texts.description):
            keywords = keywords + DESCRIPTION_WEIGHT * self._keyword_block(texts.description, per_text_share=True)
        return hstack(
            [
                body,
                HEADING_WEIGHT * self.heading_vectorizer.transform(texts.heading),
                csr_matrix(keywords),
                csr_matrix(NEAR_WEIGHT * self._near_block(texts.cue)),
            ]
        ).tocsr()

    def fit(self, training: pd.DataFrame) -> CategoryModel:
        """Fit on labelled problems (title, optional area/topic/description, category) plus the codebook's words."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        check_training(training, self.codebook)
        words = [(w, key) for key, ws in self.keywords.items() for w in ws]
        examples = pd.concat(
            [training, pd.DataFrame({"title": [w for w, _ in words], "category": [k for _, k in words]})],
            ignore_index=True,
        )
        texts = _Texts.of(examples)
        self.body_vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)
        self.body_vectorizer.fit(texts.title + [d for d in texts.description if d])
        self.heading_vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True)
        # A placeholder keeps the vocabulary non-empty when the training problems have no headings at all.
        self.heading_vectorizer.fit([*texts.heading, "无标题"])
        self.feature_names = (
            [("n-gram", g) for g in self.body_vectorizer.get_feature_names_out()]
            + [("heading n-gram", g) for g in self.heading_vectorizer.get_feature_names_out()]
            + [("keyword", k) for k in self.keys]
            + [("near keyword", k) for k in self.keys]
        )
        # Balanced weights: without them the biggest category (public_service) wins every title that says little.
        self.classifier = LogisticRegression(
            C=REGULARISATION_C, class_weight="balanced", solver="newton-cg", max_iter=1000
        )
        self.classifier.fit(self._features(texts), examples["category"].to_numpy())
        return self

    def predict(self, problems: pd.DataFrame) -> pd.DataFrame:
        """Categorise each row of `problems`; returns OUTPUT_COLUMNS on the same index."""
        texts = _Texts.of(problems)
        if len(problems) == 0:
            return _typed(pd.DataFrame(index=problems.index, columns=OUTPUT_COLUMNS))
        features = self._features(texts)
        probabilities = self.classifier.predict_proba(features)
        classes = list(self.classifier.classes_)
        rows = []
        for i in range(len(problems)):
            rule = self._rule(texts.title[i])
            if not (texts.title[i] or texts.description[i] or texts.heading[i]):
                rows.append(("other", 0.0, "no text to categorise", "rule"))
            elif rule is not None:
                key, words = rule
                rows.append((key, RULE_CONFIDENCE, "rule: title names " + ", ".join(words), "rule"))
            else:
                best = int(np.argmax(probabilities[i]))
                evidence = self._evidence(features[i], best, texts, i)
                rows.append((classes[best], float(probabilities[i, best]), evidence, "model"))
        return _typed(pd.DataFrame(rows, index=problems.index, columns=OUTPUT_COLUMNS))

    def _rule(self, title: str) -> tuple[str, list[str]] | None:
        hits = exact_hits(title, self.keywords)
        if len(hits) != 1:
            return None
        key, words = next(iter(hits.items()))
        if len(words) >= 2 or any(len(w) >= RULE_MIN_CHARS for w in words):
            return key, words
        return None

    def _evidence(self, row, class_index: int, texts: _Texts, i: int) -> str:
        """The features that pushed this row hardest towards the chosen category, in words a reader can check."""
        coefficients = self.classifier.coef_[class_index]
        contributions = sorted(
            ((row.data[j] * coefficients[col], col) for j, col in enumerate(row.indices)), reverse=True
        )
        key = self.classifier.classes_[class_index]
        parts: list[str] = []
        keyword_categories: set[str] = set()
        for value, col in contributions[:EVIDENCE_ITEMS]:
            if value <= 0:
                break
            kind, name = self.feature_names[col]
            if kind in ("keyword", "near keyword") and name in keyword_categories:
                continue  # an exact hit also scores as a full near hit: name its words once
            if kind == "keyword":
                words = exact_hits(texts.cue[i], self.keywords).get(name) or exact_hits(
                    texts.description[i], self.keywords
                ).get(name, [])
                parts.append(f"keywords of {name}: {', '.join(words)}")
                keyword_categories.add(name)
            elif kind == "near keyword":
                share, word = near_hits(texts.cue[i], self.keywords)[name]
                if share < 1:
                    parts.append(f"near keyword of {name}: {word} ({share:.0%})")
                else:
                    parts.append(f"keywords of {name}: {', '.join(exact_hits(texts.cue[i], self.keywords)[name])}")
                    keyword_categories.add(name)
            else:
                parts.append(f"{kind} '{name}'")
        if not parts:
            return f"model: no feature favours {key}; it is the least unlikely category"
        return "model: " + "; ".join(parts)


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
    """A model fitted on `training` (default: the shipped training set) under `codebook` (default: shipped)."""
    codebook = codebook if codebook is not None else load_codebook()
    training = training if training is not None else load_training(codebook=codebook)
    return CategoryModel(codebook).fit(training)
