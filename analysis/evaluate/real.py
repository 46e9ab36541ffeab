"""Score the extractor on a folder of real notices laid out like tests/data/real (docs/, gold.json).

The gold's conventions are in tests/data/real/README.md. Four measures, per field and overall:

- **facts right**: of the gold's document facts, the share the extractor gives exactly (a gold null counts as
  right when the extractor leaves it empty too);
- **filled where the gold is empty**: of the gold's null facts, the share the extractor filled — each such value
  is a claim the text does not support;
- **problem headings found**: of the problem items whose heading is visible in the text, the share the extractor
  found with the same label and title, and of those the share with the gold's status. Extracted headings that are
  not in the gold are counted as spurious;
- **grouping keys** (admin_level, agency_type, review_kind, adcode, year): scored like facts, apart, and only on
  the gold entries that label them.

Strings are compared after removing whitespace and folding full-width punctuation; a trailing 。 of a title is
ignored. Nothing is fuzzy: a value is right or it is wrong, and every wrong value is listed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from analysis.evaluate.seeds import PUNCTUATION_WIDTH, is_null

# gold.json key → documents column
FACTS = {
    "issuer": "issuer",
    "city": "city",
    "county": "county",
    "province": "province",
    "review_type": "review_type",
    "reviewer": "reviewer",
    "review_start": "review_start",
    "review_end": "review_end",
    "feedback_date": "feedback_date",
    "published_date": "published_date",
    "problems_reported": "problems_reported",
    "problems_completed": "problems_completed_reported",
    "problems_in_progress": "problems_in_progress_reported",
    "completion_rate": "completion_rate_reported",
    "measures_reported": "measures_reported",
}
# Grouping keys (documents columns of the same names), scored only on the gold entries that label them.
GROUPING_KEYS = ("admin_level", "agency_type", "review_kind", "adcode", "year")


def _canonical(value: Any) -> str:
    """One comparable form: ISO dates, whole numbers without '.0', strings without spaces or full-width punctuation."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    text = re.sub(r"\s+", "", str(value)).translate(PUNCTUATION_WIDTH)
    return text.rstrip("。.")


@dataclass(frozen=True)
class Heading:
    label: str
    title: str
    status: str | None

    @property
    def key(self) -> tuple[str, str]:
        return _canonical(self.label).rstrip(":、."), _canonical(self.title)


def load_gold(folder: Path) -> list[dict]:
    """The gold entries, one per notice, in file order."""
    return json.loads((folder / "gold.json").read_text(encoding="utf-8"))


def extract_folder(folder: Path) -> dict[str, Any]:
    """Extract every notice of folder/docs in-process: {file: Extraction or the error line}."""
    from analysis.extract import extract_notice
    from analysis.read.sources import NoticeError, read_notice

    out: dict[str, Any] = {}
    for path in sorted((folder / "docs").iterdir()):
        try:
            out[path.name] = extract_notice(read_notice(path, {}))
        except NoticeError as error:
            out[path.name] = str(error)
    return out


