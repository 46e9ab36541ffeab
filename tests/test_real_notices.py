"""Rules of the genre for document facts, each on a minimal text, and the evaluation over real notices.

The development corpus (tests/data/real, see its README) holds real notices of many agencies with hand-labelled
gold; the thresholds below are what the extractor measured on it, less a small margin, so a regression fails.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from analysis.evaluate.real import evaluate_real, score
from analysis.extract import extract_text
from analysis.extract.issuer import read_issuer
from analysis.extract.normalize import normalize
from analysis.extract.totals import read_totals
from analysis.read.sources import read_notice

REAL = Path(__file__).parent / "data" / "real"


def _issuer(text: str) -> tuple[str, str] | None:
    readings = read_issuer(text)
    return (readings[0].value, readings[0].source) if readings else None


# --- issuer --------------------------------------------------------------------------------------------------


def test_issuer_behind_a_breadcrumb_and_a_column_name() -> None:
    text = "首页 > 【巡察整改】中共某县财政局党组关于巡察整改进展情况的通报\n根据县委统一部署,……"
    assert _issuer(text) == ("中共某县财政局党组", "title")


def test_issuer_on_the_line_above_a_split_title() -> None:
    text = "中共南充市文学艺术界联合会党组\n关于市委第五巡察组巡察反馈问题集中整改进展情况的通报\n2023年2月1日……"
    assert _issuer(text) == ("中共南充市文学艺术界联合会党组", "title")


def test_issuer_from_the_inspected_body_in_its_fullest_form() -> None:
    # 12_putian-zhongyuan: the body says 我院党组; the plan's title gives the full name.
    text = (
        "根据市委统一部署,2020年6月1日至8月31日,市委巡察一组对我院党组开展了巡察。"
        "党组制定了《中共莆田市中级人民法院党组关于巡察反馈意见的整改方案》。"
    )
    assert _issuer(text) == ("中共莆田市中级人民法院党组", "body")


def test_issuer_abbreviation_is_not_expanded_to_another_body() -> None:
    text = "市委巡察二组对市国资委党委开展了巡察。会议传达了《中共某市委员会关于加强巡察工作的意见》。"
    assert _issuer(text) == ("市国资委党委", "body")


def test_a_place_in_the_title_stands_for_its_party_committee() -> None:
    # 33_tianjin-dongli: 东丽区关于…的通报; the body names 东丽区委.
    text = "东丽区关于十一届市委第九轮巡视整改进展情况的通报\n市委巡视六组对东丽区开展了巡视工作。东丽区委高度重视。"
    assert _issuer(text) == ("东丽区委", "body")


def test_an_audit_report_to_the_congress_is_issued_by_the_audit_office() -> None:
    # 35_beijing, 40_kezhou: the government's report, presented by its audit office.
    text = (
        "广东省人民政府关于我省2020年度审计查出问题的整改情况报告\n"
        "——2022年7月27日在广东省第十三届人民代表大会常务委员会第四十五次会议上\n"
        "广东省审计厅厅长 马学斌\n省人大常委会:\n我受省人民政府委托,报告审计查出问题的整改情况。"
    )
    assert _issuer(text) == ("广东省审计厅", "body")


def test_an_audit_office_named_by_its_level_takes_its_place_from_the_head() -> None:
    # check6 02_qingdao: the presenter line says 市审计局局长, the announcement header names 青岛市审计局
    text = (
        "青岛市审计局审计结果公告2021年第3号(总第69号)\n关于青岛市2020年度市级预算执行和其他财政收支审计查出问题整改情况的报告\n"
        "——2021年12月28日在市十六届人大常委会第十七次会议上\n市审计局局长\n主任、各位副主任、秘书长、各位委员:\n"
        "受市政府委托,现将青岛市2020年度市级预算执行和其他财政收支审计查出问题的整改情况报告如下。"
    )
    assert _issuer(text) == ("青岛市审计局", "body")


def test_a_discipline_commission_that_reposted_the_notice_is_not_its_issuer() -> None:
    text = "来源:区纪委区监委\n区委巡察组对区档案馆开展了巡察。"
    assert _issuer(text) == ("区档案馆", "body")


# --- reviewer ------------------------------------------------------------------------------------------------


def _facts(text: str) -> dict:
    return extract_text(text).document


@pytest.mark.parametrize(
    ("sentence", "reviewer"),
    [
        ("市委巡察二组对市政协机关开展了巡察", "市委巡察二组"),  # number after 巡察
        ("八届市委巡察四组对市档案馆开展了巡察", "市委巡察四组"),  # term dropped
        ("七届市委第十二轮巡察一组对我院党组开展了巡察", "七届市委第十二轮巡察一组"),  # round inside: as written
        ("教育部党组第三巡视组对华东师范大学党委进行了巡视", "教育部党组第三巡视组"),
        ("市委第一巡察组、第六巡察组分别对两家企业开展了巡察", "市委第一巡察组、第六巡察组"),
    ],
)
def test_reviewer_forms(sentence: str, reviewer: str) -> None:
    text = f"根据统一部署,2024年3月1日至4月30日,{sentence}。2024年6月1日,反馈了巡察意见。现将整改情况予以公布。"
    text += "一、整改工作\n"
    assert _facts(text)["reviewer"] == reviewer


def test_reviewer_named_in_full_after_a_defective_header_sentence() -> None:
    # 03_jianhu: 察 lost in the header sentence; the full name follows.
    text = (
        "根据统一部署,2023年8月14日至10月31日,县委第三巡组对县融媒体中心党委开展了巡察。\n"
        "2023年12月27日,县委第三巡察组反馈了巡察意见。现将整改情况予以公布。一、整改工作\n"
    )
    text += "一、整改工作\n"
    assert _facts(text)["reviewer"] == "县委第三巡察组"


def test_pinyin_inserted_after_characters_is_dropped_and_spans_still_point_at_the_source() -> None:
    source = "根據(jù)市委統(tǒng)一部署"
    norm = normalize(source)
    assert norm.text == "根據市委統一部署"
    start = norm.text.index("統一")
    s, e = norm.source_span(start, start + 2)
    assert source[s:e] == "統(tǒng)一"


# --- the evaluation over real notices ------------------------------------------------------------------------


def test_scoring_counts_filled_empty_fields_and_spurious_headings() -> None:
    result_of_a = SimpleNamespace(
        document={"issuer": "甲局党组", "city": "乙市", "review_type": "巡察"},
        problems=[
            {"label": "1.", "title": "问题甲", "status": "complete"},
            {"label": "2.", "title": "乙", "status": None},
        ],
    )
    gold = [
        {
            "file": "a.txt",
            "issuer": "甲局党组",
            "city": None,
            "review_type": "巡视",
            "problems": [{"label": "1.", "title": "问题甲。", "status": "complete"}],
        }
    ]
    result = score(gold, {"a.txt": result_of_a})
    assert result["per_field"]["issuer"]["right"] == 1
    assert result["per_field"]["city"]["filled"] == 1
    assert result["per_field"]["review_type"]["right"] == 0
    assert result["headings"] == {
        "visible": 1,
        "found": 1,
        "status_right": 1,
        "spurious": 1,
        "extracted": 2,
        "share_found": 1.0,
        "share_status_right": 1.0,
    }


@pytest.fixture(scope="module")
def real() -> dict:
    return evaluate_real(REAL)


def test_every_real_notice_is_read(real: dict) -> None:
    assert real["not_extracted"] == []


def test_facts_of_real_notices(real: dict) -> None:
    # measured 98.3% right, 97.4% of stated facts, 0.7% of empty fields filled (64 notices)
    facts = real["facts"]
    assert facts["share_right"] >= 0.95, facts
    assert facts["share_stated_right"] >= 0.93, facts
    assert facts["share_filled"] <= 0.02, facts


def test_facts_of_the_check_set() -> None:
    # tests/data/real_check: 25 notices collected after the rules were written. First run, blind: 88.5% right,
    # 81.3% of stated facts, 1.3% filled; after the rules it taught: 96.5%, 94.1%, 0.0% (not blind any more); with
    # names grown to the one a plan is titled with (1 Dec): 97.9%, 96.4%.
    facts = evaluate_real(REAL.parent / "real_check")["facts"]
    assert facts["share_right"] >= 0.94, facts
    assert facts["share_stated_right"] >= 0.91, facts
    assert facts["share_filled"] <= 0.02, facts


def test_facts_of_the_third_check_set() -> None:
    # tests/data/real_check3: 14 notices collected at the very end. Blind: 92.4% right, 88.3% of stated facts, 2.2%
    # filled, headings 4 of 5 (status 3), 1 spurious; after the rules it taught: 97.1%, 95.0%, 0.0%; with a body
    # inspected as 我单位 read from the organ acting (1 Dec): 98.1%, 96.7%.
    facts = evaluate_real(REAL.parent / "real_check3")["facts"]
    assert facts["share_right"] >= 0.95, facts
    assert facts["share_stated_right"] >= 0.92, facts
    assert facts["share_filled"] <= 0.02, facts


def test_facts_of_the_second_check_set() -> None:
    # tests/data/real_check2: 17 notices collected at the end of the session. Blind: 91.0% right, 84.9% of stated
    # facts, 0.9% filled; after the rules it taught: 98.0%, 96.6%, 0.0%; with 乌海市委 read from 市委 acting
    # (1 Dec): 98.4%, 97.3%.
    facts = evaluate_real(REAL.parent / "real_check2")["facts"]
    assert facts["share_right"] >= 0.95, facts
    assert facts["share_stated_right"] >= 0.93, facts
    assert facts["share_filled"] <= 0.02, facts


def test_facts_of_the_fourth_check_set() -> None:
    # tests/data/real_check4: 6 notices (forestry bureaus, a school, a hospital, a township). Blind: 98.9% right,
    # 97.7% of stated facts, 0.0% filled, headings 2 of 2 (status 1); after the two rules it taught: 100%.
    result = evaluate_real(REAL.parent / "real_check4")
    facts = result["facts"]
    assert facts["share_right"] >= 0.97, facts
    assert facts["share_stated_right"] >= 0.95, facts
    assert facts["share_filled"] <= 0.02, facts


def test_facts_of_the_fifth_check_set() -> None:
    # tests/data/real_check5: 3 notices that reach their problem headings (a province's 巡视“回头看”, a district
    # committee, a court's 立行立改 items). Blind: 95.6% right, 92.0% of stated facts, 0.0% filled, headings 4 of 4
    # (status 2); after the rule it taught (items handed over, counted in 件): 100%, headings 4 of 4 (status 4).
    result = evaluate_real(REAL.parent / "real_check5")
    assert result["facts"]["share_right"] >= 0.97, result["facts"]
    assert result["facts"]["share_filled"] <= 0.02, result["facts"]


def test_facts_of_the_sixth_check_set() -> None:
    # tests/data/real_check6: 2 notices (a district committee's 巡视 notice, a city audit office's report). Blind:
    # 93.3% right, 86.7% of stated facts, 0.0% filled; after the rule it taught (an audit office named by its level
    # takes its place from the head): 100%.
    facts = evaluate_real(REAL.parent / "real_check6")["facts"]
    assert facts["share_right"] >= 0.97, facts
    assert facts["share_filled"] <= 0.02, facts


# The check sets drawn from the concreteness samples' pages (each folder's README): each was labelled blind and
# scored once on the rules the sets before it had taught, then (but for the eleventh) used to learn. Floors: the
# figures after the rules each taught; the blind first runs are in the comments.
PAGE_CHECK_SET_FLOORS = {
    # blind at 9cbdb6a: 88.0% right, 78.0% of stated facts, 0.7% filled, headings 3 of 38; after: headings 11 of 38
    "real_check7": (0.92, 0.86),
    # blind at 64f3e39 (after the seventh's rules): 92.7%, 86.5%, 0.7%, headings 7 of 21; after: 94.0%, 89.1%
    "real_check8": (0.94, 0.89),
    # blind at fb05531 (after the eighth's rules): 90.3%, 82.2%, 1.4%, headings 12 of 16; after: 90.8%, 83.2%
    "real_check9": (0.908, 0.83),
    # blind at 14f7baf (after the ninth's rules): 92.7%, 85.8%, 1.0%, headings 5 of 17; after: 93.3%, 87.2%
    "real_check10": (0.93, 0.87),
    # the last 22 pages, blind at 7360e82 (after every rule the others taught): 93.3%, 86.2%, 0.0%, headings 9 of 15.
    # Nothing has been learnt from it: still blind.
    "real_check11": (0.93, 0.86),
}


@pytest.mark.parametrize("folder", sorted(PAGE_CHECK_SET_FLOORS))
def test_facts_of_the_check_sets_drawn_from_the_measure_pages(folder: str) -> None:
    right, stated_right = PAGE_CHECK_SET_FLOORS[folder]
    facts = evaluate_real(REAL.parent / folder)["facts"]
    assert facts["share_right"] >= right, facts
    assert facts["share_stated_right"] >= stated_right, facts
    assert facts["share_filled"] <= 0.02, facts


# --- headline totals -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # 42_ruijin: an audit report's totals
        (
            "共计50项具体问题,报告日已整改40项,正在整改10项(含部分整改)",
            {"problems_reported": 50, "problems_completed_reported": 40, "problems_in_progress_reported": 10},
        ),
        # 04_hangzhoudao: 涉及整改问题N项, 已经完成整改问题N项
        (
            "涉及整改问题523项,目前已经完成整改问题523项,整改完成率100%",
            {"problems_reported": 523, "problems_completed_reported": 523, "completion_rate_reported": 100.0},
        ),
        # 09_yancheng: completed including 基本完成, long-term counted as in progress
        (
            "巡察反馈的41个问题中共30个问题已完成(含基本完成)整改,仍需长期整改11个",
            {"problems_reported": 41, "problems_completed_reported": 30, "problems_in_progress_reported": 11},
        ),
        # 50_zhuzhou: 整改完成N个, 阶段性完成N个
        (
            "巡察反馈35个具体问题,整改完成28个,阶段性完成7个",
            {"problems_reported": 35, "problems_completed_reported": 28, "problems_in_progress_reported": 7},
        ),
        # 43_guangxi: Chinese numerals
        ("提出我公司存在如下四类问题", {"problems_reported": 4}),
        # 32_minhang: the issuer's own breakdown, and tasks as measures
        ("分解形成79个“问题清单”,形成427条“任务清单”", {"problems_reported": 79, "measures_reported": 427}),
        # check5 03_qinhuangdao: items handed over for immediate rectification, counted in 件
        (
            "期间移交立行立改事项2件。截止6月6日,2件立行立改事项已完成2件",
            {"problems_reported": 2, "problems_completed_reported": 2},
        ),
        # 49_hengyangxian: a qualifier before the count, and a unit lost before a note
        (
            "巡察反馈具体问题需要向社会公开的19 个,已完成整改9(含巡察交办的立行立改已办结1),阶段性完成整改9个",
            {"problems_reported": 19, "problems_completed_reported": 9, "problems_in_progress_reported": 9},
        ),
    ],
)
def test_headline_totals(sentence: str, expected: dict) -> None:
    found = read_totals(sentence, 0, len(sentence))
    assert {name: fact.value for name, fact in found.items()} == expected
    for fact in found.values():
        assert fact.span is not None and sentence[slice(*fact.span)]  # each read from a span of the text


# --- review type and dates -----------------------------------------------------------------------------------


def test_a_quoted_rule_does_not_decide_the_review_type() -> None:
    # 23_danganguan: a 巡察 notice citing 《中国共产党巡视工作条例》.
    text = (
        "根据区委统一部署,2023年6月7日至7月28日,区委第四巡察组对区档案馆进行了巡察。9月11日,反馈了意见。"
        "根据《中国共产党巡视工作条例》有关规定,现将整改进展情况予以公布。\n一、整改工作\n"
    )
    assert _facts(text)["review_type"] == "巡察"


@pytest.mark.parametrize(
    ("page", "published"),
    [
        ("| 成文日期 | 2025-11-03 11:51 | 发布日期 | 2025-11-21 11:29 |", "2025-11-21"),  # 40: a table; not 成文日期
        ("建湖日报数字报 2024-07-12", "2024-07-12"),  # 03: a date line after the site's name
        ("2021年10月25日09:20    来源:中央纪委国家监委网站", "2021-10-25"),  # 27
        ("今天是:2020年5月8日", None),  # a widget, not the notice's date
    ],
)
def test_the_pages_date(page: str, published: str | None) -> None:
    text = f"{page}\n根据市委统一部署,市委第一巡察组对市局党组开展了巡察。现将整改情况予以公布。\n一、整改工作\n"
    value = _facts(text)["published_date"]
    assert (value.isoformat() if value else None) == published


def test_a_range_end_that_lost_its_month_and_day_marks() -> None:
    from analysis.extract.dates import find_dates

    text = "2023814日至1031县委巡察组"
    assert [d.value.isoformat() for d in find_dates(text) if d.value] == ["2023-08-14", "2023-10-31"]


def test_a_year_printed_without_a_day_dates_what_follows() -> None:
    from analysis.extract.dates import find_dates

    text = "2021年3月至4月,市委巡视六组开展了巡视,并于7月26日反馈了巡视意见"
    assert [d.value.isoformat() for d in find_dates(text) if d.value] == ["2021-07-26"]


def test_a_signature_dated_in_chinese_numerals() -> None:
    text = (
        "中共某县财政局党组关于巡察整改情况的通报\n根据县委统一部署,县委第一巡察组对县财政局党组开展了巡察。"
        "现将整改情况予以公布。\n一、整改工作\n中共某县财政局党组\n二〇二四年十二月二十四日\n"
    )
    assert _facts(text)["published_date"].isoformat() == "2024-12-24"


@pytest.mark.parametrize(
    ("numeral", "value"), [("十二", 12), ("两", 2), ("二〇二四", 2024), ("千", 1000), ("是", None)]
)
def test_chinese_numerals(numeral: str, value: int | None) -> None:
    from analysis.extract.numerals import parse_number

    assert parse_number(numeral) == value


def test_every_fact_read_from_a_real_notice_has_its_evidence() -> None:
    from analysis.evaluate.real import FACTS, extract_folder

    for name, extraction in extract_folder(REAL).items():
        source = read_notice(REAL / "docs" / name, {}).text  # the decoded text spans index (simplified)
        evidence = {row["field"]: row for row in extraction.evidence}
        for column in FACTS.values():
            if extraction.document.get(column) is None:
                continue
            row = evidence.get(column)
            assert row is not None, (name, column)
            assert row["quote"] and source[row["span_start"] : row["span_end"]] == row["quote"], (name, column)


# --- rules learnt from the check set (tests/data/real_check) ---------------------------------------------------


def test_one_rectification_word_is_enough_for_a_short_excerpt() -> None:
    # check 07: a 2,000-byte excerpt that says 整改 once
    text = "根据区委统一部署,2025年3月24日至6月13日,第一巡察组进行了巡察。现将巡察整改情况予以公布。\n(一)方面\n"
    assert _facts(text)["reviewer"] == "第一巡察组"  # a team written without its committee


def test_a_team_without_its_committee_is_not_read_inside_a_round() -> None:
    text = (
        "根据统一部署,十二届省委第三轮巡视第三巡视组对某局党组开展了巡视。2024年6月1日反馈了意见。"
        "现将整改情况予以公布。\n一、整改工作\n"
    )
    assert _facts(text)["reviewer"] != "第三巡视组"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("共90项任务已完成76项", {}),  # tasks done are not problems done (check 13)
        ("明确了每一项整改任务牵头领导", {}),  # 每一项 is not a count (61)
        ("制定34条具体举措", {"measures_reported": 34}),  # 举措 are measures (61)
        ("针对反馈的7个方面问题,制定巡视整改方案", {"problems_reported": 7}),  # aspects only (check 08, 17)
        ("(四)落实巡视巡察、审计反馈问题整改方面(2个问题)", {}),  # a table of contents' count (check 06)
        ("巡察指出的3个方面的7项问题,细化分解为20个具体问题", {"problems_reported": 7}),  # the reviewer's count wins
    ],
)
def test_totals_that_are_not_what_they_seem(sentence: str, expected: dict) -> None:
    assert {name: fact.value for name, fact in read_totals(sentence, 0, len(sentence)).items()} == expected


def test_a_dateline_without_dashes_dates_an_audit_report() -> None:
    # check 05: 2018年11月22日在慈溪市十七届人大常委会第十六次会议上 / 市审计局局长 (two lines, not one)
    text = (
        "2018年11月22日在慈溪市十七届人大常委会第十六次会议上\n市审计局局长 俞金华\n主任、各位副主任、各位委员:\n"
        "我受市人民政府委托,向市人大常委会报告我市2017年度审计查出问题的整改情况,请予审议。\n一、审计整改工作\n"
    )
    facts = _facts(text)
    assert facts["published_date"].isoformat() == "2018-11-22"
    assert (facts["issuer"], facts["county"], facts["city"]) == ("市审计局", "慈溪市", "宁波市")


def test_a_date_that_lost_its_year_marks_keeps_its_year() -> None:
    from analysis.extract.dates import find_dates

    # check 23: 202442日至820日
    assert [d.value.isoformat() for d in find_dates("202442日至820日,县委第一巡察组") if d.value] == [
        "2024-04-02",
        "2024-08-20",
    ]


def test_a_table_of_contents_before_the_title() -> None:
    # check 06: the page lists the sections first; the header sentence follows the title
    text = (
        "一、提高政治站位\n二、加强组织领导\n中共某市文联党组关于巡察整改进展情况的通报\n"
        "根据市委统一部署,2022年8月19日至11月15日,市委第三巡察组对市文联党组开展了常规巡察,"
        "2023年1月16日,市委第三巡察组向市文联党组反馈了巡察意见。现将整改情况予以公布。\n一、提高政治站位\n"
    )
    facts = _facts(text)
    assert (facts["reviewer"], facts["review_start"].isoformat(), facts["feedback_date"].isoformat()) == (
        "市委第三巡察组",
        "2022-08-19",
        "2023-01-16",
    )


def test_the_fullest_form_of_the_issuer_wins() -> None:
    # check 01: 信息来源:市卫生健康委; the body names 市卫生健康委党组
    text = "信息来源:市卫生健康委\n根据市委统一部署,市委第四巡察组对市卫生健康委党组开展了巡察。"
    assert _issuer(text) == ("市卫生健康委党组", "body")


def test_a_metadata_table_is_not_joined_to_the_title() -> None:
    # check 24: 文  号 … 时效说明 and the title are separate lines
    norm = normalize(
        "文  号 涟文广旅委[2024]38号 分  类 公共文化 时效说明\n中共某县文化局委员会关于巡察整改进展情况的报告\n"
    )
    assert norm.text.splitlines()[1] == "中共某县文化局委员会关于巡察整改进展情况的报告"


def test_facts_not_read_are_named_in_a_warning() -> None:
    text = "根据统一部署,开展了巡察。现将整改情况予以公布。\n一、整改工作\n"
    warnings = _facts(text)["warnings"]
    assert "not read from the text: issuer, city, review_type, reviewer, published_date" in warnings


def test_a_number_that_lost_digits_is_no_amount() -> None:
    from analysis.extract.amounts import find_amounts

    # 52_hunan: 调账处理金额3,.83万元 — the digits before the point are lost; 83万元 would be a wrong value
    assert [a.yuan for a in find_amounts("调账处理金额3,.83万元。", lambda offset: "preamble")] == []


def test_amounts_of_real_notices(real: dict) -> None:
    money = real["amounts"]  # measured: 12 of 13 found, all with exact yuan; none spurious
    assert money["found"] >= money["gold"] - 1 and money["yuan_right"] == money["found"], money
    assert money["spurious"] == 0, money


@pytest.mark.parametrize(
    ("sentence", "reviewer"),
    [
        ("县委经济发展领域作风建设专项巡察二组对县住建局党组开展了巡察", "县委经济发展领域作风建设专项巡察二组"),  # 57
        ("市委提级巡察第四组对区检察院党组开展了巡察", "市委提级巡察第四组"),  # 55
        ("县委机动巡察组对县医保局党组开展了机动巡察", "县委机动巡察组"),  # check 18
    ],
)
def test_themed_and_raised_teams(sentence: str, reviewer: str) -> None:
    text = f"根据统一部署,2024年3月1日至4月30日,{sentence}。2024年6月1日,反馈了巡察意见。现将整改情况予以公布。"
    assert _facts(text + "一、整改工作\n")["reviewer"] == reviewer


def test_an_issuer_named_only_as_the_party_organ_that_acts() -> None:
    # 64_minzheng: no title, no dates, no team; the body says 局党组立即组织…
    text = "根据区委巡察工作统一部署,现将巡察整改进展情况予以公布。\n(一)巡察意见反馈会后,局党组立即组织召开会议。"
    assert _issuer(text) == ("局党组", "body")
    # the inspected body of the header sentence wins over the organ acting later
    text = "区委巡察组对区财政局党组开展了巡察。反馈会后,局党组立即组织召开会议。"
    assert _issuer(text) == ("区财政局党组", "body")


def test_a_date_that_lost_its_day_mark() -> None:
    from analysis.extract.dates import find_dates

    found = find_dates("2023年3月9市委第一巡察组对某局开展了巡察")
    assert [(d.value.isoformat(), d.defective) for d in found] == [("2023-03-09", True)]
    assert find_dates("2023年3月9个问题") == []  # a count, not a day


# --- rules learnt from the second check set (tests/data/real_check2) -------------------------------------------


@pytest.mark.parametrize(
    ("page", "published"),
    [
        ("西藏自治区科学技术厅: sti.xizang.gov.cn 2026年01月29日 来源:西藏纪检监察网 作者:", "2026-01-29"),
        ("信息时间::2020-07-17", "2020-07-17"),
        ("[ 成文日期 ] | 2025-04-20 | [ 发布日期 ] | 2025-04-22 |", "2025-04-22"),
    ],
)
def test_more_page_dates(page: str, published: str) -> None:
    text = f"{page}\n根据市委统一部署,市委第一巡察组对市局党组开展了巡察。现将整改情况予以公布。\n一、整改工作\n"
    assert _facts(text)["published_date"].isoformat() == published


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("审计查出问题共189项,已完成整改179项,其中需持续推进整改8项", (189, 179, 8)),
        ("《审计工作报告》反映的713个问题,已完成整改685个,正在整改28个", (713, 685, 28)),
        ("认真分解整改意见,梳理出43项具体问题", (43, None, None)),
        ("主要负责同志主动认领11个反馈问题", (None, None, None)),  # one leader's share, not the total
        ("带头树立严的标准,主动领办13项反馈问题", (None, None, None)),  # check3 10
        ("做到整改完成一项、销号一项", (None, None, None)),  # a motto, not a count (check3 08)
    ],
)
def test_more_audit_and_breakdown_totals(sentence: str, expected: tuple) -> None:
    found = {name: fact.value for name, fact in read_totals(sentence, 0, len(sentence)).items()}
    names = ("problems_reported", "problems_completed_reported", "problems_in_progress_reported")
    assert tuple(found.get(name) for name in names) == expected


def test_zones_named_between_their_city_and_the_zone_word() -> None:
    from analysis.extract.infer import infer_metadata

    text = "中共大连普湾经济区工作委员会关于巡察整改情况的通报\n根据市委统一部署,市委第五巡察组对普湾经济区进行了巡察。"
    inferred = infer_metadata(text)
    assert (inferred["county"].value, inferred["city"].value) == ("普湾经济区", "大连市")
    official = infer_metadata("中共天津市滨海新区委员会关于巡视整改情况的通报\n根据统一部署,开展了巡视。")
    assert official["county"].code == "120116"  # an official district stays the gazetteer's


def test_a_reviewer_after_a_date_and_a_joint_team() -> None:
    text = "根据统一部署,2023年4月13日至6月10日自治区党委第十一巡视组对乌海市进行了巡视。现将整改情况予以公布。\n"
    assert _facts(text)["reviewer"] == "自治区党委第十一巡视组"
    text = "根据统一部署,2023年4月13日至6月10日,市委第二联动巡察组对经开区党工委开展了巡察。现将整改情况公布。\n"
    assert _facts(text)["reviewer"] == "市委第二联动巡察组"


# --- rules learnt from the third check set (tests/data/real_check3), after its blind run -----------------------


def test_a_line_of_page_metadata_is_not_joined_to_the_header_sentence() -> None:
    # check3 06: 2021-02-23 12:42:06来源:广州市住房和城乡建设局 / 根据市委统一部署,…
    norm = normalize("2021-02-23 12:42:06来源:广州市住房和城乡建设局\n根据市委统一部署,市委第八巡察组进行巡察。")
    assert norm.text.splitlines()[0] == "2021-02-23 12:42:06来源:广州市住房和城乡建设局"


def test_rare_characters_in_a_township_name() -> None:
    from analysis.extract.infer import infer_metadata

    # check3 05: 湖㳇镇 (㳇 is in CJK extension A)
    inferred = infer_metadata("中共湖㳇镇委员会关于巡察整改情况的通报\n根据市委统一部署,市委第一巡察组开展了巡察。")
    assert (inferred["county"].value, inferred["city"].value) == ("宜兴市", "无锡市")


@pytest.mark.parametrize(
    ("sentence", "reviewer"),
    [
        ("市委第七提级交叉巡察组对县委宣传部开展了巡察", "市委第七提级交叉巡察组"),  # check3 02
        ("市委对村巡察第四组对三乡镇开展了巡察", "市委对村巡察第四组"),  # check3 12
    ],
)
def test_teams_of_every_kind(sentence: str, reviewer: str) -> None:
    text = f"根据统一部署,2024年3月1日至4月30日,{sentence}。2024年6月1日,反馈了巡察意见。现将整改情况予以公布。"
    assert _facts(text + "一、整改工作\n")["reviewer"] == reviewer


def test_feedback_without_a_year_after_a_review_ending_in_december() -> None:
    # check3 04: 2021年11月16日至12月16日 … 1月17日反馈 → 2022-01-17
    text = (
        "根据市委统一部署,2021年11月16日至12月16日,市委第二巡察组对市红十字会开展了巡察。1月17日,市委巡察组向"
        "市红十字会反馈了巡察意见。现将巡察整改情况予以公布。\n一、整改工作\n"
    )
    assert _facts(text)["feedback_date"].isoformat() == "2022-01-17"


def test_a_review_in_two_periods_runs_from_the_first_start_to_the_last_end() -> None:
    # real 58: 2022年3月17日至3月22日、5月5日至7月12日
    text = (
        "根据区委统一部署,2022年3月17日至3月22日、5月5日至7月12日,区委第三巡察组对区卫健局党组开展了常规巡察。"
        "9月15日,区委第三巡察组反馈了巡察意见。现将巡察整改进展情况予以公布。\n一、整改工作\n"
    )
    facts = _facts(text)
    assert (facts["review_start"].isoformat(), facts["review_end"].isoformat()) == ("2022-03-17", "2022-07-12")
    assert facts["feedback_date"].isoformat() == "2022-09-15"


def test_a_feedback_date_restated_in_the_first_section() -> None:
    # real 03: the header's date lost its characters (1227县委巡组…反馈); the first section says it again in full
    text = (
        "根据县委统一部署,2023年8月14日至10月31日,县委第三巡察组对县融媒体中心党委开展了常规巡察。1227县委巡组向中心党委"
        "反馈巡察意见。现将巡察整改进展情况予以公布。\n一、整改工作组织情况\n"
        "2023年12月27日,县委第三巡察组向县融媒体中心党委反馈了巡察意见,共指出4个方面33个问题。\n"
    )
    assert _facts(text)["feedback_date"].isoformat() == "2023-12-27"


def test_a_review_stated_only_in_the_first_section() -> None:
    # real 33: 一、总体履责情况⏎2021年3月至4月,市委巡视六组…并于7月26日反馈; an earlier round's feedback is not it
    head = "根据十一届市委第九轮巡视工作部署要求,按照党务公开原则,现将巡视整改进展情况予以公布。\n一、总体履责情况\n"
    said = "2021年3月至4月,市委巡视六组对东丽区开展了巡视工作,并于7月26日反馈了巡视意见。\n"
    assert _facts(head + said)["feedback_date"].isoformat() == "2021-07-26"
    earlier = "2019年5月10日,上轮巡视组反馈的问题已整改完毕。\n"
    assert _facts(head + earlier)["feedback_date"] is None


def test_an_abbreviation_ending_inside_the_full_names_last_word() -> None:
    # check3 01: 市妇联党组 and 《中共丽水市妇女联合会党组关于…》
    text = "市委巡察组对市妇联党组开展了巡察。印发《中共丽水市妇女联合会党组关于巡察整改的实施方案》。"
    assert _issuer(text) == ("中共丽水市妇女联合会党组", "body")


# --- comparing two runs ----------------------------------------------------------------------------------------


def _result(right: int, mismatches: list[tuple[str, str, str, str]]) -> dict:
    return {
        "facts": {"right": right, "total": 10, "filled_where_gold_null": 0},
        "mismatches": [{"file": f, "field": k, "gold": g, "extracted": e} for f, k, g, e in mismatches],
    }


def test_the_comparison_lists_every_mismatch_fixed_or_new_and_says_when_none_changed() -> None:
    from analysis.evaluate.real import compare_real

    before = _result(8, [("a.txt", "issuer", "市委", "None"), ("b.txt", "city", "沈阳市", "None")])
    after = _result(8, [("b.txt", "city", "沈阳市", "None"), ("c.txt", "county", "和平区", "沈河区")])
    report = compare_real(before, after)
    assert report.splitlines()[0].startswith("facts right: 8 -> 8 of 10")
    assert "fixed  a.txt issuer" in report and "new    c.txt county" in report and "b.txt" not in report
    assert "no mismatch changed" in compare_real(after, after)


def test_compare_on_the_command_line_reads_a_saved_run_and_refuses_a_bad_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from analysis.cli import main

    folder = REAL.parent / "real_check6"
    saved = tmp_path / "before.json"
    saved.write_text(json.dumps(evaluate_real(folder), ensure_ascii=False, default=str), encoding="utf-8")
    assert main(["evaluate", "--real", str(folder), "--compare", str(saved)]) == 0
    assert "no mismatch changed" in capsys.readouterr().out
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    assert main(["evaluate", "--real", str(folder), "--compare", str(broken)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("FAILED") and len(err.strip().splitlines()) == 1
