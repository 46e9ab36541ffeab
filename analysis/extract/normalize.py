"""Normalise a notice's text for reading while remembering where every character came from.

Real notices arrive with page chrome, markdown residue, full-width ASCII, and line breaks inside words (PDF and web
conversion). The extractor reads the normalised text; every span it reports is mapped back through `origin` to the
decoded source text, so a researcher can check each value against the document as received.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

from analysis.extract.markers import starts_with_marker
from analysis.extract.vocab import find_status

# Full-width ASCII (U+FF01–FF5E) and the ideographic space become their half-width forms, one character for one,
# so patterns need to know only one form. Chinese punctuation proper (、。“”《》) is kept: it carries meaning.
_HALF_WIDTH = {chr(cp): chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)} | {"\u3000": " "}
_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")
# Invisible characters and the \r of \r\n are dropped.
_DROPPED = re.compile("[\r\u200b\u200c\u200d\u2060\ufeff\u00ad]")

# Sentence-final or clause-final characters: a line ending in one of these ends where it should.
_LINE_END_OK = set("。;:!?)」』》”’…") | {"】"}
_BREAK_INSIDE = set(",、")  # a line ending in these certainly continues on the next line
_SENTENCE_END = set("。;:!?…")  # the line ends where it should, even at the page's edge
# A title ends its line without punctuation; so does a labelled line of page chrome (日期:…, 信息来源:…).
_TITLE_ENDINGS = ("通报", "报告", "公告", "通知", "意见", "情况", "方案", "公开稿", "公开稿)", "公开", "公示")
# Cells of a page's metadata table laid out with spaces: 索 引 号 …, 文  号 ….
_LAID_OUT = re.compile(r"[\u4e00-\u9fff](?: [\u4e00-\u9fff]){2}|[\u4e00-\u9fff]  +[\u4e00-\u9fff]")
_LABELLED = re.compile(r"^[\u4e00-\u9fff]{1,6}:")
# A page's metadata anywhere on its line (2021-02-23 12:42:06来源:…): the line is chrome, not a broken sentence.
_CHROME_LABEL = re.compile(r"(?:来源|发布时间|发布日期|信息来源|作者|浏览次数|访问量|点击数)\s*:")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_TAIL = re.compile(r"[^。;:!?\n]{1,8}[。;]")


@dataclass(frozen=True)
class Normalized:
    """Normalised text plus, for each of its characters, the index of the source character it came from."""

    text: str
    origin: tuple[int, ...]
    source_length: int

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of the normalised text to the matching span of the source text."""
        if end <= start:
            pos = self.origin[start] if start < len(self.origin) else self.source_length
            return pos, pos
        return self.origin[start], self.origin[end - 1] + 1


def _rewrite(
    text: str, origin: list[int], pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str]
) -> tuple[str, list[int]]:
    """Apply a substitution; replacement characters inherit the origin of the match's first character."""
    if pattern.search(text) is None:
        return text, origin  # most patterns match nothing in most notices: no copy
    out: list[str] = []
    out_origin: list[int] = []
    last = 0
    for m in pattern.finditer(text):
        start, end = m.span()
        new = repl(m)
        if end - start <= 1 and new == text[start:end]:
            continue  # a character (or nothing) kept as it was: it keeps its own origin, no need to cut here
        out.append(text[last:start])
        out_origin.extend(origin[last:start])
        if new:  # most rewrites delete (a joined line break, markdown): nothing to anchor
            out.append(new)
            anchor = origin[start] if start < len(origin) else (origin[-1] if origin else 0)
            out_origin.extend([anchor] * len(new))
        last = end
    if not out:
        return text, origin
    out.append(text[last:])
    out_origin.extend(origin[last:])
    return "".join(out), out_origin


# Written so that `re` can skip ahead to where a match may start: `[ \t][ \t]*` scans a text several times faster
# than `[ \t]+`, which `re` tries at every position; the two line-start forms share one test of the line start.
# A heading a web page replaced by a markup line that names it (【类型:…-Title-… | 标号:no | 标题:巡视反馈重点问题整改
# 落实情况】): the title is kept, the markup around it dropped.
_MARKUP_HEADING = re.compile(r"^【[^】\n|]*\|[^】\n]*?标题:(?=[^】\n]+】$)|(?<=[^】\n])】$", re.MULTILINE)
_MARKDOWN = re.compile(r"\*\*|__|^[ \t]*(?:#{1,6}[ \t]*|>[ \t]?)", re.MULTILINE)
_TRAILING_SPACE = re.compile(r"[ \t][ \t]*$", re.MULTILINE)
_LEADING_SPACE = re.compile(r"^[ \t]+", re.MULTILINE)
# Pinyin that a repost inserted after characters (根據(jù), 黨組(zǔ)): bracketed Latin letters with a tone mark.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
# The bracket comes first and the ideograph before it is looked behind from there: `re` then scans for a bracket
# instead of trying the pattern at every position.
_PINYIN = re.compile(rf"\((?<=[\u4e00-\u9fff]\()(?=[a-zü{_TONED}]{{0,5}}[{_TONED}])[a-zü{_TONED}]{{1,6}}\)")