def score(gold: list[dict], extracted: dict[str, Any]) -> dict[str, Any]:
    """Compare each gold entry with its extraction; returns totals per field, overall, and every mismatch."""
    per_field = {name: {"right": 0, "total": 0, "gold_null": 0, "filled": 0} for name in FACTS}
    per_key = {name: {"right": 0, "total": 0, "gold_null": 0, "filled": 0} for name in GROUPING_KEYS}
    headings = {"visible": 0, "found": 0, "status_right": 0, "spurious": 0, "extracted": 0}
    money = {"gold": 0, "found": 0, "yuan_right": 0, "kind_stated": 0, "kind_right": 0, "spurious": 0}
    mismatches: list[dict[str, Any]] = []
    for entry in gold:
        result = extracted.get(entry["file"])
        document = result.document if hasattr(result, "document") else {}
        for name, column in FACTS.items():
            _compare(per_field[name], entry["file"], name, entry.get(name), document.get(column), mismatches)
        for name in GROUPING_KEYS:
            if name in entry:
                _compare(per_key[name], entry["file"], name, entry[name], document.get(name), mismatches)
        gold_headings = [Heading(p["label"], p["title"], p.get("status")) for p in entry.get("problems") or []]
        found = [
            Heading(p["label"] or "", p["title"] or "", p["status"])
            for p in (result.problems if hasattr(result, "problems") else [])
        ]
        found_by_key = {h.key: h for h in found}
        gold_keys = {h.key for h in gold_headings}
        headings["visible"] += len(gold_headings)
        headings["extracted"] += len(found)
        headings["spurious"] += sum(h.key not in gold_keys for h in found)
        for want in gold_headings:
            got = found_by_key.get(want.key)
            if got is None:
                mismatches.append(_mismatch(entry["file"], "problem heading", f"{want.label} {want.title}", None))
                continue
            headings["found"] += 1
            if got.status == want.status:
                headings["status_right"] += 1
            else:
                mismatches.append(
                    _mismatch(entry["file"], f"status of {want.label} {want.title}", want.status, got.status)
                )
        _score_amounts(entry, getattr(result, "amounts", []), money, mismatches)
        for h in found:
            if h.key not in gold_keys:
                mismatches.append(_mismatch(entry["file"], "spurious problem heading", None, f"{h.label} {h.title}"))
    right = sum(c["right"] for c in per_field.values())
    total = sum(c["total"] for c in per_field.values())
    gold_null = sum(c["gold_null"] for c in per_field.values())
    filled = sum(c["filled"] for c in per_field.values())
    stated_right = right - (gold_null - filled)
    return {
        "notices": len(gold),
        "not_extracted": sorted(f for f, r in extracted.items() if not hasattr(r, "document")),
        "facts": {
            "right": right,
            "total": total,
            "share_right": _share(right, total),
            "stated": total - gold_null,
            "stated_right": stated_right,
            "share_stated_right": _share(stated_right, total - gold_null),
            "gold_null": gold_null,
            "filled_where_gold_null": filled,
            "share_filled": _share(filled, gold_null),
        },
        "per_field": {name: _with_shares(c) for name, c in per_field.items()},
        "grouping_keys": {name: _with_shares(c) for name, c in per_key.items()},
        "headings": {
            **headings,
            "share_found": _share(headings["found"], headings["visible"]),
            "share_status_right": _share(headings["status_right"], headings["found"]),
        },
        "amounts": {
            **money,
            "share_found": _share(money["found"], money["gold"]),
            "share_yuan_right": _share(money["yuan_right"], money["found"]),
        },
        "mismatches": mismatches,
    }


def _with_shares(counts: dict[str, int]) -> dict[str, Any]:
    return {
        **counts,
        "share_right": _share(counts["right"], counts["total"]),
        "share_filled": _share(counts["filled"], counts["gold_null"]),
    }


def _compare(counts: dict[str, int], file: str, name: str, want: Any, got: Any, mismatches: list[dict]) -> None:
    """Count one gold value against the extracted one: right (a gold null is right when left empty), or filled where
    the gold is null, or wrong; every miss is listed."""
    counts["total"] += 1
    if is_null(want):
        counts["gold_null"] += 1
        if is_null(got):
            counts["right"] += 1
        else:
            counts["filled"] += 1
            mismatches.append(_mismatch(file, name, None, got))
    elif not is_null(got) and _canonical(want) == _canonical(got):
        counts["right"] += 1
    else:
        mismatches.append(_mismatch(file, name, want, None if is_null(got) else got))


def _score_amounts(entry: dict, extracted: list[dict], money: dict[str, int], mismatches: list[dict]) -> None:
    """Amounts matched by their raw text (spaces ignored): found, yuan exact (a gold null: left empty), and the
    kind where the gold states one (the gold leaves kinds outside the seed codebook empty, e.g. recovered money)."""
    pending = {}
    for row in extracted:
        pending.setdefault(_canonical(row["raw"]), []).append(row)
    for want in entry.get("amounts") or []:
        money["gold"] += 1
        rows = pending.get(_canonical(want["raw"]))
        if not rows:
            mismatches.append(_mismatch(entry["file"], "amount", want["raw"], None))
            continue
        got = rows.pop(0)
        money["found"] += 1
        same = (want["yuan"] is None and is_null(got["yuan"])) or (
            want["yuan"] is not None and not is_null(got["yuan"]) and Decimal(str(want["yuan"])) == got["yuan"]
        )
        money["yuan_right"] += same
        if not same:
            mismatches.append(_mismatch(entry["file"], f"yuan of {want['raw']}", want["yuan"], got["yuan"]))
        if want.get("kind"):
            money["kind_stated"] += 1
            money["kind_right"] += got["kind"] == want["kind"]
            if got["kind"] != want["kind"]:
                mismatches.append(_mismatch(entry["file"], f"kind of {want['raw']}", want["kind"], got["kind"]))
    for rows in pending.values():
        money["spurious"] += len(rows)
        for row in rows:
            mismatches.append(_mismatch(entry["file"], "spurious amount", None, row["raw"]))


