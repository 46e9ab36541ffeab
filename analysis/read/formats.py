"""Plain text out of the file forms a notice arrives in besides .txt: a saved web page, a Word .docx, a PDF.

Each reader takes the file's bytes and returns the text that every later span indexes, so what is kept, and
where the line breaks fall, is decided here once: one line per paragraph (HTML block, Word paragraph or table
cell, PDF text line), in reading order. Readers know nothing of file names; `analysis.read.sources` adds the name
to a `FormatError` and turns it into a `NoticeError`.

Limits (`Limits`; each overridable by an environment variable, read for every notice): a hostile or broken file
fails with one line instead of exhausting memory or time, and the other notices go on.
- `input_bytes`, `ANALYSIS_MAX_INPUT_MB` (default 50 MB): the size of any notice file; checked before it is read.
- `docx_bytes`, `ANALYSIS_MAX_DOCX_MB` (default 100 MB): what a .docx inflates to, all its members together;
  checked against the sizes the zip declares and again while inflating (a declared size can lie), so no more than
  the limit is ever inflated (a zip bomb).
- `docx_xml_bytes`, `ANALYSIS_MAX_DOCX_XML_MB` (default 16 MB): the inflated XML of a .docx, the part that costs
  work: reading takes about 0.2 s per MB of XML (a 10 MB document.xml of one shape or another: 1.9-2.3 s).
- `html_depth`, `ANALYSIS_MAX_HTML_DEPTH` (default 512): how deep elements of a web page may nest (the saved page in
  tests/data/formats: 9); pages are walked without recursion, so the limit is a choice, not Python's stack.
- `html_tags`, `ANALYSIS_MAX_HTML_TAGS` (default 100,000; counted as the page's "<" bytes, before parsing): parsing
  costs about 25-50 µs a tag (the saved page in tests/data/formats: 218).
- `text_chars`, `ANALYSIS_MAX_TEXT_CHARS` (default 500,000; checked by `analysis.read.sources` on the text read from any
  format): the characters of a notice, 20 times the longest seed (25,810). Extraction is not linear in the length
  yet (issue 11): a text of 500,000 characters of numbered headings takes about 5 s, 1,000,000 about 25 s.
"""

from __future__ import annotations

import codecs
import io
import logging
import os
import re
import warnings as _warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

# Decodes the bytes of a text file by their content (BOM, UTF-8, GB18030, Big5); supplied by analysis.read.sources.
Decoder = Callable[[bytes], tuple[str, str]]


class FormatError(Exception):
    """Bytes that cannot be read as the format their suffix claims; str() says what is wrong and what to do."""


_MB = 1 << 20


# Limits field → (environment variable, its unit in bytes; 1 for counts)
_ENVIRONMENT: dict[str, tuple[str, int]] = {
    "input_bytes": ("ANALYSIS_MAX_INPUT_MB", _MB),
    "docx_bytes": ("ANALYSIS_MAX_DOCX_MB", _MB),
    "docx_xml_bytes": ("ANALYSIS_MAX_DOCX_XML_MB", _MB),
    "html_depth": ("ANALYSIS_MAX_HTML_DEPTH", 1),
    "html_tags": ("ANALYSIS_MAX_HTML_TAGS", 1),
    "text_chars": ("ANALYSIS_MAX_TEXT_CHARS", 1),
    "pdf_pages": ("ANALYSIS_MAX_PDF_PAGES", 1),
}


@dataclass(frozen=True)
class Limits:
    """How much one notice may cost to read (see the module docstring); `from_env()` applies the overrides."""

    input_bytes: int = 50 * _MB
    docx_bytes: int = 100 * _MB
    docx_xml_bytes: int = 16 * _MB
    html_depth: int = 512
    html_tags: int = 100_000
    text_chars: int = 500_000
    pdf_pages: int = 1_000

    @classmethod
    def from_env(cls) -> Limits:
        """The defaults with every limit set in the environment (megabytes may be fractional: 0.5)."""
        given: dict[str, int] = {}
        for name, (variable, unit) in _ENVIRONMENT.items():
            value = os.environ.get(variable, "").strip()
            if not value:
                continue
            try:
                number = float(value)
            except ValueError:
                number = -1.0
            if not number > 0 or number == float("inf"):
                raise FormatError(f"{variable}={value!r} is not a positive number — set it to one or unset it")
            given[name] = max(1, int(number * unit))
        return cls(**given) if given else _DEFAULT_LIMITS

    def override(self, name: str) -> str:
        """How a message says to raise limit `name`."""
        variable, unit = _ENVIRONMENT[name]
        return f"raise {variable}" + (" (megabytes)" if unit == _MB else "")


_DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Extracted:
    """The text of one notice taken out of its file, the character encoding that was decoded, and notes."""

    text: str
    encoding: str
    warnings: tuple[str, ...] = ()


# --- HTML ---------------------------------------------------------------------------------------------------

# Never text of the notice: scripts, forms, embedded objects, and the HTML5 navigation and footer elements.
_DROPPED_TAGS = (
    "head", "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
    "form", "button", "select", "input", "textarea", "nav", "footer", "aside",
)  # fmt: skip
# class/id words that government site templates give their chrome (whole words between - and _).
_CHROME_NAME = re.compile(
    r"(?:^|[-_\s])(?:nav|navbar|menu|foot|footer|bottom|copyright|share|bdshare|crumbs?|breadcrumbs?|position|"
    r"location|sidebar|toolbar|topbar|top-bar)(?:$|[-_\s])",
    re.IGNORECASE,
)
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_BLOCK_TAGS = frozenset({
    "address", "article", "blockquote", "body", "caption", "center", "dd", "details", "dialog", "div", "dl", "dt",
    "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "ol", "p", "pre",
    "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})  # fmt: skip
# A charset declaration names a subset of what such pages really use: pages labelled gb2312 carry GBK
# characters (镕, 堃), and GB18030 decodes every GBK byte sequence the same way.
_WIDER_CODEC = {"gb2312": "gb18030", "gbk": "gb18030"}
# Declarations that cannot be true of a page with non-ASCII bytes in a Chinese notice.
_WESTERN_CODECS = frozenset({"ascii", "latin-1", "iso8859-1", "cp1252"})
# East Asian wide characters: a line break between two of them in the page source is no space on screen.
_WIDE = r"\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_WIDE_BREAK = re.compile(rf"(?<=[{_WIDE}])[ \t\r\f]*\n[ \t\r\n\f]*(?=[{_WIDE}])")
_SPACES = re.compile(r"[ \t\r\n\f]+")
# A link-heavy line costs this many times its link characters: navigation, share bars, "上一篇/下一篇".
_LINK_COST = 3
# Chrome that can sit right against the notice inside the same page block; trimmed from the ends only.
_CHROME_HEAD = re.compile(r"当前位置|您的位置|登录|繁体|無障礙|无障碍|长者|关怀版|English")
_CHROME_TAIL = re.compile(
    r"访问量|浏览次数|点击数|ICP备|网站标识码|公网安备|版权所有|主办单位|技术支持|分享到|【打印】|【关闭】|"
    r"上一篇|下一篇|阅读原文|扫一扫|公众号"
)
# A page title that is a notice's title, not only the site's name.
_TITLE_LIKE = re.compile(r"关于|通报|报告|公告|情况")
# Between a page's title and the site's name in <title>: 通报_中山市人民政府门户网站, 通报-东营市纪委监委网站.
_TITLE_SEPARATOR = re.compile(r"\s*(?:[_|｜–—]|(?<!\d)-(?!\d))\s*")


@dataclass
class _Line:
    text: str = ""
    link_chars: int = 0

    def score(self) -> int:
        plain = len(re.sub(r"\s", "", self.text)) - self.link_chars
        return plain - _LINK_COST * self.link_chars


def html_text(raw: bytes, decode: Decoder, limits: Limits | None = None) -> Extracted:
    """The notice in a saved web page: its title and body, one line per block, without the site's chrome.

    Encoding: a BOM decides; else a <meta> charset that decodes the bytes; else `decode` (by content).
    Main content: the page is cut into lines at block elements and <br>; each line scores its characters
    outside links minus three times those inside; the best-scoring run of consecutive lines is the notice
    (the title and date line above the body are in it, the link-heavy navigation and footer are not).
    A page with more tags than `limits.html_tags` or nested deeper than `limits.html_depth` is refused.
    """
    from bs4 import BeautifulSoup

    limits = limits or Limits.from_env()
    # Every tag starts with "<"; no byte of a GBK, GB18030 or Big5 character is "<" (their trail bytes start at 0x40).
    tags = raw.count(b"<")
    if tags > limits.html_tags:
        raise FormatError(
            f"web page too large to read: up to {tags:,} tags (limit {limits.html_tags:,}) — save the notice's text "
            f"as .txt, or {limits.override('html_tags')}"
        )
    markup, encoding, notes = _decode_page(raw, decode)
    soup = BeautifulSoup(markup, "lxml")
    page_title = _page_title(soup)
    for tag in soup.find_all(_DROPPED_TAGS):
        tag.decompose()
    for tag in soup.find_all(_is_chrome):
        if not tag.decomposed:
            tag.decompose()

    lines: list[_Line] = [_Line()]
    _render(soup.body or soup, lines, limits)
    kept = _main_run([line for line in lines if line.text])
    if (
        page_title
        and _TITLE_LIKE.search(page_title)
        and kept
        and not any(_same_title(page_title, line.text) for line in kept[:5])
    ):
        # The page's own title, when the body does not repeat it, is the only place the issuer is named.
        kept.insert(0, _Line(page_title))
        notes.append("title taken from the page's <title>/<meta>: the page body does not show it")
    return Extracted("\n".join(line.text for line in kept), encoding, tuple(notes))


def _same_title(page_title: str, line: str) -> bool:
    return len(line) >= 8 and (page_title in line or line in page_title)


def _decode_page(raw: bytes, decode: Decoder) -> tuple[str, str, list[str]]:
    from bs4.dammit import EncodingDetector

    notes: list[str] = []
    if raw.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return (*decode(raw), notes)
    declared = EncodingDetector.find_declared_encoding(raw, is_html=True)
    if declared:
        try:
            codec = codecs.lookup(declared).name
        except LookupError:
            notes.append(f"the page declares an unknown charset {declared!r} — decoded by content instead")
        else:
            codec = _WIDER_CODEC.get(codec, codec)
            if codec in _WESTERN_CODECS and not raw.isascii():
                notes.append(f"the page declares charset {declared}, impossible for Chinese text — decoded by content")
            else:
                try:
                    return raw.decode(codec), codec, notes
                except UnicodeDecodeError as exc:
                    notes.append(
                        f"the page declares charset {declared} but is not {codec} ({exc.reason} at byte {exc.start})"
                        " — decoded by content instead"
                    )
    return (*decode(raw), notes)


def _is_chrome(tag: object) -> bool:
    attrs = getattr(tag, "attrs", None)
    if not attrs:
        return False
    names = " ".join([attrs.get("id") or "", *(attrs.get("class") or [])])
    return bool(_CHROME_NAME.search(names) or _HIDDEN.search(attrs.get("style") or ""))


def _page_title(soup: object) -> str | None:
    """The title the page gives itself: ArticleTitle/og:title, else <title> before the site name."""
    for attrs in ({"name": "ArticleTitle"}, {"property": "og:title"}):
        meta = soup.find("meta", attrs=attrs)  # type: ignore[attr-defined]
        if meta and (meta.get("content") or "").strip():
            return _SPACES.sub(" ", meta["content"]).strip()
    title = soup.title  # type: ignore[attr-defined]
    if title and title.string:
        first = _TITLE_SEPARATOR.split(title.string.strip())[0]
        return _SPACES.sub(" ", first).strip() or None
    return None


def _render(root: object, lines: list[_Line], limits: Limits) -> None:
    """Append the text under `root` to `lines`, starting a new line at every block element and <br>.

    Walks the tree with a stack of its own, not by recursion: a page nested thousands deep must not exhaust
    Python's stack. Nesting deeper than `limits.html_depth` is refused.
    """
    from bs4 import NavigableString, Tag

    # (children still to visit, inside a link, the element is a block)
    stack: list[tuple[Iterator[object], bool, bool]] = [(iter(root.children), False, False)]  # type: ignore[attr-defined]
    while stack:
        children, in_link, _ = stack[-1]
        for child in children:
            if isinstance(child, Tag):
                if child.name == "br":
                    _new_line(lines)
                    continue
                block = child.name in _BLOCK_TAGS
                if block:
                    _new_line(lines)
                if len(stack) >= limits.html_depth:
                    raise FormatError(
                        f"web page nested more than {limits.html_depth} elements deep — not a saved notice page "
                        f"(real pages nest under 50); save its text as .txt, or {limits.override('html_depth')}"
                    )
                stack.append((iter(child.children), in_link or child.name == "a", block))
                break
            if type(child) is NavigableString:  # comments, doctypes and CDATA are NavigableString subclasses
                text = _SPACES.sub(" ", _WIDE_BREAK.sub("", str(child)))
                line = lines[-1]
                line.text += text
                if in_link:
                    line.link_chars += len(re.sub(r"\s", "", text))
        else:
            if stack.pop()[2]:
                _new_line(lines)


def _new_line(lines: list[_Line]) -> None:
    last = lines[-1]
    last.text = last.text.strip()
    if last.text:
        lines.append(_Line())
    else:
        last.link_chars = 0


def _main_run(lines: list[_Line]) -> list[_Line]:
    """The run of consecutive lines with the highest total score, chrome lines trimmed from both ends."""
    best, best_span = 0, (0, 0)
    total, start = 0, 0
    for i, line in enumerate(lines):
        if total <= 0:
            total, start = 0, i
        total += line.score()
        if total > best:
            best, best_span = total, (start, i + 1)
    run = lines[best_span[0] : best_span[1]]
    while run and _CHROME_HEAD.search(run[0].text):
        run.pop(0)
    while run and _CHROME_TAIL.search(run[-1].text):
        run.pop()
    return run


# --- DOCX ---------------------------------------------------------------------------------------------------


def docx_text(raw: bytes, limits: Limits | None = None) -> Extracted:
    """The paragraphs of a Word .docx in order, one per line, with automatic numbering written out as printed.

    Table cells follow row by row, one line per paragraph; merged cells are read once per row. Headers, footers,
    comments and text boxes are not part of the notice body and are left out. A file that inflates beyond
    `limits.docx_bytes`, or to more XML than `limits.docx_xml_bytes`, is refused before it is parsed.
    """
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml import etree

    _check_zip(raw, limits or Limits.from_env())
    try:
        document = docx.Document(io.BytesIO(raw))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError, etree.LxmlError) as exc:
        raise FormatError(
            f"not a Word .docx file ({type(exc).__name__}) — an old binary .doc must be saved as .docx first"
        ) from None
    numbering = _Numbering(document)
    lines = [line for p in _paragraphs(document.element.body) if (line := numbering.label(p) + _text(p))]
    # WordprocessingML is XML in UTF-8 (the format allows UTF-16; Word never writes it).
    return Extracted("\n".join(line.strip() for line in lines), "utf-8")


_ZIP_CHUNK = 1 << 20
_XML_START = (b"<", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, b"\x00<")


def _check_zip(raw: bytes, limits: Limits) -> None:
    """Refuse a zip that inflates beyond the limits: by the sizes it declares, then by inflating it in chunks.

    A declared size can lie, so every member is inflated here and counted, never more than the limit plus one
    chunk; what Word reads as XML (a member starting with "<" or a byte-order mark) is counted apart.
    """
    archive, members = _open_zip(raw)
    _check_declared_sizes(members, limits)
    total = xml = 0
    try:
        for info in members:
            total, xml = _inflate_counted(archive, info, limits, total, xml)
    except FormatError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError, ValueError) as exc:
        raise FormatError(
            f"damaged .docx: a member cannot be inflated ({type(exc).__name__}: {_one_line(exc)}) — "
            "is the file complete? save it again from Word"
        ) from None


