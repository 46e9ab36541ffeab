"""The extractor on notices in layouts the five seeds do not show (tests/data/genre, synthetic but genre-true).

Every expected value below was decided by reading the notice text, as a careful human coder would; none was copied
from the extractor's output. Titles are compared with full- and half-width forms folded (NFKC), since a title is
read from the normalised text while the notice may print full-width punctuation.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from functools import cache

import pytest

from analysis.extract import Extraction, extract_notice, extract_text
from analysis.paths import RAW, TEST_DATA
from analysis.read.sources import RawNotice, read_notice

GENRE = TEST_DATA / "genre"
NOTICES = sorted(p.stem for p in GENRE.glob("*.txt"))


@cache
def _read(name: str) -> tuple[RawNotice, Extraction]:
    notice = read_notice(GENRE / f"{name}.txt", metadata={})
    return notice, extract_notice(notice)


def doc(name: str) -> dict:
    return _read(name)[1].document


def problems(name: str) -> list[dict]:
    return _read(name)[1].problems


def amounts(name: str) -> list[dict]:
    return _read(name)[1].amounts


def column(rows: list[dict], key: str) -> list:
    return [row[key] for row in rows]


def folded(value: str | None) -> str | None:
    return None if value is None else unicodedata.normalize("NFKC", value)


def amount_rows(name: str) -> list[tuple]:
    """(problem_seq, part, raw, yuan, approx, kind) per amount, in document order."""
    return [(a["problem_seq"], a["part"], a["raw"], a["yuan"], a["approx"], a["kind"]) for a in amounts(name)]


def header_facts(name: str) -> dict:
    keys = (
        "title",
        "issuer",
        "review_type",
        "review_scope",
        "reviewer",
        "review_start",
        "review_end",
        "feedback_date",
        "published_date",
    )
    row = doc(name)
    return {k: folded(row[k]) if isinstance(row[k], str) else row[k] for k in keys}


def totals(name: str) -> dict:
    keys = (
        "problems_reported",
        "problems_completed_reported",
        "problems_in_progress_reported",
        "completion_rate_reported",
        "measures_reported",
    )
    return {k: doc(name)[k] for k in keys}


D = dt.date


# --- checks that hold for every notice of the genre ----------------------------------------------------------------


@pytest.mark.parametrize("name", NOTICES)
def test_problems_found(name):
    assert problems(name), doc(name)["warnings"]
    assert not any("no problems found" in w for w in _read(name)[1].warnings)


@pytest.mark.parametrize("name", NOTICES)
def test_amount_spans_hold_their_raw_text_and_value(name):
    notice, _ = _read(name)
    for a in amounts(name):
        raw = notice.text[a["span_start"] : a["span_end"]]
        assert raw == a["raw"]
        assert isinstance(a["yuan"], Decimal)
        assert re.search(r"元$", raw), raw
        assert a["context"] and folded(raw) in folded(a["context"])


@pytest.mark.parametrize("name", NOTICES)
def test_problem_spans_contain_their_titles(name):
    notice, _ = _read(name)
    for p in problems(name):
        source = notice.text[p["span_start"] : p["span_end"]]
        compact = re.sub(r"\s+|\*\*", "", folded(source))
        assert re.sub(r"\s+", "", folded(p["title"])) in compact, p["label"]
        if p["status_span_start"] is not None:
            status_text = notice.text[p["status_span_start"] : p["status_span_end"]]
            assert folded(status_text) == folded(p["status_raw"])


@pytest.mark.parametrize("name", NOTICES)
def test_evidence_quotes_the_source(name):
    notice, extraction = _read(name)
    for ev in extraction.evidence:
        assert notice.text[ev["span_start"] : ev["span_end"]] == ev["quote"]
        if ev["field"] in ("reviewer", "title", "issuer"):
            assert folded(ev["quote"]).replace("**", "") == folded(ev["value"])


@pytest.mark.parametrize("name", NOTICES)
def test_measures_belong_to_found_problems(name):
    _, extraction = _read(name)
    n_problems = len(extraction.problems)
    for m in extraction.measures:
        assert 1 <= m["problem_seq"] <= n_problems
        assert m["text"]


# --- a county inspection with 问题N: labels, 整改情况: and 完成情况: lines ------------------------------------------


def test_county_header():
    assert header_facts("county_problem_labels") == {
        "title": "中共临川县交通运输局党组关于县委第二巡察组巡察反馈意见整改情况的通报",
        "issuer": "中共临川县交通运输局党组",
        "review_type": "巡察",
        "review_scope": "常规巡察",
        "reviewer": "县委第二巡察组",
        "review_start": D(2024, 3, 5),
        "review_end": D(2024, 4, 30),
        "feedback_date": D(2024, 6, 12),
        "published_date": D(2024, 9, 20),
    }


def test_county_totals_ignore_people_and_systems():
    # 诫勉谈话3人 / 批评教育5人 are people, 建立完善制度4项 are rules: none of them is a problem or a measure.
    assert totals("county_problem_labels") == {
        "problems_reported": 5,
        "problems_completed_reported": 3,
        "problems_in_progress_reported": 2,
        "completion_rate_reported": 60.0,
        "measures_reported": 12,
    }


def test_county_problems():
    rows = problems("county_problem_labels")
    assert column(rows, "label") == ["问题1", "问题2", "问题3", "问题4", "问题5"]
    assert [folded(t) for t in column(rows, "title")] == [
        "学习贯彻习近平新时代中国特色社会主义思想不够深入,党组理论学习中心组学习流于形式",
        "公务用车管理不规范,2023年有12次公车私用情况,涉及油费、通行费共计0.86万元",
        "农村公路养护资金使用不规范,违规列支招待费用12.5万元",
        "工程项目监管不到位,3个农村公路建设项目未按合同约定期限完工",
        "超标准发放下乡交通补贴,涉及金额3.2万元",
    ]
    assert column(rows, "status") == ["complete", "complete", "complete", "in_progress", "extended"]
    assert column(rows, "status_raw") == ["已完成", "已完成", "已完成整改", "正在整改", "申请延期"]
    assert column(rows, "n_measures") == [2, 3, 1, 2, 1]
    assert column(rows, "n_results") == [0, 0, 0, 0, 0]
    assert set(column(rows, "section")) == {"main"}
    assert set(column(rows, "area")) == {None}


def test_county_amounts():
    y = Decimal
    assert amount_rows("county_problem_labels") == [
        (None, "preamble", "12.5万元", y(125000), False, "recovered"),
        (None, "preamble", "3.2万元", y(32000), False, "recovered"),
        (2, "problem", "0.86万元", y(8600), False, "involved"),
        (2, "measure", "0.86万元", y(8600), False, "recovered"),
        (3, "problem", "12.5万元", y(125000), False, "involved"),
        (3, "measure", "12.5万元", y(125000), False, "recovered"),
        (5, "problem", "3.2万元", y(32000), False, "involved"),
        (5, "measure", "3.2万元", y(32000), False, "recovered"),
    ]


# --- a provincial inspection: (一) areas → 1. problems → (1) measures, status after the measures ----------------


def test_provincial_header_and_totals():
    assert header_facts("provincial_nested") == {
        "title": "中共江州市委关于省委第三巡视组巡视反馈意见整改进展情况的通报",
        "issuer": "中共江州市委",
        "review_type": "巡视",
        "review_scope": "常规巡视",
        "reviewer": "省委第三巡视组",
        "review_start": D(2023, 10, 9),
        "review_end": D(2023, 12, 15),
        "feedback_date": D(2024, 1, 18),
        "published_date": D(2024, 4, 26),
    }
    # 三个方面五个问题 is what was fed back; 细化为18个具体问题 is the notice's own breakdown of them.
    assert totals("provincial_nested") == {
        "problems_reported": 5,
        "problems_completed_reported": 3,
        "problems_in_progress_reported": 2,
        "completion_rate_reported": None,
        "measures_reported": 42,
    }


def test_provincial_problems_sit_above_their_numbered_measures():
    rows = problems("provincial_nested")
    assert column(rows, "label") == ["1.", "2.", "1.", "2.", "1."]
    assert column(rows, "area") == [
        "关于贯彻落实党中央决策部署方面",
        "关于贯彻落实党中央决策部署方面",
        "关于全面从严治党方面",
        "关于全面从严治党方面",
        "关于落实巡视整改和成果运用方面",
    ]
    assert [folded(t) for t in column(rows, "title")] == [
        "推动高质量发展的举措不够有力,部分重点项目进展缓慢",
        "防范化解重大风险存在短板,政府隐性债务化解任务较重",
        "落实中央八项规定精神不够严格,有的单位违规发放津贴补贴",
        "选人用人工作存在薄弱环节,个别干部“带病提拔”",
        "以往巡视反馈问题整改不彻底,个别问题反弹回潮",
    ]
    assert column(rows, "status") == [
        "complete",
        "substantially_complete",
        "complete",
        "in_progress",
        "complete",
    ]
    assert column(rows, "status_raw")[1] == "取得阶段性成果并持续整改"
    # (2) of problem 1 carries its own 一是/二是 list: it is still one measure.
    assert column(rows, "n_measures") == [3, 2, 2, 2, 1]


def test_provincial_measures_are_the_numbered_lines():
    _, extraction = _read("provincial_nested")
    first = [m for m in extraction.measures if m["problem_seq"] == 1]
    assert [m["marker"] for m in first] == ["(1)", "(2)", "(3)"]
    assert all("整改进展" not in m["text"] for m in extraction.measures)


def test_provincial_amounts():
    y = Decimal
    assert amount_rows("provincial_nested") == [
        (2, "measure", "5.6亿元", y(560000000), False, "other"),
        (3, "measure", "86.4万元", y(864000), False, "recovered"),
    ]


# --- a central inspection: problems at (一), measures as 1. lines under 整改措施:, one unmapped status -------------


def test_central_header_and_totals():
    assert header_facts("central_measure_lines") == {
        "title": "中共华北能源集团有限公司党委关于中央第十一巡视组反馈意见整改进展情况的通报",
        "issuer": "中共华北能源集团有限公司党委",
        "review_type": "巡视",
        "review_scope": "常规巡视",
        "reviewer": "中央第十一巡视组",
        "review_start": D(2023, 10, 16),
        "review_end": D(2024, 1, 12),
        "feedback_date": D(2024, 4, 2),
        "published_date": D(2024, 7, 15),
    }
    assert totals("central_measure_lines") == {
        "problems_reported": 4,
        "problems_completed_reported": None,
        "problems_in_progress_reported": None,
        "completion_rate_reported": None,
        "measures_reported": 11,
    }


def test_central_problems():
    rows = problems("central_measure_lines")
    assert column(rows, "label") == ["(一)", "(二)", "(三)", "(四)"]
    assert [folded(t) for t in column(rows, "title")] == [
        "贯彻落实党中央关于能源安全决策部署不够到位",
        "投资管理不够审慎,部分境外项目亏损严重",
        "安全生产责任落实存在薄弱环节",
        "所属企业违规出借资金问题未彻底解决",
    ]
    assert column(rows, "status") == ["complete", "deemed_complete", "long_term", None]
    assert column(rows, "status_raw") == ["已完成整改", "视同完成", "长期坚持", "已纳入年度重点工作持续跟踪"]
    assert column(rows, "n_measures") == [3, 2, 3, 3]
    assert set(column(rows, "area")) == {None}


def test_central_unmapped_status_is_reported():
    assert doc("central_measure_lines")["unmapped_status_phrases"] == "已纳入年度重点工作持续跟踪"


def test_central_amounts():
    y = Decimal
    assert amount_rows("central_measure_lines") == [
        (2, "measure", "28.6亿元", y(2860000000), False, "involved"),
        (2, "measure", "1,234.5万元", y(12345000), False, "recovered"),
        (4, "measure", "3600万元", y(36000000), False, "recovered"),
    ]


# --- a web page: chrome, markdown, full-width digits, a broken word, a lost numeral, 一、 → 1. --------------------


def test_defective_page_header_and_totals():
    assert header_facts("defects_chrome") == {
        "title": "中共青川市数据局党组关于市委第三巡察组反馈意见整改情况的通报",
        "issuer": "中共青川市数据局党组",
        "review_type": "巡察",
        "review_scope": "常规巡察",
        "reviewer": "市委第三巡察组",
        "review_start": D(2024, 9, 2),
        "review_end": D(2024, 11, 20),
        "feedback_date": D(2024, 12, 16),
        "published_date": D(2025, 3, 18),
    }
    assert totals("defects_chrome") == {
        "problems_reported": 3,
        "problems_completed_reported": None,
        "problems_in_progress_reported": None,
        "completion_rate_reported": 100.0,
        "measures_reported": None,
    }


def test_defective_page_problems():
    rows = problems("defects_chrome")
    assert [folded(label) for label in column(rows, "label")] == ["1.", "2.", "3."]
    assert [folded(t) for t in column(rows, "title")] == [
        "数据共享平台建设滞后,部门间数据壁垒仍然存在",
        "政务信息化项目管理不规范,2023年有4个项目未经验收即支付尾款,涉及资金236.8万元",
        "网络安全责任落实不到位,部分单位未按要求开展网络安全等级保护测评",
    ]
    assert column(rows, "status") == ["complete"] * 3
    # Problem 1's second measure lost its 二 (`;是建立…`): it still counts.
    assert column(rows, "n_measures") == [3, 2, 1]


def test_defective_page_amount_is_read_from_full_width_digits():
    y = Decimal
    assert amount_rows("defects_chrome") == [(2, "problem", "２３６．８万元", y(2368000), False, "involved")]


# --- an audit report to the people's congress: quoted-problem headings, 核减/追回/归还, odd amount forms ----------


def test_audit_header():
    facts = header_facts("audit_report")
    del facts["issuer"]  # the report is the government's, read by the audit office: metadata decides
    assert facts == {
        "title": "关于2023年度市本级预算执行和其他财政收支审计查出问题整改情况的报告",
        "review_type": "审计",
        "review_scope": "审计(市本级2023年度预算执行和其他财政收支情况)",
        "reviewer": "南川市审计局",
        # 2024年5月至7月 names months, not days: no date can be read without guessing.
        "review_start": None,
        "review_end": None,
        "feedback_date": None,
        # The report is dated by the line under its title: delivered at the session of 2024-12-24.
        "published_date": D(2024, 12, 24),
    }


def test_audit_totals():
    assert totals("audit_report") == {
        "problems_reported": 12,
        "problems_completed_reported": 9,
        "problems_in_progress_reported": 3,
        "completion_rate_reported": 75.0,
        "measures_reported": None,
    }


def test_audit_problems():
    rows = problems("audit_report")
    assert column(rows, "label") == ["(一)", "(二)", "(三)", "(四)"]
    # The heading as printed (tests/data/real/README.md): only a heading that is nothing but 针对“…” is its quotation.
    assert column(rows, "title") == [
        "关于“部分专项资金未及时拨付”问题的整改情况",
        "关于“政府投资项目结算审核不严”问题的整改情况",
        "关于“违规使用财政资金”问题的整改情况",
        "关于“国有资产管理不规范”问题的整改情况",
    ]
    assert column(rows, "status") == ["complete", "complete", "in_progress", "long_term"]
    assert column(rows, "status_raw") == ["已整改到位", "已整改到位", "部分整改", "持续整改"]
    assert column(rows, "n_measures") == [1, 1, 2, 1]
    assert folded(rows[0]["description"]) == "审计发现,市财政局2023年有3项专项资金共计1,234.5万元未及时拨付至项目单位。"


def test_audit_amounts():
    y = Decimal
    assert amount_rows("audit_report") == [
        (None, "preamble", "5.49 亿元", y(549000000), False, "involved"),
        (None, "preamble", "千万元", y(10000000), True, "recovered"),  # 逾千万元: more than ten million
        (1, "problem", "1,234.5万元", y(12345000), False, "involved"),
        (2, "problem", "300万元", y(3000000), True, "involved"),  # 约300万元
        (2, "measure", "286.7万元", y(2867000), False, "reduced"),
        (3, "problem", "58万元", y(580000), False, "involved"),
        (3, "measure", "40万元", y(400000), False, "recovered"),
        (3, "measure", "18万元", y(180000), False, "other"),
        (4, "problem", "2.1亿元", y(210000000), False, "involved"),
        (4, "measure", "3,560万元", y(35600000), False, "recovered"),
    ]


def test_audit_kind_phrases():
    phrases = {a["raw"]: a["kind_phrase"] for a in amounts("audit_report")}
    assert phrases["286.7万元"] == "核减"
    assert phrases["40万元"] == "归还"
    assert phrases["3,560万元"] == "追回"


# --- a follow-up inspection: (一)在“…”方面 areas, 1.关于“…”的问题 problems ------------------------------------


def test_quoted_header_and_totals():
    assert header_facts("quoted_areas") == {
        "title": "中共河源市林业局党组关于市委第一巡察组巡察反馈意见整改进展情况的通报",
        "issuer": "中共河源市林业局党组",
        "review_type": "巡察",
        # A 回头看 is a follow-up, not a regular inspection: no 常规 is implied.
        "review_scope": "巡察“回头看”",
        "reviewer": "市委第一巡察组",
        "review_start": D(2024, 4, 8),
        "review_end": D(2024, 6, 7),
        "feedback_date": D(2024, 7, 19),
        "published_date": D(2024, 10, 30),
    }
    assert totals("quoted_areas") == {
        "problems_reported": 4,
        "problems_completed_reported": 3,
        "problems_in_progress_reported": 1,
        "completion_rate_reported": None,
        "measures_reported": 11,
    }


def test_quoted_problems():
    rows = problems("quoted_areas")
    assert column(rows, "label") == ["1.", "2.", "1.", "2."]
    assert column(rows, "area") == ["在“政治建设”方面"] * 2 + ["在“作风建设”方面"] * 2
    assert column(rows, "title") == [
        "关于“落实意识形态工作责任制不到位”的问题",
        "关于“党组理论学习中心组学习不规范”的问题",
        "关于“违规发放森林防火值班补助”的问题",
        "关于“护林员队伍管理不规范”的问题",
    ]
    assert column(rows, "status") == ["complete", "complete", "complete", "in_progress"]
    assert column(rows, "status_raw") == ["已整改到位"] * 3 + ["正在整改推进中"]
    assert column(rows, "n_measures") == [3, 2, 2, 4]
    assert folded(rows[0]["description"]) == "2023年以来局党组专题研究意识形态工作仅1次,对网络舆情研判不及时。"


def test_quoted_amounts():
    y = Decimal
    assert amount_rows("quoted_areas") == [
        (3, "problem", "4.3万元", y(43000), False, "involved"),
        (3, "measure", "4.3万元", y(43000), False, "recovered"),
        (4, "measure", "2.6万元", y(26000), False, "recovered"),
    ]


# --- a district special inspection: labelled fields (时限, 责任单位), results, 销号 statuses, thresholds --------------


def test_district_header_and_totals():
    assert header_facts("district_fields") == {
        "title": "中共海滨市海港区市场监督管理局党组关于区委第四巡察组专项巡察反馈意见整改情况的通报",
        "issuer": "中共海滨市海港区市场监督管理局党组",
        "review_type": "巡察",
        "review_scope": "专项巡察(食品安全监管)",
        "reviewer": "区委第四巡察组",
        "review_start": D(2024, 8, 26),
        "review_end": D(2024, 10, 25),
        "feedback_date": D(2024, 11, 28),
        "published_date": D(2025, 4, 18),
    }
    assert totals("district_fields") == {
        "problems_reported": 4,
        "problems_completed_reported": 3,
        "problems_in_progress_reported": 1,  # 基本完成1个: in progress, by the labelling convention (tests/data/real)
        "completion_rate_reported": None,
        "measures_reported": 9,
    }


def test_district_problems():
    rows = problems("district_fields")
    assert column(rows, "label") == ["(一)", "(二)", "(三)", "(四)"]
    assert [folded(t) for t in column(rows, "title")] == [
        "食品安全风险隐患排查不深入,校园周边食品经营户检查覆盖率不足60%",
        "执法办案程序不规范,部分案件未按规定进行法制审核",
        "特种设备安全监管存在盲区,部分电梯超期未检",
        "执法装备采购程序不规范,单笔采购金额超过5万元的项目未经集体研究",
    ]
    assert column(rows, "status") == ["complete", "substantially_complete", "deemed_complete", "complete"]
    assert column(rows, "status_raw") == ["已销号", "基本完成", "视同完成,持续整改", "整改销号"]
    # Problem 1's first measure holds a nested 1./2. list: it counts once.
    assert column(rows, "n_measures") == [2, 2, 1, 2]
    assert column(rows, "n_results") == [1, 0, 0, 0]


def test_district_amounts():
    y = Decimal
    # 超过5万元的项目 and 5万元以上 are a rule's limit, not an approximate sum.
    assert amount_rows("district_fields") == [
        (1, "result", "8.6万元", y(86000), False, "recovered"),
        (4, "problem", "5万元", y(50000), False, "threshold"),
        (4, "measure", "5万元", y(50000), False, "threshold"),
    ]


# --- a street office after a 机动巡察: 问题一: labels, statuses in brackets after the title, 万余元 ---------------


def test_street_header_and_totals():
    assert header_facts("street_bracket_status") == {
        "title": "中共滨江区城东街道工作委员会关于区委机动巡察组巡察反馈意见整改情况的通报",
        "issuer": "中共滨江区城东街道工作委员会",
        "review_type": "巡察",
        "review_scope": "机动巡察(城东街道党工委)",
        "reviewer": "区委机动巡察组",
        "review_start": D(2024, 5, 6),
        "review_end": D(2024, 6, 14),
        "feedback_date": D(2024, 7, 3),
        "published_date": D(2024, 10, 8),
    }
    assert totals("street_bracket_status") == {
        "problems_reported": 4,
        "problems_completed_reported": 2,
        "problems_in_progress_reported": 1,
        "completion_rate_reported": None,
        "measures_reported": 8,
    }


def test_street_problems():
    rows = problems("street_bracket_status")
    assert column(rows, "label") == ["问题一", "问题二", "问题三", "问题四"]
    assert [folded(t) for t in column(rows, "title")] == [
        "党工委落实意识形态工作责任制不到位",
        "社区“三资”管理不规范,个别社区违规出借集体资金2.3万多元",
        "基层减负工作落实不到位,迎检材料多",
        "网格员队伍管理松散,考核流于形式",
    ]
    # The section is titled 整改完成情况: that names the report, not the status of problem 四, which has none.
    assert column(rows, "status") == ["complete", "in_progress", "complete", "unstated"]
    assert column(rows, "status_raw") == ["已完成", "正在整改", "已整改完毕", None]
    assert column(rows, "n_measures") == [2, 3, 1, 2]


def test_street_amounts():
    y = Decimal
    assert amount_rows("street_bracket_status") == [
        (None, "preamble", "5万余元", y(50000), True, "recovered"),
        (2, "problem", "2.3万多元", y(23000), True, "involved"),
        (2, "measure", "3万元", y(30000), False, "threshold"),  # 不超过3万元: a limit
    ]


# --- aspects as top-level sections (二、关于…方面), an organisational section with 一是 lists before them ----------


def test_aspect_header_and_totals():
    # The feedback sentence stands in its own paragraph after the inspection sentence.
    assert header_facts("aspect_sections") == {
        "title": "中共北山市医疗保障局党组关于市委第五巡察组巡察反馈意见整改进展情况的通报",
        "issuer": "中共北山市医疗保障局党组",
        "review_type": "巡察",
        "review_scope": "常规巡察",
        "reviewer": "市委第五巡察组",
        "review_start": D(2024, 4, 15),
        "review_end": D(2024, 6, 20),
        "feedback_date": D(2024, 8, 2),
        "published_date": D(2024, 11, 20),
    }
    assert totals("aspect_sections") == {
        "problems_reported": 6,
        "problems_completed_reported": 4,
        "problems_in_progress_reported": 2,
        "completion_rate_reported": None,
        "measures_reported": 24,
    }


def test_aspect_problems():
    rows = problems("aspect_sections")
    # 加强组织领导 / 压实整改责任 in section 一 are what the party group did, not problems.
    assert column(rows, "label") == ["(一)", "(二)", "(一)", "(二)", "(一)", "(二)"]
    assert column(rows, "area") == [
        "关于落实全面从严治党主体责任方面",
        "关于落实全面从严治党主体责任方面",
        "关于医保基金监管方面",
        "关于医保基金监管方面",
        "关于干部队伍建设方面",
        "关于干部队伍建设方面",
    ]
    assert [folded(t) for t in column(rows, "title")] == [
        "党组主体责任落实不到位,对下属单位管党治党指导不够",
        "意识形态工作责任制落实不够有力",
        "医保基金监管存在漏洞,2023年有5家定点医疗机构违规结算医保基金共计47.6万元",
        "医保信息系统建设滞后,异地就医直接结算率偏低",
        "干部队伍结构不优,年轻干部储备不足",
        "干部教育培训针对性不强",
    ]
    assert column(rows, "status") == ["complete", "complete", "complete", "in_progress", "in_progress", "complete"]
    assert column(rows, "n_measures") == [2, 3, 2, 2, 2, 1]


def test_aspect_amounts():
    y = Decimal
    assert amount_rows("aspect_sections") == [
        (3, "problem", "47.6万元", y(476000), False, "involved"),
        (3, "measure", "47.6万元", y(476000), False, "recovered"),
    ]


# --- short notices written inline: field-label variants -------------------------------------------------------------


def test_label_variants_and_responsibility_fields_end_the_measures():
    text = (
        "中共某县统计局党组关于县委第一巡察组巡察反馈意见整改情况的通报\n"
        "根据县委统一部署,2024年3月1日至4月15日,县委第一巡察组对县统计局党组开展了常规巡察。\n"
        "二、反馈问题整改情况\n"
        "(一)统计数据质量管控不严。\n"
        "整改措施:一是建立数据质量三级审核制度;二是开展统计执法检查。\n"
        "责任部门:综合股\n"
        "整改完成情况:已完成整改。\n"
        "(二)统计干部业务能力不足。\n"
        "整改措施:组织统计业务培训4期。\n"
        "牵头领导:分管副局长\n"
        "整改进展情况:正在推进。\n"
    )
    extraction = extract_text(text)
    rows = extraction.problems
    assert column(rows, "title") == ["统计数据质量管控不严", "统计干部业务能力不足"]
    assert column(rows, "status") == ["complete", "in_progress"]
    assert column(rows, "status_raw") == ["已完成整改", "正在推进"]
    assert column(rows, "n_measures") == [2, 1]
    assert not any("综合股" in m["text"] or "副局长" in m["text"] for m in extraction.measures)


def test_status_opening_the_measures_field():
    text = (
        "中共某县统计局党组关于巡察整改情况的通报\n"
        "根据县委统一部署,县委第一巡察组对县统计局党组开展了常规巡察。\n"
        "二、反馈问题整改情况\n"
        "1.统计数据质量管控不严。\n"
        "整改情况:已完成整改。一是建立数据质量三级审核制度;二是开展统计执法检查。\n"
        "2.统计干部业务能力不足。\n"
        "整改情况:持续整改。组织统计业务培训4期。\n"
    )
    rows = extract_text(text).problems
    assert column(rows, "status") == ["complete", "long_term"]
    assert column(rows, "n_measures") == [2, 1]


def test_bracketed_labels_and_measure_lines_under_a_label():
    text = (
        "中共某市文化广电旅游局党组关于市委第二巡察组巡察反馈意见整改情况的通报\n"
        "根据市委统一部署,2024年5月6日至7月5日,市委第二巡察组对市文化广电旅游局党组开展了常规巡察。\n"
        "一、巡察反馈问题整改落实情况\n"
        "(一)落实意识形态工作责任制方面\n"
        "1.对文艺演出活动内容审核把关不严。\n"
        "【整改落实情况】已完成整改。\n"
        "(1)制定《营业性演出内容审核工作规程》。\n"
        "(2)对2023年以来审批的演出项目开展复查。\n"
        "2.文物安全巡查不到位,部分文物保护单位消防设施老化。\n"
        "【整改措施】一是开展文物安全专项检查;二是更新消防设施,投入资金35万元。\n"
        "【整改结果】基本完成整改。\n"
    )
    extraction = extract_text(text)
    rows = extraction.problems
    assert column(rows, "label") == ["1.", "2."]
    assert column(rows, "area") == ["落实意识形态工作责任制方面"] * 2
    assert column(rows, "title") == [
        "对文艺演出活动内容审核把关不严",
        "文物安全巡查不到位,部分文物保护单位消防设施老化",
    ]
    assert column(rows, "status") == ["complete", "substantially_complete"]
    assert column(rows, "n_measures") == [2, 2]
    assert [(a["problem_seq"], a["part"], a["raw"]) for a in extraction.amounts] == [(2, "measure", "35万元")]


def test_problems_as_top_level_sections_after_an_organisational_one():
    text = (
        "中共某市水务局党组关于市委第四巡察组巡察反馈意见整改情况的通报\n"
        "根据市委统一部署,2024年3月4日至5月10日,市委第四巡察组对市水务局党组开展了常规巡察。"
        "2024年6月18日,巡察组反馈了巡察意见。现将整改情况予以公布。\n"
        "一、整改工作开展情况\n"
        "局党组高度重视。一是成立整改工作领导小组;二是制定整改方案,建立台账。\n"
        "二、关于“河道管护责任落实不到位”问题的整改情况\n"
        "整改措施:一是修订河长制工作考核办法;二是开展河道专项巡查12次。\n"
        "整改结果:已完成整改。\n"
        "三、关于“工程项目资金拨付不及时”问题的整改情况\n"
        "整改措施:一是建立资金拨付台账;二是清理历年欠付款项;三是约谈相关责任人。\n"
        "整改结果:正在整改。\n"
        "四、下一步工作打算\n"
        "一是持续巩固整改成果;二是健全长效机制。\n"
    )
    rows = extract_text(text).problems
    assert column(rows, "title") == [
        "关于“河道管护责任落实不到位”问题的整改情况",
        "关于“工程项目资金拨付不及时”问题的整改情况",
    ]
    assert column(rows, "status") == ["complete", "in_progress"]
    assert column(rows, "n_measures") == [2, 3]


def test_a_problem_after_the_closing_lines_keeps_its_text_and_measures() -> None:
    # issue 11: a problem placed after the closing line (欢迎广大干部群众…) got an empty span and 0 measures
    from analysis.extract import extract_text

    text = (RAW / "suining.txt").read_text(encoding="utf-8")
    plain = extract_text(text, "suining")
    last = plain.problems[-1]
    cut = text.rfind("\n", 0, last["span_start"])
    moved = extract_text(text[:cut] + "\n欢迎广大干部群众对巡察整改落实情况进行监督。" + text[cut:], "suining")
    after = moved.problems[-1]
    assert after["span_end"] - after["span_start"] == last["span_end"] - last["span_start"]
    assert after["n_measures"] == last["n_measures"] > 0
