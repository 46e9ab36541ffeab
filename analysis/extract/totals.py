"""Headline totals a notice states about itself: problems fed back, measures, completed, in progress, rate.

These are what the notice *says*; the extracted counts are kept separately and compared by the consistency check.
"""

from __future__ import annotations

import re

from analysis.extract.header import Fact
from analysis.extract.numerals import parse_number

_N = r"(?P<n>\d+|[一二三四五六七八九十百两]+)"
_ALL = r"\s*(?:共|共计|合计|总计)?\s*"  # 反馈问题共25个, 整改措施共计56条
# First matching pattern wins, per total; each is anchored on words that make the count the notice's own.
_PATTERNS: dict[str, list[re.Pattern[str]]] = {
    "problems_reported": [
        re.compile(r"[\d一二三四五六七八九十两]+\s*个方面\s*" + _N + r"\s*(?:个|类|条|项)(?:具体)?问题"),
        re.compile(r"反馈(?:的|了)?问题" + _ALL + _N + r"\s*(?:个|条|项)"),
        re.compile(_N + r"\s*(?:个|条|项)[^,。;]{0,10}?反馈(?:的)?问题"),
        re.compile(r"(?:反馈|指出)[^,。;]{0,12}?" + _N + r"\s*(?:个|条|项|类)(?:具体)?问题"),
        re.compile(r"细化(?:为|成)\s*" + _N + r"\s*(?:个|条|项)具体问题"),
    ],
    "measures_reported": [
        re.compile(_N + r"\s*(?:条|项)(?:具体)?整改措施"),
        re.compile(r"整改措施" + _ALL + _N + r"\s*(?:条|项)"),
        re.compile(r"整改任务" + _ALL + _N + r"\s*(?:项|条|个)"),
        re.compile(_N + r"\s*(?:项|条|个)整改任务"),
    ],
    "problems_completed_reported": [
        re.compile(r"已(?:完成整改|整改完成|整改到位|整改完毕|办结|销号|完成)\s*" + _N + r"\s*(?:个|项|条)"),
        re.compile(_N + r"\s*(?:个|项|条)(?:问题)?已(?:完成整改|整改完成|整改到位|办结|销号)"),
    ],
    "problems_in_progress_reported": [
        re.compile(r"正在(?:整改|推进)\s*" + _N + r"\s*(?:个|项|条)"),
        re.compile(_N + r"\s*(?:个|项|条)(?:问题)?正在(?:整改|推进)"),
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


def read_totals(text: str, start: int, end: int) -> dict[str, Fact]:
    """The totals stated in text[start:end] (the part of the notice before its problems)."""
    found: dict[str, Fact] = {}
    for name, patterns in _PATTERNS.items():
        for pattern in patterns:
            m = pattern.search(text, start, end)
            if m:
                value = parse_number(m["n"])
                if value is not None:
                    found[name] = Fact(value, m.span("n"))
                    break
    rate = _RATE.search(text, start, end)
    if rate:
        found["completion_rate_reported"] = Fact(float(rate["n"]), rate.span("n"))
    return found
