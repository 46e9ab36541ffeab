"""Boilerplate: how much of a measure, and of a notice, is made of phrases the corpus shares or of stock phrases.

Two shares of characters (whitespace left out of both the count and the total):

- **common**: covered by a character n-gram (n = 8 by default) found in at least k notices of the corpus, k =
  max(3, 5% of the notices) by default. A notice counts an n-gram once however often it repeats it.
- **stock**: covered by a phrase of analysis/data/stock_phrases.csv (高度重视, 举一反三, 建立长效机制, …). The list is
  an inference from reading notices, not a validated lexicon; each phrase carries a note.

Document frequencies are counted in one pass over the notices into a count-min sketch (3 rows of 2^20 counters:
12 MB whatever the corpus size), from hashes of the n-grams computed with numpy; a second pass marks the covered
characters. Memory is flat in the number of notices and there are no pairs of notices. A sketch never undercounts;
an n-gram is counted common when it is not only if all three of its counters collide with common ones (on the
generated 10^3 corpus: 119 of 9,563,440 positions, see benchmarks/README.md). Full-width forms are folded to
half-width before hashing (one character for one, so offsets do not move); nothing else is normalised.

How the score moves with n and k is reported by `sensitivity` (notebook 07 shows it for the seeds). On the five
seeds, k is max(3, 0.25) = 3 notices: a phrase shared by three of five data bureaus.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

N = 8
MIN_NOTICES = 3
MIN_SHARE = 0.05
SKETCH_DEPTH = 3
SKETCH_WIDTH_BITS = 20
_BASE = np.uint64(0x100000001B3)  # FNV-1a's 64-bit prime, as the polynomial base
# Odd multipliers of the sketch's rows (multiplicative hashing: the top bits of h * a index the row).
_ROW_MULTIPLIERS = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(0x165667B19E3779F9))
_MIX = np.uint64(0xBF58476D1CE4E5B9)


def threshold(notices: int, min_notices: int = MIN_NOTICES, share: float = MIN_SHARE) -> int:
    """The k of "common": max(min_notices, ⌈share × notices⌉)."""
    return max(min_notices, math.ceil(share * notices))


def _codes(text: str) -> np.ndarray:
    """The text's code points, full-width ASCII folded to half-width (one for one: offsets are kept)."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    wide = (codes >= 0xFF01) & (codes <= 0xFF5E)
    codes[wide] -= 0xFEE0
    codes[codes == 0x3000] = 0x20
    return codes


def ngram_hashes(text: str, n: int = N) -> np.ndarray:
    """A 64-bit hash of every character n-gram of `text` (position i → text[i:i+n]); empty when len(text) < n."""
    codes = _codes(text)
    count = len(codes) - n + 1
    if count <= 0:
        return np.zeros(0, dtype=np.uint64)
    h = np.zeros(count, dtype=np.uint64)
    for j in range(n):
        h = h * _BASE + codes[j : j + count]
    h ^= h >> np.uint64(31)
    h *= _MIX
    h ^= h >> np.uint64(29)
    return h


@dataclass
class DocumentFrequency:
    """In how many notices each n-gram occurs, counted in a count-min sketch of fixed size."""

    n: int = N
    width_bits: int = SKETCH_WIDTH_BITS
    notices: int = 0
    table: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.table = np.zeros((SKETCH_DEPTH, 1 << self.width_bits), dtype=np.uint32)

    def _buckets(self, hashes: np.ndarray) -> list[np.ndarray]:
        shift = np.uint64(64 - self.width_bits)
        return [((hashes * a) >> shift).astype(np.intp) for a in _ROW_MULTIPLIERS[:SKETCH_DEPTH]]

    def add(self, text: str) -> None:
        """Count the n-grams of one notice, each once."""
        hashes = ngram_hashes(text, self.n)
        for row, buckets in enumerate(self._buckets(hashes)):
            # Fancy-index assignment raises a repeated index once: a counter goes up once per notice however many
            # of its n-grams (or repeats of one) land in it, so it counts the notices that touched it — never
            # fewer than the notices holding any one of its n-grams.
            self.table[row][buckets] += 1
        self.notices += 1

    def estimate(self, hashes: np.ndarray) -> np.ndarray:
        """The number of notices holding each hashed n-gram (never an underestimate)."""
        if len(hashes) == 0:
            return np.zeros(0, dtype=np.uint32)
        rows = [self.table[row][buckets] for row, buckets in enumerate(self._buckets(hashes))]
        return np.minimum.reduce(rows)