def _open_zip(raw: bytes) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise FormatError(
            f"not a Word .docx file ({type(exc).__name__}) — an old binary .doc must be saved as .docx first"
        ) from None
    return archive, members


def _check_declared_sizes(members: list[zipfile.ZipInfo], limits: Limits) -> None:
    declared = sum(info.file_size for info in members)
    declared_xml = sum(info.file_size for info in members if info.filename.endswith((".xml", ".rels")))
    if declared > limits.docx_bytes:
        _too_large("inflates to", declared, limits, "docx_bytes")
    if declared_xml > limits.docx_xml_bytes:
        _too_large("holds XML of", declared_xml, limits, "docx_xml_bytes")


def _inflate_counted(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, total: int, xml: int
) -> tuple[int, int]:
    """Inflate one member in chunks, counting it into the bytes (`total`) and XML bytes (`xml`) of the members before
    it; the new counts, or FormatError as soon as one passes its limit."""
    with archive.open(info) as member:
        chunk = member.read(min(_ZIP_CHUNK, limits.docx_bytes - total + 1))
        is_xml = chunk[:64].lstrip().startswith(_XML_START)
        while chunk:
            total += len(chunk)
            if total > limits.docx_bytes:
                _too_large("inflates to more than", limits.docx_bytes, limits, "docx_bytes")
            if is_xml:
                xml += len(chunk)
                if xml > limits.docx_xml_bytes:
                    _too_large("holds XML of more than", limits.docx_xml_bytes, limits, "docx_xml_bytes")
            budget = min(limits.docx_bytes - total, limits.docx_xml_bytes - xml if is_xml else _ZIP_CHUNK)
            chunk = member.read(min(_ZIP_CHUNK, budget + 1))
    return total, xml


