"""The category codebook and the training set, both shipped as editable CSV files under analysis/data/.

`categories.csv` is CATEGORIES.md as data: a researcher can change a category's typical words ("|"-separated) without
touching code. Its keywords are the codebook's "typical words" plus the terms of the category's Chinese name.

`category_training.csv` is the hand-coded gold problems of the five seed notices (tests/data/gold/problems.csv:
city_key, problem_seq, title, area, topic, category; 144 rows, two coders, κ 0.97) with the description and
measures text the extractor reads for each of them from data/raw (the notices are public documents), followed by
511 real problem statements of other agencies, title only: 233 of 51 issuers (tests/data/real/problem_categories.csv,
two coders, κ 0.92) and 278 of 60 more source pages (tests/data/category_statements/, one coder each). `source`,
`id`, `issuer`, `agency_type` and `url` say where each row comes from. The package ships its own copy so that it
never reads tests/; `python -m analysis.categorize.training` rebuilds it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
CODEBOOK_CSV = DATA_DIR / "categories.csv"
TRAINING_CSV = DATA_DIR / "category_training.csv"
TRAINING_COLUMNS = [
    "source",
    "id",
    "city_key",
    "problem_seq",
    "issuer",
    "agency_type",
    "url",
    "title",
    "area",
    "topic",
    "description",
    "measures",
    "category",
]

CODEBOOK_COLUMNS = ["key", "name_zh", "name_en", "definition", "keywords", "order"]
_KEY = re.compile(r"^[a-z][a-z_]*$")


def load_codebook(path: Path | None = None) -> pd.DataFrame:
    """Read the codebook (default: the shipped categories.csv), checked and sorted by `order`.

    Columns: key, name_zh, name_en, definition, keywords ("|"-separated typical words, may be empty), order (int).
    Raises ValueError on a missing column, a malformed or duplicated key, or a duplicated order.
    """
    book = pd.read_csv(path or CODEBOOK_CSV, dtype=str, keep_default_na=False)
    missing = [c for c in CODEBOOK_COLUMNS if c not in book.columns]
    if missing:
        raise ValueError(f"codebook lacks columns {missing}")
    book = book[CODEBOOK_COLUMNS].copy()
    bad = [k for k in book["key"] if not _KEY.match(k)]
    if bad:
        raise ValueError(f"codebook keys must be lower_snake_case: {bad}")
    if book["key"].duplicated().any():
        raise ValueError(f"duplicated codebook keys: {sorted(set(book['key'][book['key'].duplicated()]))}")
    book["order"] = book["order"].astype(int)
    if book["order"].duplicated().any():
        raise ValueError("codebook `order` values must be unique")
    book["keywords"] = book["keywords"].str.strip()
    return book.sort_values("order").reset_index(drop=True)


def keyword_lists(codebook: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """Map each category key to its typical words, in codebook order (blank entries dropped)."""
    return {
        row.key: tuple(w.strip() for w in row.keywords.split("|") if w.strip())
        for row in codebook.itertuples(index=False)
    }


def load_training(path: Path | None = None, codebook: pd.DataFrame | None = None) -> pd.DataFrame:
    """Read the labelled training problems (default: the shipped category_training.csv), all columns as text.

    The shipped file has TRAINING_COLUMNS; a file of one's own needs only title and category.

    Raises ValueError when a required column is missing or a row's category is not a codebook key.
    """
    training = pd.read_csv(path or TRAINING_CSV, dtype=str, keep_default_na=False)
    check_training(training, codebook if codebook is not None else load_codebook())
    return training


def check_training(training: pd.DataFrame, codebook: pd.DataFrame) -> None:
    """Raise ValueError unless `training` has a title and a category column whose values are codebook keys."""
    missing = [c for c in ("title", "category") if c not in training.columns]
    if missing:
        raise ValueError(f"training data lacks columns {missing}")
    unknown = sorted(set(training["category"]) - set(codebook["key"]))
    if unknown:
        raise ValueError(f"training categories not in the codebook: {unknown}")
