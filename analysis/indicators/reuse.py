"""Text reuse between notices: the passages two notices share, each with its span in both stored texts.

Two steps, as in text-reuse studies of legislation (Wilkerson, Smith & Stramp 2015): cheap candidates, then an
exact alignment of the candidates only.

1. **Candidates.** The unit is the sentence (a run of text ended by 。！？； or a line break), not the notice: a
   notice's signature is diluted by its length, so a two-line passage copied into a 70,000-character notice would
   never reach any whole-notice similarity threshold, while the sentence it lives in is found whatever the notice's
   length. Each sentence is reduced to its content characters (letters, digits, CJK: punctuation and spacing are
   layout, not wording) and signed with a MinHash of its `SHINGLE`-character shingles. The hashing scheme, the
   permutations and the banding (b bands of r rows for Jaccard `THRESHOLD`) are datasketch's (`MinHash`,
   `MinHashLSH`); `signatures` applies them to thousands of sentences in one numpy pass and is tested equal to
   datasketch's `MinHash`. The bands are not held in a `MinHashLSH` index: its Python dicts and sets cost about
   5 KB per sentence (0.9 GB at 10^3 notices, measured), so each band's keys go to a file and sentences sharing a
   band key are joined band by band (sort, then connected components), holding one band in memory at a time.
   Joined sentences form clusters; a cluster found in more than `MAX_NOTICES` notices is corpus-wide stock wording
   (the boilerplate indicator measures it) and yields no pairs, so the pairs stay few however large the corpus,
   and its count is reported.
2. **Alignment.** For each pair of notices with a sentence in a common cluster, the two lines (paragraphs) holding
   the sentences are aligned with `difflib.SequenceMatcher` (autojunk off: its popularity heuristic would junk 的,
   问, 题 in any Chinese line over 200 characters); every matching block with at least `MIN_PASSAGE` content
   characters is a shared passage. A passage is verbatim by construction: `text_a[start_a:end_a] ==
   text_b[start_b:end_b] == text`, which is what makes every claim checkable.

Spans index the stored texts (`texts/<doc_id>.txt`), the same texts every span of the tables indexes. The constants
below fix the result: the same texts give the same rows, byte for byte.
"""

from __future__ import annotations

import re
import tempfile
import time
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

SHINGLE = 4  # characters per shingle: 4-grams tell Chinese phrases apart (2-3 grams are shared by unrelated text)
NUM_PERM = 64  # permutations per MinHash: the Jaccard estimate's standard error is about 0.06 at J = 0.5
THRESHOLD = 0.5  # LSH Jaccard threshold between two sentences' shingle sets
MINHASH_SEED = 1  # datasketch's permutation seed: fixed, so signatures (and results) are the same on every run
MIN_UNIT = 12  # content characters a sentence needs to be indexed: shorter ones are headings and stock phrases
MIN_PASSAGE = 20  # content characters a shared passage needs to be reported
MAX_NOTICES = 20  # a sentence cluster in more notices is corpus-wide stock wording, not reuse between two notices
TEXT_CACHE = 64  # stored texts kept in memory while aligning (pairs are visited in order, so this suffices)
ALIGN_CACHE = 50_000  # line pairs whose alignment is kept (a corpus that copies copies the same lines again)
SIGN_CHUNK = 2_000  # sentences signed at once: bounds the shingles × permutations array (~40 MB at most)
_SCHEME = "affine32"  # datasketch's hashing scheme: 32-bit values, mixed by MurmurHash3's finalizer, then permuted
_PRIME = 0x01000193  # FNV-1 32-bit prime, the multiplier of shingle_hash
_PRIME64 = 0x100000001B3  # FNV-1 64-bit prime, the multiplier of the band keys

_SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]?")
_NOT_CONTENT = re.compile(r"[\W_]+")
_CONTENT = re.compile(r"[^\W_]")

PASSAGE_COLUMNS = ["doc_id_a", "start_a", "end_a", "doc_id_b", "start_b", "end_b", "length", "text"]
PAIR_COLUMNS = ["doc_id_a", "doc_id_b", "n_passages", "chars_a", "chars_b", "share_a", "share_b"]
GROUP_COLUMNS = ["group_a", "group_b", "n_notices_a", "n_pairs", "n_passages", "chars_a", "share_a"]


def content_length(text: str) -> int:
    """The number of content characters (letters, digits, CJK) in `text`: what passage lengths are measured in."""
    return len(_CONTENT.findall(text))


@dataclass(frozen=True)
class Unit:
    """A sentence of a stored text: its span, the span of the line holding it, and its content characters."""

    start: int
    end: int
    line_start: int
    line_end: int
    key: str


def sentences(text: str) -> Iterator[Unit]:
    """The sentences of `text` with at least `MIN_UNIT` content characters, in reading order."""
    line_start = 0
    for line in text.split("\n"):
        line_end = line_start + len(line)
        for match in _SENTENCE.finditer(line):
            key = _NOT_CONTENT.sub("", match.group())
            if len(key) >= MIN_UNIT:
                yield Unit(line_start + match.start(), line_start + match.end(), line_start, line_end, key)
        line_start = line_end + 1


