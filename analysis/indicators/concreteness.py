"""Concreteness of measures: does a measure say when, who, how much and what it produces?

Four flags per measure, each with the span of text that decided it (a checkable claim, as every value here is):

- `has_deadline`: a time limit or the time the action was done (`analysis.indicators.timeliness.find_times`: a
  deadline, a date, a month, a quarter, 立行立改 — not a year that only names a thing, not an open horizon);
- `has_owner`: a unit or person named as doing, leading or answering for the action (a 责任单位/牵头单位/责任人
  field, 由X牵头, 会同X, a named office or Party body as the subject, a role such as 分管负责同志) — not the issuer
  as a whole, a generic 各科室/相关部门, or the object of the action (对…负责人进行批评教育);
- `has_quantity`: a number, amount or percentage that is not a date, a list ordinal, a 第N ordinal or part of a
  fixed name (三重一大, “…” quotations);
- `has_deliverable`: a document, ledger or list produced (制定《…》, 修订…制度, 建立…台账, 书面检讨), a system built
  (搭建…平台), or money recovered — not a rule only studied or applied (学习《…》, 严格执行《…》).

The score of a measure is the number of flags set (0–4); a notice's score is the mean over its measures. The
vocabularies are data: analysis/data/concreteness_cues.csv (flag, role, term, note) and the time phrases of the
timeliness module. Precision and recall against a hand-coded sample: `python -m analysis.evaluate.concreteness`.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from analysis.extract.normalize import normalize
from analysis.indicators.timeliness import TimeMention, find_times

if TYPE_CHECKING:
    import pandas as pd

FLAGS = ("has_deadline", "has_owner", "has_quantity", "has_deliverable")
_CLAUSE_END = "，。；,;：:！？!?\n"
_CJK_RUN = r"[\u4e00-\u9fff]"
_SHORT_UNIT_NAME = 7  # characters of a unit's name after its place: 农业农村局 5, 人力资源局 5
_ITEM_OPENERS = "：:；;。，, \n"  # what stands before the marker of an item listed inside a measure
# a Chinese numeral after these is part of a longer one or an ordinal
_NUMERAL_BEFORE = "[一二两三四五六七八九十百千万第]"
# Characters of grammar that a unit's name does not contain: a run holding one is a phrase, not a name.
_NOT_IN_NAMES = set("对的与和及在将把从并为了而或、是")


@dataclass(frozen=True)
class Flag:
    """One flag's value and the span [start, end) of the text that decided it (None when the flag is false)."""

    value: bool
    start: int | None = None
    end: int | None = None


NO = Flag(False)


