"""Text reuse between notices: the passages two notices share, each with its span in both stored texts.

Two steps, as in text-reuse studies of legislation (Wilkerson, Smith & Stramp 2015): cheap candidates, then an
exact alignment of the candidates only.

1. **Candidates.** A shared passage is a run of identical text; so every run of `MIN_PASSAGE` content characters
   (letters, digits, CJK: punctuation and spacing are layout, not wording) that two notices share must be found,
   wherever it sits: a clause copied into an otherwise different sentence, or two lines copied into a 70,000-
   character notice. Each line's content characters are cut into `K`-grams, hashed, and winnowed (of every `WINDOW`
   consecutive K-grams the smallest hash is kept: Schleimer, Wilkerson & Aiken 2003), which guarantees that two
   texts sharing a run of K + WINDOW - 1 = MIN_PASSAGE content characters share a fingerprint. Fingerprints go to
   files split by hash and are joined one file at a time (sort, then runs of equal hashes), so memory holds one
   notice while fingerprinting and one file while joining. A fingerprint found in more than `MAX_NOTICES` notices
   is corpus-wide stock wording (the boilerplate indicator measures it) and yields no pairs, so the pairs stay few
   however large the corpus; their count is reported.

   Why not MinHash LSH (datasketch), first built here: signatures of sentences (Jaccard 0.5 over 4-gram
   shingles) find a sentence copied whole, but not a 20-character run inside two different sentences. Of the 751
   pairs among 125 real notices (tests/data and the five seeds) sharing a run of 20 content characters, sentence
   signatures found 34 and clause signatures 208; winnowing finds 627 (the others differ in punctuation inside the
   run, or every 14-character run of it is in more than MAX_NOTICES notices). (That version, commit
   7354dab, signed sentences with datasketch's scheme in numpy: 10^4 generated notices in 31 s CPU, 295 MB; a
   plain datasketch MinHashLSH index had held 0.9 GB at 10^3 distinct notices.)
2. **Alignment.** For each pair of notices sharing a fingerprint, the two lines (paragraphs) holding it are aligned
   with `difflib.SequenceMatcher` (autojunk off: its popularity heuristic would junk 的, 问, 题 in any Chinese line
   over 200 characters); every matching block with at least `MIN_PASSAGE` content characters is a shared passage.
   A passage is verbatim by construction: `text_a[start_a:end_a] == text == text_b[start_b:end_b]` up to the width
   of a character (full-width ，（１ and half-width ,(1 are one character in two widths, which sources mix), so
   every claim can be checked by reading the two texts at those offsets.

Spans index the stored texts (`texts/<doc_id>.txt`), the same texts every span of the tables indexes. The constants
below fix the result: the same texts give the same rows, byte for byte.
"""

from __future__ import annotations

import re
import tempfile
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

K = 14  # content characters per fingerprinted K-gram (with WINDOW, sets the length found with certainty)
WINDOW = 7  # K-grams per winnowing window: every run of K + WINDOW - 1 = 20 content characters is fingerprinted
MIN_PASSAGE = K + WINDOW - 1  # content characters a shared passage needs to be reported (found with certainty)
MAX_NOTICES = 20  # a fingerprint in more notices is corpus-wide stock wording, not reuse between two notices
PARTITIONS = 64  # fingerprint files, split by the top bits of the hash: memory holds one at a time (a power of 2)
TEXT_CACHE = 64  # stored texts kept in memory while aligning (pairs are visited in order, so this suffices)
ALIGN_CACHE = 50_000  # line pairs whose alignment is kept (a corpus that copies copies the same lines again)
_PRIME64 = 0x100000001B3  # FNV-1 64-bit prime, the multiplier of the polynomial K-gram hash
# full-width forms (U+FF01–FF5E) and the ideographic space to their ASCII twins, one character to one
_WIDTH_FOLD = {0xFF01 + i: 0x21 + i for i in range(0x5E)} | {0x3000: 0x20}
_NO_HASH = 0xFFFFFFFFFFFFFFFF  # marks a K-gram across a line break: never the minimum of a window that has another

