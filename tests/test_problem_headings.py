"""Problem headings of real notices: rules of the genre, each on a minimal text and on the real notice that showed it.

The real notices are the development corpus in tests/data/real (excerpts cut at about 2,000 bytes by their source);
its README defines a problem item, its label and title, and its status. Expected values were decided by reading the
texts, not copied from the extractor's output.
"""

from __future__ import annotations

from functools import cache

import pytest

from analysis.extract import Extraction, extract_notice, extract_text
from analysis.paths import TEST_DATA
from analysis.read.sources import read_notice

REAL = TEST_DATA / "real" / "docs"
HEAD = (
    "中共某县统计局党组关于县委第一巡察组巡察反馈意见整改情况的通报\n"
    "根据县委统一部署,2024年3月1日至4月15日,县委第一巡察组对县统计局党组开展了常规巡察。现将整改情况予以公布。\n"
)


@cache
def real(prefix: str) -> Extraction:
    path = next(REAL.glob(f"{prefix}_*.txt"))
    return extract_notice(read_notice(path, metadata={}))


@cache
def checked(folder: str, prefix: str) -> Extraction:
    """A notice of a check set (real_check, real_check2), once its first blind run was recorded."""
    path = next((TEST_DATA / folder / "docs").glob(f"{prefix}_*.txt"))
    return extract_notice(read_notice(path, metadata={}))


def rows(extraction: Extraction, *keys: str) -> list[tuple]:
    return [tuple(p[k] for k in keys) for p in extraction.problems]


# --- sections about organising the rectification are not problems -------------------------------------------------


def test_organisational_sections_are_not_problems():
    text = HEAD + (
        "一、整改工作组织情况\n"
        "局党组高度重视。一是成立整改工作领导小组;二是制定整改方案。\n"
        "二、党组及主要负责人组织整改落实情况\n"
        "(一)党组组织巡察整改落实情况\n"
        "局党组召开会议5次。一是传达反馈意见;二是研究部署整改。\n"
        "(二)提高思想认识,精心安排部署。一是召开专题会议;二是开展专题学习。\n"
    )
    assert extract_text(text).problems == []


def test_opening_sections_hold_no_problems_when_the_list_is_cut_off():
    text = HEAD + (
        "一、坚持高位推动,确保整改落实到位\n"
        "(一)提高思想认识。局党组召开专题会议。一是传达反馈意见;二是研究部署整改。\n"
        "(二)压实工作责任。一是成立领导小组;二是建立台账。\n"
        "二、巡察反馈问题整改情况\n"
        "(一)关于"
    )
    extraction = extract_text(text)
    assert extraction.problems == []
    assert "text cut short" in extraction.document["findings"]


@pytest.mark.parametrize("prefix", ["03", "06", "19", "25", "30", "32", "38", "40", "48"], ids=lambda p: f"real_{p}")
def test_real_opening_sections_are_not_problems(prefix):
    # 一、整改工作组织情况 (03), (一)提高思想认识,精心安排部署。… (06), (一)党组织整改落实情况 (19),
    # 一、审计整改工作部署落实情况 (38), 一、区委及主要负责人组织落实整改情况 (32, 48) …
    assert real(prefix).problems == []


# --- status groups ---------------------------------------------------------------------------------------------------


def test_status_groups_are_not_problems_and_give_their_status():
    text = HEAD + (
        "一、整改工作组织情况\n"
        "局党组高度重视,成立整改工作领导小组。\n"
        "二、已完成整改的问题\n"
        "1、统计数据质量管控不严。\n"
        "整改措施:一是建立三级审核制度;二是开展执法检查。\n"
        "2、统计干部业务能力不足。\n"
        "整改措施:组织培训4期。\n"
        "三、正在整改的问题\n"
        "1、统计档案管理不规范。\n"
        "整改措施:一是清理档案;二是建立制度。\n"
        "整改结果:基本完成。\n"
        "四、下一步工作打算\n"
        "一是巩固成果;二是健全机制。\n"
    )
    got = rows(extract_text(text), "label", "title", "status", "n_measures")
    assert got == [
        ("1、", "统计数据质量管控不严", "complete", 2),
        ("2、", "统计干部业务能力不足", "complete", 1),
        # The item's own status outranks its group's.
        ("1、", "统计档案管理不规范", "substantially_complete", 2),
    ]


def test_a_group_of_several_statuses_gives_none():
    text = HEAD + (
        "二、巡察反馈问题整改情况\n"
        "(一)已完成整改的问题(共1个)\n"
        "1.统计数据质量管控不严。\n"
        "整改措施:一是建立三级审核制度。\n"
        "(二)正在整改、需长期坚持的问题\n"
        "1.统计档案管理不规范。\n"
        "整改措施:一是清理档案。\n"
        "整改结果:正在整改。\n"
        "2.统计队伍建设滞后。\n"
        "整改措施:一是引进人才。\n"
        "欢迎广大干部群众监督。\n"  # a notice that ends: its last 一是 is not cut from a longer list
    )
    assert rows(extract_text(text), "title", "status") == [
        ("统计数据质量管控不严", "complete"),
        ("统计档案管理不规范", "in_progress"),
        ("统计队伍建设滞后", "unstated"),
    ]


def test_real_status_group_with_a_bracketed_note():
    # 09: (一)集中整改期内已完成(含基本完成)的整改事项 > 1.关于“…”问题的整改。 The notice is printed on one line.
    got = real("09").problems
    assert [(p["label"], p["title"], p["status"]) for p in got] == [
        ("1.", "关于“流行病学调查信息化水平低”问题的整改", "complete")
    ]
    assert got[0]["area"] is None  # a status group is no area
    assert got[0]["truncated"] is True


