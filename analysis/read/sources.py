"""Raw notices in: find the files, read their text, check them against data/raw/metadata.csv.

Every later step indexes into `RawNotice.text`, so this module is the one place that decides what that text
is. For a .txt notice: the raw bytes decoded (UTF-8, UTF-8 with BOM, UTF-16 with BOM, GB18030 or Big5), the
BOM dropped. For a saved web page, a .docx or a text-layer PDF: the plain text `analysis.read.formats` extracts
(`RawNotice.text_source` says which), so spans index that extracted text, not the file's bytes; the
pipeline stores it beside the tables for checking. Either way, traditional characters are then mapped to
simplified one character for one character, so that offsets into the text are offsets into the unconverted
text. Bad input stops here with a `NoticeError`: one line naming the file.

Limits (`analysis.read.formats.Limits`, each set by an environment variable; defaults in brackets): a notice file over
`ANALYSIS_MAX_INPUT_MB` [50] is refused unread; a .docx inflating beyond `ANALYSIS_MAX_DOCX_MB` [100] or to more XML
than `ANALYSIS_MAX_DOCX_XML_MB` [16], a web page nested deeper than `ANALYSIS_MAX_HTML_DEPTH` [512] or with more than
`ANALYSIS_MAX_HTML_TAGS` [100,000] tags is refused by its reader; a text of more than `ANALYSIS_MAX_TEXT_CHARS`
[500,000] characters, from any format, is refused here. Each is one `NoticeError`; the other notices go on.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path, PurePath
from typing import TypeVar

from analysis.paths import RAW_METADATA, ROOT
from analysis.read import formats
from analysis.tables import codes

F = TypeVar("F", Path, str)

# Each notice format read, and how its text is obtained (RawNotice.text_source): "file" is the decoded
# bytes themselves, the others are text extracted by analysis.read.formats.
# Control characters (Unicode category Cc) other than the whitespace ones a text may hold.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# Characters that Chinese notices are not made of: all but ASCII, ideographs, CJK/full-width and general punctuation.
_IMPLAUSIBLE = re.compile(r"[^\x00-\x7f\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u2000-\u206f]")
TEXT_SOURCES: dict[str, str] = {".txt": "file", ".html": "html", ".htm": "html", ".docx": "docx", ".pdf": "pdf"}
NOTICE_SUFFIXES: tuple[str, ...] = tuple(TEXT_SOURCES)

_EXTRACTORS: dict[str, Callable[[bytes, formats.Decoder, formats.Limits], formats.Extracted]] = {
    "html": formats.html_text,
    "docx": lambda raw, _decode, limits: formats.docx_text(raw, limits),
    "pdf": lambda raw, _decode, limits: formats.pdf_text(raw, limits),
}

METADATA_COLUMNS: tuple[str, ...] = (
    "file",
    "city",
    "county",
    "province",
    "issuer",
    "source_url",
    "date_received",
    "sha256",
    "note",
)

# Optional columns holding a grouping key: the code table each value must come from (analysis/tables/codes.py).
KEY_COLUMNS: tuple[str, ...] = ("admin_level", "agency_type", "review_kind")
_ADCODE = re.compile(r"\d{6}")

# Tried in this order when the bytes are not UTF-8; the first is preferred when both read equally well.
LEGACY_ENCODINGS: tuple[str, ...] = ("gb18030", "big5")

# Share of CJK characters that t2s changes above which a text counts as traditional. Simplified notices
# measure 0 (the five seeds); the same notices run through s2t measure 33-39 %.
TRADITIONAL_SHARE = 0.05

# Share of control characters above which decoded "text" is taken for binary data.
CONTROL_SHARE = 0.10

# Share of characters usual in Chinese notices below which extracted text is flagged (a PDF font without a
# Unicode map yields private-use or Latin-1 symbols instead of ideographs).
PLAUSIBLE_SHARE = 0.80

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SHA256 = re.compile(r"[0-9a-f]{64}")


class NoticeError(Exception):
    """A notice or metadata file that cannot be used; str() is one line: file, what is wrong, what to do."""


@dataclass(frozen=True)
class RawNotice:
    """One raw notice's text with its provenance; spans everywhere index into `text`.

    `text_source` is how `text` was obtained: "file" (the file's bytes decoded), or "html", "docx", "pdf" (plain
    text extracted from that format: spans index the extracted text, which is not a substring of the file).
    `encoding` is the character encoding decoded: of the file or page; "utf-8" for .docx (its XML);
    "pdf-text-layer" for a PDF, whose characters come from its fonts' Unicode maps.
    """

    doc_id: str
    path: Path
    source_file: str
    sha256: str
    text: str
    encoding: str
    converted_from_traditional: bool
    metadata: dict[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    text_source: str = "file"


def shown(path: Path) -> str:
    """The path as messages print it: relative to the project root when inside it, else as given."""
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def load_metadata(path: Path = RAW_METADATA) -> dict[str, dict[str, str]]:
    """Read the metadata file (one row per notice) into {file name: row}; raise NoticeError if malformed."""
    return dict(iter_metadata(path))


def iter_metadata(path: Path = RAW_METADATA, *, unique: bool = True) -> Iterator[tuple[str, dict[str, str]]]:
    """The metadata file's rows as (file name, row), read line by line: a file of 10⁵ rows is never held whole.

    Raises NoticeError, at the offending row, if the file is missing, not UTF-8 or malformed. A file name listed twice
    is malformed too; finding it holds every name read (about 0.2 KB each), so a caller that checks names itself (a
    store with the name as its key, as the engine's) passes `unique=False`.
    """
    where = shown(path)
    columns = ",".join(METADATA_COLUMNS)
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            yield from _metadata_rows(csv.reader(fh), where, columns, {} if unique else None)
    except FileNotFoundError:
        raise NoticeError(f"{where}: metadata file not found — create it with columns {columns}") from None
    except UnicodeDecodeError:
        raise NoticeError(f"{where}: not UTF-8 ({_first_bad_byte(path)}) — save as UTF-8") from None


def _first_bad_byte(path: Path) -> str:
    """Where a file stops being UTF-8, found by decoding it whole (the streaming decoder knows only its block)."""
    raw = path.read_bytes()
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return f"{exc.reason} at byte {exc.start}, line {line}"
    return "the file changed while it was read"


def _metadata_rows(
    reader, where: str, columns: str, first_line: dict[str, int] | None
) -> Iterator[tuple[str, dict[str, str]]]:
    header = _checked_header(next(reader, None), where, columns)
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        name, row = _checked_row(values, header, where, line, first_line)
        if first_line is not None:
            first_line[name] = line
        yield name, row


def _checked_header(header: list[str] | None, where: str, columns: str) -> list[str]:
    if header is None:
        raise NoticeError(f"{where}: empty metadata file — the first line must be: {columns}")
    missing = [c for c in METADATA_COLUMNS if c not in header]
    if missing:
        raise NoticeError(f"{where}: missing column(s) {', '.join(missing)} — the header must include: {columns}")
    return header


def _checked_row(
    values: list[str], header: list[str], where: str, line: int, first_line: dict[str, int] | None
) -> tuple[str, dict[str, str]]:
    """One metadata row's file name and its values by column; NoticeError, naming the line, for a row that cannot be
    used. `first_line`: the line of each file name listed before it (None: names are not checked here)."""
    if len(values) != len(header):
        raise NoticeError(
            f"{where}: line {line}: {len(values)} fields, the header has {len(header)} — "
            "quote fields that contain commas"
        )
    row = dict(zip(header, values, strict=True))
    name = row["file"].strip()
    if not name or Path(name).name != name:
        raise NoticeError(f"{where}: line {line}: 'file' must be a bare file name, got {row['file']!r}")
    if first_line is not None and name in first_line:
        raise NoticeError(f"{where}: line {line}: {name} is listed twice (also line {first_line[name]})")
    digest = row["sha256"].strip()
    if digest and not _SHA256.fullmatch(digest):
        raise NoticeError(f"{where}: line {line}: sha256 {digest!r} is not 64 lowercase hex digits")
    if row["date_received"].strip():
        try:
            date.fromisoformat(row["date_received"].strip())
        except ValueError:
            raise NoticeError(
                f"{where}: line {line}: date_received {row['date_received']!r} is not a YYYY-MM-DD date"
            ) from None
    _check_keys(row, where, line)
    return name, row


def _check_keys(row: dict[str, str], where: str, line: int) -> None:
    """Refuse a grouping key that is not a code of its table, naming the file, the line and the valid codes."""
    tables = {"admin_level": codes.admin_levels, "agency_type": codes.agency_types, "review_kind": codes.review_kinds}
    for column in KEY_COLUMNS:
        value = (row.get(column) or "").strip()
        table = tables[column]()
        if value and value not in table.keys:
            raise NoticeError(
                f"{where}: line {line}: {column} {value!r} is not a code of {shown(table.path)} — "
                f"valid: {', '.join(table.keys)}"
            )
    adcode = (row.get("adcode") or "").strip()
    if adcode and not _ADCODE.fullmatch(adcode):
        raise NoticeError(f"{where}: line {line}: adcode {adcode!r} is not a 6-digit administrative code")


def discover(paths: Iterable[Path]) -> list[Path]:
    """Expand files and folders (not recursively) into the notice files, sorted; raise NoticeError on a clash.

    In a folder, metadata.csv, README* and hidden files are skipped; every other file is returned, so that a
    notice in a format not read yet is reported by read_notice (one file's failure) instead of silently left out.
    """
    notices, clashes = without_doc_id_clashes(sorted({Path(file) for path in paths for file in notice_files(path)}))
    if clashes:
        raise NoticeError(clashes[0])
    return notices


def without_doc_id_clashes(files: Iterable[F]) -> tuple[list[F], list[str]]:
    """`files` (Paths or path strings, in order) keeping the first with each doc_id (its stem), and a message for
    each later file whose doc_id is taken: two files would write the same rows."""
    kept: list[F] = []
    clashes: list[str] = []
    owner: dict[str, F] = {}
    for file in files:
        stem = PurePath(file).stem
        if stem in owner:
            clashes.append(clash_message(file, owner[stem]))
            continue
        owner[stem] = file
        kept.append(file)
    return kept, clashes


def clash_message(file: str | PurePath, first: str | PurePath) -> str:
    """Why `file` is left out: the first file (in sorted order) with its doc_id, `first`, is read instead."""
    stem = PurePath(file).stem
    return f"{shown(Path(file))}: doc_id {stem!r} is also the stem of {shown(Path(first))} — rename one of them"


def notice_files(path: Path) -> Iterator[str]:
    """The notice files of one input, unsorted, as path strings: `path` itself, or the files of folder `path`.

    Strings, not Paths, one at a time: a batch of 10⁵ notices passes them on to its index without holding them.
    Raises NoticeError (when iterated) if `path` does not exist.
    """
    if path.is_dir():
        # scandir knows each entry's type from the listing: no stat call per file in a folder of 10⁵ notices
        with os.scandir(path) as entries:
            # links, pipes and devices are listed too: read_notice says why each cannot be read, rather than
            # leaving them out without a word; subfolders are not notices
            for entry in entries:
                if not entry.is_dir() and not _is_skipped(entry.name):
                    yield entry.path
    elif path.is_file():
        yield str(path)
    else:
        raise NoticeError(f"{shown(path)}: no such file or folder")


def _is_skipped(name: str) -> bool:
    """Hidden files, the metadata file and the folder's own README (README, README.md …), not README-like notices."""
    return name.startswith(".") or name == RAW_METADATA.name or Path(name).stem.upper() == "README"


def _checked_suffix(path: Path) -> Path:
    if path.suffix.lower() not in NOTICE_SUFFIXES:
        raise NoticeError(
            f"{shown(path)}: unsupported notice format {path.suffix or '(no suffix)'!r} "
            f"(read: {', '.join(NOTICE_SUFFIXES)}) — save it in one of these formats or move it out of the folder"
        )
    return path


def read_notice(
    path: Path, metadata: dict[str, dict[str, str]] | None = None, limits: formats.Limits | None = None
) -> RawNotice:
    """Read, decode and check one raw notice; raise NoticeError for input that cannot be used.

    `metadata` is a loaded metadata file; when None, the metadata.csv beside the notice is used, if any.
    `limits`: what reading may cost; when None, the defaults with the environment's overrides.
    """
    where = shown(path)
    source = TEXT_SOURCES[_checked_suffix(path).suffix.lower()]
    try:
        limits = limits or formats.Limits.from_env()
    except formats.FormatError as exc:
        raise NoticeError(f"{where}: not read: {exc}") from None
    raw = _read_bytes(path, where, limits)

    # Provenance first (after the size limit: a file too large is never read): a changed file is reported as
    # changed, whatever else is wrong with it.
    warnings: list[str] = []
    digest, row = _registered_row(path, raw, metadata, where, warnings)
    text, encoding = _checked_text(source, raw, where, warnings, limits)
    text, converted = simplified(text, warnings)

    return RawNotice(
        doc_id=path.stem,
        path=path,
        source_file=path.name,
        sha256=digest,
        text=text,
        encoding=encoding,
        converted_from_traditional=converted,
        metadata=dict(row),
        warnings=tuple(warnings),
        text_source=source,
    )


def _registered_row(
    path: Path, raw: bytes, metadata: dict[str, dict[str, str]] | None, where: str, warnings: list[str]
) -> tuple[str, dict[str, str]]:
    """The file's sha256 and its metadata row ({} when it has none, with a warning); NoticeError when the file is no
    longer the one registered."""
    digest = hashlib.sha256(raw).hexdigest()
    if metadata is None:
        beside = path.parent / RAW_METADATA.name
        metadata = load_metadata(beside) if beside.is_file() else {}
    row = metadata.get(path.name, {})
    registered = row.get("sha256", "").strip()
    if registered and registered != digest:
        raise NoticeError(
            f"{where}: raw file changed since it was registered (sha256 now {digest}, metadata.csv has "
            f"{registered}) — data/raw must not be edited: restore the file, or update its metadata row "
            "if the new file is intended"
        )
    if not row:
        warnings.append(f"no metadata row for {path.name} — register it in metadata.csv with sha256 {digest}")
    elif not registered:
        warnings.append(f"metadata row for {path.name} has no sha256 — add {digest}")
    return digest, row


def _checked_text(source: str, raw: bytes, where: str, warnings: list[str], limits: formats.Limits) -> tuple[str, str]:
    """The notice's text and its encoding, decoded or extracted from `raw`; NoticeError for a file with no text, too
    much text, or binary content."""
    if not raw:
        raise NoticeError(f"{where}: empty file (0 bytes) — nothing to extract")
    if source == "file":
        text, encoding = _decode(raw, where, warnings)
    else:
        text, encoding = _extract(source, raw, where, warnings, limits)
    if len(text) > limits.text_chars:
        raise NoticeError(
            f"{where}: text too long to extract ({len(text):,} characters, limit {limits.text_chars:,}; the longest "
            f"seed has 25,810) — is it one notice? split it, or {limits.override('text_chars')}"
        )
    if not text.strip():
        what = "only whitespace" if source == "file" else f"none in the {source} file"
        raise NoticeError(f"{where}: no text, {what} ({len(raw)} bytes) — nothing to extract")
    controls = len(_CONTROL.findall(text))
    if controls > CONTROL_SHARE * len(text):
        raise NoticeError(
            f"{where}: binary file ({controls} of {len(text)} characters are control characters) — "
            "not a text notice; extract its text to a UTF-8 .txt first"
        )
    return text, encoding


def _read_bytes(path: Path, where: str, limits: formats.Limits) -> bytes:
    """The file's bytes; a file over the size limit is refused before it is read, and never read past the limit.

    Only a regular file is opened (a pipe would block the run), and a link only to a file in the link's own folder:
    a notice is what the folder holds, not what a link reaches elsewhere."""
    _check_kind(path, where)
    try:
        with path.open("rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            raw = fh.read(size + 1) if size <= limits.input_bytes else b""  # a buffer of the file's size
            if size < len(raw) <= limits.input_bytes:  # grown since stat, or a file that reports no size
                raw += fh.read(limits.input_bytes + 1 - len(raw))
    except FileNotFoundError:
        raise NoticeError(f"{where}: no such file") from None
    except OSError as exc:
        raise NoticeError(f"{where}: cannot read ({exc.strerror})") from None
    if size > limits.input_bytes or len(raw) > limits.input_bytes:
        raise NoticeError(
            f"{where}: file too large ({max(size, len(raw)):,} bytes, limit {limits.input_bytes:,}) — "
            f"not a single notice? split it, or {limits.override('input_bytes')}"
        )
    return raw


def _check_kind(path: Path, where: str) -> None:
    if path.is_symlink():
        target = path.resolve()
        if not target.exists():
            raise NoticeError(f"{where}: a link to a missing file ({target}) — restore it or remove the link")
        if target.parent != path.parent.resolve():
            raise NoticeError(
                f"{where}: a link to a file outside its folder ({target}) — copy the notice into the folder instead"
            )
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise NoticeError(f"{where}: no such file") from None
    except OSError as exc:
        raise NoticeError(f"{where}: cannot read ({exc.strerror})") from None
    if not stat.S_ISREG(mode):
        kind = "a pipe" if stat.S_ISFIFO(mode) else "a folder" if stat.S_ISDIR(mode) else "not a regular file"
        raise NoticeError(f"{where}: {kind}, not a notice file — move it out of the folder")


def _extract(source: str, raw: bytes, where: str, warnings: list[str], limits: formats.Limits) -> tuple[str, str]:
    """Plain text out of a non-text format; a file the format's reader refuses is a NoticeError."""
    try:
        extracted = _EXTRACTORS[source](raw, lambda data: _decode(data, where, warnings), limits)
    except formats.FormatError as exc:
        raise NoticeError(f"{where}: {exc}") from None
    warnings.extend(extracted.warnings)
    text = extracted.text
    if text.strip() and _plausible_share(text) < PLAUSIBLE_SHARE:
        warnings.append(
            f"extracted text is {1 - _plausible_share(text):.0%} characters unusual in Chinese text — "
            "the file's fonts may lack a Unicode map: check the text"
        )
    return text, extracted.encoding


class Undecodable(ValueError):
    """Why bytes are not text; str() says it without the file's name or what to do about it; `kind` is "bom",
    "binary" or "encoding"."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def readings(raw: bytes, legacy: Sequence[str]) -> dict[str, str]:
    """The ways `raw` reads as text: {encoding: text}. A byte-order mark decides, else UTF-8 (one reading each),
    else every encoding of `legacy` that decodes it. Raises Undecodable (a BOM that lies, a NUL byte, none reads).
    The one decoder of the package: notices and the corrections file differ only in what they say to do."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return {encoding: raw.decode(encoding)}
            except UnicodeDecodeError as exc:
                raise Undecodable(
                    "bom",
                    f"starts with a {encoding} byte-order mark but is not {encoding} "
                    f"({exc.reason} at byte {exc.start})",
                ) from None
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise Undecodable("binary", f"binary file (NUL byte at offset {nul})")
    try:
        return {"utf-8": raw.decode("utf-8")}
    except UnicodeDecodeError as exc:
        utf8_error = exc
    decoded: dict[str, str] = {}
    for encoding in legacy:
        try:
            decoded[encoding] = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    if not decoded:
        at = utf8_error.start
        line = raw.count(b"\n", 0, at) + 1
        raise Undecodable(
            "encoding",
            f"undecodable: not utf-8 (byte 0x{raw[at]:02x} at offset {at}, line {line}), nor {' nor '.join(legacy)}",
        )
    return decoded


def _decode(raw: bytes, where: str, warnings: list[str]) -> tuple[str, str]:
    """Decode strictly: a BOM decides, else UTF-8, else the legacy encoding that reads most like Chinese."""
    try:
        decoded = readings(raw, LEGACY_ENCODINGS)
    except Undecodable as exc:
        hint = {
            "bom": "save it again as UTF-8",
            "binary": "not a text notice; extract its text to a UTF-8 .txt first",
            "encoding": "not a text notice, or save it as UTF-8",
        }[exc.kind]
        raise NoticeError(f"{where}: {exc} — {hint}") from None
    if len(decoded) == 1:  # a BOM or UTF-8, or one legacy encoding: nothing to choose
        ((encoding, text),) = decoded.items()
        return text, encoding
    # A wrong legacy decoding yields kana, Cyrillic, box drawing and private-use characters among the
    # ideographs; max() keeps the first of equals, so GB18030 wins a tie.
    best = max(decoded, key=lambda e: _plausible_share(decoded[e]))
    others = ", ".join(e for e in decoded if e != best)
    warnings.append(f"decoded as {best}, which reads more like Chinese than {others} — check the text")
    return decoded[best], best


def _plausible_share(text: str) -> float:
    """Share of characters that Chinese notices are made of: ASCII, ideographs, CJK/full-width punctuation."""
    return (len(text) - len(_IMPLAUSIBLE.findall(text))) / len(text)


def simplified(text: str, warnings: list[str]) -> tuple[str, bool]:
    """Map a traditional-character text to simplified, same length; leave a simplified one as it is.

    Returns the text and whether it was converted; a conversion adds a line to `warnings`.
    """
    converted = convert_same_length(text, t2s())
    if converted == text:
        return text, False
    cjk = sum(1 for ch in text if 0x4E00 <= ord(ch) <= 0x9FFF)
    changed = sum(1 for a, b in zip(text, converted, strict=True) if a != b)
    if not cjk or changed < TRADITIONAL_SHARE * cjk:
        return text, False
    warnings.append(
        f"traditional characters ({changed} of {cjk} CJK characters differ from simplified) converted with "
        "OpenCC t2s — same length, so spans index the original text"
    )
    return converted, True


def convert_same_length(text: str, convert: Callable[[str], str]) -> str:
    """Apply a converter line by line; a line whose length it changes is converted character by character.

    A character whose conversion is not a single character is kept as it is, so the result always has the
    length of `text` and offsets into it are offsets into `text`. The converter is one that converts each line on
    its own (OpenCC never matches a phrase across a line break), so a text it leaves alone is returned after one
    call instead of one call per line.
    """
    if convert(text) == text:
        return text
    out: list[str] = []
    singles: dict[str, str] = {}
    for line in text.splitlines(keepends=True):
        converted = convert(line)
        if len(converted) != len(line):
            converted = "".join(_single(ch, convert, singles) for ch in line)
        out.append(converted)
    return "".join(out)


def _single(ch: str, convert: Callable[[str], str], cache_: dict[str, str]) -> str:
    if ch not in cache_:
        converted = convert(ch)
        cache_[ch] = converted if len(converted) == 1 else ch
    return cache_[ch]


@cache
def t2s() -> Callable[[str], str]:
    """OpenCC's traditional → simplified conversion, built once (a notice or a table cell may be traditional)."""
    import opencc  # loaded on first use: importing the package must stay cheap

    return opencc.OpenCC("t2s").convert
