"""The notice's header: its title, who inspected whom and when, when findings were fed back, when it was published.

Each fact comes with the span it was read from, so the documents table can be checked against the source.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from itertools import pairwise

from analysis.extract.dates import DATE, DATE_LINE, DateMention, find_dates
from analysis.extract.gazetteer import resolve
from analysis.extract.issuer import AUDIT_OFFICE, audit_office

_TITLE = re.compile(r"^[^\n]{0,80}关于[^\n]{2,120}(?:通报|报告|公告|情况)[^\n]{0,20}$", re.MULTILINE)
_NUMERAL = r"[一二三四五六七八九十\d]{1,3}"
# An inspection team as written: 市委第四巡察组, 市委巡察二组, 中央第十五巡视组, 教育部党组第三巡视组, with an optional
# term (七届) and round (第十二轮) before the number, and a second team joined by 、(市委第一巡察组、第六巡察组).
_REVIEWER = re.compile(
    r"(?P<r>(?P<term>[一二三四五六七八九十]{1,3}届)?"
    # a team may be written without its committee (…,第二巡察组对…), never in the middle of words (…巡视第三巡视组)
    r"(?:中央|自治区党委|省委|市委|州委|盟委|区委|县委|旗委|工委|(?:(?![日月年至对向由经据照在和及与按])[\u4e00-\u9fff]){2,8}?党(?:组|委)"
    r"|(?<![\u4e00-\u9fff]))"
    r"(?P<round>第" + _NUMERAL + r"轮(?:第" + _NUMERAL + r"批)?)?"
    # a themed team (县委经济发展领域作风建设专项巡察二组), a raised one (市委提级巡察第四组)
    r"(?P<n>第" + _NUMERAL + r")?"
    r"(?P<kind>[\u4e00-\u9fff]{0,16}?(?:机动|专项)|提级交叉|提级|交叉|联动|对村)?"
    r"(?:巡视|巡察)(?P<m>第?" + _NUMERAL + r")?组"
    r"(?:、第" + _NUMERAL + r"(?:巡视|巡察)组)?)"
)
_REVIEWER_LOOKAHEAD = 1500
_RANGE_SEP = re.compile(r"\s*(?:至|到|—|–|-|~)\s*")
_FEEDBACK = re.compile(r"反馈")
_CONTENTS = 1500
# How far after the header a restated feedback date is looked for, and who must be said to have given it.
_LATER_FEEDBACK = 1500
_REVIEW_TEAM = re.compile(r"巡[察视][^,。;]{0,4}组|巡[察视]办|审计(?:厅|局|署|组)")
_EARLIER_ROUND = re.compile(r"上轮|上一轮|前轮|上次")
_PARAGRAPH = re.compile(r"[^\n]+")
_TOP_SECTION = re.compile(r"^[一二三四五六七八九十]{1,3}、", re.MULTILINE)
_CARRIED_OUT = re.compile(r"(?:开展|进行)了?[^,。;]{0,12}?(?:巡察|巡视|审计)|进驻")
# The dateline under a report's title: ——2024年12月24日在…人民代表大会常务委员会…会议上.
_DATELINE = re.compile(
    r"^[ \t]*(?:[—-]{1,2}[ \t]*(?=(?:19|20)\d{2})|(?=[^\n]{6,24}在[^\n]{2,40}会议上?[ \t]*$))", re.MULTILINE
)
# The page's own date: 发布日期:2025-02-08, | 发布日期 | 2025-11-21 11:29 |, 时间: 2023-08-09.
_PUBLISHED_LABEL = re.compile(
    r"(?<!成文)(?<!印发)(?:发布日期|发布时间|信息时间|日期|时间)[ \t]*\]?[ \t]*[:|]*[ \t]*\|?[ \t]*(?=(?:19|20)\d{2})"
)
_QUOTED = re.compile(r"《[^《》]*》|“[^“”]*”")
# A line under the title that holds the page's date, after the site's name or before the time and source:
# 建湖日报数字报 2024-07-12; 2021年10月25日09:20    来源:…. Not a widget (今天是…) or a sentence.
_PAGE_DATE_LINE = re.compile(
    r"^(?:[^\n,。;:今]{0,20}[ \t])?(?P<date>(?:19|20)\d{2}-\d{1,2}-\d{1,2}|" + DATE + ")"
    r"(?:[ \t]*\d{1,2}:\d{2}(?::\d{2})?)?(?:[ \t][^\n]*)?$",
    re.MULTILINE,
)
_CHROME_DATE_LINE = re.compile(
    r"^(?!今天)[^\n。]{0,60}?(?P<date>(?:19|20)\d{2}-\d{1,2}-\d{1,2}|" + DATE + r")[^\n。]{0,40}"
    r"(?:来源|作者|浏览|访问|点击|阅读|字体)",
    re.MULTILINE,
)
_PAGE_HEAD = 600
# 对市直单位购买服务开展了专项巡察 names the subject after 对; 对…党组开展了食品安全监管专项巡察 names the inspected
# body after 对 and the subject before 专项.
_SPECIAL = re.compile(
    r"对(?P<obj>[^,。;]{2,40}?)(?:开展|进行)了?(?P<topic>[^,。;了]{2,20}?)?(?P<kind>专项|机动|提级)巡察"
)
_KIND = re.compile(r"(?:开展|进行)了?(?P<kind>常规|专项|机动|提级)?(?P<type>巡察|巡视)(?P<back>“回头看”)?")
# Without the report's title in 《》: …审计局于2024年5月至7月对X进行了审计.
_AUDIT_OBJECT = re.compile(
    r"对(?P<obj>[^,。;]{2,60}?)(?:进行|开展|实施)了?(?P<kind>专项审计调查|专项审计|审计调查|审计)"
)
_AUDIT_SUBJECT = re.compile(
    r"《(?:[^《》]*?\d{4}年度)?(?P<obj>[^《》]{2,60}?)(?P<kind>专项审计调查|专项审计|审计调查|审计)(?!法|条例|准则)[^《》]*》"
)


# The facts read here, in the documents table's order.
# The issuer is read by analysis.extract.issuer, from the title and from elsewhere.
FIELDS = (
    "title",
    "review_type",
    "review_scope",
    "reviewer",
    "review_start",
    "review_end",
    "feedback_date",
    "published_date",
)


@dataclass
class Fact:
    value: object
    span: tuple[int, int] | None  # normalised-text offsets


@dataclass
class Header:
    facts: dict[str, Fact] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def set(self, name: str, value: object, span: tuple[int, int] | None) -> None:
        if value is not None and value != "":
            self.facts[name] = Fact(value, span)


def read_header(text: str, body_start: int) -> Header:
    """Read the facts a notice states before its first section (`body_start`), and its publication date."""
    header = Header()
    title = _TITLE.search(text, 0, body_start)
    if title is None and not _header_paragraph(text, body_start, (0, 0)):
        # a table of contents (一、… (一)…) before the title: the header follows the title
        title = _TITLE.search(text, body_start, min(len(text), body_start + _CONTENTS))
        if title is not None:
            section = _TOP_SECTION.search(text, title.end())
            body_start = section.start() if section else len(text)
    if title:
        header.set("title", title.group().strip(), title.span())
    sentence = _header_paragraph(text, body_start, title.span() if title else (0, 0))
    if sentence is None:
        header.warnings.append("no header sentence naming the inspection or audit was found")
        _read_review_elsewhere(text, body_start, title.span() if title else None, header)
    else:
        _read_review(text, sentence, title.span() if title else None, header)
        if "feedback_date" not in header.facts:
            _read_later_feedback(text, sentence[1], header)
    _read_published(text, header)
    return header


def _read_review_elsewhere(text: str, body_start: int, title: tuple[int, int] | None, header: Header) -> None:
    """The review's kind and team when no header sentence states them (the notice opens with its first section, or
    the page cut the header off): the first team the text names near its start (认真传达市委第三巡察组反馈意见), else
    the kind the title names (关于巡察整改进展情况的通报). Dates are not guessed."""
    unquoted = _QUOTED.sub(lambda m: "\0" * len(m.group()), text[: min(len(text), body_start + _REVIEWER_LOOKAHEAD)])
    team = _REVIEWER.search(unquoted)
    if team is not None and (kind := next((k for k in ("巡视", "巡察") if k in team["r"]), None)):
        span = (_placed(text, team.start("r")), team.end("r"))
        header.set("review_type", kind, span)
        header.set("reviewer", text[span[0] : span[1]], span)
        header.warnings.append("reviewer read from the text after the header: the notice states no header sentence")
        return
    if title is not None:
        said = _QUOTED.sub("", text[title[0] : title[1]])
        kind = next((k for k in ("巡视", "巡察", "审计") if k in said), None)
        if kind is not None:
            word = text.find(kind, *title)
            header.set("review_type", kind, (word, word + len(kind)))


def _read_later_feedback(text: str, after: int, header: Header) -> None:
    """The feedback date from the paragraphs after the header, when the header gives none readable: the notice may
    say it again in its first section (20231227日,县委第三巡察组向…反馈了巡察意见) or state the review only there
    (一、总体履责情况⏎2021年3月至4月,市委巡视六组对东丽区开展了巡视工作,并于7月26日反馈了巡视意见). An earlier round's
    feedback (上轮巡察反馈…) is not this one's."""
    for paragraph in _PARAGRAPH.finditer(text, after, min(len(text), after + _LATER_FEEDBACK)):
        said = paragraph.group()
        if _FEEDBACK.search(said) and _REVIEW_TEAM.search(said) and not _EARLIER_ROUND.search(said):
            dates = [d for d in find_dates(text, paragraph.start(), paragraph.end()) if d.value is not None]
            _read_feedback(text, paragraph.start(), paragraph.end(), dates, header)
            if "feedback_date" in header.facts:
                return


