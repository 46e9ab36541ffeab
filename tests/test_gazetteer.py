"""The gazetteer (place names → administrative units) and the metadata inferred from a notice's text with it.

Expected codes and names are the official ones (行政区划代码), written here from the administrative
divisions themselves, not read from the gazetteer's output; the seeds' expected metadata is data/raw/metadata.csv.
"""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pytest

from analysis.extract import extract_text
from analysis.extract.gazetteer import GAZETTEER_CSV, candidates, find_places, places, resolve, stem
from analysis.extract.infer import FIELDS, Inferred, fill_metadata, infer_metadata
from analysis.paths import RAW, ROOT, TEST_DATA
from analysis.read.sources import load_metadata, read_notice

SEEDS = sorted(RAW.glob("*.txt"))


def code(name: str) -> str | None:
    place = resolve(name)
    return place.code if place else None


# --- the data -----------------------------------------------------------------------------------------------


def test_every_level_is_complete() -> None:
    by_level = {level: [p for p in places() if p.level == level] for level in ("province", "prefecture", "county")}
    assert len(by_level["province"]) == 34  # 23 provinces, 5 autonomous regions, 4 municipalities, 2 SARs
    assert len(by_level["prefecture"]) == 333  # 293 cities, 7 地区, 30 自治州, 3 盟
    assert len([p for p in by_level["prefecture"] if p.name.endswith("自治州")]) == 30
    leagues = sorted(p.name for p in by_level["prefecture"] if p.name.endswith("盟"))
    assert leagues == ["兴安盟", "锡林郭勒盟", "阿拉善盟"]
    assert len(by_level["county"]) > 2800
    assert len([p for p in by_level["county"] if p.province == "北京市"]) == 16


def test_codes_are_unique_and_agree_with_the_parents() -> None:
    units = places()
    assert len({p.code for p in units}) == len(units)
    by_code = {p.code: p for p in units}
    for place in units:
        assert len(place.code) == 6 and place.code.isdigit()
        assert by_code[place.code[:2] + "0000"].name == place.province
        if place.prefecture:
            assert by_code[place.code[:4] + "00"].name == place.prefecture


def test_the_file_has_the_columns_the_build_script_writes() -> None:
    with GAZETTEER_CSV.open(encoding="utf-8") as fh:
        assert next(csv.reader(fh)) == ["code", "name", "level", "province", "prefecture"]


def test_the_build_script_derives_levels_and_parents_from_codes() -> None:
    spec = importlib.util.spec_from_file_location("build_gazetteer", ROOT / "scripts" / "build_gazetteer.py")
    assert spec is not None and spec.loader is not None
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    divisions = {"420000": "湖北省", "422800": "恩施土家族苗族自治州", "422822": "建始县", "419001": "济源市"}
    with pytest.raises(SystemExit, match="its province 410000 is missing"):
        build.rows(divisions)
    divisions["410000"] = "河南省"
    assert [tuple(r.values()) for r in build.rows(divisions)] == [
        ("410000", "河南省", "province", "河南省", ""),
        ("419001", "济源市", "county", "河南省", ""),
        ("420000", "湖北省", "province", "湖北省", ""),
        ("422800", "恩施土家族苗族自治州", "prefecture", "湖北省", ""),
        ("422822", "建始县", "county", "湖北省", "恩施土家族苗族自治州"),
    ]


@pytest.mark.parametrize(
    ("city", "expected"),
    [("沈阳市", "210100"), ("东营市", "370500"), ("遂宁市", "510900"), ("咸宁市", "421200"), ("中山市", "442000")],
)
def test_the_seed_cities_have_their_codes(city: str, expected: str) -> None:
    assert code(city) == expected


