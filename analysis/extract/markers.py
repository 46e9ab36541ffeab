"""Numbering conventions of Chinese official documents (GB/T 9704) and the genre's own problem labels.

A marker is recognised at the start of a line. Its *kind* says which numbering style it is, its *value* the number
it carries; the outline builder decides the nesting from the order kinds appear in, not from a fixed hierarchy,
because notices skip levels (一、 → 1.) and put problems at different levels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analysis.extract.numerals import parse_number

CN_DIGITS = "零〇一二三四五六七八九十百两"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

# Order matters: the more specific pattern first (1.1. before 1.).
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # 一、 — or 一. where a page lost the 、 to a full stop.
    ("cn_dun", re.compile(rf"([{CN_DIGITS}]{{1,4}})\s*(?:、|\.(?![\d.]))")),
    ("cn_paren", re.compile(rf"\(\s*([{CN_DIGITS}]{{1,4}})\s*\)")),
    # Not a decimal amount or share at a line's start (4.23 亿元的服务项目…, a PDF line broken before it).
    ("arabic_sub", re.compile(r"(\d{1,2}\.\d{1,2})(?:\.(?!\d)|(?=[^\d.])(?!\s*[亿万千百元%个项]))")),
    ("arabic_paren", re.compile(r"\(\s*(\d{1,3})\s*\)|(\d{1,2})\)(?!\d)")),
    ("circled", re.compile(rf"([{_CIRCLED}])")),
    ("problem_n", re.compile(r"(?:反馈)?问题\s*(\d{1,3})\s*[:.、]?")),
    # 问题一: needs its colon: 问题十分突出 is a sentence, not a label.
    ("problem_n", re.compile(rf"(?:反馈)?问题\s*([{CN_DIGITS}]{{1,3}})\s*[:.、]")),
    ("arabic", re.compile(r"(\d{1,3})\s*[.、](?!\d)")),
]
# A number followed directly by text, its dot lost in copying (咸宁 "2贯彻落实…"). Only accepted by the outline
# builder where it continues a sequence, because "2024年" looks the same.
_BARE_ARABIC = re.compile(r"(\d{1,3})(?=[\u4e00-\u9fff“《])(?![年月日时个项条次余多万亿元号届%])")

# Kinds that number the same level when their values continue one sequence (问题46 after 45.).
ARABIC_FAMILY = ("arabic", "problem_n", "arabic_bare")


@dataclass(frozen=True)
class Marker:
    """A numbering marker at the start of a line."""

    kind: str
    value: int
    label: str  # as printed, e.g. "(一)", "1.", "问题46"
    end: int  # offset just after the marker within the line


# What a marker can start with: every pattern above opens with one of these or a digit (\d: str.isdecimal). Most
# lines of a notice start otherwise, and are done with one set lookup instead of nine failed matches.
_FIRST_CHARACTERS = frozenset(CN_DIGITS + _CIRCLED + "(反问")


def match_marker(line: str) -> Marker | None:
    """Recognise the numbering marker a line starts with, if any."""
    if not line or not (line[0] in _FIRST_CHARACTERS or line[0].isdecimal()):
        return None
    for kind, pattern in _PATTERNS:
        m = pattern.match(line)
        if not m:
            continue
        raw = m.group(1) if m.group(1) is not None else m.group(2)
        if kind == "circled":
            value = _CIRCLED.index(raw) + 1
        elif kind == "arabic_sub":
            value = int(raw.split(".")[-1])
        else:
            value = parse_number(raw)
        if value is None:
            continue
        end = m.end()
        while end < len(line) and line[end] in " \t":
            end += 1
        return Marker(kind, value, m.group(0).strip(), end)
    m = _BARE_ARABIC.match(line)
    if m:
        return Marker("arabic_bare", int(m.group(1)), m.group(1), m.end())
    return None


# Labels that open a problem's fields (they also end a line: see normalize), by what the field holds.
STATUS_LABELS = ("整改结果", "整改完成情况", "完成情况", "整改进展", "整改进度", "整改状态", "完成状态")
MEASURE_LABELS = ("整改措施", "主要措施", "具体措施", "整改举措", "采取措施", "整改情况", "整改落实情况")
# Measure labels whose field may open with the status: 整改情况:已完成整改。一是….
STATUS_FIRST = ("整改情况", "整改落实情况")
RESULT_LABELS = ("整改成效", "整改效果", "取得成效")
OTHER_LABELS = (
    "整改时限",
    "完成时限",
    "责任单位",
    "责任部门",
    "责任科室",
    "责任处室",
    "责任领导",
    "牵头领导",
    "责任人",
    "牵头单位",
    "配合单位",
)
FIELD_LABELS = STATUS_LABELS + MEASURE_LABELS + RESULT_LABELS + OTHER_LABELS
_STARTS_WITH_LABEL = re.compile("【?(?:" + "|".join(FIELD_LABELS) + r")(?:情况)?(?:\s*:|】)")
_STARTS_WITH_SHI = re.compile(rf"[{CN_DIGITS}]{{1,3}}是")


def starts_with_marker(line: str) -> bool:
    """True when a line opens a numbered item, an inline 一是 item or a labelled field."""
    marker = match_marker(line)
    if marker and marker.kind != "arabic_bare":
        return True
    return bool(_STARTS_WITH_LABEL.match(line) or _STARTS_WITH_SHI.match(line))