def count_notices(texts: Iterable[str], n: int = N) -> DocumentFrequency:
    """The document frequencies of the n-grams of `texts`, in one pass."""
    df = DocumentFrequency(n)
    for text in texts:
        df.add(text)
    return df


def common_mask(text: str, df: DocumentFrequency, k: int) -> np.ndarray:
    """Per character of `text`: whether some n-gram covering it occurs in at least k notices."""
    return _covered(_notice_counts(text, df), len(text), df.n, k)


def _notice_counts(text: str, df: DocumentFrequency) -> np.ndarray:
    """Per n-gram of `text`, in order: in how many notices it occurs."""
    hashes = ngram_hashes(text, df.n)
    return df.estimate(hashes) if len(hashes) else np.zeros(0, dtype=np.int64)


def _covered(counts: np.ndarray, length: int, n: int, k: int) -> np.ndarray:
    mask = np.zeros(length, dtype=bool)
    starts = np.flatnonzero(counts >= k)
    if len(starts):
        size = length + 1
        edges = np.bincount(starts, minlength=size) - np.bincount(starts + n, minlength=size)
        mask = np.cumsum(edges[:-1]) > 0
    return mask


@cache
def stock_phrases() -> dict[str, str]:
    """Phrase → note, from analysis/data/stock_phrases.csv."""
    with resources.files("analysis.data").joinpath("stock_phrases.csv").open(encoding="utf-8") as fh:
        return {row["phrase"]: row["note"] for row in csv.DictReader(fh)}


@cache
def _stock_pattern() -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, sorted(stock_phrases(), key=len, reverse=True))))


def find_stock_phrases(text: str) -> list[tuple[int, int, str]]:
    """(start, end, phrase) of every stock phrase in `text`, longest first where they overlap."""
    return [(m.start(), m.end(), m[0]) for m in _stock_pattern().finditer(text)]


def stock_mask(text: str) -> np.ndarray:
    """Per character of `text`: whether it is inside a stock phrase."""
    mask = np.zeros(len(text), dtype=bool)
    for start, end, _ in find_stock_phrases(text):
        mask[start:end] = True
    return mask


# The whitespace of str.isspace() that notices contain (the ideographic space is folded to a space by _codes).
_SPACES = np.array([0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x85, 0xA0, 0x2028, 0x2029], np.uint64)


def _visible(text: str) -> np.ndarray:
    """Per character of `text`: whether it is not whitespace."""
    return ~np.isin(_codes(text), _SPACES)


def share(mask: np.ndarray, visible: np.ndarray, start: int = 0, end: int | None = None) -> float | None:
    """Share of the visible characters of [start, end) that `mask` covers; None when there are none."""
    seen = visible[start:end]
    total = int(seen.sum())
    return float((mask[start:end] & seen).sum()) / total if total else None


@dataclass(frozen=True)
class NoticeShares:
    """One notice's characters (visible), and the shares covered by common n-grams and by stock phrases."""

    doc_id: str
    chars: int
    common_share: float | None
    stock_share: float | None


def iter_notice_shares(
    ids: Iterable[str], read: Callable[[str], str], n: int = N, k: int | None = None
) -> Iterator[NoticeShares]:
    """Each notice's shares, in two streaming passes over `read(doc_id)`: count, then cover (flat memory)."""
    ids = list(ids)
    df = count_notices((read(doc_id) for doc_id in ids), n)
    k = threshold(df.notices) if k is None else k
    for doc_id in ids:
        text = read(doc_id)
        visible = _visible(text)
        yield NoticeShares(
            doc_id,
            int(visible.sum()),
            share(common_mask(text, df, k), visible),
            share(stock_mask(text), visible),
        )


