"""The text fields a problem is categorised on, and how the measures table becomes one of them.

Two views of a problem, each read by its own classifier:
- the title view: the title, plus the area and topic headings the problem sits under;
- the text view: the description (the problem as the notice states it) and the measures taken against it, which
  often name the failing object (采购, 合同, 资产, 数据共享…) that a terse title leaves out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter

import pandas as pd

from analysis.categorize.keywords import clean_text

TEXT_COLUMNS = ("title", "area", "topic", "description", "measures")
# 沈阳's 整改成效 (part "result") report outcomes; the training text holds what was done, so only measures count.
MEASURE_PARTS = ("measure",)


def document_column(problems: pd.DataFrame) -> str:
    """The column that names a problem's notice: city_key in the gold data, doc_id in extracted tables."""
    for column in ("city_key", "doc_id"):
        if column in problems.columns:
            return column
    raise ValueError("problems need a city_key or doc_id column")


def with_measures(problems: pd.DataFrame, measures: pd.DataFrame | Sequence[Mapping[str, object]]) -> pd.DataFrame:
    """A copy of `problems` with a `measures` column: the text of each problem's measures, one per line.

    `measures` is the measures table (doc_id, problem_seq, text; part and measure_seq when present), as a DataFrame
    or as its rows (dicts): rows whose part is not a measure are left out, the rest joined in measure_seq order. A
    problem without measures gets ''. Raises ValueError when `problems` already has a measures column or either
    table lacks a join column.
    """
    if "measures" in problems.columns:
        raise ValueError("problems already has a measures column: pass the measures table or the column, not both")
    if "problem_seq" not in problems.columns:
        raise ValueError("cannot join measures: problems lack problem_seq")
    texts = None if isinstance(measures, pd.DataFrame) else _texts_of_rows(measures)
    if texts is None:
        texts = _texts_of_table(measures if isinstance(measures, pd.DataFrame) else pd.DataFrame(list(measures)))
    doc_column = document_column(problems)
    out = problems.copy()
    out["measures"] = [
        "\n".join(texts.get((str(d), int(s)), []))
        for d, s in zip(problems[doc_column].tolist(), problems["problem_seq"].tolist(), strict=True)
    ]
    return out


def _texts_of_table(measures: pd.DataFrame) -> dict[tuple[str, int], list[str]]:
    """Each problem's measure texts, in measure_seq order, from the measures table."""
    missing = [c for c in ("doc_id", "problem_seq", "text") if c not in measures.columns]
    if missing:
        raise ValueError(f"cannot join measures: the measures table lacks {missing}")
    rows = measures
    if "part" in rows.columns:
        rows = rows[rows["part"].isin(MEASURE_PARTS)]
    if "measure_seq" in rows.columns:
        rows = rows.sort_values("measure_seq", kind="stable")
    # One join key for both tables: problem_seq may be int in one and text in the other (CSV).
    # Columns as lists: iterating a pandas column yields one element per Python call into pandas.
    docs, seqs, measure_texts = (rows[c].tolist() for c in ("doc_id", "problem_seq", "text"))
    texts: dict[tuple[str, int], list[str]] = {}
    for doc, seq, text in zip(docs, seqs, measure_texts, strict=True):
        texts.setdefault((str(doc), int(seq)), []).append("" if pd.isna(text) else str(text))
    return texts


def _texts_of_rows(rows: Sequence[Mapping[str, object]]) -> dict[tuple[str, int], list[str]] | None:
    """The same from the table's rows, without building the table (a chunk's rows are already dicts); None unless
    every row has a text, a str doc_id and int problem_seq and measure_seq, where pandas' reading could differ (a
    missing measure_seq sorts last, a missing problem_seq turns the column to floats): the table decides those."""
    if not rows:
        return None
    has_part = any("part" in row for row in rows)
    has_order = any("measure_seq" in row for row in rows)
    groups: dict[tuple[str, int], list[tuple[int, str]]] = {}
    for row in rows:
        doc, seq, order = row.get("doc_id"), row.get("problem_seq"), row.get("measure_seq", 0) if has_order else 0
        if type(doc) is not str or type(seq) is not int or type(order) is not int or "text" not in row:
            return None
        if has_part and row.get("part") not in MEASURE_PARTS:
            continue
        text = row["text"]
        groups.setdefault((doc, seq), []).append((order, "" if pd.isna(text) else str(text)))
    # a stable sort of each problem's measures is the stable sort of the whole table, split by problem
    return {key: [text for _, text in sorted(items, key=itemgetter(0))] for key, items in groups.items()}


@dataclass(frozen=True)
class ProblemTexts:
    """The cleaned text fields of a batch of problems, in the two views the classifiers read."""

    title: list[str]
    heading: list[str]  # area and topic: the codebook uses headings only to break ties
    cue: list[str]  # where keywords count fully: the title and the topic heading
    body: list[str]  # description and measures

    @classmethod
    def of(cls, frame: pd.DataFrame) -> ProblemTexts:
        """Read title, area, topic, description and measures from `frame`; a missing column counts as empty."""

        def column(name: str) -> list[str]:
            if name not in frame.columns:
                return [""] * len(frame)
            values = frame[name].tolist()
            # Each distinct text cleaned once: the problems of a notice share their area and topic, and notices share
            # stock titles and measures. Only strings are keys: 1, 1.0 and True are one key but not one text.
            cleaned = {value: clean_text(value) for value in set(values) if isinstance(value, str)}
            return [cleaned[value] if isinstance(value, str) else clean_text(value) for value in values]

        title, area, topic, description, measures = (column(c) for c in TEXT_COLUMNS)
        return cls(
            title=title,
            heading=[f"{a}。{t}" if a and t else a or t for a, t in zip(area, topic, strict=True)],
            cue=[f"{t}。{p}" if p else t for t, p in zip(title, topic, strict=True)],
            body=[f"{d}。{m}" if d and m else d or m for d, m in zip(description, measures, strict=True)],
        )

    def has_title_view(self, i: int) -> bool:
        """Whether row `i` has a title or a heading to read."""
        return bool(self.title[i] or self.heading[i])
