"""Score an extraction against the hand-checked gold tables (tests/data/gold).

Gold rows are keyed by ``city_key``, extracted rows by ``doc_id``; only documents present in the gold are
scored (others are listed under ``coverage``). Precision is correct / extracted non-null, recall is correct /
gold non-null; a ratio with a zero denominator is 1.0 because its numerator is then zero too (nothing claimed,
nothing wrong). Values are compared after a per-field normalisation: dates as ISO dates, numbers as exact
decimals, strings exactly after stripping whitespace, labels also folding full-width punctuation, an amount's
``raw`` verbatim. Count columns the contract defines as non-null (``n_measures``, ``n_results``) read an empty
gold cell as 0: the gold leaves them empty where the notice has no such items.

Amounts outside problems (null ``problem_seq``) are out of the gold's scope and not scored.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pandas as pd

CONTRACT_TABLES = ("documents", "problems", "measures", "amounts", "evidence")
SCORED_TABLES = ("documents", "problems", "amounts")

# Half-width twins of the full-width punctuation block (U+FF01..U+FF5E), letters and digits excluded.
PUNCTUATION_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F) if not chr(cp - 0xFEE0).isalnum()}


def is_null(value: Any) -> bool:
    """Whether a table cell or gold value is empty: None, NaN/NA/NaT, or only whitespace."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _text(value: Any) -> str:
    return str(value).strip()


def _label(value: Any) -> str:
    return _text(value).translate(PUNCTUATION_WIDTH)


def _verbatim(value: Any) -> str:
    return str(value)


def _date(value: Any) -> str:
    if isinstance(value, dt.datetime):  # before date: datetime (and pd.Timestamp) is a subclass of date
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        try:
            return pd.Timestamp(value).date().isoformat()
        except (TypeError, ValueError):
            return _text(value)
    text = value.strip()
    for parse in (dt.date.fromisoformat, lambda s: dt.datetime.fromisoformat(s).date()):
        try:
            return parse(text).isoformat()
        except ValueError:
            continue
    return text  # unparseable: kept as written so the mismatch shows it


def _number(value: Any) -> Decimal | str:
    try:
        if isinstance(value, float):
            return Decimal(repr(value))
        return Decimal(str(value).strip())
    except InvalidOperation:
        return _text(value)


def _bool(value: Any) -> bool | str:
    if isinstance(value, str):
        return {"true": True, "false": False}.get(value.strip().lower(), value.strip())
    return bool(value)


Normaliser = Callable[[Any], Any]

DOCUMENT_FIELDS: dict[str, Normaliser] = {
    "city": _text,
    "province": _text,
    "issuer": _text,
    "review_type": _text,
    "review_scope": _text,
    "reviewer": _text,
    "review_start": _date,
    "review_end": _date,
    "feedback_date": _date,
    "published_date": _date,
    "problems_reported": _number,
    "measures_reported": _number,
}
PROBLEM_FIELDS: dict[str, Normaliser] = {
    "label": _label,
    "section": _text,
    "area": _text,
    "topic": _text,
    "title": _text,
    "status": _text,
    "status_raw": _text,
    "n_measures": _number,
    "n_results": _number,
}
AMOUNT_FIELDS: dict[str, Normaliser] = {"approx": _bool, "part": _text, "kind": _text, "raw": _verbatim}
_GOLD_ZERO_WHEN_EMPTY = {"n_measures", "n_results"}


def load_extraction(directory: Path) -> dict[str, pd.DataFrame]:
    """Read ``<directory>/<table>.parquet`` for every contract table present.

    Raises FileNotFoundError when one of the scored tables (documents, problems, amounts) is missing, so
    that a wrong directory is not silently scored as an empty extraction.
    """
    directory = Path(directory)
    missing = [t for t in SCORED_TABLES if not (directory / f"{t}.parquet").is_file()]
    if missing:
        raise FileNotFoundError(f"{directory}: no {', '.join(f'{t}.parquet' for t in missing)}")
    return {
        table: pd.read_parquet(directory / f"{table}.parquet")
        for table in CONTRACT_TABLES
        if (directory / f"{table}.parquet").is_file()
    }


