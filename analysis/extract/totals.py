"""Headline totals a notice states about itself: problems fed back, measures, completed, in progress, rate.

These are what the notice *says*; the extracted counts are kept separately and compared by the consistency check.
"""

from __future__ import annotations

import re
from functools import lru_cache

from analysis.extract.header import Fact
from analysis.extract.numerals import parse_number

_N = r"(?P<n>\d+|[一二三四五六七八九十百两]+)"
_ALL = r"\s*(?:共|共计|合计|总计)?\s*"  # 反馈问题共25个, 整改措施共计56条
# First matching pattern wins, per total; each is anchored on words that make the count the notice's own.
_UNIT = r"\s*(?:个|条|项|件)"
_STATUS_NOTE = r"(?:\([^()]{0,20}\))?"  # 已完成(含基本完成)整改, 正在整改10项(含部分整改)
_PATTERNS: dict[str, list[re.Pattern[str]]] = {
    "problems_reported": [
        re.compile(r"[\d一二三四五六七八九十两]+\s*个方面\s*" + _N + r"\s*(?:个|类|条|项)(?:具体)?问题"),
        re.compile(r"反馈(?:的|了)?(?:具体)?问题" + _ALL + _N + _UNIT),
        # 巡察反馈具体问题需要向社会公开的19个: a qualifier between the problems and their count
        re.compile(r"反馈(?:的|了)?(?:具体)?问题[^,。;\d]{1,12}?的" + _ALL + _N + _UNIT),
        # one leader's share is not the total: 主动认领11个反馈问题, 主动领办13项反馈问题
        re.compile(
            r"(?<!认领)(?<!领办)(?<![\d一二三四五六七八九十两])" + _N + r"\s*(?:个|条|项)[^,。;]{0,10}?反馈(?:的)?问题"
        ),
        re.compile(r"(?:反馈|指出)[^,。;()]{0,12}?" + _N + r"\s*(?:个|条|项|类)(?:具体)?问题"),
        # the issuer's breakdown, when the reviewer's count is not given: 细化分解为20个具体问题
        re.compile(r"(?:细化|分解|梳理)[^,。;]{0,6}?(?:为|成|出)\s*" + _N + r"\s*(?:个|条|项)具体问题"),
        # audit reports: 共计50项具体问题; 存在的问题18项; 涉及整改问题523项; 存在如下四类问题
        re.compile(r"共计?\s*" + _N + r"\s*(?:个|条|项)具体问题"),
        re.compile(r"(?:存在|涉及|指出|查出)(?:的)?(?:整改)?问题" + _ALL + _N + _UNIT),
        re.compile(r"(?:反映|查出)的\s*" + _N + r"\s*(?:个|项|条)问题"),
        re.compile(r"存在(?:如下|以下)?" + _N + r"\s*(?:个|条|项|类)问题"),
        # the issuer's own breakdown of the feedback: 分解形成79个“问题清单”
        re.compile(r"(?:分解|梳理|细化)(?:形成|为|成|出)\s*" + _N + r"\s*(?:个|条|项)“?问题清单"),
        # items handed over for immediate rectification during the inspection: 移交立行立改事项2件
        re.compile(r"(?:移交|交办)(?:的)?(?:立行立改)?(?:事项|问题)" + _ALL + _N + _UNIT),
        # only aspects are counted: 存在4个方面的问题 (the gold's convention: the count of aspects)
        re.compile(r"(?:存在|反馈的?|指出的?)" + _N + r"\s*个方面的?问题"),
    ],
    "measures_reported": [
        re.compile(_N + r"\s*(?:条|项)(?:具体)?整改措施"),
        re.compile(r"整改措施" + _ALL + _N + r"\s*(?:条|项)"),
        re.compile(r"整改任务" + _ALL + _N + r"\s*(?:项|条|个)"),
        re.compile(r"(?<!每)" + _N + r"\s*(?:项|条|个)(?:整改任务|“?任务清单)"),
        re.compile(_N + r"\s*(?:条|项)(?:具体)?(?:整改)?举措"),
    ],
    "problems_completed_reported": [
        re.compile(
            r"(?<![务施])已(?:经)?(?:完成整改|整改完成|整改到位|整改完毕|整改|办结|销号|完成)"
            + _STATUS_NOTE
            + r"(?:问题)?\s*"
            + _N
            # the unit may be lost before a note: 已完成整改9(含立行立改已办结1)
            + r"(?:\s*(?:个|条|项|件)|(?=\(含))"
        ),
        re.compile(
            _N + r"\s*(?:个|项|条)(?:问题)?已(?:完成整改|整改完成|整改到位|办结|销号|完成)" + _STATUS_NOTE + "(?:整改)?"
        ),
        re.compile(r"已完成[^,。;]{0,20}?的\s*" + _N + r"\s*(?:个|项|条)问题整改"),
        # not the motto 整改完成一项、销号一项
        re.compile(r"(?<!阶段性)(?<!基本)整改完成(?!率)\s*" + _N + _UNIT + r"(?![、,]?\s*销号)"),
    ],
    "problems_in_progress_reported": [
        re.compile(r"正在(?:整改|推进)(?:推进中)?的?\s*" + _N + _UNIT),
        re.compile(_N + r"\s*(?:个|项|条)(?:问题)?正在(?:整改|推进)"),
        re.compile(r"正在整改推进中的\s*" + _N + r"\s*(?:个|项|条)"),
        # the gold's convention: 阶段性完成 / 基本完成 and long-term rectification are still in progress
        re.compile(r"(?:阶段性|基本)完成(?:整改)?\s*" + _N + _UNIT),
        re.compile(r"(?:仍需|需要?)(?:长期|持续推进)整改(?:的)?\s*" + _N + _UNIT),
    ],
}
_RATE = re.compile(r"整改(?:完成)?率\s*(?:达到|达|为)?\s*(?P<n>\d+(?:\.\d+)?)\s*%")

