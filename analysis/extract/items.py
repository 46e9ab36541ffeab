"""Split a stretch of text into its numbered items: inline 一是/二是…, 1./2./…, (1)/(2)/…, ①②….

Only the outermost run counts: a list that restarts at 一 inside an item is nested in it (咸宁 24), and a measure
whose numeral was lost in copying (`。是每次…`) is recovered when it fills the gap before the next number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analysis.extract.numerals import parse_number

_BOUNDARY = r"(?:^|(?<=[\n。;:,!?)】\s]))"
_FAMILIES: dict[str, re.Pattern[str]] = {
    "shi": re.compile(r"(?P<bound>" + _BOUNDARY + r")?([一二三四五六七八九十]{1,3})是"),
    "arabic": re.compile(r"(?:^|(?<=[\n。;:]))\s*(\d{1,2})\s*[.、](?!\d)"),
    "paren": re.compile(r"(?:^|(?<=[\n。;:]))\s*\((\d{1,2})\)"),
    "circled": re.compile(r"([①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮])"),
}
# 是 right after a sentence end, where 二是 lost its numeral; never 是否/是指/….
_LOST_SHI = re.compile(r"(?<=[。;])\s*是(?![否指的为不在由对])")
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮"


@dataclass(frozen=True)
class Item:
    """One numbered (or the single unnumbered) item of a stretch of text; offsets in the normalised text."""

    marker: str
    start: int
    end: int
    recovered: bool = False  # numeral lost in copying, inferred from its neighbours


@dataclass(frozen=True)
class _Candidate:
    value: int | None
    start: int
    end: int  # end of the marker
    bounded: bool = True  # preceded by a sentence or clause boundary; 三是 glued to a lost 。 is not


def split_items(text: str, start: int, end: int) -> list[Item]:
    """Items of text[start:end]; one unnumbered item when the stretch has text but no numbering."""
    # Matched on a slice so that ^ means the start of the stretch.
    part = text[start:end]
    best: list[tuple[_Candidate, int]] = []
    for family, pattern in _FAMILIES.items():
        candidates = [_candidate(family, m) for m in pattern.finditer(part)]
        if family == "shi":
            candidates += [_Candidate(None, m.start(), m.end()) for m in _LOST_SHI.finditer(part)]
            candidates.sort(key=lambda c: c.start)
        chain = _outer_chain(candidates)
        if chain and (not best or chain[0][0].start < best[0][0].start):
            best = chain
    if not best:
        body = part.strip()
        if not body or _is_punctuation(body):
            return []
        lead = len(part) - len(part.lstrip())
        return [Item("", start + lead, start + len(part.rstrip()))]
    items = []
    for i, (cand, _value) in enumerate(best):
        stop = best[i + 1][0].start if i + 1 < len(best) else len(part)
        marker = part[cand.start : cand.end]
        lead = len(marker) - len(marker.lstrip())
        items.append(
            Item(
                marker.strip(),
                start + cand.start + lead,
                start + len(part[:stop].rstrip()),
                recovered=cand.value is None,
            )
        )
    return items


def _candidate(family: str, m: re.Match[str]) -> _Candidate:
    raw = m.group(2) if family == "shi" else m.group(1)
    value = _CIRCLED.index(raw) + 1 if family == "circled" else parse_number(raw)
    bounded = family != "shi" or m.group("bound") is not None
    return _Candidate(value, m.start(), m.end(), bounded)


def _outer_chain(candidates: list[_Candidate]) -> list[tuple[_Candidate, int]]:
    """The run 1, 2, 3… that is not nested inside one of its own items."""
    chain: list[tuple[_Candidate, int]] = []
    expect = 1
    nested_expect: int | None = None
    for i, cand in enumerate(candidates):
        if cand.value is None:
            following = next((c.value for c in candidates[i + 1 :] if c.value is not None), None)
            if nested_expect is None and chain and following == expect + 1:
                chain.append((cand, expect))
                expect += 1
            continue
        if nested_expect is not None:
            if cand.value == nested_expect:
                nested_expect += 1
                continue
            nested_expect = None
        if not cand.bounded and (cand.value < 2 or cand.value != expect):
            continue  # 统一是… reads like 一是; only a glued numeral that continues the run is a marker
        if cand.value == expect:
            chain.append((cand, expect))
            expect += 1
        elif cand.value == 1 and chain:
            nested_expect = 2
    return chain


def _is_punctuation(body: str) -> bool:
    return all(not ch.isalnum() for ch in body)