# --- resolve ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("沈阳", "210100"),
        ("沈阳市", "210100"),
        (" 沈阳市 ", "210100"),
        ("恩施州", "422800"),
        ("恩施土家族苗族自治州", "422800"),
        ("恩施", "422800"),  # the stem names the prefecture, not its seat 恩施市
        ("恩施市", "422801"),
        ("东城区", "110101"),
        ("东营", "370500"),  # not 东营区
        ("朝阳", "211300"),  # the prefecture-level city in 辽宁
        ("吉林", "220000"),  # the province before the city
        ("吉林市", "220200"),
        ("广西", "450000"),
        ("内蒙古", "150000"),
        ("辽宁省", "210000"),
        ("长阳县", "420528"),  # 长阳土家族自治县
        ("鄂伦春旗", "150723"),  # 鄂伦春自治旗
        ("渝中区", "500103"),
        ("济源市", "419001"),
        ("伊犁州", "654000"),
        ("没有这个地方", None),
        ("", None),
    ],
)
def test_resolve(name: str, expected: str | None) -> None:
    assert code(name) == expected


def test_an_ambiguous_name_resolves_to_none_and_lists_its_candidates() -> None:
    assert resolve("朝阳区") is None
    assert [(p.code, p.province, p.prefecture) for p in candidates("朝阳区")] == [
        ("110105", "北京市", None),
        ("220104", "吉林省", "长春市"),
    ]
    assert [p.code for p in candidates("滨海")] == ["120116", "320922"]  # 滨海新区, 滨海县
    assert candidates("没有这个地方") == ()


def test_within_settles_an_ambiguous_name() -> None:
    beijing, changchun = resolve("北京市"), resolve("长春市")
    assert beijing is not None and changchun is not None
    assert code_of(resolve("朝阳区", within=beijing)) == "110105"
    assert code_of(resolve("朝阳区", within=changchun)) == "220104"
    assert resolve("朝阳区", within=resolve("辽宁省")) is None


def code_of(place: object) -> str | None:
    return getattr(place, "code", None)


@pytest.mark.parametrize(
    ("name", "city", "county"),
    [
        ("建始县", "恩施土家族苗族自治州", "建始县"),
        ("渝中区", "重庆市", "渝中区"),
        ("重庆市", "重庆市", None),
        ("济源市", "济源市", "济源市"),  # a county-level city directly under its province
        ("定安县", None, "定安县"),  # a county directly under its province: no city
        ("辽宁省", None, None),
        ("恩施州", "恩施土家族苗族自治州", None),
    ],
)
def test_city_and_county_of_a_place(name: str, city: str | None, county: str | None) -> None:
    place = resolve(name)
    assert place is not None and (place.city, place.county) == (city, county)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("恩施土家族苗族自治州", "恩施"),
        ("新疆维吾尔自治区", "新疆"),
        ("巴音郭楞蒙古自治州", "巴音郭楞"),
        ("双江拉祜族佤族布朗族傣族自治县", "双江"),
        ("东乡族自治县", "东乡"),
        ("瀍河回族区", "瀍河"),
        ("黑龙江省", "黑龙江"),
        ("阿拉善盟", "阿拉善"),
        ("阿克苏地区", "阿克苏"),
        ("赵县", "赵"),
    ],
)
def test_stem(name: str, expected: str) -> None:
    assert stem(name) == expected


# --- find_places --------------------------------------------------------------------------------------------


def mentions(text: str) -> list[tuple[int, int, str, tuple[str, ...]]]:
    return [(m.start, m.end, m.text, tuple(p.code for p in m.candidates)) for m in find_places(text)]


def test_find_places_gives_spans_and_units() -> None:
    text = "中共重庆市渝中区委；中共恩施州委；辽宁省沈阳市和平区"
    assert mentions(text) == [
        (2, 5, "重庆市", ("500000",)),
        (5, 8, "渝中区", ("500103",)),
        (12, 15, "恩施州", ("422800",)),
        (17, 20, "辽宁省", ("210000",)),
        (20, 23, "沈阳市", ("210100",)),
        (23, 26, "和平区", ("120101", "210102")),  # 天津 and 沈阳: find_places does not choose
    ]


