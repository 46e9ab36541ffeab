"""Who issued a notice: read from its title, its page's metadata, its signature, or its own body.

Real notices name their issuer in many places (GENRE.md): the title, often behind site chrome (a breadcrumb,
【巡察整改】) or split over two lines; a 发布单位/信息来源 line; the signature above the final date; or only the
body, which names the inspected body (…巡察组对市国资委党委开展了巡察) and often its full name elsewhere, in the
title of its rectification plan (《中共…委员会关于…整改方案》) or leading group. A government's audit report to
the people's congress is presented by its audit office (受市人民政府委托 … 审计局局长), which is then the issuer.

Each reading keeps the span it was read from. The readings are tried in a fixed order of trust; the caller
compares them to state its confidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analysis.extract.dates import DATE_LINE
from analysis.extract.gazetteer import resolve


@dataclass(frozen=True)
class Reading:
    """An issuer as read from `text[start:end]`; `source` says where (title, metadata, signature, body)."""

    value: str
    start: int
    end: int
    source: str


# A title: ends in the kind of document, perhaps followed by a bracketed note (社会公开稿).
_TITLE = re.compile(r"关于.{2,}?(?:通报|报告|公告|通告|情况|公开|公示)\s*(?:[(（][^)）]{1,12}[)）])?\s*$")
_MARKUP = re.compile(r"^[#*\s]+|[*\s]+$")
# Site chrome before a title on its line: a breadcrumb (首页 > … >), a bracketed column name (【巡察整改】).
_CHROME = re.compile(r"^(?:.*[>》]\s*)?(?:[•·*-]\s*)?(?:标\s*题\s*:\s*)?(?:【[^】]{1,12}】\s*)*")
_TITLE_LINES = 12
_MAX_TITLE = 100
_MAX_NAME = 40
# Words that end the name of a body that can issue a notice.
_BODY_END = (
    r"(?:党组|党委|党工委|工委|委员会|总支|支部|机关|局|厅|署|办|委|院|所|中心|馆|站|会|联|社|团|校|学|集团|公司|银行"
    r"|政府|街道|镇|乡|区委|县委|市委|宣传部|组织部|统战部|社会工作部|书记处)"
)
_BODY_NAME = re.compile(r"[^\s,。;、:“”《》()|]{2,38}?" + _BODY_END + r"$")
# Bodies that publish other bodies' notices: a discipline commission's site, a newspaper, a portal.
_PUBLISHER = re.compile(r"纪委|监委|网站|网$|新闻|日报|报社|电视|融媒|门户|公众号|办公室$|巡察办|巡视办")
# Labelled page metadata that names the issuing unit (plain 来源 is often the site that reposted it).
_UNIT_LABEL = re.compile(
    r"(?:发文单位|发布单位|发布机构|信息来源|来源|被审计单位)\s*[:|]?\s*(?:\|\s*)?(?P<v>[^\s|:,。]{2,40})"
)
# A government's audit report to the people's congress standing committee.
_CONGRESS_REPORT = re.compile(r"人民代表大会|人大常委会|人大常务委员会")
# An audit office's own announcement of an audit's results.
_AUDIT_RESULT = re.compile(r"审计结果公告|将审计结果公告如下")
# An audit office: the place or body before 审计局, never the words of a sentence (在…会议, 受…委托, 对…).
AUDIT_OFFICE = re.compile(
    # 根据/按照/依据 open a clause (根据内江市市中区审计局…): they are not part of the office's name
    r"(?:根据|按照|依据)?(?P<r>[^\s\d,。;、:“”()《》|会议在日年月的由对向经受和与及是据照]{1,12}审计(?:局|厅|署|办))"
)
_PRESENTER = re.compile(AUDIT_OFFICE.pattern + r"\s*(?:局长|厅长|审计长|副局长|副厅长)")
# The national audit office, named without a place: only when no placed office is named.
_NATIONAL_OFFICE = re.compile(r"(?P<r>审计署)")
# The inspected body in the header sentence: …巡察组对X开展了巡察, …向X反馈了巡察意见.
_INSPECTED = re.compile(
    r"对(?P<v>[^,。;、()“”]{2,40}?)(?:\([^)]{0,30}\))?(?:开展|进行|实施)了?[^,。;]{0,12}?(?:巡察|巡视|审计|“回头看”)"
)
_FED_BACK_TO = re.compile(r"向(?P<v>[^,。;、()“”]{2,40}?)(?:\([^)]{0,30}\))?(?:集中)?反馈")
# A Party organisation named in full: 中共…委员会, 中共…党组 (in a plan's title, a leading group's name).
_FULL_PARTY_NAME = re.compile(
    # an abbreviation may be given before the kind (…管理局(简称明珠湾管理局)党组): read without it
    r"(?:中共|中国共产党)[^\s,。;、:“”《》()]{2,30}?(?:\((?:以下)?简称[^()]{1,20}\))?(?:委员会|党组|党委|工委)"
    # a firm's committee is often named without 中共 (福建省船舶工业集团有限公司委员会)
    r"|[^\s,。;、:“”《》()对向由的与和及在将]{2,30}?(?:有限公司|有限责任公司|集团)(?:委员会|党委)"
)
_PRONOUN = re.compile(r"^(?:我|本)")
# What a body does as the subject of a sentence (局党组立即组织…, 区财政局党组高度重视…).
_ACTS = (
    r"(?:高度重视|立即|坚持|切实|始终|认真|把|将|及时|第一时间|深入|严格|全面|先后|多次|召开|成立|研究|坚决|主动|积极)"
)
# A body's own Party organ as the subject of what it did: 局党组立即组织…, 区财政局党组高度重视…, 中心党委切实履行….
_ACTING = re.compile(
    r"(?:^|[。;,:\n])(?:我|本)?(?P<v>[\u3400-\u4dbf\u4e00-\u9fff]{1,12}?党(?:组|委|工委)"
    # …or a committee's own department, named with its committee (县委宣传部高度重视…)
    r"|[\u4e00-\u9fff]{0,8}?[省市县区旗州]委(?:宣传部|组织部|统战部|政法委|社会工作部|网信办|编办|办公室)"
    # …or the secretariat that leads a mass organisation (团中央书记处, 全国妇联书记处)
    r"|[\u4e00-\u9fff]{1,8}?书记处)"
    r"(?=" + _ACTS + ")",
    re.MULTILINE,
)
_HEAD = 3000
# A committee named by its level as the subject of what it did (市委坚持…, 县委高度重视…).
_LEVEL_COMMITTEE_ACTING = re.compile(
    r"(?:^|[。;\n])\s*(?P<level>[省市县区旗州])委(?=" + _ACTS + "|常委会)",
    re.MULTILINE,
)
# What ends a Party organisation's name: 市卫生健康委党组, 中共…委员会.
_PARTY_ORGAN = re.compile(r"(?:党组|党委|党工委|委员会|党总支|党支部)$")


def read_issuer(text: str, title: str | None = None) -> list[Reading]:
    """Every reading of the issuer, most trusted first (possibly none)."""
    readings: list[Reading] = []
    head = text[:_HEAD]
    # a government's audit report to its people's congress, or an audit office's own result announcement
    # (牟定县审计局⏎审计结果公告, 现将审计结果公告如下): either is presented by the audit office
    congress_audit = (bool(_CONGRESS_REPORT.search(head)) and "审计" in head[:600]) or bool(
        _AUDIT_RESULT.search(head[:600])
    )
    office = audit_office(text) if congress_audit else None
    if office is not None:
        readings.append(office)
        title_reading = _from_title(text, title)
        if title_reading is not None and AUDIT_OFFICE.fullmatch(title_reading.value):
            readings.append(title_reading)  # the audit office's own announcement (…审计局关于…的公告)
    else:
        readings += [r for r in (_from_title(text, title),) if r]
    readings += _from_unit_label(head, audit=congress_audit)
    signature = _from_signature(text)
    if signature:
        readings.append(signature)
    if not congress_audit:
        readings += _from_body(text)
    return _fullest_first(readings)


def _fullest_first(readings: list[Reading]) -> list[Reading]:
    """The first reading, unless another names the same body with its Party organ or its place added (市卫生健康委 →
    市卫生健康委党组, 长寿区审计局 → 重庆市长寿区审计局): the fullest form the text gives wins."""
    if not readings:
        return readings
    first = readings[0]
    for other in readings[1:]:
        # 中共 before a body's name adds nothing to which body it is (中共厦门市…局党组 adds 党组 to 厦门市…局)
        bare = re.sub(r"^(?:中共|中国共产党)", "", other.value)
        added = bare[len(first.value) :] if bare.startswith(first.value) else ""
        place = other.value[: -len(first.value)] if other.value.endswith(first.value) else ""
        full = _fuller_name(other.value, first.value)  # 南康经开区党工委 → 中共江西南康经济开发区党工委
        if (
            (added and _PARTY_ORGAN.fullmatch(added))
            or (place and resolve(place) is not None)
            or (full is not None and full.value == other.value)
        ):
            return [other, *(r for r in readings if r is not other)]
    return readings


# --- title -----------------------------------------------------------------------------------------------


def _from_title(text: str, title: str | None) -> Reading | None:
    found = _title_line(text, title)
    if found is None:
        return None
    line, offset, previous = found
    cut = line.find("关于")
    head = _CHROME.sub("", line[:cut]) if cut >= 0 else ""
    name = _MARKUP.sub("", head)
    if not name and previous is not None:
        # the title split over two lines: the issuer alone on the line above 关于…
        prev_line, prev_offset = previous
        candidate = _MARKUP.sub("", _CHROME.sub("", prev_line))
        if _BODY_NAME.match(candidate) and len(candidate) <= _MAX_NAME:
            name, line, offset = candidate, prev_line, prev_offset
    # chrome run into the title on one line (…> 工作进展中共衡阳县人民医院委员会关于…): the name starts at 中共
    party = name.find("中共")
    name = name[party:] if party > 0 else name
    if len(name) < 3 or len(name) > _MAX_NAME:
        return None
    start = offset + line.index(name)
    reading = Reading(name, start, start + len(name), "title")
    return _body_of_place(text, reading) or reading


def _title_line(text: str, title: str | None) -> tuple[str, int, tuple[str, int] | None] | None:
    """The title's line, its offset, and the non-empty line above it."""
    previous: tuple[str, int] | None = None
    seen = 0
    for line, offset in _lines(text[:_HEAD]):
        stripped = line.strip()
        if not stripped:
            continue
        seen += 1
        if title is not None:
            if title.strip() and title.strip() in line:
                return line, offset, previous
        elif len(stripped) <= _MAX_TITLE and _TITLE.search(_MARKUP.sub("", stripped)):
            return line, offset, previous
        if seen >= _TITLE_LINES:
            return None
        previous = (line, offset)
    return None