def _header_paragraph(text: str, body_start: int, title: tuple[int, int]) -> tuple[int, int] | None:
    """The first paragraph, not the title, that says who inspected or audited whom.

    A paragraph that says the review was carried out (开展了巡察, 进行了审计, 进驻) wins over earlier ones that only
    mention it: an audit report to the people's congress opens with 受…委托 before its audit sentence.
    """
    candidates = []
    for m in re.finditer(r"[^\n]{30,}", text[:body_start]):
        if m.start() < title[1] and m.end() > title[0]:
            continue
        if re.search(r"巡察|巡视|审计", m.group()) and re.search(r"开展|进行|进驻|部署|委托|反馈|审计", m.group()):
            candidates.append(m)
    carried_out = next((m for m in candidates if _CARRIED_OUT.search(m.group())), None)
    chosen = carried_out or (candidates[0] if candidates else None)
    if chosen is None:
        return None
    if not _FEEDBACK.search(chosen.group()):
        # The feedback may stand in the next paragraph: …开展了常规巡察。⏎2024年8月2日,…反馈了巡察意见。
        following = re.compile(r"\s*(?P<p>[^\n]+)").match(text, chosen.end(), body_start)
        if following and _FEEDBACK.search(following["p"]):
            return chosen.start(), following.end("p")
    return chosen.span()