def test_real_group_heading_cut_before_its_first_item():
    # 03: 二、整改落实情况 > (一)已整改完成的问题, then the text stops: no problem is visible.
    assert real("03").problems == []


# --- labels and titles ------------------------------------------------------------------------------------------------


def test_problem_n_labels_and_the_status_opening_the_measures_field():
    text = HEAD + (
        "二、反馈问题整改情况\n"
        "问题1:统计数据质量管控不严。\n"
        "整改情况:已完成。一是建立三级审核制度;二是开展执法检查。\n"
        "问题2:统计干部业务能力不足。\n"
        "整改情况:正在整改。组织培训4期。\n"
    )
    assert rows(extract_text(text), "label", "title", "status", "n_measures") == [
        ("问题1", "统计数据质量管控不严", "complete", 2),
        ("问题2", "统计干部业务能力不足", "in_progress", 1),
    ]


def test_feedback_problem_numbers():
    text = HEAD + (
        "二、巡察反馈问题整改情况\n"
        "反馈问题1:学习贯彻不到位。\n"
        "整改情况:一是制定计划。已完成整改。\n"
        "反馈问题2:意识形态工作责任制落实不足。\n"
        "整改情况:一是修订清单。\n"
        "欢迎广大干部群众监督。\n"
    )
    assert rows(extract_text(text), "label", "title", "status") == [
        ("反馈问题1", "学习贯彻不到位", "complete"),
        ("反馈问题2", "意识形态工作责任制落实不足", "unstated"),
    ]


def test_feedback_problem_labels():
    text = HEAD + (
        "二、反馈问题整改情况\n"
        "(一)反馈问题:落实“第一议题”制度不严格\n"
        "整改情况:已完成整改。一是修订制度;二是开展学习。\n"
        "(二)反馈问题:执行“三重一大”制度不到位\n"
        "整改情况:基本完成。一是完善议事规则。\n"
    )
    assert rows(extract_text(text), "label", "title", "status") == [
        ("(一)", "落实“第一议题”制度不严格", "complete"),
        ("(二)", "执行“三重一大”制度不到位", "substantially_complete"),
    ]


def test_feedback_problem_groups_over_numbered_problems_with_a_status_field():
    text = HEAD + (
        "二、巡察反馈问题整改进展情况\n"
        "(一)反馈问题:上轮巡察发现的问题整改不够到位\n"
        "1.政治意识不够强\n"
        "整改状态:完成\n"
        "整改情况:一是加强学习。二是加强指导。\n"
        "2.担当意识不够强\n"
        "整改状态:阶段性完成\n"
        "整改情况:一是完善制度。二是争取支持。\n"
    )
    assert rows(extract_text(text), "label", "title", "status", "n_measures") == [
        ("1.", "政治意识不够强", "complete", 2),
        ("2.", "担当意识不够强", "substantially_complete", 2),
    ]


def test_real_feedback_problem_groups():
    assert rows(real("50"), "label", "title", "status", "n_measures", "truncated") == [
        ("1.", "政治意识不够强", "complete", 3, False),
        # Cut inside 二是 (…二是争取支持,主动化债): both measures are printed, the second in part.
        ("2.", "担当意识不够强", "substantially_complete", 2, True),
    ]
    # 49 is cut in the description of its first 具体问题: the heading is visible, the status is not.
    assert rows(real("49"), "label", "title", "status", "status_raw", "truncated") == [
        ("1.", "优化后的绩效考核方案尚未公布", None, None, True)
    ]


def test_titles_are_headings_as_printed_and_a_bare_quotation_is_its_text():
    text = HEAD + (
        "二、反馈问题整改情况\n"
        "问题1:针对“落实“三重一大”制度不严”。2023年以来3项重大事项未经集体研究。\n"
        "整改措施:一是修订制度;二是开展检查。\n"
        "问题2:关于“落实“第一议题”制度不够严格”问题的整改。学习不及时。\n"
        "整改措施:一是制定学习计划。\n"
    )
    assert rows(extract_text(text), "title") == [
        ("落实“三重一大”制度不严",),
        ("关于“落实“第一议题”制度不够严格”问题的整改",),
    ]


def test_a_full_stop_inside_the_quotation_does_not_end_the_heading():
    text = HEAD + (
        "二、反馈问题整改情况\n1.关于“学习不深不透。未组织专题学习”问题的整改\n整改措施:一是制定学习计划。\n"
    )
    assert rows(extract_text(text), "title") == [("关于“学习不深不透。未组织专题学习”问题的整改",)]


# --- three-level outlines ---------------------------------------------------------------------------------------------


def test_unnumbered_quoted_problems_are_the_innermost_level():
    text = HEAD + (
        "二、巡察反馈问题的整改进展情况\n"
        "(一)聚焦贯彻落实党的路线方针政策方面:\n"
        "1.关于“落实“第一议题”制度不够严格”的问题。\n"
        "针对“学习“习近平文化思想”不够主动”的问题\n"
        "整改进展情况:\n"
        "一是加强学习。二是完善制度。\n"
        "整改结果:已完成整改。\n"
        "针对“理论学习中心组学习不规范”的问题\n"
        "整改进展情况:\n"
        "一是制定计划。\n"
        "整改结果:正在整改。\n"
    )
    got = extract_text(text).problems
    assert [(p["label"], p["title"], p["status"], p["n_measures"]) for p in got] == [
        ("", "针对“学习“习近平文化思想”不够主动”的问题", "complete", 2),
        ("", "针对“理论学习中心组学习不规范”的问题", "in_progress", 1),
    ]
    assert {p["topic"] for p in got} == {"关于“落实“第一议题”制度不够严格”的问题"}
    assert {p["area"] for p in got} == {"聚焦贯彻落实党的路线方针政策方面"}