def shingle_hash(shingle: str) -> int:
    """The 32-bit hash of one shingle (polynomial in its code points, FNV prime): the `hashfunc` datasketch would
    use, so that `signatures` equals `datasketch.MinHash(hashfunc=shingle_hash)` fed the same shingles."""
    value = 0
    for char in shingle:
        value = (value * _PRIME + ord(char)) & 0xFFFFFFFF
    return value


def _shingle_hashes(points: object) -> object:
    """`shingle_hash` of every window of SHINGLE code points of a uint32 array, vectorised (uint32 arithmetic wraps
    modulo 2^32, as the & in shingle_hash does)."""
    import numpy as np

    count = len(points) - SHINGLE + 1
    value = np.zeros(count, dtype=np.uint32)
    for offset in range(SHINGLE):
        value = value * np.uint32(_PRIME) + points[offset : offset + count]
    return value


@cache
def _permutations() -> tuple[object, object, int, int]:
    """datasketch's permutations (a, b) for NUM_PERM and MINHASH_SEED, and MinHashLSH's bands b × rows r for
    THRESHOLD: the library decides both, this module only applies them to many sentences at once."""
    from datasketch import MinHash, MinHashLSH

    template = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, scheme=_SCHEME)
    index = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    a, b = template.permutations
    return a, b, index.b, index.r


def signatures(keys: Sequence[str]) -> object:
    """The MinHash signatures (uint32, len(keys) × NUM_PERM) of the SHINGLE-character shingles of each key, equal to
    datasketch's MinHash (affine32 scheme, hashfunc=shingle_hash) but for all keys in one pass. Keys must hold at
    least SHINGLE characters."""
    import numpy as np
    from datasketch.minhash import _fmix

    a, b, _, _ = _permutations()
    lengths = np.fromiter((len(key) for key in keys), dtype=np.int64, count=len(keys))
    points = np.frombuffer("".join(keys).encode("utf-32-le"), dtype=np.uint32)
    hashes = _shingle_hashes(points)
    # the windows inside one key: key k's start .. start + length - SHINGLE
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    per_key = lengths - SHINGLE + 1
    first = np.concatenate(([0], np.cumsum(per_key)[:-1]))
    windows = np.repeat(starts - first, per_key) + np.arange(int(per_key.sum()))
    mixed = _fmix(hashes[windows], 32)[:, None] * a[None, :] + b[None, :]
    return np.minimum.reduceat(mixed, first, axis=0)


def _band_keys(signature: object, bands: int, rows: int) -> object:
    """One uint64 per band and key (len(keys) × bands): the band's `rows` values mixed into 64 bits. Equal bands give
    equal keys; unequal ones collide with probability about 2^-64."""
    import numpy as np
    from datasketch.minhash import _fmix

    values = signature[:, : bands * rows].reshape(len(signature), bands, rows).astype(np.uint64)
    key = np.zeros(values.shape[:2], dtype=np.uint64)
    for row in range(rows):
        key = _fmix(key * np.uint64(_PRIME64) + values[:, :, row], 64)
    return key


@dataclass
class ReuseStats:
    """What the candidate step saw: notices, sentences, sentences with a near-duplicate elsewhere, clusters left
    out as corpus-wide, candidate pairs of notices and of lines, passages, and the seconds spent signing."""

    notices: int = 0
    sentences: int = 0
    linked_sentences: int = 0
    common_clusters: int = 0
    candidate_pairs: int = 0
    aligned_line_pairs: int = 0
    passages: int = 0
    signing_s: float = 0.0


@dataclass
class _Index:
    """Sentence occurrences as flat 32-bit arrays (12 bytes per sentence, no Python object each); the band keys go
    to one file per band in `folder`, so memory holds one band at a time, never all of them."""

    folder: Path
    doc: array = field(default_factory=lambda: array("i"))
    line_start: array = field(default_factory=lambda: array("i"))
    line_end: array = field(default_factory=lambda: array("i"))


def _build_index(doc_ids: Sequence[str], read: Callable[[str], str], stats: ReuseStats, folder: Path) -> _Index:
    _, _, bands, rows = _permutations()
    index = _Index(folder)
    files = [(folder / f"band{band:02d}.u64").open("wb") for band in range(bands)]
    try:
        for number, doc_id in enumerate(doc_ids):
            units = list(sentences(read(doc_id)))
            for chunk in range(0, len(units), SIGN_CHUNK):
                batch = units[chunk : chunk + SIGN_CHUNK]
                started = time.perf_counter()
                keys = _band_keys(signatures([unit.key for unit in batch]), bands, rows)
                stats.signing_s += time.perf_counter() - started
                for band, handle in enumerate(files):
                    handle.write(keys[:, band].tobytes())
                for unit in batch:
                    index.doc.append(number)
                    index.line_start.append(unit.line_start)
                    index.line_end.append(unit.line_end)
            stats.sentences += len(units)
    finally:
        for handle in files:
            handle.close()
    stats.notices = len(doc_ids)
    return index


