"""Text cleaning and codebook keyword matching: exact hits and near hits (a keyword in another word order or form).

A notice rarely repeats a codebook word verbatim: 作风不严不实 speaks of 作风建设, 改变春节慰问金用途 of 改变用途. A
near hit counts the share of a keyword's character bigrams found in the text, so a keyword with one word inserted
or dropped still counts, weighted by how much of it is there.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from functools import lru_cache

# A near hit needs at least half of the keyword's bigrams: below that, single common bigrams (建设, 管理) match
# everything.
NEAR_THRESHOLD = 0.5
_NOISE = re.compile(r"[\s*#_>]+")


@lru_cache(maxsize=1)
def _to_simplified():
    """The OpenCC converter, built once: some notices arrive converted to traditional characters."""
    import opencc

    return opencc.OpenCC("t2s")


def clean_text(value: object) -> str:
    """Return the matching form of a cell: '' for missing, NFKC half-width, simplified, no spaces or markdown."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return _NOISE.sub("", _to_simplified().convert(text))


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


@lru_cache(maxsize=8)
def _bigram_index(
    keywords: tuple[tuple[str, tuple[str, ...]], ...],
) -> tuple[list[tuple[str, str, int]], dict[str, list[int]]]:
    """The keywords in order as (category, word, number of bigrams), and for each bigram the positions of the
    keywords that have it: a text then meets only the keywords it shares a bigram with, not all of them."""
    words = [(key, word, len(_bigrams(word))) for key, ws in keywords for word in ws]
    index: dict[str, list[int]] = {}
    for position, (_, word, _) in enumerate(words):
        for gram in _bigrams(word):
            index.setdefault(gram, []).append(position)
    return words, index


def exact_hits(text: str, keywords: Mapping[str, tuple[str, ...]]) -> dict[str, list[str]]:
    """Categories whose typical words occur verbatim in `text`, each with the words found."""
    found = {key: [w for w in words if w in text] for key, words in keywords.items()}
    return {key: words for key, words in found.items() if words}


def near_hits(text: str, keywords: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[float, str]]:
    """For each category, the best share of one keyword's bigrams found in `text` (≥ NEAR_THRESHOLD) and that word."""
    words, index = _bigram_index(tuple(keywords.items()))
    shared: Counter[int] = Counter()
    for gram in _bigrams(text) if text else ():
        shared.update(index.get(gram, ()))
    best: dict[str, tuple[float, str]] = {}
    for position in sorted(shared):  # keyword order: of two equal shares, the first keyword's word is named
        key, word, size = words[position]
        share = shared[position] / size
        if share >= NEAR_THRESHOLD and share > best.get(key, (0.0, ""))[0]:
            best[key] = (share, word)
    return best
