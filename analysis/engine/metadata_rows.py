"""Each chunk's metadata rows, from the metadata given or from the metadata.csv of each notice's folder."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from pathlib import Path

from analysis.engine.scratch import scratch_db
from analysis.read.sources import RAW_METADATA, NoticeError, iter_metadata, shown

Metadata = Mapping[str, Mapping[str, str]]
_SCHEMA = "CREATE TABLE metadata (folder INTEGER, file TEXT, row TEXT, PRIMARY KEY (folder, file)) WITHOUT ROWID"


class MetadataRows:
    """Each chunk's metadata rows: from the metadata given, or from the metadata.csv of each notice's folder.

    A folder's file is read once, here in the parent, into an SQLite file (`store`, in the staging folder), and each
    task carries its own chunk's rows only: as Python dicts a metadata file of 10⁵ rows takes about 100 MB, which
    neither the parent nor a worker should hold.
    """

    def __init__(self, given: Metadata | None, store: Path) -> None:
        self.given = given
        self.store = store
        self.folders: dict[Path, int | NoticeError] = {}  # a folder's number in the store, or why it is unusable
        self._db: sqlite3.Connection | None = None

    def of(self, chunk: list[Path]) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
        """The chunk's rows by file name, and for a notice whose folder's metadata.csv is unusable, why."""
        if self.given is not None:
            return {p.name: dict(self.given[p.name]) for p in chunk if p.name in self.given}, {}
        rows: dict[str, dict[str, str]] = {}
        unusable: dict[str, str] = {}
        for path in chunk:
            folder = self._folder(path.parent)
            if isinstance(folder, NoticeError):
                unusable[path.name] = str(folder)
                continue
            found = (
                self._connection()
                .execute("SELECT row FROM metadata WHERE folder = ? AND file = ?", (folder, path.name))
                .fetchone()
            )
            if found is not None:
                rows[path.name] = json.loads(found[0])
        return rows, unusable

    def close(self) -> None:
        """Close the store (the caller removes its file with the staging folder)."""
        if self._db is not None:
            self._db.close()

    def _folder(self, folder: Path) -> int | NoticeError:
        if folder not in self.folders:
            self.folders[folder] = self._load(folder / RAW_METADATA.name, len(self.folders))
        return self.folders[folder]

    def _load(self, path: Path, number: int) -> int | NoticeError:
        if not path.is_file():
            return number  # no metadata file: every notice of the folder is unregistered, which read_notice reports
        # the store's key finds a name listed twice: the parent need not hold every name of 10⁵ rows to find it
        rows = iter_metadata(path, unique=False)
        db = self._connection()
        try:
            with db:  # a file that turns out malformed midway leaves no rows behind
                db.executemany(
                    "INSERT INTO metadata VALUES (?, ?, ?)",
                    ((number, name, json.dumps(row, ensure_ascii=False)) for name, row in rows),
                )
        except NoticeError as exc:
            return exc
        except sqlite3.IntegrityError:
            return _twice_listed(path)
        return number

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = scratch_db(self.store, [_SCHEMA])
        return self._db


def _twice_listed(path: Path) -> NoticeError:
    """The error naming both lines of a file name listed twice in `path`, found by reading it again with the names
    held (only when the store has refused one)."""
    try:
        for _ in iter_metadata(path):
            pass
    except NoticeError as exc:
        return exc
    return NoticeError(f"{shown(path)}: a file name is listed twice")  # the file changed between the two readings