_NOT_CONTENT = re.compile(r"[\W_]+")
_CONTENT = re.compile(r"[^\W_]")

PASSAGE_COLUMNS = ["doc_id_a", "start_a", "end_a", "doc_id_b", "start_b", "end_b", "length", "text"]
PAIR_COLUMNS = ["doc_id_a", "doc_id_b", "n_passages", "chars_a", "chars_b", "share_a", "share_b"]
GROUP_COLUMNS = ["group_a", "group_b", "n_notices_a", "n_pairs", "n_passages", "chars_a", "share_a"]


def content_length(text: str) -> int:
    """The number of content characters (letters, digits, CJK) in `text`: what passage lengths are measured in."""
    return len(_CONTENT.findall(text))


@cache
def _content_table() -> object:
    """Whether each code point is a content character: str.isalnum, which is what _CONTENT ([^\\W_]) matches."""
    import numpy as np

    return np.fromiter((chr(point).isalnum() for point in range(0x110000)), dtype=bool, count=0x110000)


def _fmix64(value: object) -> object:
    """MurmurHash3's 64-bit finalizer (element-wise on uint64, wrapping): spreads polynomial hashes over all bits."""
    import numpy as np

    value = value ^ (value >> np.uint64(33))
    value = value * np.uint64(0xFF51AFD7ED558CCD)
    value = value ^ (value >> np.uint64(33))
    value = value * np.uint64(0xC4CEB9FE1A85EC53)
    return value ^ (value >> np.uint64(33))


def fingerprints(text: str) -> tuple[object, object]:
    """The winnowed fingerprints of `text`: (hashes uint64, positions int64), a position being the offset in `text`
    of the first character of the fingerprinted K-gram of content characters.

    K-grams are taken over the content characters of one line (punctuation and spacing skipped, a line break ends
    them); of every WINDOW consecutive K-grams the one with the smallest hash is kept (the leftmost on a tie).
    Two texts sharing a run of K + WINDOW - 1 content characters within a line share that window, hence a
    fingerprint (Schleimer, Wilkerson & Aiken 2003, "Winnowing").
    """
    import numpy as np
    from numpy.lib.stride_tricks import sliding_window_view

    empty = (np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64))
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    positions = np.flatnonzero(_content_table()[points])
    if len(positions) < K + WINDOW - 1:
        return empty
    line = np.searchsorted(np.flatnonzero(points == ord("\n")), positions)
    points = points[positions].astype(np.uint64)
    count = len(points) - K + 1
    hashes = np.zeros(count, dtype=np.uint64)
    for offset in range(K):
        hashes = hashes * np.uint64(_PRIME64) + points[offset : offset + count]
    hashes = _fmix64(hashes)
    whole = line[:count] == line[K - 1 :]  # the K-gram lies within one line
    hashes[~whole] = _NO_HASH
    picked = sliding_window_view(hashes, WINDOW).argmin(axis=1) + np.arange(count - WINDOW + 1)
    in_line = whole[: count - WINDOW + 1] & (line[: count - WINDOW + 1] == line[WINDOW - 1 : count])
    picked = np.unique(picked[in_line & (hashes[picked] != _NO_HASH)])
    return hashes[picked], positions[picked]


@dataclass
class ReuseStats:
    """What the candidate step saw: notices, fingerprints, fingerprints left out as corpus-wide wording, candidate
    pairs of notices and of lines, passages, and the seconds spent fingerprinting."""

    notices: int = 0
    fingerprints: int = 0
    common_fingerprints: int = 0
    candidate_pairs: int = 0
    aligned_line_pairs: int = 0
    passages: int = 0
    fingerprint_s: float = 0.0


_RECORD = [("hash", "<u8"), ("doc", "<i4"), ("pos", "<i4")]  # one fingerprint on disk: 16 bytes