def normalize(source: str) -> Normalized:
    """Return the reading form of `source`: half-width ASCII, no markdown, words rejoined across line breaks."""
    text, origin = _half_width(source)
    # A page that lost its line breaks may have kept spaces at some of them only: the markers glued to the text
    # before them still need their breaks.
    one_line = _one_line(text)
    text = _split_run_on_lines(text)
    if one_line:
        text, origin = _rewrite(text, origin, _GLUED_MARKER, lambda m: "\n")
    text, origin = _rewrite(text, origin, _MARKDOWN, lambda m: "")
    if "标题:" in text:
        text, origin = _drop_markup_headings(text, origin)
    text, origin = _rewrite(text, origin, _PINYIN, lambda m: "")
    text, origin = _rewrite(text, origin, _TRAILING_SPACE, lambda m: "")
    text, origin = _rewrite(text, origin, _LEADING_SPACE, lambda m: "")
    text, origin = _join_broken_lines(text, origin)
    return Normalized(text, tuple(origin), len(source))


def _drop_markup_headings(text: str, origin: list[int]) -> tuple[str, list[int]]:
    """Keep only the title of each markup heading line; a 】 ending another line is left alone."""
    keep: set[int] = set()
    for m in _MARKUP_HEADING.finditer(text):
        if m.group().startswith("【"):
            line_end = text.find("\n", m.end())
            keep.add(line_end if line_end >= 0 else len(text))
    return _rewrite(text, origin, _MARKUP_HEADING, lambda m: "" if m.group() != "】" or m.end() in keep else m.group())


def _half_width(source: str) -> tuple[str, list[int]]:
    """Make full-width characters half-width and drop invisible ones and carriage returns.

    Returns the text and, for each of its characters, the index of the source character it came from.
    """
    # A notice holds few distinct full-width characters: replacing each is much faster than `str.translate`, which
    # looks every character of the text up in its table.
    for ch in set(_FULL_WIDTH.findall(source)):
        source = source.replace(ch, _HALF_WIDTH[ch])
    pieces: list[str] = []
    origin: list[int] = []
    last = 0
    for m in _DROPPED.finditer(source):
        pieces.append(source[last : m.start()])
        origin.extend(range(last, m.start()))
        last = m.end()
    pieces.append(source[last:])
    origin.extend(range(last, len(source)))
    return "".join(pieces), origin


# A page that lost its line breaks keeps its sections apart with spaces (`…予以公布。 一、整改工作组织领导情况 中心党委
# …`). In a long line, a space before a numbered marker breaks the line where the text before it ends a sentence or
# is a numbered heading, and a space after a short numbered heading breaks it from its paragraph.
_RUN_ON_MIN = 300
_SPACES = re.compile(r" +")
_HEADING_STOPS = re.compile(r"[。;,:!?]")


def _split_run_on_lines(text: str) -> str:
    """Put back the line breaks of a notice printed as one long line; one character for one, so no origin changes."""
    from analysis.extract.markers import match_marker

    if " " not in text:
        return text
    chars: list[str] | None = None
    line_start = 0
    for line in text.split("\n"):
        if len(line) >= _RUN_ON_MIN and " " in line:
            seg_start = 0
            for m in _SPACES.finditer(line):
                seg = line[seg_start : m.start()]
                after = line[m.end() : m.end() + 24]
                if not seg or not after:
                    continue
                marker = match_marker(seg)
                heading = marker is not None and marker.kind != "arabic_bare"
                next_marker = match_marker(after)
                if next_marker is not None and next_marker.kind != "arabic_bare":
                    split = seg[-1] in "。;:!?" or (heading and "。" not in seg and len(seg) <= 80)
                else:
                    split = heading and len(seg) <= 40 and not _HEADING_STOPS.search(seg) and _CJK.match(after)
                split = split or _is_title(seg)
                if split:
                    if chars is None:
                        chars = list(text)
                    chars[line_start + m.start()] = "\n"
                    seg_start = m.end()
        line_start += len(line) + 1
    return text if chars is None else "".join(chars)


def _is_title(segment: str) -> bool:
    """Whether a segment of a run-on line is the notice's title (…关于…整改情况的通报), which its header follows."""
    return (
        "关于" in segment
        and segment.endswith(_TITLE_ENDINGS)
        and len(segment) <= 80
        and not _HEADING_STOPS.search(segment)
    )


