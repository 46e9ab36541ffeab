"""Concreteness flags: each rule on minimal texts (the span that decided it included), spans mapped to the stored
text, the per-measure and per-notice tables, and the precision and recall measured on the hand-coded sample."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.evaluate import concreteness as evaluation
from analysis.indicators import concreteness
from analysis.indicators.boilerplate import find_stock_phrases
from analysis.indicators.concreteness import FLAGS, measure_flags, source_flags


def _span(text: str, flag: str) -> str | None:
    found = measure_flags(text)[flag]
    return text[found.start : found.end] if found.value else None


@pytest.mark.parametrize(
    ("text", "flag", "span"),
    [
        ("一是2025年3月，修订财务制度。", "has_deadline", "2025年3月"),
        ("整改时限：2024年6月底前。", "has_deadline", "2024年6月底前"),
        ("二是立行立改，清退资金。", "has_deadline", "立行立改"),
        ("一是长期坚持，常态化推进。", "has_deadline", None),
        ("一是制定2025年度学习计划。", "has_deadline", None),
        ("责任单位：办公室；", "has_owner", "责任单位：办公室"),
        ("由市财政局牵头，梳理项目。", "has_owner", "由市财政局牵头"),
        ("会同市财政局制定办法。", "has_owner", "会同市财政局"),
        ("五是分管负责同志对该科负责人进行批评教育。", "has_owner", "分管负责同志"),
        ("2025年2月，市公共资源交易中心制定工作措施。", "has_owner", "市公共资源交易中心"),
        ("一是要求各科室遵照执行。", "has_owner", None),
        ("三是对相关责任人员作出处理。", "has_owner", None),
        ("一是组织业务学习3次。", "has_quantity", "3"),
        ("追回资金54410元。", "has_quantity", "54410"),
        ("先后两次组织学习。", "has_quantity", "两"),
        ("二是严格落实“三重一大”制度。", "has_quantity", None),
        ("1.召开2025年第5次党组会议。", "has_quantity", None),
        ("二是制定《合同管理办法》。", "has_deliverable", "制定《"),
        ("建立专项资金台账。", "has_deliverable", "建立专项资金台账"),
        ("清查追回违规发放的津补贴，共计54410元。", "has_deliverable", "追回违规发放的津补贴，共计54410元"),
        ("科室负责人作书面检讨。", "has_deliverable", "书面检讨"),
        ("组织学习《数据安全法》。", "has_deliverable", None),
        ("严格执行《议事规则》。", "has_deliverable", None),
        # the second revision's rules (tests/data/measure_quality/README.md)
        ("每月10日前更新共享上月数据。", "has_deadline", "每月10日前"),
        ("重点统计2024年12月村级证明办理量。", "has_deadline", None),
        ("2025年1—6月为43件，差评量下降。", "has_deadline", None),
        ("每月10日前更新共享上月数据。", "has_quantity", None),
        ("对建设工期即将超过1年的项目发出提醒。", "has_quantity", "1"),
        ("已联合公安、民政、卫健等部门建立机制。", "has_owner", "联合公安、民政、卫健等部门"),
        ("督促公安、民政、卫健等部门上传信息。", "has_owner", "公安、民政、卫健等部门"),
        ("将发改、资建、住更等单位集中办公。", "has_owner", None),
        ("市政数局与市公安局拟定合作机制送审稿。", "has_owner", "与市公安局"),
        ("一是与局办公室做好工作沟通与配合。", "has_owner", None),
        ("在市协同办公平台增设提醒功能。", "has_owner", None),
        ("6月，签署运维项目的补充协议。", "has_deliverable", "签署运维项目的补充协议"),
        ("已完成上一期项目的退款工作。", "has_deliverable", "已完成上一期项目的退款"),
        ("在后续信息化系统建设过程中，注明著作权归属。", "has_deliverable", None),
        ("为后续制定改革方案理清思路。", "has_deliverable", None),
        ("通过梳理各部门提交的事权运行情况报告。", "has_deliverable", None),
        ("同步对政务信创云进行扩容。", "has_deliverable", "信创云进行扩容"),
        # the third revision's rules (tests/data/measure_quality/README.md)
        ("协调省发改委对中介服务网功能进行完善。", "has_owner", "省发改委"),
        ("推动公安部门构建一窗通办格局。", "has_owner", "公安部门"),
        ("与财政等部门研究编制实施细则。", "has_owner", "与财政等部门"),
        ("2024年11月29日市12345热线中心召开会议。", "has_owner", "市12345热线中心"),
        ("市政数局组织开展专项清理。", "has_owner", None),
        ("提前与市财政局确定资金来源。", "has_owner", None),
        ("随即约谈该项目设计负责人。", "has_owner", None),
        ("组织财务部门相关人员学习。", "has_owner", None),
        ("5月16、5月21日分别召开会议。", "has_quantity", None),
        ("建立信息化项目管理系统。", "has_deliverable", "建立信息化项目管理系统"),
        ("充实完善人口、法人等4个基础库。", "has_deliverable", "充实完善人口、法人等4个基础库"),
        ("六是优化《监理工作管理规范》。", "has_deliverable", "优化《"),
        ("优化推进路径和办法。", "has_deliverable", None),
        ("动态更新巡察整改台账。", "has_deliverable", "更新巡察整改台账"),
        ("出具资产评估报告。", "has_deliverable", "出具资产评估报告"),
        ("按规定核减相应项目费用。", "has_deliverable", "核减相应项目费用"),
        ("督促其退还相关资金。", "has_deliverable", None),
        ("在《政务云管理办法》中明确分配原则。", "has_deliverable", "在《政务云管理办法》中明确"),
        ("要求进一步完善功能。", "has_deliverable", None),
        ("持续完善专区内容。", "has_deliverable", None),
        # fourth revision
        ("由市领导分包推进42个重点项目。", "has_owner", "由市领导分包"),
        ("一是制定党组落实全面从严治党主体责任清单；", "has_owner", None),
        ("由统一监理单位负责归集项目资料。", "has_owner", None),
        ("已收回借款3600万元。", "has_deliverable", "已收回"),
        ("为全部公务用车安装车载定位系统。", "has_deliverable", "安装车载定位系统"),
        ("对超期未检电梯逐台建档。", "has_deliverable", "建档"),
        ("印制高频事项办事指南。", "has_deliverable", "印制高频事项办事指南"),
        ("印发《中共某区委员会工作规则》，明确职责。", "has_deliverable", "印发《"),
        ("函告相关部门，要求对系统进行梳理，分类制定整改措施。", "has_deliverable", None),
        ("按要求制定整改方案。", "has_deliverable", "制定整改方案"),
        ("完善排查机制：1.制定《排查规范》；2.建立台账。", "has_quantity", None),
        ("制定隐性债务化解三年行动方案。", "has_quantity", None),
        # fifth revision
        ("开展市信息中心党支部增补委员工作。", "has_owner", None),
        ("我局财务科今后将加强学习。", "has_owner", "我局财务科"),
        ("制订《采购管理办法》。", "has_deliverable", "制订《"),
        ("将问题涉及款项41.43万元全额上缴市财政局。", "has_deliverable", "41.43万元全额上缴"),
        ("要求其将违规收费48056.10元上缴区财政。", "has_deliverable", None),
        ("出具监理情况说明。", "has_deliverable", "出具监理情况说明"),
        ("1个项目已完工。", "has_deliverable", "已完工"),
        ("立即梳理项目台账。", "has_deadline", "立即"),
        # sixth revision
        ("我镇立即安排蓝山社区对周边环境进行核查。", "has_owner", "蓝山社区"),
        ("深入推进智慧社区建设。", "has_owner", None),
        ("党工委召开会议，传达学习文件。", "has_owner", "党工委"),
        ("将多收取的教材教辅代收费全额上缴财政。", "has_deliverable", "全额上缴"),
        ("签定森林资源包保责任书，落实责任。", "has_deliverable", "签定森林资源包保责任书"),
        # seventh revision
        ("在整改期间，附海镇通过制订台账推进整改。", "has_owner", "附海镇"),
        ("一是统筹城乡发展，加强管理。", "has_owner", None),
        ("立即组织某某工程管理有限公司进行检查。", "has_owner", "某某工程管理有限公司"),
        ("立案庭、政治部(督察室)等信访牵头部门分类建立台账。", "has_owner", "立案庭、政治部(督察室)等信访牵头部门"),
        ("各部门等相关单位落实责任。", "has_owner", None),
        ("财政部门通过加强沟通提升预算编制的规范性。", "has_owner", "财政部门"),
        ("推动部门开展数据共享。", "has_owner", None),
        ("转交督办部门及时处理。", "has_owner", None),
        ("领导班子开展大走访活动。", "has_owner", "领导班子"),
        ("加强领导班子建设。", "has_owner", None),
        ("局党组加强监督检查。", "has_owner", "局党组"),
        ("筹备新建一座水冲式厕所。", "has_deliverable", "新建一座水冲式厕所"),
        ("标识牌和网围栏等设施已安装到位。", "has_deliverable", "设施已安装到位"),
        ("督促相关部门采取措施，安装隔音设施。", "has_deliverable", None),
        ("将生态文明思想纳入各级主体班教学计划。", "has_deliverable", "纳入各级主体班教学计划"),
        ("将通报结果纳入干警负面清单。", "has_deliverable", None),
        ("向养殖场户发放技术指导资料。", "has_deliverable", "发放技术指导资料"),
        ("已清理用地款1.05亿元。", "has_deliverable", "清理用地款1.05亿元"),
        ("全面清理社区集体资金出借情况。", "has_deliverable", None),
        ("2025年1—3月累计填报事项595条。", "has_deadline", None),
        ("截至2025年1月共将32人清退出库。", "has_deadline", "2025年1月"),
        ("督促河长加大巡河力度，发现问题立即处理。", "has_deadline", None),
        # eighth revision
        ("召开区委常委会会议，研究整改工作。", "has_owner", "区委常委会"),
        ("每次校支委会前，搜集学习内容。", "has_owner", None),
        ("建投集团经过多方努力，达成支付比例。", "has_owner", "建投集团"),
        ("组织设计公司编写建设方案。", "has_owner", None),
        ("追回应由个人承担的资金。", "has_owner", None),
        ("每月至少召开一次协调会。", "has_quantity", "一"),
        ("开展一次专项检查。", "has_quantity", None),
        ("会议要求按期完成任务，部务会成员集体研究起草《整改方案》。", "has_deliverable", "起草《"),
        ("要求各单位起草《整改方案》。", "has_deliverable", None),
        ("印发了反馈会议相关材料。", "has_deliverable", "印发了反馈会议相关材料"),
        ("建立“一个问题、一个方案”的整改机制。", "has_deliverable", None),
        # ninth revision
        ("成立了以市局主要领导为组长的领导小组。", "has_owner", "以市局主要领导为组长"),
        ("成立了由党委书记、校长任组长的领导小组。", "has_owner", "由党委书记、校长任组长"),
        ("直面问题不足，细化整改措施。", "has_deliverable", "细化整改措施"),
        ("调减建安投资106万元。", "has_deliverable", "调减建安投资106万元"),
        ("改扩建项目已封顶。", "has_deliverable", "封顶"),
        ("制定巡察整改工作具体安排。", "has_deliverable", "制定巡察整改工作具体安排"),
        ("对具备整改条件的问题，立即整改。", "has_deadline", None),
        ("对能够立即整改的问题，立行立改。", "has_deadline", None),
        ("针对该问题，我镇立即安排社区核查。", "has_deadline", "立即"),
        ("重新规范财务审批管理工作(见附件1)。", "has_quantity", None),
        # tenth revision
        ("先后于2022年10月26日、30日，专题听取汇报。", "has_quantity", None),
        ("18日下午，召开党委扩大会。", "has_quantity", None),
        ("问题须在30日内整改到位。", "has_quantity", "30"),
        ("印发《整改落实方案》(徐发〔2023〕7 号)。", "has_quantity", None),
        ("组织举办集团系统基层党组织建设推进会。", "has_owner", None),
        ("逐条列出整改计划和整改措施。", "has_deliverable", "列出整改计划"),
        ("亲自审定整改方案。", "has_deliverable", "审定整改方案"),
        ("专题学习中央政治局审议《综合报告》的会议精神。", "has_deliverable", None),
        # eleventh revision
        ("通过实施新一轮处级领导班子换届推进工作。", "has_owner", None),
        ("国家一流本科专业增至20个。", "has_owner", None),
        ("10月已规范完成局党组理论学习中心组学习记录。", "has_owner", None),
        ("市委巡视组巡视机关事务管理局党组情况反馈会后召开动员会。", "has_owner", None),
        ("与班子成员开展集体谈话。", "has_owner", None),
        ("省领导对审计整改工作作出批示68次。", "has_owner", "省领导"),
        ("审计厅等5部门制定工作办法。", "has_owner", "审计厅等5部门"),
        ("宋彦麟同志第一时间传达反馈意见。", "has_owner", "宋彦麟同志"),
        ("学习蔡蕾同志的讲话精神。", "has_owner", None),
        ("10月已规范完成学习记录。", "has_deliverable", "完成学习记录"),
        ("党组书记立即书面表态。", "has_deliverable", "书面表态"),
        ("实施改厕24户。", "has_deliverable", "改厕"),
        ("马上成立了整改工作领导小组。", "has_deadline", "马上"),
        ("按照立行立改和分类整改的原则，梳理问题。", "has_deadline", None),
        ("2024年第一季度无信访举报。", "has_deadline", None),
        ("在十一届区委八次全会上作出部署。", "has_quantity", None),
        ("学习党的二十届三中全会精神。", "has_quantity", None),
        # twelfth revision: a unit after 要求 is made to act, as after 督促 (unless it is the issuer)
        ("对于多计工程款的问题，要求区外国语中学收回。", "has_owner", "区外国语中学"),
        # thirteenth revision: a leader named by title heads a group or acts as the subject
        ("成立区委书记任组长的领导小组。", "has_owner", "区委书记任组长"),
        ("成立董事长为组长的整改小组。", "has_owner", "董事长为组长"),
        ("吴国雄副市长高度重视，主持研究。", "has_owner", "吴国雄副市长"),
        ("原进度较慢的琼海市长坡镇幼儿园已开工。", "has_owner", None),
        ("重新开展局长“坐窗口”活动。", "has_owner", None),
        ("选派干部到贫困村担任第一书记。", "has_owner", None),
        # …a case handed to the unit that deals with it, the agent of 由
        ("交由纪委调查1人。", "has_owner", "交由纪委调查"),
        ("乡水厂由县统一接管。", "has_owner", "由县统一接管"),
        ("由于资金问题处理滞后。", "has_owner", None),
        ("问题线索交由有关部门处理。", "has_owner", None),
        # …an organ written bare or after its place, or a village by its name, as the subject
        ("下一步，薛家镇内审将强化审计成果运用。", "has_owner", "薛家镇内审"),
        ("经营部向相关部门多次去函。", "has_owner", "经营部"),
        ("圣迹村利用党群议事会等形式做细群众工作。", "has_owner", "圣迹村"),
        ("每月参加支部开展的活动。", "has_owner", None),
        ("各村已完成排查。", "has_owner", None),
        # …public works repaired, laid or dug are facilities
        ("对5个移民村路灯进行维修更换。", "has_deliverable", "路灯进行维修更换"),
        ("鼓励村民自发打井12口。", "has_deliverable", "打井"),
        ("更换被烧毁的管道。", "has_deliverable", "更换被烧毁的管道"),
        ("加强路灯日常巡查。", "has_deliverable", None),
        # …a preposition cites only what stands right after it; a document made after its object is produced
        ("我镇依照问题清单制定整改方案。", "has_deliverable", "制定整改方案"),
        ("按照新修订的《财务制度》报销。", "has_deliverable", None),
    ],
)
def test_each_flag_is_decided_by_a_span_of_the_text(text: str, flag: str, span: str | None) -> None:
    assert _span(text, flag) == span


@pytest.mark.parametrize(
    ("text", "issuer", "span"),
    [
        # another unit, the subject of its clause, is an owner once the issuer is known to be someone else
        ("市财政局已将上述资金全部拨付到位。", "南川市审计局", "市财政局"),
        ("市财政局已将上述资金全部拨付到位。", None, None),
        ("市财政局已将上述资金全部拨付到位。", "南川市财政局", None),
        # the issuer written short (政数局: 政务服务和大数据管理局) names itself
        ("市政数局印发工作规则。", "咸宁市政务服务和大数据管理局", None),
        # a clause that only ends in a unit is not its name
        ("2025年春节，市政府领导未前来市政数局慰问。", "咸宁市政务服务和大数据管理局", None),
        # a county's own name before its unit (竹溪 + 县卫生健康局) keeps the unit the subject; 厅 as 局
        ("竹溪县卫生健康局积极整改，补发资金。", "竹溪县审计局", "县卫生健康局"),
        ("省财政厅联合印发《办法》。", "江西省审计厅", "省财政厅"),
        # a town or a company in its own notice names itself
        ("逍林镇清理往来款项15笔。", "慈溪市审计局", "逍林镇"),
        ("逍林镇清理往来款项15笔。", "中共慈溪市逍林镇委员会", None),
        ("某某物业有限公司已完成整改。", "某某物业有限公司", None),
        # a department's standard name, long and holding 和, after its county's name
        ("牟定县住房和城乡建设局在收到审计报告后提交整改报告。", "牟定县审计局", "县住房和城乡建设局"),
        ("市政务服务和大数据管理局印发工作规则。", "咸宁市政务服务和大数据管理局", None),
        # a demonstrative before the unit; a school acting in an audit office's report, but not in its own notice
        ("该县财政局根据审计建议，编制了任务分解表。", "某县审计局", "县财政局"),
        ("县育才中学专门派一名分管副校长抓整改。", "某县审计局", "县育才中学"),
        ("县育才中学专门派一名分管副校长抓整改。", "中共某县育才中学支部委员会", None),
    ],
)
def test_the_issuer_tells_another_unit_from_itself(text: str, issuer: str | None, span: str | None) -> None:
    found = measure_flags(text, issuer)["has_owner"]
    assert (text[found.start : found.end] if found.value else None) == span


def test_spans_are_mapped_to_the_stored_text_through_normalisation() -> None:
    # the stored text has a full-width comma and a line break inside the measure, as the seeds do
    source = "标题\n一是2025年3月，市公共资源交易中\n心制定《评标管理办法》，安排1名见证人。"
    start = source.index("一是")
    flags = source_flags(source, start, len(source))
    assert source[flags["has_deadline"].start : flags["has_deadline"].end] == "2025年3月"
    assert source[flags["has_quantity"].start : flags["has_quantity"].end] == "1"
    assert source[flags["has_owner"].start : flags["has_owner"].end] == "市公共资源交易中\n心"
    assert source[flags["has_deliverable"].start : flags["has_deliverable"].end].startswith("制定")


def test_the_measure_table_scores_and_the_notice_table_averages() -> None:
    texts = {"n": "一是2025年3月，制定《办法》。二是加强学习。"}
    measures = pd.DataFrame(
        {
            "doc_id": ["n", "n"],
            "problem_seq": [1, 1],
            "part": ["measure", "measure"],
            "measure_seq": [1, 2],
            "span_start": [0, texts["n"].index("二是")],
            "span_end": [texts["n"].index("二是"), len(texts["n"])],
        }
    )
    table = concreteness.measure_concreteness(measures, texts)
    assert table["score"].tolist() == [2, 0]
    assert table["has_deadline"].tolist() == [True, False]
    assert pd.isna(table["deadline_span_start"].iloc[1])
    per_notice = concreteness.notice_concreteness(table)
    assert per_notice["mean_score"].tolist() == [1.0] and per_notice["has_deliverable"].tolist() == [0.5]
    evidence = concreteness.flag_evidence(table, texts, "has_deadline")
    assert evidence[["measure_seq", "evidence"]].values.tolist() == [[1, "2025年3月"]]
    assert concreteness.flag_evidence(table, texts, "has_owner").empty


def test_the_vocabularies_are_data_with_a_note_for_every_term() -> None:
    table = concreteness.cues()
    assert ("has_owner", "field") in table and ("has_deliverable", "make_verb") in table
    assert all(term.strip() == term and term for terms in table.values() for term in terms)


def test_largest_remainder_allocates_the_whole_sample() -> None:
    alloc = evaluation._largest_remainder({"a": 186, "b": 158, "c": 30, "d": 30, "e": 25}, 153)
    assert sum(alloc.values()) == 153 and alloc == {"a": 66, "b": 56, "c": 11, "d": 11, "e": 9}


# --------------------------------------------------------------------------------------------- hand-coded sample

# Measured with `python -m analysis.evaluate.concreteness` (every run is in tests/data/measure_quality/README.md).
# Floors, not targets: a rule change that loses precision or recall fails here. tune, holdout, fresh and fresh2 were
# all used to write the third revision, so their figures are fits. "fresh3" (175 measures coded blind before that
# revision) measured owner P 0.800 / R 0.727 and deliverable R 0.813 blind; the fourth revision was written on its
# errors, so its figures below are fits too. The blind measure of the fourth revision is "fresh4", when present.
FLOORS = {
    "tune": {
        "has_deadline": (1.0, 1.0),
        "has_owner": (0.93, 0.96),  # 0.966 before the 7th revision: #67 (会同发改、财政、网信等相关部门) coded 0
        "has_quantity": (1.0, 1.0),
        "has_deliverable": (0.98, 1.0),  # 1.0 before the 7th revision: #42 (纳入…学习计划) coded 0, #598/#612 1
    },
    "holdout": {
        "has_deadline": (1.0, 1.0),
        "has_owner": (1.0, 0.94),
        "has_quantity": (1.0, 1.0),
        "has_deliverable": (1.0, 1.0),
    },
    "fresh": {
        "has_deadline": (1.0, 1.0),
        "has_owner": (1.0, 1.0),
        "has_quantity": (1.0, 1.0),
        "has_deliverable": (1.0, 1.0),
    },
    "fresh2": {
        "has_deadline": (1.0, 1.0),
        "has_owner": (1.0, 0.90),
        "has_quantity": (1.0, 0.97),
        "has_deliverable": (0.98, 0.97),
    },
    "fresh3": {
        "has_deadline": (0.94, 0.94),
        # 0.905 / 0.864 before the 7th revision: #453 (支撑部门通过…) read as a subject; 0.870 before the 8th: #441
        # (各党支部…在支委会上谋划) read as a body acting
        "has_owner": (0.83, 0.90),
        "has_quantity": (0.96, 0.93),
        "has_deliverable": (0.97, 0.89),  # recall below the 0.9 target even after tuning on it (measured 0.890)
    },
    # 46 real measures of 14 other agencies' pages, coded blind. The fourth revision's blind run, reading texts as
    # the pipeline does (traditional characters mapped): deadline 0.812 / 0.867, owner 0.933 / 0.560, quantity
    # 1.000 / 0.941, deliverable 1.000 / 0.429. The fifth revision was written on its errors: the floors below are
    # that fit, still far below the target for owner and deliverable recall.
    "fresh4": {
        "has_deadline": (0.88, 1.0),
        "has_owner": (0.95, 0.92),
        "has_quantity": (1.0, 0.94),
        "has_deliverable": (1.0, 0.85),
    },
    # 56 real measures of 14 more pages, coded blind. The fifth revision's blind run: deadline 0.917 / 0.917, owner
    # 0.778 / 0.389, quantity 1.000 / 1.000, deliverable 0.864 / 0.704. The sixth and seventh revisions were written
    # on its errors: the floors below are the seventh's fit.
    "fresh5": {
        "has_deadline": (1.0, 0.91),
        "has_owner": (0.89, 0.94),
        "has_quantity": (1.0, 1.0),
        "has_deliverable": (0.89, 0.96),
    },
    # 97 real measures of 27 more pages, coded blind. The seventh revision's blind run: deadline 0.900 / 1.000, owner
    # 0.936 / 0.786, quantity 1.000 / 0.967, deliverable 0.974 / 0.864. The eighth revision was written on its
    # errors: the floors below are that fit.
    "fresh6": {
        "has_deadline": (0.94, 1.0),
        "has_owner": (0.96, 0.92),
        "has_quantity": (1.0, 1.0),
        "has_deliverable": (0.97, 0.90),  # 1.000 before the 9th revision: #851 (细化措施 in a heading) coded 0
    },
    # 73 real measures of 24 more pages, coded blind. The eighth revision's blind run: deadline 0.864 / 1.000, owner
    # 0.925 / 0.822, quantity 0.938 / 0.938, deliverable 0.957 / 0.667. The ninth revision was written on its
    # errors: the floors below are that fit.
    "fresh7": {
        "has_deadline": (0.95, 1.0),
        "has_owner": (0.93, 0.93),
        "has_quantity": (1.0, 0.93),
        "has_deliverable": (0.96, 0.90),
    },
    # 84 real measures of 26 more pages, coded blind. The ninth revision's blind run: deadline 1.000 / 1.000, owner
    # 0.935 / 0.915, quantity 0.778 / 0.933, deliverable 1.000 / 0.900. The tenth revision was written on its errors:
    # the floors below are that fit.
    "fresh8": {
        "has_deadline": (1.0, 1.0),
        "has_owner": (0.95, 0.97),
        "has_quantity": (0.93, 0.93),
        "has_deliverable": (1.0, 0.96),
    },
    # 85 real measures of 28 more pages, coded blind. The tenth revision's blind run: deadline 0.926 / 0.926, owner
    # 0.837 / 0.854, quantity 0.920 / 1.000, deliverable 0.944 / 0.773. The eleventh revision was written on its
    # errors: the floors below are that fit.
    "fresh9": {
        "has_deadline": (0.96, 0.96),
        "has_owner": (0.93, 0.91),
        "has_quantity": (1.0, 1.0),
        "has_deliverable": (0.95, 0.90),
    },
    # 73 real measures of 28 more pages, coded blind. The eleventh revision's blind run: deadline 0.905 / 1.000,
    # owner 0.977 / 0.878, quantity 1.000 / 1.000, deliverable 0.944 / 0.810. The twelfth revision (one rule) was
    # written on its errors: the floors below are that fit, the deliverable's recall still the blind one.
    "fresh10": {
        "has_deadline": (0.90, 1.0),
        "has_owner": (0.97, 0.93),
        "has_quantity": (1.0, 1.0),
        "has_deliverable": (0.94, 0.80),
    },
    # 39 real measures of 14 more pages (a 妇联, a 检察院, a town, two 卫健委, a 政协 organ, hospitals, an aid
    # command), coded blind. The twelfth revision's blind run, these floors: deadline 1.000 / 1.000, owner
    # 0.944 / 0.895, quantity 1.000 / 0.923, deliverable 0.857 / 0.800.
    "fresh11": {
        "has_deadline": (1.0, 1.0),
        "has_owner": (0.94, 0.89),
        "has_quantity": (1.0, 0.92),
        "has_deliverable": (0.85, 0.80),
    },
    # 46 real measures of 15 more pages (7 of them news reports of one body's rectification, 21 measures), coded
    # blind. The twelfth revision's blind run, these floors: deadline 1.000 / 1.000, owner 0.944 / 0.739, quantity
    # 1.000 / 1.000, deliverable 1.000 / 0.550 (0.875 on the 8 notices' 25 measures, 0.333 on the news reports').
    "fresh12": {
        "has_deadline": (1.0, 1.0),
        "has_owner": (0.94, 0.73),
        "has_quantity": (1.0, 1.0),
        "has_deliverable": (1.0, 0.55),
    },
    # 33 real measures of 12 more pages (zones' 党工委, a county 政法委, a district committee, two bureaus), all from
    # the organisation section, coded blind; scored once by the twelfth revision and once by the thirteenth (committed
    # before the round was opened), with the same result, these floors: deadline 1.000 / 0.909, owner 0.960 / 0.923,
    # quantity 1.000 / 1.000, deliverable 1.000 / 0.909.
    "fresh13": {
        "has_deadline": (1.0, 0.90),
        "has_owner": (0.96, 0.92),
        "has_quantity": (1.0, 1.0),
        "has_deliverable": (1.0, 0.90),
    },
    # 27 real measures of 9 more pages (hospitals, schools, three county audit offices' reports on schools, a
    # university college, a provincial media group), coded blind and scored as fresh13: deadline 1.000 / 1.000, owner
    # 0.667 / 0.667, quantity 0.857 / 1.000, deliverable 1.000 / 0.667.
    "fresh14": {
        "has_deadline": (1.0, 1.0),
        "has_owner": (0.66, 0.66),
        "has_quantity": (0.85, 1.0),
        "has_deliverable": (1.0, 0.66),
    },
}


@pytest.fixture(scope="module")
def sample() -> list[dict]:
    return [row for path in evaluation.SAMPLE_FILES for row in evaluation.read_sample(path)]


def test_the_sample_is_200_measures_a_third_held_out_then_fourteen_fresh_samples(
    sample: list[dict],
) -> None:
    sizes = {"tune": 133, "holdout": 67, "fresh": 60, "fresh2": 123, "fresh3": 175, "fresh4": 46, "fresh5": 56}
    sizes |= {"fresh6": 97, "fresh7": 73, "fresh8": 84, "fresh9": 85, "fresh10": 73, "fresh11": 39, "fresh12": 46}
    sizes |= {"fresh13": 33, "fresh14": 27}
    assert {name: sum(row["split"] == name for row in sample) for name in evaluation.SPLITS} == sizes
    assert {row["source"] for row in sample} == {
        "genre",
        "seed",
        "real",
        "real_check",
        "real_check2",
        "real_check3",
        "real_check4",
        "pages",
    }
    assert len({row["sample_id"] for row in sample}) == 1217
    # fresh2 and fresh3 hold no measure of the earlier sets (no overlapping span in the same notice)
    order = ("tune", "holdout", "fresh", "fresh2", "fresh3")
    for row in (row for row in sample if row["split"] in ("fresh2", "fresh3")):
        earlier = [e for e in sample if e["split"] in order[: order.index(row["split"])]]
        a, b = int(row["span_start"]), int(row["span_end"])
        assert not any(
            (e["source"], e["doc_id"]) == (row["source"], row["doc_id"])
            and a < int(e["span_end"])
            and int(e["span_start"]) < b
            for e in earlier
        ), row["sample_id"]


# Measures of two different notices that share a county's template sentence, each with its own problems and plan:
# #1904 (小甸镇党委, sxjjjc.gov.cn) recites 明确了整改具体内容,列出整改任务清单,…,建立整改台账销账制度 as
# #1113 (安庆一中校党委, aqjjjc.gov.cn) does. Text reuse between notices, not the same measure sampled twice.
TEMPLATE_SHARED = {"1904": "1113"}


def test_the_measures_sharing_a_template_are_of_different_notices(sample: list[dict]) -> None:
    by_id = {row["sample_id"]: row for row in sample}
    for later, earlier in TEMPLATE_SHARED.items():
        a, b = by_id[later], by_id[earlier]
        assert a["issuer"] != b["issuer"] and a["url"] != b["url"] and a["text"] != b["text"]
        assert "整改台账销账制度" in a["text"] and "整改台账销账制度" in b["text"]


@pytest.mark.parametrize(
    "split",
    ["fresh4", "fresh5", "fresh6", "fresh7", "fresh8", "fresh9", "fresh10", "fresh11", "fresh12", "fresh13", "fresh14"],
)
def test_the_page_samples_share_no_text_with_the_earlier_sets(sample: list[dict], split: str) -> None:
    # their measures come from web pages, not from the notices of the earlier sets: overlap is checked on the texts.
    # 30 characters: the genre's shorter stock phrases run to 20 (学习习近平新时代中国特色社会主义思想和) without the
    # measure being the same; the longer formulas recited whole (重要工作亲自部署、重大问题亲自过问…) are the stock
    # phrases of analysis/data/stock_phrases.csv, masked before the runs are taken
    width = 30
    order = evaluation.SPLITS

    def runs(text: str) -> set[str]:
        for start, end, _ in find_stock_phrases(text):
            text = text[:start] + "\0" * (end - start) + text[end:]
        return {text[i : i + width] for i in range(max(1, len(text) - width + 1))} - {"\0" * width}

    earlier = set().union(*(runs(row["text"]) for row in sample if row["split"] in order[: order.index(split)]))
    for row in (row for row in sample if row["split"] == split):
        if row["sample_id"] in TEMPLATE_SHARED:
            continue
        assert not {run for run in runs(row["text"]) if "\0" not in run} & earlier, row["sample_id"]
    assert all(row["issuer"] and row["url"].startswith("http") for row in sample if row["split"] == split)


def test_fresh5_and_later_measures_are_spans_of_their_stored_pages(sample: list[dict]) -> None:
    for row in (
        row for row in sample if row["split"] not in ("tune", "holdout", "fresh", "fresh2", "fresh3", "fresh4")
    ):
        page = (evaluation.PAGES / f"{row['doc_id']}.txt").read_text(encoding="utf-8")
        assert page[int(row["span_start"]) : int(row["span_end"])] == row["text"], row["sample_id"]


@pytest.mark.parametrize("split", evaluation.SPLITS)
def test_precision_and_recall_stay_above_the_measured_floors(sample: list[dict], split: str) -> None:
    scores = evaluation.score(row for row in sample if row["split"] == split)
    for flag in FLAGS:
        precision, recall = FLOORS[split][flag]
        assert scores[flag].precision >= precision, (flag, scores[flag])
        assert scores[flag].recall >= recall, (flag, scores[flag])


def test_the_report_prints_every_flag(sample: list[dict]) -> None:
    printed = evaluation.report(sample)
    assert (
        all(flag in printed for flag in FLAGS)
        and "holdout (n=67)" in printed
        and "fresh (n=60)" in printed
        and "fresh2 (n=123)" in printed
        and "fresh3 (n=175)" in printed
        and "fresh4 (n=46)" in printed
        and "fresh5 (n=56)" in printed
        and "fresh6 (n=97)" in printed
        and "fresh7 (n=73)" in printed
        and "fresh8 (n=84)" in printed
        and "fresh9 (n=85)" in printed
        and "fresh10 (n=73)" in printed
        and "fresh11 (n=39)" in printed
        and "fresh12 (n=46)" in printed
        and "fresh13 (n=33)" in printed
        and "fresh14 (n=27)" in printed
    )


def test_a_collectors_note_after_the_issuer_is_not_part_of_its_name() -> None:
    row = {"issuer": "信阳市平桥区审计局(审计结果公告:平桥区外国语中学)"}
    assert evaluation.issuer_of(row) == "信阳市平桥区审计局"
    # brackets inside a name are kept
    assert (
        evaluation.issuer_of({"issuer": "相城生態文旅發展(集團)有限公司黨委"}) == "相城生態文旅發展(集團)有限公司黨委"
    )


def test_the_second_coder_coded_150_page_measures_and_the_agreement_is_reported(sample: list[dict]) -> None:
    second = evaluation.read_sample(evaluation.SECOND_CODER)
    pages = {row["sample_id"] for row in sample if row["split"] in ("fresh6", "fresh7", "fresh8", "fresh9", "fresh10")}
    assert len(second) == 150 and {row["sample_id"] for row in second} <= pages
    printed = evaluation.coder_agreement(sample, second)
    assert all(flag in printed for flag in FLAGS) and printed.count(" 150 ") == 4


def test_the_definitions_only_coders_coded_fresh11_to_fresh14_whole(sample: list[dict]) -> None:
    second = evaluation.read_sample(evaluation.SECOND_CODER_DEFINITIONS_ONLY)
    rounds = {row["sample_id"] for row in sample if row["split"] in ("fresh11", "fresh12", "fresh13", "fresh14")}
    assert len(second) == 145 and {row["sample_id"] for row in second} == rounds
    printed = evaluation.coder_agreement(sample, second)
    assert all(flag in printed for flag in FLAGS) and printed.count(" 145 ") == 4
    assert "misses, 2 agrees" in printed


def test_the_wilson_interval_matches_a_textbook_value_and_stays_in_the_unit_range() -> None:
    # 81 of 263 (Newcombe 1998, Table I's worked example, method 3): 0.2553 to 0.3662
    low, high = evaluation.wilson_interval(81, 263)
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)
    assert evaluation.wilson_interval(0, 10)[0] == 0.0 and evaluation.wilson_interval(10, 10)[1] == 1.0
    assert evaluation.wilson_interval(0, 0) == (0.0, 1.0)


def test_the_blind_counts_of_each_round_add_up_to_its_hand_coded_positives(sample: list[dict]) -> None:
    # the counts were recovered from each round's first scoring (its P, R and positives in the sample README): the
    # positives they imply must be the round's hand-coded positives today
    blind = evaluation.read_blind_scores()
    rounds = {row["split"] for row in blind}
    assert rounds == {f"fresh{n}" for n in range(6, 15)}
    for row in blind:
        positives = sum(bool(r[row["flag"]]) for r in sample if r["split"] == row["split"])
        assert row["tp"] + row["fn"] == positives, row
        negatives = sum(not r[row["flag"]] for r in sample if r["split"] == row["split"])
        assert row["fp"] <= negatives, row
    printed = evaluation.pooled_blind(blind)
    assert all(flag in printed for flag in FLAGS) and "95% interval" in printed


def test_the_blind_counts_cover_every_measure_of_their_round(sample: list[dict]) -> None:
    for row in evaluation.read_blind_scores():
        size = sum(r["split"] == row["split"] for r in sample)
        assert row["tp"] + row["fp"] + row["fn"] + row["tn"] == size, row
    pooled = evaluation.pooled_counts(evaluation.read_blind_scores())
    assert pooled["has_owner"].tp + pooled["has_owner"].fn == 319 and pooled["has_owner"].fp == 23
