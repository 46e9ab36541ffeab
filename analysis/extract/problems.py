"""Find the problems of a notice, and each problem's title, description, status, measures and results.

Which numbering level holds the problems differs between notices (问题1:, (一), 1., (1) …). The level is found, not
assumed: within the sections that report on problems, it is the level whose items carry measures (一是…, 整改措施:)
or a status (整改结果:已完成整改). Where the text is cut before any item carries them (most real excerpts), it is
the innermost level whose headings name a problem (关于“…”问题的整改, 针对“…”的问题) or state a shortcoming.

Not problems: the opening sections on how the rectification was organised (整改工作组织情况, 党组织整改落实情况, …),
status groups (一、已完成整改的问题), whose status their items take, and aspects (…方面). Unnumbered problems are read
too: lines 针对“…”的问题 (the innermost level of 方面 → 项 → 问题) and run-in headings followed by 一是. A status may
also come right after the heading, in the item's last sentence, by ordinal in a summary (第一项…已经整改完成) or for
the whole list (已全部完成整改, or as many problems said done as were fed back). A text that ends inside an item
(in mid-sentence, or after 一是 with no 二是) keeps it, marked truncated, with no invented status.

Rules learnt from the check sets: under an aspect, a paragraph's short first sentence stating a shortcoming is a
problem with its measures in prose (组织建设滞后。2025年9月,召开…); unnumbered lines right below a numbered item, each
over its labelled field, and lines of their own numbered 一是/二是 that state shortcomings are the problems the item
groups; items on how the rectification was led (提高政治站位,…抓好巡视整改) that state no shortcoming are none; a
status sentence may open the paragraph below the heading line (该问题已完成整改。).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from analysis.extract.dates import DATE
from analysis.extract.items import Item, split_items
from analysis.extract.markers import (
    FIELD_LABELS,
    MEASURE_LABELS,
    RESULT_LABELS,
    STATUS_FIRST,
    STATUS_LABELS,
    Marker,
)
from analysis.extract.numerals import parse_number
from analysis.extract.outline import Node
from analysis.extract.totals import read_totals
from analysis.extract.vocab import StatusMatch, find_status

# A label opens a line (its colon may be missing: 咸宁 "整改情况一是…") or follows a sentence with its colon.
# 整改进展情况: is 整改进展: with the word 情况 added.
# A label may be bracketed: 【整改措施】一是….
_LINE_LABEL = r"[ \t]*【?(?P<a>" + "|".join(FIELD_LABELS) + r")(?:情况)?】?[ \t]*:?"
_SENTENCE_LABEL = r"\s*【?(?P<b>" + "|".join(FIELD_LABELS) + r")(?:情况)?(?:\s*:|】)"
# The newline or sentence end before a label is matched as a character, not looked behind for: a pattern that
# opens with a character class is searched many times faster. Group `label` is the label itself.
_LABEL = re.compile(r"[\n。;](?P<label>(?<=\n)" + _LINE_LABEL + r"|(?<=[。;])" + _SENTENCE_LABEL + ")")
_LABEL_AT_TEXT_START = re.compile(_LINE_LABEL)
# What may stand before 一是 for it to open a list.
_SHI_BOUNDARY = re.compile(r"[\n。;:,】\s]")
_BRACKET_STATUS = re.compile(r"[(【\[]\s*(?P<s>[^()【】\[\]\n]{2,12}?)\s*[)】\]][。;]?\s*$")
# (二)问题:干部教育培训针对性不强。 The word 问题 labels the title; it is not part of it.
_PROBLEM_LEAD = re.compile(r"(?:存在的?|反馈的?|主要)?问题(?:描述|表现)?\s*:\s*")
_QUOTED_HEAD = re.compile(r"(?:针对|关于)“[^\n。]{2,200}?”\s*(?:的)?问题(?:的整改(?:情况|进展)?)?")
_QUOTE_LEAD = re.compile(r"(?:针对|关于)\s*“")
_SENTENCE_END = re.compile(r"[。;\n]")
# Headings that name a problem: 关于“…”问题的整改, 针对“…”的问题, 反馈问题:…, …存在的问题.
_NAMED_PROBLEM = re.compile(r"^(?:关于|针对)“.*”.{0,3}问题|^(?:反馈|存在的?|主要)问题\s*:|存在的问题$")
# Words that state a shortcoming; a problem is worded as one, a measure as an action.
_SHORTCOMING = re.compile(
    r"不够|不足|不到位|不严|不力|不实|不细|不深|不强|不高|不全|不规范|不及时|不完善|不健全|不明确|不充分|不主动|"
    r"不精准|不准确|不平衡|尚未|未能|未按|未及时|未建立|未落实|未严格|缺乏|缺少|缺失|薄弱|滞后|偏低|偏弱|欠缺|"
    r"差距|有待|较低|较弱|较大|不科学|不合理|不严格|不扎实|不彻底|不认真"
)
_SHORT_HEADING = 40
# What may stand before a status phrase in an item's last sentence: 目前已完成整改, 该问题已整改到位.
_STATUS_LEAD = re.compile(r"(?:截至目前|目前|当前|现|该问题|此问题|该项问题|该项|上述问题)?[,]?\s*")
# What may follow the status phrase in such a sentence: nothing, or a particle (已完成整改了) — not a count (已完成3项).
_STATUS_TAIL = re.compile(r"[了的]?\s*")
_LIST_SECTION = re.compile(r"反馈|问题.{0,6}整改|整改.{0,4}情况|方面")
# An unnumbered heading line: short, no sentence punctuation. A run-in heading: a paragraph's short first sentence
# followed at once by 一是.
_HEADING_LINE = re.compile(r"^[^\n。;,:!?]{4,40}$", re.MULTILINE)
_TITLE_ENDINGS = ("通报", "报告", "公告", "通知", "方案")
# followed at once by 一是 (深入学习…推动工作。一是…), or a first sentence naming a problem (关于“…”的问题。…).
# Or a short line of its own followed by a labelled field (学习贯彻…不够深入 / 整改情况:…). Or, under an aspect, a
# paragraph's short first sentence (no comma) that states a shortcoming, the measures following in prose
# (组织建设滞后。2025年9月,召开…): the genre words problems as shortcomings and measures as actions.
_RUN_IN = re.compile(
    r"\n(?!【?(?:" + "|".join(FIELD_LABELS) + r"))"
    r"(?:(?P<h>[^\n。;:]{4,60})[。:][ \t]*(?=一是)"
    r"|(?P<q>(?:关于|针对)“[^\n]{2,200}?”[^\n。;:“,]{0,8}问题(?:的整改(?:情况|进展)?)?)[。:,]"
    r"|(?P<f>[^\n。;:【]{4,60})。?(?=\n【?(?:" + "|".join(FIELD_LABELS) + r")(?:情况)?】?\s*:)"
    r"|(?P<s>[^\n。;:,!?]{4," + str(_SHORT_HEADING) + r"})。(?=[^\s]))"
)
_UNNUMBERED = Marker("unnumbered", 0, "", 0)
_DESCRIPTION_LEAD = re.compile(r"(?:主要|具体|问题)?表现(?:为|在)?|例如|比如|如:|其中")
# 一是“第一议题”制度执行不到位 — a line of its own, no sentence punctuation: a problem numbered 一是 (see
# _shi_heading_lines). Such a line opening with a remedy (解决…不到位问题) is a measure.
_SHI_LINE = re.compile(r"\n[ \t]*(?P<m>(?P<n>[一二三四五六七八九十]{1,3})是)(?P<t>[^\n。;,:!?]{2,40}?)[ \t]*(?=\n)")
_REMEDY = re.compile(r"(?:着力|切实|认真|坚决)?(?:解决|整治|纠正|破解|改进|加强|强化|完善|健全|推动|推进|落实|建立)")
_UNNUMBERED_HEADING = Marker("heading", 0, "", 0)
# A status sentence is short (已纳入年度重点工作持续跟踪); a longer one is an account of what was done.
_STATUS_SENTENCE = 20
_LIST_START = re.compile(r"(?:[一二三四五六七八九十]{1,3}是|\d{1,2}[.、](?!\d)|\(\d{1,2}\)|[①②③④⑤⑥⑦⑧⑨⑩])")

# Section headings that are not about the problems: the work done, the plans ahead.
_NOT_PROBLEM_SECTION = re.compile(
    r"下一步|下步|工作打算|打算|基本情况|主要工作|工作开展|所做工作|重要意义|主体责任|组织领导|总体情况|工作举措$"
)
_PROBLEM_SECTION = re.compile(r"问题|反馈|整改落实|整改情况|整改任务|整改进展")
# How the rectification itself was organised (一、整改工作组织情况, (一)党组织整改落实情况, 一、区委及主要负责人组织落实
# 整改情况, 一、审计整改工作部署落实情况, 一、提高政治站位,切实抓好巡察整改工作): not problems, whatever they hold.
_ORGANISATION = re.compile(r"组织|领导|部署|主体责任|政治责任|负责人|书记|站位|思想认识|工作机制")
_NOT_ORGANISATION = re.compile(r"问题|方面|反馈意见|意见建议")
# A group of problems by status (一、已完成整改的问题, (一)集中整改期内已完成(含基本完成)的整改事项, 长期整改): once
# its status phrase, a bracketed note and these words are taken away, nothing is left.
_GROUP_MAX = 40  # a group heading is short: 集中整改期内已完成(含基本完成)的整改事项
_BRACKETED = re.compile(r"\([^()]*\)")
_GROUP_WORDS = re.compile(
    r"\([^()]*\)|集中整改期内|集中整改期|整改期内|截至目前|目前|的|整改|问题|事项|任务|清单|类|项|[、,:\s]"
)
# An aspect of the findings (二、关于落实全面从严治党主体责任方面): a section of problems, and their area.
_ASPECT = re.compile(r"方面\s*(?:存在的问题|的问题|问题)?$")
# Closing lines after the last problem: an invitation to comment, contacts, the signature's date.
# 以上问题,… / 上述问题… after the last item speaks of the whole list: the list has ended.
_CLOSING = re.compile(
    r"^(?:欢迎|如有意见|联系人|联系电话|联系方式|电子邮箱|邮政编码|公开期限|附件)|^" + DATE + r"\s*$"
    r"|^(?:以上|上述)(?:[\d一二三四五六七八九十]{1,3}[个项类条])?问题",
    re.MULTILINE,
)
# 目前第一项、第二项、第四项问题已经整改完成,第三项问题持续整改跟踪中: statuses given to the items by their ordinals.
_ORDINALS = re.compile(r"(?:第[一二三四五六七八九十\d]{1,3}[项个条类](?:问题)?[、和及与]?)+[^,;。\n]{0,30}")
_ALL_DONE = re.compile(r"(?:问题|目前|现)[^。;\n]{0,12}?(?P<s>已全部|全部已?|均已)(?:完成整改|整改完成|整改到位|完成)")
# An aim is not a fact: 确保巡察发现问题全部整改到位, 力争…全部完成 state what is wanted, not what was done.
_AIM = re.compile(r"确保|力争|争取|务必|推动|努力|以期|要求")
_ORDINAL = re.compile(r"第([一二三四五六七八九十\d]{1,3})[项个条类]")


class _Label(NamedTuple):  # a tuple: built for every label found, so cheaper than a dataclass
    """A field label as printed: which label, and its span (spaces, brackets and colon included)."""

    name: str
    start: int
    end: int


def _labels(text: str, start: int, end: int) -> Iterator[_Label]:
    """The field labels in text[start:end], in reading order."""
    first = _LABEL_AT_TEXT_START.match(text, 0, end) if start == 0 else None
    if first:
        yield _Label(first["a"], 0, first.end())
    # A label at `start` is found through the newline or sentence end just before it.
    resume = first.end() if first else max(start - 1, 0)
    for m in _LABEL.finditer(text, resume, end):
        yield _Label(m["a"] or m["b"], m.start("label"), m.end())


def _first_label(text: str, start: int, end: int) -> _Label | None:
    return next(_labels(text, start, end), None)


def _first_shi(text: str, start: int, end: int) -> int | None:
    """Offset of the first 一是 in text[start:end] that opens a line, sentence or clause; None if there is none."""
    at = text.find("一是", start, end)
    while at > 0 and not _SHI_BOUNDARY.match(text, at - 1):
        at = text.find("一是", at + 1, end)
    return at if at >= 0 else None


@dataclass
class Problem:
    """A problem as read: offsets are in the normalised text."""

    node: Node
    section: str
    section_title: str
    area: str | None
    topic: str | None
    subtopic: str | None
    start: int
    end: int
    title_span: tuple[int, int]
    description_span: tuple[int, int] | None
    status: str | None = None  # None: a phrase not in the vocabulary, or the text is cut before any status
    status_raw: str | None = None
    status_span: tuple[int, int] | None = None
    measures: list[Item] = field(default_factory=list)
    results: list[Item] = field(default_factory=list)
    regions: list[tuple[str, int, int]] = field(default_factory=list)  # (part, start, end) for amounts
    truncated: bool = False  # the text ends inside this problem: what is missing is not invented


def find_problems(text: str, root: Node) -> tuple[list[Problem], list[str]]:
    """All problems of the outline, in reading order, and warnings about what could not be read."""
    warnings: list[str] = []
    sections = [c for c in root.children if c.level == root.children[0].level] if root.children else []
    closing = _closing_start(text, root)
    found = [(section, _problems_in(text, section, closing)) for section in sections]
    # A section titled as reporting on the problems (二、问题整改情况, 二、关于…方面) outranks an untitled one whose
    # items merely carry 一是 lists: 一、提高政治站位 → (一)加强组织领导。一是… is what was done, not a problem.
    # Sections before the first one titled as problems or as an aspect are the opening (how the rectification was
    # organised: 一、坚持高位推动,确保整改落实到位), even when the problem list itself is cut off.
    first_titled = next((s.start for s in sections if _opens_problems(_heading(text, s))), len(text))
    titled = [
        p
        for section, ps in found
        if _is_problem_title(_heading(text, section)) and (section.start >= first_titled or first_titled == len(text))
        for p in ps
    ]
    problems = titled or [p for section, ps in found if section.start > first_titled for p in ps]
    if not problems:
        # Problems as unnumbered run-in headings (深入学习…推动工作。一是…) under a section of problems, numbered
        # or, where the notice numbers nothing, an unnumbered heading line.
        heads = [s for s in sections if not s.children and _opens_problems(_heading(text, s))]
        heads += [
            n
            for s in sections
            if _opens_problems(_heading(text, s))
            for n in s.walk()
            if not n.children and _ASPECT.search(_heading(text, n))
        ]
        if not heads:
            heads = _heading_lines(text, root)
        problems = [p for head in heads for p in _run_in_problems(text, head, closing)]
    if not problems:
        # A flat notice: the top numbering level itself may hold the problems: items past the opening that name a
        # problem, state a shortcoming or carry labelled fields — not steps of the work with 一是 lists.
        problems = [
            p
            for p in _problems_in(text, root, closing)
            if _is_problem_heading(text, p.node) or _first_label(text, p.node.start, p.node.own_end) is not None
        ]
    if problems:
        _ordinal_statuses(text, problems)
        _whole_list_status(text, problems)
        _all_counted_done(text, problems)
    if not problems:
        warnings.append("no problems found: no numbered items carry measures (一是…, 整改措施:) or a status")
    elif closing == len(text) and problems[-1].end >= len(text.rstrip()) and _ends_inside(text, problems[-1]):
        if _heading_cut(text, problems[-1]):
            problems.pop()  # cut inside its heading: what it is about is not printed, so it is no problem read
            warnings.append("the text ends inside the heading of an item: the item is not itemised")
        else:
            _mark_truncated(text, problems[-1])
    return problems, warnings


def _ordinal_statuses(text: str, problems: list[Problem]) -> None:
    """Statuses a summary sentence gives the items by their ordinals, where the items state none of their own."""
    if any(p.status != "unstated" for p in problems):
        return
    for m in _ORDINALS.finditer(text):
        ordinals = list(_ORDINAL.finditer(text, m.start(), m.end()))
        status = find_status(text, ordinals[-1].end(), m.end())
        if status is None:
            continue
        for o in ordinals:
            n = parse_number(o.group(1))
            if n is not None and 1 <= n <= len(problems):
                problem = problems[n - 1]
                problem.status, problem.status_raw = status.code, status.phrase
                problem.status_span = (status.start, status.end)


def _whole_list_status(text: str, problems: list[Problem]) -> None:
    """A summary sentence for the whole list (截至目前,已全部完成整改; 反馈问题均已整改到位), outside the items, gives
    its status to each item that states none."""
    outside = [(0, problems[0].start), (problems[-1].end, len(text))]
    for start, end in outside:
        m = next((m for m in _ALL_DONE.finditer(text, start, end) if not _is_aim(text, m.start("s"))), None)
        status = find_status(text, m.start("s"), m.end()) if m else None
        if status is not None:
            for problem in problems:
                if problem.status == "unstated":
                    problem.status, problem.status_raw = status.code, status.phrase
                    problem.status_span = (status.start, status.end)
            return


def _is_aim(text: str, at: int) -> bool:
    """Whether the clause that runs up to `at` states an aim (确保…, 力争…) rather than what was done."""
    clause = max(text.rfind(ch, 0, at) for ch in ",。;\n") + 1
    return _AIM.search(text, clause, at) is not None


def _all_counted_done(text: str, problems: list[Problem]) -> None:
    """Before the list, as many problems said done as were fed back (指出4项12个问题 … 共计12个问题已整改完成):
    every item that states no status of its own has that status."""
    if all(p.status != "unstated" for p in problems):
        return
    totals = read_totals(text, 0, problems[0].start)
    reported, done = totals.get("problems_reported"), totals.get("problems_completed_reported")
    if reported is None or done is None or done.span is None or not reported.value or reported.value != done.value:
        return
    clause = max(text.rfind(ch, 0, done.span[0]) for ch in ",。;\n") + 1
    status = find_status(text, clause, _sentence_end(text, done.span[1], len(text)))
    if status is None or status.code != "complete":
        return
    for problem in problems:
        if problem.status == "unstated":
            problem.status, problem.status_raw = status.code, status.phrase
            problem.status_span = (status.start, status.end)


_FIRST_OF_LIST = re.compile(r"一是|1[.、]|\(1\)|①")
_FINAL = set("。!?;”’)】…")


def is_cut(text: str) -> bool:
    """Whether the text stops in mid-sentence: a page cut short, not a notice that ends."""
    body = text.rstrip()
    return bool(body) and body[-1] not in _FINAL and _CLOSING.search(text) is None


def _ends_inside(text: str, problem: Problem) -> bool:
    """Whether the text stops inside the last problem: in mid-sentence, right after the first item of a list of
    measures (一是… and no 二是), or right after its heading, with nothing of the problem printed beyond it (no
    description, measures or status)."""
    if is_cut(text):
        return True
    if _CLOSING.search(text) is not None:
        return False
    last = problem.measures[-1] if problem.measures else None
    if last is not None and _FIRST_OF_LIST.fullmatch(last.marker) and last.end >= len(text.rstrip()):
        return True  # 一是… and the text stops: a list of one is never numbered, so the rest was cut
    if problem.node.marker.kind == "shi" and problem.node.marker.value == 1:
        return True  # the same for problems numbered 一是 (_shi_heading_lines): 二是 was cut
    return not text[problem.title_span[1] : len(text)].strip(" \t\n。;:")


def _mark_truncated(text: str, problem: Problem) -> None:
    """The text ends inside the problem: keep what is printed, and nothing that would have followed."""
    problem.truncated = True
    end = len(text.rstrip())
    if problem.status == "unstated" or (problem.status_span is not None and problem.status_span[1] >= end):
        # No status printed yet, or its phrase is cut: the status is unknown, not unstated.
        problem.status, problem.status_raw, problem.status_span = None, None, None
    if problem.measures and _bare_marker(text, problem.measures[-1]):
        problem.measures.pop()  # 三是 and nothing after it
    if problem.results and _bare_marker(text, problem.results[-1]):
        problem.results.pop()


def _bare_marker(text: str, item: Item) -> bool:
    return not text[item.start : item.end].strip().removeprefix(item.marker).strip(" :,。;")


def _problems_in(text: str, section: Node, closing: int) -> list[Problem]:
    title = _heading(text, section) if section.parent is not None else ""
    found = _problem_level(text, section, title)
    if found is None:
        return []
    level, carries = found
    code = "long_term" if "长期" in title else "key" if "重点" in title else "main"
    default = find_status(title) if title else None
    if is_status_group(title):
        default = group_status(title)
    if default is not None and title.startswith("情况", default.end):
        default = None  # 整改完成情况 names what the section reports on, not a status its problems share
    return [
        _read_problem(
            text, node, section, code, title, _group_of(text, node, section) or default, _cut_at(closing, node)
        )
        for node in _problem_nodes(text, section, level, carries)
    ]


def _problem_nodes(text: str, section: Node, level: str, carries: dict[Node, bool]) -> list[Node]:
    """The items at the problem level; where one carries nothing itself but its sub-items do (2.巡视巡察、审计等反馈
    问题整改不到位 → ①审计反馈问题整改不到位 + 整改完成情况:), it groups problems and its sub-items are the problems."""
    nodes: list[Node] = []
    # Read while walking: an item given the unnumbered problems it holds as children is then walked into.
    for node in section.walk():
        if node.level == level and _may_be_problem(text, node, section):
            nodes += _problems_of_item(text, node, section, carries)
    return sorted(nodes + _carrying_siblings(text, section, carries, nodes), key=lambda n: n.start)


def _problems_of_item(text: str, node: Node, section: Node, carries: dict[Node, bool]) -> list[Node]:
    """The problems an item at the problem level stands for: the unnumbered ones it holds (they become its
    children); else, when it names no problem itself, its shallowest sub-items that are problems; else itself."""
    if not node.children and section.parent is not None:
        unnumbered = _unnumbered_problems(text, node)
        if unnumbered:
            node.children = unnumbered
            return unnumbered
    own = carries.get(node) or _names_problem(text, node)  # 问题5 stays a problem, whatever its sub-items carry
    inner = [] if own else [d for d in node.walk() if carries.get(d) and _is_problem_heading(text, d)]
    if not inner:
        return [node]
    depth = min(len(d.ancestors()) for d in inner)
    return [d for d in inner if len(d.ancestors()) == depth]


def _unnumbered_problems(text: str, node: Node) -> list[Node]:
    """The problems an item without sub-items holds in unnumbered parts of its text, or [] when it holds none."""
    if _ASPECT.search(_heading(text, node)):
        # An aspect whose own text holds unnumbered items (学习贯彻…不够深入 / 整改情况:…): they are the problems.
        run_ins = _run_in_nodes(text, node, node.own_end)
        if run_ins:
            return run_ins
    return _labelled_lines(text, node) or _shi_heading_lines(text, node)


def _labelled_lines(text: str, node: Node) -> list[Node]:
    """An item whose heading line is followed by unnumbered lines, each over its labelled field ((一)…不到位。
    / 理论学习有计划无行动。 / 整改情况:…): the lines carry the fields, so they are the problems and the item groups
    them, as 针对“…”的问题 under 1.关于“…”的问题. Each line then runs to the next; [] when the item has none."""
    labelled = [
        n
        for n in _run_in_nodes(text, node, node.own_end, only="f")
        # 一是…。 is a measure; 主要表现为… describes the item's own problem
        if n.start > node.heading_end
        and not _LIST_START.match(text, n.start)
        and not _DESCRIPTION_LEAD.match(text, n.start)
    ]
    if not labelled or text[node.heading_end : labelled[0].start].strip():  # not the line below the heading
        return []
    for later, follows in zip(labelled, [*labelled[1:], None], strict=True):
        later.end = later.own_end = follows.start if follows else node.own_end
    return labelled


def _carrying_siblings(text: str, section: Node, carries: dict[Node, bool], nodes: list[Node]) -> list[Node]:
    """Mixed depth the other way round: beside a 项 whose sub-items are the problems (`nodes`), an item of the 项's
    level that carries the fields itself is a problem too (1.职能履行不到位。整改完成情况:… beside 2.… → ①… ②…)."""
    chosen = set(nodes)
    groups = {n.parent for n in nodes if n.parent is not None and n.parent is not section and n.parent not in chosen}
    siblings: list[Node] = []
    for group in groups:
        for sibling in group.parent.children if group.parent is not None else []:
            if sibling in groups or sibling in chosen or not carries.get(sibling):
                continue
            if _may_be_problem(text, sibling, section) and not any(d in chosen for d in sibling.walk()):
                siblings.append(sibling)
                chosen.add(sibling)
    return siblings


def _shi_heading_lines(text: str, node: Node) -> list[Node]:
    """Lines of their own numbered 一是/二是… right below an item's heading, each stating a shortcoming and followed
    by its measures (1.关于“理论学习不够深入”问题的整改 / 一是“第一议题”制度执行不到位 / 严格执行…): they number
    the item's problems, not its measures, which are sentences or actions."""
    lines = list(_SHI_LINE.finditer(text, node.heading_end, node.own_end))
    if not lines or text[node.heading_end : lines[0].start() + 1].strip() or parse_number(lines[0]["n"]) != 1:
        return []
    if not all(_SHORTCOMING.search(m["t"]) and not _REMEDY.match(m["t"]) for m in lines):
        return []
    nodes = []
    for m in lines:
        marker = Marker("shi", parse_number(m["n"]) or 0, m["m"], len(m["m"]))
        nodes.append(Node(marker, "shi_line", m.start("m"), m.start("t"), m.end("t"), parent=node))
    for i, child in enumerate(nodes):
        child.end = child.own_end = nodes[i + 1].start if i + 1 < len(nodes) else node.own_end
    if any(not text[child.heading_end : child.end].strip() for child in nodes[:-1]):
        return []  # a line with nothing below it before the next: a list of headings, not problems with measures
    return nodes