def _write_fingerprints(doc_ids: Sequence[str], read: Callable[[str], str], stats: ReuseStats, folder: Path) -> None:
    """Every notice's fingerprints, appended to PARTITIONS files by the top bits of their hash: memory holds one
    notice's fingerprints while writing and one partition while joining, whatever the number of notices."""
    import numpy as np

    files = [(folder / f"part{part:02d}.bin").open("wb") for part in range(PARTITIONS)]
    shift = np.uint64(64 - PARTITIONS.bit_length() + 1)
    try:
        for number, doc_id in enumerate(doc_ids):
            started = time.perf_counter()
            hashes, positions = fingerprints(read(doc_id))
            records = np.empty(len(hashes), dtype=_RECORD)
            records["hash"], records["doc"], records["pos"] = hashes, number, positions
            part_of = (hashes >> shift).astype(np.int64)
            for part in np.unique(part_of):
                files[part].write(records[part_of == part].tobytes())
            stats.fingerprints += len(hashes)
            stats.fingerprint_s += time.perf_counter() - started
    finally:
        for handle in files:
            handle.close()
    stats.notices = len(doc_ids)


def _candidates(folder: Path, stats: ReuseStats) -> list[tuple[int, int, int, int]]:
    """(doc a, doc b, position in a, position in b) for every fingerprint two notices share, a < b, sorted; a
    fingerprint found in more than MAX_NOTICES notices is corpus-wide wording and left out."""
    import numpy as np

    found: set[tuple[int, int, int, int]] = set()
    for path in sorted(folder.glob("part*.bin")):
        records = np.fromfile(path, dtype=_RECORD)
        if not len(records):
            continue
        records = records[np.argsort(records["hash"], kind="stable")]  # stable: docs ascend within a hash
        new_hash = np.concatenate(([True], records["hash"][1:] != records["hash"][:-1]))
        new_doc = new_hash | np.concatenate(([True], records["doc"][1:] != records["doc"][:-1]))
        run = np.cumsum(new_hash) - 1
        notices = np.bincount(run, weights=new_doc).astype(np.int64)
        stats.common_fingerprints += int((notices > MAX_NOTICES).sum())
        kept = np.flatnonzero((notices[run] >= 2) & (notices[run] <= MAX_NOTICES))
        for members in np.split(kept, np.flatnonzero(np.diff(run[kept])) + 1):
            entries = list(zip(records["doc"][members].tolist(), records["pos"][members].tolist(), strict=True))
            for i, (a, pa) in enumerate(entries):
                for b, pb in entries[i + 1 :]:
                    if a != b:  # docs ascend, so a < b
                        found.add((a, b, pa, pb))
    stats.candidate_pairs = len({(a, b) for a, b, _, _ in found})
    return sorted(found)


class _Cache(OrderedDict):
    """A bounded least-recently-used map: memory stays flat however many texts or line pairs are visited."""

    def __init__(self, size: int, make: Callable) -> None:
        super().__init__()
        self.size, self.make = size, make

    def get_or_make(self, key: object) -> object:
        if key in self:
            self.move_to_end(key)
            return self[key]
        value = self[key] = self.make(key)
        if len(self) > self.size:
            self.popitem(last=False)
        return value


def _blocks(lines: tuple[str, str]) -> list[tuple[int, int, int]]:
    """Matching blocks of two lines, trimmed of spacing at both ends, with at least MIN_PASSAGE content characters.
    Full-width and half-width forms of one character match (，and , are the same comma set in two fonts); the fold
    maps one character to one, so offsets are unchanged."""
    line_a, line_b = (line.translate(_WIDTH_FOLD) for line in lines)
    kept = []
    for i, j, size in SequenceMatcher(None, line_a, line_b, autojunk=False).get_matching_blocks():
        if size < MIN_PASSAGE:
            continue
        block = line_a[i : i + size]
        lead = len(block) - len(block.lstrip())
        size = len(block.rstrip()) - lead
        if size > 0 and content_length(block) >= MIN_PASSAGE:
            kept.append((i + lead, j + lead, size))
    return kept


def _line(text: str, position: int) -> tuple[int, int]:
    """The span of the line of `text` holding `position`."""
    end = text.find("\n", position)
    return text.rfind("\n", 0, position) + 1, len(text) if end < 0 else end