def _too_large(what: str, size: int, limits: Limits, name: str) -> None:
    limit = getattr(limits, name)
    raise FormatError(
        f".docx {what} {size:,} bytes (limit {limit:,}) — a zip bomb, or a notice too large to read: save its "
        f"text as .txt, or {limits.override(name)}"
    )


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_P, _W_TBL, _W_TR, _W_TC, _W_R, _W_HYPERLINK = (f"{_W}{tag}" for tag in ("p", "tbl", "tr", "tc", "r", "hyperlink"))


def _paragraphs(container: object) -> Iterator[object]:
    """Every w:p under a document body or table cell, in reading order, descending into tables.

    Tables are walked in their XML, in one pass: python-docx's `row.cells` looks up every vertically merged cell
    by searching the rows above (quadratic, and recursive: a long merge exhausts the stack).
    """
    for block in container:  # type: ignore[attr-defined]
        if block.tag == _W_P:
            yield block
        elif block.tag == _W_TBL:
            for cell in _cells(block):
                yield from _paragraphs(cell)


_W_PPR, _W_NUMPR, _W_PSTYLE, _W_VAL = (f"{_W}{tag}" for tag in ("pPr", "numPr", "pStyle", "val"))
_W_TRPR, _W_TCPR, _W_VMERGE = (f"{_W}{tag}" for tag in ("trPr", "tcPr", "vMerge"))
_RUN_TEXT = frozenset(f"{_W}{tag}" for tag in ("br", "cr", "noBreakHyphen", "ptab", "t", "tab"))


