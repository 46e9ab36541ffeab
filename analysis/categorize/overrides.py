"""Manual corrections of categories: a researcher's judgement wins over the classifier, and says so."""

from __future__ import annotations

import pandas as pd

from analysis.categorize.codebook import load_codebook

OVERRIDE_COLUMNS = ["doc_id", "problem_seq", "category"]


class OverrideError(ValueError):
    """Some overrides cannot be applied; `issues` lists every one of them, one sentence each."""

    def __init__(self, issues: list[str]) -> None:
        self.issues = issues
        super().__init__(f"{len(issues)} override(s) rejected:\n" + "\n".join(f"- {i}" for i in issues))


def apply_overrides(
    problems: pd.DataFrame, overrides: pd.DataFrame, codebook: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Return a copy of categorised `problems` with the categories of `overrides` applied.

    `overrides` has doc_id, problem_seq, category and optionally note. Each overridden problem gets
    category_source "manual", category_confidence 1.0 and category_evidence "manual: <note>" ("manual" without a
    note). Nothing is applied unless every override is valid: an unknown category key, a problem that is not in
    `problems`, or two overrides of one problem raise OverrideError listing all of them.
    """
    missing = [c for c in OVERRIDE_COLUMNS if c not in overrides.columns]
    missing_here = [c for c in ("doc_id", "problem_seq") if c not in problems.columns]
    if missing or missing_here:
        raise OverrideError([f"overrides lack columns {missing}, problems lack columns {missing_here}"])
    keys = set((codebook if codebook is not None else load_codebook())["key"])
    # One join key for both tables: problem_seq may be int in one and text in the other (CSV).
    where = {
        (str(d), int(s)): i for i, d, s in zip(problems.index, problems["doc_id"], problems["problem_seq"], strict=True)
    }
    issues = []
    seen: set[tuple[str, int]] = set()
    for row in overrides.itertuples(index=False):
        name = f"{row.doc_id} problem {row.problem_seq}"
        try:
            target = (str(row.doc_id), int(row.problem_seq))
        except (TypeError, ValueError):
            issues.append(f"{name}: problem_seq is not a number")
            continue
        if row.category not in keys:
            issues.append(f"{name}: unknown category {row.category!r} (known: {', '.join(sorted(keys))})")
        if target not in where:
            issues.append(f"{name}: no such problem")
        if target in seen:
            issues.append(f"{name}: overridden more than once")
        seen.add(target)
    if issues:
        raise OverrideError(issues)

    out = problems.copy()
    for column, dtype in (
        ("category", "string"),
        ("category_confidence", "float64"),
        ("category_evidence", "string"),
        ("category_source", "string"),
    ):
        out[column] = out[column].astype(dtype) if column in out.columns else pd.Series(pd.NA, out.index, dtype)
    notes = overrides["note"] if "note" in overrides.columns else pd.Series("", index=overrides.index)
    for row, note in zip(overrides.itertuples(index=False), notes, strict=True):
        i = where[(str(row.doc_id), int(row.problem_seq))]
        note = "" if pd.isna(note) else str(note).strip()
        out.loc[i, ["category", "category_evidence", "category_source"]] = [
            row.category,
            f"manual: {note}" if note else "manual",
            "manual",
        ]
        out.loc[i, "category_confidence"] = 1.0
    return out
