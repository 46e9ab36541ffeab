"""SQLite scratch files in the staging folder: what the parent would otherwise hold for every notice."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path


def scratch_db(path: Path, schema: Iterable[str]) -> sqlite3.Connection:
    """A new SQLite file at `path` with the tables of `schema`, set up as scratch: deleted with the staging folder,
    so no journal and no waiting for the disk."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    for statement in schema:
        db.execute(statement)
    return db
