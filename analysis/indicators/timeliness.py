"""Timeliness: how long the review, the feedback and the notice took against the norms, the deadlines notices state,
and the problems overdue on the notice's own date.

**Norms.** Each was read in a stored copy of a public page (searched 30 Nov 2026); nothing here is from memory.

- 巡视: 《中国共产党巡视工作条例》 第二十七条: "被巡视党组织收到巡视组反馈意见后，应当认真整改落实，并于2个月内将
  整改情况报告和主要负责人组织落实情况报告，报送巡视工作领导小组办公室" (the 条例 as shown at
  http://m.jianbiaoku.com/webarbs/book/164553/4714580.shtml; the same two months in a report of a central round,
  http://fc807.cn/ReadNews.asp?NewsID=9803). The norm is for the *report* to the leading group's office; the
  条例's 第三十二条 asks that rectification be made public "以适当方式" without a deadline (quoted at
  http://m.120pk.cn/wen/188/374984.html). So a notice published within two months shows the report was in time,
  and a later notice does not show that the report was late.
- 巡察: no rule stating the notice's due date was found. The two-month norm of the 巡视 条例 is applied by analogy
  and marked unconfirmed (`norm_confirmed` false); one city page says "被巡察党组织要在反馈后1个月内…" but is cut
  off before saying what is due.
- 审计: 《审计法实施条例》 (2010) 第四十四条: the audited unit reports how it carried out the audit decision "自审计
  决定生效之日起30日内" (http://www.fsou.com/html/text/adm/3187671/318767174_7.html); the tables hold no decision
  date, so this norm cannot be computed and no audit notice is compared with a norm.
- Review end → feedback: no norm was found; the days are reported without one.
- "Three months of concentrated rectification (集中整改) for 巡察" appears in secondary sources only; not used.

**Deadlines.** A deadline is a time limit the text states for a problem or measure: `整改时限：2024年6月底前`,
`于2024年12月底前完成`, `年底前`, `2025年第四季度前`, `立行立改` (immediate), `长期坚持` / `持续整改` (an open
horizon, no date). Written dates are read with the one date grammar (`analysis.extract.dates`): its full dates, and
its pieces for the partial forms (a month, a quarter, a half-year, a year's end). A date is only computed when the
text allows one reading; 年底前 takes the year written last before it, else the notice's year. A problem is
**overdue** when one of its deadlines is before the notice's date and its status is not complete or deemed complete
(unknown when the notice states no status). `2025年4月前` has two readings (before April begins, or by its end) and
gets no date; nor does a yearly deadline (`每年12月31日前`).
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from analysis.extract.dates import DAY, MONTH, YEAR, find_dates
from analysis.extract.numerals import parse_number

if TYPE_CHECKING:
    import pandas as pd

DONE_STATUSES = ("complete", "deemed_complete")


@dataclass(frozen=True)
class Norm:
    """A rule of how long a step may take, where it was read, and whether it is confirmed for the review type."""

    review_type: str
    months: int
    start: str  # documents column
    end: str  # documents column
    confirmed: bool
    source: str
    url: str


NORMS: tuple[Norm, ...] = (
    Norm(
        "巡视",
        2,
        "feedback_date",
        "published_date",
        True,
        "《中国共产党巡视工作条例》第二十七条: 整改情况报告 within 2 months of the feedback",
        "http://m.jianbiaoku.com/webarbs/book/164553/4714580.shtml",
    ),
    Norm(
        "巡察",
        2,
        "feedback_date",
        "published_date",
        False,
        "《中国共产党巡视工作条例》第二十七条 applied by analogy (no 巡察 rule with a due date was found)",
        "http://m.jianbiaoku.com/webarbs/book/164553/4714580.shtml",
    ),
)


def norms_table() -> pd.DataFrame:
    """The norms as a table (review type, months, from, to, confirmed, source, address), for reading."""
    import pandas as pd

    return pd.DataFrame(
        [(n.review_type, n.months, n.start, n.end, n.confirmed, n.source, n.url) for n in NORMS],
        columns=["review_type", "months", "from", "to", "confirmed", "source", "url"],
    )


# --------------------------------------------------------------------------------------------- time expressions


@dataclass(frozen=True)
class TimeMention:
    """A time written in a text: a date or part of one, or a phrase of immediacy or of an open horizon.

    `role`: deadline (…前, a 时限 field, the phrases of time_phrases.csv), since (…起, …以来), asof (截至…), at (the
    time something was or will be done), or name (a year that only names or dates a thing: 2025年度…, 2025年第5次…).
    `kind`: date (a written time; `due` is its date when one reading exists), immediate, open, year_end (年底前).
    `due`: for a deadline, the last day it allows; for other roles, the day (or the period's last day) it names.
    """

    raw: str
    start: int
    end: int
    role: str
    kind: str
    due: dt.date | None


@cache
def time_phrases() -> dict[str, str]:
    """Phrase → kind (immediate, open, year_end), from analysis/data/time_phrases.csv."""
    with resources.files("analysis.data").joinpath("time_phrases.csv").open(encoding="utf-8") as fh:
        return {row["phrase"]: row["kind"] for row in csv.DictReader(fh)}


_PART = r"(?P<part>上旬|中旬|下旬|初|中|底|末|份)"
_PARTIAL = re.compile(
    rf"(?P<y>{YEAR})\s*年\s*(?:"
    rf"(?P<m>{MONTH})\s*月\s*(?:(?P<d>{DAY})\s*[日号]|{_PART})?"
    rf"|第?(?P<q>[一二三四1-4])\s*季度"
    rf"|(?P<half>上半年|下半年)"
    rf"|(?P<ye>年底|年末|底|末)"
    rf")?"
)
# A month without its year (4月，组织…; 每年12月31日前), not one of a written year (2025年4月 is read above).
_MONTH_ONLY = re.compile(
    rf"(?<![\d月.])(?<![\d〇零一二三四五六七八九]年)(?P<m>\d{{1,2}})\s*月\s*(?:(?P<d>\d{{1,2}})\s*[日号]|{_PART})?(?![\d])"
)
_DEADLINE_AFTER = re.compile(r"\s*(?:前|以前|之前)")
_EVERY_YEAR = ("每年", "每一年", "每年度")  # 每年12月31日前: a deadline every year, not one date
_SINCE_AFTER = re.compile(r"\s*(?:起|以来|开始|至今)")
_ASOF_BEFORE = re.compile(r"(?:截至|截止到|截止|至)\s*$")
_FIELD_BEFORE = re.compile(r"(?:整改|完成)?时限\s*[:：]?\s*$")
# A year followed by these is a time ("2025年，…", "2025年以来"); followed by any other word it names or dates a thing
# ("2025年度计划", "2025年第5次局党组会议", "2025年政务服务…计划表").
_YEAR_AS_TIME = re.compile(r"\s*(?:[,，。;；、:：)）]|以来|起|前|以前|之前|内|至|到|—|-|$)")


def _last_day(y: int, m: int) -> dt.date:
    return dt.date(y, m, calendar.monthrange(y, m)[1])


def _period_end(
    y: int, m: int | None, d: int | None, part: str | None, q: str | None, half: str | None, ye: str | None
) -> dt.date | None:
    """The last day of the period a partial date names (6月底 → 30 June, 第四季度 → 31 December); None if invalid."""
    try:
        if m is not None:
            if not 1 <= m <= 12:
                return None
            if d is not None:
                return dt.date(y, m, d)
            return {
                "上旬": dt.date(y, m, 10),
                "初": dt.date(y, m, 10),
                "中旬": dt.date(y, m, 20),
                "中": dt.date(y, m, 20),
            }.get(part or "", _last_day(y, m))
        if q is not None:
            quarter = parse_number(q) or 0
            return _last_day(y, 3 * quarter) if 1 <= quarter <= 4 else None
        if half is not None:
            return dt.date(y, 6, 30) if half == "上半年" else dt.date(y, 12, 31)
        if ye is not None:
            return dt.date(y, 12, 31)
    except ValueError:
        return None
    return None


def _role(text: str, start: int, end: int) -> tuple[str, int]:
    """The mention's role from the words around it, and its end extended over a deadline's 前."""
    before = text[max(0, start - 6) : start]
    after = _DEADLINE_AFTER.match(text, end)
    if after:
        return "deadline", after.end()
    if _FIELD_BEFORE.search(before):
        return "deadline", end
    if _ASOF_BEFORE.search(before):
        return "asof", end
    since = _SINCE_AFTER.match(text, end)
    if since:
        return "since", since.end()
    return "at", end


def find_times(text: str, start: int = 0, end: int | None = None, year: int | None = None) -> list[TimeMention]:
    """Every time expression in text[start:end], in order; `year` is the year of context before the first one."""
    stop = len(text) if end is None else end
    # Surest readings first: each later pass reads only what the passes before it left free.
    found = _Found(text)
    _add_dates(found, start, stop, year)
    _add_partial_dates(found, start, stop)
    years = sorted((a, v.year) for a, _b, _r, _k, v in found.mentions if v is not None)
    _add_months_only(found, start, stop, years, year)
    _add_phrases(found, start, stop, years, year)
    found.mentions.sort()
    return [TimeMention(text[a:b], a, b, role, kind, value) for a, b, role, kind, value in found.mentions]


@dataclass
class _Found:
    """The time expressions of a text found so far, as (start, end, role, kind, value), and the spans they take."""

    text: str
    mentions: list[tuple[int, int, str, str, dt.date | None]] = field(default_factory=list)
    taken: list[tuple[int, int]] = field(default_factory=list)

    def free(self, m: re.Match[str]) -> bool:
        return all(m.end() <= s or m.start() >= e for s, e in self.taken)

    def add(self, a: int, b: int, kind: str, value: dt.date | None, role: str | None = None) -> None:
        """Add a mention, its role read from the words around it unless given."""
        chosen, b2 = (role, b) if role else _role(self.text, a, b)
        self.mentions.append((a, b2, chosen, kind, value))
        self.taken.append((a, b2))


def _context_year(years: list[tuple[int, int]], pos: int, year: int | None) -> int | None:
    """The year of the last dated mention before `pos` (`years`: (start, year) in order), else `year`."""
    return next((y for a, y in reversed(years) if a < pos), year)


def _add_dates(found: _Found, start: int, stop: int, year: int | None) -> None:
    for mention in find_dates(found.text, start, stop, year):
        if mention.value is None and mention.defective:
            continue  # digits with no reading (the 2025 of 截至2025年…): the partial forms below may read them
        found.add(mention.start, mention.end, "date", mention.value)


def _add_partial_dates(found: _Found, start: int, stop: int) -> None:
    """A year with a month, a quarter, a half or its end (2024年6月底, 2025年第四季度), or alone."""
    text = found.text
    for m in _PARTIAL.finditer(text, start, stop):
        if not found.free(m):
            continue
        y = parse_number(m["y"])
        if y is None:
            continue
        if not any((m["m"], m["d"], m["part"], m["q"], m["half"], m["ye"])):
            _add_year_alone(found, m)
            continue
        month = parse_number(m["m"]) if m["m"] else None
        day = parse_number(m["d"]) if m["d"] else None
        value = _period_end(y, month, day, m["part"], m["q"], m["half"], m["ye"])
        if month is not None and day is None and m["part"] in (None, "份") and _DEADLINE_AFTER.match(text, m.end()):
            value = None  # 2025年4月前: before April begins, or by its end? Two readings, so no date
        found.add(m.start(), m.end(), "date", value)


def _add_year_alone(found: _Found, m: re.Match[str]) -> None:
    """A year alone: a time only when punctuation or a time word follows it, else the name of something (2024年度)."""
    if found.text.startswith("度", m.end()) or not _YEAR_AS_TIME.match(found.text, m.end()):
        found.add(m.start(), m.end(), "date", None, role="name")
        return
    role, b = _role(found.text, m.start(), m.end())
    found.add(m.start(), b, "date", None, role=role)


def _add_months_only(found: _Found, start: int, stop: int, years: list[tuple[int, int]], year: int | None) -> None:
    """A month without a year (6月底前), in the year written last before it."""
    text = found.text
    for m in _MONTH_ONLY.finditer(text, start, stop):
        if not found.free(m):
            continue
        context = _context_year(years, m.start(), year)
        value = None
        ambiguous = not m["d"] and m["part"] in (None, "份") and _DEADLINE_AFTER.match(text, m.end())
        if context is not None and not text.endswith(_EVERY_YEAR, 0, m.start()) and not ambiguous:
            value = _period_end(context, int(m["m"]), int(m["d"]) if m["d"] else None, m["part"], None, None, None)
        found.add(m.start(), m.end(), "date", value)


def _add_phrases(found: _Found, start: int, stop: int, years: list[tuple[int, int]], year: int | None) -> None:
    """The time phrases of the vocabulary (年底前, 立行立改, 长期坚持): deadlines, dated only for a year's end."""
    phrases = time_phrases()
    if not phrases:
        return
    pattern = re.compile("|".join(sorted(map(re.escape, phrases), key=len, reverse=True)))
    for m in pattern.finditer(found.text, start, stop):
        if not found.free(m):
            continue
        kind = phrases[m[0]]
        value = None
        if kind == "year_end":
            context = _context_year(years, m.start(), year)
            value = dt.date(context, 12, 31) if context is not None else None
        found.add(m.start(), m.end(), kind, value, role="deadline")


def find_deadlines(text: str, start: int = 0, end: int | None = None, year: int | None = None) -> list[TimeMention]:
    """The deadlines among `find_times`: time limits, immediacy and open horizons."""
    return [t for t in find_times(text, start, end, year) if t.role == "deadline"]


# --------------------------------------------------------------------------------------------- per notice


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus whole calendar months, the day clamped to the target month's length (31 Dec + 2 → 28/29 Feb)."""
    index = day.month - 1 + months
    y, m = day.year + index // 12, index % 12 + 1
    return dt.date(y, m, min(day.day, calendar.monthrange(y, m)[1]))


def _norm_for(review_type: object) -> Norm | None:
    return next((n for n in NORMS if n.review_type == review_type), None)


def _day(value: object) -> dt.date | None:
    import pandas as pd

    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def notice_timeliness(documents: pd.DataFrame, deadlines: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per notice: the days from review end to feedback and from feedback to the notice, and the norm.

    Columns as declared in `analysis.tables.columns.TIMELINESS`. A lag is null when either date is unknown; a norm is
    compared only for the review types of `NORMS`, and `within_norm` is null when a date is missing. The counts of
    problems with a deadline and overdue come from `deadlines` (`stated_deadlines`); 0 when it is not given.
    """
    import pandas as pd

    counts: dict[str, tuple[int, int]] = {}
    if deadlines is not None and len(deadlines):
        for row in overdue_problems(deadlines).itertuples(index=False):
            counts[row.doc_id] = (int(row.problems_with_deadline), int(row.problems_overdue))
    rows = []
    for doc in documents.itertuples(index=False):
        review_end, feedback, published = _day(doc.review_end), _day(doc.feedback_date), _day(doc.published_date)
        norm = _norm_for(doc.review_type)
        due = add_months(feedback, norm.months) if norm and feedback else None
        rows.append(
            {
                "doc_id": doc.doc_id,
                "review_type": doc.review_type,
                "days_review_to_feedback": (feedback - review_end).days if review_end and feedback else None,
                "days_feedback_to_notice": (published - feedback).days if feedback and published else None,
                "norm": norm.source if norm else None,
                "norm_confirmed": norm.confirmed if norm else None,
                "norm_due_date": due,
                "within_norm": (published <= due) if due and published else None,
                "days_past_norm": (published - due).days if due and published else None,
                "problems_with_deadline": counts.get(doc.doc_id, (0, 0))[0],
                "problems_overdue": counts.get(doc.doc_id, (0, 0))[1],
            }
        )
    return pd.DataFrame(rows, columns=_columns("timeliness"))


def _columns(table: str) -> list[str]:
    from analysis.tables.columns import INDICATOR_TABLES

    return INDICATOR_TABLES[table].column_names


def stated_deadlines(
    documents: pd.DataFrame, problems: pd.DataFrame, measures: pd.DataFrame, texts: dict[str, str]
) -> pd.DataFrame:
    """One row per deadline stated inside a problem's span, with the measure it sits in (if any) and whether the
    problem is overdue by it on the notice's date.

    `texts`: doc_id → the stored text the spans index. The year of context of 年底前 and of a month without a
    year is the year last written before it in the problem, else the notice's year.
    """
    import pandas as pd

    published = {d.doc_id: _day(d.published_date) for d in documents.itertuples(index=False)}
    by_problem: dict[tuple[str, int], list] = {}
    for m in measures.itertuples(index=False):
        by_problem.setdefault((m.doc_id, int(m.problem_seq)), []).append(m)
    rows = []
    for p in problems.itertuples(index=False):
        text = texts.get(p.doc_id)
        if text is None:
            continue
        as_of = published.get(p.doc_id)
        for t in find_deadlines(text, int(p.span_start), int(p.span_end), as_of.year if as_of else None):
            inside = next(
                (m for m in by_problem.get((p.doc_id, int(p.problem_seq)), []) if m.span_start <= t.start < m.span_end),
                None,
            )
            overdue = None
            if t.due is not None and as_of is not None and isinstance(p.status, str) and p.status != "unstated":
                overdue = t.due < as_of and p.status not in DONE_STATUSES
            rows.append(
                {
                    "doc_id": p.doc_id,
                    "problem_seq": int(p.problem_seq),
                    "part": inside.part if inside is not None else "problem",
                    "measure_seq": int(inside.measure_seq) if inside is not None else None,
                    "raw": t.raw,
                    "kind": t.kind,
                    "due_date": t.due,
                    "span_start": t.start,
                    "span_end": t.end,
                    "status": p.status if isinstance(p.status, str) else None,
                    "overdue": overdue,
                }
            )
    frame = pd.DataFrame(rows, columns=_columns("deadlines"))
    return frame.drop_duplicates(["doc_id", "span_start"]).reset_index(drop=True)


def overdue_problems(deadlines: pd.DataFrame) -> pd.DataFrame:
    """Per notice: problems with a dated deadline, and those overdue on the notice's date (problems, not deadlines)."""
    dated = deadlines[deadlines["due_date"].notna()]
    per_problem = dated.groupby(["doc_id", "problem_seq"])["overdue"].agg(lambda s: bool(s.fillna(False).any()))
    out = per_problem.groupby("doc_id").agg(problems_with_deadline="size", problems_overdue="sum")
    return out.reset_index()