def _text(p: object) -> str:
    """A w:p's text as python-docx's `Paragraph.text` gives it, without its per-call XPath (27 µs a run)."""
    parts: list[str] = []
    for child in p:  # type: ignore[attr-defined]
        if child.tag == _W_R:
            parts += [str(e) for e in child if e.tag in _RUN_TEXT]
        elif child.tag == _W_HYPERLINK:
            parts += [str(e) for run in child.iterchildren(_W_R) for e in run if e.tag in _RUN_TEXT]
    return "".join(parts)


def _cells(table: object) -> Iterator[object]:
    """The w:tc of a table row by row; a cell merged across columns is read once, one merged down rows once per
    row (its text repeated, as python-docx's `row.cells` gives it); grid columns before and after a row skipped."""
    top: dict[int, object] = {}  # grid column → the cell a vertical merge continues
    for row in table.iterchildren(_W_TR):  # type: ignore[attr-defined]
        tr_pr = _child(row, _W_TRPR)
        column = _int(_val(tr_pr, "gridBefore"), 0) if tr_pr is not None else 0
        seen: set[int] = set()
        for tc in row.iterchildren(_W_TC):
            tc_pr = _child(tc, _W_TCPR)
            merge = _child(tc_pr, _W_VMERGE) if tc_pr is not None else None
            if merge is not None and merge.get(_W_VAL, "continue") == "continue" and column in top:
                cell = top[column]
            else:
                cell = top[column] = tc
            if id(cell) not in seen:
                seen.add(id(cell))
                yield cell
            column += max(1, _int(_val(tc_pr, "gridSpan"), 1)) if tc_pr is not None else 1