def _read_review(text: str, para: tuple[int, int], title: tuple[int, int] | None, header: Header) -> None:
    start, end = para
    title_text = text[title[0] : title[1]] if title else ""
    # Quotations and cited documents are not the review (《中国共产党巡视工作条例》, “巡视整改不落实,就是…”).
    said = _QUOTED.sub("", text[start:end] + title_text)
    reviewer = _named_reviewer(text, start, end, title)
    team = reviewer["r"] if reviewer else ""
    # The team that reviewed says which kind of review it was; failing a team, the sentence's own words.
    kind = next((k for k in ("巡视", "巡察") if k in team), None)
    if kind is not None and reviewer is not None:
        header.set("review_type", kind, reviewer.span("r"))  # the evidence: the team's name
    else:
        kind = next((k for k in ("巡视", "巡察", "审计") if k in said), "其他")
        word = text.find(kind, start, end) if kind != "其他" else -1
        header.set("review_type", kind, (word, word + len(kind)) if word >= 0 else None)
    review_type = kind

    if reviewer is None and review_type == "审计":
        reviewer = AUDIT_OFFICE.search(text, start, end)
    if reviewer is None and review_type == "审计":
        office = audit_office(text)
        if office is not None:
            header.set("reviewer", office.value, (office.start, office.end))
    if reviewer:
        span = reviewer.span("r")
        if reviewer.groupdict().get("term") and not reviewer["round"]:
            # 八届市委巡察四组 is 市委巡察四组; 七届市委第十二轮巡察一组 stays whole
            span = (reviewer.end("term"), span[1])
        span = (_placed(text, span[0]), span[1])
        header.set("reviewer", text[span[0] : span[1]], span)
        if reviewer.start() < start or reviewer.start() >= end:
            header.warnings.append("reviewer read from the title: the header sentence does not name it in full")
    if review_type in ("巡察", "巡视"):
        _read_scope(text, start, end, header)
    else:
        _read_audit_scope(text, start, end, header)
    _read_period(text, start, end, header)


