"""Read one rectification notice into table rows whose every value points back to a span of the source text."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from analysis.curate.consistency import findings
from analysis.curate.corrections import Correction, apply_corrections
from analysis.extract.amounts import find_amounts
from analysis.extract.header import FIELDS as HEADER_FIELDS
from analysis.extract.header import Fact, read_header
from analysis.extract.infer import Inferred, fill_metadata, infer_metadata
from analysis.extract.keys import Located, grouping_keys
from analysis.extract.normalize import Normalized, normalize
from analysis.extract.outline import build_outline
from analysis.extract.problems import Problem, find_problems, is_cut
from analysis.extract.totals import FIELDS as TOTAL_FIELDS
from analysis.extract.totals import read_totals
from analysis.read.sources import NoticeError, RawNotice, shown

_GENRE = re.compile(r"整改")
_REVIEW = re.compile(r"巡察|巡视|审计")


@dataclass
class Extraction:
    """Rows for each table, plus what the reader could not make sense of."""

    document: dict
    problems: list[dict] = field(default_factory=list)
    measures: list[dict] = field(default_factory=list)
    amounts: list[dict] = field(default_factory=list)
    evidence: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    category_overrides: list[dict] = field(default_factory=list)  # researchers' set_category corrections


def extract_text(text: str, doc_id: str = "inline") -> Extraction:
    """Extract a notice given as a string (pasted into a notebook, or a test's minimal text); no file, no metadata."""
    path = Path(f"{doc_id}.txt")
    return extract_notice(RawNotice(doc_id, path, path.name, "", text, "utf-8", False))


def extract_notice(notice: RawNotice, corrections: list[Correction] | tuple[Correction, ...] = ()) -> Extraction:
    """Extract one notice, then apply the researcher's corrections for it.

    Raises NoticeError when the text is not a rectification notice at all.
    """
    norm = normalize(notice.text)
    text = norm.text
    if not _GENRE.search(text) or not _REVIEW.search(text):
        raise NoticeError(
            f"{shown(notice.path)}: not a rectification notice (no 整改 with 巡察/巡视/审计 in the text)"
            " — nothing extracted"
        )
    root = build_outline(text)
    problems, warnings = find_problems(text, root)
    body_start = root.children[0].start if root.children else len(text)
    first_problem = problems[0].start if problems else len(text)
    header = read_header(text, body_start)
    totals = read_totals(text, 0, first_problem)
    doc_id = notice.doc_id
    spans = _Spans(norm)

    problem_rows, measure_rows, unmapped = [], [], []
    for seq, p in enumerate(problems, start=1):
        problem_rows.append(_problem_row(doc_id, seq, p, text, spans))
        if p.status is None:
            unmapped.append(p.status_raw)
        for part, items in (("measure", p.measures), ("result", p.results)):
            for mseq, item in enumerate(items, start=1):
                s, e = spans(item.start, item.end)
                measure_rows.append(
                    {
                        "doc_id": doc_id,
                        "problem_seq": seq,
                        "measure_seq": mseq,
                        "part": part,
                        "marker": item.marker,
                        "text": text[item.start : item.end].strip(),
                        "span_start": s,
                        "span_end": e,
                    }
                )

    def part_at(offset: int) -> tuple[int | None, str]:
        for seq, p in enumerate(problems, start=1):
            if p.start <= offset < p.end:
                inside = [part for part, a, b in p.regions if a <= offset < b]
                return seq, inside[-1] if inside else "problem"
        return None, "preamble"

    amount_rows = []
    found_amounts = find_amounts(text, lambda o: part_at(o)[1])
    warnings += [
        f"amount '{text[a.start : a.end]}' has more precision or size than yuan are stored with: left out"
        for a in found_amounts
        if a.yuan is None
    ]
    for aseq, a in enumerate((a for a in found_amounts if a.yuan is not None), start=1):
        pseq, part = part_at(a.start)
        s, e = spans(a.start, a.end)
        cs, ce = spans(*a.context)
        amount_rows.append(
            {
                "doc_id": doc_id,
                "amount_seq": aseq,
                "problem_seq": pseq,
                "part": part,
                "raw": notice.text[s:e],
                "yuan": a.yuan,
                "approx": a.approx,
                "kind": a.kind,
                "kind_phrase": a.kind_phrase,
                "context": notice.text[cs:ce].strip(),
                "span_start": s,
                "span_end": e,
            }
        )

    mine = [c for c in corrections if c.doc_id == doc_id]
    category_overrides: list[dict] = []
    stale: list[str] = []
    if mine:
        problem_rows, measure_rows, amount_rows, categories, stale = apply_corrections(
            notice.text, problem_rows, measure_rows, amount_rows, mine
        )
        category_overrides = [
            {"doc_id": doc_id, "problem_seq": int(key.rsplit(":", 1)[1]), "category": c.value, "note": c.note}
            for c, key in categories
        ]
        unmapped = [p["status_raw"] for p in problem_rows if p["status"] is None]
    else:
        for row in problem_rows + amount_rows:
            row["corrections"] = None

    # City, county, province and issuer: given in metadata.csv, else read from the normalised text.
    inferred = infer_metadata(text)
    facts: dict[str, Fact] = {**header.facts, **totals}
    evidence = [
        {
            "doc_id": doc_id,
            "field": name,
            "value": str(fact.value),
            "span_start": s,
            "span_end": e,
            "quote": notice.text[s:e],
        }
        for name, fact in facts.items()
        if fact.span is not None
        for s, e in [spans(*fact.span)]
    ]
    metadata, metadata_inferred = fill_metadata(notice.metadata, inferred)
    evidence += [
        {
            "doc_id": doc_id,
            "field": name,
            "value": metadata[name],
            "span_start": s,
            "span_end": e,
            "quote": notice.text[s:e],
        }
        for name in metadata_inferred
        if (found := inferred[name]) is not None and found.start is not None and found.end is not None
        for s, e in [spans(found.start, found.end)]
    ]
    given_facts, given_warnings = _given_facts(notice.metadata)
    given_warnings += [
        f"{name} '{found.value}' is ambiguous ({', '.join(found.candidates)}): the fields above it are left empty"
        for name in metadata_inferred
        if (found := inferred[name]) is not None and found.candidates
    ]
    unread = [
        name for name in _CORE_FACTS if metadata.get(name) is None and name not in given_facts and name not in facts
    ]
    if unread:
        given_warnings.append(
            f"not read from the text: {', '.join(unread)} — give them in metadata.csv if the notice states them"
        )
    warnings = list(notice.warnings) + warnings + header.warnings + stale + given_warnings
    document = _document_row(
        notice, facts, problem_rows, measure_rows, amount_rows, unmapped, warnings, cut=is_cut(text)
    )
    document.update(metadata, **given_facts)
    keys = grouping_keys(text, _located(text, document, inferred, facts))
    given_keys = {k: v.strip() for k in GIVEN_KEYS if (v := notice.metadata.get(k) or "").strip()}
    document.update({k: None if key is None else key.value for k, key in keys.items()}, **given_keys)
    evidence += [
        {
            "doc_id": doc_id,
            "field": name,
            "value": str(key.value),
            "span_start": s,
            "span_end": e,
            "quote": notice.text[s:e],
            "rule": key.rule,
        }
        for name, key in keys.items()
        if key is not None and name not in given_keys and key.start is not None and key.end is not None
        for s, e in [spans(key.start, key.end)]
    ]
    given = [f for f in ("city", "county", "province", "issuer") if f in metadata and f not in metadata_inferred]
    given += list(given_keys)
    document["metadata_given"] = "; ".join(f for f in (*given, *given_facts) if document.get(f) is not None)
    document["metadata_inferred"] = "; ".join(metadata_inferred)
    document["corrections_applied"] = len(mine) - len(stale)
    return Extraction(
        document, problem_rows, measure_rows, amount_rows, evidence, warnings, category_overrides=category_overrides
    )


# Grouping keys a row of data/raw/metadata.csv may state instead (optional columns, checked by analysis.read.sources).
GIVEN_KEYS = ("admin_level", "agency_type", "review_kind", "adcode")
_LOCATED_FACTS = ("title", "review_type", "review_scope", "reviewer", "published_date", "feedback_date")


def _located(
    text: str, document: dict, inferred: dict[str, Inferred | None], facts: dict[str, Fact]
) -> dict[str, Located | None]:
    """The document's final values that decide its grouping keys, each with its span in the normalised text: the
    reading's span when the value is the one read, else where the text writes it, else none (given elsewhere)."""
    located: dict[str, Located | None] = {}
    for name in ("issuer", "city", "county", "province"):
        value, reading = document.get(name), inferred.get(name)
        if value is None:
            located[name] = None
        elif reading is not None and reading.value == value and reading.start is not None:
            located[name] = Located(value, reading.start, reading.end)
        else:
            at = text.find(value)
            located[name] = Located(value, at, at + len(value)) if at >= 0 else Located(value)
    for name in _LOCATED_FACTS:
        value, fact = document.get(name), facts.get(name)
        if value is None:
            located[name] = None
        elif fact is not None and fact.value == value and fact.span is not None:
            located[name] = Located(value, *fact.span)
        else:
            located[name] = Located(value)
    return located


# Facts every notice has, whether or not its text states them: each one not read is said so in a warning.
_CORE_FACTS = ("issuer", "city", "review_type", "reviewer", "published_date")
# Facts read from the text that a row of data/raw/metadata.csv may state instead (optional columns).
GIVEN_FACTS = tuple(f for f in HEADER_FIELDS if f != "title")
_REVIEW_TYPES = ("巡察", "巡视", "审计", "其他")


def _given_facts(metadata: dict[str, str]) -> tuple[dict, list[str]]:
    """Header facts given in metadata.csv, which win over the text; a value that cannot be used is a warning."""
    given: dict = {}
    warnings: list[str] = []
    for name in GIVEN_FACTS:
        raw = (metadata.get(name) or "").strip()
        if not raw:
            continue
        if name in ("review_scope", "reviewer"):
            given[name] = raw
        elif name == "review_type":
            if raw in _REVIEW_TYPES:
                given[name] = raw
            else:
                warnings.append(f"metadata.csv review_type '{raw}' is not one of {', '.join(_REVIEW_TYPES)}: ignored")
        else:
            try:
                given[name] = dt.date.fromisoformat(raw)
            except ValueError:
                warnings.append(f"metadata.csv {name} '{raw}' is not a YYYY-MM-DD date: ignored")
    return given, warnings


class _Spans:
    """Maps normalised-text spans to source-text spans."""

    def __init__(self, norm: Normalized) -> None:
        self.norm = norm

    def __call__(self, start: int, end: int) -> tuple[int, int]:
        return self.norm.source_span(start, end)


def _problem_row(doc_id: str, seq: int, p: Problem, text: str, spans: _Spans) -> dict:
    s, e = spans(p.start, p.end)
    label = p.node.marker.label.rstrip(": ")
    status_span = spans(*p.status_span) if p.status_span else (None, None)
    return {
        "doc_id": doc_id,
        "problem_seq": seq,
        "label": re.sub(r"\s+", "", label),
        "section": p.section,
        "area": p.area,
        "topic": p.topic,
        "subtopic": p.subtopic,
        "title": text[slice(*p.title_span)].strip(),
        "description": text[slice(*p.description_span)].strip() if p.description_span else None,
        "status": p.status,
        "status_raw": p.status_raw,
        "n_measures": len(p.measures),
        "n_results": len(p.results),
        "truncated": p.truncated,
        "span_start": s,
        "span_end": e,
        "status_span_start": status_span[0],
        "status_span_end": status_span[1],
    }


def _document_row(
    notice: RawNotice,
    facts: dict[str, Fact],
    problems: list[dict],
    measures: list[dict],
    amounts: list[dict],
    unmapped: list[str | None],
    warnings: list[str],
    cut: bool = False,
) -> dict:
    value = {name: fact.value for name, fact in facts.items()}
    row = {
        "doc_id": notice.doc_id,
        "source_file": notice.source_file,
        "sha256": notice.sha256,
        "encoding": notice.encoding,
        "title": value.get("title"),
        "text_source": notice.text_source,
        **{k: value.get(k) for k in (*GIVEN_FACTS, *TOTAL_FIELDS)},
        "problems_extracted": len(problems),
        "measures_extracted": sum(m["part"] == "measure" for m in measures),
        "results_extracted": sum(m["part"] == "result" for m in measures),
        "amounts_extracted": len(amounts),
        "problems_without_measures": sum(p["n_measures"] == 0 for p in problems),
        "unmapped_status_phrases": "; ".join(sorted({u for u in unmapped if u})),
    }
    row["findings"] = "; ".join(findings(row, problems, cut=cut))
    row["n_warnings"] = len(warnings)
    row["warnings"] = "; ".join(warnings)
    return row
