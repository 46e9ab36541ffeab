"""Plain text out of the file forms a notice arrives in besides .txt: a saved web page, a Word .docx, a PDF.

Each reader takes the file's bytes and returns the text that every later span indexes, so what is kept, and
where the line breaks fall, is decided here once: one line per paragraph (HTML block, Word paragraph or table
cell, PDF text line), in reading order. Readers know nothing of file names; `analysis.sources` adds the name
to a `FormatError` and turns it into a `NoticeError`.
"""

from __future__ import annotations

import codecs
import io
import logging
import re
import warnings as _warnings
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

# Decodes the bytes of a text file by their content (BOM, UTF-8, GB18030, Big5); supplied by analysis.sources.
Decoder = Callable[[bytes], tuple[str, str]]


class FormatError(Exception):
    """Bytes that cannot be read as the format their suffix claims; str() says what is wrong and what to do."""


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


def html_text(raw: bytes, decode: Decoder) -> Extracted:
    """The notice in a saved web page: its title and body, one line per block, without the site's chrome.

    Encoding: a BOM decides; else a <meta> charset that decodes the bytes; else `decode` (by content).
    Main content: the page is cut into lines at block elements and <br>; each line scores its characters
    outside links minus three times those inside; the best-scoring run of consecutive lines is the notice
    (the title and date line above the body are in it, the link-heavy navigation and footer are not).
    """
    from bs4 import BeautifulSoup

    markup, encoding, notes = _decode_page(raw, decode)
    soup = BeautifulSoup(markup, "lxml")
    page_title = _page_title(soup)
    for tag in soup.find_all(_DROPPED_TAGS):
        tag.decompose()
    for tag in soup.find_all(_is_chrome):
        if not tag.decomposed:
            tag.decompose()

    lines: list[_Line] = [_Line()]
    _render(soup.body or soup, lines, in_link=False)
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


def _render(node: object, lines: list[_Line], in_link: bool) -> None:
    """Append the text under `node` to `lines`, starting a new line at every block element and <br>."""
    from bs4 import NavigableString, Tag

    for child in node.children:  # type: ignore[attr-defined]
        if isinstance(child, Tag):
            if child.name == "br":
                _new_line(lines)
                continue
            block = child.name in _BLOCK_TAGS
            if block:
                _new_line(lines)
            _render(child, lines, in_link or child.name == "a")
            if block:
                _new_line(lines)
        elif type(child) is NavigableString:  # comments, doctypes and CDATA are NavigableString subclasses
            text = _SPACES.sub(" ", _WIDE_BREAK.sub("", str(child)))
            line = lines[-1]
            line.text += text
            if in_link:
                line.link_chars += len(re.sub(r"\s", "", text))


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


def docx_text(raw: bytes) -> Extracted:
    """The paragraphs of a Word .docx in order, one per line, with automatic numbering written out as printed.

    Table cells follow row by row, one line per paragraph; merged cells are read once. Headers, footers,
    comments and text boxes are not part of the notice body and are left out.
    """
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(raw))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise FormatError(
            f"not a Word .docx file ({type(exc).__name__}) — an old binary .doc must be saved as .docx first"
        ) from None
    numbering = _Numbering(document)
    lines = [line for paragraph in _paragraphs(document) if (line := numbering.label(paragraph) + paragraph.text)]
    # WordprocessingML is XML in UTF-8 (the format allows UTF-16; Word never writes it).
    return Extracted("\n".join(line.strip() for line in lines), "utf-8")


def _paragraphs(container: object) -> Iterator[object]:
    """Every paragraph under a document or table cell, in reading order, descending into tables."""
    from docx.table import Table

    for block in container.iter_inner_content():  # type: ignore[attr-defined]
        if isinstance(block, Table):
            for row in block.rows:
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) not in seen:  # a merged cell is returned once per grid column it spans
                        seen.add(id(cell._tc))
                        yield from _paragraphs(cell)
        else:
            yield block


