"""Unit tests of the extractor's parts: numerals, dates, amounts, items, markers, totals, header, normalisation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from analysis.extract.amounts import find_amounts
from analysis.extract.dates import find_dates
from analysis.extract.header import Fact, read_header
from analysis.extract.issuer import read_issuer
from analysis.extract.items import split_items
from analysis.extract.markers import match_marker
from analysis.extract.normalize import normalize
from analysis.extract.numerals import parse_number
from analysis.extract.totals import read_totals

D = dt.date

# --- numerals ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("十", 10),
        ("十二", 12),
        ("两", 2),
        ("二十三", 23),
        ("一百零五", 105),
        ("一千二百", 1200),
        ("三千", 3000),
        ("146", 146),
        (" 7 ", 7),
        ("", None),
        ("十二个", None),
        ("abc", None),
    ],
)
def test_parse_number(text, value):
    assert parse_number(text) == value


# --- dates ---------------------------------------------------------------------------------------------------------


def values(text: str, year: int | None = None) -> list[dt.date | None]:
    return [d.value for d in find_dates(text, year=year)]


def test_date_range_with_end_date_without_year():
    found = find_dates("2024年3月5日-4月30日")
    assert [d.value for d in found] == [D(2024, 3, 5), D(2024, 4, 30)]
    assert [d.year_given for d in found] == [True, False]


def test_dates_whose_separators_were_lost():
    found = find_dates("20241021日至1212日,市委第察组")
    assert [d.value for d in found] == [D(2024, 10, 21), D(2024, 12, 12)]
    assert all(d.defective for d in found)


def test_compact_date_without_day_sign():
    assert values("并于2025210向局党组反馈") == [D(2025, 2, 10)]


def test_compact_day_takes_the_context_year():
    assert values("至1212日", year=2024) == [D(2024, 12, 12)]


def test_ambiguous_compact_date_is_not_guessed():
    # 2025111 reads as 1月11日 or 11月1日: no date.
    assert values("于2025111反馈") == [None]


def test_impossible_date_is_none():
    assert values("2024年2月30日") == [None]


def test_iso_date_and_month_only_period():
    assert values("发布日期:2025-09-12") == [D(2025, 9, 12)]
    assert values("于2024年5月至7月对市本级进行了审计") == []


def test_month_day_without_any_year_is_none():
    assert values("3月5日召开会议") == [None]


def test_counts_are_not_dates():
    assert values("共计1234人,涉及资金5000元") == []


# --- amounts -------------------------------------------------------------------------------------------------------


def read_amounts(text: str, part: str = "measure") -> list[tuple]:
    """(raw, yuan, approx, kind) for each amount of `text`, all of it in one part of a notice."""
    return [(text[a.start : a.end], a.yuan, a.approx, a.kind) for a in find_amounts(text, lambda _o: part)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("涉及资金5.49 亿元", ("5.49 亿元", Decimal(549000000), False, "involved")),
        ("共计1,234.5万元未及时拨付", ("1,234.5万元", Decimal(12345000), False, "other")),
        ("多计工程价款约300万元", ("300万元", Decimal(3000000), True, "other")),
        ("获中央支持资金1600余万元", ("1600余万元", Decimal(16000000), True, "funding")),
        ("追回违规发放的补贴5万余元", ("5万余元", Decimal(50000), True, "recovered")),
        ("出借集体资金2.3万多元", ("2.3万多元", Decimal(23000), True, "other")),
        ("挽回损失逾千万元", ("千万元", Decimal(10000000), True, "recovered")),
        ("争取上级资金两亿元", ("两亿元", Decimal(200000000), False, "funding")),
        ("核减工程款286.7万元", ("286.7万元", Decimal(2867000), False, "reduced")),
        ("已归还原资金渠道40万元", ("40万元", Decimal(400000), False, "recovered")),
        ("已收回借款3600万元", ("3600万元", Decimal(36000000), False, "recovered")),
        ("合同金额10万元以下的项目", ("10万元", Decimal(100000), False, "threshold")),
        ("10万元(含)以上的项目", ("10万元", Decimal(100000), False, "threshold")),
        ("单笔支出不超过3万元", ("3万元", Decimal(30000), False, "threshold")),
        ("采购金额超过5万元的项目", ("5万元", Decimal(50000), False, "threshold")),
        ("累计支出超过500万元", ("500万元", Decimal(5000000), True, "other")),
        ("罚款5000元", ("5000元", Decimal(5000), False, "other")),
    ],
)
def test_amount(text, expected):
    assert read_amounts(text) == [expected]


def test_amount_in_a_problem_is_involved_money():
    assert read_amounts("挪用农业专项资金58万元", part="problem") == [("58万元", Decimal(580000), False, "involved")]
    assert read_amounts("项目超预算5000元", part="problem")[0][3] == "involved"


def test_amounts_are_exact_decimals():
    (a,) = find_amounts("资金0.1万元", lambda _o: "measure")
    assert a.yuan == Decimal(1000) and str(a.yuan) == "1000"
    (b,) = find_amounts("资金1.23456万元", lambda _o: "measure")
    assert b.yuan == Decimal("12345.6")


@pytest.mark.parametrize("text", ["数百万元的项目", "几十万元", "打造千亿元级产业集群", "一元化管理", "3个单元"])
def test_no_amount(text):
    assert read_amounts(text) == []


# --- items ---------------------------------------------------------------------------------------------------------


def markers(text: str) -> list[str]:
    return [item.marker for item in split_items(text, 0, len(text))]


def test_inline_shi_items():
    assert markers("一是加强学习;二是完善制度;三是强化监督。") == ["一是", "二是", "三是"]


def test_item_spans_start_at_their_markers():
    text = "整改措施:一是加强学习;二是完善制度。"
    items = split_items(text, 5, len(text))
    assert [text[i.start : i.end] for i in items] == ["一是加强学习;", "二是完善制度。"]


def test_nested_list_of_another_style_counts_once():
    assert markers("一是完善制度:1.制定办法;2.修订规程。二是开展培训。") == ["一是", "二是"]


def test_nested_list_restarting_the_same_style_counts_once():
    assert markers("一是加强学习:一是学理论;二是学业务。二是严格考核。三是强化问责。") == ["一是", "二是", "三是"]


def test_lost_numeral_before_shi_is_recovered():
    items = split_items("一是出台办法。是建立清单;三是纳入考核。", 0, 21)
    assert [i.marker for i in items] == ["一是", "是", "三是"]
    assert [i.recovered for i in items] == [False, True, False]


def test_shifou_is_not_a_lost_numeral():
    assert markers("一是核查资金。是否合规需逐笔核实。二是完善制度。") == ["一是", "二是"]


def test_glued_yi_shi_is_not_a_list():
    assert markers("各部门口径统一是前提,要加强协调。") == [""]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.制定方案;2.建立台账;3.开展督查。", ["1.", "2.", "3."]),
        ("(1)制定方案\n(2)建立台账", ["(1)", "(2)"]),
        ("①制定方案;②建立台账", ["①", "②"]),
        ("组织全市58个单位开展测评。", [""]),
        ("  \n ", []),
        ("。", []),
    ],
)
def test_item_styles(text, expected):
    assert markers(text) == expected


# --- markers -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "kind", "value", "label"),
    [
        ("问题1:支出预算管理不够严格", "problem_n", 1, "问题1:"),
        ("问题 46 未建立台账", "problem_n", 46, "问题 46"),
        ("问题一:落实不到位", "problem_n", 1, "问题一:"),
        ("(三)关于“…”问题的整改情况", "cn_paren", 3, "(三)"),
        ("十二、下一步打算", "cn_dun", 12, "十二、"),
        ("1.1.深入践行", "arabic_sub", 1, "1.1."),
        ("2贯彻落实上级决策部署不到位", "arabic_bare", 2, "2"),
        ("③建立台账", "circled", 3, "③"),
    ],
)
def test_marker(line, kind, value, label):
    marker = match_marker(line)
    assert marker is not None
    assert (marker.kind, marker.value, marker.label) == (kind, value, label)


@pytest.mark.parametrize("line", ["问题十分突出", "2024年3月5日", "局党组召开会议"])
def test_not_a_marker(line):
    assert match_marker(line) is None


# --- headline totals -----------------------------------------------------------------------------------------------


def totals(text: str) -> dict:
    return {name: fact.value for name, fact in read_totals(text, 0, len(text)).items()}


def test_totals_of_a_full_headline():
    text = "反馈问题25个,已完成整改19个、正在整改6个,整改完成率76%。"
    assert totals(text) == {
        "problems_reported": 25,
        "problems_completed_reported": 19,
        "problems_in_progress_reported": 6,
        "completion_rate_reported": 76.0,
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("巡察组反馈了4个方面12类问题", {"problems_reported": 12}),
        ("将反馈意见细化为30个具体问题", {"problems_reported": 30}),
        ("巡察反馈问题共25个", {"problems_reported": 25}),
        ("指出三个方面十二个问题", {"problems_reported": 12}),
        ("制定整改措施十二条", {"measures_reported": 12}),
        ("整改措施共计56条", {"measures_reported": 56}),
        ("明确两项整改任务", {"measures_reported": 2}),
        (
            "截至目前已完成19项,其余两个正在推进",
            {"problems_completed_reported": 19, "problems_in_progress_reported": 2},
        ),
        ("问题整改完成率达到95.5%", {"completion_rate_reported": 95.5}),
    ],
)
def test_totals(text, expected):
    assert totals(text) == expected


def test_people_rules_and_money_are_not_totals():
    text = "诫勉谈话3人、批评教育5人、问责2人,建立完善制度4项,清退违规资金12.5万元,追缴资金3.2万元。"
    assert totals(text) == {}


# --- header --------------------------------------------------------------------------------------------------------


def test_header_with_jinzhu_and_a_year_less_end_date():
    text = (
        "中共某市统计局党组关于巡察整改情况的通报\n"
        "根据市委统一部署,市委第二巡察组于2024年3月5日至4月30日进驻市统计局开展巡察。"
        "2024年6月12日,市委第二巡察组向市统计局党组反馈了巡察意见。现将整改情况予以公布。\n"
    )
    facts = {name: fact.value for name, fact in read_header(text, len(text)).facts.items()}
    facts["issuer"] = read_issuer(text)[0].value  # read by analysis.extract.issuer, not by the header
    assert facts == {
        "title": "中共某市统计局党组关于巡察整改情况的通报",
        "issuer": "中共某市统计局党组",
        "review_type": "巡察",
        "review_scope": "常规巡察",
        "reviewer": "市委第二巡察组",
        "review_start": D(2024, 3, 5),
        "review_end": D(2024, 4, 30),
        "feedback_date": D(2024, 6, 12),
    }


# --- normalisation -------------------------------------------------------------------------------------------------

MESSY = (
    "登录 繁体版 长者助手\r\n"
    "**中共某市数据局党组关于巡察整改情况的通报**\r\n"
    "发布时间：２０２５－０３－１８\u200b\r\n"
    "\r\n"
    "\u3000\u3000根据市委统一部署，２０２４年９月２日至１１月２０日，市委第三巡察组开展了巡察。\r\n"
    "## 二、巡察反馈问题整改情况\r\n"
    "3．网络安全责任落实不到位，部分单位未按要求开展网络安全等级保护测\r\n"
    "评。\r\n"
    "**整改措施：**组织开展测评；是建立台账。  \r\n"
    "> 整改结果：已完成整改。\r\n"
)


def _width(ch: str) -> str:
    if ch == "\u3000":
        return " "
    return chr(ord(ch) - 0xFEE0) if 0xFF01 <= ord(ch) <= 0xFF5E else ch


def test_every_normalised_character_maps_back_to_its_source_character():
    norm = normalize(MESSY)
    assert len(norm.origin) == len(norm.text)
    assert list(norm.origin) == sorted(norm.origin)
    for i, ch in enumerate(norm.text):
        assert _width(MESSY[norm.origin[i]]) == ch, (i, ch, MESSY[norm.origin[i]])


def test_normalised_reading_form():
    text = normalize(MESSY).text
    assert "**" not in text and "##" not in text and "\r" not in text and "\u200b" not in text
    assert "中共某市数据局党组关于巡察整改情况的通报\n" in text
    assert "根据市委统一部署,2024年9月2日至11月20日," in text
    assert "二、巡察反馈问题整改情况\n" in text
    assert "开展网络安全等级保护测评。" in text  # the word broken by the line end is whole again
    assert "\n整改措施:组织开展测评;是建立台账。\n整改结果:已完成整改。" in text


def test_full_width_colon_maps_to_its_source_offset():
    source = "整改措施：一是加强学习"
    norm = normalize(source)
    assert norm.text == "整改措施:一是加强学习"
    assert source[norm.origin[4]] == "："
    assert norm.source_span(5, 7) == (5, 7)


def test_markdown_is_removed_and_spans_map_past_it():
    source = "**整改结果：**已完成整改。"
    norm = normalize(source)
    assert norm.text == "整改结果:已完成整改。"
    start = norm.text.index("已完成整改")
    s, e = norm.source_span(start, start + 5)
    assert source[s:e] == "已完成整改"


def _half_width_reference(source: str) -> tuple[str, tuple[int, ...]]:
    """The first step of normalisation done character by character: width folded, invisibles and \\r dropped."""
    kept = [(i, ch) for i, ch in enumerate(source) if ch not in "\r\u200b\u200c\u200d\u2060\ufeff\u00ad"]
    return "".join(_width(ch) for _, ch in kept), tuple(i for i, _ in kept)


@pytest.mark.parametrize(
    "source",
    [
        "整改措施：一是加强学习（ＡＢ１２）。\n整改结果：已完成整改。",
        "\ufeff整改措施：\u200b\u200c一是加强学习（ＡＢ１２）。\r\n整改结果：第一\u3000季度已完成\u00ad整改。\r\n\u2060",
        "\r\r\u200d",
    ],
)
def test_width_folding_and_dropped_characters_keep_every_origin(source: str):
    norm = normalize(source)
    assert (norm.text, norm.origin) == _half_width_reference(source)
    assert norm.source_length == len(source)


def test_headings_and_titles_keep_their_line_breaks():
    source = (
        "中共某市数据局党组关于巡察整改情况的通报\n"
        "根据市委统一部署,市委第三巡察组对市数据局党组开展了常规巡察。\n"
        "(一)统一思想认识,提高政治站位,增强巡察整改的责任感使命感\n"
        "局党组旗帜鲜明讲政治,把牢政治方向,全面履行主体责任,严肃对待巡察反馈问题。\n"
        "——2024年12月24日在某市第十七届人民代表大会常务委员会第二十三次会议上\n"
        "某市审计局局长 张某\n"
    )
    assert normalize(source).text == source


def test_a_sentence_broken_across_lines_is_joined():
    source = "局党组先后召开专题会议研究部署巡察整改工作,逐项明确\n责任领导和完成时限。"
    assert normalize(source).text == "局党组先后召开专题会议研究部署巡察整改工作,逐项明确责任领导和完成时限。"


def test_range_ending_on_a_day_of_the_same_month():
    found = find_dates("2024年3月5日至30日,市委第二巡察组")
    assert [d.value for d in found] == [D(2024, 3, 5), D(2024, 3, 30)]
    assert values("2024年3月5日至4月30日") == [D(2024, 3, 5), D(2024, 4, 30)]


def test_reviewer_named_in_full_wins_over_a_short_mention():
    text = (
        "中共某省某厅党组关于省委第三巡视组巡视反馈意见整改进展情况的通报\n"
        "按照省委统一部署,2023年10月9日至12月15日,十二届省委第三轮巡视第三巡视组对省某厅党组进行了巡视。"
        "2024年1月18日,省委巡视组向省某厅党组反馈了巡视意见。\n"
    )
    header = read_header(text, len(text))
    assert header.facts["reviewer"].value == "省委第三巡视组"
    assert header.facts["feedback_date"].value == D(2024, 1, 18)


def test_without_a_header_sentence_the_team_named_in_the_text_or_the_title_gives_the_review() -> None:
    # the notice opens with its first section: the first team it names is the reviewer
    text = (
        "中共某市中级人民法院党组\n关于巡察整改进展情况的通报\n一、严格落实主体责任\n"
        "市中级法院党组召开巡察反馈意见整改工作动员部署会,认真传达市委第三巡察组反馈意见,研究部署整改工作。\n"
    )
    header = read_header(text, text.index("一、"))
    assert header.facts["reviewer"].value == "市委第三巡察组"
    assert header.facts["review_type"].value == "巡察"
    assert "feedback_date" not in header.facts  # no date is guessed
    # no team named: the title's word gives the kind, with its span in the title
    titled = "中共某局党组关于巡视整改进展情况的通报\n一、提高站位\n局党组坚持问题导向,逐条整改。\n"
    header = read_header(titled, titled.index("一、"))
    kind = header.facts["review_type"]
    assert kind.value == "巡视" and titled[kind.span[0] : kind.span[1]] == "巡视"
    assert "reviewer" not in header.facts


@pytest.mark.parametrize(
    ("sentence", "scope"),
    [
        ("市委机动巡察组对市直单位购买服务开展了专项巡察。", "专项巡察(市直单位购买服务)"),
        ("区委第四巡察组对区市场监督管理局党组开展了食品安全监管专项巡察。", "专项巡察(食品安全监管)"),
        ("市委第二巡察组对市数据局党组开展了为期两个月的专项巡察。", "专项巡察(市数据局党组)"),
        ("区委第三巡察组对区某局党组开展了巡察“回头看”。", "巡察“回头看”"),
        ("省委第三巡视组对某市进行了常规巡视。", "常规巡视"),
    ],
)
def test_review_scope(sentence, scope):
    text = "中共某局党组关于巡察整改情况的通报\n根据统一部署,2024年4月8日至6月7日," + sentence + "\n"
    assert read_header(text, len(text)).facts["review_scope"].value == scope


def test_a_status_line_under_a_heading_is_not_its_tail():
    source = "3.网络安全责任落实不到位,部分单位未按要求开展等级保护测评工作\n已完成整改。\n"
    assert normalize(source).text == source


def test_a_paragraph_broken_mid_word_before_a_colon_is_joined():
    source = "调剂资金购买服务项目7个，涉及资金12.7万元。市大数据管\n\n**理中心问题：**部门支出预算编制不细不全。"
    expected = "调剂资金购买服务项目7个,涉及资金12.7万元。市大数据管理中心问题:部门支出预算编制不细不全。"
    assert normalize(source).text == expected


def test_a_heading_before_a_labelled_line_keeps_its_break():
    source = "(一)贯彻落实党中央决策部署不够到位存在一定差距\n问题表现:部分重点任务推进缓慢。"
    assert normalize(source).text == source


def _page(paragraphs: list[str], width: int) -> str:
    """Paragraphs as a PDF's text layer gives them: cut every `width` characters."""
    return "\n".join(p[i : i + width] for p in paragraphs for i in range(0, len(p), width))