def _body_of_place(text: str, reading: Reading) -> Reading | None:
    """A title that names only a place (东丽区关于…) stands for that place's Party committee, named in the body."""
    if resolve(reading.value) is None or not reading.value.endswith(("省", "市", "区", "县", "旗", "州")):
        return None
    value = reading.value + "委"
    committee = text.find(value, reading.end)
    if committee >= 0:
        return Reading(value, committee, committee + len(value), "body")
    # the committee may speak of itself by its level only (乌海市 inspected, then 市委坚持…): the place's committee,
    # read from the place's own span
    acting = _LEVEL_COMMITTEE_ACTING.search(text, reading.end)
    if acting and acting["level"] == reading.value[-1]:
        return Reading(value, reading.start, reading.end, "body")
    return None


# --- page metadata, signature ------------------------------------------------------------------------------


def _from_unit_label(head: str, audit: bool) -> list[Reading]:
    readings = []
    for m in _UNIT_LABEL.finditer(head):
        value = m["v"]
        if audit and not AUDIT_OFFICE.fullmatch(value):
            continue
        if _PUBLISHER.search(value) or not _BODY_NAME.match(value):
            continue
        readings.append(Reading(value, m.start("v"), m.end("v"), "metadata"))
    return readings


# A signature is a name, not a sentence or a contact line.
_NOT_SIGNATURE = re.compile(r"[。，,；;：:！!？?]|^(?:附件|抄送|联系|电话|地址|邮箱|来源|发布)")