def iter_passages(
    doc_ids: Sequence[str], read: Callable[[str], str], stats: ReuseStats | None = None
) -> Iterator[tuple[str, int, int, str, int, int, int, str]]:
    """Every passage two of the notices share, as PASSAGE_COLUMNS tuples, sorted, doc_id_a before doc_id_b.

    `read(doc_id)` returns the stored text of a notice; it is called twice per notice at most plus once per notice
    leaving the cache, so the texts need not fit in memory. `stats`, when given, is filled in.
    """
    stats = stats if stats is not None else ReuseStats()
    ordered = sorted(dict.fromkeys(doc_ids))
    with tempfile.TemporaryDirectory(prefix="reuse-fingerprints-") as scratch:
        _write_fingerprints(ordered, read, stats, Path(scratch))
        candidates = _candidates(Path(scratch), stats)
    texts = _Cache(TEXT_CACHE, lambda number: read(ordered[number]))
    alignments = _Cache(ALIGN_CACHE, _blocks)
    pair: tuple[int, int] | None = None
    rows: set[tuple[int, int, int]] = set()
    lines: set[tuple[int, int]] = set()  # line pairs of the current pair already aligned

    def flush() -> Iterator[tuple[str, int, int, str, int, int, int, str]]:
        a, b = pair
        text_a = texts.get_or_make(a)
        for start_a, start_b, size in sorted(rows):
            stats.passages += 1
            yield (ordered[a], start_a, start_a + size, ordered[b], start_b, start_b + size, size,
                   text_a[start_a : start_a + size])  # fmt: skip

    for a, b, position_a, position_b in candidates:
        if (a, b) != pair:
            if pair is not None:
                yield from flush()
            pair, rows, lines = (a, b), set(), set()
        text_a, text_b = texts.get_or_make(a), texts.get_or_make(b)
        a0, a1 = _line(text_a, position_a)
        b0, b1 = _line(text_b, position_b)
        if (a0, b0) in lines:
            continue
        lines.add((a0, b0))
        stats.aligned_line_pairs += 1
        for i, j, size in alignments.get_or_make((text_a[a0:a1], text_b[b0:b1])):
            rows.add((a0 + i, b0 + j, size))
    if pair is not None:
        yield from flush()


def text_reader(folder: Path) -> Callable[[str], str]:
    """`read(doc_id)` for a folder of stored texts (`<folder>/<doc_id>.txt`, UTF-8, as the build writes them)."""
    return lambda doc_id: (folder / f"{doc_id}.txt").read_text(encoding="utf-8")