_FILLER = "按照市委巡察组反馈意见逐项制定整改措施明确责任分工和完成时限确保按期整改到位。" * 3


def test_hard_wrapped_lines_that_fill_the_page_are_joined() -> None:
    heading = "(1)落实“数字政府”建设要求不到位,对照省委巡视反馈意见"  # 30 characters: it fills its line
    text = _page([_FILLER, heading + "整改不彻底", "一是完善制度。" + _FILLER, _FILLER], 30)
    lines = normalize(text).text.split("\n")
    assert heading + "整改不彻底" in lines  # joined after 意见 and after the closing quote
    assert any(line.startswith("一是完善制度。") for line in lines)  # a marker line still starts afresh


def test_paragraphs_are_not_taken_for_a_hard_wrapped_text() -> None:
    # a heading without a full stop ends at its line when lines are paragraphs of many lengths
    paragraphs = [_FILLER[: 25 + 7 * i] for i in range(12)]
    text = "\n".join(["(1)落实“数字政府”建设要求不到位,对照省委巡视反馈意见", "整改情况说明如下", *paragraphs])
    assert normalize(text).text.split("\n")[:2] == [
        "(1)落实“数字政府”建设要求不到位,对照省委巡视反馈意见",
        "整改情况说明如下",
    ]


@pytest.mark.parametrize(
    ("text", "yuan"),
    [
        ("追回12.5161720861万元。", None),  # six decimals of yuan: cannot be stored exactly, never rounded
        ("涉及资金9999999999999999999999999999999999亿元。", None),  # beyond decimal128(38, 4)
        ("涉及资金99999999999999999999亿元。", Decimal("9999999999999999999900000000")),  # 28 digits: no crash
        ("涉及资金1.2345万元。", Decimal("12345")),
    ],
)
def test_amounts_stored_exactly_or_left_out(text: str, yuan: Decimal | None) -> None:
    # issue 11: 1,607 of 37,000 fuzzed notices crashed in find_amounts (decimal.InvalidOperation)
    from analysis.extract.amounts import find_amounts

    assert [a.yuan for a in find_amounts(text, lambda offset: "problem")] == [yuan]