def load_gold(gold_dir: Path) -> dict[str, pd.DataFrame]:
    """Read the gold CSVs as text: every cell a string, an empty cell an empty string."""
    return {
        table: pd.read_csv(Path(gold_dir) / f"{table}.csv", dtype=str, keep_default_na=False) for table in SCORED_TABLES
    }


def _normalise(value: Any, normaliser: Normaliser) -> Any:
    return None if is_null(value) else normaliser(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value.normalize())
    return value


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 1.0


def _scores(correct: int, extracted: int, gold: int) -> dict[str, Any]:
    precision, recall = _ratio(correct, extracted), _ratio(correct, gold)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "correct": correct,
        "extracted": extracted,
        "gold": gold,
    }


class _FieldTally:
    """Counts correct / extracted / gold per field and records each disagreement."""

    def __init__(self, table: str, fields: dict[str, Normaliser], mismatches: list[dict[str, Any]]):
        self.table, self.fields, self.mismatches = table, fields, mismatches
        self.counts = {field: [0, 0, 0] for field in fields}

    def compare(
        self,
        doc_id: str,
        key: str | None,
        gold: dict[str, Any],
        extracted: dict[str, Any],
        record: bool = True,
    ) -> None:
        """Count one aligned pair of rows; ``record=False`` counts without listing field mismatches."""
        for field, normaliser in self.fields.items():
            g = _normalise(gold.get(field), normaliser)
            if g is None and field in _GOLD_ZERO_WHEN_EMPTY and gold:  # `gold` is {} for an extra row
                g = Decimal(0)
            e = _normalise(extracted.get(field), normaliser)
            counts = self.counts[field]
            counts[0] += g is not None and e is not None and g == e
            counts[1] += e is not None
            counts[2] += g is not None
            if record and g != e:
                self.mismatches.append(_mismatch(self.table, doc_id, key, field, g, e))

    def result(self) -> dict[str, dict[str, Any]]:
        return {field: _scores(*counts) for field, counts in self.counts.items()}


def _mismatch(table: str, doc_id: str, key: str | None, field: str, gold: Any, extracted: Any) -> dict[str, Any]:
    return {
        "table": table,
        "doc_id": doc_id,
        "key": key,
        "field": field,
        "gold": _jsonable(gold),
        "extracted": _jsonable(extracted),
    }


def _records(frame: pd.DataFrame | None, doc_column: str, doc_ids: Iterable[str]) -> dict[str, list[dict]]:
    """Rows of ``frame`` grouped by document, kept only for ``doc_ids``, in their original order."""
    grouped: dict[str, list[dict]] = {doc_id: [] for doc_id in doc_ids}
    if frame is None or frame.empty or doc_column not in frame.columns:
        return grouped
    for row in frame.to_dict("records"):
        doc_id = _text(row[doc_column])
        if doc_id in grouped:
            grouped[doc_id].append(row)
    return grouped


def _problem_summary(row: dict[str, Any]) -> str:
    label = "" if is_null(row.get("label")) else _text(row["label"])
    title = "" if is_null(row.get("title")) else _text(row["title"])
    return f"{label} {title[:30]}".strip()


def _evaluate_documents(gold: pd.DataFrame, extracted: dict[str, list[dict]], mismatches: list) -> dict:
    tally = _FieldTally("documents", DOCUMENT_FIELDS, mismatches)
    for gold_row in gold.to_dict("records"):
        doc_id = gold_row["city_key"]
        rows = extracted[doc_id]
        tally.compare(doc_id, None, gold_row, rows[0] if rows else {})
    return tally.result()