class _Numbering:
    """Word's automatic list numbers, computed the way Word prints them (one counter set per abstract list).

    Every lookup is a dict built once per document: python-docx's `paragraph.style` scans all styles for every
    paragraph, which made a document of 10⁴ paragraphs take seconds.
    """

    def __init__(self, document: object) -> None:
        self._levels: dict[str, dict[int, tuple[str, str, int, str]]] = {}
        self._abstract_of: dict[str, str] = {}
        self._overrides: dict[str, dict[int, int]] = {}
        self._counters: dict[str, list[int]] = {}
        self._started: set[str] = set()
        self._styles = _StyleNumbering(document)
        try:
            root = document.part.numbering_part.element  # type: ignore[attr-defined]
        except (KeyError, NotImplementedError):
            return
        for abstract in root.iterchildren(f"{_W}abstractNum"):
            levels = {}
            for lvl in abstract.iterchildren(f"{_W}lvl"):
                level = _int(lvl.get(f"{_W}ilvl"), -1)
                if 0 <= level < 9:
                    levels[level] = (
                        _val(lvl, "numFmt") or "decimal",
                        _val(lvl, "lvlText") or "",
                        _int(_val(lvl, "start"), 1),
                        _val(lvl, "suff") or "tab",
                    )
            self._levels[abstract.get(f"{_W}abstractNumId")] = levels
        for num in root.iterchildren(f"{_W}num"):
            num_id = num.get(f"{_W}numId")
            self._abstract_of[num_id] = _val(num, "abstractNumId") or ""
            self._overrides[num_id] = {
                level: _int(start, 1)
                for o in num.iterchildren(f"{_W}lvlOverride")
                if (start := _val(o, "startOverride")) is not None and 0 <= (level := _int(o.get(f"{_W}ilvl"), -1)) < 9
            }

    def label(self, p: object) -> str:
        """The number Word prints before paragraph `p` (a w:p), with its separator; empty when it has none."""
        found = self._num_pr(p)
        if found is None:
            return ""
        num_id, level = found
        abstract = self._abstract_of.get(num_id)
        levels = self._levels.get(abstract or "", {})
        if level not in levels:
            return ""
        counters = self._counters.setdefault(abstract, [levels.get(i, ("", "", 1, ""))[2] - 1 for i in range(9)])
        if num_id not in self._started:
            self._started.add(num_id)
            for lvl, start in self._overrides.get(num_id, {}).items():
                counters[lvl] = start - 1
        counters[level] += 1
        for deeper in range(level + 1, 9):
            counters[deeper] = levels.get(deeper, ("", "", 1, ""))[2] - 1
        fmt, text, _, suffix = levels[level]
        if fmt == "bullet":
            return ""  # a bullet glyph from a symbol font is no number
        label = re.sub(
            r"%([1-9])",
            lambda m: _format_number(counters[int(m[1]) - 1], levels.get(int(m[1]) - 1, (fmt,))[0]),
            text,
        )
        return label + ("" if suffix == "nothing" or not label else " ")

    def _num_pr(self, p: object) -> tuple[str, int] | None:
        """(numId, level) from the paragraph's own properties, else from its style and the styles it is based on."""
        p_pr = _child(p, _W_PPR)
        num_pr = _child(p_pr, _W_NUMPR) if p_pr is not None else None
        if num_pr is not None and (num_id := _val(num_pr, "numId")) is not None:
            return None if _int(num_id, 0) == 0 else (num_id, _int(_val(num_pr, "ilvl"), 0))
        style = _child(p_pr, _W_PSTYLE) if p_pr is not None else None
        return self._styles.num_pr(style.get(_W_VAL) if style is not None else None)