def test_outline_extents_in_one_pass_match_the_definition_on_random_outlines() -> None:
    # issue 11: _set_extents scanned forward from every item (quadratic: a 64 MB text took 85 s)
    import random

    from analysis.extract.outline import build_outline

    rng = random.Random(5)
    for _ in range(200):
        counters = {"一": 0, "（": 0, "1": 0}
        lines = []
        for _ in range(rng.randint(1, 25)):
            kind = rng.choice(list(counters))
            counters[kind] += 1
            n = counters[kind]
            marker = {"一": "一二三四五六七八九十"[min(n, 10) - 1] + "、", "（": f"（{n}）", "1": f"{n}."}[kind]
            lines.append(marker + "问题" * rng.randint(1, 3))
        text = "\n".join(lines)
        nodes = list(build_outline(text).walk())
        depth = {node: len(node.ancestors()) for node in nodes}
        for i, node in enumerate(nodes):
            later = [other.start for other in nodes[i + 1 :] if depth[other] <= depth[node]]
            assert node.end == (later[0] if later else len(text))
            assert node.own_end == (nodes[i + 1].start if i + 1 < len(nodes) else len(text))


# --- issuer --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "issuer"),
    [
        # a unit named by its place only, inspected with others (及): its Party organ as the body names it
        (
            "区委巡察三组对杭州道街及29个社区开展了常规巡察。\n一、整改情况\n杭州道街道工委和社区党组织严格按照要求整改。",
            "杭州道街道工委",
        ),
        ("镇党委第一巡察组对王庄村开展了巡察。\n王庄村党支部高度重视,立即召开会议。", "王庄村党支部"),
        ("区委第三巡察组对幸福社区及辖区单位开展了巡察。\n幸福社区党委认真研究整改措施。", "幸福社区党委"),
        # 和 belongs to standard names (区文化和旅游局): never a list's end
        ("区委第一巡察组对区文化和旅游局党组开展了巡察。", "区文化和旅游局党组"),
        # a body titles its own plan with its full name: the name read in the body grows to it
        (
            "中央第三巡视组对共青团中央开展了常规巡视。9个多月来,团中央书记处深入学习领会,按照《共青团中央书记处巡视整改方案》抓好落实。",
            "共青团中央书记处",
        ),
        ("区委第二巡察组对区妇联进行了巡察。区妇联制定《新吴区妇联巡察整改方案》。", "新吴区妇联"),
        # a title's own words before the name are not part of it
        ("区委第二巡察组对区财政局党组进行了巡察。现将《关于区财政局党组巡察整改情况的报告》公布。", "区财政局党组"),
        # an audited body reporting its rectification: the label names it, or the audit's object holds it
        (
            "区审计局:\n根据《审计报告》,被审计单位:揭阳市揭东区人力资源和社会保障局,审计项目:经济责任审计。",
            "揭阳市揭东区人力资源和社会保障局",
        ),
        (
            "2020年7月6日至12月15日,楚雄市审计局对鹿城镇村级财务收支情况进行了审计,鹿城镇高度重视,进行了认真整改。",
            "鹿城镇",
        ),
        # a firm's committee named in full without 中共 is the full form of 集团党委
        (
            "福建省船舶工业集团有限公司委员会发布通报\n省委巡视二组对省船舶集团党委开展了巡视。",
            "福建省船舶工业集团有限公司委员会",
        ),
        # the body grows to its Party organ when the text names it so, acting (not inside a document's name)
        ("区委第二巡察组对召陵区卫健委开展了巡察。\n召陵区卫健委党组把抓好整改作为政治任务。", "召陵区卫健委党组"),
        ("区委第二巡察组对市红十字会开展了巡察。\n一是制定了《市红十字会党支部2022年理论学习计划》。", "市红十字会"),
        # a street's 党工委 is the short form of its 工作委员会
        (
            "区委第四巡察组对中共广州市南沙区龙穴街道工作委员会开展了巡察。龙穴街道党工委高度重视。",
            "中共广州市南沙区龙穴街道工作委员会",
        ),
    ],
)
def test_the_inspected_body_is_read_in_the_fullest_form_the_text_gives(text: str, issuer: str) -> None:
    readings = read_issuer(text)
    assert readings and readings[0].value == issuer
    assert text[readings[0].start : readings[0].end] == issuer