def _may_be_problem(text: str, node: Node, section: Node) -> bool:
    """Status groups are never problems, nor items on how the rectification was organised that state no
    shortcoming; nor are sections about the work done, at the top of a flat notice."""
    heading = _heading(text, node)
    if is_status_group(heading):
        return False
    if _is_organisation(heading) and not _SHORTCOMING.search(heading):
        return False  # (一)提高政治站位,以对党忠诚的自觉抓好巡视整改。一是…: how the work was led, at any level
    return not (section.parent is None and _is_report_section(heading))


def _group_of(text: str, node: Node, section: Node) -> StatusMatch | None:
    """The status of the nearest status group (二、正在整改的问题) the node sits in, below the section."""
    for ancestor in reversed(node.ancestors()):
        if ancestor is section:
            break
        heading = _heading(text, ancestor)
        if is_status_group(heading):
            return group_status(heading)  # None for a group of several statuses: the items say theirs
    return None


def _opens_problems(heading: str) -> bool:
    return bool(_ASPECT.search(heading)) or _is_problem_section(heading)


def _is_problem_section(heading: str) -> bool:
    """A heading over a list of problems (巡视反馈重点问题整改落实情况, 二、整改落实情况), not one naming a single
    problem, nor a pair of slogans (聚焦问题清单,推动整改见效)."""
    if "“" in heading or "," in heading or _NAMED_PROBLEM.search(heading):
        return False
    if not _LIST_SECTION.search(heading):
        return False
    return not _is_report_section(heading) and not is_status_group(heading)