def _share(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _mismatch(file: str, field: str, gold: Any, extracted: Any) -> dict[str, Any]:
    return {
        "file": file,
        "field": field,
        "gold": None if gold is None else _canonical(gold),
        "extracted": None if extracted is None else _canonical(extracted),
    }


def evaluate_real(folder: Path) -> dict[str, Any]:
    """Extract folder/docs and score it against folder/gold.json."""
    return score(load_gold(folder), extract_folder(folder))


def format_real(result: dict[str, Any], max_mismatches: int = 60) -> str:
    """A plain-text report: overall shares, a line per field, the headings, then the mismatches."""
    facts, heads = result["facts"], result["headings"]
    lines = [
        f"{result['notices']} notices; not read as notices: {', '.join(result['not_extracted']) or 'none'}",
        f"facts right: {facts['right']}/{facts['total']} ({_percent(facts['share_right'])}); "
        f"filled where the gold is empty: {facts['filled_where_gold_null']}/{facts['gold_null']} "
        f"({_percent(facts['share_filled'])})",
        f"facts the gold states, given right: {facts['stated_right']}/{facts['stated']} "
        f"({_percent(facts['share_stated_right'])})",
        f"problem headings found: {heads['found']}/{heads['visible']} ({_percent(heads['share_found'])}), "
        f"status right {heads['status_right']}/{heads['found']}; spurious headings: {heads['spurious']} "
        f"of {heads['extracted']} extracted",
        f"amounts found: {result['amounts']['found']}/{result['amounts']['gold']}, yuan right "
        f"{result['amounts']['yuan_right']}, kind right {result['amounts']['kind_right']}/"
        f"{result['amounts']['kind_stated']} where the gold states one; spurious: {result['amounts']['spurious']}",
        "",
        f"{'field':<22}{'right':>10}{'filled':>10}",
    ]
    for name, c in result["per_field"].items():
        lines.append(f"{name:<22}{c['right']:>6}/{c['total']:<3}{c['filled']:>6}/{c['gold_null']:<3}")
    labelled = {name: c for name, c in result.get("grouping_keys", {}).items() if c["total"]}
    if labelled:
        lines += ["", f"{'grouping key':<22}{'right':>10}{'filled':>10}{'share':>9}"]
        lines += [
            f"{name:<22}{c['right']:>6}/{c['total']:<3}{c['filled']:>6}/{c['gold_null']:<3}{_percent(c['share_right']):>9}"
            for name, c in labelled.items()
        ]
    shown = result["mismatches"][:max_mismatches]
    if shown:
        lines += ["", f"mismatches ({len(result['mismatches'])}, first {len(shown)}):"]
        lines += [f"  {m['file']} {m['field']}: gold {m['gold']!r}, extracted {m['extracted']!r}" for m in shown]
    return "\n".join(lines)


def _percent(share: float | None) -> str:
    return "n/a" if share is None else f"{share:.1%}"


def compare_real(before: dict[str, Any], after: dict[str, Any]) -> str:
    """What changed between two results of `evaluate_real` on one folder (an earlier run saved with `--json`, then
    this one): the facts right before and after, and every mismatch fixed or new, so a claim that a change altered
    nothing else can be checked."""

    def keyed(result: dict[str, Any]) -> set[tuple[str, str, str, str]]:
        return {(m["file"], m["field"], str(m.get("gold")), str(m.get("extracted"))) for m in result["mismatches"]}

    was, now = keyed(before), keyed(after)
    lines = [
        f"facts right: {before['facts']['right']} -> {after['facts']['right']} of {after['facts']['total']}; "
        f"filled where the gold is empty: {before['facts']['filled_where_gold_null']} -> "
        f"{after['facts']['filled_where_gold_null']}"
    ]
    lines += [f"  fixed  {f} {field}: gold {g!r}, was {e!r}" for f, field, g, e in sorted(was - now)]
    lines += [f"  new    {f} {field}: gold {g!r}, now {e!r}" for f, field, g, e in sorted(now - was)]
    if was == now:
        lines.append("  no mismatch changed")
    return "\n".join(lines)
