"""Researchers' corrections, kept in data/corrections.csv and applied on every rebuild — no code to edit.

Each row names its target by a quote from the notice, not by a number: numbers shift when the extractor improves,
quotes do not. A correction whose quote is no longer found (or is found in more than one place) is reported, not
applied. Every applied correction is recorded in the `corrections` column of the row it changed.

Actions:
  problem  set_status  value = a status code             problem  set_category  value = a category key
  problem  split       quote = where the new problem starts; value = its title (optional)
  problem  merge       merge the problem into the one before it
  problem  drop        not a problem (its measures go with it; its amounts stay, outside problems)
  amount   set_yuan    value = exact yuan                 amount   set_kind      value = a kind code
  amount   set_approx  value = true/false                 amount   drop
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from analysis import paths

COLUMNS = ("doc_id", "target", "quote", "action", "value", "note")
STATUS_CODES = (
    "complete",
    "deemed_complete",
    "substantially_complete",
    "in_progress",
    "long_term",
    "extended",
    "not_started",
    "unstated",
)
KIND_CODES = ("involved", "recovered", "reduced", "funding", "contract", "threshold", "other")
_ACTIONS = {
    "problem": ("set_status", "set_category", "split", "merge", "drop"),
    "amount": ("set_yuan", "set_kind", "set_approx", "drop"),
}


@dataclass(frozen=True)
class Correction:
    line: int
    doc_id: str
    target: str
    quote: str
    action: str
    value: str
    note: str

    def where(self) -> str:
        return f"corrections line {self.line} ({self.doc_id}, {self.target} {self.action} '{self.quote}')"


class CorrectionsError(ValueError):
    """The corrections file itself is malformed."""


def load_corrections(path: Path = paths.CORRECTIONS) -> list[Correction]:
    """Read the corrections file (absent = no corrections); malformed rows are an error naming the line."""
    if not path.is_file():
        return []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = set(COLUMNS[:4]) - set(reader.fieldnames or ())
        if missing:
            raise CorrectionsError(f"{path.name}: missing column(s) {', '.join(sorted(missing))}")
        out = []
        for line, row in enumerate(reader, start=2):
            c = Correction(line, *((row.get(k) or "").strip() for k in COLUMNS))
            if c.target not in _ACTIONS or c.action not in _ACTIONS[c.target]:
                raise CorrectionsError(f"{path.name} line {line}: unknown target/action '{c.target} {c.action}'")
            if not c.quote and c.action != "merge":
                raise CorrectionsError(f"{path.name} line {line}: a quote from the notice is needed to find the target")
            _check_value(path, c)
            out.append(c)
    return out


def _check_value(path: Path, c: Correction) -> None:
    bad = (
        (c.action == "set_status" and c.value not in STATUS_CODES)
        or (c.action == "set_kind" and c.value not in KIND_CODES)
        or (c.action == "set_approx" and c.value.lower() not in ("true", "false"))
        or (c.action == "set_category" and not c.value)
    )
    if c.action == "set_yuan":
        try:
            Decimal(c.value)
        except InvalidOperation:
            bad = True
    if bad:
        raise CorrectionsError(f"{path.name} line {c.line}: value '{c.value}' is not valid for {c.action}")


def apply_corrections(
    text: str, problems: list[dict], measures: list[dict], amounts: list[dict], corrections: list[Correction]
) -> tuple[list[dict], list[dict], list[dict], list[tuple[Correction, str]], list[str]]:
    """Apply one notice's corrections to its rows.

    Returns the corrected problems, measures and amounts, the category overrides as (correction, problem key), and
    one message per correction that could not be applied.
    """
    problems = [dict(p, corrections=p.get("corrections")) for p in problems]
    measures = [dict(m) for m in measures]
    amounts = [dict(a, corrections=a.get("corrections")) for a in amounts]
    categories: list[tuple[Correction, str]] = []
    stale: list[str] = []
    for c in corrections:
        positions = [m.start() for m in re.finditer(re.escape(c.quote), text)] if c.quote else []
        if c.target == "amount":
            # The quote must overlap the amount itself: "核减资金924.37万元" or "924.37万元".
            width = len(c.quote)
            hits = [a for a in amounts if any(p < a["span_end"] and a["span_start"] < p + width for p in positions)]
        else:
            hits = [p for p in problems if any(p["span_start"] <= pos < p["span_end"] for pos in positions)]
        if c.action == "merge" and not c.quote:
            stale.append(f"{c.where()}: merge needs a quote from the problem to merge")
            continue
        if len(hits) != 1:
            found = "no longer found in the notice" if not hits else f"found in {len(hits)} places"
            stale.append(f"{c.where()}: quote {found} — correction not applied")
            continue
        target = hits[0]
        if c.target == "amount":
            _correct_amount(target, c, amounts)
        elif c.action == "set_status":
            target["status"] = c.value
            _record(target, "status")
        elif c.action == "set_category":
            categories.append((c, f"{target['doc_id']}:{target['problem_seq']}"))
        elif c.action == "drop":
            problems.remove(target)
        elif c.action == "merge":
            index = problems.index(target)
            if index == 0:
                stale.append(f"{c.where()}: the first problem has nothing before it to merge into")
                continue
            before = problems[index - 1]
            before["span_end"] = max(before["span_end"], target["span_end"])
            _record(before, "merged")
            problems.remove(target)
        elif c.action == "split":
            anchor = next(p for p in positions if target["span_start"] < p < target["span_end"])
            new = dict(target, span_start=anchor, title=c.value or _first_sentence(text, anchor, target["span_end"]))
            new.update(description=None, status_span_start=None, status_span_end=None, corrections="split")
            target["span_end"] = anchor
            _record(target, "split")
            problems.insert(problems.index(target) + 1, new)
    problems, measures, amounts = _renumber(problems, measures, amounts)
    return problems, measures, amounts, categories, stale


def _correct_amount(amount: dict, c: Correction, amounts: list[dict]) -> None:
    if c.action == "drop":
        amounts.remove(amount)
        return
    field = {"set_yuan": "yuan", "set_kind": "kind", "set_approx": "approx"}[c.action]
    value: object = c.value
    if field == "yuan":
        value = Decimal(c.value)
    elif field == "approx":
        value = c.value.lower() == "true"
    amount[field] = value
    _record(amount, field)


def _record(row: dict, what: str) -> None:
    row["corrections"] = "; ".join(x for x in (row.get("corrections"), f"{what}=manual") if x)


def _first_sentence(text: str, start: int, end: int) -> str:
    stop = min([i for i in (text.find("。", start, end), text.find("\n", start, end)) if i >= 0], default=end)
    return text[start:stop].strip()


def _renumber(
    problems: list[dict], measures: list[dict], amounts: list[dict]
) -> tuple[list[dict], list[dict], list[dict]]:
    """Re-derive problem_seq, and which problem each measure and amount belongs to, from the spans."""

    def owner(start: int) -> int | None:
        return next((i for i, p in enumerate(problems, start=1) if p["span_start"] <= start < p["span_end"]), None)

    kept_measures = []
    for m in measures:
        seq = owner(m["span_start"])
        if seq is not None:
            kept_measures.append(dict(m, problem_seq=seq))
    counters: dict[tuple[int, str], int] = {}
    for m in kept_measures:
        key = (m["problem_seq"], m["part"])
        counters[key] = counters.get(key, 0) + 1
        m["measure_seq"] = counters[key]
    for seq, p in enumerate(problems, start=1):
        p["problem_seq"] = seq
        p["n_measures"] = counters.get((seq, "measure"), 0)
        p["n_results"] = counters.get((seq, "result"), 0)
    for a in amounts:
        seq = owner(a["span_start"])
        if seq is None:
            a.update(problem_seq=None, part="preamble")
        else:
            a["problem_seq"] = seq
            if a["part"] == "preamble":
                a["part"] = "problem"
    return problems, kept_measures, amounts