def _from_signature(text: str) -> Reading | None:
    """The last non-empty line above the last line that is only a date."""
    dates = list(DATE_LINE.finditer(text))
    if not dates:
        return None
    head = text[: dates[-1].start()].rstrip()
    if not head:
        return None
    at = max(head.rfind("\n"), head.rfind("\r")) + 1
    line = head[at:]
    name = _MARKUP.sub("", line)
    if not 4 <= len(name) <= _MAX_NAME or _NOT_SIGNATURE.search(name):
        return None
    start = at + line.index(name)
    return Reading(name, start, start + len(name), "signature")


# --- audit reports to the people's congress ------------------------------------------------------------------


def audit_office(text: str) -> Reading | None:
    """The audit office a report names: the unit its page names, its presenter (审计局局长), else the first named."""
    head = text[:_HEAD]
    labelled = _from_unit_label(head, audit=True)
    if labelled:
        return labelled[0]
    found = _PRESENTER.search(head) or AUDIT_OFFICE.search(head) or _NATIONAL_OFFICE.search(head)
    if not found or len(found["r"]) < 3:
        return None
    return _with_place(head, Reading(found["r"], found.start("r"), found.end("r"), "body"))


def _with_place(head: str, office: Reading) -> Reading:
    """The office under the name that adds its place, when the head gives one (市审计局局长 beside the header
    青岛市审计局审计结果公告: 青岛市审计局); else `office` as it is."""
    for m in AUDIT_OFFICE.finditer(head):
        name = m["r"]
        place = name[: -len(office.value)] if name.endswith(office.value) and name != office.value else ""
        if place and resolve(place + office.value[0]) is not None:
            return Reading(name, m.start("r"), m.end("r"), "body")
    return office