def test_real_three_level_outline():
    assert rows(real("11"), "label", "title", "status", "truncated") == [
        ("", "针对“用习近平文化思想武装头脑、指导实践、推动工作不够主动”的问题", None, True)
    ]


def test_mixed_depth_a_group_of_problems_beside_a_problem():
    text = HEAD + (
        "二、县委巡察组反馈意见整改落实情况\n"
        "(一)党组落实政治责任方面\n"
        "1.职能履行不到位。工作专班力量薄弱,推进工作缓慢。\n"
        "整改完成情况:2022年1月已抽调五名同志充实到办公室开展工作。\n"
        "2.巡视巡察、审计等反馈问题整改不到位。\n"
        "①审计反馈问题整改不到位。欠缴人防易地建设费,仍未缴款到位。\n"
        "整改完成情况:1.县城投公司已于2022年3月11日缴款。2.建成人防工程2000平方米。\n"
        "整改结果:已完成整改。\n"
        "②巡察反馈问题整改不彻底。个别问题反弹。\n"
        "整改完成情况:1.建立台账。\n"
        "整改结果:正在整改。\n"
    )
    # A status field that tells what was done (dated, long) holds measures and no status.
    assert rows(extract_text(text), "label", "title", "status", "n_measures") == [
        ("1.", "职能履行不到位", "unstated", 1),
        ("①", "审计反馈问题整改不到位", "complete", 2),
        ("②", "巡察反馈问题整改不彻底", "in_progress", 1),
    ]


def test_real_mixed_depth():
    assert rows(real("57"), "label", "title", "status") == [
        ("1.", "职能履行不到位", "unstated"),
        ("①", "审计反馈问题整改不到位", None),
    ]


# --- unnumbered run-in headings ---------------------------------------------------------------------------------------


def test_run_in_headings_under_a_numbered_section_of_problems():
    text = HEAD + (
        "一、党组履行巡视整改主体责任情况\n"
        "党组坚持把巡视整改作为重大政治任务。一是成立领导小组。二是制定方案。\n"
        "二、巡视反馈重点问题整改落实情况\n"
        "深入学习贯彻习近平总书记重要指示批示精神,用党的创新理论武装头脑。一是推动学习到位。坚持第一议题制度。"
        "二是推动办理到位。建立台账。\n"
        "加强统计数据质量管理,防范数据造假。一是建立审核制度。二是开展执法检查。\n"
        "三、下一步工作打算\n"
        "一是巩固成果;二是健全机制。\n"
    )
    assert rows(extract_text(text), "label", "title", "status", "n_measures") == [
        ("", "深入学习贯彻习近平总书记重要指示批示精神,用党的创新理论武装头脑", "unstated", 2),
        ("", "加强统计数据质量管理,防范数据造假", "unstated", 2),
    ]


def test_run_in_headings_under_unnumbered_section_lines_and_a_cut():
    text = (
        "根据党中央统一部署,中央第十五巡视组对某总局党组开展了机动巡视。现将巡视整改进展情况予以公布。\n"
        "党组履行巡视整改主体责任情况\n"
        "坚持发扬斗争精神抓整改。党组自觉正视问题。一是召开会议。二是建立机制。\n"
        "巡视反馈重点问题整改落实情况\n"
        "深入学习贯彻习近平总书记重要指示批示精神,用党的创新理论武装头脑。一是推动学习到位。坚持第一议题制度。"
        "二是推动办理到位。建立台账。三是"
    )
    extraction = extract_text(text)
    # Cut at 三是: the two measures printed are kept, the bare 三是 is not a measure, and no status is invented.
    assert rows(extraction, "label", "title", "status", "status_raw", "n_measures", "truncated") == [
        ("", "深入学习贯彻习近平总书记重要指示批示精神,用党的创新理论武装头脑", None, None, 2, True)
    ]
    assert "text cut short inside problem" in extraction.document["findings"]


def test_slogan_sections_hold_no_run_in_problems():
    text = HEAD + (
        "一、聚焦政治责任,推动整改落实\n"
        "局党组高度重视。一是召开会议;二是制定方案。\n"
        "二、聚焦问题清单,推动整改见效\n"
        "对照问题清单。一是逐项整改;二是对账销号。\n"
    )
    assert extract_text(text).problems == []


def test_real_run_in_heading_under_markup_section_lines():
    # 26: section headings replaced by 【类型:… | 标号:no | 标题:…】 lines; the excerpt is cut at 三是.
    assert rows(real("26"), "label", "title", "status", "n_measures", "truncated") == [
        ("", "深入学习贯彻习近平总书记重要指示批示精神,用党的创新理论武装头脑、指导实践、推动工作", None, 2, True)
    ]


# --- statuses given outside the items -------------------------------------------------------------------------------


def test_statuses_given_by_ordinal_in_a_summary_sentence():
    text = (
        "2022年2月18日至5月31日,自治区审计厅对我公司推进工业高质量发展情况进行了专项审计调查,提出我公司存在如下三类问题:\n"
        "一、落实工业高质量发展相关政策存在的问题\n"
        "二、工业高质量发展效益方面存在的问题\n"
        "三、产业转型及绿色发展方面存在的问题\n"
        "以上问题,我公司高度重视,组织积极整改,目前第一项、第三项问题已经整改完成,第二项问题持续整改跟踪中。\n"
        "某某汽车集团有限公司\n"
        "2022年9月30日"
    )
    assert rows(extract_text(text), "label", "status") == [
        ("一、", "complete"),
        ("二、", "long_term"),
        ("三、", "complete"),
    ]


def test_real_ordinal_statuses():
    assert rows(real("43"), "title", "status") == [
        ("落实工业高质量发展相关政策存在的问题", "complete"),
        ("工业高质量发展效益方面存在的问题", "complete"),
        ("产业转型及绿色发展方面存在的问题", "long_term"),
        ("工业发展人才及技术投入方面存在的问题", "complete"),
    ]