def test_an_inspected_place_whose_committee_speaks_by_its_level_is_that_committee() -> None:
    # 乌海市 inspected, then only 市委 acts: the city's committee, read from the place's span
    text = "自治区党委第十一巡视组对乌海市开展巡视。7月21日反馈了意见。\n一、压实责任\n市委坚持以上率下,召开常委会。"
    readings = read_issuer(text)
    assert readings and readings[0].value == "乌海市委"
    assert text[readings[0].start : readings[0].end] == "乌海市"
    # a committee of another level acting (省委坚持…) is not the place's own
    other = "省委第一巡视组对乌海市开展巡视。\n省委坚持问题导向,督促整改。"
    assert all(r.value != "乌海市委" for r in read_issuer(other))


def test_a_body_inspected_as_we_is_the_organ_acting_in_the_body() -> None:
    # 对我单位开展了巡察 names no body; the committee's department acting right after does (县委宣传部高度重视…)
    text = "市委第七巡察组对我单位开展了巡察工作。县委宣传部高度重视巡察反馈意见,坚持全面认领。"
    readings = read_issuer(text)
    assert readings and readings[0].value == "县委宣传部"
    assert text[readings[0].start : readings[0].end] == "县委宣传部"
    # a named body inspected keeps precedence over an organ acting later
    named = "市委第七巡察组对市文联党组开展了巡察工作。县委宣传部高度重视,督促整改。"
    assert read_issuer(named)[0].value == "市文联党组"