def _clusters(index: _Index) -> object:
    """A cluster label per sentence: sentences sharing a band key with each other, transitively (connected
    components, one band at a time)."""
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    count = len(index.doc)
    labels = np.arange(count, dtype=np.int64)
    for path in sorted(index.folder.glob("band*.u64")):
        keys = np.fromfile(path, dtype=np.uint64)
        order = np.argsort(keys, kind="stable")
        same = keys[order[1:]] == keys[order[:-1]]
        source, target = labels[order[:-1][same]], labels[order[1:][same]]
        graph = coo_matrix((np.ones(len(source), dtype=np.int8), (source, target)), shape=(count, count))
        _, components = connected_components(graph, directed=False)
        labels = components[labels]
    return labels


def _candidate_lines(index: _Index, stats: ReuseStats) -> list[tuple[int, int, int, int, int, int]]:
    """(doc a, doc b, line a start, line a end, line b start, line b end) for every pair of sentences of two notices
    in one cluster, a < b, deduplicated and sorted; clusters in more than MAX_NOTICES notices are left out."""
    import numpy as np

    if not index.doc:
        return []
    labels = _clusters(index)
    docs = np.frombuffer(index.doc, dtype=np.int32)
    sizes = np.bincount(labels)
    linked = np.flatnonzero(sizes[labels] > 1)
    stats.linked_sentences = len(linked)
    # notices per cluster: distinct (cluster, notice) pairs counted per cluster
    pairs = np.unique(np.stack([labels[linked], docs[linked]], axis=1), axis=0)
    notices = np.bincount(pairs[:, 0], minlength=len(sizes)) if len(pairs) else np.zeros(len(sizes), dtype=np.int64)
    stats.common_clusters = int((notices > MAX_NOTICES).sum())
    kept = linked[(notices[labels[linked]] >= 2) & (notices[labels[linked]] <= MAX_NOTICES)]
    kept = kept[np.lexsort((kept, labels[kept]))]
    boundaries = np.flatnonzero(np.diff(labels[kept])) + 1
    found: set[tuple[int, int, int, int, int, int]] = set()
    for members in np.split(kept, boundaries):
        for i, one in enumerate(members.tolist()):
            for other in members[i + 1 :].tolist():
                a, b = int(docs[one]), int(docs[other])
                if a == b:
                    continue
                if a > b:
                    one, other, a, b = other, one, b, a
                found.add(
                    (a, b, index.line_start[one], index.line_end[one], index.line_start[other], index.line_end[other])
                )
    stats.candidate_pairs = len({(a, b) for a, b, *_ in found})
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
    """Matching blocks of two lines, trimmed of spacing at both ends, with at least MIN_PASSAGE content characters."""
    line_a, line_b = lines
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


def iter_passages(
    doc_ids: Sequence[str], read: Callable[[str], str], stats: ReuseStats | None = None
) -> Iterator[tuple[str, int, int, str, int, int, int, str]]:
    """Every passage two of the notices share, as PASSAGE_COLUMNS tuples, sorted, doc_id_a before doc_id_b.

    `read(doc_id)` returns the stored text of a notice; it is called twice per notice at most plus once per notice
    leaving the cache, so the texts need not fit in memory. `stats`, when given, is filled in.
    """
    stats = stats if stats is not None else ReuseStats()
    ordered = sorted(dict.fromkeys(doc_ids))
    with tempfile.TemporaryDirectory(prefix="reuse-bands-") as scratch:
        candidates = _candidate_lines(_build_index(ordered, read, stats, Path(scratch)), stats)
    texts = _Cache(TEXT_CACHE, lambda number: read(ordered[number]))
    alignments = _Cache(ALIGN_CACHE, _blocks)
    stats.aligned_line_pairs = len(candidates)
    pair: tuple[int, int] | None = None
    rows: set[tuple[int, int, int]] = set()

    def flush() -> Iterator[tuple[str, int, int, str, int, int, int, str]]:
        a, b = pair
        text_a = texts.get_or_make(a)
        for start_a, start_b, size in sorted(rows):
            stats.passages += 1
            yield (ordered[a], start_a, start_a + size, ordered[b], start_b, start_b + size, size,
                   text_a[start_a : start_a + size])  # fmt: skip

    for a, b, a0, a1, b0, b1 in candidates:
        if (a, b) != pair:
            if pair is not None:
                yield from flush()
            pair, rows = (a, b), set()
        line_a, line_b = texts.get_or_make(a)[a0:a1], texts.get_or_make(b)[b0:b1]
        for i, j, size in alignments.get_or_make((line_a, line_b)):
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
