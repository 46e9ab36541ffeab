"""Editable vocabularies: status phrases → status codes, money phrases → amount kinds.

They are data, not code: a researcher adds a variant to the CSV and rebuilds. A status phrase missing from the table
is reported as unmapped by the extractor, never guessed.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from analysis.tables import codes
from analysis.tables.codes import CodeTable, CodeTableError


def _rows(name: str, column: str, table: CodeTable) -> list[dict[str, str]]:
    """The rows of one vocabulary file, each row's `column` checked against its code table (file and line named)."""
    with resources.files(__package__).joinpath(name).open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        rows = []
        for row in reader:
            try:
                table.check((row.get(column) or "").strip())
            except CodeTableError as exc:
                raise CodeTableError(f"analysis/extract/vocab/{name}:{reader.line_num}: {exc}") from None
            rows.append(row)
    return rows


@cache
def status_phrases() -> tuple[tuple[str, str], ...]:
    """(phrase, code) pairs, longest phrase first so 视同完成,持续整改 wins over 持续整改."""
    pairs = {
        (row["phrase"].strip(), row["code"].strip()) for row in _rows("status_phrases.csv", "code", codes.statuses())
    }
    return tuple(sorted(pairs, key=lambda p: (-len(p[0]), p[0])))


@dataclass(frozen=True)
class StatusMatch:
    phrase: str
    code: str
    start: int
    end: int


def find_status(text: str, pos: int = 0, endpos: int | None = None, anchored: bool = False) -> StatusMatch | None:
    """The first (or, when `anchored`, the leading) known status phrase in text[pos:endpos]."""
    stop = len(text) if endpos is None else endpos
    return _leading_status(text, pos, stop) if anchored else _first_status(text, pos, stop)


@cache
def _phrases_by_first_character() -> dict[str, tuple[tuple[str, str], ...]]:
    """`status_phrases()` grouped by their first character, each group in that order."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for phrase, code in status_phrases():
        groups.setdefault(phrase[:1], []).append((phrase, code))
    return {first: tuple(pairs) for first, pairs in groups.items()}


def _leading_status(text: str, pos: int, stop: int) -> StatusMatch | None:
    # Phrases come longest first, so the first one text[pos:stop] starts with is the longest there. Only the phrases
    # that open with the character at `pos` can: most places start none, and are done with one lookup.
    by_first = _phrases_by_first_character()
    if 0 <= pos < min(stop, len(text)) and "" not in by_first:
        candidates = by_first.get(text[pos], ())
    else:
        candidates = status_phrases()
    for phrase, code in candidates:
        if text.startswith(phrase, pos, stop):
            return StatusMatch(phrase, code, pos, pos + len(phrase))
    return None


def _first_status(text: str, pos: int, stop: int) -> StatusMatch | None:
    best: StatusMatch | None = None
    for phrase, code in status_phrases():
        idx = text.find(phrase, pos, stop)
        if idx < 0:
            continue
        if best is None or idx < best.start or (idx == best.start and len(phrase) > len(best.phrase)):
            best = StatusMatch(phrase, code, idx, idx + len(phrase))
    return best


@dataclass(frozen=True)
class KindRule:
    kind: str
    scope: str  # "after": the words right after the amount; "clause"; "sentence"
    pattern: re.Pattern[str]


@cache
def amount_kind_rules() -> tuple[KindRule, ...]:
    """Rules in priority order; the first that matches decides an amount's kind."""
    return tuple(
        KindRule(r["kind"], r["scope"], re.compile(r["pattern"]))
        for r in _rows("amount_kinds.csv", "kind", codes.amount_kinds())
    )