# --- the body ------------------------------------------------------------------------------------------------


def _from_body(text: str) -> list[Reading]:
    """The inspected body of the header sentence, in the fullest form the text gives its name; failing that (对我单位
    开展了巡察, a name that is no body), the Party organ acting in the body (局党组立即…, 县委宣传部高度重视…)."""
    head = text[:_HEAD]
    readings = []
    for pattern in (_INSPECTED, _FED_BACK_TO):
        m = pattern.search(head)
        if m and (body := _as_body(text, head, _reading(m))):
            readings.append(body)
    if not readings and (m := _ACTING.search(head)):
        readings += [body for body in (_as_body(text, head, _reading(m)),) if body]
    return readings


def _reading(m: re.Match[str]) -> Reading:
    value = m["v"].strip()
    return Reading(value, m.start("v"), m.start("v") + len(value), "body")


def _as_body(text: str, head: str, reading: Reading) -> Reading | None:
    """The body a name found in the text stands for, in its fullest form there, or None when it names no body."""
    reading = _cut_before(_cut_before(reading, _JOINT), _AUDIT_OBJECT)
    place_body = _body_of_place(text, reading)
    if place_body:
        return place_body
    fuller = _fuller_name(head, reading.value)
    if fuller:
        return fuller
    if not _PRONOUN.match(reading.value) and (_BODY_NAME.match(reading.value) or _PARTY_ORGAN.search(reading.value)):
        return _titled_name(head, reading) or _with_organ(head, reading) or reading
    return _named_self(head, reading) or _organ_of(head, reading.value)


# A body speaking of itself (我厅党组): the kind of body its noun says.
_SELF = re.compile(r"^(?:我|本)(?P<noun>局|厅|委|院|校|中心|办|会|所|站|馆|公司|集团)(?P<organ>党组|党委|党工委)?$")


def _named_self(head: str, reading: Reading) -> Reading | None:
    """The body a self-reference stands for, as the text names it at the start of a clause with the same noun and
    organ (我厅党组 → 省商务厅党组书记…: 省商务厅党组)."""
    self_name = _SELF.match(reading.value)
    if self_name is None:
        return None
    ending = re.escape(self_name["noun"]) + re.escape(self_name["organ"] or "")
    m = re.search(
        r"(?:^|[,，。;；:：\n])\s*(?P<v>[^\s\d,，。;；、:：“”《》()我本]{1,10}?" + ending + ")", head, re.MULTILINE
    )
    return Reading(m["v"], m.start("v"), m.end("v"), "body") if m and _BODY_NAME.match(m["v"]) else None


def _with_organ(head: str, reading: Reading) -> Reading | None:
    """The body with its Party organ, when the text names it so and the name has none (召陵区卫健委 →
    召陵区卫健委党组把抓好…): the fullest form the text gives."""
    if _PARTY_ORGAN.search(reading.value):
        return None
    # …as the subject of what it did, not inside a document's name (《市红十字会党支部2022年理论学习计划》)
    pattern = re.escape(reading.value) + r"(?:党组|党委|党工委|党总支|党支部)(?=" + _ACTS + r"|在)"
    m = next((m for m in re.finditer(pattern, head) if not _in_book(head, m.start())), None)
    return Reading(m.group(), m.start(), m.end(), "body") if m else None


def _in_book(text: str, at: int) -> bool:
    """Whether `at` is inside a 《…》 title."""
    return text.rfind("《", 0, at) > text.rfind("》", 0, at)


def _titled_name(head: str, reading: Reading) -> Reading | None:
    """The name as a document's title opens with it, when that is longer (团中央书记处 in 《共青团中央书记处巡视整改
    方案》): a body titles its own plan with its full name."""
    # the words before the name are a name's (共青, 新吴区), not a title's own (关于, 印发, 学习…) nor 中共, which is
    # taken whole with the Party organ after the name (《中共市文化和旅游局党组…》)
    prefix = r"(?!关于|印发|转发|贯彻|学习|落实|中共|中国共产党)[^\W\d_的于与和及在对为是了]{0,6}?"
    organ = r"(?:党组|党委|党工委|委员会)?" if not _PARTY_ORGAN.search(reading.value) else ""
    full = r"《(?P<full>(?:中共|中国共产党)?" + prefix + re.escape(reading.value) + organ + ")"
    m = next((m for m in re.finditer(full, head) if m["full"] != reading.value), None)
    return Reading(m["full"], m.start("full"), m.end("full"), "body") if m else None


