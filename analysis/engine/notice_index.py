"""What the parent knows of every notice of a batch, kept on disk rather than in memory.

A batch of 10⁵ notices would otherwise hold, in the parent, every file name, every doc_id and checksum the chunks
report, and a set of the ids written: about 0.6 KB a notice, so that the parent grew with the corpus. Here they are
rows of an SQLite scratch file in the staging folder (deleted with it), read back in input order or looked up one at
a time, so the parent's memory does not depend on the number of notices.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePath

from analysis.engine.scratch import scratch_db
from analysis.read.sources import clash_message

_SCHEMA = (
    "CREATE TABLE files (path TEXT PRIMARY KEY, stem TEXT) WITHOUT ROWID",
    "CREATE INDEX files_stem ON files (stem, path)",
    # one row per notice a chunk wrote: its place in input order, doc_id and checksum
    "CREATE TABLE written (chunk INTEGER, position INTEGER, doc_id TEXT, sha256 TEXT, PRIMARY KEY (chunk, position))",
    # looked up once per text and audit page when the outputs are tidied: without it, each lookup reads every row
    "CREATE INDEX written_doc_id ON written (doc_id)",
)

# each file whose doc_id an earlier file (in sorted order) has, with that file; and whether a notice was written:
# both asked of 10^5 rows, so each must be answered from an index (tested), not by reading every row
LATER_CLASHES = (
    "SELECT f.path, (SELECT MIN(g.path) FROM files g WHERE g.stem = f.stem) AS first FROM files f "
    "WHERE f.path > first ORDER BY f.path"
)
WAS_WRITTEN = "SELECT 1 FROM written WHERE doc_id = ? LIMIT 1"


class NoticeIndex:
    """The batch's notice files (sorted, one per doc_id) and the (doc_id, sha256) of each notice written."""

    def __init__(self, store: Path, *, existing: bool = False) -> None:
        """A new index in the scratch file `store`, or (`existing`) the one a batch left there, to read it in another
        process."""
        self.store = store
        self._db = sqlite3.connect(store) if existing else scratch_db(store, _SCHEMA)

    def add_files(self, files: Iterable[str]) -> None:
        """Add notice files (path strings); a path given twice is kept once."""
        with self._db:
            self._db.executemany(
                "INSERT OR IGNORE INTO files VALUES (?, ?)", ((path, PurePath(path).stem) for path in files)
            )

    def drop_doc_id_clashes(self) -> list[str]:
        """Keep the first file (in sorted order) of each doc_id, its stem; a message for each later one, dropped."""
        later = self._db.execute(LATER_CLASHES).fetchall()
        with self._db:
            self._db.executemany("DELETE FROM files WHERE path = ?", ((path,) for path, _ in later))
        return [clash_message(path, first) for path, first in later]

    def count(self) -> int:
        """The number of notice files."""
        return self._db.execute("SELECT COUNT(*) FROM files").fetchone()[0]

    def chunks(self, size: int) -> Iterator[list[Path]]:
        """The files in sorted order, `size` at a time (read lazily: one chunk's names at a time)."""
        cursor = self._db.execute("SELECT path FROM files ORDER BY path")
        while rows := cursor.fetchmany(size):
            yield [Path(path) for (path,) in rows]

    def add_written(self, chunk: int, notices: Iterable[tuple[str, str]]) -> None:
        """Record the (doc_id, sha256) of each notice chunk `chunk` wrote, in its order."""
        with self._db:
            self._db.executemany(
                "INSERT INTO written VALUES (?, ?, ?, ?)",
                ((chunk, i, doc_id, sha256) for i, (doc_id, sha256) in enumerate(notices)),
            )

    def duplicates(self) -> dict[str, str]:
        """doc_id → the doc_id of the first notice (in input order) with the same bytes: counted once, as the first."""
        rows = self._db.execute(
            "SELECT doc_id, first FROM (SELECT doc_id, chunk, position, FIRST_VALUE(doc_id) OVER (PARTITION BY "
            "sha256 ORDER BY chunk, position) AS first FROM written) WHERE doc_id != first ORDER BY chunk, position"
        )
        return dict(rows.fetchall())

    def was_written(self, doc_id: str) -> bool:
        """Whether a chunk wrote the notice `doc_id`."""
        return self._db.execute(WAS_WRITTEN, (doc_id,)).fetchone() is not None

    def n_written(self) -> int:
        """The number of distinct doc_ids written."""
        return self._db.execute("SELECT COUNT(DISTINCT doc_id) FROM written").fetchone()[0]

    def close(self) -> None:
        """Close the store (the caller removes its file with the staging folder)."""
        self._db.close()