def test_a_summary_for_the_whole_list_gives_its_status_to_every_item():
    text = HEAD + (
        "一、健全组织领导,抓紧抓实问题整改\n"
        "(一)强化组织核心,有序统筹部署。局党组立即召开专题会议。截至目前,已全部完成整改。\n"
        "二、巡察反馈问题的整改情况\n"
        "1.关于理论学习不深入的问题\n"
        "整改情况:一是组织专题学习。二是开展理论宣讲。\n"
        "2.关于意识形态工作责任制落实不到位的问题\n"
        "整改情况:一是修订责任清单。二是"
    )
    extraction = extract_text(text)
    # The cut item keeps the summary's status: it was given before the cut.
    assert rows(extraction, "title", "status", "n_measures", "truncated") == [
        ("关于理论学习不深入的问题", "complete", 2, False),
        ("关于意识形态工作责任制落实不到位的问题", "complete", 1, True),
    ]


def test_a_status_closing_a_run_in_item_or_its_last_clause():
    text = HEAD + (
        "二、巡察反馈问题整改情况\n"
        "1、政治理论学习表面化。一是制定学习计划;二是开展专题研讨。目前已完成整改。\n"
        "2、统计执法力度不够。一是开展执法检查;二是建立执法台账。目前正在整改。\n"
        "3.关于“意识形态责任制落实不到位”的问题\n"
        "整改情况:修订责任清单,已完成整改。\n"
    )
    assert rows(extract_text(text), "title", "status") == [
        ("政治理论学习表面化", "complete"),
        ("统计执法力度不够", "in_progress"),
        ("关于“意识形态责任制落实不到位”的问题", "complete"),
    ]


def test_an_aim_for_the_whole_list_is_no_status():
    text = HEAD + (
        "一、组织整改落实情况\n"
        "(一)党委扛牢主体责任。注重标本兼治,确保巡察发现问题全部整改到位。\n"
        "二、巡察反馈问题整改进展情况\n"
        "1.结余药品使用不规范。\n"
        "整改情况:一是全面排查盘点药品结余,建立台账。二是修订管理规定,"
    )
    assert rows(extract_text(text), "title", "status", "truncated") == [("结余药品使用不规范", None, True)]


def test_real_whole_list_status():
    assert rows(real("64"), "label", "title", "status") == [("1.", "关于理论学习不深入的问题", "complete")]


# --- truncated notices -----------------------------------------------------------------------------------------------


def test_a_cut_status_phrase_is_no_status():
    text = HEAD + (
        "二、反馈问题整改情况\n"
        "1.统计数据质量管控不严。\n"
        "整改措施:一是建立三级审核制度;二是开展执法检查。\n"
        "整改结果:已完"
    )
    extraction = extract_text(text)
    assert rows(extraction, "status", "status_raw", "truncated") == [(None, None, True)]
    assert extraction.document["unmapped_status_phrases"] == ""


def test_an_item_cut_inside_its_heading_is_not_itemised():
    text = HEAD + (
        "二、反馈问题整改情况\n"
        "1.统计数据质量管控不严。\n"
        "整改措施:一是建立三级审核制度。\n"
        "整改结果:已完成整改。\n"
        "2.关于“统计干部业务能力"
    )
    extraction = extract_text(text)
    assert rows(extraction, "title", "status", "truncated") == [("统计数据质量管控不严", "complete", False)]
    assert "text cut short" in extraction.document["findings"]


def test_a_complete_notice_is_not_truncated():
    text = HEAD + (
        "二、反馈问题整改情况\n"
        "1.统计数据质量管控不严。\n"
        "整改措施:一是建立三级审核制度。\n"
        "整改结果:已完成整改。\n"
        "中共某县统计局党组\n"
        "2024年9月30日\n"
    )
    extraction = extract_text(text)
    assert rows(extraction, "truncated") == [(False,)]
    assert "cut short" not in extraction.document["findings"]


# --- a notice printed on one line -----------------------------------------------------------------------------------


def test_a_notice_on_one_line_gets_its_lines_back():
    text = (
        "根据市委统一部署,2023年7月3日至9月10日,市委第四巡察组对中心党委进行了巡察。现将整改进展情况予以公布。"
        " 一、整改工作组织领导情况 中心党委切实履行巡察整改主体责任,及时成立巡察整改领导小组,研究制定整改方案,"
        "全面开展整改工作,坚持即知即改、真改实改、彻底整改。 二、整改进展情况及成效"
        " (一)集中整改期内已完成(含基本完成)的整改事项 1.关于“流行病学调查信息化水平低”问题的整改。"
        " (1)中心充分利用国家统一开发的流调系统,运用平板电脑等移动终端开展流行病学调查处置。"
        " (2)充分利用国家监测预警与应急指挥信息平台建设项目,配置MCU设备。"
        " (二)需长期坚持的整改事项 1.关于“人才队伍建设滞后”问题的整改。 (1)制定人才引进计划,引进专业技术人员5名。"
    )
    assert rows(extract_text(text), "title", "status", "n_measures") == [
        ("关于“流行病学调查信息化水平低”问题的整改", "complete", 2),
        ("关于“人才队伍建设滞后”问题的整改", "long_term", 1),
    ]


def test_a_status_said_in_the_last_sentence_of_an_item():
    text = HEAD + (
        "二、巡察反馈问题整改落实情况\n"
        "1.学习贯彻习近平新时代中国特色社会主义思想不够深入。\n"
        "整改情况:一是制定学习计划;二是开展专题研讨。目前已完成整改。\n"
        "2.落实意识形态工作责任制不到位。\n"
        "整改措施:一是修订责任清单。该问题已整改到位。\n"
        "3.财务管理不规范。\n"
        "整改措施:一是开展财务检查,已完成整改的事项建立台账,其余事项持续推进。\n"
        "欢迎广大干部群众监督。\n"
    )
    assert rows(extract_text(text), "status", "status_raw", "n_measures") == [
        ("complete", "已完成整改", 2),
        ("complete", "已整改到位", 1),
        ("unstated", None, 1),
    ]


