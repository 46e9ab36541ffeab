"""What a row of data/raw/metadata.csv gives about a notice wins over what the extractor read from its text.

Header facts (review type, reviewer, dates, …) and grouping keys (admin level, agency type, review kind, adcode) may
be given; a given value that cannot be used is a warning, never a guess.
"""

from __future__ import annotations

import datetime as dt

from analysis.extract.header import FIELDS as HEADER_FIELDS

# Facts read from the text that a row of data/raw/metadata.csv may state instead (optional columns).
GIVEN_FACTS = tuple(f for f in HEADER_FIELDS if f != "title")
# Grouping keys a row may state instead (optional columns, checked by analysis.read.sources).
GIVEN_KEYS = ("admin_level", "agency_type", "review_kind", "adcode")
_REVIEW_TYPES = ("巡察", "巡视", "审计", "其他")


def given_facts(metadata: dict[str, str]) -> tuple[dict, list[str]]:
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


def given_keys(metadata: dict[str, str]) -> dict[str, str]:
    """Grouping keys given in metadata.csv (already checked against their code tables when the file was read)."""
    return {key: value.strip() for key in GIVEN_KEYS if (value := metadata.get(key) or "").strip()}