def test_an_audit_offices_result_announcement_is_read_with_the_office_as_issuer() -> None:
    from analysis.extract.notice import extract_text

    text = (
        "牟定县审计局\n审计结果公告\n2022年第27号\n"
        "根据《中华人民共和国审计法》,牟定县审计局于2019年2月27日至7月12日,对县城垃圾处理工程竣工决算进行了审计。"
        "现将审计结果公告如下:\n一、基本情况\n工程于2012年完工。\n"
    )
    document = extract_text(text, "mouding").document
    assert document["issuer"] == "牟定县审计局" and document["review_type"] == "审计"


def test_a_page_with_no_inspection_or_audit_is_still_not_a_notice() -> None:
    from analysis.extract.notice import extract_text
    from analysis.read.sources import NoticeError

    # an environmental inspection's follow-up is a neighbour of the genre, not in it: one clear line, nothing read
    with pytest.raises(NoticeError, match="not a rectification notice"):
        extract_text("中央环保督察反馈意见第二十七项整改任务已完成整改,现将有关情况公示如下。", "duchafollow")


def test_a_body_named_with_chinese_communist_party_before_it_is_the_fuller_form_of_the_labelled_one() -> None:
    text = "发布机构:厦门市自然资源和规划局\n市委第二巡察组对中共厦门市自然资源和规划局党组开展了巡察。"
    assert read_issuer(text)[0].value == "中共厦门市自然资源和规划局党组"