def test_stems_are_not_searched_in_running_text() -> None:
    assert mentions("中山大学的学生在安康路上，白山黑水") == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("马鞍山市和县", ["马鞍山市", "和县"]),
        ("中共和县县委", ["和县"]),
        ("中共共和县县委", ["共和县"]),
        ("(和县)", ["和县"]),
        ("各市和县区", []),
        ("主城区和新城区", ["新城区"]),
        ("黄河南岸", []),
    ],
)
def test_two_character_names_count_only_when_free_standing(text: str, found: list[str]) -> None:
    assert [m.text for m in find_places(text)] == found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("新疆维吾尔自治区伊犁哈萨克自治州", ["新疆维吾尔自治区", "伊犁哈萨克自治州"]),  # not 新疆 alone
        ("湖北省恩施土家族苗族自治州建始县", ["湖北省", "恩施土家族苗族自治州", "建始县"]),
        ("恩施土家族苗族自治", []),  # a name cut off by the end of the text
        ("沈阳市和平", ["沈阳市"]),
        ("和县", ["和县"]),
    ],
)
def test_the_longest_whole_name_is_found(text: str, found: list[str]) -> None:
    assert [m.text for m in find_places(text)] == found


def test_every_name_has_two_characters_at_least() -> None:
    # find_places looks names up by their first two characters
    assert min(len(p.name) for p in places()) >= 2


# --- inferred metadata: the seeds ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_a_seed_infers_its_registered_metadata(path: Path) -> None:
    text = read_notice(path, {}).text
    row = load_metadata()[path.name]
    inferred = infer_metadata(text)
    values = {f: inferred[f].value if inferred[f] else "" for f in FIELDS}  # type: ignore[union-attr]
    assert values == {f: row[f] for f in FIELDS}
    for field in ("issuer", "city"):
        found = inferred[field]
        assert found is not None and found.start is not None
        assert text[found.start : found.end] == found.value  # the span is the value as written


def test_seed_readings_and_their_confidence() -> None:
    def reading(name: str) -> tuple[str, str]:
        issuer = infer_metadata((RAW / f"{name}.txt").read_text(encoding="utf-8"))["issuer"]
        assert issuer is not None
        return issuer.source, issuer.confidence

    assert reading("dongying") == ("title", "high")  # the signature agrees with the title
    assert reading("shenyang") == ("title", "high")  # no signature, but the body names the body fed back to
    alone = infer_metadata("中共某县财政局党组关于巡察整改情况的通报\n根据县委统一部署,县委巡察组开展了巡察。")
    assert alone["issuer"] is not None and (alone["issuer"].source, alone["issuer"].confidence) == ("title", "medium")
    assert reading("suining") == ("signature", "medium")  # no title
    province = infer_metadata((RAW / "dongying.txt").read_text(encoding="utf-8"))["province"]
    assert province == Inferred("山东省", 2, 5, "gazetteer", "high", "370000")  # derived from 东营市 in the title


def test_the_saved_page_infers_like_the_seed() -> None:
    inferred = infer_metadata(read_notice(TEST_DATA / "formats" / "zhongshan_page.html", {}).text)
    assert {f: getattr(inferred[f], "value", None) for f in FIELDS} == {
        "issuer": "中共中山市政务服务和数据管理局党组",
        "city": "中山市",
        "province": "广东省",
        "county": None,
    }


# --- inferred metadata: other issuers -----------------------------------------------------------------------


def values(text: str, **kwargs: str) -> dict[str, tuple[str, str | None] | None]:
    inferred = infer_metadata(text, **kwargs)
    return {f: (v.value, v.code) if v else None for f, v in inferred.items()}


def notice(issuer: str, reviewer: str, body: str = "") -> str:
    return (
        f"{issuer}关于{reviewer}反馈意见整改情况的通报\n根据统一部署，{reviewer}开展了巡察。{body}\n"
        f"{issuer}\n2025年6月30日\n"
    )