def _heading_lines(text: str, root: Node) -> list[Node]:
    """Unnumbered heading lines of sections of problems (巡视反馈重点问题整改落实情况), as items of the root."""
    heads: list[Node] = []
    for m in _HEADING_LINE.finditer(text):
        line = m.group().strip()
        if line.endswith(_TITLE_ENDINGS) or not _is_problem_section(line):
            continue
        node = Node(_UNNUMBERED_HEADING, "heading", m.start(), m.start(), m.end(), parent=root)
        heads.append(node)
    for i, node in enumerate(heads):
        node.end = node.own_end = heads[i + 1].start if i + 1 < len(heads) else len(text)
    return heads


def _run_in_problems(text: str, head: Node, closing: int) -> list[Problem]:
    """Paragraphs under a section heading that open with a short sentence followed by 一是…: each is a problem,
    the sentence its heading."""
    title = _heading(text, head)
    code = "long_term" if "长期" in title else "key" if "重点" in title else "main"
    nodes = _run_in_nodes(text, head, min(head.end, closing))
    head.children = nodes
    return [_read_problem(text, node, head, code, title, None, node.end) for node in nodes]


def _run_in_nodes(text: str, head: Node, end: int, only: str = "hqfs") -> list[Node]:
    """The run-in items of a heading's own text, as unnumbered nodes below it; `only` the kinds named."""
    nodes: list[Node] = []
    aspect = bool(_ASPECT.search(_heading(text, head)))
    for m in _RUN_IN.finditer(text, head.heading_end, end):
        group = next(g for g in "hqfs" if m.group(g) is not None)
        if group not in only:
            continue
        if group == "s" and not (aspect and _SHORTCOMING.search(m.group("s"))):
            continue
        start = m.start(group)
        nodes.append(Node(_UNNUMBERED, "run_in", start, start, m.end(group) + (group != "f"), parent=head))
    for i, node in enumerate(nodes):
        node.end = node.own_end = nodes[i + 1].start if i + 1 < len(nodes) else end
    return nodes