def test_audit_items_with_the_status_right_after_the_heading():
    text = (
        "关于2022年度市本级预算执行和其他财政收支审计查出问题整改情况的报告\n"
        "受市人民政府委托,现将审计查出问题整改情况报告如下。\n"
        "一、审计整改工作部署落实情况\n"
        "市政府高度重视。一是召开常务会议;二是建立台账。\n"
        "二、审计查出问题整改情况\n"
        "(一)市级预算执行审计查出问题的整改情况\n"
        "1.部分非税收入未及时缴库问题。已整改。市财政局已将1200万元缴入国库。\n"
        "2.预算编制不够精准问题。部分整改。市财政局修订预算编制办法。\n"
    )
    assert rows(extract_text(text), "label", "title", "status") == [
        ("1.", "部分非税收入未及时缴库问题", "complete"),
        ("2.", "预算编制不够精准问题", "in_progress"),
    ]


def test_an_aspect_cut_before_its_items_is_no_problem():
    text = HEAD + (
        "一、整改工作开展情况\n"
        "局党组高度重视。\n"
        "二、巡察反馈问题整改情况\n"
        "(一)在落实全面从严治党主体责任方面存在的问题\n"
        "近年来,局党组对全面从严治党工作研究不多,"
    )
    assert extract_text(text).problems == []


def test_unnumbered_quoted_headings_followed_by_their_description():
    text = HEAD + (
        "一、整改工作开展情况\n"
        "局党组高度重视,成立领导小组。\n"
        "二、巡察反馈问题整改落实情况\n"
        "关于“理论学习中心组学习不规范”的问题。巡察指出学习计划执行随意。\n"
        "整改情况:一是制定年度学习计划;二是建立考勤制度。\n"
        "关于“意识形态工作责任制落实不到位”的问题。\n"
        "整改情况:已完成整改。一是修订责任清单。\n"
    )
    assert rows(extract_text(text), "label", "title", "status", "n_measures") == [
        ("", "关于“理论学习中心组学习不规范”的问题", "unstated", 2),
        ("", "关于“意识形态工作责任制落实不到位”的问题", "complete", 1),
    ]


def test_run_in_heading_ending_in_a_colon():
    text = HEAD + (
        "二、巡视反馈问题整改落实情况\n加强统计数据质量管理,防范数据造假:一是建立审核制度。二是开展执法检查。\n"
    )
    assert rows(extract_text(text), "label", "title", "n_measures") == [("", "加强统计数据质量管理,防范数据造假", 2)]


def test_development_corpus_headings():
    # `python -m analysis evaluate --real tests/data/real`: every visible heading found with its status, none
    # spurious, when this was written (19 headings in 64 notices). A small margin for notices added later.
    from analysis.evaluate.real import evaluate_real

    heads = evaluate_real(TEST_DATA / "real")["headings"]
    assert heads["share_found"] >= 0.9
    assert heads["status_right"] >= 0.9 * heads["found"]
    assert heads["spurious"] <= max(1, 0.05 * heads["extracted"])


def test_a_decimal_amount_opening_a_line_is_no_marker():
    from analysis.extract.markers import match_marker

    assert match_marker("4.23 亿元的服务项目,合同中未写明签约时间") is None
    assert match_marker("1.2 加强统计数据质量管理") is not None
    text = HEAD + (
        "二、反馈问题整改情况\n"
        "问题5:采购合同签订存在问题。市大数据管理中心问题:采购13个累计金额\n"
        "4.23 亿元的服务项目,合同中未写明签约时间。\n"
        "整改措施:一是加大培训力度;二是规范合同文本。\n"
    )
    assert rows(extract_text(text), "label", "title", "n_measures") == [("问题5", "采购合同签订存在问题", 2)]


def test_unnumbered_section_lines_beside_numbered_steps():
    text = (
        "根据党中央统一部署,中央第十五巡视组对某总局党组开展了机动巡视。现将巡视整改进展情况予以公布。\n"
        "党组履行巡视整改主体责任情况\n"
        "1.加强组织领导。党组召开会议12次。\n"
        "2.压实整改责任。建立台账。\n"
        "巡视反馈重点问题整改落实情况\n"
        "深入学习贯彻习近平总书记重要指示批示精神,用党的创新理论武装头脑。一是推动学习到位。二是推动办理到位。\n"
    )
    assert rows(extract_text(text), "label", "title", "n_measures") == [
        ("", "深入学习贯彻习近平总书记重要指示批示精神,用党的创新理论武装头脑", 2)
    ]


def test_a_text_ending_right_after_a_heading_is_cut_there():
    # The excerpt happens to stop at a full stop, but nothing of the last item follows its heading.
    text = HEAD + (
        "二、巡察反馈问题整改情况\n"
        "1.学习贯彻不到位。\n"
        "整改情况:一是制定计划。已完成整改。\n"
        "2.意识形态工作责任制落实不足。"
    )
    assert rows(extract_text(text), "status", "truncated") == [("complete", False), (None, True)]


def test_status_as_the_first_clause_of_the_rectification_field():
    text = HEAD + (
        "二、巡察反馈问题整改情况\n"
        "1.学习贯彻不到位。\n"
        "整改情况:已完成整改,一是制定学习计划;二是开展专题研讨。\n"
        "2.意识形态工作责任制落实不足。\n"
        "整改情况:正在整改,修订责任清单,明确分工。\n"
    )
    assert rows(extract_text(text), "status", "status_raw", "n_measures") == [
        ("complete", "已完成整改", 2),
        ("in_progress", "正在整改", 1),
    ]


