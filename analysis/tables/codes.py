"""Code tables: every coded value — problem status, amount kind, problem category — defined once, with its Chinese and
English names, its description and its colour.

They are CSV files under analysis/data/ (PUDL's idea of one encoder per vocabulary): the column metadata, the
corrections file, the extractor's phrase tables, figures and notebooks all derive from them, so adding a code is one
row in one file. A file that breaks the rules is refused with its file and line; a value that is not a code names
the code table it should come from.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
STATUSES_CSV = DATA_DIR / "codes" / "statuses.csv"
AMOUNT_KINDS_CSV = DATA_DIR / "codes" / "amount_kinds.csv"
ADMIN_LEVELS_CSV = DATA_DIR / "codes" / "admin_levels.csv"
AGENCY_TYPES_CSV = DATA_DIR / "codes" / "agency_types.csv"
REVIEW_KINDS_CSV = DATA_DIR / "codes" / "review_kinds.csv"
CATEGORIES_CSV = DATA_DIR / "categories.csv"  # also the classifier's codebook (definitions, keywords)

# Values a figure or table shows where a table's code is null for a stated reason; never stored as codes.
UNMAPPED = "unmapped"  # a status phrase was found but matches no status code
UNCATEGORISED = "uncategorised"  # a problem the classifier left without a category
NOT_CODED = {
    UNMAPPED: ("未归类", "unmapped", "#000000"),
    UNCATEGORISED: ("未分类", "uncategorised", "#777777"),
}

_KEY = re.compile(r"^[a-z][a-z_]*$")
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


class CodeTableError(ValueError):
    """A code table file that cannot be used, or a value that is not one of its codes."""


@dataclass(frozen=True)
class Code:
    """One coded value."""

    key: str
    name_zh: str
    name_en: str
    description: str
    colour: str  # "#RRGGBB", or "" where the table has no colours


@dataclass(frozen=True)
class CodeTable:
    """The codes of one vocabulary, in their file's order."""

    name: str
    path: Path
    codes: tuple[Code, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(code.key for code in self.codes)

    def descriptions(self) -> dict[str, str]:
        """key → description: what the column metadata lists as the allowed codes."""
        return {code.key: code.description for code in self.codes}

    def names(self) -> dict[str, tuple[str, str]]:
        """key → (name_zh, name_en), with the not-coded placeholders."""
        names = {code.key: (code.name_zh, code.name_en) for code in self.codes}
        names.update({key: (zh, en) for key, (zh, en, _) in NOT_CODED.items()})
        return names

    def colours(self) -> dict[str, str]:
        """key → colour, with the not-coded placeholders."""
        colours = {code.key: code.colour for code in self.codes if code.colour}
        colours.update({key: colour for key, (_, _, colour) in NOT_CODED.items()})
        return colours

    def check(self, value: str) -> str:
        """`value` when it is a code of this table, else CodeTableError listing the valid codes."""
        if value not in self.keys:
            raise CodeTableError(f"{value!r} is not a {self.name} code; valid: {', '.join(self.keys)}")
        return value


def read_code_table(
    path: Path, name: str, description_column: str = "description", order_column: str = ""
) -> CodeTable:
    """Read and check one code table: unique lower_snake_case keys, both names, a description, colours as #RRGGBB.

    Rows are kept in file order, or sorted by the integer `order_column` when one is named.
    """
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            required = ["key", "name_zh", "name_en", description_column, *([order_column] if order_column else [])]
            missing = [column for column in required if column not in (reader.fieldnames or [])]
            if missing:
                raise CodeTableError(f"{path}:1: missing column(s) {', '.join(missing)}")
            rows = [(reader.line_num, row) for row in reader]
    except (OSError, UnicodeDecodeError) as exc:
        raise CodeTableError(f"{path}: cannot be read ({exc})") from exc
    codes: list[tuple[int, Code]] = []
    seen: set[str] = set()
    for line, row in rows:
        code = Code(
            key=(row.get("key") or "").strip(),
            name_zh=(row.get("name_zh") or "").strip(),
            name_en=(row.get("name_en") or "").strip(),
            description=(row.get(description_column) or "").strip(),
            colour=(row.get("colour") or "").strip(),
        )
        problem = _problem(code, seen)
        if problem:
            raise CodeTableError(f"{path}:{line}: {problem}")
        seen.add(code.key)
        order = _order(row, order_column, path, line) if order_column else len(codes)
        codes.append((order, code))
    if not codes:
        raise CodeTableError(f"{path}: no codes")
    ordered = sorted(codes, key=lambda pair: pair[0])
    if len({order for order, _ in ordered}) != len(ordered):
        raise CodeTableError(f"{path}: the values of `{order_column}` must be unique")
    return CodeTable(name, path, tuple(code for _, code in ordered))


def _problem(code: Code, seen: set[str]) -> str | None:
    if not _KEY.match(code.key):
        return f"key {code.key!r} is not lower_snake_case"
    if code.key in seen or code.key in NOT_CODED:
        return f"key {code.key!r} is used twice or reserved"
    if not (code.name_zh and code.name_en and code.description):
        return f"code {code.key!r} lacks name_zh, name_en or its description"
    if code.colour and not _COLOUR.match(code.colour):
        return f"colour {code.colour!r} of {code.key!r} is not #RRGGBB"
    return None


def _order(row: dict[str, str], column: str, path: Path, line: int) -> int:
    try:
        return int((row.get(column) or "").strip())
    except ValueError:
        raise CodeTableError(f"{path}:{line}: `{column}` must be an integer, not {row.get(column)!r}") from None


@cache
def statuses() -> CodeTable:
    """The rectification status of a problem."""
    return read_code_table(STATUSES_CSV, "status")


def status_order() -> tuple[str, ...]:
    """Every status code, then 'unmapped' (a phrase found that matches none): the order of every table and figure."""
    return (*statuses().keys, UNMAPPED)


@cache
def amount_kinds() -> CodeTable:
    """What an amount of money is: involved, recovered, …; amounts of different kinds are never added."""
    return read_code_table(AMOUNT_KINDS_CSV, "amount kind")


@cache
def categories() -> CodeTable:
    """The problem categories of the codebook (gold/CATEGORIES.md), in its order."""
    return read_code_table(CATEGORIES_CSV, "category", description_column="definition", order_column="order")


@cache
def admin_levels() -> CodeTable:
    """The administrative level of a notice's issuer: central, province, city, county, township."""
    return read_code_table(ADMIN_LEVELS_CSV, "admin level")


@cache
def agency_types() -> CodeTable:
    """The kind of body a notice's issuer is: Party committee, government department, court, hospital, …"""
    return read_code_table(AGENCY_TYPES_CSV, "agency type")


@cache
def review_kinds() -> CodeTable:
    """The kind of review a notice answers: regular, special, flexible, follow-up inspection, or audit."""
    return read_code_table(REVIEW_KINDS_CSV, "review kind")