def _is_report_section(heading: str) -> bool:
    """A heading about the work done or planned (一、整改工作开展情况, 四、下一步工作打算), not about a problem."""
    if _ASPECT.search(heading):
        return False
    return bool(_NOT_PROBLEM_SECTION.search(heading)) or _is_organisation(heading)


def _is_organisation(heading: str) -> bool:
    """A heading about how the rectification was organised and led, not about a problem it fixed."""
    return "整改" in heading and bool(_ORGANISATION.search(heading)) and not _NOT_ORGANISATION.search(heading)


def group_status(heading: str) -> StatusMatch | None:
    """The status a heading gives the problems grouped under it (已完成整改的问题), or None if it is no such group
    or groups problems of several statuses (正在整改、需长期坚持的问题)."""
    statuses = _group_statuses(heading)
    return statuses[0] if len(statuses) == 1 else None


def is_status_group(heading: str) -> bool:
    return bool(_group_statuses(heading))


@lru_cache(maxsize=4096)
def _group_statuses(heading: str) -> tuple[StatusMatch, ...]:
    """The status phrases of a heading that is nothing else: status phrases, a bracketed note, group words."""
    if len(heading) > _GROUP_MAX:
        return ()
    found: list[StatusMatch] = []
    rest = _BRACKETED.sub("", heading)  # 已完成(含基本完成): the note qualifies, it adds no status
    while len(found) < 3 and (status := find_status(rest)) is not None:
        found.append(status)
        rest = rest[: status.start] + "、" + rest[status.end :]
    return tuple(found) if found and not _GROUP_WORDS.sub("", rest) else ()


