"""Dates as notices print them, including the defective forms of copied text (20241021日, 2025210).

A date is only returned when the text allows one reading; an ambiguous or impossible date is None, never a guess.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from analysis.extract.numerals import parse_number

# The one grammar of a written date, in Arabic or Chinese numerals (2024年12月24日, 二〇二四年十二月二十四日).
_CN = "〇零一二三四五六七八九"
_YEAR = rf"(?:(?:19|20)\d{{2}}|[一二][{_CN}]{{3}})"
_MONTH = r"(?:\d{1,2}|十[一二]?|[一二三四五六七八九])"
_DAY = r"(?:\d{1,2}|[二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"
DATE = rf"{_YEAR}\s*年\s*{_MONTH}\s*月\s*{_DAY}\s*日"
# The grammar's pieces, for the other time expressions of notices (deadlines: 2024年6月底前, 2025年第四季度).
YEAR, MONTH, DAY = _YEAR, _MONTH, _DAY
_FULL = re.compile(rf"(?P<y>{_YEAR})\s*年\s*(?P<m>{_MONTH})\s*月\s*(?P<d>{_DAY})\s*日")
# A date whose 日 was lost in copying, the next word following at once: 2023年3月9市委第一巡察组.
_DAY_MARK_LOST = re.compile(
    rf"(?P<y>{_YEAR})\s*年\s*(?P<m>{_MONTH})\s*月\s*(?P<d>\d{{1,2}})(?=[\u4e00-\u9fff])(?![日号个项条次人家件名天])"
)
# A line that is a date and nothing else: the date under a signature.
DATE_LINE = re.compile(rf"^[ \t]*{DATE}[ \t]*$", re.MULTILINE)
_ISO = re.compile(r"(?P<y>(?:19|20)\d{2})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)")
_MONTH_DAY = re.compile(r"(?<![\d年])(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")
_YEAR_ONLY = re.compile(r"(?P<y>(?:19|20)\d{2})\s*年(?!度)")
_RANGE_MARKS = "至到—–-~"
_DAY_AFTER_RANGE = re.compile(r"\s*(?:至|到|—|–|-|~)\s*(?P<d>\d{1,2})\s*日")
# Digits whose 年/月 were lost in copying: 20241021日, 2025210, 1212日.
_COMPACT = re.compile(r"(?<![\d.])(?P<digits>\d{3,8})(?P<ri>日)?(?![\d.%])")


@dataclass(frozen=True)
class DateMention:
    """A date found in the text; `year_given` is False when the year was taken from context."""

    value: dt.date | None
    start: int
    end: int
    year_given: bool
    defective: bool = False  # printed without its 年/月 separators


def _date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def find_dates(text: str, start: int = 0, end: int | None = None, year: int | None = None) -> list[DateMention]:
    """Every date in text[start:end] in order; dates without a year take the year of the previous one."""
    stop = len(text) if end is None else end
    # The spans already read as a date: each pass below only reads what the surer passes before it left.
    taken: list[tuple[int, int]] = []
    mentions = (
        _dates_with_year(text, start, stop, taken)
        + _month_days(text, start, stop, taken)
        + _compact_dates(text, start, stop, taken)
    )
    mentions.sort(key=lambda d: d.start)
    # A year printed without a day (2021年3月至4月) is the context of the dates after it, as a full date is.
    years = [(m.start(), int(m["y"])) for m in _YEAR_ONLY.finditer(text, start, stop) if _free(taken, m)]
    return _with_day_only_ends(text, _with_context_years(text, mentions, years, year), stop)


def _free(taken: list[tuple[int, int]], m: re.Match[str]) -> bool:
    return all(m.end() <= s or m.start() >= e for s, e in taken)


def _dates_with_year(text: str, start: int, stop: int, taken: list[tuple[int, int]]) -> list[DateMention]:
    """The dates printed with year, month and day (2024年12月24日, 2024-12-24, 2023年3月9 whose 日 was lost)."""
    mentions: list[DateMention] = []
    for pattern in (_FULL, _ISO, _DAY_MARK_LOST):
        for m in pattern.finditer(text, start, stop):
            if not _free(taken, m):
                continue
            y, mo, d = (parse_number(m[k]) for k in "ymd")
            value = _date(y, mo, d) if y and mo and d else None
            mentions.append(DateMention(value, m.start(), m.end(), True, defective=pattern is _DAY_MARK_LOST))
            taken.append((m.start(), m.end()))
    return mentions


def _month_days(text: str, start: int, stop: int, taken: list[tuple[int, int]]) -> list[DateMention]:
    """The dates printed without a year (3月9日), their value left to the context year."""
    mentions: list[DateMention] = []
    for m in _MONTH_DAY.finditer(text, start, stop):
        if _free(taken, m):
            mentions.append(DateMention(None, m.start(), m.end(), False))
            taken.append((m.start(), m.end()))
    return mentions


def _compact_dates(text: str, start: int, stop: int, taken: list[tuple[int, int]]) -> list[DateMention]:
    """The digits that are a date whose 年/月 were lost (20241021日, 2025210), their value left to be resolved."""
    mentions: list[DateMention] = []
    for m in _COMPACT.finditer(text, start, stop):
        after_range = m.start() > 0 and text[m.start() - 1] in _RANGE_MARKS  # 2023814日至1031: the range's end
        if _free(taken, m) and (m["ri"] or len(m["digits"]) >= 7 or after_range):
            mentions.append(DateMention(None, m.start(), m.end(), False, defective=True))
            taken.append((m.start(), m.end()))
    return mentions


def _with_context_years(
    text: str, mentions: list[DateMention], years: list[tuple[int, int]], year: int | None
) -> list[DateMention]:
    """The mentions in order, each without a value read with the year last printed before it (or `year`)."""
    resolved: list[DateMention] = []
    context_year = year
    for mention in mentions:
        while years and years[0][0] < mention.start:
            context_year = years.pop(0)[1]
        if mention.value is not None:
            context_year = mention.value.year
            resolved.append(mention)
            continue
        raw = text[mention.start : mention.end]
        value, year_given = _resolve(raw, context_year, mention.defective)
        if value is not None and year_given:
            context_year = value.year
        resolved.append(DateMention(value, mention.start, mention.end, year_given, mention.defective))
    return resolved


def _with_day_only_ends(text: str, mentions: list[DateMention], stop: int) -> list[DateMention]:
    """Add the end of a range within one month, printed as a day alone: 2024年3月5日至30日."""
    out: list[DateMention] = []
    for mention in mentions:
        out.append(mention)
        end = _DAY_AFTER_RANGE.match(text, mention.end, stop)
        if mention.value is not None and end:
            day = _date(mention.value.year, mention.value.month, int(end["d"]))
            out.append(DateMention(day, end.start("d"), end.end(), False))
    return out


def _resolve(raw: str, context_year: int | None, defective: bool) -> tuple[dt.date | None, bool]:
    if not defective:
        m = _MONTH_DAY.search(raw)
        if m is None or context_year is None:
            return None, False
        return _date(context_year, int(m["m"]), int(m["d"])), False
    digits = re.sub(r"\D", "", raw)
    # 20241021日, 2025210 and, with its 日, 202442日: a year and then month and day
    year_given = (len(digits) >= 7 or (len(digits) == 6 and raw.endswith("日"))) and digits[:2] in ("19", "20")
    if year_given:
        y, rest = int(digits[:4]), digits[4:]
    elif context_year is not None:
        y, rest = context_year, digits
    else:
        return None, False
    readings = {d for i in (1, 2) if len(rest) - i in (1, 2) for d in [_date(y, int(rest[:i]), int(rest[i:]))] if d}
    return (readings.pop(), year_given) if len(readings) == 1 else (None, year_given)
