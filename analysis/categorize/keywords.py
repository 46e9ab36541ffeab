"""Text cleaning and codebook keyword matching: exact hits and near hits (a keyword in another word order or form).

A notice rarely repeats a codebook word verbatim: 作风不严不实 speaks of 作风建设, 改变春节慰问金用途 of 改变用途. A
near hit counts the share of a keyword's character bigrams found in the text, so a keyword with one word inserted
or dropped still counts, weighted by how much of it is there.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from analysis.read.sources import t2s

# A near hit needs at least half of the keyword's bigrams: below that, single common bigrams (建设, 管理) match
# everything.
NEAR_THRESHOLD = 0.5
_NOISE = re.compile(r"[\s*#_>]+")


def clean_text(value: object) -> str:
    """Return the matching form of a cell: '' for missing, NFKC half-width, simplified, no spaces or markdown."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return _NOISE.sub("", t2s()(text))


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


@dataclass(frozen=True)
class KeywordHits:
    """The codebook keywords found in one text."""

    exact: dict[str, list[str]]  # category → its typical words that occur verbatim, in codebook order
    near: dict[str, tuple[float, str]]  # category → best share of one keyword's bigrams (≥ NEAR_THRESHOLD), the word


@dataclass(frozen=True)
class _BigramIndex:
    """The keywords in codebook order as (category, word, number of bigrams), for each bigram the positions of the
    keywords that have it (a text then meets only the keywords it shares a bigram with, not all of them), the set of
    those bigrams, and the positions of one-character keywords, which have no bigram to be found by."""

    words: list[tuple[str, str, int]]
    positions: dict[str, list[int]]
    grams: frozenset[str]
    single_characters: frozenset[int]


@lru_cache(maxsize=8)
def _bigram_index(keywords: tuple[tuple[str, tuple[str, ...]], ...]) -> _BigramIndex:
    """The index of `keywords` (category, words) pairs, built once per codebook."""
    words = [(key, word, len(_bigrams(word))) for key, ws in keywords for word in ws]
    positions: dict[str, list[int]] = {}
    for position, (_, word, _) in enumerate(words):
        for gram in _bigrams(word):
            positions.setdefault(gram, []).append(position)
    single = frozenset(p for p, (_, word, _) in enumerate(words) if len(word) < 2)
    return _BigramIndex(words, positions, frozenset(positions), single)


def keyword_hits(text: str, keywords: Mapping[str, tuple[str, ...]]) -> KeywordHits:
    """The exact and the near hits of the codebook `keywords` in `text`, from one pass over its bigrams."""
    index = _bigram_index(tuple(keywords.items()))
    # Most of a text's bigrams are in no keyword: one set intersection (in C) leaves out those before counting, and
    # the few left are counted in a plain dict (Counter's set-up costs more than counting them).
    shared: dict[int, int] = {}
    for gram in _bigrams(text) & index.grams if text else ():
        for position in index.positions[gram]:
            shared[position] = shared.get(position, 0) + 1
    near: dict[str, tuple[float, str]] = {}
    for position in sorted(shared):  # keyword order: of two equal shares, the first keyword's word is named
        key, word, size = index.words[position]
        share = shared[position] / size
        if share >= NEAR_THRESHOLD and share > near.get(key, (0.0, ""))[0]:
            near[key] = (share, word)
    # A keyword can occur verbatim only where all of its bigrams do: only those keywords need a substring search.
    candidates = {position for position, n in shared.items() if n == index.words[position][2]}
    exact: dict[str, list[str]] = {}
    for position in sorted(candidates | index.single_characters):
        key, word, _ = index.words[position]
        if word in text:
            exact.setdefault(key, []).append(word)
    return KeywordHits(exact, near)