def test_a_county_under_an_autonomous_prefecture() -> None:
    assert values(notice("中共建始县农业农村局党组", "县委第三巡察组")) == {
        "issuer": ("中共建始县农业农村局党组", None),
        "city": ("恩施土家族苗族自治州", "422800"),
        "province": None,  # a county alone does not state its province (the labelling convention, tests/data/real)
        "county": ("建始县", "422822"),
    }


@pytest.mark.parametrize(
    ("issuer", "province"),
    [("中共重庆市渝中区大数据应用发展管理局党组", ("重庆市", "500000")), ("中共渝中区大数据应用发展管理局党组", None)],
)
def test_a_district_of_chongqing(issuer: str, province: tuple | None) -> None:
    assert values(notice(issuer, "区委第二巡察组")) == {
        "issuer": (issuer, None),
        "city": ("重庆市", "500000"),
        "province": province,  # stated only where the text names the municipality
        "county": ("渝中区", "500103"),
    }


def test_a_provincial_department_has_a_province_and_no_city() -> None:
    assert values(notice("中共辽宁省财政厅党组", "省委第三巡视组")) == {
        "issuer": ("中共辽宁省财政厅党组", None),
        "city": None,
        "province": ("辽宁省", "210000"),
        "county": None,
    }


def test_an_ambiguous_district_is_kept_as_written_with_its_candidates() -> None:
    inferred = infer_metadata(notice("中共朝阳区住房和城乡建设局党组", "区委第二巡察组"))
    county = inferred["county"]
    assert county is not None
    assert (county.value, county.code, county.confidence) == ("朝阳区", None, "low")
    assert county.candidates == ("北京市朝阳区 110105", "吉林省长春市朝阳区 220104")
    assert inferred["city"] is None and inferred["province"] is None


def test_an_ambiguous_district_is_settled_by_the_places_the_text_names() -> None:
    text = notice("中共朝阳区住房和城乡建设局党组", "区委第二巡察组", "联系地址：长春市朝阳区人民大街。")
    inferred = infer_metadata(text)
    assert {f: getattr(inferred[f], "value", None) for f in ("city", "province", "county")} == {
        "city": "长春市",
        "province": "吉林省",
        "county": "朝阳区",
    }
    county = inferred["county"]
    assert county is not None and (county.code, county.confidence) == ("220104", "medium")


def test_a_county_body_whose_issuer_names_no_place_takes_the_county_the_text_names() -> None:
    text = notice("中共区数据局党组", "区委第二巡察组", "地址：成都市武侯区某路；武侯区数据局。")
    assert values(text) == {
        "issuer": ("中共区数据局党组", None),
        "city": ("成都市", "510100"),
        "province": ("四川省", "510000"),
        "county": ("武侯区", "510107"),
    }
    assert infer_metadata(text)["county"].confidence == "low"  # type: ignore[union-attr]


def test_a_city_body_is_given_no_county_from_the_text() -> None:
    text = notice("中共数据局党组", "市委第二巡察组", "地址：成都市武侯区某路。")
    assert values(text)["county"] is None and values(text)["city"] == ("成都市", "510100")


def test_a_county_level_city_directly_under_its_province() -> None:
    assert values(notice("中共济源市数据局党组", "市委第一巡察组"))["city"] == ("济源市", "419001")


def test_the_callers_title_and_issuer_are_preferred() -> None:
    text = "页面导航\n中共东营市大数据局党组关于巡察整改情况的通报\n正文。\n"
    issuer = infer_metadata(text, title="中共东营市大数据局党组关于巡察整改情况的通报")["issuer"]
    assert issuer == Inferred("中共东营市大数据局党组", 5, 16, "title", "medium")
    hinted = infer_metadata(text, issuer_hint="东营市大数据局")["issuer"]
    assert hinted is not None and (hinted.value, hinted.source, hinted.start) == ("东营市大数据局", "hint", 7)


def test_no_title_no_signature_no_place() -> None:
    assert values("关于巡察整改情况的通报\n根据市委统一部署，开展了巡察。\n") == dict.fromkeys(FIELDS)


# --- merging with metadata.csv ------------------------------------------------------------------------------