@cache
def cues() -> dict[tuple[str, str], tuple[str, ...]]:
    """(flag, role) → its terms, longest first, from analysis/data/concreteness_cues.csv."""
    table: dict[tuple[str, str], list[str]] = {}
    with resources.files("analysis.data").joinpath("concreteness_cues.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            table.setdefault((row["flag"], row["role"]), []).append(row["term"])
    return {key: tuple(sorted(terms, key=len, reverse=True)) for key, terms in table.items()}


def _alt(flag: str, role: str) -> str:
    return "|".join(map(re.escape, cues()[(flag, role)]))


@dataclass(frozen=True)
class _Patterns:
    field: re.Pattern[str]
    lead: re.Pattern[str]
    co_actor: re.Pattern[str]
    titled_lead: re.Pattern[str]
    handed: re.Pattern[str]
    organ: re.Pattern[str]
    titled: re.Pattern[str]
    role: re.Pattern[str]
    body: re.Pattern[str]
    unit: re.Pattern[str]
    generic_before: re.Pattern[str]
    generic_inside: re.Pattern[str]
    name_after: re.Pattern[str]
    elect_after: re.Pattern[str]
    counterpart: re.Pattern[str]
    self_unit: re.Pattern[str]
    higher: re.Pattern[str]
    function_unit: re.Pattern[str]
    function_name: re.Pattern[str]
    kept: re.Pattern[str]
    function_generic: re.Pattern[str]
    object_verb_before: re.Pattern[str]
    written: re.Pattern[str]
    spent: re.Pattern[str]
    demand_before: re.Pattern[str]
    demanded: re.Pattern[str]
    counterpart_before: re.Pattern[str]
    enumerated: re.Pattern[str]
    placed: re.Pattern[str]
    township: re.Pattern[str]
    company: re.Pattern[str]
    comrade: re.Pattern[str]
    subject_function: re.Pattern[str]
    acting_before: re.Pattern[str]
    cited_before: re.Pattern[str]
    object_before: re.Pattern[str]
    made_before: re.Pattern[str]
    number: re.Pattern[str]
    cn_number: re.Pattern[str]
    one: re.Pattern[str]
    one_counted_after: re.Pattern[str]
    fixed: re.Pattern[str]
    quote: re.Pattern[str]
    slogan: re.Pattern[str]
    book: re.Pattern[str]
    make: re.Pattern[str]
    build: re.Pattern[str]
    built: re.Pattern[str]
    recover: re.Pattern[str]
    refunded: re.Pattern[str]
    paid_over: re.Pattern[str]
    standalone: re.Pattern[str]
    frame_after: re.Pattern[str]
    noun_after: re.Pattern[str]
    recurring_deadline: re.Pattern[str]
    period_before: re.Pattern[str]
    period_after: re.Pattern[str]
    tally_after: re.Pattern[str]
    condition_before: re.Pattern[str]
    category_before: re.Pattern[str]
    category: re.Pattern[str]
    principle: re.Pattern[str]
    cite_before: re.Pattern[str]
    list_marker: re.Pattern[str]


@cache
def _patterns() -> _Patterns:
    o, q, d, t = "has_owner", "has_quantity", "has_deliverable", "has_deadline"
    clause = rf"[^{_CLAUSE_END}]"
    sentence = r"[^。；;\n]"
    places = _alt(o, "place_prefix")
    # 办 ends a unit (镇农社办), not a word (办公, 办理, 办事, 办件, 办结): 市协同办公平台 names no unit
    not_word = r"(?![学技研普室])(?!(?<=办)[公理事件结法])"
    # a unit's name may hold digits (市12345热线中心)
    placed_unit = rf"(?:{places})[\u4e00-\u9fff\d]{{1,12}}?(?:{_alt(o, 'unit_suffix')}){not_word}"
    # a unit ending in 局/委, as the issuer names itself (市政数局): kept apart, see _acts
    self_unit = rf"(?:{places})[\u4e00-\u9fff\d]{{1,12}}?(?:{_alt(o, 'self_suffix')})(?![员托会势面部限])"
    # 处级, 科级 are ranks and 本科, 学科 words, not the end of a section's name
    section = (
        rf"{_CJK_RUN}{{2,10}}?(?<!{_alt(o, 'not_section')})(?:{_alt(o, 'section_suffix')})(?![学技研普室长理置罚分级])"
    )
    # units named one by one before 等部门 (公安、民政、卫健等部门): named, though the list ends in 等
    name_char = rf"(?:(?![{''.join(sorted(_NOT_IN_NAMES))}]){_CJK_RUN})"
    # …and a single unit so named before 等部门 (与财政等部门研究编制)
    # an item may carry its office in brackets (政治部(督察室)); what stands between 等 and 部门 says what the units
    # are (等相关单位, 等信访牵头部门), not which
    item = rf"{name_char}{{2,8}}?(?:[(（]{name_char}{{1,6}}[)）])?"
    quoted = r"“[^”]{0,30}”|\"[^\"]{0,30}\""

    def named(longest: int, end: str) -> str:
        """A name of 2 to `longest` characters ending in one of `end`, as the group `who`."""
        return rf"(?P<who>{name_char}{{2,{longest}}}?(?:{end}))"

    enumerated = rf"(?:{item}、)*{item}等(?:{name_char}|\d){{0,6}}?(?:{_alt(o, 'enumerated_end')})"
    return _Patterns(
        field=re.compile(rf"(?:{_alt(o, 'field')})\s*[:：]\s*[^\s{_CLAUSE_END}]+"),
        # 以X为组长 names X as 由X任组长 does
        lead=re.compile(rf"[由以](?P<who>{clause}{{2,20}}?)(?:{_alt(o, 'lead')})"),
        co_actor=re.compile(
            rf"(?:{_alt(o, 'co_actor')})(?P<who>{clause}{{2,16}}?(?:{_alt(o, 'co_actor_end')}){not_word}|{enumerated})"
        ),
        # a leader named by title heading a group (董事长为组长, 区委书记任组长, 区委常委同志分别任组长): the title
        # after the body it belongs to, so the span does not take the verb before it (成立区委书记任组长的…)
        titled_lead=re.compile(
            rf"(?P<who>(?:(?:{_alt(o, 'level')})委|{_alt(o, 'title_body')})?副?(?:{_alt(o, 'title')})(?:同志)?)"
            rf"(?:分别)?(?:{_alt(o, 'title_lead')})"
        ),
        # a case handed to a unit that deals with it (交由纪委调查, 转由民政收回, 由县统一接管): the agent of 由
        handed=re.compile(
            rf"(?:交由|转由|改由|(?<![理缘自经])由(?![于此衷]))"
            rf"(?P<who>{name_char}{{1,6}}?)(?:统一)?(?:{_alt(o, 'handed_verb')})"
        ),
        # an organ written bare or after its place or company (薛家镇内审, 经营部, 财务; a village by its name: 圣迹村)
        # as the subject of its clause
        organ=re.compile(
            rf"(?=(?P<who>(?:{name_char}{{1,4}}?(?:{_alt(o, 'level')}|公司|集团))?(?:{_alt(o, 'organ')})"
            rf"|{name_char}{{2,3}}村)"
            rf"(?:{_alt(o, 'subject_after')}|{_alt(o, 'organ_acting')}))"
        ),
        # …or as the subject of its clause (吴国雄副市长高度重视…, 李强总理主持召开…)
        titled=re.compile(
            rf"(?=(?P<who>{name_char}{{0,4}}?(?:{_alt(o, 'title')})(?:同志)?)(?:{_alt(o, 'title_acting')}))"
        ),
        role=re.compile(rf"(?:{_alt(o, 'role')})"),
        body=re.compile(rf"(?:{_alt(o, 'body')})(?!织)(?!.{{0,3}}第一议题)"),
        name_after=re.compile(rf"{clause}{{0,2}}(?:{_alt(o, 'name_after')})|(?:{_alt(o, 'object_after')})"),
        elect_after=re.compile(rf"{clause}{{0,6}}(?:{_alt(o, 'elect_after')})"),
        counterpart=re.compile(_alt(o, "counterpart_verb")),
        self_unit=re.compile(self_unit),
        higher=re.compile(rf"(?:{_alt(o, 'higher_prefix')})"),
        function_unit=re.compile(
            rf"(?:{_alt(o, 'acting_after')})(?P<who>{name_char}{{2,4}}?(?:{_alt(o, 'function_end')}))"
            rf"(?!{_alt(o, 'generic')}|人员)"  # 组织财务部门相关人员: the staff, not the unit
        ),
        function_name=re.compile(rf"{name_char}{{2,4}}?(?:{_alt(o, 'function_end')})"),
        kept=re.compile(rf"(?:{_alt(d, 'ledger_verb')}){clause}{{0,12}}?(?:{_alt(d, 'ledger')})"),
        function_generic=re.compile(rf"(?:{_alt(o, 'function_generic')}|{_alt(o, 'generic')})"),
        object_verb_before=re.compile(rf"(?:{_alt(o, 'object_verb')}){clause}{{0,8}}$"),
        # a rule written into a named document (在《…》中明确), or a duty into a plan or list (纳入…教学计划)
        written=re.compile(
            rf"在《[^》]{{1,80}}》中(?:{_alt(d, 'written_verb')})"
            rf"|(?:{_alt(d, 'into_verb')}){clause}{{0,30}}?(?:{_alt(d, 'into_document')})"
        ),
        spent=re.compile(rf"(?:{_alt(d, 'recover_verb')}){clause}{{0,10}}?(?:{_alt(d, 'money')})"),
        demand_before=re.compile(rf"(?:{_alt(d, 'demand')}){clause}{{0,20}}$"),
        # a clause of the same sentence opened by 要求/督促 asks others; 按要求, 上级要求 inside a clause are cited
        demanded=re.compile(rf"(?:^|[,，:：。；;\n])(?:{_alt(d, 'demand')})[^。；;\n]*$"),
        counterpart_before=re.compile(rf"(?:{_alt(o, 'counterpart_marker')}){clause}{{0,4}}$"),
        enumerated=re.compile(enumerated),
        unit=re.compile(rf"{placed_unit}|{section}"),
        generic_before=re.compile(rf"(?:{_alt(o, 'generic')}){clause}{{0,10}}$"),
        generic_inside=re.compile(rf"(?:{_alt(o, 'generic')}|等)"),
        placed=re.compile(rf"(?:{places})"),
        # every start is tried (a lookahead): the leftmost match of a name would swallow the words before it
        township=re.compile(rf"(?={named(5, _alt(o, 'township_suffix'))})"),
        # a department named by its function as the subject: the word after it must mark a subject (财政部门通过…,
        # 物业管理部门均已…); the run before 部门 may be a verb phrase (推动部门开展, 协同多部门建立)
        subject_function=re.compile(
            rf"(?=(?:{_alt(o, 'level')})?"
            rf"{named(6, _alt(o, 'function_end') + '|' + _alt(o, 'subject_end'))}"
            rf"(?:{_alt(o, 'subject_after')}))"
        ),
        # a person named (宋彦麟同志), as the subject of the clause
        comrade=re.compile(rf"(?=(?P<who>{name_char}{{2,3}}同志)(?!的))"),
        company=re.compile(rf"(?={named(24, _alt(o, 'company_suffix'))})"),
        acting_before=re.compile(rf"(?:{_alt(o, 'acting_after')})$"),
        cited_before=re.compile(rf"(?:{_alt(o, 'cited_after')}){clause}{{0,6}}$"),
        object_before=re.compile(rf"(?:{_alt(o, 'object_marker')})(?!照|标|接|外|比|于){clause}{{0,12}}$"),
        made_before=re.compile(rf"(?:{_alt(o, 'made_object')}){clause}{{0,14}}$"),
        number=re.compile(r"(?<![\dA-Za-z/\-〔.])\d+(?:[.,]\d+)*(?![\d\-〕])"),
        cn_number=re.compile(
            rf"(?<!{_NUMERAL_BEFORE})[二两三四五六七八九十百千万][一二两三四五六七八九十百千万]*"
            rf"(?=(?:{_alt(q, 'measure_word')}))"
        ),
        # 一 is rarely a count (一是, 一批, 一体化); it is one after 至少 or a frequency (每月至少召开一次)
        one=re.compile(rf"(?<!{_NUMERAL_BEFORE})一(?=(?:{_alt(q, 'one_unit')}))(?!次性)"),
        one_counted_after=re.compile(_alt(q, "one_counted_after")),
        fixed=re.compile(_alt(q, "fixed_name")),
        quote=re.compile(rf"{quoted}|《[^》]{{0,80}}》"),
        # a quoted slogan naming a mechanism (建立“一个问题、一个方案”的整改机制): its words are not documents made
        slogan=re.compile(rf"(?:{quoted})(?:的)?{clause}{{0,4}}?机制"),
        book=re.compile(r"《[^》]{1,80}》?"),
        make=re.compile(
            rf"(?:{_alt(d, 'make_verb')})(?!的){clause}{{0,24}}?(?:《|(?:{_alt(d, 'document')})(?!机制))"
            rf"|(?:{_alt(d, 'hand_in_verb')})(?!的){clause}{{0,24}}?(?:{_alt(d, 'handed_in')})"
            rf"|(?:{_alt(d, 'named_make_verb')})《"
        ),
        # a facility is built like a system (新建一座水冲式厕所, 网围栏等设施已安装到位)
        build=re.compile(rf"(?:{_alt(d, 'build_verb')}){clause}{{0,24}}?(?:{_alt(d, 'system')}|{_alt(d, 'facility')})"),
        built=re.compile(
            rf"(?:{_alt(d, 'system')}|{_alt(d, 'facility')})(?:进行|实施|已|均已)?(?:{_alt(d, 'built_after')})"
        ),
        # money settled counts only with its amount (清理用地款1.05亿元; 清理…资金出借情况 is not)
        recover=re.compile(
            rf"(?:{_alt(d, 'recover_verb')}|{_alt(d, 'settle_verb')}){sentence}{{0,40}}?\d[\d.,]*\s*(?:万|亿)?元"
        ),
        # the amount before the verb (将…41.43万元全额上缴市财政局)
        paid_over=re.compile(rf"\d[\d.,]*\s*(?:万|亿)?元{clause}{{0,8}}?(?:{_alt(d, 'recover_verb')})"),
        refunded=re.compile(rf"(?:{_alt(d, 'done')}){clause}{{0,16}}?(?:{_alt(d, 'recover_verb')})"),
        standalone=re.compile(_alt(d, "standalone")),
        frame_after=re.compile(_alt(d, "frame_after")),
        noun_after=re.compile(_alt(d, "noun_after")),
        recurring_deadline=re.compile(
            rf"(?:{_alt(t, 'recurring')})(?:的)?(?:\d{{1,2}}|[一二三四五六七八九十]{{1,3}})"
            r"(?:日|号|个工作日)(?:前|之前|以前)"
        ),
        period_before=re.compile(rf"(?:{_alt(t, 'period_before')})$"),
        period_after=re.compile(rf"(?:{_alt(t, 'period_after')})[\d一二两三四五六七八九十增下上降减]"),
        tally_after=re.compile(rf"(?:{_alt(t, 'tally_after')})"),
        condition_before=re.compile(rf"(?:{_alt(t, 'condition_before')})"),
        # a kind of problem named in the clause before (对能够立即整改的问题，立行立改): a standing rule
        category_before=re.compile(rf"(?<!针)对{clause}{{0,16}}(?:的|发现)问题[,，]$"),
        category=re.compile(rf"(?<!针)对{clause}{{0,16}}的问题"),
        principle=re.compile(rf"(?:{_alt(t, 'principle_before')}){clause}{{0,20}}?原则"),
        # a verb cites what follows it (执行…修订的制度); a preposition only what stands right after it (按照新修订的…),
        # since a document made after the preposition's object is the clause's output (依照问题清单制定整改方案)
        cite_before=re.compile(
            rf"(?:{_alt(d, 'cite_verb')}){clause}{{0,6}}$|(?:{_alt(d, 'cite_preposition')}){clause}?$"
        ),
        list_marker=re.compile(
            r"\s*(?:[(（]?\d{1,2}[)）.、．]|[(（][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+[、是])"
        ),
    )


def _clause_before(text: str, start: int) -> str:
    """The text of the clause before `start` (from the last clause mark)."""
    i = start
    while i > 0 and text[i - 1] not in _CLAUSE_END:
        i -= 1
    return text[i:start]


def _clause_after(text: str, end: int) -> str:
    """The text of the clause after `end` (to the next clause mark)."""
    i = end
    while i < len(text) and text[i] not in _CLAUSE_END:
        i += 1
    return text[end:i]


def _flag(match: re.Match[str] | None) -> Flag:
    return Flag(True, match.start(), match.end()) if match else NO


def deadline_flag(text: str) -> Flag:
    """A deadline or a dated action: the first time mention that is not a name, an open horizon or the period of a
    statistic or of an object (统计2024年12月…, 对2024年以来…信息, 2025年1—6月为43件), or a recurring day limit
    (每月10日前)."""
    p = _patterns()
    hits = [(m.start(), m.end()) for m in p.recurring_deadline.finditer(text)][:1]
    for t in find_times(text):
        if t.role not in ("deadline", "at", "since", "asof") or t.kind == "open" or _inside(p.quote, text, t.start):
            continue
        if any(a <= t.start < b for a, b in hits) or not _dates_action(p, text, t):
            continue
        hits.append((t.start, t.end))
        break
    if not hits:
        return NO
    start, end = min(hits)
    return Flag(True, start, end)


def _dates_action(p: _Patterns, text: str, t: TimeMention) -> bool:
    """Whether a time mention says when the measure's action is (or was) done: not the period of a statistic, an
    object or a tally, not a standing rule's or a principle's time."""
    if p.period_before.search(_clause_before(text, t.start)) or p.period_after.match(text, t.end):
        return False  # 统计2024年12月…, 2025年1—6月为43件: the period a figure or an object covers
    if t.role in ("at", "since") and p.tally_after.match(text, t.end):
        return False  # 2025年1—3月累计填报595条: the period a tally covers
    if p.condition_before.search(_clause_before(text, t.start)) or p.category_before.search(text, 0, t.start):
        return False  # 发现问题立即处理, 对具备整改条件的问题，立即整改: a standing rule, no date
    # 对能够立即整改的问题, 按照立行立改…的原则: a kind of problem or a principle, not a time
    return not (_inside(p.category, text, t.start) or _inside(p.principle, text, t.start))


def _subject_position(text: str, start: int) -> bool:
    """Whether nothing but a list marker or a time stands between the clause's start and `start`."""
    p = _patterns()
    before = _clause_before(text, start)
    marker = p.list_marker.match(before)
    rest = before[marker.end() :] if marker else before
    for t in find_times(rest):
        rest = rest.replace(t.raw, "", 1)
    rest = rest.strip(" 在于")
    # the proper name of a place before a unit written with its level (竹溪|县卫生健康局), the issuer's name for
    # itself (我局|财务科) or a demonstrative (该|县财政局) leaves the unit the subject
    known = (*cues()[("has_owner", "self_name")], *cues()[("has_owner", "demonstrative")])
    return rest == "" or _place_name(rest, text, start) or rest in known


def _place_name(run: str, text: str, start: int) -> bool:
    """Whether `run` is the proper name of the place whose level starts the unit at `start` (竹溪 + 县卫生健康局:
    竹溪县 is in the gazetteer; 开展 + 市信息中心 is not a place)."""
    from analysis.extract import gazetteer

    level = next((level for level in cues()[("has_owner", "level")] if text.startswith(level, start)), None)
    if level is None or not 2 <= len(run) <= 4:
        return False
    return bool(gazetteer.candidates(run + level) or gazetteer.township_units(run + level))


def _named_unit(unit: str, text: str, start: int) -> bool:
    """Whether a unit-shaped run is a named unit acting: no generic or function word inside it, not a generic
    科室/处室, and in the subject position or right after 组织/督促. An office named after the issuer's
    self-reference (我局财务科) is read without it."""
    p = _patterns()
    names = cues()[("has_owner", "self_name")]
    own = next((name for name in names if unit.startswith(name) and len(unit) > len(name) + 1), "")
    unit, start = unit[len(own) :], start + len(own)
    if p.generic_inside.search(unit) or any(c in _NOT_IN_NAMES for c in unit) or unit.endswith(("科室", "处室")):
        return False
    return _subject_position(text, start) or bool(p.acting_before.search(_clause_before(text, start)))


def owner_flag(text: str, issuer: str | None = None) -> Flag:
    """The first named owner: a field, 由X牵头, 会同X, or a role, Party body or named unit acting in its clause.

    `issuer`, the body that publishes the notice, tells a unit that names itself (市数据局) from another one acting
    (市财政局已将…拨付, in an audit office's report); without it, a 局/委 counts only when placed higher or made to
    act.
    """
    p = _patterns()
    stated = _stated_owner(p, text)
    return stated if stated is not None else _acting_owner(p, text, issuer or None)


def _stated_owner(p: _Patterns, text: str) -> Flag | None:
    """The first owner a field, 由X牵头 or 会同X names (a generic one, or a co-actor not placed, skipped), or None."""
    for pattern in (p.field, p.lead, p.titled_lead, p.handed, p.co_actor):
        for m in pattern.finditer(text):
            who = m.groupdict().get("who")
            listed = who is not None and _listed_units(p, who)
            function = who is not None and pattern is p.co_actor and _function_unit(p, who)
            generic = who is not None and not (listed or function) and p.generic_inside.search(who)
            if generic or (pattern is p.co_actor and not (listed or function or p.placed.match(who or ""))):
                continue
            if pattern is p.co_actor and p.counterpart.search(_clause_after(text, m.end())):
                continue  # 与市委编办沟通, 与…平台对接: a counterpart, not a co-actor
            return _flag(m)
    return None


def _listed_units(p: _Patterns, who: str) -> bool:
    """Whether `who` is units named one by one before 等部门 (公安、民政等部门, 财政等部门), none of them generic."""
    return bool(p.enumerated.fullmatch(who)) and not p.function_generic.search(who[: who.rfind("等")])


def _function_unit(p: _Patterns, who: str) -> bool:
    """Whether `who` is a department named by its function (公安部门), not a generic one (相关部门, 业务部门)."""
    return bool(p.function_name.fullmatch(who)) and not p.function_generic.search(who)


def _acting_owner(p: _Patterns, text: str, issuer: str | None) -> Flag:
    """The first role, Party body or named unit acting in its clause (the first of each kind, then the earliest)."""
    kinds = (
        *(p.role, p.body, p.unit, p.enumerated, p.self_unit),
        *(p.function_unit, p.subject_function, p.township, p.company, p.comrade, p.titled, p.organ),  # (?P<who>…)
    )
    found = []
    for pattern in kinds:
        m = next((m for m in pattern.finditer(text) if _acts(p, pattern, text, m, issuer)), None)
        if m is None:
            continue
        if "who" in pattern.groupindex:
            found.append((m.start("who"), m.end("who")))
        else:
            # a list read from its verb (督促公安、民政…等部门): the span starts at the first unit
            lead = re.match(_alt("has_owner", "acting_after"), m[0]) if pattern is p.enumerated else None
            found.append((m.start() + (lead.end() if lead else 0), m.end()))
    if not found:
        return NO
    start, end = min(found, key=lambda span: (span[0], -span[1]))  # the earliest, whole (薛家镇内审, not 薛家镇)
    return Flag(True, start, end)


def _acts(p: _Patterns, pattern: re.Pattern[str], text: str, m: re.Match[str], issuer: str | None) -> bool:
    """Whether a role, body or unit mention is an actor of its clause, not generic, an object, cited or a name."""
    before = _clause_before(text, m.start())
    if p.generic_before.search(before) or p.object_before.search(before) or p.made_before.search(before):
        return False
    if p.object_verb_before.search(before):
        return False  # 约谈该项目设计负责人, 引导党支部班子: the object, not an actor
    if pattern in (p.role, p.body) and "各" + m[0] in text[: m.start()]:
        return False  # 各党支部…，党支部班子: the generic named before, not a named one
    if pattern is p.body and p.body.match(text, m.end()):
        return False  # 局党组理论学习中心组学习记录: one name; the last body in it is read on its own
    if pattern is not p.role and p.cited_before.search(before):
        return False
    if pattern is not p.unit and (p.name_after.match(text, m.end()) or p.elect_after.match(text, m.end())):
        return False  # 党组会议记录, 班子成员岗位, 党总支部支委会换届…: a name or an object, not an actor
    if p.counterpart_before.search(before) and p.counterpart.search(_clause_after(text, m.end())):
        return False  # 与区委理论学习中心组充分对标: a counterpart, not an actor
    if not _named_kind(p, pattern, text, m, before, issuer):
        return False
    return not _inside(p.book, text, m.start())


def _named_kind(
    p: _Patterns, pattern: re.Pattern[str], text: str, m: re.Match[str], before: str, issuer: str | None
) -> bool:
    """The test each kind of unit mention adds: a named unit, a 局/委 that is not the issuer, a function named."""
    if pattern is p.unit:
        # a school or hospital names itself so in its own notice (县育才中学…): not another unit
        return _named_unit(m[0], text, m.start()) and not (issuer is not None and _names_issuer(p, m[0], issuer))
    if pattern is p.self_unit:
        # the issuer names itself 市…局 or …委: only a unit placed higher (省发改委) acting, or one made to act
        # (协调省发改委, 推动市…局), is another unit
        acting = bool(p.acting_before.search(before))
        higher = bool(p.higher.match(m[0])) and _named_unit(m[0], text, m.start())
        # …and, when the issuer is known, any other 局/委 that is the subject (市财政局已将资金拨付到位)
        other = issuer is not None and _subject_position(text, m.start()) and not _names_issuer(p, m[0], issuer)
        # a unit's name after its place is short (财政局, 自然资源局); a longer run is a clause that ends in one
        # (市政府领导未前来市政数局)
        name = m[0][_place_length(p, m[0]) :]
        # a department's standard name may be long and hold 和 (住房和城乡建设局), which elsewhere joins two things
        standard = name in cues()[("has_owner", "standard_unit")]
        short = standard or len(name) <= _SHORT_UNIT_NAME
        other = other and short and m[0].startswith(cues()[("has_owner", "level")])
        grammar = p.generic_inside.search(m[0]) or (not standard and any(c in _NOT_IN_NAMES for c in m[0]))
        return (acting or higher or other) and not grammar
    if pattern is p.function_unit:
        return _function_unit(p, m["who"])  # 推动公安部门构建…: named by its function and made to act
    if pattern is p.subject_function:
        own = _is_issuer(m["who"], issuer)
        return not (own or p.function_generic.search(m["who"])) and _subject_position(text, m.start())
    if pattern in (p.comrade, p.titled):
        return _subject_position(text, m.start())
    if pattern is p.organ:
        # an organ is a part of its body, so even the issuer's own (薛家镇内审 in 薛家镇's notice) is an owner, as its
        # own Party committee acting is
        return not p.generic_inside.search(m["who"]) and _subject_position(text, m.start())
    if pattern in (p.township, p.company):
        return _registered_acting(p, pattern, text, m, before, issuer)
    if pattern is p.enumerated:
        return _listed_units(p, m[0]) and bool(_subject_position(text, m.start()) or p.acting_before.search(before))
    return True


def _is_issuer(name: str, issuer: str | None) -> bool:
    """Whether a name found in the text is the issuer's own (逍林镇 in 中共慈溪市逍林镇委员会, or the whole name)."""
    return issuer is not None and (name in issuer or issuer in name)


def _registered_acting(
    p: _Patterns, pattern: re.Pattern[str], text: str, m: re.Match[str], before: str, issuer: str | None
) -> bool:
    """Whether a township or street the gazetteer knows (逍林镇, 建民街道) or a registered company (…有限公司) is the
    subject of its clause or made to act (组织…有限公司进行检查), and is not the issuer, which names itself so."""
    from analysis.extract import gazetteer

    who = m["who"]
    if _is_issuer(who, issuer):
        return False
    if re.search(_alt("has_owner", "acting_after"), who):
        return False  # 立即组织广东…有限公司: the verb, then (from a later start) the name
    if not (_subject_position(text, m.start()) or p.acting_before.search(before)):
        return False
    return pattern is p.company or bool(gazetteer.township_units(who))


def _names_issuer(p: _Patterns, unit: str, issuer: str) -> bool:
    """Whether `unit` (市政数局) is the issuer written short: its name after the place, character by character in
    order, in the issuer's full name (咸宁市政务服务和大数据管理局), as Chinese abbreviations are made."""
    rest = iter(issuer)
    return all(ch in rest for ch in unit[_place_length(p, unit) :])


def _place_length(p: _Patterns, unit: str) -> int:
    place = p.placed.match(unit)
    return place.end() if place else 0


def _inside(pattern: re.Pattern[str], text: str, pos: int) -> bool:
    return any(m.start() < pos < m.end() for m in pattern.finditer(text))


def quantity_flag(text: str) -> Flag:
    """The first number that counts something: not a time, an ordinal, a list marker, a code or a fixed name."""
    p = _patterns()
    blocked = [(t.start, t.end) for t in find_times(text)]
    blocked += [(m.start(), m.end()) for m in p.recurring_deadline.finditer(text)]
    blocked += [(m.start(), m.end()) for m in p.fixed.finditer(text)]
    blocked += [(m.start(), m.end()) for m in p.quote.finditer(text)]
    marker = p.list_marker.match(text)
    if marker:
        blocked.append((marker.start(), marker.end()))
    hits = []
    for pattern in (p.number, p.cn_number, p.one):
        m = next((m for m in pattern.finditer(text) if _counts(p, pattern, text, m, blocked)), None)
        if m is not None:
            hits.append((m.start(), m.end()))
    if not hits:
        return NO
    start, end = min(hits)
    return Flag(True, start, end)


def _counts(
    p: _Patterns, pattern: re.Pattern[str], text: str, m: re.Match[str], blocked: list[tuple[int, int]]
) -> bool:
    """Whether a number is a count: outside the times, codes and names `blocked`, not an ordinal, label or marker."""
    if any(a <= m.start() < b for a, b in blocked):
        return False
    if pattern is p.one and not p.one_counted_after.search(_clause_before(text, m.start())):
        return False
    if m.start() > 0 and text[m.start() - 1] in "第月届":
        return False  # an ordinal, or a day the time grammar did not take (5月16、5月21日)
    if text.startswith(cues()[("has_quantity", "ordinal_after")], m.end()):
        return False  # the ordinal of a plenary session (区委八次全会)
    if text.endswith(cues()[("has_quantity", "label_before")], 0, m.start()):
        return False  # a label (见附件1), not a count
    after = text[m.end() :].lstrip()
    if pattern is p.number and after.startswith("日") and not after.startswith(("日内", "日之内", "日以内")):
        return False  # a day of a month not repeated (10月26日、30日; 18日下午), not a count; 30日内 is a duration
    if pattern is p.number and (text.endswith("〕", 0, m.start()) or after.startswith("号")):
        return False  # a document number (〔2023〕7 号)
    if text.startswith((".", "、", "．"), m.end()) and (m.start() == 0 or text[m.start() - 1] in _ITEM_OPENERS):
        return False  # an inner list's marker (完善排查机制:1.制定…;2.建立…)
    # a month or a year the time grammar did not take (5月16、…)
    return not (
        pattern is p.number and (text.startswith("月", m.end()) or (text.startswith("年", m.end()) and len(m[0]) >= 3))
    )


def deliverable_flag(text: str) -> Flag:
    """The first thing produced: a document or ledger made, a system built, money recovered, a 书面检讨."""
    p = _patterns()
    hits = []
    patterns = (p.make, p.build, p.built, p.recover, p.paid_over, p.refunded, p.standalone, p.written, p.spent, p.kept)
    for pattern in patterns:
        for m in pattern.finditer(text):
            if pattern in (p.make, p.build, p.built) and not _produced(p, pattern, text, m):
                continue
            if pattern is p.spent and p.demand_before.search(_clause_before(text, m.start())):
                continue  # 督促…退还资金: asked back, not yet recovered
            if pattern is p.paid_over and _asked(p, text, m.start()):
                continue  # 要求…将…万元退还: asked, not yet paid over
            hits.append((m.start(), m.end()))
            break
    if not hits:
        return NO
    start, end = min(hits)
    return Flag(True, start, end)


def _asked(p: _Patterns, text: str, pos: int) -> bool:
    """Whether `pos` is in a clause opened by 要求/督促 or after one in the same sentence, and no clause between starts
    with a Party body or role, which would be the one acting (会议要求…，部务会成员…起草《…》)."""
    demand = p.demanded.search(text, 0, pos)
    if demand is None:
        return False
    starts = (i + 1 for i in range(demand.start() + 1, pos) if text[i] in _CLAUSE_END)
    return not any(p.body.match(text, i) or p.role.match(text, i) for i in starts)


def _produced(p: _Patterns, pattern: re.Pattern[str], text: str, m: re.Match[str]) -> bool:
    """Whether a document or system mention is an output: not cited or used (学习《…》, 利用…平台, 为后续制定…),
    not a frame (在新签订的合同中, 在形成…方案前, 系统建设过程中), not a noun compound (建设工程, 平台建设项目)."""
    # a title is read whole: 印发《中共…》 is not the frame 中 (在…中)
    after = text.find("》", m.end()) + 1 if m[0].endswith("《") else m.end()
    if p.cite_before.search(_clause_before(text, m.start())) or (after and p.frame_after.match(text, after)):
        return False
    if pattern is p.make and _inside(p.slogan, text, m.end() - 1):
        return False  # 建立“一个问题、一个方案”的整改机制: the mechanism is made, not the 方案
    if pattern in (p.make, p.build) and _asked(p, text, m.start()):
        return False  # 要求对…梳理，分类制定整改措施, 督促…安装隔音设施: asked of others, not yet made
    if pattern is p.built:
        return not p.noun_after.match(text, m.end())
    if pattern is p.build and (
        p.noun_after.match(text, m.end()) or p.demand_before.search(_clause_before(text, m.start()))
    ):
        return False  # 完善专区内容: the content, not the system; 要求…完善功能: asked of others
    verb = re.match(rf"(?:{_alt('has_deliverable', 'build_verb')})", m[0]) if pattern is p.build else None
    return not (verb and p.noun_after.match(text, m.start() + verb.end()))


def measure_flags(text: str, issuer: str | None = None) -> dict[str, Flag]:
    """The four flags of one measure's text, each with the span (into `text`) that decided it; `issuer` as in
    `owner_flag`."""
    return {
        "has_deadline": deadline_flag(text),
        "has_owner": owner_flag(text, issuer),
        "has_quantity": quantity_flag(text),
        "has_deliverable": deliverable_flag(text),
    }


def source_flags(source: str, start: int, end: int, issuer: str | None = None) -> dict[str, Flag]:
    """The flags of the measure at source[start:end] (`issuer` as in `owner_flag`), their spans mapped to offsets
    of `source`.

    The measure is read as the extractor reads it (`analysis.extract.normalize`: full-width forms folded, broken
    lines joined where the whole text shows them broken), and the line breaks left inside it are dropped: a measure
    is one item, so a break inside it is layout. Spans are mapped back to the stored text, as every span of the
    tables indexes it.
    """
    norm = normalize(source[start:end])
    kept = [i for i, ch in enumerate(norm.text) if ch not in "\r\n"]
    reading = "".join(norm.text[i] for i in kept)
    out = {}
    for name, flag in measure_flags(reading, issuer).items():
        if flag.value and flag.start is not None and flag.end is not None and flag.end > flag.start:
            a, _ = norm.source_span(kept[flag.start], kept[flag.start] + 1)
            _, b = norm.source_span(kept[flag.end - 1], kept[flag.end - 1] + 1)
            out[name] = Flag(True, start + a, start + b)
        else:
            out[name] = flag
    return out


def measure_concreteness(
    measures: pd.DataFrame, texts: dict[str, str], issuers: Mapping[str, str | None] | None = None
) -> pd.DataFrame:
    """One row per measure (both parts): the four flags, each with its span in the stored text, and the score.

    `texts`: doc_id → the stored text the measures' spans index; `issuers`: doc_id → the notice's issuer, which
    tells other units acting from the issuer naming itself (see `owner_flag`). Columns as declared in
    `analysis.tables.columns.CONCRETENESS`.
    """
    issuers = issuers or {}
    import pandas as pd

    from analysis.tables.columns import INDICATOR_TABLES

    rows = []
    for m in measures.itertuples(index=False):
        text = texts.get(m.doc_id)
        if text is None:
            continue
        flags = source_flags(text, int(m.span_start), int(m.span_end), _known(issuers.get(m.doc_id)))
        row = {"doc_id": m.doc_id, "problem_seq": int(m.problem_seq), "part": m.part, "measure_seq": int(m.measure_seq)}
        for name, flag in flags.items():
            short = name.removeprefix("has_")
            row[name] = flag.value
            row[f"{short}_span_start"] = flag.start
            row[f"{short}_span_end"] = flag.end
        row["score"] = sum(flag.value for flag in flags.values())
        rows.append(row)
    return pd.DataFrame(rows, columns=INDICATOR_TABLES["concreteness"].column_names)


def _known(issuer: object) -> str | None:
    """An issuer as a string, or None when the documents table has none (None, NaN, pd.NA, empty)."""
    return issuer if isinstance(issuer, str) and issuer else None


def notice_concreteness(concreteness: pd.DataFrame, part: str = "measure") -> pd.DataFrame:
    """Per notice: the number of measures, the mean score and the share of measures with each flag."""
    rows = concreteness[concreteness["part"] == part]
    out = rows.groupby("doc_id").agg(
        measures=("score", "size"), mean_score=("score", "mean"), **{f: (f, "mean") for f in FLAGS}
    )
    return out.reset_index()


def flag_evidence(concreteness: pd.DataFrame, texts: dict[str, str], flag: str) -> pd.DataFrame:
    """The measures where `flag` is set, each with the text of the span that set it (read from the stored text).

    Columns doc_id, problem_seq, part, measure_seq, evidence: what a reader checks the flag against.
    """
    short = flag.removeprefix("has_")
    rows = concreteness[concreteness[flag].fillna(False).astype(bool)]
    keys = ["doc_id", "problem_seq", "part", "measure_seq"]
    out = rows[keys].copy()
    out["evidence"] = [
        texts[r.doc_id][int(getattr(r, f"{short}_span_start")) : int(getattr(r, f"{short}_span_end"))]
        for r in rows.itertuples(index=False)
    ]
    return out.reset_index(drop=True)