class _StyleNumbering:
    """The list numbering paragraph styles give, resolved through `w:basedOn` once per style (cycles cut)."""

    def __init__(self, document: object) -> None:
        self._first: dict[str, object] = {}  # styleId → its first w:style, of any type (as python-docx finds it)
        self._default: str | None = None  # the last paragraph style marked default (python-docx and the spec)
        self._resolved: dict[str | None, tuple[str, int] | None] = {}
        try:
            styles = document.styles.element  # type: ignore[attr-defined]
        except (KeyError, NotImplementedError):
            return
        for style in styles.iterchildren(f"{_W}style"):
            style_id = style.get(f"{_W}styleId")
            self._first.setdefault(style_id, style)
            if style.get(f"{_W}type") == "paragraph" and style.get(f"{_W}default") in ("1", "true", "on"):
                self._default = style_id

    def num_pr(self, style_id: str | None) -> tuple[str, int] | None:
        if style_id not in self._resolved:
            self._resolved[style_id] = self._resolve(style_id)
        return self._resolved[style_id]

    def _resolve(self, style_id: str | None) -> tuple[str, int] | None:
        style = self._first.get(style_id) if style_id is not None else None
        if style is None or style.get(f"{_W}type", "paragraph") != "paragraph":  # type: ignore[attr-defined]
            style = self._first.get(self._default) if self._default is not None else None
        visited: set[int] = set()
        while style is not None and id(style) not in visited:
            visited.add(id(style))
            num_pr = style.find(f"{_W}pPr/{_W}numPr")  # type: ignore[attr-defined]
            if num_pr is not None:
                num_id = _val(num_pr, "numId")
                return None if num_id in (None, "0") else (num_id, _int(_val(num_pr, "ilvl"), 0))
            based_on = _val(style, "basedOn")
            style = self._first.get(based_on) if based_on is not None else None
        return None


def _child(element: object, tag: str) -> object | None:
    """The first child `tag` (a Clark name) of `element`: faster than find(), which parses its path every call."""
    return next(element.iterchildren(tag), None)  # type: ignore[attr-defined]


def _val(element: object, tag: str) -> str | None:
    """The w:val of `element`'s child w:`tag`, or None."""
    child = _child(element, _W + tag)
    return child.get(_W_VAL) if child is not None else None


def _int(value: str | None, default: int) -> int:
    """A decimal attribute as Word writes it; `default` when absent, malformed or absurdly long."""
    if value is None or len(value) > 9:
        return default
    try:
        return int(value)
    except ValueError:
        return default


_CN_DIGITS = "零一二三四五六七八九"