def test_cut_before_the_status_numbered_measures_are_not_problems():
    # tests/data/genre/provincial_nested.txt cut inside its first problem, before 整改进展: — the (1)/(2) lines are
    # its measures (one with a nested 一是 list), the 1. heading states the problem.
    text = HEAD + (
        "二、巡视反馈问题整改落实情况\n"
        "(一)关于贯彻落实党中央决策部署方面\n"
        "1.推动高质量发展的举措不够有力,部分重点项目进展缓慢。\n"
        "(1)建立重点项目周调度机制,由市领导分包推进42个重点项目。\n"
        "(2)出台《关于加快推进重点项目建设的若干措施》:一是简化审批流程;二是建立要素保障“绿色通道”。\n"
        "(3)对进展滞后的6个项目开"
    )
    assert rows(extract_text(text), "label", "title", "status", "truncated") == [
        ("1.", "推动高质量发展的举措不够有力,部分重点项目进展缓慢", None, True)
    ]


def test_a_heading_cut_at_a_comma_is_cut():
    text = HEAD + (
        "二、巡察反馈问题整改情况\n1.学习贯彻不到位。\n整改情况:一是制定计划。已完成整改。\n2.投资管理不够审慎,"
    )
    assert rows(extract_text(text), "title") == [("学习贯彻不到位",)]


def test_a_heading_ends_where_its_inline_measures_begin():
    text = HEAD + (
        "二、巡视反馈问题整改落实情况\n"
        "(一)关于贯彻落实党中央决策部署方面\n"
        "1.针对“学习贯彻不够深入”问题,一是制定学习计划;二是开展专题研讨。\n"
        "2.针对“意识形态工作责任制落实不到位”问题:一是修订责任清单;二是开展检查。\n"
    )
    assert rows(extract_text(text), "title", "n_measures") == [
        ("针对“学习贯彻不够深入”问题", 2),
        ("针对“意识形态工作责任制落实不到位”问题", 2),
    ]


def test_unnumbered_named_problems_followed_by_a_comma():
    text = HEAD + (
        "一、整改工作组织情况\n"
        "省委高度重视。\n"
        "二、巡视反馈问题整改落实情况\n"
        "针对“学习贯彻不够深入”问题,省委坚持把学习作为首要政治任务。一是制定学习计划;二是开展专题研讨。\n"
        "针对“落实“三重一大”制度不严格”问题,一是修订议事规则;二是开展检查。\n"
    )
    assert rows(extract_text(text), "label", "title", "n_measures") == [
        ("", "针对“学习贯彻不够深入”问题", 2),
        ("", "针对“落实“三重一大”制度不严格”问题", 2),
    ]


def test_a_notice_on_one_line_without_spaces():
    text = (
        "根据市委统一部署,2023年7月3日至9月10日,市委第四巡察组对中心党委进行了巡察。现将整改进展情况予以公布。"
        "一、整改工作组织领导情况中心党委切实履行巡察整改主体责任,及时成立巡察整改领导小组,研究制定整改方案,"
        "全面开展整改工作,坚持即知即改、真改实改、彻底整改。二、整改进展情况及成效"
        "(一)集中整改期内已完成(含基本完成)的整改事项1.关于“流行病学调查信息化水平低”问题的整改。"
        "(1)中心充分利用国家统一开发的流调系统,运用平板电脑等移动终端开展流行病学调查处置。"
        "(2)充分利用国家监测预警与应急指挥信息平台建设项目,配置MCU设备。"
        "(二)需长期坚持的整改事项1.关于“人才队伍建设滞后”问题的整改。(1)制定人才引进计划,引进专业技术人员5名。"
    )
    extraction = extract_text(text)
    assert rows(extraction, "title", "status", "n_measures") == [
        ("关于“流行病学调查信息化水平低”问题的整改", "complete", 2),
        ("关于“人才队伍建设滞后”问题的整改", "long_term", 1),
    ]
    # Spans still index the text as received.
    first = extraction.problems[0]
    assert text[first["span_start"] : first["span_end"]].startswith("1.关于“流行病学调查信息化水平低”")


def test_a_notice_on_one_line_with_spaces_at_some_breaks_only():
    # GENRE.md: the whole notice on one line; here the title and a few headings kept a space, the items none
    text = (
        "中共某某县统计局党组关于县委第二巡察组反馈意见整改情况的通报 根据县委统一部署,2024年3月1日至4月30日,"
        "县委第二巡察组对县统计局党组开展了常规巡察。2024年6月5日,县委第二巡察组反馈了巡察意见。现将整改情况予以公布。"
        "一、整改工作开展情况 局党组高度重视,成立整改领导小组,召开党组会议专题研究部署整改工作,制定整改方案,明确责任"
        "领导、责任科室和整改时限,建立整改台账,实行销号管理。局党组书记切实履行第一责任人职责,带头研究重大问题。"
        "二、反馈问题整改落实情况 (一)理论学习不深入的问题。整改情况:制定学习计划,开展专题研讨。目前已完成整改。"
        "(二)统计数据质量管控不严的问题。整改情况:建立三级审核制度。目前正在整改。三、下一步工作打算 持续巩固整改成果。"
    )
    extraction = extract_text(text)
    assert rows(extraction, "title", "status") == [
        ("理论学习不深入的问题", "complete"),
        ("统计数据质量管控不严的问题", "in_progress"),
    ]
    assert (extraction.document["reviewer"], str(extraction.document["feedback_date"])) == (
        "县委第二巡察组",
        "2024-06-05",
    )