def test_a_titles_short_form_gives_way_to_the_full_party_name_in_the_body() -> None:
    text = (
        "南康经开区党工委关于巡察整改进展情况的通报\n"
        "按照市委统一部署,市委第五巡察组对中共江西南康经济开发区党工委进行提级巡察。"
    )
    assert read_issuer(text)[0].value == "中共江西南康经济开发区党工委"


def test_an_audit_office_after_genju_is_named_without_it() -> None:
    from analysis.extract.issuer import AUDIT_OFFICE

    assert AUDIT_OFFICE.search("根据内江市市中区审计局的审计报告")["r"] == "内江市市中区审计局"


@pytest.mark.parametrize(
    ("sentence", "reviewer"),
    [
        ("2024年3月,太湖县委第三巡察组对弥陀镇党委开展了巡察。", "太湖县委第三巡察组"),
        ("2019年,杭州市委第一巡察组对市交投集团党委开展了巡察。", "杭州市委第一巡察组"),
        # words before a committee that make no place are not taken in
        ("2024年3月,根据县委统一部署,县委第三巡察组对某局开展了巡察。", "县委第三巡察组"),
    ],
)
def test_the_place_written_before_a_teams_committee_is_part_of_its_name(sentence: str, reviewer: str) -> None:
    header = read_header(sentence, len(sentence))
    assert header.facts["reviewer"].value == reviewer