class _Numbering:
    """Word's automatic list numbers, computed the way Word prints them (one counter set per abstract list)."""

    def __init__(self, document: object) -> None:
        from docx.oxml.ns import qn

        self._qn = qn
        self._levels: dict[str, dict[int, tuple[str, str, int, str]]] = {}
        self._abstract_of: dict[str, str] = {}
        self._overrides: dict[str, dict[int, int]] = {}
        self._counters: dict[str, list[int]] = {}
        self._started: set[str] = set()
        try:
            root = document.part.numbering_part.element  # type: ignore[attr-defined]
        except (KeyError, NotImplementedError):
            return
        for abstract in root.findall(qn("w:abstractNum")):
            levels = {}
            for lvl in abstract.findall(qn("w:lvl")):
                levels[int(lvl.get(qn("w:ilvl")))] = (
                    self._val(lvl, "w:numFmt", "decimal"),
                    self._val(lvl, "w:lvlText", ""),
                    int(self._val(lvl, "w:start", "1")),
                    self._val(lvl, "w:suff", "tab"),
                )
            self._levels[abstract.get(qn("w:abstractNumId"))] = levels
        for num in root.findall(qn("w:num")):
            num_id = num.get(qn("w:numId"))
            self._abstract_of[num_id] = self._val(num, "w:abstractNumId", "")
            self._overrides[num_id] = {
                int(o.get(qn("w:ilvl"))): int(start)
                for o in num.findall(qn("w:lvlOverride"))
                if (start := self._val(o, "w:startOverride", None)) is not None
            }

    def _val(self, element: object, tag: str, default: str | None) -> str | None:
        child = element.find(self._qn(tag))  # type: ignore[attr-defined]
        return child.get(self._qn("w:val")) if child is not None else default

    def label(self, paragraph: object) -> str:
        """The number Word prints before this paragraph, with its separator; empty when it has none."""
        found = self._num_pr(paragraph)
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

    def _num_pr(self, paragraph: object) -> tuple[str, int] | None:
        """(numId, level) from the paragraph's own properties, else from its style and the styles it is based on."""
        p_pr = paragraph._p.pPr  # type: ignore[attr-defined]
        if p_pr is not None and p_pr.numPr is not None and p_pr.numPr.numId is not None:
            num_pr = p_pr.numPr
            level = num_pr.ilvl.val if num_pr.ilvl is not None else 0
            return None if num_pr.numId.val == 0 else (str(num_pr.numId.val), level)
        style = paragraph.style  # type: ignore[attr-defined]
        while style is not None:
            num_pr = style.element.find(f"{self._qn('w:pPr')}/{self._qn('w:numPr')}")
            if num_pr is not None:
                num_id = self._val(num_pr, "w:numId", None)
                return None if num_id in (None, "0") else (num_id, int(self._val(num_pr, "w:ilvl", "0")))
            style = style.base_style
        return None


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
    if fmt in ("upperLetter", "lowerLetter") and n >= 1:
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
    """Chinese numerals as lists print them: 一 … 十, 十一, 二十, 一百零五 (n < 10000)."""
    if n <= 0 or n >= 10000:
        return str(n)
    out = ""
    gap = False  # a zero digit since the last written one: 一百零五
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if not digit:
            gap = bool(out)
            continue
        if gap:
            out += "零"
        # 十一, not 一十一, at the head of the number
        out += ("" if digit == 1 and unit == "十" and not out else _CN_DIGITS[digit]) + unit
        gap = False
    return out


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


def pdf_text(raw: bytes) -> Extracted:
    """The text layer of a PDF, page after page, keeping its lines; page-number lines at page edges dropped.

    A PDF without any text (a scan) is refused: its words are pictures and must be recognised (OCR) first.
    """
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    notes: list[str] = []
    with _warnings.catch_warnings(record=True) as caught, _pypdf_log(notes):
        _warnings.simplefilter("always")
        try:
            reader = PdfReader(io.BytesIO(raw))
            if reader.is_encrypted and not reader.decrypt(""):
                raise FormatError("password-protected PDF — save an unprotected copy first")
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
