"""The indicator tables of timeliness, concreteness, boilerplate, reuse and recurrence, from the five tables and
the stored texts.

`indicator_tables(tables, texts)` returns them validated against their metadata (`analysis.tables.columns`,
INDICATOR_TABLES): timeliness, deadlines, concreteness, boilerplate_notices, boilerplate, stock_phrases,
reuse_passages, reuse_pairs, recurrence, recurrence_stated. A build that writes them calls it once over the whole
corpus (the boilerplate's k depends on the number of notices; reuse and recurrence compare notices with each other).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.indicators import boilerplate, concreteness, recurrence, reuse, timeliness

if TYPE_CHECKING:
    import pandas as pd


def stored_texts(folder: Path, doc_ids: Iterable[str] | None = None) -> dict[str, str]:
    """doc_id → the stored text (`<folder>/<doc_id>.txt`, as the build writes them) the tables' spans index."""
    ids = sorted(p.stem for p in folder.glob("*.txt")) if doc_ids is None else list(doc_ids)
    return {doc_id: (folder / f"{doc_id}.txt").read_text(encoding="utf-8") for doc_id in ids}


def indicator_tables(
    tables: dict[str, pd.DataFrame], texts: dict[str, str], n: int = boilerplate.N, k: int | None = None
) -> dict[str, pd.DataFrame]:
    """The indicator tables of this module's docstring, each conformed to its declared columns.

    `tables`: the five output tables (documents, problems, measures at least); `texts`: doc_id → stored text of
    every notice in `documents`. `n` and `k` are the boilerplate's n-gram length and "common" threshold (default
    max(3, 5% of the notices)).
    """
    from analysis.tables import conform

    documents, problems, measures = tables["documents"], tables["problems"], tables["measures"]
    deadlines = timeliness.stated_deadlines(documents, problems, measures, texts)
    out = {
        "timeliness": timeliness.notice_timeliness(documents, deadlines),
        "deadlines": deadlines,
        "concreteness": concreteness.measure_concreteness(
            measures, texts, dict(zip(documents["doc_id"], documents["issuer"], strict=True))
        ),
        **boilerplate.boilerplate_tables(measures, texts, n, k),
    }
    passages = reuse.shared_passages(texts)
    out["reuse_passages"] = passages
    out["reuse_pairs"] = reuse.pair_table(passages, {doc_id: len(text) for doc_id, text in texts.items()})
    out["recurrence"] = recurrence.recurrence(problems, documents)
    out["recurrence_stated"] = recurrence.stated_recurrence(problems, texts)
    return {name: conform(name, frame) for name, frame in out.items()}