@pytest.mark.parametrize(
    ("text", "issuer"),
    [
        # a plan titled with 中共 and the Party organ gives the fullest form
        (
            "市委第一巡察组对市文化和旅游局和8个局属单位开展了巡察,向市文化和旅游局反馈了意见。"
            "局党组制定《中共市文化和旅游局党组巡察整改方案》。",
            "中共市文化和旅游局党组",
        ),
        # a full name read without the abbreviation given inside it
        (
            "区委专项巡察组对中共广州市南沙新区明珠湾开发建设管理局(简称明珠湾管理局)党组开展专项巡察,"
            "向明珠湾管理局党组反馈了巡察意见。",
            "中共广州市南沙新区明珠湾开发建设管理局党组",
        ),
        # a body speaking of itself (我厅党组) is the body named with the same noun and organ
        (
            "省委第八巡视组对我厅开展了机动巡视,向我厅党组反馈了意见。\n收悉意见后,省商务厅党组书记立即主持召开会议。",
            "省商务厅党组",
        ),
    ],
)
def test_short_and_self_names_are_read_as_the_body_the_text_names_in_full(text: str, issuer: str) -> None:
    assert read_issuer(text)[0].value == issuer


def test_a_team_is_never_read_across_a_clause_that_follows_a_party_body() -> None:
    text = "院党委严格按照委党组巡察组反馈意见,逐条整改。"
    header = read_header(text, len(text))
    assert not str(header.facts.get("reviewer", Fact("", None)).value).startswith("院党委")


