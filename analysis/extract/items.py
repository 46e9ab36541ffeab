"""Split a stretch of text into its numbered items: inline 一是/二是…, 1./2./…, (1)/(2)/…, ①②….

Only the outermost run counts: a list that restarts at 一 inside an item is nested in it (咸宁 24), and a measure
whose numeral was lost in copying (`。是每次…`) is recovered when it fills the gap before the next number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from analysis.extract.numerals import parse_number

# Each pattern's group `item` is the marker and `n` its numeral. The patterns are searched in the stretch with a
# newline put before it, so that the stretch's start counts as a line start. Each opens with a plain character class
# (the boundary before a marker is matched as a character, not looked behind for; 一是's first numeral stands outside
# the repeat) because re then skips to the places where that class matches instead of trying every position.
_FAMILIES: dict[str, re.Pattern[str]] = {
    # 一是 may be glued to the text before it (see _Candidate.bounded): its boundary is checked afterwards.
    "shi": re.compile(r"(?P<item>(?P<n>[一二三四五六七八九十][一二三四五六七八九十]{0,2})是)"),
    "arabic": re.compile(r"[\n。;:](?P<item>\s*(?P<n>\d{1,2})\s*[.、](?!\d))"),
    "paren": re.compile(r"[\n。;:](?P<item>\s*\((?P<n>\d{1,2})\))"),
    "circled": re.compile(r"(?P<item>(?P<n>[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮]))"),
}
# What may stand before 一是 for it to open an item.
_SHI_BOUNDARY = re.compile(r"[\n。;:,!?)】\s]")
# 是 right after a sentence end, where 二是 lost its numeral; never 是否/是指/….
_LOST_SHI = re.compile(r"[。;](?P<item>\s*是(?![否指的为不在由对]))")
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮"


@dataclass(frozen=True)
class Item:
    """One numbered (or the single unnumbered) item of a stretch of text; offsets in the normalised text."""

    marker: str
    start: int
    end: int
    recovered: bool = False  # numeral lost in copying, inferred from its neighbours


class _Candidate(NamedTuple):  # a tuple: built for every match, so cheaper than a dataclass
    value: int | None
    start: int
    end: int  # end of the marker
    bounded: bool = True  # preceded by a sentence or clause boundary; 三是 glued to a lost 。 is not


def split_items(text: str, start: int, end: int) -> list[Item]:
    """Items of text[start:end]; one unnumbered item when the stretch has text but no numbering."""
    part = text[start:end]
    lined = "\n" + part  # nothing before the stretch counts; its start is a line start
    best: list[tuple[_Candidate, int]] = []
    for family, pattern in _FAMILIES.items():
        candidates = [_candidate(family, m, lined) for m in pattern.finditer(lined)]
        if family == "shi":
            candidates += [_Candidate(None, m.start("item") - 1, m.end() - 1) for m in _LOST_SHI.finditer(lined)]
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
                start + cand.start + len(part[cand.start : stop].rstrip()),
                recovered=cand.value is None,
            )
        )
    return items


def _candidate(family: str, m: re.Match[str], lined: str) -> _Candidate:
    """The candidate marker of a match in `lined`, the stretch behind one newline; offsets into the stretch."""
    raw = m["n"]
    value = _CIRCLED.index(raw) + 1 if family == "circled" else parse_number(raw)
    bounded = family != "shi" or _SHI_BOUNDARY.match(lined, m.start() - 1) is not None
    return _Candidate(value, m.start("item") - 1, m.end() - 1, bounded)


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
