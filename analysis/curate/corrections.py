"""Researchers' corrections, kept in data/corrections.csv and applied on every rebuild — no code to edit.

Each row names its target by a quote from the notice, not by a number: numbers shift when the extractor improves,
quotes do not. A correction whose quote is no longer found (or is found in more than one place) is reported, not
applied. Every applied correction is recorded in the `corrections` column of the row it changed ("status=manual",
"category=manual", "yuan=manual", ...; a dropped row is counted in `documents.corrections_applied`).

Actions:
  problem  set_status  value = a status code             problem  set_category  value = a category key
  problem  split       quote = where the new problem starts; value = its title (optional)
  problem  merge       merge the problem into the one before it
  problem  drop        not a problem (its measures go with it; its amounts stay, outside problems)
  amount   set_yuan    value = exact yuan                 amount   set_kind      value = a kind code
  amount   set_approx  value = true/false                 amount   drop

The file is CSV with the header doc_id,target,quote,action,value,note, in UTF-8 (with or without BOM) or GB18030/GBK
(what Excel saves as "CSV" on a Chinese Windows). A line starting with # is a comment. A malformed row is reported
— file, line, column, the valid values — and skipped; the other rows still apply.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext
from pathlib import Path

from analysis import paths
from analysis.tables import codes
from analysis.tables.types import YUAN_LIMIT, YUAN_PRECISION, YUAN_QUANTUM, YUAN_SCALE
from analysis.tables.validate import _to_yuan

COLUMNS = ("doc_id", "target", "quote", "action", "value", "note")
STATUS_CODES = codes.statuses().keys
KIND_CODES = codes.amount_kinds().keys
_ACTIONS = {
    "problem": ("set_status", "set_category", "split", "merge", "drop"),
    "amount": ("set_yuan", "set_kind", "set_approx", "drop"),
}
_A = {"problem": "a problem", "amount": "an amount"}
# Each correction that sets a field, and the name it is recorded under in the `corrections` column.
_FIELDS = {
    "set_status": "status",
    "set_category": "category",
    "set_yuan": "yuan",
    "set_kind": "kind",
    "set_approx": "approx",
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
    """The corrections file cannot be used at all (unreadable, undecodable, no header); the message is one line."""


def read_corrections(path: Path | None = None) -> tuple[list[Correction], list[str]]:
    """Read the corrections file: its valid rows, and one message per malformed row (that row is skipped).

    An absent file is no corrections. Comment lines (starting with #) and blank lines are ignored. Each message names
    the file, the line and the column, and lists the valid values. Raises CorrectionsError, one line naming the file,
    when the file as a whole cannot be used: unreadable, undecodable, or without the header. `path` defaults to
    data/corrections.csv.
    """
    path = paths.CORRECTIONS if path is None else path
    where = _shown(path)
    if not path.exists() and not path.is_symlink():
        return [], []
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CorrectionsError(f"{where}: cannot be read ({exc.strerror or exc})") from None
    header: list[str] | None = None
    found: list[Correction] = []
    bad: list[str] = []
    categories: list[tuple[str, ...]] = []  # the codebook's keys, read at the first set_category row
    for line, fields in _records(_decode(raw, where), where, bad):
        if header is None:
            header = [f.strip() for f in fields]
            missing = [c for c in COLUMNS[:4] if c not in header]
            if missing:
                raise CorrectionsError(
                    f"{where} line {line}: the header lacks column(s) {', '.join(missing)} — the first line that is "
                    f"not a comment must be: {','.join(COLUMNS)}"
                )
            continue
        if len(fields) > len(header):
            bad.append(
                f"{where} line {line}: {len(fields)} fields, the header has {len(header)} — put a quote or note "
                "that contains a comma in double quotes — row skipped"
            )
            continue
        row = dict(zip(header, fields, strict=False))
        correction = Correction(line, *((row.get(k) or "").strip() for k in COLUMNS))
        problem = _row_problem(correction, header, categories)
        if problem:
            bad.append(f"{where} line {line}, {problem} — row skipped")
        else:
            found.append(correction)
    return found, bad


def load_corrections(path: Path | None = None) -> list[Correction]:
    """Read the corrections file strictly: its rows, or CorrectionsError listing every malformed row, one a line."""
    found, bad = read_corrections(path)
    if bad:
        raise CorrectionsError("\n".join(bad))
    return found


def _shown(path: Path) -> str:
    from analysis.read.sources import shown

    return shown(path)


def _decode(raw: bytes, where: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, else GB18030 (which includes GBK and GB2312)."""
    from analysis.read.sources import Undecodable, readings

    try:
        (text,) = readings(raw, ("gb18030",)).values()
    except Undecodable as exc:
        raise CorrectionsError(f"{where}: {exc} — save it as CSV UTF-8 (Excel: CSV UTF-8)") from None
    return text


def _records(text: str, where: str, bad: list[str]) -> Iterator[tuple[int, list[str]]]:
    """The CSV records that are not blank or comments, each with the line it starts on.

    A line starting with # where a record starts is a comment, whatever it holds (even an unbalanced double quote);
    a record whose first field starts with # (a comment re-quoted by a spreadsheet) is one too. A record the CSV
    parser refuses (a stray or unclosed double quote) is reported in `bad` and skipped.
    """
    state = {"at_start": True, "line": 0, "first": 1}

    def lines() -> Iterator[str]:
        for line in io.StringIO(text, newline=""):
            state["line"] += 1
            if state["at_start"]:
                state["at_start"] = False
                state["first"] = state["line"]
                if line.lstrip().startswith("#"):
                    yield "\n"
                    continue
            yield line

    reader = csv.reader(lines(), strict=True)
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                reason = "a double quote opened on this line is never closed (it runs to the end of the file)"
            else:
                reason = f"not valid CSV ({exc}): double a double quote inside a quoted field"
            bad.append(f"{where} line {state['first']}: {reason} — row skipped")
            state["at_start"] = True
            continue
        first = state["first"]
        state["at_start"] = True
        if any(f.strip() for f in fields) and not fields[0].lstrip().startswith("#"):
            yield first, fields


def _row_problem(c: Correction, header: list[str], categories: list[tuple[str, ...]]) -> str | None:
    """What is wrong with one row, as 'column N (name): ...', or None when it is valid."""

    def column(name: str) -> str:
        return f"column {header.index(name) + 1} ({name})" if name in header else f"column {name} (absent)"

    # In the order a reader fixes a row: which notice, what is corrected, where, to what.
    return (
        _doc_id_problem(c, column("doc_id"))
        or _action_problem(c, column)
        or _quote_problem(c, column("quote"))
        or _value_problem(c, column("value"), categories)
    )


def _value_shown(value: str) -> str:
    """A field as a message shows it: quoted, or the word empty."""
    return f"'{value}'" if value else "empty"


def _doc_id_problem(c: Correction, column: str) -> str | None:
    """What is wrong with the row's doc_id (empty, or a path or file name rather than a notice's name), or None."""
    if not c.doc_id:
        return f"{column}: empty — give the notice's file name without its extension, e.g. shenyang"
    name = Path(c.doc_id.replace("\\", "/"))
    if name.name != c.doc_id or name.suffix.lower() in (".txt", ".html", ".htm", ".docx", ".pdf"):
        return f"{column}: '{c.doc_id}' — give the file name without folder or extension: {name.stem}"
    return None


def _action_problem(c: Correction, column: Callable[[str], str]) -> str | None:
    """What is wrong with the row's target and action (unknown, or an action of the other target), or None."""
    if c.target not in _ACTIONS:
        return f"{column('target')}: {_value_shown(c.target)} is not a target — valid: {', '.join(_ACTIONS)}"
    if c.action not in _ACTIONS[c.target]:
        other = next((t for t, actions in _ACTIONS.items() if t != c.target and c.action in actions), None)
        hint = f" ({c.action} is an action for {_A[other]})" if other else ""
        return (
            f"{column('action')}: {_value_shown(c.action)} is not an action for {_A[c.target]}{hint} — valid: "
            f"{', '.join(_ACTIONS[c.target])}"
        )
    return None


def _quote_problem(c: Correction, column: str) -> str | None:
    if not c.quote:
        return f"{column}: empty — quote words of the notice that find the {c.target}"
    return None


def _value_problem(c: Correction, column: str, categories: list[tuple[str, ...]]) -> str | None:
    """What is wrong with the row's value for its action, or None (actions without a value take any)."""
    if c.action == "set_status" and c.value not in STATUS_CODES:
        return f"{column}: {_value_shown(c.value)} is not a status code — valid: {', '.join(STATUS_CODES)}"
    if c.action == "set_kind" and c.value not in KIND_CODES:
        return f"{column}: {_value_shown(c.value)} is not a kind code — valid: {', '.join(KIND_CODES)}"
    if c.action == "set_approx" and c.value.lower() not in ("true", "false"):
        return f"{column}: {_value_shown(c.value)} is not valid for set_approx — valid: true, false"
    if c.action == "set_category":
        if not categories:  # read once per file, and only when a row needs it
            categories.append(_category_keys())
        keys = categories[0]
        if c.value not in keys:
            return (
                f"{column}: {_value_shown(c.value)} is not a category code of analysis/data/categories.csv — valid: "
                f"{', '.join(keys)}"
            )
    if c.action == "set_yuan":
        problem = yuan_problem(c.value)
        if problem:
            return f"{column}: {problem}"
    return None


def _category_keys() -> tuple[str, ...]:
    return codes.categories().keys


def yuan_problem(value: str) -> str | None:
    """Why `value` cannot be stored as exact yuan (decimal128(38, 4), never negative), or None when it can."""
    try:
        amount = Decimal(value)
    except InvalidOperation:
        if not value:
            return "empty — give the exact yuan in digits"
        return f"'{value}' is not a number — give the exact yuan in digits (e.g. 120000 for 12万元)"
    if not amount.is_finite():
        return f"'{value}' is not an amount — give the exact yuan in digits"
    with localcontext() as context:
        context.prec = YUAN_PRECISION + 2  # the default 28 digits would round 34-digit amounts
        if amount < 0:
            return f"'{value}' is negative — amounts are at least 0"
        if amount >= YUAN_LIMIT:
            return (
                f"'{value}' is too large: yuan are stored as decimal128({YUAN_PRECISION}, {YUAN_SCALE}), at most "
                f"{YUAN_PRECISION - YUAN_SCALE} digits before the decimal point"
            )
        if amount != amount.quantize(YUAN_QUANTUM):
            return (
                f"'{value}' has more than {YUAN_SCALE} decimals — yuan are stored exactly to {YUAN_QUANTUM} "
                f"(decimal128({YUAN_PRECISION}, {YUAN_SCALE}))"
            )
    if not _stored_exactly(amount):  # the tables' own conversion has the last word: never a crash, never rounded
        return f"'{value}' would not be stored exactly by the amounts table (analysis/tables/validate.py)"
    return None


def _stored_exactly(amount: Decimal) -> bool:
    try:
        return _to_yuan(amount) == amount
    except Exception:  # the schema's _BadValue: refused
        return False


def _yuan(value: str) -> Decimal:
    """A valid set_yuan value as stored: one representation whatever its trailing zeros (57322000.00 → 57322000)."""
    amount = Decimal(value)
    with localcontext() as context:
        context.prec = YUAN_PRECISION + 2
        return Decimal(int(amount)) if amount == amount.to_integral_value() else amount.normalize()


@dataclass
class Corrected:
    """One notice's rows after its corrections, and what the corrections did."""

    problems: list[dict]
    measures: list[dict]
    amounts: list[dict]
    category_overrides: list[dict]  # set_category rows, applied after the classifier
    stale: list[str]  # corrections that could not be applied: warnings of the notice
    applied: int


def correct_notice(
    text: str,
    doc_id: str,
    problems: list[dict],
    measures: list[dict],
    amounts: list[dict],
    corrections: Iterable[Correction],
) -> Corrected:
    """Apply the corrections of notice `doc_id` (from all `corrections`) to its rows; `text` is its source text.

    Without corrections for it, every row's `corrections` column is empty."""
    mine = [c for c in corrections if c.doc_id == doc_id]
    if not mine:
        for row in problems + amounts:
            row["corrections"] = None
        return Corrected(problems, measures, amounts, [], [], 0)
    problems, measures, amounts, categories, stale = apply_corrections(text, problems, measures, amounts, mine)
    overrides = [
        {"doc_id": doc_id, "problem_seq": int(key.rsplit(":", 1)[1]), "category": c.value, "note": c.note}
        for c, key in categories
    ]
    return Corrected(problems, measures, amounts, overrides, stale, len(mine) - len(stale))


def apply_corrections(
    text: str, problems: list[dict], measures: list[dict], amounts: list[dict], corrections: list[Correction]
) -> tuple[list[dict], list[dict], list[dict], list[tuple[Correction, str]], list[str]]:
    """Apply one notice's corrections to its rows.

    Returns the corrected problems, measures and amounts, the category overrides as (correction, problem key "doc_id:
    problem_seq", numbered after every split, merge and drop), and one message per correction that could not be
    applied. A field set twice keeps the first value; the second correction is reported.
    """
    problems = [dict(p, corrections=p.get("corrections")) for p in problems]
    measures = [dict(m) for m in measures]
    amounts = [dict(a, corrections=a.get("corrections")) for a in amounts]
    # (id of a row, field) → the correction that set it, and the row (held, so that its id is not reused)
    set_by: dict[tuple[int, str], tuple[Correction, dict]] = {}
    categories: list[tuple[Correction, dict]] = []
    stale: list[str] = []
    for c in corrections:
        message = _apply_correction(c, text, problems, amounts, set_by, categories)
        if message:
            stale.append(message)
    problems, measures, amounts = _renumber(problems, measures, amounts)
    overrides: list[tuple[Correction, str]] = []
    for c, target in categories:
        if any(p is target for p in problems):
            overrides.append((c, f"{target['doc_id']}:{target['problem_seq']}"))
        else:
            stale.append(f"{c.where()}: the problem was merged or dropped by a later correction — category not applied")
    return problems, measures, amounts, overrides, stale


def _apply_correction(
    c: Correction,
    text: str,
    problems: list[dict],
    amounts: list[dict],
    set_by: dict[tuple[int, str], tuple[Correction, dict]],
    categories: list[tuple[Correction, dict]],
) -> str | None:
    """Apply one correction to the rows, in place; why it could not be applied, or None when it was."""
    if not c.quote:
        return f"{c.where()}: a quote from the notice is needed to find the {c.target} — not applied"
    positions = [m.start() for m in re.finditer(re.escape(c.quote), text)]
    hits = _quoted_rows(c, positions, problems, amounts)
    if len(hits) != 1:
        found = "no longer found in the notice" if not hits else f"found in {len(hits)} places"
        return f"{c.where()}: quote {found} — correction not applied"
    target = hits[0]
    field = _FIELDS.get(c.action)
    if field is not None:
        earlier = set_by.get((id(target), field))
        if earlier is not None:
            return f"{c.where()}: {field} already set by corrections line {earlier[0].line} — not applied"
        set_by[(id(target), field)] = (c, target)
    if c.target == "amount":
        _correct_amount(target, c, amounts)
        return None
    return _correct_problem(target, c, positions, text, problems, categories)


def _quoted_rows(c: Correction, positions: list[int], problems: list[dict], amounts: list[dict]) -> list[dict]:
    """The rows of the correction's target that its quote, found at `positions` in the text, points to."""
    if c.target == "amount":
        # The quote must overlap the amount itself: "核减资金924.37万元" or "924.37万元".
        width = len(c.quote)
        return [a for a in amounts if any(p < a["span_end"] and a["span_start"] < p + width for p in positions)]
    return [p for p in problems if any(p["span_start"] <= pos < p["span_end"] for pos in positions)]


def _correct_problem(
    target: dict,
    c: Correction,
    positions: list[int],
    text: str,
    problems: list[dict],
    categories: list[tuple[Correction, dict]],
) -> str | None:
    """Apply a problem's correction; why it could not be applied, or None when it was."""
    if c.action == "set_status":
        target["status"] = c.value
        _record(target, "status")
    elif c.action == "set_category":
        categories.append((c, target))
        _record(target, "category")
    elif c.action == "drop":
        problems.remove(target)
    elif c.action == "merge":
        return _merge_into_previous(target, c, problems)
    elif c.action == "split":
        return _split_at_quote(target, c, positions, text, problems)
    return None


def _merge_into_previous(target: dict, c: Correction, problems: list[dict]) -> str | None:
    index = problems.index(target)
    if index == 0:
        return f"{c.where()}: the first problem has nothing before it to merge into"
    before = problems[index - 1]
    before["span_end"] = max(before["span_end"], target["span_end"])
    _record(before, "merged")
    problems.remove(target)
    return None


def _split_at_quote(target: dict, c: Correction, positions: list[int], text: str, problems: list[dict]) -> str | None:
    """Split the problem where the quote is found inside it; the new problem's title is the value or its first
    sentence."""
    anchor = next((p for p in positions if target["span_start"] < p < target["span_end"]), None)
    if anchor is None:
        return f"{c.where()}: the quote is where the problem starts — nothing to split off"
    new = dict(target, span_start=anchor, title=c.value or _first_sentence(text, anchor, target["span_end"]))
    new.update(description=None, status_span_start=None, status_span_end=None, corrections="split")
    target["span_end"] = anchor
    _record(target, "split")
    problems.insert(problems.index(target) + 1, new)
    return None


def _correct_amount(amount: dict, c: Correction, amounts: list[dict]) -> None:
    if c.action == "drop":
        amounts.remove(amount)
        return
    field = _FIELDS[c.action]
    value: object = c.value
    if field == "yuan":
        value = _yuan(c.value)
    elif field == "approx":
        value = c.value.lower() == "true"
    amount[field] = value
    _record(amount, field)


def _record(row: dict, what: str) -> None:
    done = [x for x in (row.get("corrections") or "").split("; ") if x]
    if f"{what}=manual" not in done:
        done.append(f"{what}=manual")
    row["corrections"] = "; ".join(done)


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