def test_given_values_win_and_inferred_ones_are_listed() -> None:
    inferred = infer_metadata(notice("中共建始县农业农村局党组", "县委第三巡察组"))
    merged, filled = fill_metadata({"city": "恩施州", "county": "", "issuer": "  "}, inferred)
    assert merged == {
        "issuer": "中共建始县农业农村局党组",
        "city": "恩施州",
        "province": None,
        "county": "建始县",
    }
    assert filled == ["issuer", "county"]


def test_an_ambiguous_place_is_kept_as_written_and_nothing_above_it() -> None:
    # 44_xining: the text names only 城中区 (西宁 and 柳州); the gold records it as written, the city empty.
    inferred = infer_metadata(notice("中共朝阳区住房和城乡建设局党组", "区委第二巡察组"))
    merged, filled = fill_metadata({}, inferred)
    assert (merged["county"], merged["city"], merged["province"]) == ("朝阳区", None, None)
    assert filled == ["issuer", "county"]


def test_an_ambiguous_place_is_a_warning_of_the_extraction() -> None:
    text = notice("中共朝阳区住房和城乡建设局党组", "区委第二巡察组", "现将整改情况予以公布。\n一、整改工作\n")
    warnings = extract_text(text).document["warnings"]
    assert "county '朝阳区' is ambiguous (北京市朝阳区 110105, 吉林省长春市朝阳区 220104)" in warnings


def test_a_development_zone_is_the_county_and_its_city_is_named_by_it() -> None:
    # 17_dongying, 45_wuhan: zones have no code of their own
    assert values(notice("中共武汉经开区党工委", "省委第六巡视组")) == {
        "issuer": ("中共武汉经开区党工委", None),
        "city": ("武汉市", "420100"),
        "province": ("湖北省", "420000"),
        "county": ("武汉经开区", None),
    }


def test_a_company_named_for_its_city_and_a_district_after_the_city() -> None:
    # 05_chengdu (成都空港…集团), 56_jiangxia (武汉市江夏国有资产…)
    assert values(notice("中共成都空港城市发展集团有限公司委员会", "区委第三巡察组"))["city"] == ("成都市", "510100")
    assert values(notice("中共武汉市江夏国有资产经营管理集团有限公司委员会", "区委第二巡察组"))["county"] == (
        "江夏区",
        "420115",
    )
    assert values(notice("中共中山大学委员会", "省委第一巡视组"))["city"] is None  # not a company: no stem read


def test_a_township_body_is_placed_by_its_township() -> None:
    # 51_qiaojia: the text names only 茂租镇; the province is then not stated (the labelling convention)
    assert values(notice("中共茂租镇委员会", "县委第二巡察组")) == {
        "issuer": ("中共茂租镇委员会", None),
        "city": ("昭通市", "530600"),
        "province": None,
        "county": ("巧家县", "530622"),
    }
    # a township name shared by many counties is settled by the places the text names, else left alone
    assert values(notice("中共城关镇委员会", "县委第一巡察组"))["county"] is None  # 88 counties have one
    assert values(notice("中共城关镇委员会", "县委第一巡察组", "地址:甘肃省临夏回族自治州和政县。"))["county"] == (
        "和政县",
        "622925",
    )
    # real_check4/06_huojia: the county itself named in the text (by its inspection group) settles the township
    assert values(notice("太山镇党委", "获嘉县专项巡察组"))["county"] == ("获嘉县", "410724")


def test_an_issuer_named_by_its_level_is_of_the_county_level_city_the_text_names() -> None:
    # 42_ruijin: 市审计局 of the county-level city 瑞金市; the text names no province
    text = "关于审计查出问题整改情况的报告\n市审计局局长 李火生\n瑞金市2020年度本级预算执行审计查出问题的整改情况。"
    inferred = infer_metadata(text, issuer_hint="市审计局")
    assert {f: getattr(inferred[f], "value", None) for f in ("county", "city", "province")} == {
        "county": "瑞金市",
        "city": "赣州市",
        "province": None,
    }
