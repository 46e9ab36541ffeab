"""Money amounts: exact yuan, whether approximate, and what kind of money it is (found, recovered, cut, …).

Found money and recovered money are different quantities and a notice's totals overlap, so each amount keeps its
kind and its clause; nothing here adds amounts up.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, localcontext

from analysis.extract.numerals import parse_number
from analysis.extract.vocab import amount_kind_rules
from analysis.tables.types import is_exact_yuan

_UNITS = {"元": Decimal(1), "万元": Decimal(10_000), "亿元": Decimal(100_000_000)}
_AMOUNT = re.compile(
    r"(?P<pre>约|近|超过|超|逾|大约)?"
    # never the tail of a number that lost digits (3,.83万元 is not 83万元)
    r"(?:(?<![\d.])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    # A magnitude in Chinese numerals (逾千万元, 两亿元, 十余万元); never 数百万元/几十万元, which name no number.
    r"|(?<![数几上])(?P<cn>[一二两三四五六七八九十百千]+)(?=\s*(?:余|多)?\s*[亿万](?:余|多)?元))"
    # 余/多 stands before the unit (1600余万元) or inside it (5万余元, 2.3万多元).
    r"\s*(?P<post>余|多)?\s*(?P<unit>亿元|万元|元|(?P<mag>[亿万])(?P<inner>余|多)元)(?!级)"
)
# Every character an amount can hold before the 元 of its unit (prefix, number, 余/多, 亿/万, spaces): an amount
# starts in the run of these characters that ends at a 元. Keep in step with _AMOUNT.
_AMOUNT_CHAR = re.compile(r"[约近超过逾大\d,.\s一二两三四五六七八九十百千余多亿万]")
# A rule's limit written as a comparison: 不超过3万元 always; 超过5万元的项目 only where it qualifies a noun, since
# 超过500万元 alone is an approximate sum.
_LIMIT_ALWAYS = re.compile(r"(?:不超过|不得超过|不高于|不低于|不少于)$")
_LIMIT_BEFORE = re.compile(r"(?:超过|高于|低于|不足|大于|小于)$")
_LIMIT_AFTER = re.compile(r"\s*的")
_CLAUSE_END = "。;,\n"
_SENTENCE_END = "。;\n"


@dataclass(frozen=True)
class Amount:
    """A monetary amount; offsets in the normalised text (`start` at the number: the prefix is not raw)."""

    start: int
    end: int
    yuan: Decimal | None  # None: printed with more precision or size than yuan are stored with (never rounded)
    approx: bool
    kind: str
    kind_phrase: str | None
    context: tuple[int, int]


def find_amounts(text: str, part_at) -> list[Amount]:
    """Every amount in `text`; `part_at(offset)` says which part of the notice an offset lies in."""
    amounts = []
    for m in _amount_matches(text):
        value = m["num"].replace(",", "") if m["num"] else parse_number(m["cn"])
        if value is None:
            continue
        yuan = _exact_yuan(value, _UNITS[m["mag"] + "元" if m["mag"] else m["unit"]])
        start = m.start("num") if m["num"] else m.start("cn")
        limit = _limit(text, start, m.end())
        kind, phrase = ("threshold", limit) if limit else _kind(text, m, part_at(m.start()))
        amounts.append(
            Amount(
                start=start,
                end=m.end(),
                yuan=yuan,
                approx=bool(m["pre"] or m["post"] or m["inner"]) and not limit,
                kind=kind,
                kind_phrase=phrase,
                context=_around(text, m.start(), m.end(), _CLAUSE_END),
            )
        )
    return amounts


def _exact_yuan(number: str, unit: Decimal) -> Decimal | None:
    """The amount in yuan, exact; None when it cannot be stored exactly (12.5161720861万元 has six decimals of yuan)."""
    with localcontext() as context:
        context.prec = 80  # the default 28 digits would raise on 99999999999999999999亿元
        yuan = Decimal(number) * unit
        if not is_exact_yuan(yuan):
            return None
        return yuan.quantize(Decimal(1)) if yuan == yuan.to_integral_value() else yuan.normalize()


def _amount_matches(text: str) -> Iterator[re.Match[str]]:
    """The matches of _AMOUNT.finditer(text), found by trying _AMOUNT only where an amount can start.

    Searching the whole text tries the pattern at every character; an amount ends at a 元 and starts in the run of
    amount characters before it, so only those few places are tried, in the same order.
    """
    last_end = 0  # amounts do not overlap
    yuan = text.find("元")
    while yuan >= 0:
        run = yuan
        while run > last_end and _AMOUNT_CHAR.match(text, run - 1):
            run -= 1
        for start in range(run, yuan):
            m = _AMOUNT.match(text, start)
            if m:
                yield m
                last_end = m.end()
                break
        yuan = text.find("元", yuan + 1)


def _limit(text: str, start: int, end: int) -> str | None:
    """The comparison word of 超过5万元的…, which states a rule's limit rather than an approximate sum."""
    before = text[max(0, start - 4) : start]
    always = _LIMIT_ALWAYS.search(before)
    if always:
        return always.group()
    word = _LIMIT_BEFORE.search(before)
    return word.group() if word and _LIMIT_AFTER.match(text, end) else None


def _kind(text: str, m: re.Match[str], part: str) -> tuple[str, str | None]:
    clause = _around(text, m.start(), m.end(), _CLAUSE_END)
    sentence = _around(text, m.start(), m.end(), _SENTENCE_END)
    after = text[m.end() : m.end() + 12]
    for rule in amount_kind_rules():
        if rule.scope == "after":
            found = rule.pattern.search(after)
        else:
            a, b = clause if rule.scope == "clause" else sentence
            found = rule.pattern.search(text, a, b)
        if found:
            return rule.kind, found.group().strip()
    # Money named in a problem's own description is the money the problem implicates.
    return ("involved", None) if part == "problem" else ("other", None)


def _around(text: str, start: int, end: int, stops: str) -> tuple[int, int]:
    """The span from just after the last stop character before `start` to the first one at or after `end`."""
    a = max(text.rfind(stop, 0, start) for stop in stops) + 1
    b = min((i for stop in stops if (i := text.find(stop, end)) >= 0), default=len(text))
    return a, b