def shared_passages(texts: Mapping[str, str] | Path, doc_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """The passages shared by two notices: one row per passage, PASSAGE_COLUMNS, spans into the stored texts.

    `texts` is a mapping doc_id → stored text, or the folder of stored texts (`data/processed/texts`); `doc_ids`
    limits the notices compared (default: all). length counts characters of the passage (its span's width).
    """
    import pandas as pd

    if isinstance(texts, Path):
        read = text_reader(texts)
        ids = list(doc_ids) if doc_ids is not None else sorted(p.stem for p in texts.glob("*.txt"))
    else:
        read = texts.__getitem__
        ids = list(doc_ids) if doc_ids is not None else list(texts)
    frame = pd.DataFrame(list(iter_passages(ids, read)), columns=PASSAGE_COLUMNS)
    return frame.astype({c: "int64" for c in ("start_a", "end_a", "start_b", "end_b", "length")})


def covered(intervals: Iterable[tuple[int, int]]) -> int:
    """How many characters the union of the [start, end) intervals covers."""
    total, reach = 0, -1
    for start, end in sorted(intervals):
        if end <= reach:
            continue
        total += end - max(start, reach)
        reach = end
    return total


def pair_table(passages: pd.DataFrame, lengths: Mapping[str, int]) -> pd.DataFrame:
    """Per pair of notices sharing a passage: n_passages, characters of each text covered by them (overlaps counted
    once) and the share of each text that is (lengths: doc_id → length of its stored text)."""
    import pandas as pd

    rows = []
    for (a, b), group in passages.groupby(["doc_id_a", "doc_id_b"], sort=True):
        chars_a = covered(zip(group["start_a"], group["end_a"], strict=True))
        chars_b = covered(zip(group["start_b"], group["end_b"], strict=True))
        rows.append((a, b, len(group), chars_a, chars_b, chars_a / lengths[a], chars_b / lengths[b]))
    return pd.DataFrame(rows, columns=PAIR_COLUMNS)


def _both_ways(passages: pd.DataFrame) -> pd.DataFrame:
    """Each passage twice, once from each notice's side: doc_id, start, end, partner."""
    import pandas as pd

    forward = passages[["doc_id_a", "start_a", "end_a", "doc_id_b"]]
    backward = passages[["doc_id_b", "start_b", "end_b", "doc_id_a"]]
    names = ["doc_id", "start", "end", "partner"]
    return pd.concat([forward.set_axis(names, axis=1), backward.set_axis(names, axis=1)], ignore_index=True)


def notice_matrix(passages: pd.DataFrame, lengths: Mapping[str, int]) -> pd.DataFrame:
    """Notices × notices: the share of the row notice's stored text found in the column notice (0 on the diagonal)."""
    import pandas as pd

    ids = sorted(lengths)
    matrix = pd.DataFrame(0.0, index=pd.Index(ids, name="doc_id"), columns=pd.Index(ids, name="partner"))
    for (doc_id, partner), group in _both_ways(passages).groupby(["doc_id", "partner"], sort=True):
        matrix.loc[doc_id, partner] = covered(zip(group["start"], group["end"], strict=True)) / lengths[doc_id]
    return matrix


def group_table(passages: pd.DataFrame, documents: pd.DataFrame, by: str, lengths: Mapping[str, int]) -> pd.DataFrame:
    """Reuse between groups of notices (by a documents column such as city, issuer or review_type).

    One row per (group_a, group_b) with reuse, GROUP_COLUMNS: n_notices_a, notices in group_a; n_pairs, pairs of
    notices (one in each group, or two different ones in the same group) that share a passage; n_passages;
    chars_a, characters of group_a's texts found in a notice of group_b (overlaps counted once per notice); share_a,
    chars_a over the total length of group_a's texts. Notices whose group is null form the group '(unknown)'.
    """
    import pandas as pd

    group_of = documents.set_index("doc_id")[by].astype("object").where(lambda s: s.notna(), "(unknown)")
    group_of = group_of[group_of.index.isin(list(lengths))]
    total = pd.Series({doc: lengths[doc] for doc in group_of.index}).groupby(group_of).sum()
    size = group_of.value_counts()
    rows = []
    sides = _both_ways(passages)
    sides = sides.assign(group_a=sides["doc_id"].map(group_of), group_b=sides["partner"].map(group_of))
    for (group_a, group_b), part in sides.groupby(["group_a", "group_b"], sort=True):
        chars = sum(
            covered(zip(spans["start"], spans["end"], strict=True)) for _, spans in part.groupby("doc_id", sort=True)
        )
        pairs = {tuple(sorted(p)) for p in zip(part["doc_id"], part["partner"], strict=True)}
        passages_here = len(part) if group_a != group_b else len(part) // 2
        rows.append(
            (group_a, group_b, int(size[group_a]), len(pairs), passages_here, chars, chars / int(total[group_a]))
        )
    return pd.DataFrame(rows, columns=GROUP_COLUMNS)


def group_matrix(groups: pd.DataFrame, order: Sequence[str] | None = None) -> pd.DataFrame:
    """group_table as a matrix: rows group_a, columns group_b, share_a (0 where no reuse)."""
    labels = list(order) if order is not None else sorted(set(groups["group_a"]) | set(groups["group_b"]))
    matrix = groups.pivot(index="group_a", columns="group_b", values="share_a")
    return matrix.reindex(index=labels, columns=labels).fillna(0.0).rename_axis(index="group", columns="partner")