def test_a_title_ending_in_gongkai_keeps_its_own_line() -> None:
    from analysis.extract.notice import extract_text

    text = (
        "中共天津市机关事务管理局党组关于巡视集中整改情况的公开\n\n"
        "根据十一届市委第八轮第二批巡视工作部署要求,现将巡视集中整改情况予以公开。\n\n"
        "一、履行主体责任情况\n\n2021年1月30日,市委巡视九组召开巡视反馈会后,局党组坚决扛起整改责任。\n"
    )
    assert extract_text(text, "tianjin").document["issuer"] == "中共天津市机关事务管理局党组"


def test_the_national_audit_office_is_read_only_when_no_placed_office_is_named() -> None:
    from analysis.extract.issuer import audit_office

    assert audit_office("受国务院委托,审计署审计长向全国人大常委会报告审计查出问题的整改情况。").value == "审计署"
    assert audit_office("按照审计署统一部署,四川省审计厅对我厅进行了审计。").value == "四川省审计厅"


def test_the_national_audit_office_is_a_central_body() -> None:
    from analysis.extract.notice import extract_text

    text = (
        "国务院关于2022年度中央预算执行和其他财政收支审计查出问题整改情况的报告\n"
        "——2023年12月26日在第十四届全国人民代表大会常务委员会第七次会议上\n"
        "审计署审计长 侯凯\n"
        "受国务院委托,现将2022年度中央预算执行和其他财政收支审计查出问题的整改情况报告如下。\n"
        "一、审计整改工作部署推进情况\n各部门坚持立行立改。\n"
    )
    document = extract_text(text, "guowuyuan").document
    assert document["issuer"] == "审计署" and document["admin_level"] == "central"
