"""Character n-gram counts for the classifiers, computed with numpy instead of one Python string per n-gram.

scikit-learn's CountVectorizer builds every character n-gram of every text as a Python string and looks each up in
a dict: for the long measure texts of 10⁴ notices that was most of the time categorisation takes. `CharNgramCounts`
learns the vocabulary with CountVectorizer (so fitting, vocabulary and feature names are scikit-learn's) and counts
new texts by encoding each n-gram as one integer and finding it in a hash table of the vocabulary's. The counts
are the matrix CountVectorizer.transform returns; tests/test_categories.py checks it on awkward texts.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

# What CountVectorizer's char analyzer does before cutting n-grams: lower-case, runs of whitespace to one space.
_WHITESPACE_RUN = re.compile(r"\s\s+")
# One more than the largest code point: an n-gram of code points c1…cn is the number (c1+1, …, cn+1) in this base,
# which fits in 64 bits up to n = 3 and never makes an n-gram equal to one of another length.
_BASE = 0x110001
MAX_N = 3
BLOCK_CHARACTERS = 100_000


class CharNgramCounts:
    """Counts of character n-grams (ngram_range within 1..3) over a vocabulary learnt from training texts."""

    def __init__(self, ngram_range: tuple[int, int], min_df: int = 1) -> None:
        if not 1 <= ngram_range[0] <= ngram_range[1] <= MAX_N:
            raise ValueError(f"ngram_range {ngram_range}: only n-grams of 1 to {MAX_N} characters are supported")
        self.ngram_range = ngram_range
        self.min_df = min_df

    def fit(self, texts: list[str]) -> CharNgramCounts:
        """Learn the vocabulary of `texts` as CountVectorizer(analyzer="char") does."""
        from sklearn.feature_extraction.text import CountVectorizer

        vectorizer = CountVectorizer(analyzer="char", ngram_range=self.ngram_range, min_df=self.min_df)
        vectorizer.fit(texts)
        names = vectorizer.get_feature_names_out()
        self.feature_names = [str(name) for name in names]
        # a hash table of the n-grams' keys (pandas' Index): finding millions of n-grams in it is one C call
        self._columns = pd.Index(np.array([_key(name) for name in self.feature_names], dtype=np.int64))
        return self

    def get_feature_names_out(self) -> list[str]:
        """The n-grams, in column order (scikit-learn's: sorted)."""
        return self.feature_names

    def transform(self, texts: list[str]):
        """A sparse matrix of n-gram counts, one row per text, equal to CountVectorizer.transform(texts)."""
        # Texts repeat: every problem under one heading has that heading's text, and notices share stock titles and
        # measures. Each distinct text is counted once and its row copied (the same row, so the same numbers).
        row_of: dict[str, int] = {}
        rows = [row_of.setdefault(text, len(row_of)) for text in texts]
        counts = self._distinct_counts(list(row_of))
        return counts if len(row_of) == len(texts) else counts[rows]

    def _distinct_counts(self, texts: list[str]):
        from scipy.sparse import vstack

        # In blocks: the arrays below take about 100 bytes per character, which must not grow with the batch.
        blocks, start, size = [], 0, 0
        for end, text in enumerate(texts, start=1):
            size += len(text)
            if size >= BLOCK_CHARACTERS:
                blocks.append(self._counts(texts[start:end]))
                start, size = end, 0
        if start < len(texts) or not blocks:
            blocks.append(self._counts(texts[start:]))
        return blocks[0] if len(blocks) == 1 else vstack(blocks, format="csr")

    def _counts(self, texts: list[str]):
        from scipy.sparse import csr_matrix

        rows, keys = self._ngram_keys(texts)
        columns = self._columns.get_indexer(keys)
        known = columns >= 0
        width = len(self.feature_names)
        # one number per (row, column), sorted: equal neighbours are one n-gram counted several times
        cells = np.sort(rows[known] * width + columns[known], kind="stable")  # runs of rows are sorted already
        starts = np.flatnonzero(np.diff(cells, prepend=-1))
        counts = np.diff(np.r_[starts, len(cells)])
        cell_rows, cell_columns = np.divmod(cells[starts], width)
        indptr = np.r_[0, np.cumsum(np.bincount(cell_rows, minlength=len(texts)))]
        return csr_matrix((counts.astype(np.int64), cell_columns, indptr), shape=(len(texts), width))

    def _ngram_keys(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """For every n-gram of every text: the text's row and the n-gram's key."""
        prepared = [_WHITESPACE_RUN.sub(" ", text.lower()) for text in texts]
        lengths = np.fromiter((len(t) for t in prepared), dtype=np.int64, count=len(prepared))
        points = np.frombuffer("".join(prepared).encode("utf-32-le"), dtype=np.uint32).astype(np.int64) + 1
        row_of = np.repeat(np.arange(len(prepared), dtype=np.int64), lengths)
        # position i can start an n-gram of length n when the text still has n characters from i on
        left_in_text = np.repeat(np.cumsum(lengths), lengths) - np.arange(len(points), dtype=np.int64)
        all_rows, all_keys = [], []
        for n in range(self.ngram_range[0], self.ngram_range[1] + 1):
            count = max(len(points) - n + 1, 0)
            key = points[:count]
            for k in range(1, n):
                key = key * _BASE + points[k : k + count]
            rows = row_of[:count]
            if n > 1:  # an n-gram must not run on into the next text
                whole = left_in_text[:count] >= n
                key, rows = key[whole], rows[whole]
            all_rows.append(rows)
            all_keys.append(key)
        return np.concatenate(all_rows), np.concatenate(all_keys)


def _key(ngram: str) -> int:
    key = 0
    for ch in ngram:
        key = key * _BASE + ord(ch) + 1
    return key


class CharTfidf:
    """TF-IDF of character n-grams: TfidfVectorizer(analyzer="char", …) with the counting done by CharNgramCounts.

    Fitting uses scikit-learn's TfidfTransformer; transforming does its arithmetic here, operation for operation
    (the same numbers, bit for bit: tests/test_categories.py), so that a worker that only categorises never imports
    scikit-learn (most of a second of each worker's start).
    """

    def __init__(self, ngram_range: tuple[int, int], min_df: int = 1, sublinear_tf: bool = True) -> None:
        self.counts = CharNgramCounts(ngram_range, min_df)
        self.sublinear_tf = sublinear_tf

    def fit(self, texts: list[str]) -> CharTfidf:
        """Learn the vocabulary and the inverse document frequencies of `texts`."""
        from sklearn.feature_extraction.text import TfidfTransformer

        self.counts.fit(texts)
        fitted = TfidfTransformer(sublinear_tf=self.sublinear_tf).fit(self.counts.transform(texts))
        self.idf = np.asarray(fitted.idf_, dtype=np.float64)
        return self

    def get_feature_names_out(self) -> list[str]:
        """The n-grams, in column order."""
        return self.counts.get_feature_names_out()

    def transform(self, texts: list[str]):
        """The TF-IDF matrix of `texts`, one L2-normalised row per text: TfidfTransformer(norm="l2").transform."""
        matrix = self.counts.transform(texts).astype(np.float64)
        if self.sublinear_tf:
            np.log(matrix.data, matrix.data)
            matrix.data += 1.0
        matrix.data *= self.idf[matrix.indices]
        # scikit-learn's l2 normalisation sums each row's squares in order, from 0.0: so does the product of the
        # squares with a vector of ones (scipy's csr_matvec), where numpy's sums would add in another order.
        squares = matrix.copy()
        squares.data = matrix.data * matrix.data
        norms = np.sqrt(squares @ np.ones(matrix.shape[1]))
        norms[norms == 0.0] = 1.0  # a row of zeros is left as it is
        matrix.data /= np.repeat(norms, np.diff(matrix.indptr))
        return matrix
