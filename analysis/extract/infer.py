"""Metadata a notice states about itself: who issued it, and the city, province and county it belongs to.

A new notice needs no hand-typed metadata row to be placed: the issuer is read from the title (the words before
关于) and from the signature above the final date; the places are the ones the issuer names, looked up in the
gazetteer, which also supplies what the issuer leaves out (建始县 → 恩施土家族苗族自治州, 湖北省). Every value
comes with the span it was read from, where it came from and how sure the reading is. Values given in
data/raw/metadata.csv take precedence over these (`fill_metadata`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from analysis.extract.gazetteer import Place, PlaceMention, find_places, resolve, stem, township_units
from analysis.extract.issuer import read_issuer

FIELDS = ("issuer", "city", "province", "county")

_CONFIDENCE = ("high", "medium", "low")


@dataclass(frozen=True)
class Inferred:
    """One metadata value read from a notice's text.

    `start`, `end`: the span of `text` it was read from; for a value the gazetteer supplied (a county's city,
    a city's province), the span of the place it was derived from; None when the value is not in the text.
    `source`: hint (the caller's issuer), title, signature, issuer (a place named in the issuer), gazetteer
    (derived), text (the place the body names most). `confidence`: high (two readings agree, or derived from
    such a reading), medium (one reading), low (a guess from the body, or an ambiguous name).
    `candidates`: for an ambiguous place name, every unit it may be ("北京市朝阳区 110105"); `value` is
    then the name as written and `code` None.
    """

    value: str
    start: int | None
    end: int | None
    source: str
    confidence: str
    code: str | None = None
    candidates: tuple[str, ...] = ()


def infer_metadata(text: str, title: str | None = None, issuer_hint: str | None = None) -> dict[str, Inferred | None]:
    """Issuer, city, province and county of a notice, read from its text; a field not found is None.

    `title`: the notice's title when the caller has it (else the first line of the text with 关于 that ends
    like a title). `issuer_hint`: the issuer when the caller has read it; it is preferred to both readings.
    City is the prefecture-level unit (沈阳市, 恩施土家族苗族自治州; a municipality for its districts). County
    is set when the issuer names a county-level unit, or when a county Party committee's inspection group
    (区委第二巡察组) inspected it: then from the county the body names most. An ambiguous place name (朝阳区:
    北京 and 长春) is settled by the other places the text names; when none does, the field keeps the name
    as written, with its `candidates` and no code, and the fields above it stay None.
    """
    result: dict[str, Inferred | None] = dict.fromkeys(FIELDS)
    issuer = _issuer(text, title, issuer_hint)
    result["issuer"] = issuer
    in_text = _places_named(text)
    context = [m.place for m in in_text if m.place is not None]
    source, confidence = "issuer", issuer.confidence if issuer else "low"
    settled, unsettled, result["county"] = _places_of_issuer(issuer, context)
    if not settled and unsettled is None:
        source, confidence = "text", "low"
        settled, unsettled = _settled(_most_named(in_text), context)
    county_body = bool(_COUNTY_INSPECTION.search(text)) or _generic_county_issuer(issuer, settled)
    if source == "text" and not county_body:
        # a county the body happens to name first says nothing of a city-level issuer's county
        settled = [(unit, m, s) for p, m, s in settled if (unit := _city_of(p) or _province_of(p)) is not None]
    deepest = max(settled, key=lambda pms: _DEPTH[pms[0].level], default=None)
    if unsettled is not None and (deepest is None or _depth(unsettled) > _DEPTH[deepest[0].level]):
        # an ambiguous name below every settled one: kept as written, the fields above it left to the others
        field = "county" if unsettled.candidates[0].level == "county" else "city"
        labels = tuple(f"{_label(p)} {p.code}" for p in unsettled.candidates)
        result[field] = Inferred(unsettled.text, *_mention_span(unsettled), source, "low", None, labels)
    if deepest is None:
        return result
    _fill_from_place(result, deepest, settled, in_text, source, confidence)
    if result["county"] is None and county_body:
        result["county"] = _county_from_text(in_text, deepest[0])
    return result


def _places_of_issuer(
    issuer: Inferred | None, context: list[Place]
) -> tuple[list[tuple[Place, PlaceMention, bool]], PlaceMention | None, Inferred | None]:
    """The places the issuer names, settled by the places of the text (`context`): the settled ones, the ambiguous
    name left unsettled (or None), and the development zone the issuer is (its county field, or None)."""
    zone = _zone(issuer)
    named_in_issuer = _issuer_places(issuer)
    township = [] if named_in_issuer else _township(issuer)
    settled, unsettled = _settled(named_in_issuer or township, context)
    if township and unsettled is not None:
        unsettled = None  # a township's name is not a county's: left out, not written into the county field
    if zone is None:
        return settled, unsettled, None
    city = zone[1].candidates[0]
    if not any(p.code == city.code for p, _, _ in settled):
        settled.append((city, zone[1], False))
    return settled, unsettled, zone[0]


def _fill_from_place(
    result: dict[str, Inferred | None],
    deepest: tuple[Place, PlaceMention, bool],
    settled: list[tuple[Place, PlaceMention, bool]],
    in_text: list[PlaceMention],
    source: str,
    confidence: str,
) -> None:
    """Fill the county, city and province still empty in `result` from the deepest settled place and its units."""
    place, mention, by_context = deepest
    # The province is the text's when it names the province or a prefecture-level city; a county alone (晋江市)
    # places the notice in its prefecture, but the text then does not say which province (the labelling convention).
    named = {m.place.code for m in in_text if m.place is not None}
    names_above_county = any(m.candidates[0].level != "county" for _, m, _ in settled) or bool(
        named & {c for c in (_code(place, "city"), _code(place, "province")) if c}
    )
    for field in ("county", "city", "province"):
        value = getattr(place, field)
        if value is None or result[field] is not None:
            continue
        own = next((m for p, m, _ in settled if p.name == value and p.code == _code(place, field)), None)
        if field == "province" and own is None and not names_above_county:
            continue
        result[field] = Inferred(
            value,
            *_mention_span(own or mention),
            source if own else "gazetteer",
            _weaker(confidence, "medium") if by_context else confidence,
            _code(place, field),
        )


# Where a notice names who it is and whom it concerns: title, header and preamble at the top, signature at the end.
_HEAD = 3000
_TAIL = 500


def _places_named(text: str) -> list[PlaceMention]:
    """Place names in the head and tail of `text`, with spans into it.

    The body's places are mostly the problems' own (a project, a district served); scanning only the head and
    tail also keeps inference cheap on long notices.
    """
    found = find_places(text[:_HEAD])
    tail_start = max(_HEAD, len(text) - _TAIL)
    found += [
        PlaceMention(m.start + tail_start, m.end + tail_start, m.text, m.candidates)
        for m in find_places(text[tail_start:])
    ]
    return found


def fill_metadata(
    given: Mapping[str, str], inferred: Mapping[str, Inferred | None]
) -> tuple[dict[str, str | None], list[str]]:
    """Metadata values for the documents table and the fields among them that were inferred.

    A non-empty value given (metadata.csv) wins; else the inferred value. An ambiguous place name (城中区: 西宁
    and 柳州) is kept as the text writes it, the fields above it empty; the extraction warns with its candidates.
    A development zone (武汉经开区) is kept as written too: it has no code. The documents table's
    `metadata_inferred` column is the "; "-join of the fields returned, e.g. "city; province".
    """
    values: dict[str, str | None] = {}
    filled: list[str] = []
    for field in FIELDS:
        found = inferred.get(field)
        if given.get(field, "").strip():
            values[field] = given[field].strip()
        elif found is not None:
            values[field] = found.value
            filled.append(field)
        else:
            values[field] = None
    return values, filled


# --- the issuer ---------------------------------------------------------------------------------------------


def _issuer(text: str, title: str | None, hint: str | None) -> Inferred | None:
    readings = [Inferred(r.value, r.start, r.end, r.source, "medium") for r in read_issuer(text, title)]
    if hint and hint.strip():
        hint = hint.strip()
        at = text.find(hint)
        readings.insert(0, Inferred(hint, *(_span(at, hint)), "hint", "medium"))
    if not readings:
        return None
    first = readings[0]
    agree = any(r.value == first.value for r in readings[1:])
    return Inferred(first.value, first.start, first.end, first.source, "high" if agree else "medium")


def _span(at: int, value: str) -> tuple[int | None, int | None]:
    return (at, at + len(value)) if at >= 0 else (None, None)


# --- the places ---------------------------------------------------------------------------------------------

_DEPTH = {"province": 0, "prefecture": 1, "county": 2}
# A county-level Party committee's inspection group: the inspected body is a county's (区委第二巡察组).
_COUNTY_INSPECTION = re.compile(r"[区县旗]委(?:第[一二三四五六七八九十\d]+|机动|专项)?巡察组")


# A company named for its city without the city's designator: 中共成都空港城市发展集团有限公司委员会.
_COMPANY = re.compile(r"(?:集团|公司|银行)")
_PARTY_PREFIX = re.compile(r"^(?:中共|中国共产党)")


def _issuer_places(issuer: Inferred | None) -> list[PlaceMention]:
    """Place names in the issuer, with spans into the text (-1 when the issuer is not in the text).

    Besides full and short names: the stem of a prefecture-level city that opens a company's name (成都空港…集团),
    and the stem of a county inside the place just named (武汉市江夏国有资产…: 江夏区)."""
    if issuer is None:
        return []
    name = issuer.value
    found = find_places(name)
    lead = _PARTY_PREFIX.match(name)
    at = lead.end() if lead else 0
    if (not found or found[0].start > at) and _COMPANY.search(name):
        found = _stem_at(name, at, None, "prefecture") + found
    if found and found[-1].place is not None and found[-1].place.level != "county":
        found += _stem_at(name, found[-1].end, found[-1].place, "county")
    offset = -1 if issuer.start is None else issuer.start
    return [
        PlaceMention(
            m.start + offset if offset >= 0 else -1, m.end + offset if offset >= 0 else -1, m.text, m.candidates
        )
        for m in found
    ]


def _generic_county_issuer(issuer: Inferred | None, settled: list[tuple[Place, PlaceMention, bool]]) -> bool:
    """Whether an issuer named by its level only (市审计局, 区档案馆) is of the county-level unit the text names most
    (瑞金市: a county-level city; its 市审计局 is that city's)."""
    if issuer is None or not settled:
        return False
    level_word = _PARTY_PREFIX.sub("", issuer.value)[:1]
    place = settled[0][0]
    return level_word in "市区县旗" and place.level == "county" and place.name.endswith(level_word)


# A township or street body: 中共茂租镇委员会, 杭州道街道工委.
_TOWNSHIP = re.compile(
    r"(?P<t>[\u3400-\u4dbf\u4e00-\u9fff]{1,8}?(?:街道|镇|乡))(?:党委|党工委|工委|委员会|人民政府|办事处)|^(?P<at>[\u3400-\u4dbf\u4e00-\u9fff]{1,8}?(?:街道|镇|乡))"
)


def _township(issuer: Inferred | None) -> list[PlaceMention]:
    """The township the issuer is, as a mention of the county-level units that have a township of that name."""
    if issuer is None:
        return []
    m = _TOWNSHIP.search(_PARTY_PREFIX.sub(lambda p: " " * len(p.group()), issuer.value))
    group = ("t" if m["t"] else "at") if m else "t"
    units = township_units(m[group]) if m else ()
    if not m or not units:
        return []
    start, end = _offsets(-1 if issuer.start is None else issuer.start, m.start(group), m.end(group))
    return [PlaceMention(-1 if start is None else start, -1 if end is None else end, m[group], units)]


def _stem_at(name: str, at: int, within: Place | None, level: str) -> list[PlaceMention]:
    """The place of `level` whose stem (2–4 characters) is written at `name[at:]`, longest first."""
    for length in (4, 3, 2):
        word = name[at : at + length]
        place = resolve(word, within) if len(word) == length else None
        if place is not None and place.level == level and stem(place.name) == word:
            return [PlaceMention(at, at + length, word, (place,))]
    return []


# A development zone, recorded as the county (东营经济技术开发区, 武汉经开区); it has no code of its own.
_ZONE = re.compile(r"经济技术开发区|经济开发区|高新技术产业开发区|高新区|经开区|经济区|新区")


def _offsets(at: int, start: int, end: int) -> tuple[int | None, int | None]:
    return (None, None) if at < 0 else (at + start, at + end)


def _zone(issuer: Inferred | None) -> tuple[Inferred, PlaceMention] | None:
    """The development zone the issuer names after its city's name or stem, and the mention of that city."""
    if issuer is None:
        return None
    at = -1 if issuer.start is None else issuer.start
    for m in _ZONE.finditer(issuer.value):
        # the zone's name between its city and the zone word (大连普湾经济区 → 普湾经济区), or the city's (武汉经开区)
        for gap in range(5):
            for length in (5, 4, 3, 2):
                start = m.start() - gap - length
                word = issuer.value[max(start, 0) : m.start() - gap]
                city = resolve(word.removesuffix("市")) if start >= 0 else None
                if (
                    city is None
                    or city.level != "prefecture"
                    or word.removesuffix("市") not in (city.name, stem(city.name))
                ):
                    continue
                first = m.start() - gap if gap else start
                value = issuer.value[first : m.end()]
                if resolve(value) is not None:
                    return None  # an official county-level unit (滨海新区): the gazetteer's
                zone = Inferred(value, *_offsets(at, first, m.end()), "issuer", "medium")
                named = PlaceMention(*(_offsets(at, start, start + length) if at >= 0 else (-1, -1)), word, (city,))
                return zone, named
    return None


def _most_named(mentions: list[PlaceMention]) -> list[PlaceMention]:
    """The first mention within the prefecture-level unit the body names most often."""
    named = [m for m in mentions if m.place is not None and m.place.city]
    counts = Counter(m.place.city for m in named if m.place is not None)
    if not counts:
        # a provincial body's text names its province only (江西省第十四届人大常委会)
        provinces = [m for m in mentions if m.place is not None and m.place.level == "province"]
        if not provinces:
            return []
        most = Counter(m.place.code for m in provinces if m.place is not None).most_common(1)[0][0]
        return [next(m for m in provinces if m.place is not None and m.place.code == most)]
    city = counts.most_common(1)[0][0]
    return [next(m for m in named if m.place is not None and m.place.city == city)]


def _settled(
    mentions: list[PlaceMention], context: list[Place]
) -> tuple[list[tuple[Place, PlaceMention, bool]], PlaceMention | None]:
    """Each mention's unit, an ambiguous name settled by the other mentions or else by the whole text's places.

    Returns (unit, mention, settled by the text's places) for each settled mention, and the first mention
    left ambiguous."""
    settled: list[tuple[Place, PlaceMention, bool]] = []
    unsettled: PlaceMention | None = None
    for mention in mentions:
        options, by_context = mention.candidates, False
        if len(options) > 1:
            near = _inside_or_around(options, [p for p, _, _ in settled])
            by_context = not near
            options = near or _inside_or_around(options, context)
        if len(options) == 1:
            settled.append((options[0], mention, by_context))
        elif unsettled is None:
            unsettled = mention
    return settled, unsettled


def _inside_or_around(options: tuple[Place, ...], around: list[Place]) -> tuple[Place, ...]:
    """The options named around them, inside one of the units named there, or containing one (a township's name
    shared by two counties is settled by the county the text names)."""
    return tuple(o for o in options if any(a.code == o.code or a.contains(o) or o.contains(a) for a in around))


def _county_from_text(mentions: list[PlaceMention], within: Place) -> Inferred | None:
    """The county-level unit inside `within` that the text names most often."""
    counties = [m for m in mentions if m.place is not None and m.place.level == "county" and within.contains(m.place)]
    if not counties:
        return None
    name = Counter(m.text for m in counties).most_common(1)[0][0]
    first = next(m for m in counties if m.text == name)
    assert first.place is not None
    return Inferred(first.place.name, first.start, first.end, "text", "low", first.place.code)


def _province_of(place: Place) -> Place | None:
    return place if place.level == "province" else None


def _city_of(place: Place) -> Place | None:
    """The prefecture-level unit (or municipality) of a place, as a place."""
    if place.city is None:
        return None
    return place if place.city == place.name else resolve(place.city)


def _depth(mention: PlaceMention) -> int:
    return _DEPTH[mention.candidates[0].level]


def _mention_span(mention: PlaceMention) -> tuple[int | None, int | None]:
    return (None, None) if mention.start < 0 else (mention.start, mention.end)


def _label(place: Place) -> str:
    """The unit with the units above it, for a list of candidates: 吉林省长春市朝阳区."""
    if place.level == "province":
        return place.name
    return place.province + (place.prefecture or "") + place.name


def _code(place: Place, field: str) -> str | None:
    """The code of the unit `field` names for `place`: its own, its prefecture's or its province's."""
    if field == "county":
        return place.code if place.level == "county" else None
    if field == "province":
        return place.code[:2] + "0000"
    if place.city is None:
        return None
    if place.level in ("prefecture", "province") or place.city == place.name:
        return place.code
    return place.code[:4] + "00" if place.prefecture else place.code[:2] + "0000"


def _weaker(a: str, b: str) -> str:
    return max(a, b, key=_CONFIDENCE.index)