def boilerplate_tables(
    measures: pd.DataFrame, texts: dict[str, str], n: int = N, k: int | None = None
) -> dict[str, pd.DataFrame]:
    """The boilerplate tables of `analysis.tables.columns` from the measures table and the stored texts.

    boilerplate_notices: per notice, the shares over its whole text and over its measures' text; boilerplate: per
    measure (both parts), the two shares over its span; stock_phrases: every stock phrase with its span. The corpus
    is `texts` (doc_id → stored text): k defaults to max(3, 5% of its notices).
    """
    import pandas as pd

    from analysis.tables.columns import INDICATOR_TABLES

    df = count_notices(texts.values(), n)
    k = threshold(df.notices) if k is None else k
    measure_rows, notice_rows, phrase_rows = [], [], []
    by_doc = {doc_id: group for doc_id, group in measures.groupby("doc_id", sort=False)}
    for doc_id in sorted(texts):
        text = texts[doc_id]
        visible, common, stock = _visible(text), common_mask(text, df, k), stock_mask(text)
        in_measures = np.zeros(len(text), dtype=bool)
        for m in by_doc.get(doc_id, pd.DataFrame()).itertuples(index=False):
            a, b = int(m.span_start), int(m.span_end)
            in_measures[a:b] = True
            measure_rows.append(
                {
                    "doc_id": doc_id,
                    "problem_seq": int(m.problem_seq),
                    "part": m.part,
                    "measure_seq": int(m.measure_seq),
                    "chars": int(visible[a:b].sum()),
                    "common_share": share(common, visible, a, b),
                    "stock_share": share(stock, visible, a, b),
                }
            )
        phrase_rows += [
            {"doc_id": doc_id, "span_start": a, "span_end": b, "phrase": p, "in_measure": bool(in_measures[a])}
            for a, b, p in find_stock_phrases(text)
        ]
        measured = visible & in_measures
        notice_rows.append(
            {
                "doc_id": doc_id,
                "chars": int(visible.sum()),
                "common_share": share(common, visible),
                "stock_share": share(stock, visible),
                "measure_chars": int(measured.sum()),
                "measure_common_share": share(common, measured),
                "measure_stock_share": share(stock, measured),
                "n": n,
                "k": k,
            }
        )
    names = ("boilerplate_notices", "boilerplate", "stock_phrases")
    rows = (notice_rows, measure_rows, phrase_rows)
    return {
        name: pd.DataFrame(r, columns=INDICATOR_TABLES[name].column_names) for name, r in zip(names, rows, strict=True)
    }


def sensitivity(
    texts: dict[str, str], ns: Iterable[int] = (6, 8, 10, 12), ks: Iterable[int] | None = None
) -> pd.DataFrame:
    """Mean common share of the notices for each n and k (default: every k from 2 to the number of notices for up to
    20 notices, else a grid from 2 to that number that includes the default threshold).

    Rows (n, k, mean_common_share, min, max): how much of the score is the choice of thresholds. Each notice's n-gram
    counts are looked up once per n, whatever the number of ks.
    """
    import pandas as pd

    ks = _default_ks(len(texts)) if ks is None else list(ks)
    visible = {doc_id: _visible(text) for doc_id, text in texts.items()}
    rows = []
    for n in ns:
        df = count_notices(texts.values(), n)
        shares: dict[int, list[float]] = {k: [] for k in ks}
        for doc_id, text in texts.items():
            counts = _notice_counts(text, df)
            for k in ks:
                value = share(_covered(counts, len(text), n, k), visible[doc_id])
                if value is not None:
                    shares[k].append(value)
        for k in ks:
            values = shares[k]
            rows.append(
                {
                    "n": n,
                    "k": k,
                    "mean_common_share": float(np.mean(values)) if values else None,
                    "min": min(values, default=None),
                    "max": max(values, default=None),
                }
            )
    return pd.DataFrame(rows)


def _default_ks(notices: int) -> list[int]:
    if notices <= 20:
        return list(range(2, notices + 1))
    grid = {2, 3, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, threshold(notices), notices}
    return sorted(k for k in grid if 2 <= k <= notices)
