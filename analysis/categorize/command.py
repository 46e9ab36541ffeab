"""`python -m analysis categorize IN.csv --out OUT.csv`: categories for problems listed in a spreadsheet.

IN.csv has `id` and `title` columns (optional `description`, `measures`, `area`, `topic`), in UTF-8 (with or
without BOM) or GB18030/GBK. OUT.csv gets `id, category, category_confidence, category_evidence, category_source`,
one row per input row in input order, UTF-8, written atomically. Problems are read with the shipped model;
`category_confidence` below LOW_CONFIDENCE means the category deserves a researcher's look.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

REQUIRED = ("id", "title")
OUTPUT = ("id", "category", "category_confidence", "category_evidence", "category_source")
ENCODINGS = ("utf-8-sig", "gb18030")


class InputError(ValueError):
    """An input that cannot be used; its message is one line naming the file."""


def read_problems(path: Path):
    """The rows of `path` as a DataFrame of text; raises InputError on an unreadable file or missing columns."""
    import pandas as pd

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    for encoding in ENCODINGS:
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputError(f"{path}: not UTF-8 or GB18030 text; save the CSV as UTF-8")
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"{path}: not a readable CSV: {str(exc).splitlines()[0]}") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(missing)}; found {', '.join(frame.columns) or 'none'}")
    return frame


def categorize_csv(source: Path, out: Path) -> int:
    """Categorise the problems of `source` into `out`; returns the exit status (1 with one error line on stderr)."""
    from analysis.categorize.assign import categorize
    from analysis.categorize.model import LOW_CONFIDENCE

    try:
        if out.exists() and source.exists() and out.resolve() == source.resolve():
            raise InputError(f"{out}: --out is the input file; choose another name (the input is never overwritten)")
        problems = read_problems(source)
    except InputError as exc:
        print(f"FAILED {exc}", file=sys.stderr)
        return 1
    result = categorize(problems.drop(columns=["id"])).reindex(problems.index)
    result.insert(0, "id", problems["id"])
    result["category_confidence"] = result["category_confidence"].round(3)
    staging = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        result[list(OUTPUT)].to_csv(staging, index=False, encoding="utf-8", lineterminator="\n")
        os.replace(staging, out)
    except OSError as exc:
        staging.unlink(missing_ok=True)
        print(f"FAILED {out}: cannot write: {exc.strerror or exc}", file=sys.stderr)
        return 1
    low = int((result["category_confidence"] < LOW_CONFIDENCE).sum())
    print(f"{source}: {len(result)} problems categorised into {out}; {low} with confidence below {LOW_CONFIDENCE}")
    return 0
