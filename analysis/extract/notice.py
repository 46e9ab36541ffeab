"""Read one rectification notice into table rows whose every value points back to a span of the source text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from analysis.curate.consistency import findings
from analysis.curate.corrections import Corrected, Correction, correct_notice
from analysis.curate.given import GIVEN_FACTS, given_facts, given_keys
from analysis.extract.amounts import find_amounts
from analysis.extract.header import Fact, read_header
from analysis.extract.infer import Inferred, fill_metadata, infer_metadata
from analysis.extract.keys import Located, grouping_keys
from analysis.extract.normalize import Normalized, normalize
from analysis.extract.outline import build_outline
from analysis.extract.problems import Problem, find_problems, is_cut
from analysis.extract.totals import FIELDS as TOTAL_FIELDS
from analysis.extract.totals import read_totals
from analysis.read.sources import NoticeError, RawNotice, shown

_GENRE = re.compile(r"整改|审计结果")
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
    """Extract one notice: read its parts from the text, then curate them — the researcher's corrections and what
    metadata.csv gives win over the text — into the rows of every table.

    Raises NoticeError when the text is not a rectification notice at all.
    """
    reading = _read(notice)
    corrected = correct_notice(
        notice.text, notice.doc_id, reading.problems, reading.measures, reading.amounts, corrections
    )
    return _rows(notice, reading, corrected)


@dataclass
class _Reading:
    """What the text of one notice says, before any curation."""

    text: str  # the normalised text every offset below indexes
    spans: _Spans
    problems: list[dict]
    measures: list[dict]
    amounts: list[dict]
    facts: dict[str, Fact]
    inferred: dict[str, Inferred | None]
    warnings: list[str]
    cut: bool


def _read(notice: RawNotice) -> _Reading:
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
    header = read_header(text, body_start)
    totals = read_totals(text, 0, problems[0].start if problems else len(text))
    spans = _Spans(norm)
    problem_rows = [_problem_row(notice.doc_id, seq, p, text, spans) for seq, p in enumerate(problems, start=1)]
    amount_rows, amount_warnings = _amount_rows(notice, problems, text, spans)
    return _Reading(
        text=text,
        spans=spans,
        problems=problem_rows,
        measures=_measure_rows(notice.doc_id, problems, text, spans),
        amounts=amount_rows,
        facts={**header.facts, **totals},
        inferred=infer_metadata(text),
        warnings=warnings + header.warnings + amount_warnings,
        cut=is_cut(text),
    )


def _measure_rows(doc_id: str, problems: list[Problem], text: str, spans: _Spans) -> list[dict]:
    rows = []
    for seq, p in enumerate(problems, start=1):
        for part, items in (("measure", p.measures), ("result", p.results)):
            for mseq, item in enumerate(items, start=1):
                s, e = spans(item.start, item.end)
                rows.append(
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
    return rows


def _amount_rows(notice: RawNotice, problems: list[Problem], text: str, spans: _Spans) -> tuple[list[dict], list[str]]:
    """Every amount of money with its problem and part, and a warning for each that cannot be stored exactly."""

    def part_at(offset: int) -> tuple[int | None, str]:
        for seq, p in enumerate(problems, start=1):
            if p.start <= offset < p.end:
                inside = [part for part, a, b in p.regions if a <= offset < b]
                return seq, inside[-1] if inside else "problem"
        return None, "preamble"

    found = find_amounts(text, lambda o: part_at(o)[1])
    warnings = [
        f"amount '{text[a.start : a.end]}' has more precision or size than yuan are stored with: left out"
        for a in found
        if a.yuan is None
    ]
    rows = []
    for aseq, a in enumerate((a for a in found if a.yuan is not None), start=1):
        pseq, part = part_at(a.start)
        s, e = spans(a.start, a.end)
        cs, ce = spans(*a.context)
        rows.append(
            {
                "doc_id": notice.doc_id,
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
    return rows, warnings


def _rows(notice: RawNotice, reading: _Reading, corrected: Corrected) -> Extraction:
    """The curated rows of every table: metadata.csv's values over the text's, each value with its evidence."""
    metadata, metadata_inferred = fill_metadata(notice.metadata, reading.inferred)
    facts_given, given_warnings = given_facts(notice.metadata)
    warnings = [
        *notice.warnings,
        *reading.warnings,
        *corrected.stale,
        *given_warnings,
        *_inference_warnings(reading, metadata, metadata_inferred, facts_given),
    ]
    unmapped = [p["status_raw"] for p in corrected.problems if p["status"] is None]
    document = _document_row(
        notice,
        reading.facts,
        corrected.problems,
        corrected.measures,
        corrected.amounts,
        unmapped,
        warnings,
        reading.cut,
    )
    document.update(metadata, **facts_given)
    keys = grouping_keys(reading.text, _located(reading.text, document, reading.inferred, reading.facts))
    keys_given = given_keys(notice.metadata)
    document.update({k: None if key is None else key.value for k, key in keys.items()}, **keys_given)
    given = [f for f in ("city", "county", "province", "issuer") if f in metadata and f not in metadata_inferred]
    given += list(keys_given)
    document["metadata_given"] = "; ".join(f for f in (*given, *facts_given) if document.get(f) is not None)
    document["metadata_inferred"] = "; ".join(metadata_inferred)
    document["corrections_applied"] = corrected.applied
    evidence = _evidence(notice, reading, metadata, metadata_inferred, keys, keys_given)
    return Extraction(
        document,
        corrected.problems,
        corrected.measures,
        corrected.amounts,
        evidence,
        warnings,
        category_overrides=corrected.category_overrides,
    )


def _inference_warnings(
    reading: _Reading, metadata: dict, metadata_inferred: list[str], facts_given: dict
) -> list[str]:
    warnings = [
        f"{name} '{found.value}' is ambiguous ({', '.join(found.candidates)}): the fields above it are left empty"
        for name in metadata_inferred
        if (found := reading.inferred[name]) is not None and found.candidates
    ]
    unread = [
        name
        for name in _CORE_FACTS
        if metadata.get(name) is None and name not in facts_given and name not in reading.facts
    ]
    if unread:
        warnings.append(
            f"not read from the text: {', '.join(unread)} — give them in metadata.csv if the notice states them"
        )
    return warnings


def _evidence(
    notice: RawNotice,
    reading: _Reading,
    metadata: dict,
    metadata_inferred: list[str],
    keys: dict,
    keys_given: dict[str, str],
) -> list[dict]:
    """One row per value read from the text (facts, places and issuer, grouping keys) with its span and quote."""
    found: list[tuple[str, str, tuple[int, int], str | None]] = [
        (name, str(fact.value), fact.span, None) for name, fact in reading.facts.items() if fact.span is not None
    ]
    found += [
        (name, metadata[name], (place.start, place.end), None)
        for name in metadata_inferred
        if (place := reading.inferred[name]) is not None and place.start is not None and place.end is not None
    ]
    found += [
        (name, str(key.value), (key.start, key.end), key.rule)
        for name, key in keys.items()
        if key is not None and name not in keys_given and key.start is not None and key.end is not None
    ]
    rows = []
    for name, value, span, rule in found:
        s, e = reading.spans(*span)
        row = {"doc_id": notice.doc_id, "field": name, "value": value, "span_start": s, "span_end": e}
        row["quote"] = notice.text[s:e]
        if rule is not None:
            row["rule"] = rule
        rows.append(row)
    return rows


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