def _placed(text: str, start: int) -> int:
    """Where a team's name starts once the place written before its committee is taken in (太湖县委第三巡察组:
    县委… at `start`, 太湖 before it): the longest run of two to four characters before `start` that makes a place
    with the committee's level (太湖县, 杭州市), else `start`."""
    level = text[start : start + 1]
    if level not in "省市县区州旗" or not text.startswith("委", start + 1):
        return start
    for length in (4, 3, 2):
        run = text[max(0, start - length) : start]
        if len(run) == length and re.fullmatch(r"[\u4e00-\u9fff]+", run) and resolve(run + level) is not None:
            return start - length
    return start


def _named_reviewer(text: str, start: int, end: int, title: tuple[int, int] | None) -> re.Match[str] | None:
    """The inspection team of the header, preferring one named in full (市委第四巡察组) over 省委巡视组.

    The body may name the team only by its round (十二届省委第三轮巡视第三巡视组) while the title names it in full.
    """
    in_body = list(_REVIEWER.finditer(text, start, end))
    in_title = list(_REVIEWER.finditer(text, *title)) if title else []
    # A team named in full anywhere in the head, when the header sentence lost characters (县委第三巡组); the
    # iterator scans the long head only when the sentence and the title name no team in full.
    in_head = _REVIEWER.finditer(text, 0, min(len(text), end + _REVIEWER_LOOKAHEAD))
    for found in (in_body, in_title, in_head):
        named = next((m for m in found if m["n"] or m["m"] or m["kind"]), None)
        if named:
            return named
    return (in_body or in_title or [None])[0]


def _read_scope(text: str, start: int, end: int, header: Header) -> None:
    special = _SPECIAL.search(text, start, end)
    if special:
        topic = special["topic"]
        # 开展了为期两个月的专项巡察 / 第三轮专项巡察: words before 专项 that say when, not what.
        subject = special["obj"] if not topic or re.search(r"为期|的|轮|次|期间", topic) else topic
        header.set("review_scope", f"{special['kind']}{special.group()[-2:]}({subject})", special.span())
        return
    kind = _KIND.search(text, start, end)
    if kind:
        # Without 专项/机动/提级 an inspection is the regular kind (常规); a 回头看 is a follow-up, not a regular one.
        default = "" if kind["back"] else "常规"
        label = (kind["kind"] or default) + kind["type"] + (kind["back"] or "")
        header.set("review_scope", label, kind.span())


def _read_audit_scope(text: str, start: int, end: int, header: Header) -> None:
    subject = _AUDIT_SUBJECT.search(text, start, end) or _AUDIT_OBJECT.search(text, start, end)
    if not subject:
        return
    kind = subject["kind"]
    # The audit's own title may say 专项审计 while the body calls it an 审计调查 (audit investigation).
    if "调查" not in kind and "审计调查" in text[start:end]:
        kind += "调查"
    header.set("review_scope", f"{kind}({subject['obj']})", subject.span())