def _is_problem_title(title: str) -> bool:
    return bool(_PROBLEM_SECTION.search(title) or _ASPECT.search(title))


def _problem_level(text: str, section: Node, title: str) -> tuple[str, dict[Node, bool]] | None:
    """The numbering level of a section whose items carry measures or a status; None if it reports no problems."""
    if section.parent is not None and _is_report_section(title):
        return None
    carries = _evidence_by_node(text, section)
    evidence: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    for node in section.walk():
        seen[node.level] += 1
        if carries[node] and _may_be_problem(text, node, section):
            evidence[node.level] += 1
    if not evidence:
        named = _named_problem_level(text, section, title)
        return None if named is None else (named, {})
    level, hits = max(evidence.items(), key=lambda kv: (kv[1], -_depth(section, kv[0])))
    titled = section.parent is None or _is_problem_title(title)
    if not titled and hits < 0.6 * seen[level]:
        return None
    return _above_actions(text, section, level), carries


def _above_actions(text: str, section: Node, level: str) -> str:
    """The level above when the items of `level` read as actions and every one sits under an item stating a
    problem (1.推动高质量发展的举措不够有力 → (1)建立重点项目周调度机制…, the text cut before 整改进展:)."""
    nodes = [n for n in section.walk() if n.level == level]
    parents = {n.parent for n in nodes}
    if section in parents or None in parents or 2 * sum(_is_problem_heading(text, n) for n in nodes) > len(nodes):
        return level
    if any(_first_label(text, n.start, n.own_end) is not None for n in nodes):
        return level  # labelled fields (整改状态:, 整改措施:) are a problem's, whatever its heading says
    if all(_is_problem_heading(text, p) for p in parents if p is not None):
        return next(iter(parents)).level if len({p.level for p in parents if p is not None}) == 1 else level
    return level


