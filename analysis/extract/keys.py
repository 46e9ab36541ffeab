"""The keys notices are grouped by: the issuer's administrative level and kind of body, the review's kind, the
6-digit code of the most specific place, and the year.

Each key is decided by a rule from facts already read (issuer, places, review type and scope, dates), and keeps
the span of the words that decided it and the rule in words, for the evidence table. The vocabularies are the
code tables analysis/data/codes/admin_levels.csv, agency_types.csv and review_kinds.csv. Values given in
data/raw/metadata.csv win over these (`analysis.extract.notice`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from analysis.extract.gazetteer import MUNICIPALITIES, Place, resolve, township_units
from analysis.tables import codes

KEYS = ("admin_level", "agency_type", "review_kind", "adcode", "year")


@dataclass(frozen=True)
class Key:
    """One grouping key of a notice: its value, the span of the normalised text that decided it (None when the
    deciding words are not in the text, e.g. a value given in metadata.csv), and the rule, in words."""

    value: str | int
    start: int | None
    end: int | None
    rule: str


@dataclass(frozen=True)
class Located:
    """A fact of the notice with where it stands in the normalised text (start None when it does not)."""

    value: object
    start: int | None = None
    end: int | None = None


def grouping_keys(text: str, facts: Mapping[str, Located | None]) -> dict[str, Key | None]:
    """The grouping keys of a notice from its facts: issuer, county, city, province, review_type, review_scope,
    reviewer, title, published_date, feedback_date (each Located, or None when unknown); None where no rule applies.
    """
    place = _most_specific_place(facts)
    keys = {
        "adcode": _adcode(place),
        "admin_level": admin_level(text, facts, place),
        "agency_type": agency_type(text, facts.get("issuer")),
        "review_kind": review_kind(text, facts),
        "year": _year(facts),
    }
    # the rules write codes; a code table edited without them must fail here, not in a table's validation
    for name, table in _CODE_TABLES.items():
        found = keys[name]
        if found is not None:
            table().check(str(found.value))
    return keys


_CODE_TABLES = {"admin_level": codes.admin_levels, "agency_type": codes.agency_types, "review_kind": codes.review_kinds}


# --- the place and its code ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Unit:
    place: Place
    where: Located


def _most_specific_place(facts: Mapping[str, Located | None]) -> _Unit | None:
    """The unit of the deepest place field that the gazetteer knows: county, else city, else province.

    A county is looked up inside its city (朝阳区 of 北京市, not of 长春市); a development zone recorded as the
    county has no code, so its city stands for it."""
    city = _resolved(facts.get("city"), None)
    province = _resolved(facts.get("province"), None)
    county = _resolved(facts.get("county"), city.place if city else (province.place if province else None))
    return county or city or province


def _resolved(fact: Located | None, within: Place | None) -> _Unit | None:
    if fact is None or not isinstance(fact.value, str) or not fact.value.strip():
        return None
    place = resolve(fact.value.strip(), within)
    return None if place is None else _Unit(place, fact)


def _adcode(unit: _Unit | None) -> Key | None:
    if unit is None:
        return None
    return Key(unit.place.code, unit.where.start, unit.where.end, f"gazetteer code of {unit.place.name}")


# --- the issuer's level ---------------------------------------------------------------------------------------

_PARTY_PREFIX = re.compile(r"^(?:中共|中国共产党)")
# A township or street body: 中共茂租镇委员会, 杭州道街道党工委, 某镇人民政府 (乡村振兴局 is not one).
_TOWNSHIP_BODY = re.compile(
    r"[\u3400-\u4dbf\u4e00-\u9fff]{1,8}?(?:街道|镇|乡)(?=党委|党工委|工委|工作委员会|委员会|人民政府|政府|办事处|纪委|$)"
)
# Any body whose name opens with a township's or street's (张范街道社区卫生服务中心), when the gazetteer's township
# list knows that name: 城乡建设局 opens with 城乡, which is no township.
_TOWNSHIP_NAMED = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff]{1,8}?(?:街道|镇|乡)")
# A body of the central Party or state: 国家体育总局, 全国政协机关, 中央…, 国务院…, a ministry (教育部党组).
_CENTRAL_BODY = re.compile(r"^(?:中央|国家|国务院|中华全国)|全国|^[\u4e00-\u9fff]{2,8}部(?:党组|党委)?$|^审计署")
# An inspection team of a county-level Party committee inspects county-level bodies (or townships, caught before).
_COUNTY_TEAM = re.compile(r"^(?:[一二三四五六七八九十]{1,3}届)?(?:区委|县委|旗委)")
# A central inspection team, or a ministry's Party group's (教育部党组第三巡视组): they inspect central bodies.
_CENTRAL_TEAM = re.compile(r"^(?:[一二三四五六七八九十]{1,3}届)?(?:中央|[\u4e00-\u9fff]{1,8}部党组)")
# An issuer named by its level only: 区卫健局党组, 市司法局党组, 县住建局.
_GENERIC_LEVEL = {"区": "county", "县": "county", "旗": "county", "市": "city", "州": "city", "省": "province"}
_PLACE_LEVEL = {"province": "province", "prefecture": "city", "county": "county"}


def admin_level(text: str, facts: Mapping[str, Located | None], unit: _Unit | None = None) -> Key | None:
    """The administrative level of the issuer, by the first rule that applies: a township body (茂租镇党委); a
    county-level unit or zone among the places (闵行区, 武汉经开区); a body inspected by a county-level committee's
    group (区委第三巡察组) or named by 区/县 only below a known city (区卫健局党组 of 郑州市); the level of the most
    specific place (a municipality's own bodies are provincial); a national body (国家…, 全国…) or one inspected by a
    central or ministry team with no place named; the level word an issuer named generically opens with (市司法局)."""
    issuer = facts.get("issuer")
    name = _PARTY_PREFIX.sub("", issuer.value) if issuer is not None and isinstance(issuer.value, str) else ""
    township = _township_key(text, issuer, name)
    if township is not None:
        return township
    county = facts.get("county")
    if county is not None:
        return Key("county", county.start, county.end, f"{county.value}: a county-level unit or zone")
    if unit is None:
        unit = _most_specific_place(facts)
    reviewer = facts.get("reviewer")
    generic = _GENERIC_LEVEL.get(name[:1]) if name else None
    return (
        _county_below_city_key(text, issuer, name, generic, reviewer, unit)
        or _place_level_key(unit)
        or _key_without_place(text, issuer, name, generic, reviewer)
    )


def _township_key(text: str, issuer: Located | None, name: str) -> Key | None:
    """Township, when the issuer is a township's or street's body (茂租镇党委, 张范街道社区卫生服务中心)."""
    township = _TOWNSHIP_BODY.search(name) or _TOWNSHIP_NAMED.match(name)
    if township and not (_TOWNSHIP_BODY.search(name) or township_units(township.group())):
        township = None
    if issuer is not None and township:
        return _within(text, issuer, township.group(), "township", f"{township.group()}: a township body")
    return None


def _county_below_city_key(
    text: str, issuer: Located | None, name: str, generic: str | None, reviewer: Located | None, unit: _Unit | None
) -> Key | None:
    """County, for a body no place names as a county: inspected by a county-level committee's group, or named by
    区/县 only below a known city."""
    below = reviewer is not None and isinstance(reviewer.value, str) and _COUNTY_TEAM.match(reviewer.value)
    if below and reviewer is not None and (unit is None or unit.place.level != "county"):
        return _within(text, reviewer, reviewer.value[:2], "county", f"inspected by a {reviewer.value[:2]} team")
    if issuer is not None and generic == "county" and unit is not None and unit.place.level == "prefecture":
        return _within(text, issuer, name, "county", f"issuer named by 区/县 only, in {unit.place.name}")
    return None


def _place_level_key(unit: _Unit | None) -> Key | None:
    """The level of the most specific place (a municipality's own bodies are provincial)."""
    if unit is None:
        return None
    level = _PLACE_LEVEL[unit.place.level]
    if level == "province" and unit.place.name in MUNICIPALITIES:
        rule = f"{unit.place.name} is a municipality: its own bodies are provincial"
    else:
        rule = f"{unit.place.name} is a {unit.place.level}-level unit"
    return Key(level, unit.where.start, unit.where.end, rule)


def _key_without_place(
    text: str, issuer: Located | None, name: str, generic: str | None, reviewer: Located | None
) -> Key | None:
    """With no place named: central for a national body or one a central team inspected, else the level word the
    issuer's name opens with (市司法局)."""
    if issuer is not None and _CENTRAL_BODY.search(name):
        return _within(text, issuer, name, "central", f"{name}: a national body")
    if reviewer is not None and isinstance(reviewer.value, str) and _CENTRAL_TEAM.match(reviewer.value):
        return _within(text, reviewer, reviewer.value, "central", "no place named; inspected by a central team")
    if issuer is not None and generic is not None:
        return _within(text, issuer, name, generic, f"issuer named by its level word {name[0]} only")
    return None


def _within(text: str, fact: Located, word: str, value: str, rule: str) -> Key:
    """A key decided by `word` of a fact: the span of the word inside the fact's span (the whole fact's span when a
    composed value such as 专项巡察(…) does not write the word there); no span when the fact has none."""
    if fact.start is None or fact.end is None:
        return Key(value, None, None, rule)
    at = text.find(word, fact.start, fact.end) if word else -1
    if at < 0:
        return Key(value, fact.start, fact.end, rule)
    return Key(value, at, at + len(word), rule)


# --- the kind of body -----------------------------------------------------------------------------------------

# Tried in order: a court's, hospital's, school's, firm's or mass organisation's Party organ is that body's
# (中共某医院委员会 is a hospital), so the Party and government rules come last.
_AGENCY_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("court_procuratorate", re.compile(r"法院|检察院")),
    ("hospital", re.compile(r"医院|卫生院|保健院|卫生服务中心")),
    ("school_university", re.compile(r"大学|学院|学校|中学|小学|幼儿园")),
    ("state_firm", re.compile(r"集团|公司|银行")),
    (
        "mass_organisation",
        re.compile(
            r"总工会|工会|共青团|团中央|团[省市区县]委|妇联|妇女联合会|文联|文学艺术界联合会|作协|作家协会|科协|科学技术协会"
            r"|社科联|社会科学界联合会|残联|残疾人联合会|侨联|红十字会|工商联"
        ),
    ),
    (
        "party_committee",
        re.compile(
            # a territory's committee: 崇义县委员会 (中共 removed), 东丽区委, 茂租镇党委, 经开区党工委
            r"(?:省|市|县|区|旗|州|盟|镇|乡|街道)(?:委员会|委|党委|党工委|工委)$"
            # a working organ: 纪委, 组织部, 政法委, 教育工委
            r"|纪委|纪律检查委员会|监委|组织部|宣传部|统战部|统一战线工作部|政法委|工作委员会|工委|编办"
        ),
    ),
    (
        "government_department",
        re.compile(r"局|厅|署|委员会|委|办公室|办公厅|办|中心|馆|站|所|政府|管委会|机关|院"),
    ),
)
_OWN_PARTY_ORGAN = re.compile(r"(?:党组|党委|党总支|党支部)$")


def agency_type(text: str, issuer: Located | None) -> Key | None:
    """The kind of body the issuer is, by the first rule whose words its name contains; 'other' when none."""
    if issuer is None or not isinstance(issuer.value, str) or not issuer.value.strip():
        return None
    # a joint notice (两个党组联合通报) is typed by the body it names first
    body = _PARTY_PREFIX.sub("", re.split(r"\s+|、", issuer.value.strip())[0])
    # the body's own Party group (大数据局党组) says nothing of what the body is; a territory's 党委 does
    own = _OWN_PARTY_ORGAN.search(body)
    if own and not re.search(r"(?:镇|乡|街道|区|县|市|省)$", body[: own.start()]):
        body = body[: own.start()]
    for key, pattern in _AGENCY_RULES:
        found = pattern.search(body)
        if found:
            return _within(text, issuer, found.group(), key, f"{found.group()} in the issuer")
    return _within(text, issuer, "", "other", "no rule's words in the issuer")


# --- the review's kind ----------------------------------------------------------------------------------------

_FOLLOW_UP = re.compile(r"(?:巡察|巡视)\s*[“\"'‘]?回头看|回头看[”\"'’]?(?:专项|常规)?(?:巡察|巡视)")
_HEAD = 2000


def review_kind(text: str, facts: Mapping[str, Located | None]) -> Key | None:
    """The kind of review: audit for an audit; follow_up when the head calls the inspection a 回头看; else the kind
    word of the review's scope (专项, 机动, 常规), else of the reviewer (市委机动巡察组); an inspection that names no
    kind is regular (the genre's default). None when the review type is unknown."""
    review_type = facts.get("review_type")
    if review_type is None:
        return None
    if review_type.value == "审计":
        return Key("audit", review_type.start, review_type.end, "review type 审计")
    if review_type.value not in ("巡察", "巡视"):
        return None
    back = _FOLLOW_UP.search(text, 0, min(len(text), _HEAD))
    if back:
        return Key("follow_up", back.start(), back.end(), "inspection called a 回头看")
    for name in ("review_scope", "reviewer"):
        fact = facts.get(name)
        if fact is None or not isinstance(fact.value, str):
            continue
        for word, kind in (("专项", "special"), ("机动", "flexible")):
            if word in fact.value:
                return _within(text, fact, word, kind, f"{word} in the {name.replace('_', ' ')}")
    scope = facts.get("review_scope")
    if scope is not None and scope.start is not None and "常规" in text[scope.start : scope.end]:
        at = text.find("常规", scope.start, scope.end)
        return Key("regular", at, at + 2, "常规 in the review scope")
    return Key("regular", review_type.start, review_type.end, "an inspection that names no kind: regular by default")


# --- the year -------------------------------------------------------------------------------------------------


def _year(facts: Mapping[str, Located | None]) -> Key | None:
    """The year of the notice's date, else of the feedback date (a notice follows its feedback within months)."""
    for name in ("published_date", "feedback_date"):
        fact = facts.get(name)
        if fact is not None and isinstance(fact.value, dt.date):
            return Key(fact.value.year, fact.start, fact.end, f"year of {name.replace('_', ' ')}")
    return None
