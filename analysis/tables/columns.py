"""The five output tables, column by column: the one source of truth for names, types, units and meanings.

To add a column, add one entry to its table's `columns`, where it should appear; the pandera schema, the
Arrow schema, `conform`, the Excel sheet and docs/codebook.md (`python -m analysis.tables`) follow.
The codes' definitions follow shared/gold/README.md and shared/GENRE.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from analysis.tables import codes
from analysis.tables.types import Column, Reference, Rule, Table

if TYPE_CHECKING:
    import pandas as pd


def _text(name: str, en: str, zh: str, **facts: object) -> Column:
    return Column(name, "string", en, zh, **facts)


def _count(name: str, en: str, zh: str, *, nullable: bool = False) -> Column:
    return Column(name, "int", en, zh, unit="count", nullable=nullable, minimum=0)


def _seq(name: str, en: str, zh: str, *, nullable: bool = False) -> Column:
    return Column(name, "int", en, zh, nullable=nullable, minimum=1)


def _offset(name: str, en: str, zh: str, *, nullable: bool = False) -> Column:
    return Column(name, "int", en, zh, unit="characters", nullable=nullable, minimum=0)


def _date(name: str, en: str, zh: str) -> Column:
    return Column(name, "date", f"{en}; null when unknown", f"{zh}；不详时为空", nullable=True)


DOC_ID = _text(
    "doc_id",
    en="identifier of the notice: the raw file's name without its extension (e.g. shenyang)",
    zh="通报标识：原始文件名去掉扩展名（如 shenyang）",
    pattern=r"[^/\\]+",
)
SPAN_START = _offset(
    "span_start",
    en="start of the row's text: offset of its first character in the decoded source text",
    zh="本行内容在原文中的起始位置（解码后原文的字符下标）",
)
SPAN_END = _offset(
    "span_end",
    en="end of the row's text: offset just past its last character ([start, end), Python str indices)",
    zh="本行内容在原文中的结束位置（不含该位置）",
)

REVIEW_TYPES = {
    "巡察": "inspection by a city or county Party committee's inspection group (巡察组)",
    "巡视": "inspection by a central or provincial Party committee's inspection group (巡视组)",
    "审计": "audit by an audit office (审计局/审计厅/审计署)",
    "其他": "any other kind of review, e.g. 督查 or a 专项检查",
}

STATUSES = codes.statuses().descriptions()


def _category_codes() -> dict[str, str]:
    """Category keys come from the editable codebook (analysis/data/categories.csv), so editing it is enough."""
    return {code.key: f"{code.name_en} ({code.name_zh})" for code in codes.categories().codes}


TEXT_SOURCES = {
    "file": "a plain-text file, decoded",
    "html": "the main text of a saved web page",
    "docx": "the paragraphs of a Word document",
    "pdf": "the text layer of a PDF",
}

CATEGORY_SOURCES = {
    "model": "decided by the classifier (character n-gram TF-IDF + logistic regression)",
    "rule": "decided by codebook keywords in the problem's text",
    "manual": "set by a researcher in data/corrections.csv",
}

SECTIONS = {
    "main": "the notice's list of problems (all of them, when the notice has one list)",
    "key": "a section of key problems (重点问题, 中山 section 二) beside a section of long-term tasks",
    "long_term": "a section of long-term rectification tasks (长期整改任务, 中山 section 三)",
}

MEASURE_PARTS = {
    "measure": "a measure under 整改措施/整改情况/主要措施: 一是…, 1.…, or one unnumbered paragraph",
    "result": "a result item under 整改成效 (沈阳)",
}

AMOUNT_PARTS = {
    "problem": "in the problem's own description",
    "measure": "in one of the problem's measures",
    "result": "in one of the problem's results (整改成效)",
    "preamble": "outside the problems: header, headline totals, closing sections (problem_seq is null)",
}

KINDS = codes.amount_kinds().descriptions()


DOCUMENTS = Table(
    "documents",
    description_en="One row per notice: the source file, the review it answers, the totals the notice "
    "states about itself, and counts and checks of what was extracted.",
    description_zh="每份通报一行：来源文件、所回应的巡察（巡视、审计）、通报自述的总数，以及抽取结果的计数与核查。",
    primary_key=("doc_id",),
    columns=(
        DOC_ID,
        _text("source_file", en="raw file name as given", zh="原始文件名"),
        _text(
            "sha256",
            en="SHA-256 of the raw file's bytes, lowercase hex",
            zh="原始文件字节的 SHA-256（小写十六进制）",
            pattern=r"[0-9a-f]{64}",
        ),
        _text(
            "encoding",
            en="character encoding the raw bytes were decoded with (pdf-text-layer for a PDF)",
            zh="解码所用的字符编码",
        ),
        _text(
            "text_source",
            en="how the text the spans index was obtained; the text is stored in texts/<doc_id>.txt",
            zh="文本来源（纯文本、网页、Word、PDF）；抽取所用文本存于 texts/<doc_id>.txt",
            codes=TEXT_SOURCES,
        ),
        _text(
            "title",
            en="title of the notice as written; null when none was found",
            zh="通报标题（原文）；未识别时为空",
            nullable=True,
        ),
        _text(
            "city",
            en="prefecture-level city, with 市; null when not determined",
            zh="地级市（含“市”）；不详时为空",
            nullable=True,
        ),
        _text(
            "county",
            en="county or district of a county-level issuer; null otherwise",
            zh="县级发布单位所在县（市、区）；否则为空",
            nullable=True,
        ),
        _text("province", en="province; null when not determined", zh="省份；不详时为空", nullable=True),
        _text(
            "adcode",
            en="6-digit administrative code (GB/T 2260, analysis/data/gazetteer.csv) of the most specific of county, "
            "city and province that the gazetteer knows (a development zone has none: its city's); null when none",
            zh="县、市、省中最具体且见于区划表者的 6 位行政区划代码（开发区无代码，取其所在市）；不详时为空",
            nullable=True,
            pattern=r"\d{6}",
        ),
        _text(
            "issuer",
            en="the body that publishes the notice, as written; null when not found",
            zh="发布通报的单位（原文）；未识别时为空",
            nullable=True,
        ),
        _text(
            "admin_level",
            en="administrative level of the issuer; null when neither its place nor its name says",
            zh="发布单位的行政层级；地点与名称均不能判定时为空",
            nullable=True,
            codes=codes.admin_levels().descriptions(),
        ),
        _text(
            "agency_type",
            en="kind of body the issuer is, by the words of its name; null when the issuer is unknown",
            zh="发布单位的类型（据其名称判定）；发布单位不详时为空",
            nullable=True,
            codes=codes.agency_types().descriptions(),
        ),
        _text(
            "metadata_given",
            en="which values were given in data/raw/metadata.csv and so override the text (city, county, province, "
            "issuer; optionally review_type, review_scope, reviewer, the dates, admin_level, agency_type, review_kind, "
            "adcode), joined with '; '",
            zh="由元数据文件给定（覆盖正文）的字段，以“; ”连接",
        ),
        _text(
            "metadata_inferred",
            en="which of city, county, province, issuer were read from the text (the rest were given in "
            "data/raw/metadata.csv or are unknown), joined with '; '",
            zh="由正文推断（而非元数据文件给定）的字段，以“; ”连接",
        ),
        _text(
            "review_type",
            en="kind of review the notice answers; null when the notice does not say",
            zh="所回应的监督类型；未写明时为空",
            nullable=True,
            codes=REVIEW_TYPES,
        ),
        _text(
            "review_scope",
            en="常规巡察 / 专项巡察 / the audit's subject, as written; null when not stated",
            zh="巡察类别或审计事项（原文）；未写明时为空",
            nullable=True,
        ),
        _text(
            "review_kind",
            en="kind of review (常规 / 专项 / 机动 / 回头看 / 审计); an inspection naming no kind is regular; "
            "null when the review type is unknown",
            zh="监督类别（常规、专项、机动、回头看、审计）；未写明类别的巡察（巡视）记为常规；监督类型不详时为空",
            nullable=True,
            codes=codes.review_kinds().descriptions(),
        ),
        _text(
            "reviewer",
            en="the inspecting or auditing body, as written; null when the text does not name it",
            zh="巡察（巡视、审计）机构（原文）；未写明时为空",
            nullable=True,
        ),
        _date("review_start", en="first day of the on-site review (进驻)", zh="巡察（审计）开始日期"),
        _date("review_end", en="last day of the on-site review", zh="巡察（审计）结束日期"),
        _date("feedback_date", en="date the findings were fed back to the issuer", zh="反馈意见日期"),
        _date("published_date", en="date of the notice", zh="通报日期"),
        Column(
            "year",
            "int",
            "year of published_date, else of feedback_date; null when neither is known",
            "通报日期所在年份，无通报日期时取反馈日期年份；均不详时为空",
            nullable=True,
        ),
        _count(
            "problems_reported",
            en="number of problems the notice itself states (四个方面11个问题 → 11); null when not stated",
            zh="通报自述的问题数（“四个方面11个问题”记 11）；未述及时为空",
            nullable=True,
        ),
        _count(
            "problems_completed_reported",
            en="problems the notice says are rectified (已完成整改N个); null when not stated",
            zh="通报自述已完成整改的问题数；未述及时为空",
            nullable=True,
        ),
        _count(
            "problems_in_progress_reported",
            en="problems the notice says are being rectified (正在整改N个); null when not stated",
            zh="通报自述正在整改的问题数；未述及时为空",
            nullable=True,
        ),
        Column(
            "completion_rate_reported",
            "float",
            "completion rate as the notice states it (整改完成率X%), never recomputed; null when not stated",
            "通报自述的整改完成率，不重新计算；未述及时为空",
            unit="percent",
            nullable=True,
            minimum=0,
            maximum=100,
        ),
        _count(
            "measures_reported",
            en="number of measures or tasks the notice states (56条整改措施, 整改任务 25 项); null when not stated",
            zh="通报自述的整改措施（任务）数；未述及时为空",
            nullable=True,
        ),
        _count("problems_extracted", en="rows of problems extracted from the notice", zh="抽取的问题行数"),
        _count("measures_extracted", en="rows of measures with part = measure", zh="抽取的整改措施行数"),
        _count("results_extracted", en="rows of measures with part = result", zh="抽取的整改成效行数"),
        _count("amounts_extracted", en="rows of amounts extracted from the notice", zh="抽取的金额行数"),
        _count(
            "problems_without_measures",
            en="problems for which no measure was extracted",
            zh="未抽取到整改措施的问题数",
        ),
        _text(
            "unmapped_status_phrases",
            en="status phrases found but not mapped to a status code, joined with '; ' (empty when none)",
            zh="未能归入状态代码的整改状态用语，以“; ”连接（无则为空串）",
        ),
        _text(
            "findings",
            en="consistency findings, e.g. stated against extracted counts, joined with '; ' (empty when none)",
            zh="一致性核查发现（如自述数与抽取数不符），以“; ”连接（无则为空串）",
        ),
        _count(
            "corrections_applied",
            en="corrections from data/corrections.csv applied to this notice (those that no longer match are warnings)",
            zh="已应用的人工更正条数（不再匹配原文的更正列入警告）",
        ),
        _count("n_warnings", en="number of extraction warnings", zh="抽取警告条数"),
        _text(
            "warnings",
            en="extraction warnings, joined with '; ' (empty when none)",
            zh="抽取警告，以“; ”连接（无则为空串）",
        ),
    ),
)

PROBLEMS = Table(
    "problems",
    description_en="One row per problem, in the notice's reading order.",
    description_zh="每个问题一行，按通报中的阅读顺序排列。",
    primary_key=("doc_id", "problem_seq"),
    columns=(
        DOC_ID,
        _seq("problem_seq", en="1..N within the notice, in reading order", zh="问题在通报内的序号（从 1 起）"),
        _text("label", en="the problem's number as printed: 问题1, (一), (1), 1., 2", zh="问题编号（原文）"),
        _text(
            "section",
            en="section of the notice the problem is listed in",
            zh="问题所在部分",
            codes=SECTIONS,
        ),
        _text(
            "area",
            en="heading the problem sits under (方面), without its number; null where none",
            zh="问题所属方面的标题（去掉编号）；无则为空",
            nullable=True,
        ),
        _text(
            "topic",
            en="numbered topic heading between area and problem (中山), without its number; null where none",
            zh="方面与问题之间的主题标题（去掉编号）；无则为空",
            nullable=True,
        ),
        _text(
            "subtopic",
            en="a further heading between topic and problem, without its number; null where none",
            zh="主题与问题之间的下一级标题（去掉编号）；无则为空",
            nullable=True,
        ),
        _text(
            "title",
            en="the problem's heading sentence as written, without the final 。",
            zh="问题标题句（原文，去掉句末“。”）",
        ),
        _text(
            "description",
            en="the problem's description as written; null when it has none beyond its title",
            zh="问题表述（原文）；除标题外无表述时为空",
            nullable=True,
        ),
        _text(
            "status",
            en="rectification status mapped from the notice's phrase; null when the phrase is not in the "
            "vocabulary (see status_raw and documents.unmapped_status_phrases) or the text is cut before it "
            "(truncated)",
            zh="整改状态代码；状态用语未能归类或文本在状态前截断时为空",
            nullable=True,
            codes=STATUSES,
        ),
        _text(
            "status_raw",
            en="the status phrase as written, or the section name for long_term; null when none",
            zh="整改状态原文；长期任务为所在部分名称；无则为空",
            nullable=True,
        ),
        _count("n_measures", en="number of top-level measures of the problem", zh="整改措施数（按一级条目计）"),
        _count("n_results", en="number of result items (整改成效) of the problem", zh="整改成效条数"),
        Column(
            "truncated",
            "bool",
            "true when the text ends inside the problem (a page cut short): its measures are those printed, and its "
            "status is null unless printed before the cut or given by a group heading or summary",
            "文本在该问题中途截断时为真：整改措施只计已显示部分；整改状态除截断前已写明或由分组标题、总述给出外为空",
        ),
        _text(
            "category",
            en="problem category from the codebook (analysis/data/categories.csv)",
            zh="问题类别（见类别编码表）",
            codes=_category_codes(),
        ),
        Column(
            "category_confidence",
            "float",
            "confidence in the category: the model's calibrated probability, a rule's measured precision, 1 if manual",
            "类别置信度",
            unit="probability",
            minimum=0,
            maximum=1,
        ),
        _text(
            "category_evidence",
            en="what decided the category: matched keywords, top features, or the researcher's note",
            zh="类别判定依据（匹配关键词、主要特征或人工说明）",
        ),
        _text("category_source", en="who decided the category", zh="类别判定来源", codes=CATEGORY_SOURCES),
        _text(
            "corrections",
            en="fields set by a researcher in data/corrections.csv, e.g. 'status=manual'; null when none",
            zh="经人工更正的字段；无则为空",
            nullable=True,
        ),
        SPAN_START,
        SPAN_END,
        _offset(
            "status_span_start",
            en="start of the status phrase in the source text; null when there is none",
            zh="整改状态用语在原文中的起始位置；无则为空",
            nullable=True,
        ),
        _offset(
            "status_span_end",
            en="end of the status phrase in the source text; null when there is none",
            zh="整改状态用语在原文中的结束位置；无则为空",
            nullable=True,
        ),
    ),
    spans=(("span_start", "span_end"), ("status_span_start", "status_span_end")),
    references=(Reference(("doc_id",), "documents"),),
)

MEASURES = Table(
    "measures",
    description_en="One row per rectification measure (part = measure) or result item (part = result) of a problem.",
    description_zh="每条整改措施（part = measure）或整改成效（part = result）一行。",
    primary_key=("doc_id", "problem_seq", "part", "measure_seq"),
    columns=(
        DOC_ID,
        _seq("problem_seq", en="the problem the row belongs to", zh="所属问题的序号"),
        _seq("measure_seq", en="1..N within the problem and part", zh="在所属问题和部分内的序号"),
        _text("part", en="whether the row is a measure or a result", zh="措施或成效", codes=MEASURE_PARTS),
        _text(
            "marker",
            en="the item's number as printed (一是, 1., ①); empty for an unnumbered paragraph",
            zh="条目编号（原文）；无编号段落为空串",
        ),
        _text("text", en="the measure's or result's text as written", zh="措施或成效原文"),
        SPAN_START,
        SPAN_END,
    ),
    spans=(("span_start", "span_end"),),
    references=(Reference(("doc_id", "problem_seq"), "problems"),),
)


def _preamble_iff_no_problem(df: pd.DataFrame) -> pd.Series:
    return (df["part"] == "preamble") == df["problem_seq"].isna()


AMOUNTS = Table(
    "amounts",
    description_en="One row per monetary amount in the notice. Amounts are not additive: totals of one "
    "notice often overlap (沈阳 问题8's 13.14 亿元 covers projects of 问题3–6), and found money and "
    "recovered money are different quantities.",
    description_zh="每个金额一行。金额不可简单相加：同一通报的各项金额常相互重叠，"
    "查出的金额与追回的金额也不是同一数量。",
    primary_key=("doc_id", "amount_seq"),
    columns=(
        DOC_ID,
        _seq("amount_seq", en="1..N within the notice, in reading order", zh="金额在通报内的序号（从 1 起）"),
        _seq(
            "problem_seq",
            en="the problem the amount belongs to; null outside problems",
            zh="所属问题的序号；不属于任何问题时为空",
            nullable=True,
        ),
        _text("part", en="where the amount is written", zh="金额所在部分", codes=AMOUNT_PARTS),
        _text("raw", en="the amount as written, spaces kept (5.49 亿元)", zh="金额原文（保留空格）"),
        Column(
            "yuan",
            "yuan",
            "value in yuan, exact (万元 × 10⁴, 亿元 × 10⁸): 5.49 亿元 → 549000000",
            "折合为元的精确数值（万元 × 10⁴，亿元 × 10⁸）",
            unit="yuan",
            minimum=0,
        ),
        Column(
            "approx",
            "bool",
            "true when the amount is marked approximate (余/多/约/近/超/逾)",
            "金额带“余、多、约、近、超、逾”等约数标记时为真",
        ),
        _text("kind", en="what the money is", zh="金额性质", codes=KINDS),
        _text(
            "kind_phrase",
            en="the words that decided the kind; null when none did",
            zh="判定金额性质所依据的词语；无则为空",
            nullable=True,
        ),
        _text("context", en="the clause around the amount, as written", zh="金额所在分句（原文）"),
        _text(
            "corrections",
            en="fields set by a researcher in data/corrections.csv, e.g. 'kind=manual'; null when none",
            zh="经人工更正的字段；无则为空",
            nullable=True,
        ),
        SPAN_START,
        SPAN_END,
    ),
    spans=(("span_start", "span_end"),),
    references=(Reference(("doc_id",), "documents"), Reference(("doc_id", "problem_seq"), "problems")),
    rules=(
        Rule(
            "problem_seq is null exactly when part is preamble",
            ("part", "problem_seq"),
            _preamble_iff_no_problem,
        ),
    ),
)


def _field_is_documents_column(df: pd.DataFrame) -> pd.Series:
    return df["field"].isin(DOCUMENTS.column_names)


def _quote_fills_span(df: pd.DataFrame) -> pd.Series:
    return df["quote"].str.len() == df["span_end"] - df["span_start"]


EVIDENCE = Table(
    "evidence",
    description_en="Grounding for document-level facts: for a value in documents, the span of source "
    "text it was read from.",
    description_zh="文档级信息的原文依据：documents 中某个值所依据的原文片段。",
    primary_key=("doc_id", "field", "span_start"),
    columns=(
        DOC_ID,
        _text(
            "field",
            en="the documents column this row grounds (reviewer, review_start, …)",
            zh="本行所佐证的 documents 列名",
        ),
        _text("value", en="the value recorded in documents, as text", zh="documents 中记录的值（文本）"),
        SPAN_START,
        SPAN_END,
        _text("quote", en="the source text of the span", zh="该区间的原文"),
        _text(
            "rule",
            en="for a value decided by a rule from the quote (admin_level, agency_type, review_kind, adcode, year): "
            "the rule, e.g. '法院 in the issuer'; null for a value read as written",
            zh="由规则据原文判定的值（行政层级、单位类型、监督类别、区划代码、年份）所用的规则；原文直接读取的值为空",
            nullable=True,
        ),
    ),
    spans=(("span_start", "span_end"),),
    references=(Reference(("doc_id",), "documents"),),
    rules=(
        Rule("field names a column of documents", ("field",), _field_is_documents_column),
        Rule(
            "quote is exactly span_end - span_start characters long",
            ("quote", "span_start", "span_end"),
            _quote_fills_span,
        ),
    ),
)

TABLES: dict[str, Table] = {t.name: t for t in (DOCUMENTS, PROBLEMS, MEASURES, AMOUNTS, EVIDENCE)}


# ---------------------------------------------------------------------------------------------------- indicators
# Tables computed from the five above and the stored texts by analysis.indicators; not written by every build.


def _side(name: str, side: str, en: str, zh: str) -> Column:
    """The doc_id of one side (a or b, earlier or later) of a pair of notices."""
    return Column(f"{name}_{side}", "string", en, zh, pattern=DOC_ID.pattern)


def _side_offset(name: str, side: str, en: str, zh: str, *, nullable: bool = False) -> Column:
    return _offset(f"{name}_{side}", en=en, zh=zh, nullable=nullable)


REUSE_PASSAGES = Table(
    "reuse_passages",
    description_en="One row per passage two notices share verbatim (analysis.indicators.reuse): every run of 20 "
    "letters, digits or CJK characters two notices share is found by winnowed fingerprints, then the two lines "
    "holding it are aligned. text_a[start_a:end_a] == text == text_b[start_b:end_b] up to the width of a character "
    "(， and ,), in the stored texts (texts/<doc_id>.txt).",
    description_zh="两份通报逐字相同的段落，每段一行：以指纹（winnowing）找出两份通报共有的每一段不少于 20 字的文字，"
    "再对齐所在行；两份原文在各自区间内的文字与 text 相同（全角、半角视为同一字符）。",
    primary_key=("doc_id_a", "start_a", "doc_id_b", "start_b"),
    columns=(
        _side(
            "doc_id", "a", en="the first notice of the pair (doc_id_a < doc_id_b)", zh="甲通报标识（按标识排序在前）"
        ),
        _side_offset("start", "a", en="start of the passage in notice a's stored text", zh="段落在甲通报中的起始位置"),
        _side_offset("end", "a", en="end of the passage in notice a's stored text", zh="段落在甲通报中的结束位置"),
        _side("doc_id", "b", en="the second notice of the pair", zh="乙通报标识"),
        _side_offset("start", "b", en="start of the passage in notice b's stored text", zh="段落在乙通报中的起始位置"),
        _side_offset("end", "b", en="end of the passage in notice b's stored text", zh="段落在乙通报中的结束位置"),
        Column(
            "length",
            "int",
            "characters of the passage (end - start, on both sides); it holds at least 20 letters, digits or CJK "
            "characters (reuse.MIN_PASSAGE)",
            "段落字符数（两侧相同）；其中文字、字母、数字不少于 20 个",
            unit="characters",
            minimum=1,
        ),
        _text("text", en="the passage as written (the same in both notices)", zh="段落原文（两份通报相同）"),
    ),
    spans=(("start_a", "end_a"), ("start_b", "end_b")),
    references=(Reference(("doc_id_a",), "documents"), Reference(("doc_id_b",), "documents")),
)

REUSE_PAIRS = Table(
    "reuse_pairs",
    description_en="One row per pair of notices sharing at least one passage: how much of each text the shared "
    "passages cover (overlapping passages counted once).",
    description_zh="至少有一段相同文字的每对通报一行：相同段落覆盖各自原文的字符数与比例（重叠部分只计一次）。",
    primary_key=("doc_id_a", "doc_id_b"),
    columns=(
        _side(
            "doc_id", "a", en="the first notice of the pair (doc_id_a < doc_id_b)", zh="甲通报标识（按标识排序在前）"
        ),
        _side("doc_id", "b", en="the second notice of the pair", zh="乙通报标识"),
        _count("n_passages", en="shared passages", zh="相同段落数"),
        _count(
            "chars_a", en="characters of a's stored text inside a shared passage", zh="甲通报中属于相同段落的字符数"
        ),
        _count(
            "chars_b", en="characters of b's stored text inside a shared passage", zh="乙通报中属于相同段落的字符数"
        ),
        Column(
            "share_a",
            "float",
            "chars_a / length of a's stored text",
            "甲通报原文中相同段落所占比例",
            unit="share",
            minimum=0,
            maximum=1,
        ),
        Column(
            "share_b",
            "float",
            "chars_b / length of b's stored text",
            "乙通报原文中相同段落所占比例",
            unit="share",
            minimum=0,
            maximum=1,
        ),
    ),
    references=(Reference(("doc_id_a",), "documents"), Reference(("doc_id_b",), "documents")),
)

RECURRENCE = Table(
    "recurrence",
    description_en="One row per problem of the later notice of two rounds of one issuer (analysis.indicators."
    "recurrence): its one-to-one match among the earlier notice's problems by character n-gram TF-IDF cosine, with "
    "both spans; the problem recurs when similarity reaches recurrence.THRESHOLD.",
    description_zh="同一单位两轮通报中后一轮通报的每个问题一行：按字符 n 元 TF-IDF 余弦相似度与前一轮问题一一配对，"
    "附两侧原文位置；相似度达到阈值即视为问题再次出现。",
    primary_key=("doc_id_later", "problem_seq_later"),
    columns=(
        _side("doc_id", "later", en="the later notice", zh="后一轮通报标识"),
        _seq("problem_seq_later", en="the later notice's problem", zh="后一轮通报的问题序号"),
        _side_offset(
            "span_start", "later", en="start of the later problem in its stored text", zh="后一轮问题起始位置"
        ),
        _side_offset("span_end", "later", en="end of the later problem in its stored text", zh="后一轮问题结束位置"),
        _side("doc_id", "earlier", en="the earlier notice of the pair", zh="前一轮通报标识"),
        _seq(
            "problem_seq_earlier",
            en="the earlier problem matched; null when every earlier problem is taken",
            zh="配对的前一轮问题序号；前一轮问题已配完时为空",
            nullable=True,
        ),
        _side_offset(
            "span_start",
            "earlier",
            en="start of the earlier problem; null when unmatched",
            zh="前一轮问题起始位置；未配对时为空",
            nullable=True,
        ),
        _side_offset(
            "span_end",
            "earlier",
            en="end of the earlier problem; null when unmatched",
            zh="前一轮问题结束位置；未配对时为空",
            nullable=True,
        ),
        Column(
            "similarity",
            "float",
            "cosine of the two problems' title + description (0 when unmatched)",
            "两问题标题与表述的余弦相似度（未配对为 0）",
            unit="cosine",
            minimum=0,
            maximum=1,
        ),
        _text("title_later", en="the later problem's title", zh="后一轮问题标题"),
        _text(
            "title_earlier",
            en="the earlier problem's title; null when unmatched",
            zh="前一轮问题标题；未配对时为空",
            nullable=True,
        ),
    ),
    spans=(("span_start_later", "span_end_later"), ("span_start_earlier", "span_end_earlier")),
    references=(
        Reference(("doc_id_later", "problem_seq_later"), "problems"),
        Reference(("doc_id_earlier", "problem_seq_earlier"), "problems"),
    ),
)

_SHARE = {"unit": "share", "minimum": 0, "maximum": 1}


def _flag_columns(flag: str, en: str, zh: str) -> tuple[Column, ...]:
    short = flag.removeprefix("has_")
    return (
        Column(flag, "bool", en, zh),
        _offset(
            f"{short}_span_start",
            en=f"start of the text that set {flag}; null when it is false",
            zh=f"判定 {flag} 的原文起始位置；为假时为空",
            nullable=True,
        ),
        _offset(
            f"{short}_span_end",
            en=f"end of the text that set {flag}; null when it is false",
            zh=f"判定 {flag} 的原文结束位置；为假时为空",
            nullable=True,
        ),
    )


DEADLINE_KINDS = {
    "date": "a written time limit, read to a date when the text allows one reading (2024年6月底前 → 2024-06-30)",
    "year_end": "年底前, 年内: the end of the year in context (the year written last before it, else the notice's)",
    "immediate": "立行立改, 即知即改: at once; no date",
    "open": "长期坚持, 持续整改: an open horizon; no date",
}

_MEASURE_KEY = (
    DOC_ID,
    _seq("problem_seq", en="the problem the measure belongs to", zh="所属问题的序号"),
    _text("part", en="whether the row is a measure or a result", zh="措施或成效", codes=MEASURE_PARTS),
    _seq("measure_seq", en="the measure's number within its problem and part", zh="措施在所属问题和部分内的序号"),
)

TIMELINESS = Table(
    "timeliness",
    description_en="One row per notice: days from the end of the review to the feedback and from the feedback to "
    "the notice, against the norm for its review type (analysis.indicators.timeliness names each norm's source), "
    "and the problems overdue on the notice's date.",
    description_zh="每份通报一行：巡察（巡视、审计）结束至反馈、反馈至通报的天数，与相应规定时限的比较，以及通报日已逾期的问题数。",
    primary_key=("doc_id",),
    columns=(
        DOC_ID,
        _text("review_type", en="the review type (from documents)", zh="监督类型", nullable=True, codes=REVIEW_TYPES),
        Column(
            "days_review_to_feedback",
            "int",
            "days from review_end to feedback_date; null when either is unknown (no norm was found for this step)",
            "巡察结束至反馈意见的天数；任一日期不详时为空",
            unit="days",
            nullable=True,
        ),
        Column(
            "days_feedback_to_notice",
            "int",
            "days from feedback_date to published_date; null when either is unknown",
            "反馈意见至通报日期的天数；任一日期不详时为空",
            unit="days",
            nullable=True,
        ),
        _text(
            "norm",
            en="the norm compared with, and where it is written; null when none is known for the review type",
            zh="比较所依据的规定及其出处；该监督类型无已知规定时为空",
            nullable=True,
        ),
        Column(
            "norm_confirmed",
            "bool",
            "true when the norm is written for this review type; false when applied by analogy; null without a norm",
            "规定明文适用于该监督类型时为真，类推适用时为假；无规定时为空",
            nullable=True,
        ),
        _date("norm_due_date", en="feedback_date plus the norm's months", zh="反馈日期加规定月数"),
        Column(
            "within_norm",
            "bool",
            "true when the notice is dated on or before norm_due_date; null when a date or the norm is missing",
            "通报日期不晚于规定期限时为真；日期或规定缺失时为空",
            nullable=True,
        ),
        Column(
            "days_past_norm",
            "int",
            "published_date minus norm_due_date (negative: days to spare); null when a date or the norm is missing",
            "通报日期减规定期限的天数（负数为提前）；日期或规定缺失时为空",
            unit="days",
            nullable=True,
        ),
        _count(
            "problems_with_deadline",
            en="problems with at least one dated deadline (see deadlines)",
            zh="至少有一个明确日期整改时限的问题数",
        ),
        _count(
            "problems_overdue",
            en="problems with a dated deadline before the notice's date and a status other than complete or "
            "deemed_complete",
            zh="整改时限早于通报日期且状态非已完成（视同完成）的问题数",
        ),
    ),
    references=(Reference(("doc_id",), "documents"),),
)

DEADLINES = Table(
    "deadlines",
    description_en="One row per deadline stated inside a problem (整改时限：2024年6月底前, 年底前, 立行立改, "
    "长期坚持), with the measure it sits in and whether its problem is overdue by it on the notice's date.",
    description_zh="问题中写明的每个整改时限一行，含所在措施、解析出的日期，以及通报日是否已逾期。",
    primary_key=("doc_id", "span_start"),
    columns=(
        DOC_ID,
        _seq("problem_seq", en="the problem whose text states the deadline", zh="时限所在问题的序号"),
        _text(
            "part",
            en="where the deadline is written: in a measure, a result, or the problem's own text",
            zh="时限所在部分：措施、成效或问题本身",
            codes={**MEASURE_PARTS, "problem": "in the problem's own text, outside its measures"},
        ),
        _seq(
            "measure_seq",
            en="the measure or result holding the deadline; null when it is in the problem's own text",
            zh="时限所在措施（成效）的序号；在问题本身时为空",
            nullable=True,
        ),
        _text("raw", en="the deadline as written", zh="时限原文"),
        _text("kind", en="what kind of deadline", zh="时限类型", codes=DEADLINE_KINDS),
        _date("due_date", en="the last day the deadline allows", zh="时限所允许的最后一天"),
        _text(
            "status",
            en="the problem's status (from problems); null when unmapped",
            zh="问题的整改状态",
            nullable=True,
            codes=STATUSES,
        ),
        Column(
            "overdue",
            "bool",
            "due_date before the notice's date and the status not complete or deemed_complete; null when the "
            "due date, the notice's date or the status is unknown",
            "时限早于通报日期且状态非已完成（视同完成）时为真；日期或状态不详时为空",
            nullable=True,
        ),
        SPAN_START,
        SPAN_END,
    ),
    spans=(("span_start", "span_end"),),
    references=(Reference(("doc_id", "problem_seq"), "problems"),),
)

CONCRETENESS = Table(
    "concreteness",
    description_en="One row per measure or result: four flags of concreteness, each with the span of text that "
    "set it, and their sum. Rules in analysis.indicators.concreteness; precision and recall against 200 "
    "hand-coded measures: python -m analysis.evaluate.concreteness.",
    description_zh="每条措施（成效）一行：四项具体性标志及其原文依据，以及合计得分。",
    primary_key=("doc_id", "problem_seq", "part", "measure_seq"),
    columns=(
        *_MEASURE_KEY,
        *_flag_columns(
            "has_deadline",
            en="states when: a time limit, or the date, month or period the action was done (not a year that "
            "only names a thing, not an open horizon)",
            zh="写明时间：整改时限，或措施实施的日期、月份、时段",
        ),
        *_flag_columns(
            "has_owner",
            en="names who: a 责任单位/牵头单位/责任人 field, 由X牵头, 会同X, or a named office, Party body or role "
            "doing the action (not the issuer as a whole, not a generic 各科室)",
            zh="写明责任主体：责任单位、牵头单位、责任人，或具体实施的部门、党组织、职务",
        ),
        *_flag_columns(
            "has_quantity",
            en="states how much: a number, amount or percentage that is not a date, an ordinal or part of a name",
            zh="写明数量：非日期、非序号、非固定名称中的数字、金额或比例",
        ),
        *_flag_columns(
            "has_deliverable",
            en="produces something checkable: a rule or document made (制定《…》), a ledger or list, a system "
            "built, money recovered (not a rule only studied)",
            zh="有可查验的成果：制定的制度文件、台账清单、建成的系统、追回的资金",
        ),
        Column(
            "score",
            "int",
            "number of the four flags that are true (0–4)",
            "四项标志中为真的个数（0–4）",
            minimum=0,
            maximum=4,
        ),
    ),
    spans=(
        ("deadline_span_start", "deadline_span_end"),
        ("owner_span_start", "owner_span_end"),
        ("quantity_span_start", "quantity_span_end"),
        ("deliverable_span_start", "deliverable_span_end"),
    ),
    references=(Reference(("doc_id", "problem_seq"), "problems"),),
)

BOILERPLATE_NOTICES = Table(
    "boilerplate_notices",
    description_en="One row per notice: the share of its characters (whitespace left out) covered by character "
    "n-grams found in at least k notices of the corpus, and by stock phrases (analysis/data/stock_phrases.csv); "
    "over the whole text and over its measures.",
    description_zh="每份通报一行：语料中至少 k 份通报共有的字符 n 元组、以及套话词表所覆盖的字符比例"
    "（全文与措施部分）。",
    primary_key=("doc_id",),
    columns=(
        DOC_ID,
        _count("chars", en="characters of the text, whitespace left out", zh="正文字符数（不计空白）"),
        Column(
            "common_share", "float", "share of chars in a common n-gram", "常见 n 元组覆盖比例", nullable=True, **_SHARE
        ),
        Column("stock_share", "float", "share of chars in a stock phrase", "套话覆盖比例", nullable=True, **_SHARE),
        _count("measure_chars", en="characters of its measures and results", zh="措施（成效）字符数"),
        Column(
            "measure_common_share",
            "float",
            "common_share over the measures' characters; null when there are none",
            "措施部分的常见 n 元组覆盖比例",
            nullable=True,
            **_SHARE,
        ),
        Column(
            "measure_stock_share",
            "float",
            "stock_share over the measures' characters; null when there are none",
            "措施部分的套话覆盖比例",
            nullable=True,
            **_SHARE,
        ),
        Column("n", "int", "the n of the character n-grams", "字符 n 元组的 n", minimum=1),
        Column(
            "k", "int", "the number of notices an n-gram must occur in to be common", "常见的门槛（通报数）", minimum=1
        ),
    ),
    references=(Reference(("doc_id",), "documents"),),
)

BOILERPLATE = Table(
    "boilerplate",
    description_en="One row per measure or result: the share of its characters covered by common n-grams and by "
    "stock phrases (the corpus, n and k as in boilerplate_notices).",
    description_zh="每条措施（成效）一行：常见 n 元组与套话覆盖的字符比例。",
    primary_key=("doc_id", "problem_seq", "part", "measure_seq"),
    columns=(
        *_MEASURE_KEY,
        _count("chars", en="characters of the measure, whitespace left out", zh="措施字符数（不计空白）"),
        Column(
            "common_share",
            "float",
            "share of chars in a common n-gram; null when chars is 0",
            "常见 n 元组覆盖比例",
            nullable=True,
            **_SHARE,
        ),
        Column(
            "stock_share",
            "float",
            "share of chars in a stock phrase; null when chars is 0",
            "套话覆盖比例",
            nullable=True,
            **_SHARE,
        ),
    ),
    references=(Reference(("doc_id", "problem_seq"), "problems"),),
)

STOCK_PHRASES = Table(
    "stock_phrases",
    description_en="One row per stock phrase found in a notice, with its span, so every stock_share can be checked.",
    description_zh="通报中出现的每个套话一行，含原文位置。",
    primary_key=("doc_id", "span_start"),
    columns=(
        DOC_ID,
        SPAN_START,
        SPAN_END,
        _text("phrase", en="the stock phrase (a row of analysis/data/stock_phrases.csv)", zh="套话"),
        Column(
            "in_measure", "bool", "true when the phrase starts inside a measure or result", "是否位于措施（成效）中"
        ),
    ),
    spans=(("span_start", "span_end"),),
    references=(Reference(("doc_id",), "documents"),),
)

RECURRENCE_STATED = Table(
    "recurrence_stated",
    description_en="One row per phrase by which a problem says itself that it was found in an earlier round "
    "(上一轮巡察, 依然存在, 整改不彻底, …; analysis.indicators.recurrence.STATED), in its title or description.",
    description_zh="问题标题或表述中自述“前一轮已发现”的用语，每处一行（上一轮巡察、依然存在、整改不彻底等）。",
    primary_key=("doc_id", "problem_seq", "span_start"),
    columns=(
        DOC_ID,
        _seq("problem_seq", en="the problem that says so", zh="问题序号"),
        _text("phrase", en="the phrase as written", zh="用语原文"),
        SPAN_START,
        SPAN_END,
    ),
    spans=(("span_start", "span_end"),),
    references=(Reference(("doc_id", "problem_seq"), "problems"),),
)


INDICATOR_TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        TIMELINESS,
        DEADLINES,
        CONCRETENESS,
        BOILERPLATE_NOTICES,
        BOILERPLATE,
        STOCK_PHRASES,
        REUSE_PASSAGES,
        REUSE_PAIRS,
        RECURRENCE,
        RECURRENCE_STATED,
    )
}