def _named_problem_level(text: str, section: Node, title: str) -> str | None:
    """Where no item carries measures or a status (the text is cut before them): the innermost level whose
    headings name a problem (关于“…”问题的整改, 问题3:, 反馈问题:…) or, in a section of problems, state a
    shortcoming (优化后的绩效考核方案尚未公布。)."""
    in_problems = section.parent is not None and _is_problem_title(title)
    named = [
        node
        for node in section.walk()
        if _may_be_problem(text, node, section) and not _is_organisation(_heading(text, node))
        # An aspect (…方面存在的问题) groups problems; only in a flat list (the root) may it be one.
        if (section.parent is None and node.parent is section) or not _ASPECT.search(_heading(text, node))
        if _names_problem(text, node) or (in_problems and _states_shortcoming(text, node))
    ]
    if not named:
        return None
    # The innermost such level where most items read as problems: a measure that happens to say 不足 does not
    # make its level the problems'.
    seen = Counter(n.level for n in section.walk())
    hits = Counter(n.level for n in named)
    levels = [n for n in named if 2 * hits[n.level] >= seen[n.level]] or named
    return max(levels, key=lambda n: len(n.ancestors())).level


def _is_problem_heading(text: str, node: Node) -> bool:
    return _names_problem(text, node) or _states_shortcoming(text, node)


def _names_problem(text: str, node: Node) -> bool:
    heading = _heading(text, node)
    return node.marker.kind in ("problem_n", "unnumbered") or bool(_NAMED_PROBLEM.search(heading))


def _states_shortcoming(text: str, node: Node) -> bool:
    """A short first sentence stating a shortcoming: how problems are worded, unlike measures."""
    heading = _heading(text, node)
    return len(heading) <= _SHORT_HEADING and bool(_SHORTCOMING.search(heading))


def _depth(section: Node, level: str) -> int:
    return next((len(n.ancestors()) for n in section.walk() if n.level == level), 0)


def _evidence_by_node(text: str, section: Node) -> dict[Node, bool]:
    """Whether each item's own text carries measures or a status.

    A status line printed after the last of several numbered items, none of which has a labelled field of its
    own, is the status of their parent: problem 1. with measures (1) (2) (3), then 整改进展:已完成整改.
    """
    carries = {node: _evidence(text, node.start, node.own_end) for node in section.walk()}
    for parent in [section, *section.walk()]:
        if len(parent.children) < 2:
            continue
        *earlier, last = parent.children
        if any(_first_label(text, n.start, n.own_end) is not None for n in earlier):
            continue
        trailing = _own_status(text, last)
        if trailing is not None and trailing >= last.heading_end:
            carries[last] = _evidence(text, last.start, trailing)
            if parent is not section:
                carries[parent] = True
    return carries


def _evidence(text: str, start: int, end: int) -> bool:
    return _first_label(text, start, end) is not None or _first_shi(text, start, end) is not None


def _own_status(text: str, node: Node) -> int | None:
    """Offset of the first status label in an item's own text, if any."""
    return next((label.start for label in _labels(text, node.start, node.own_end) if label.name in STATUS_LABELS), None)


def _heading(text: str, node: Node) -> str:
    line = text[node.heading_start : node.heading_end].strip()
    return line.split("。")[0].rstrip(":;,。 ").strip()


def _cut_at(closing: int, node: Node) -> int:
    """Where a problem's text ends: at the closing lines (欢迎…, 联系电话…) when they fall inside it; a problem that
    starts after them is itself evidence they were not the notice's end, and keeps its whole extent."""
    return node.end if node.start >= closing else min(node.end, closing)


def _closing_start(text: str, root: Node) -> int:
    first = root.children[0].start if root.children else 0
    m = _CLOSING.search(text, first)
    return m.start() if m else len(text)