# A joint inspection names the body, then those inspected with it (对杭州道街及29个社区开展了巡察); not 和, which
# standard names hold (区文化和旅游局).
_JOINT = re.compile(r"以?及")


# What an audit covers, written after the audited body (对鹿城镇村级财务收支情况进行了审计).
_AUDIT_OBJECT = re.compile(
    r"(?:\d{4}(?:-\d{4})?年度?)?(?:村级|本级|部门)?"
    r"(?:财务收支|财政收支|预算执行|经济责任|任期|决算|专项资金|资金管理|资产负债|领导干部)"
)


def _cut_before(reading: Reading, pattern: re.Pattern[str]) -> Reading:
    """`reading` up to where `pattern` starts in it (the first body of a joint inspection's list, 杭州道街 of 杭州道街及
    29个社区; the audited body of an audit's object, 鹿城镇 of 鹿城镇村级财务收支情况); itself when nothing is cut."""
    cut = pattern.search(reading.value)
    if cut is None or cut.start() < 2:
        return reading
    value = reading.value[: cut.start()]
    return Reading(value, reading.start, reading.start + len(value), reading.source)


def _organ_of(text: str, unit: str) -> Reading | None:
    """The Party organ of an inspected unit whose name alone does not say it is a body (杭州道街, a street named
    by its road; 王庄村; 幸福社区), as the text names it: the unit's name, at most three characters more, then a
    Party organ (杭州道街道工委, 王庄村党支部)."""
    m = re.search(re.escape(unit) + r"[\u4e00-\u9fff]{0,3}?(?:党工委|党委|党组|工委|党总支|党支部)", text)
    return Reading(m.group(), m.start(), m.end(), "body") if m else None


_ABBREVIATION = re.compile(r"\((?:以下)?简称[^()]{1,20}\)")
_KINDS = {
    "党组": ("党组",),
    "党委": ("委员会", "党委"),
    "委员会": ("委员会", "党委"),
    "党工委": ("工作委员会", "党工委"),  # 龙穴街道党工委 ← 中共广州市南沙区龙穴街道工作委员会
    "工委": ("工委",),
}


def _fuller_name(text: str, short: str) -> Reading | None:
    """The full Party-organisation name (中共盐城市疾病预防控制中心委员会) of which `short` (中心党委) is a short form.

    A short form keeps the organisation's kind (党组; 党委 for 委员会) and writes its unit in characters taken,
    in order, from the full name, ending in a character of its last word (我院 → 莆田市中级人民法院, 市科技局 →
    朔州市科学技术局, 市妇联 → 丽水市妇女联合会).
    """
    kind = next((k for k in _KINDS if short.endswith(k)), None)
    if kind is None:
        return None
    unit = _PRONOUN.sub("", short[: -len(kind)])
    if not unit:
        return None
    best: Reading | None = None
    for m in _FULL_PARTY_NAME.finditer(text):
        full = _ABBREVIATION.sub("", m.group())
        full_kind = next((k for k in _KINDS[kind] if full.endswith(k)), None)
        if full_kind is None:
            continue
        full_unit = re.sub(r"^(?:中共|中国共产党)", "", full[: -len(full_kind)])
        # a short form ends in a character of the full name's last word: 市妇联 ← 丽水市妇女联合会, 中心 ← …控制中心
        # …the firm's name without its legal form (集团 ← 福建省船舶工业集团有限公司)
        ends_alike = unit[-1] in re.sub(r"(?:股份)?有限(?:责任)?公司$", "", full_unit)[-3:]
        if ends_alike and _in_order(unit, full_unit) and (best is None or len(full) > len(best.value)):
            best = Reading(full, m.start(), m.end(), "body")
    return best


def _in_order(short: str, full: str) -> bool:
    """Whether every character of `short` appears in `full`, in the same order."""
    rest = iter(full)
    return all(ch in rest for ch in short)


def _lines(text: str) -> list[tuple[str, int]]:
    out, offset = [], 0
    for line in text.splitlines(keepends=True):
        out.append((line.rstrip("\r\n"), offset))
        offset += len(line)
    return out