# The totals read here, in the documents table's order.
FIELDS = (
    "problems_reported",
    "problems_completed_reported",
    "problems_in_progress_reported",
    "completion_rate_reported",
    "measures_reported",
)


def _literals(pattern: re.Pattern[str]) -> tuple[str, ...]:
    """Runs of characters every match of `pattern` contains: the literal characters in a row at its top level (a
    match consumes each of them, in order). None for a pattern that ignores case, or one the parser cannot read."""
    from re import _constants, _parser

    if pattern.flags & re.IGNORECASE:
        return ()
    try:
        items = list(_parser.parse(pattern.pattern, pattern.flags))
    except Exception:  # the parser is CPython's own, not an API: without it, every pattern is searched
        return ()
    runs, run = [], ""
    for op, argument in items:
        if op is _constants.LITERAL:
            run += chr(argument)
            continue
        runs.append(run)
        run = ""
    return tuple(r for r in (*runs, run) if r)


# Where a notice lacks one of a pattern's literals the pattern cannot match, and is not searched: most patterns open
# with a numeral group, which the regex engine cannot skip ahead to, so it tries one at every character.
_REQUIRED: dict[re.Pattern[str], tuple[str, ...]] = {
    pattern: _literals(pattern) for patterns in _PATTERNS.values() for pattern in patterns
}


def read_totals(text: str, start: int, end: int) -> dict[str, Fact]:
    """The totals stated in text[start:end] (the part of the notice before its problems)."""
    return {name: Fact(value, span) for name, value, span in _stated(text, start, end)}


@lru_cache(maxsize=4)
def _stated(text: str, start: int, end: int) -> tuple[tuple[str, object, tuple[int, int]], ...]:
    """(total, value, span) of each total stated in text[start:end]; kept for the last few texts, because the
    problems' statuses and the documents row each ask for the same notice's totals."""
    found: list[tuple[str, object, tuple[int, int]]] = []
    for name, patterns in _PATTERNS.items():
        for pattern in patterns:
            if any(text.find(literal, start, end) < 0 for literal in _REQUIRED[pattern]):
                continue
            m = pattern.search(text, start, end)
            if m:
                value = parse_number(m["n"])
                if value is not None:
                    found.append((name, value, m.span("n")))
                    break
    rate = _RATE.search(text, start, end)
    if rate:
        found.append(("completion_rate_reported", float(rate["n"]), rate.span("n")))
    return tuple(found)