def _read_problem(text: str, node: Node, section: Node, code: str, section_title: str, default, end: int) -> Problem:
    headings = _headings_above(text, node, section, section_title)
    bracket = _bracketed_status(text, node)
    heading_end = bracket[0] if bracket else node.heading_end
    title_span, title_stop = _title(text, node, heading_end)
    problem = Problem(
        node=node,
        section=code,
        section_title=section_title,
        area=headings[0] or None,
        topic=headings[1] or None,
        subtopic="/".join(h for h in headings[2:] if h) or None,
        start=node.start,
        end=end,
        title_span=title_span,
        description_span=None,
    )
    fields = _fields(text, title_stop, end)
    body_end = fields[0][1] if fields else end
    measures_start = None
    if not any(label in MEASURE_LABELS for label, *_ in fields):
        measures_start = _unlabelled_measures(text, node, title_stop, body_end, labelled=bool(fields))
        if measures_start is not None:
            body_end = measures_start
        introduces = text[node.heading_start : heading_end].rstrip().endswith(":")  # …。市大数据管理中心问题:
        if measures_start is not None and measures_start >= node.heading_end and not introduces:
            # Heading line alone, measures below it (中山): the whole heading is the problem's statement.
            lead = _PROBLEM_LEAD.match(text, node.heading_start, heading_end)
            first = lead.end() if lead else node.heading_start
            problem.title_span = _strip_span(text, first, heading_end) or problem.title_span
            problem.title_span = (problem.title_span[0], _rstrip_punct(text, *problem.title_span))
            title_stop = node.heading_end
    desc = _strip_span(text, title_stop, body_end)
    problem.description_span = desc
    problem.regions.append(("problem", node.start, body_end))
    if measures_start is not None:
        measures_end = fields[0][1] if fields else end
        problem.measures = split_items(text, measures_start, measures_end)
        problem.regions.append(("measure", measures_start, measures_end))
    for label, _label_start, label_end, stop in fields:
        _read_field(text, problem, label, label_end, stop)
    if problem.status_span is None:
        _read_unlabelled_status(text, problem, bracket[1] if bracket else None, title_stop, end, default)
    return problem


def _headings_above(text: str, node: Node, section: Node, section_title: str) -> list[str | None]:
    """The headings of the items between the section and the problem, outermost first (status groups skipped), the
    section's own title first when it names an aspect; padded with None to area, topic and subtopic at least."""
    levels = [
        a
        for a in node.ancestors()
        if a is not section and a not in section.ancestors() and not is_status_group(_heading(text, a))
    ]
    headings: list[str | None] = [_heading(text, a) for a in levels] + [None, None, None]
    if section_title and _ASPECT.search(section_title):
        headings.insert(0, section_title)
    return headings


def _read_unlabelled_status(
    text: str, problem: Problem, bracketed: StatusMatch | None, title_stop: int, end: int, default: StatusMatch | None
) -> None:
    """The status of a problem without a status field, surest first: in brackets after its heading, a short sentence
    after the heading, the item's last sentence; else the section's (`default`), without a span; else unstated."""
    status = bracketed
    if status is None:
        status = _lead_status(text, title_stop, end)
    if status is None:
        status = _closing_status(text, min(problem.node.heading_end, title_stop), end)
    if status is not None:
        problem.status, problem.status_raw = status.code, status.phrase
        problem.status_span = (status.start, status.end)
    elif default is not None:
        problem.status, problem.status_raw = default.code, default.phrase
    if problem.status_span is None and problem.status_raw is None:
        problem.status = "unstated"


def _lead_status(text: str, start: int, end: int) -> StatusMatch | None:
    """A short status sentence right after the heading (audit reports: 部分非税收入未及时缴库问题。已整改。…), or
    opening the paragraph below a heading line of its own (…任务未完成。 / 该问题已完成整改。一是…)."""
    while start < end and text[start] in " \t\n":
        start += 1
    stop = _sentence_end(text, start, end)
    if stop - start > _STATUS_SENTENCE:
        return None
    lead = _STATUS_LEAD.match(text, start, stop)
    status = find_status(text, lead.end() if lead else start, stop, anchored=True)
    return status if status is not None and _STATUS_TAIL.fullmatch(text, status.end, stop) else None


def _closing_status(text: str, after: int, end: int) -> StatusMatch | None:
    """A status said in the item's last sentence, after its measures: …二是开展专题研讨。目前已完成整改。

    `after`: where the title stops, inside the heading line when the measures run on in it (1、…表面化。一是…。)."""
    stop = end
    while stop > after and text[stop - 1] in " \t\n。;":
        stop -= 1
    start = max(text.rfind(ch, after, stop) for ch in "。;\n") + 1
    if start <= after:
        return None
    if stop - start <= _STATUS_SENTENCE:
        status = _status_alone(text, start, stop)
        if status is not None:
            return status
    # 整改情况:修订责任清单,已完成整改。: an account of one sentence whose last clause says the status. In a longer
    # account the last clause speaks of that sentence's own object (针对…问题,专门研究推进,已整改到位).
    if re.search(r"[。;]", text[after:start].strip(" \t\n。;")):
        return None
    clause = text.rfind(",", start, stop) + 1
    return _status_alone(text, clause, stop) if clause > start else None


def _status_alone(text: str, start: int, stop: int) -> StatusMatch | None:
    """The status that text[start:stop] consists of, with a lead (目前, 该问题) and a particle allowed around it."""
    lead = _STATUS_LEAD.match(text, start, stop)
    status = find_status(text, lead.end() if lead else start, stop, anchored=True)
    return status if status is not None and _STATUS_TAIL.fullmatch(text, status.end, stop) else None


def _unlabelled_measures(text: str, node: Node, start: int, stop: int, labelled: bool) -> int | None:
    """Where measures printed without a measures label begin in text[start:stop]; None if there are none.

    With no labelled fields at all, an 一是 list, nested numbered lines or the paragraphs under the heading line
    are the measures. When only a status (or another field) is labelled, the measures must stand on lines of
    their own below the heading: an 一是 list inside the heading sentence then lists facets of the problem.
    """
    shi = _first_shi(text, start, stop)
    starts = [shi] if shi is not None and (not labelled or shi >= node.heading_end) else []
    if node.children and node.children[0].start < stop:
        starts.append(node.children[0].start)
    if starts:
        return min(starts)
    newline = text.find("\n", start, stop)
    if not labelled and newline >= 0 and text[newline + 1 : stop].strip():
        # Heading line, then unlabelled paragraphs: the paragraphs are what was done.
        return newline + 1
    return None