def _evaluate_problems(
    gold: dict[str, list[dict]], extracted: dict[str, list[dict]], mismatches: list
) -> tuple[dict, dict]:
    tally = _FieldTally("problems", PROBLEM_FIELDS, mismatches)
    by_document = {}
    for doc_id, gold_rows in gold.items():
        by_seq: dict[Any, list[dict]] = defaultdict(list)
        for row in extracted[doc_id]:
            by_seq[_normalise(row.get("problem_seq"), _number)].append(row)
        matched = 0
        for gold_row in gold_rows:
            seq = _number(gold_row["problem_seq"])
            key = str(_jsonable(seq))
            if by_seq.get(seq):
                matched += 1
                tally.compare(doc_id, key, gold_row, by_seq[seq].pop(0))
            else:
                tally.compare(doc_id, key, gold_row, {}, record=False)
                mismatches.append(_mismatch("problems", doc_id, key, "(missing)", _problem_summary(gold_row), None))
        for seq, rows in by_seq.items():
            for row in rows:  # unaligned: a seq the gold lacks, or a repeated seq
                key = None if seq is None else str(_jsonable(seq))
                tally.compare(doc_id, key, {}, row, record=False)
                mismatches.append(_mismatch("problems", doc_id, key, "(extra)", None, _problem_summary(row)))
        by_document[doc_id] = {
            "gold": len(gold_rows),
            "extracted": len(extracted[doc_id]),
            "matched": matched,
        }
    return tally.result(), _found(by_document)


def _found(by_document: dict[str, dict[str, int]]) -> dict[str, Any]:
    totals = {k: sum(counts[k] for counts in by_document.values()) for k in ("gold", "extracted", "matched")}
    overall = _scores(totals["matched"], totals["extracted"], totals["gold"])
    overall["matched"] = overall.pop("correct")
    return {"overall": overall, "by_document": by_document}


def _amount_key(row: dict[str, Any]) -> tuple[Any, Any]:
    return _normalise(row.get("problem_seq"), _number), _normalise(row.get("yuan"), _number)


def _evaluate_amounts(gold: dict[str, list[dict]], extracted: dict[str, list[dict]], mismatches: list) -> dict:
    field_counts = {field: 0 for field in AMOUNT_FIELDS}
    by_document, out_of_scope = {}, 0
    for doc_id, gold_rows in gold.items():
        pending: dict[tuple, list[dict]] = defaultdict(list)
        in_scope = 0
        for row in extracted[doc_id]:
            if _normalise(row.get("problem_seq"), _number) is None:
                out_of_scope += 1
                continue
            in_scope += 1
            pending[_amount_key(row)].append(row)
        matched = 0
        for gold_row in gold_rows:
            seq_yuan = _amount_key(gold_row)
            key = "|".join(str(_jsonable(v)) for v in seq_yuan)
            if not pending.get(seq_yuan):
                mismatches.append(_mismatch("amounts", doc_id, key, "(missing)", gold_row["raw"], None))
                continue
            matched += 1
            row = pending[seq_yuan].pop(0)
            for field, normaliser in AMOUNT_FIELDS.items():
                g, e = _normalise(gold_row[field], normaliser), _normalise(row.get(field), normaliser)
                field_counts[field] += g == e
                if g != e:
                    mismatches.append(_mismatch("amounts", doc_id, key, field, g, e))
        for seq_yuan, rows in pending.items():
            key = "|".join(str(_jsonable(v)) for v in seq_yuan)
            for row in rows:
                mismatches.append(_mismatch("amounts", doc_id, key, "(extra)", None, _verbatim(row.get("raw"))))
        by_document[doc_id] = {"gold": len(gold_rows), "extracted": in_scope, "matched": matched}
    found = _found(by_document)
    matched = found["overall"]["matched"]
    return {
        "found": found["overall"],
        "by_document": by_document,
        "out_of_scope": out_of_scope,
        "fields": {
            field: {"correct": correct, "matched": matched, "accuracy": _ratio(correct, matched)}
            for field, correct in field_counts.items()
        },
    }