def _format_number(n: int, fmt: str) -> str:
    """One list number in a WordprocessingML number format (ST_NumberFormat); unknown formats print decimal."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "taiwaneseCounting", "taiwaneseCountingThousand"):
        return _chinese_number(n)
    if fmt == "ideographDigital":
        return "".join("〇" if d == "0" else _CN_DIGITS[int(d)] for d in str(n))
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalFullWidth":
        return "".join(chr(0xFF10 + int(d)) for d in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("upperLetter", "lowerLetter") and 1 <= n <= 26 * 10:  # AA…, up to ten letters; beyond, digits
        letter = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman") and 1 <= n < 4000:
        roman = _roman(n)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt == "ideographTraditional" and 1 <= n <= 10:
        return "甲乙丙丁戊己庚辛壬癸"[n - 1]
    if fmt == "none":
        return ""
    return str(n)


def _chinese_number(n: int) -> str:
    """Chinese numerals as lists print them: 一 … 十, 十一, 二十, 一百零五 (n < 10000), by cn2an."""
    if n <= 0 or n >= 10000:
        return str(n)
    import cn2an  # loaded on first use, as in analysis.extract.numerals

    return cn2an.an2cn(n, "low")


def _roman(n: int) -> str:
    out = ""
    for value, numeral in (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ):  # fmt: skip
        count, n = divmod(n, value)
        out += numeral * count
    return out


# --- PDF ----------------------------------------------------------------------------------------------------

# A page number standing alone on the first or last line of a page: "— 3 —", "- 3 -", "3", "第3页 共9页", "3/9".
_PAGE_NUMBER = re.compile(r"[-—–－\s]*\d{1,4}[-—–－\s]*|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+")


def pdf_text(raw: bytes, limits: Limits | None = None) -> Extracted:
    """The text layer of a PDF, page after page, keeping its lines; page-number lines at page edges dropped.

    A PDF without any text (a scan) is refused: its words are pictures and must be recognised (OCR) first. So is one
    of more than `limits.pdf_pages` pages, before any page is read: notices run to a few dozen pages.
    """
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    limits = limits or Limits.from_env()
    notes: list[str] = []
    with _warnings.catch_warnings(record=True) as caught, _pypdf_log(notes):
        _warnings.simplefilter("always")
        try:
            reader = PdfReader(io.BytesIO(raw))
            if reader.is_encrypted and not reader.decrypt(""):
                raise FormatError("password-protected PDF — save an unprotected copy first")
            if len(reader.pages) > limits.pdf_pages:
                raise FormatError(
                    f"{len(reader.pages)} pages, more than the {limits.pdf_pages} a notice may have — split the file, "
                    f"or {limits.override('pdf_pages')}"
                )
            pages = list(reader.pages)
        except FormatError:
            raise
        except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
            raise FormatError(
                f"not a readable PDF ({type(exc).__name__}: {_one_line(exc)}) — is the file complete?"
            ) from None
        texts: list[str] = []
        empty: list[int] = []
        for number, page in enumerate(pages, start=1):
            try:
                text = page.extract_text()
            except (PyPdfError, ValueError, KeyError, TypeError) as exc:
                notes.append(f"page {number}: text not extracted ({type(exc).__name__}: {_one_line(exc)})")
                text = ""
            lines = _without_page_numbers([line.rstrip() for line in text.splitlines() if line.strip()])
            if not lines:
                empty.append(number)
            texts.append("\n".join(lines))
    notes += [f"PDF reader: {_one_line(w.message)}" for w in caught]
    if len(empty) == len(pages):
        raise FormatError(
            f"no text layer: a scanned PDF; OCR it first ({len(pages)} page(s), none with extractable text)"
        )
    if empty:
        notes.append(
            f"page(s) {', '.join(map(str, empty))} of {len(pages)} have no text layer (scanned?) — "
            "their content is missing from the text"
        )
    return Extracted("\n".join(t for t in texts if t), "pdf-text-layer", tuple(notes))


@contextmanager
def _pypdf_log(notes: list[str]) -> Iterator[None]:
    """Collect what pypdf logs about a damaged file into the notice's warnings instead of stderr."""

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            notes.append(f"PDF reader: {_one_line(record.getMessage())}")

    logger = logging.getLogger("pypdf")
    handler, propagate = Collect(logging.WARNING), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def _one_line(message: object) -> str:
    """A library's message as one warning: the documents table joins warnings with "; "."""
    return " ".join(str(message).split()).replace("; ", ", ")


def _without_page_numbers(lines: list[str]) -> list[str]:
    if lines and _PAGE_NUMBER.fullmatch(lines[-1].strip()):
        lines = lines[:-1]
    if lines and _PAGE_NUMBER.fullmatch(lines[0].strip()):
        lines = lines[1:]
    return lines