def test_marker_variants_a_page_may_print():
    from analysis.extract.markers import match_marker

    assert (match_marker("一.整改工作组织情况").kind, match_marker("一.整改工作组织情况").value) == ("cn_dun", 1)
    assert (match_marker("2)学习不深入").kind, match_marker("2)学习不深入").value) == ("arabic_paren", 2)
    assert match_marker("一.5倍") is None
    text = HEAD + (
        "一.整改工作组织情况\n"
        "局党组高度重视。一是成立领导小组;二是制定方案。\n"
        "二.巡察反馈问题整改情况\n"
        "1)学习贯彻不到位。\n"
        "整改情况:已完成整改。一是制定计划。\n"
        "2)意识形态工作责任制落实不足。\n"
        "整改情况:正在整改。一是修订清单。\n"
    )
    assert rows(extract_text(text), "label", "title", "status") == [
        ("1)", "学习贯彻不到位", "complete"),
        ("2)", "意识形态工作责任制落实不足", "in_progress"),
    ]


def test_cut_before_any_field_the_level_where_most_items_state_problems():
    # A measure that happens to name a shortcoming (查找不足) does not make the measures' level the problems'.
    text = HEAD + (
        "二、巡察反馈问题整改情况\n"
        "(一)落实全面从严治党主体责任不到位。\n"
        "1.针对存在的问题,建立整改台账。\n"
        "2.组织专题学习3次,查找不足。\n"
        "(二)意识形态工作责任制落实不足。\n"
        "1.修订责任清单,明确分"
    )
    assert rows(extract_text(text), "label", "title", "truncated") == [
        ("(一)", "落实全面从严治党主体责任不到位", False),
        ("(二)", "意识形态工作责任制落实不足", True),
    ]


def test_unnumbered_heading_lines_over_labelled_fields_under_aspects():
    text = HEAD + (
        "一、整改工作组织情况\n"
        "局党组高度重视。\n"
        "二、巡察反馈问题整改情况\n"
        "(一)贯彻落实党的路线方针政策方面\n"
        "学习贯彻习近平新时代中国特色社会主义思想不够深入\n"
        "整改情况:一是制定计划;二是开展研讨。\n"
        "意识形态工作责任制落实不到位。\n"
        "整改措施:修订责任清单。\n"
        "整改结果:已完成整改。\n"
        "(二)全面从严治党方面\n"
        "落实中央八项规定精神不严格\n"
        "整改情况:已完成整改。开展专项检查。\n"
    )
    got = extract_text(text).problems
    assert [(p["label"], p["title"], p["status"], p["n_measures"], p["area"]) for p in got] == [
        ("", "学习贯彻习近平新时代中国特色社会主义思想不够深入", "unstated", 2, "贯彻落实党的路线方针政策方面"),
        ("", "意识形态工作责任制落实不到位", "complete", 1, "贯彻落实党的路线方针政策方面"),
        ("", "落实中央八项规定精神不严格", "complete", 1, "全面从严治党方面"),
    ]


# --- rules learnt from the check sets' misses (real_check, real_check2, after their blind runs) ---------------------


def test_a_status_sentence_opening_the_paragraph_below_the_heading_line():
    text = HEAD + (
        "二、具体整改情况\n"
        "(一)部分年度空气质量约束性指标任务未完成。\n"
        "该问题已完成整改。一是制定实施计划。二是分解下达指标。\n"
        "(二)部分项目资金拨付不及时。\n"
        "正在整改。一是督促拨付资金。二是建立台账。\n"
    )
    assert rows(extract_text(text), "title", "status", "n_measures") == [
        ("部分年度空气质量约束性指标任务未完成", "complete", 2),
        ("部分项目资金拨付不及时", "in_progress", 2),
    ]


def test_check_status_sentence_below_the_heading_line():
    got = rows(checked("real_check", "21"), "label", "title", "status")
    assert got == [("(一)", "南宁市部分年度空气质量约束性指标任务未完成", "complete")]


def test_an_item_on_how_the_rectification_was_led_is_no_problem_at_any_level():
    # The section's title (把整改落实作为…来抓) names 整改落实 like a section of problems; its item is about the work.
    text = HEAD + (
        "一、把整改落实作为一项政治任务来抓\n"
        "(一)提高政治站位,以对党忠诚的自觉抓好巡察整改。一是迅速传达部署。二是加强学习教育。\n"
        "(二)履行巡察整改主体责任不到位。一是成立领导小组。二是建立整改台账。\n"
    )
    # An item that states a shortcoming of the same work is a problem all the same.
    assert rows(extract_text(text), "label", "title") == [("(二)", "履行巡察整改主体责任不到位")]


def test_check2_organisational_item_is_no_problem():
    assert checked("real_check2", "06").problems == []


def test_a_text_stopping_after_the_first_of_a_list_of_measures_is_cut():
    # 一是 is never written without 二是: a text that stops after it stops inside the item, whatever its last mark.
    text = HEAD + (
        "一、整改工作组织情况\n"
        "局党组高度重视。\n"
        "二、整改进展情况及成效\n"
        "1.关于“政治引领有短板”问题的整改。\n"
        "一是组织专题学习,观看直播三场次。\n"
    )
    assert rows(extract_text(text), "title", "status", "truncated") == [("关于“政治引领有短板”问题的整改", None, True)]
    # With its list complete, or closing lines after it, the notice has ended: the item states no status.
    for ending in ("二是开展宣讲。\n", "欢迎广大干部群众监督。\n"):
        assert rows(extract_text(text + ending), "status", "truncated") == [("unstated", False)]


def test_check2_text_stopping_after_its_first_measure():
    got = rows(checked("real_check2", "03"), "label", "title", "status", "truncated")
    assert got == [("1.", "关于“政治引领有短板”问题的整改", None, True)]