def _bracketed_status(text: str, node: Node) -> tuple[int, StatusMatch] | None:
    """A status printed in brackets at the end of the heading line (`…不到位(已完成)`, `【正在整改】`)."""
    m = _BRACKET_STATUS.search(text, node.heading_start, node.heading_end)
    if not m:
        return None
    status = find_status(text, m.start("s"), m.end("s"), anchored=True)
    return (m.start(), status) if status and status.end == m.end("s") else None


def _title(text: str, node: Node, heading_end: int) -> tuple[tuple[int, int], int]:
    """The title's span and where the text after it begins."""
    start, stop = node.heading_start, heading_end
    lead = _PROBLEM_LEAD.match(text, start, stop)
    start = lead.end() if lead else start
    quoted = _bare_quote(text, start, stop)
    if quoted:
        # 针对“重大项目未经集体决策”。 — the heading is nothing but the quotation: the quotation is the title.
        # With words after it (关于“…”问题的整改, 针对“…”的问题) the heading as printed is the title.
        after = quoted[1] + 1
        while after < stop and text[after] in "。:; ":
            after += 1
        return quoted, after
    label = _first_label(text, start, stop)
    cut = min([i for i in (text.find("。", start, stop), label.start if label else -1) if i >= 0], default=stop)
    named = _QUOTED_HEAD.match(text, start, cut)
    if named and named.end() < cut and text[named.end()] == ",":
        cut = named.end()  # 针对“…”问题,省委坚持…: the heading is the named problem
    shi = _first_shi(text, start, cut)
    if shi is not None and shi > start and text[shi - 1] in ",:":
        cut = shi - 1  # 针对“…”问题,一是…: the measures begin after the comma
    if text.count("“", start, cut) > text.count("”", start, cut):
        # A 。 inside the quotation (关于“…不深不透。局党组未组织学习…”问题的整改) does not end the heading.
        close = _closing_quote(text, start, stop)
        if close is not None:
            end = text.find("。", close, stop)
            cut = end if end >= 0 else stop
    title_end = _rstrip_punct(text, start, cut)
    after = cut + 1 if cut < stop and text[cut] == "。" else cut
    return (start, title_end), after


def _closing_quote(text: str, start: int, stop: int, breaks: str = "") -> int | None:
    """Offset of the ” that closes the first “ in text[start:stop], nested quotes allowed; None if it is not closed
    there, or if a character of `breaks` comes first."""
    depth = 0
    opening = text.find("“", start, stop)
    if opening < 0:
        return None
    for i in range(opening, stop):
        ch = text[i]
        if ch == "“":
            depth += 1
        elif ch == "”":
            depth -= 1
            if depth == 0:
                return i
        elif ch in breaks:
            return None
    return None


def _heading_cut(text: str, problem: Problem) -> bool:
    """Whether the text ends before the problem's heading does: its title is not known."""
    start, end = problem.title_span
    body = len(text.rstrip())
    if end >= len(text.rstrip().rstrip(",、:;")):  # 投资管理不够审慎, — and the text stops
        return True
    return text.count("“", start, end) > text.count("”", start, end) and _closing_quote(text, start, body) is None


def _bare_quote(text: str, start: int, stop: int) -> tuple[int, int] | None:
    """The span inside 针对“…”/关于“…” when the quotation (nested quotes allowed) is all its heading sentence holds."""
    lead = _QUOTE_LEAD.match(text, start, stop)
    if not lead:
        return None
    i = _closing_quote(text, lead.end() - 1, min(stop, lead.end() + 300), breaks="\n。")
    if i is None or i - lead.end() < 2:
        return None
    end = i + 1
    return (lead.end(), i) if end >= stop or text[end] in "。:;" else None


def _fields(text: str, start: int, end: int) -> list[tuple[str, int, int, int]]:
    """(label, start of the label, end of the label, end of the field) for each labelled field in text[start:end]."""
    found = list(_labels(text, start, end))
    return [
        (label.name, label.start, label.end, found[i + 1].start if i + 1 < len(found) else end)
        for i, label in enumerate(found)
    ]


def _read_field(text: str, problem: Problem, label: str, start: int, stop: int) -> None:
    value_start = start
    while value_start < stop and text[value_start] in " \t\n:[【(":
        value_start += 1
    sentence_end = _sentence_end(text, value_start, stop)
    if label in STATUS_LABELS or label in STATUS_FIRST:
        status = find_status(text, value_start, sentence_end, anchored=True)
        short = sentence_end - value_start <= (status.end - status.start + 6 if status else 20)
        # 整改情况:已完成整改,一是…: the status is its own clause, the measures follow the comma.
        clause = status is not None and not short and text.startswith(",", status.end)
        if status and (short or clause):
            problem.status, problem.status_raw = status.code, status.phrase
            problem.status_span = (status.start, status.end)
            rest = status.end + 1 if clause else sentence_end + 1
            if label in STATUS_FIRST and text[rest:stop].strip():
                problem.measures += split_items(text, rest, stop)
                problem.regions.append(("measure", rest, stop))
            return
        if label in STATUS_LABELS and _is_account(text, value_start, sentence_end, stop):
            # 整改进展情况: then 一是…, or 整改完成情况:2022年1月已抽调五名同志…: the field tells what was done,
            # and gives no status.
            label = MEASURE_LABELS[0]
        elif label in STATUS_LABELS:
            raw = text[value_start:sentence_end].strip()
            problem.status, problem.status_raw = None, raw
            problem.status_span = (value_start, sentence_end)
            return
    if label in MEASURE_LABELS:
        problem.measures += split_items(text, start, stop)
        problem.regions.append(("measure", start, stop))
    elif label in RESULT_LABELS:
        problem.results += split_items(text, start, stop)
        problem.regions.append(("result", start, stop))


def _is_account(text: str, start: int, sentence_end: int, stop: int) -> bool:
    """A field value that tells what was done (a list, a dated or long sentence) rather than naming a status."""
    if _LIST_START.match(text, start, stop):
        return True
    return sentence_end - start > _STATUS_SENTENCE or (start < stop and text[start].isdigit())


def _sentence_end(text: str, start: int, stop: int) -> int:
    m = _SENTENCE_END.search(text, start, stop)
    return m.start() if m else stop


def _strip_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start] in " \t\n。":
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


def _rstrip_punct(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in ":;,。 ":
        end -= 1
    return end