def evaluate(extraction: dict[str, pd.DataFrame], gold_dir: Path) -> dict[str, Any]:
    """Score ``extraction`` (table name → contract-shaped frame) against the gold CSVs in ``gold_dir``.

    Returns plain JSON-serialisable data: per-field scores for documents and problems, ``problems_found``
    (gold / extracted / matched per document and overall), amounts found and the accuracy of their fields,
    ``coverage`` of documents, and ``mismatches``: one row per disagreement, what a developer reads to fix
    the extractor.
    """
    gold = load_gold(gold_dir)
    doc_ids = list(gold["documents"]["city_key"])
    mismatches: list[dict[str, Any]] = []
    extracted = {t: _records(extraction.get(t), "doc_id", doc_ids) for t in SCORED_TABLES}
    gold_rows = {t: _records(gold[t], "city_key", doc_ids) for t in ("problems", "amounts")}

    extracted_docs = extraction.get("documents")
    extracted_ids = set() if extracted_docs is None or "doc_id" not in extracted_docs else set(extracted_docs["doc_id"])
    problems, problems_found = _evaluate_problems(gold_rows["problems"], extracted["problems"], mismatches)
    return {
        "documents": _evaluate_documents(gold["documents"], extracted["documents"], mismatches),
        "problems": problems,
        "problems_found": problems_found,
        "amounts": _evaluate_amounts(gold_rows["amounts"], extracted["amounts"], mismatches),
        "coverage": {
            "gold_documents": doc_ids,
            "missing_documents": [d for d in doc_ids if d not in extracted_ids],
            "documents_not_in_gold": sorted(str(d) for d in extracted_ids - set(doc_ids)),
        },
        "mismatches": mismatches,
    }


def format_mismatch(row: dict[str, Any]) -> str:
    """One mismatch as a line: ``table doc_id [key] field: gold=… extracted=…``."""
    where = " ".join(str(part) for part in (row["table"], row["doc_id"], row["key"]) if part is not None)
    return f"{where} {row['field']}: gold={row['gold']!r} extracted={row['extracted']!r}"


def _score_lines(title: str, scores: dict[str, dict[str, Any]]) -> list[str]:
    lines = [title, f"  {'field':<18} {'P':>6} {'R':>6} {'F1':>6}  correct/extracted/gold"]
    for field, s in scores.items():
        lines.append(
            f"  {field:<18} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f}"
            f"  {s['correct']}/{s['extracted']}/{s['gold']}"
        )
    return lines


def _found_lines(title: str, found: dict[str, Any], by_document: dict[str, dict[str, int]]) -> list[str]:
    lines = [
        f"{title}: matched {found['matched']} of {found['gold']} gold, {found['extracted']} extracted "
        f"(P {found['precision']:.3f} R {found['recall']:.3f})"
    ]
    lines += [
        f"  {d:<12} gold {c['gold']:>3}  extracted {c['extracted']:>3}  matched {c['matched']:>3}"
        for d, c in by_document.items()
    ]
    return lines


def format_summary(result: dict[str, Any], max_mismatches: int = 40) -> str:
    """Human-readable report of an ``evaluate`` result; keys it does not know are printed as they are."""
    lines = _score_lines("Documents", result["documents"])
    found = result["problems_found"]
    lines += _found_lines("Problems found", found["overall"], found["by_document"])
    lines += _score_lines("Problem fields", result["problems"])
    amounts = result["amounts"]
    lines += _found_lines("Amounts found", amounts["found"], amounts["by_document"])
    lines += [f"  {amounts['out_of_scope']} extracted amounts outside problems not scored"]
    lines += [f"  {f:<8} {s['correct']}/{s['matched']} correct" for f, s in amounts["fields"].items()]
    coverage = result["coverage"]
    if coverage["missing_documents"]:
        lines.append(f"Documents missing from the extraction: {', '.join(coverage['missing_documents'])}")
    known = {"documents", "problems", "problems_found", "amounts", "coverage", "mismatches"}
    lines += [f"{key}: {value}" for key, value in result.items() if key not in known]
    mismatches = result["mismatches"]
    lines.append(f"Mismatches: {len(mismatches)}")
    lines += [f"  {format_mismatch(row)}" for row in mismatches[:max_mismatches]]
    if len(mismatches) > max_mismatches:
        lines.append(f"  … {len(mismatches) - max_mismatches} more (see --json)")
    return "\n".join(lines)