def test_run_in_shortcomings_under_aspects_with_their_measures_in_prose():
    text = HEAD + (
        "(一)在学习贯彻党中央决策部署存在差距方面\n"
        "学习贯彻落实习近平文化思想不到位。2025年9月,系统学习《学习纲要》,开展交流研讨。\n"
        "(二)在推动事业发展,发挥桥梁纽带作用不充分方面\n"
        "组织建设滞后。2025年9月,召开全体工作人员会议,研究制定工作制度。\n"
        "全年召开会议12次。各协会活动正常。\n"  # a paragraph of what was done: no shortcoming, no problem
        "统筹文艺体系建设有欠缺。2025年9月,研究制定发展规划。组织各协会开展采风,以“文艺赋能”为主题在"
    )
    assert rows(extract_text(text), "label", "title", "status", "truncated") == [
        ("", "学习贯彻落实习近平文化思想不到位", "unstated", False),
        ("", "组织建设滞后", "unstated", False),
        ("", "统筹文艺体系建设有欠缺", None, True),
    ]
    # Not outside an aspect: under a section of problems such a sentence may be the account of the work.
    plain = text.replace("(一)在学习贯彻党中央决策部署存在差距方面", "一、整改落实情况").replace(
        "(二)在推动事业发展,发挥桥梁纽带作用不充分方面\n", ""
    )
    assert extract_text(plain).problems == []


def test_check_run_in_shortcomings_under_aspects():
    assert rows(checked("real_check", "07"), "label", "title", "status") == [
        ("", "学习贯彻落实习近平文化思想重要指示精神不到位", "unstated"),
        ("", "组织建设滞后", "unstated"),
        ("", "统筹全区文艺体系建设有欠缺", None),
    ]


def test_unnumbered_lines_over_their_fields_below_a_numbered_item_are_its_problems():
    text = HEAD + (
        "二、问题整改落实情况\n"
        "(一)学习贯彻重要讲话精神不到位。\n"
        "理论学习有计划无行动。\n"
        "整改情况:一是制定学习方案。二是召开专题学习会。\n"
        "研讨交流流于形式\n"
        "整改情况:一是改进研讨方式;二是开展交流。\n"
        "整改结果:已完成整改。\n"
        "(二)意识形态工作责任制落实不到位。\n"
        "整改情况:一是修订责任清单。二是开展专项检查。\n"
        "整改结果:已完成整改。\n"
    )
    got = extract_text(text).problems
    assert [(p["label"], p["title"], p["status"], p["n_measures"], p["area"]) for p in got] == [
        ("", "理论学习有计划无行动", "unstated", 2, "学习贯彻重要讲话精神不到位"),
        ("", "研讨交流流于形式", "complete", 2, "学习贯彻重要讲话精神不到位"),
        ("(二)", "意识形态工作责任制落实不到位", "complete", 2, None),
    ]


def test_a_line_describing_the_item_over_its_field_is_no_problem_of_its_own():
    text = HEAD + (
        "二、问题整改落实情况\n"
        "(一)理论学习不深入。\n"
        "主要表现为个别支部学习流于形式。\n"
        "整改情况:一是制定学习方案。二是召开专题学习会。\n"
        "欢迎广大干部群众监督。\n"
    )
    assert rows(extract_text(text), "label", "title") == [("(一)", "理论学习不深入")]


def test_check_unnumbered_line_over_its_field_below_a_numbered_item():
    assert rows(checked("real_check", "25"), "label", "title", "status") == [("", "理论学习有计划无行动", None)]


def test_shi_lines_of_their_own_stating_shortcomings_number_the_problems():
    text = HEAD + (
        "二、整改落实情况\n"
        "1.关于“理论学习不够深入”问题的整改\n"
        "一是“第一议题”制度执行不到位\n"
        "严格执行“第一议题”制度,开展专题学习。\n"
        "二是中心组学习研讨不深\n"
        "制定年度学习计划,每季度开展研讨。\n"
        "2.关于“意识形态工作责任制落实不到位”问题的整改\n"
        "一是强化理论武装\n"  # lines of actions are the item's measures: the item is the problem
        "组织专题学习。\n"
        "二是完善工作制度\n"
        "修订责任清单。\n"
        "欢迎广大干部群众监督。\n"
    )
    got = extract_text(text).problems
    assert [(p["label"], p["title"], p["area"]) for p in got] == [
        ("一是", "“第一议题”制度执行不到位", "关于“理论学习不够深入”问题的整改"),
        ("二是", "中心组学习研讨不深", "关于“理论学习不够深入”问题的整改"),
        ("2.", "关于“意识形态工作责任制落实不到位”问题的整改", None),
    ]


def test_as_many_problems_said_done_as_were_fed_back_gives_every_item_done():
    body = (
        "一、整改工作组织情况\n"
        "巡察反馈意见中指出4项12个问题。目前,已整改完成{done}个问题。\n"
        "二、整改落实情况\n"
        "1.关于“理论学习不够深入”问题的整改\n"
        "整改情况:一是制定学习计划;二是开展专题研讨。\n"
        "2.关于“意识形态工作责任制落实不到位”问题的整改\n"
        "整改情况:一是修订责任清单;二是开展专项检查。\n"
        "欢迎广大干部群众监督。\n"
    )
    assert rows(extract_text(HEAD + body.format(done=12)), "status") == [("complete",), ("complete",)]
    # Fewer done than fed back: which ones is not said.
    assert rows(extract_text(HEAD + body.format(done=10)), "status") == [("unstated",), ("unstated",)]


def test_check_shi_line_problem_and_its_status_from_the_counts():
    # 一是 with no 二是 and no closing lines: the text was cut inside item 1; the counts' status was given before.
    got = rows(checked("real_check", "24"), "label", "title", "status", "truncated")
    assert got == [("一是", "“第一议题”制度执行不到位", "complete", True)]