# A notice on one line with no spaces either (…予以公布。一、整改工作组织情况…二、…(一)…): a line break goes before
# (一) wherever it stands, before 一、 after a sentence or a bracket, before 1. or (1) after a sentence, and before
# 1.关于“…” wherever it stands.
_GLUED_MARKER = re.compile(
    r"(?<=[^\n])(?=\([一二三四五六七八九十]{1,3}\))"
    r"|(?<=[。;:)])(?=[一二三四五六七八九十]{1,3}、|\d{1,2}\.(?!\d)|\(\d{1,2}\))"
    r"|(?<=[^\n\d.])(?=\d{1,2}\.(?:关于|针对)“)"
)


def _one_line(text: str) -> bool:
    """Whether nearly all of a long text stands on one line."""
    if len(text) < _RUN_ON_MIN:
        return False
    return max(len(line) for line in text.split("\n")) >= 0.8 * len(text)


_BREAK = re.compile(r"\n\n*")  # not \n+: `re` finds a literal first character fast, but tries \n+ everywhere


def _join_broken_lines(text: str, origin: list[int]) -> tuple[str, list[int]]:
    """Remove line breaks that fall inside a sentence (PDF or web conversion), keep paragraph breaks."""
    wrap_width = _wrap_width(text)

    def decide(m: re.Match[str]) -> str:
        before_start = text.rfind("\n", 0, m.start()) + 1
        before = text[before_start : m.start()]
        after_end = text.find("\n", m.end())
        after = text[m.end() : after_end if after_end >= 0 else len(text)]
        if not before or not after:
            return m.group()
        return m.group() if _keeps_break(before, after, wrap_width) else ""

    return _rewrite(text, origin, _BREAK, decide)


def _keeps_break(before: str, after: str, wrap_width: int | None) -> bool:
    """Whether the line break between the lines `before` and `after` (neither empty) is the author's."""
    if _stands_alone(before, after):
        return True
    last = before[-1]
    if last in _BREAK_INSIDE:
        return False
    if last in _SENTENCE_END or starts_with_marker(after):
        return True
    if wrap_width is not None and len(before) >= wrap_width - _WRAP_SLACK:
        return False  # a full line of a hard-wrapped text (a PDF): the page's edge broke it, not its author
    return _ends_without_stop(before, after)


def _stands_alone(before: str, after: str) -> bool:
    """Whether the break sets off a line that stands alone whatever its ending: a dateline, page chrome, a title."""
    if before.startswith("—") or before.endswith("会议上"):
        return True  # a dateline under the title (——2024年12月24日在…会议上) stands alone
    if ">" in before or (" " in before and _LAID_OUT.search(before)):
        return True  # a breadcrumb (首页 > 信息公开 > 工作进展) or a table (文  号 …) is page chrome
    return "关于" in after and after.endswith(_TITLE_ENDINGS)  # a title starts its own line


def _ends_without_stop(before: str, after: str) -> bool:
    """Whether a line that ends without a sentence's stop, short of the page's edge, still ends where its author
    ended it."""
    last = before[-1]
    if last in _LINE_END_OK:
        return True
    if before.endswith(_TITLE_ENDINGS) or _LABELLED.match(before) or _CHROME_LABEL.search(before):
        return True
    # A labelled line (日期:…) starts afresh, unless a long paragraph broke off mid-word before it (市大数据管 /
    # 理中心问题:…): a line of 20 characters or more, not a heading, ending in a character of a word continues.
    if _LABELLED.match(after) and (len(before) < 20 or not _CJK.match(last) or starts_with_marker(before)):
        return True
    # A numbered heading is one clause; it ends at its line even without punctuation, unless the next line is
    # only the heading's broken-off tail (`…等级保护测` + `评。`).
    if starts_with_marker(before) and "。" not in before:
        tail = len(before) >= 20 and _TAIL.fullmatch(after) and not find_status(after, anchored=True)
        return not tail
    return len(before) < 20


# How many characters shorter than the widest lines a line may be and still fill its line: a paragraph's first line
# loses its indent (two ideographic spaces), and a line with half-width digits holds a few characters more.
_WRAP_SLACK = 4
# A hard-wrapped text has most of its lines full; a text of paragraphs has few lines near its longest.
_WRAPPED_SHARE = 0.3
_WRAP_MIN_LINES = 10


def _wrap_width(text: str) -> int | None:
    """The length at which a hard-wrapped text (a PDF's text layer) breaks its lines, or None when its lines are
    paragraphs: in a hard-wrapped text many lines are about as long as the longest, since only paragraphs' last lines
    end short. Characters, not display width: full-width punctuation is half-width by now, though it was not on
    the page."""
    lengths = sorted(len(line) for line in text.split("\n") if line)
    if len(lengths) < _WRAP_MIN_LINES:
        return None
    widest = lengths[int(len(lengths) * 0.9)]
    full = len(lengths) - bisect.bisect_left(lengths, widest - _WRAP_SLACK)
    return widest if full >= _WRAPPED_SHARE * len(lengths) else None