def _read_period(text: str, start: int, end: int, header: Header) -> None:
    dates = find_dates(text, start, end)
    for d in dates:
        if d.defective and d.value is not None:
            header.warnings.append(
                f"date printed without 年/月: '{text[d.start : d.end]}' read as {d.value.isoformat()}"
            )
        elif d.value is None:
            header.warnings.append(f"date not readable: '{text[d.start : d.end]}'")
    for i, (a, b) in enumerate(pairwise(dates)):
        if _RANGE_SEP.fullmatch(text[a.end : b.start]):
            header.set("review_start", a.value, (a.start, a.end))
            b = _last_of_split_period(text, dates[i + 2 :], b)
            header.set("review_end", b.value, (b.start, b.end))
            break
    _read_feedback(text, start, end, dates, header)


def _last_of_split_period(text: str, later: list[DateMention], end: DateMention) -> DateMention:
    """The end of the last of several periods listed one after another (2022年3月17日至3月22日、5月5日至7月12日):
    the review ran from the first start to the last end."""
    while (
        len(later) >= 2
        and text[end.end : later[0].start] in ("、", "和", "及", ",")
        and _RANGE_SEP.fullmatch(text[later[0].end : later[1].start])
    ):
        end, later = later[1], later[2:]
    return end


def _read_feedback(text: str, start: int, end: int, dates: list[DateMention], header: Header) -> None:
    """The feedback date: the first date of the first sentence in text[start:end] that says 反馈 (`dates`: the dates
    of that span), not one of the review period's."""
    feedback = _FEEDBACK.search(text, start, end)
    if not feedback:
        return
    sentence_start = max(text.rfind("。", start, feedback.start()) + 1, start)
    sentence_end = text.find("。", feedback.start(), end)
    sentence_end = end if sentence_end < 0 else sentence_end
    period = {header.facts[k].span for k in ("review_start", "review_end") if k in header.facts}
    candidates = [d for d in dates if sentence_start <= d.start < sentence_end and (d.start, d.end) not in period]
    if candidates:
        d = candidates[0]
        value = d.value
        end_of_review = header.facts.get("review_end")
        if (
            isinstance(value, dt.date)
            and not d.year_given
            and end_of_review is not None
            and value < end_of_review.value
            and value.month < end_of_review.value.month
        ):
            # 2021年11月16日至12月16日…1月17日反馈: the findings come after the review, in the next year
            value = _next_year(value)
        header.set("feedback_date", value, (d.start, d.end))


def _next_year(day: dt.date) -> dt.date | None:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return None


def _read_published(text: str, header: Header) -> None:
    """The notice's date: its page's (发布日期, or a date line under the title), else the date under its signature,
    else the meeting date of a report's dateline. A widget (今天是…) is not the notice's date."""
    for reader in (_page_date, _signature_date, _dateline_date):
        found = reader(text)
        if found is not None:
            header.set("published_date", found.value, (found.start, found.end))
            return


def _date_at(text: str, at: int) -> DateMention | None:
    """A readable date starting exactly at `at`."""
    found = find_dates(text, at, min(len(text), at + 20))
    if found and found[0].start == at and isinstance(found[0].value, dt.date):
        return found[0]
    return None


def _page_date(text: str) -> DateMention | None:
    head = min(len(text), _PAGE_HEAD)
    label = _PUBLISHED_LABEL.search(text, 0, head)
    if label:
        found = _date_at(text, label.end())
        if found:
            return found
    for line in _PAGE_DATE_LINE.finditer(text, 0, head):
        found = _date_at(text, line.start("date"))
        if found:
            return found
    # a line of page chrome holding the date among other labels: …gov.cn 2026年01月29日 来源:… 作者:
    for line in _CHROME_DATE_LINE.finditer(text, 0, head):
        found = _date_at(text, line.start("date"))
        if found:
            return found
    return None


def _signature_date(text: str) -> DateMention | None:
    signatures = list(DATE_LINE.finditer(text))
    if signatures:
        m = signatures[-1]
        found = find_dates(text, m.start(), m.end())
        if found and found[0].value:
            return found[0]
    return None


def _dateline_date(text: str) -> DateMention | None:
    dateline = _DATELINE.search(text, 0, min(len(text), _PAGE_HEAD))
    return _date_at(text, dateline.end()) if dateline else None
