"""Notices as saved web pages, Word .docx and text-layer PDFs: read by read_notice with no other step.

Every expected text below is built from the seed lines the fixture was made of, never from the reader's output.
The .docx and .pdf fixtures are generated here (python-docx; reportlab with its built-in CID font STSong-Light,
so no font file is needed, through benchmarks/wrapped_pdfs.py); the web page is tests/data/formats/zhongshan_page.html
(see make_zhongshan_page.py).
"""

from __future__ import annotations

import re
import time
import tracemalloc
import zipfile
from pathlib import Path

import docx
import opencc
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from analysis.extract import extract_notice
from analysis.paths import RAW, TEST_DATA
from analysis.read.formats import Limits
from analysis.read.sources import NOTICE_SUFFIXES, TEXT_SOURCES, NoticeError, RawNotice, read_notice
from benchmarks.wrapped_pdfs import reproduced, write_pdf

FORMATS = TEST_DATA / "formats"
PAGE = FORMATS / "zhongshan_page.html"


def seed_lines(name: str) -> list[str]:
    """The non-blank lines of a seed, stripped: what a paragraph-per-line extraction of it must give."""
    text = (RAW / f"{name}.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def read(path: Path) -> RawNotice:
    return read_notice(path, metadata={})


def rejection(path: Path) -> str:
    """The one-line message of a notice that must be rejected, checked to name the file."""
    with pytest.raises(NoticeError) as info:
        read(path)
    message = str(info.value)
    assert "\n" not in message and message.startswith(f"{path}: ")
    return message


def write_docx(path: Path, paragraphs: list[str]) -> Path:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(path)
    return path


def write_scan(path: Path, pages: int = 1) -> Path:
    """A PDF of images only, as a scanner makes: no text layer."""
    pdf = canvas.Canvas(str(path))
    for _ in range(pages):
        pdf.drawImage(ImageReader(Image.new("L", (120, 160), 255)), 50, 400)
        pdf.showPage()
    pdf.save()
    return path


# --- the one list of formats --------------------------------------------------------------------------------


def test_notice_suffixes_are_the_formats_read() -> None:
    assert NOTICE_SUFFIXES == (".txt", ".html", ".htm", ".docx", ".pdf")
    assert [TEXT_SOURCES[s] for s in NOTICE_SUFFIXES] == ["file", "html", "html", "docx", "pdf"]


def test_a_text_notice_is_its_file(tmp_path: Path) -> None:
    assert read_notice(RAW / "dongying.txt").text_source == "file"


def test_an_unsupported_format_is_listed_then_reported_on_its_own(tmp_path: Path) -> None:
    path = tmp_path / "notice.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    message = rejection(path)
    assert "unsupported notice format '.doc' (read: .txt, .html, .htm, .docx, .pdf)" in message


# --- saved web pages ----------------------------------------------------------------------------------------


def test_the_page_fixture_is_gb18030_with_a_meta_charset() -> None:
    raw = PAGE.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert b'charset=gb2312"' in raw[:400] and "长者助手".encode("gb18030") in raw


def test_a_saved_page_gives_title_and_body_one_paragraph_per_line() -> None:
    notice = read(PAGE)
    seed = (RAW / "zhongshan.txt").read_text(encoding="utf-8").splitlines()
    # the fixture's parts, as make_zhongshan_page.py took them from the seed
    title, body, closing = seed[2], [line.strip() for line in seed[5:22] if line.strip()], seed[621].strip()
    signature, date = seed_lines("zhongshan")[-2:]
    lines = notice.text.split("\n")
    assert (notice.text_source, notice.encoding) == ("html", "gb18030")  # gb2312 declared, read as its superset
    assert lines[0] == title
    assert lines[1].startswith("信息来源：本网发布日期：2025-09-12")
    assert lines[2:] == [*body, closing, signature, date]


@pytest.mark.parametrize(
    "chrome",
    ["登录", "繁体版", "长者助手", "访问量", "当前位置", "热门搜索", "政务公开", "分享到", "打印", "上一篇",
     "相关链接", "网站标识码", "ICP备", "门户网站"],
)  # fmt: skip
def test_a_saved_page_loses_its_navigation_and_footer(chrome: str) -> None:
    assert chrome not in read(PAGE).text


def test_the_issuer_and_dates_of_a_saved_page_are_extracted() -> None:
    document = extract_notice(read(PAGE)).document
    assert document["issuer"] == "中共中山市政务服务和数据管理局党组"
    assert str(document["published_date"]) == "2025-09-12"


def page(body: str, head: str = "") -> str:
    return f"<html><head>{head}<title>Site</title></head><body>{body}</body></html>"


def test_a_page_in_utf8_with_bom_and_no_charset(tmp_path: Path) -> None:
    path = tmp_path / "bom.htm"
    lines = seed_lines("suining")[:3]
    path.write_bytes(page("".join(f"<p>{line}</p>" for line in lines)).encode("utf-8-sig"))
    notice = read(path)
    assert (notice.encoding, notice.text_source, notice.text) == ("utf-8-sig", "html", "\n".join(lines))


def test_a_big5_page_in_traditional_characters_is_decoded_and_converted(tmp_path: Path) -> None:
    lines = seed_lines("dongying")[:3]
    traditional = [opencc.OpenCC("s2tw").convert(line) for line in lines]
    path = tmp_path / "big5.html"
    path.write_bytes(page("".join(f"<p>{t}</p>" for t in traditional), '<meta charset="big5">').encode("big5"))
    notice = read(path)
    assert (notice.encoding, notice.converted_from_traditional) == ("big5", True)
    assert notice.text == "\n".join(lines)


def test_a_wrong_meta_charset_gives_way_to_the_bytes(tmp_path: Path) -> None:
    lines = seed_lines("dongying")[:2]
    path = tmp_path / "mislabelled.html"
    head = '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
    path.write_bytes(page("".join(f"<p>{line}</p>" for line in lines), head).encode("gb18030"))
    notice = read(path)
    assert (notice.encoding, notice.text) == ("gb18030", "\n".join(lines))
    assert any("declares charset utf-8 but is not utf-8" in w for w in notice.warnings)


def test_an_xhtml_page_with_an_xml_declaration_in_gbk(tmp_path: Path) -> None:
    lines = seed_lines("suining")[-3:]
    path = tmp_path / "xhtml.html"
    xml = '<?xml version="1.0" encoding="gbk"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'
    body = "".join(f"<p>{line}</p>" for line in lines)
    path.write_bytes(f"{xml}<head><title>Site</title></head><body>{body}</body></html>".encode("gbk"))
    notice = read(path)
    assert (notice.encoding, notice.text) == ("gb18030", "\n".join(lines))


def test_a_table_layout_page_with_br_lines_keeps_its_lines(tmp_path: Path) -> None:
    seed = seed_lines("dongying")
    title, body = seed[0], [*seed[1:6], *seed[-2:]]
    menu = "".join(f'<a href="/{i}">栏目{i}</a><br>' for i in range(6))
    content = "<br>\n".join(f"&nbsp;&nbsp;{line}" for line in body)
    path = tmp_path / "table.html"
    path.write_text(
        page(
            f'<table><tr><td width="180">{menu}</td><td><table><tr><td class="bt">{title}</td></tr>'
            f'<tr><td class="content">{content}</td></tr></table></td></tr></table>'
            '<div class="bottom"><p>版权所有：中共东营市纪律检查委员会</p><p>访问量：88888</p></div>'
        ),
        encoding="utf-8",
    )
    assert read(path).text == "\n".join([title, *body])


def test_inline_markup_and_source_line_breaks_stay_inside_the_paragraph(tmp_path: Path) -> None:
    path = tmp_path / "inline.html"
    path.write_text(
        page(
            "<div><p>　　根据<strong>市委</strong>统一\n   部署，<span>2024年</span>9月至\n12月开展巡察。</p>"
            "二、下一步</div>"
        ),
        encoding="utf-8",
    )
    # a source line break between two ideographs is no space on screen; next to a digit it is one space
    assert read(path).text == "根据市委统一部署，2024年9月至 12月开展巡察。\n二、下一步"


def test_the_page_title_is_added_when_the_body_lacks_it(tmp_path: Path) -> None:
    seed = seed_lines("dongying")
    path = tmp_path / "untitled.html"
    body = "".join(f"<p>{line}</p>" for line in seed[1:4])
    path.write_text(f"<html><head><title>{seed[0]}_东营市纪委监委</title></head><body>{body}</body></html>", "utf-8")
    notice = read(path)
    assert notice.text == "\n".join(seed[:4])
    assert any(w.startswith("title taken from the page's <title>") for w in notice.warnings)


def test_a_page_of_links_only_has_no_text(tmp_path: Path) -> None:
    path = tmp_path / "links.html"
    path.write_text(page('<ul><li><a href="/a">首页</a></li><li><a href="/b">政务公开</a></li></ul>'), "utf-8")
    size = path.stat().st_size
    assert rejection(path).endswith(f"no text, none in the html file ({size} bytes) — nothing to extract")


# --- Word .docx ---------------------------------------------------------------------------------------------


def test_a_docx_reads_as_its_paragraphs(tmp_path: Path) -> None:
    lines = seed_lines("suining")
    notice = read(write_docx(tmp_path / "suining.docx", lines))
    assert (notice.text_source, notice.encoding, notice.text) == ("docx", "utf-8", "\n".join(lines))


def _numbered_docx(path: Path) -> Path:
    """Chinese outline numbering as Word makes it: 一、 at level 0, 1. at level 1, restarting under each 一、."""
    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCountingThousand"/>'
            '<w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
            '<w:lvlText w:val="%2."/><w:suff w:val="nothing"/></w:lvl></w:abstractNum>'
        ),
    )
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))

    def numbered(text: str, level: int) -> None:
        paragraph = document.add_paragraph(text)
        paragraph._p.get_or_add_pPr().append(
            parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>')
        )

    document.add_paragraph("中共XX县数据局党组关于巡察整改情况的通报")
    for aspect in range(12):
        numbered(f"方面{aspect + 1}", 0)
        if aspect in (0, 11):
            numbered("问题甲", 1)
            numbered("问题乙", 1)
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ("序号", "问题", "整改情况"), strict=True):
        cell.text = text
    table.cell(1, 0).text = "1"
    table.cell(1, 1).merge(table.cell(1, 2)).text = "已完成整改"
    document.add_paragraph("联系电话：1234\n电子邮箱：a@b.cn")
    document.add_paragraph("")
    document.save(path)
    return path


def test_docx_automatic_numbering_is_written_out_as_printed(tmp_path: Path) -> None:
    numerals = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
    expected = ["中共XX县数据局党组关于巡察整改情况的通报"]
    for aspect, numeral in enumerate(numerals, start=1):
        expected.append(f"{numeral}、方面{aspect}")
        if numeral in ("一", "十二"):
            expected += ["1.问题甲", "2.问题乙"]
    expected += ["序号", "问题", "整改情况", "1", "已完成整改", "联系电话：1234", "电子邮箱：a@b.cn"]
    assert read(_numbered_docx(tmp_path / "numbered.docx")).text == "\n".join(expected)


def test_a_docx_in_traditional_characters_is_converted(tmp_path: Path) -> None:
    lines = seed_lines("dongying")[:4]
    traditional = [opencc.OpenCC("s2t").convert(line) for line in lines]
    notice = read(write_docx(tmp_path / "traditional.docx", traditional))
    assert notice.converted_from_traditional and notice.text == "\n".join(lines)


def test_extracted_text_unlike_chinese_is_flagged(tmp_path: Path) -> None:
    # what a PDF or Word font without a Unicode map gives: private-use code points instead of ideographs
    notice = read(write_docx(tmp_path / "glyphs.docx", ["整改情况" + "\ue001\ue002\ue003" * 10]))
    assert any(w.startswith("extracted text is 88% characters unusual in Chinese text") for w in notice.warnings)


@pytest.mark.parametrize(
    "content",
    [b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), b"PK\x03\x04 not really a zip"],
    ids=["binary-doc-renamed", "broken-zip"],
)
def test_a_file_that_is_not_a_docx_is_rejected(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "notice.docx"
    path.write_bytes(content)
    assert "not a Word .docx file" in rejection(path)


# --- PDF ----------------------------------------------------------------------------------------------------


def test_a_text_layer_pdf_keeps_its_lines_and_drops_page_numbers(tmp_path: Path) -> None:
    seed = seed_lines("dongying")
    pages = [[seed[0][:30], seed[0][30:], seed[1][:40]], [seed[1][40:80], seed[-2], seed[-1]]]
    notice = read(write_pdf(tmp_path / "notice.pdf", pages, footer="— {n} —"))
    assert (notice.text_source, notice.encoding) == ("pdf", "pdf-text-layer")
    assert notice.text == "\n".join(line for lines in pages for line in lines)


@pytest.mark.parametrize("footer", ["- {n} -", "{n}", "第{n}页 共2页", "{n}/2"])
def test_page_number_styles_are_dropped(tmp_path: Path, footer: str) -> None:
    pages = [["第一页的文字。"], ["第二页的文字。"]]
    assert read(write_pdf(tmp_path / "n.pdf", pages, footer=footer)).text == "第一页的文字。\n第二页的文字。"


def test_a_scanned_pdf_is_rejected_with_what_to_do(tmp_path: Path) -> None:
    message = rejection(write_scan(tmp_path / "scan.pdf", pages=2))
    assert message.endswith(": no text layer: a scanned PDF; OCR it first (2 page(s), none with extractable text)")


def test_a_pdf_of_more_pages_than_the_limit_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # issue 11: a 5,000-page PDF took over 300 s
    monkeypatch.setenv("ANALYSIS_MAX_PDF_PAGES", "3")
    message = rejection(write_pdf(tmp_path / "long.pdf", [["一页。"]] * 4))
    assert message.endswith(
        ": 4 pages, more than the 3 a notice may have — split the file, or raise ANALYSIS_MAX_PDF_PAGES"
    )
    assert read(write_pdf(tmp_path / "short.pdf", [["一页。"]] * 3)).text == "一页。\n一页。\n一页。"


def test_a_pdf_of_empty_pages_is_rejected(tmp_path: Path) -> None:
    assert "no text layer: a scanned PDF" in rejection(write_pdf(tmp_path / "blank.pdf", [[], []]))


def test_a_pdf_with_one_scanned_page_is_read_with_a_warning(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "mixed.pdf", [["有文字的一页。"], []])
    notice = read(path)
    assert notice.text == "有文字的一页。"
    assert any(w.startswith("page(s) 2 of 2 have no text layer") for w in notice.warnings)


@pytest.mark.parametrize("content", [b"%PDF-1.7\n", b"%PDF-1.4\n1 0 obj<<>>endobj\n"], ids=["header", "cut"])
def test_an_unreadable_pdf_is_rejected(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(content)
    assert "not a readable PDF" in rejection(path)


# --- the extractor reads every format the same ---------------------------------------------------------------


def _as_docx(lines: list[str], folder: Path) -> Path:
    return write_docx(folder / "dongying.docx", lines)


def _as_html(lines: list[str], folder: Path) -> Path:
    path = folder / "dongying.html"
    nav = '<div class="nav"><a href="/">首页</a> <a href="/x">政务公开</a></div>'
    body = "".join(f"<p>{line}</p>" for line in lines)
    path.write_bytes(page(f'{nav}<div class="content">{body}</div><div class="footer">访问量：1</div>',
                          '<meta charset="gbk">').encode("gb18030"))  # fmt: skip
    return path


def _as_pdf(lines: list[str], folder: Path) -> Path:
    # one text line per paragraph: page breaks fall between paragraphs (lines broken at the page's edge: below)
    return write_pdf(folder / "dongying.pdf", [lines[i : i + 40] for i in range(0, len(lines), 40)], "- {n} -")


@pytest.mark.parametrize("make", [_as_docx, _as_html, _as_pdf], ids=["docx", "html", "pdf"])
def test_a_seed_in_another_format_extracts_like_its_text(tmp_path: Path, make: object) -> None:
    lines = seed_lines("dongying")
    expected = extract_notice(read_notice(RAW / "dongying.txt", metadata={}))
    path = make(lines, tmp_path)  # type: ignore[operator]
    notice = read(path)
    assert notice.text == "\n".join(lines)
    got = extract_notice(notice)
    assert [p["title"] for p in got.problems] == [p["title"] for p in expected.problems]
    assert [m["text"] for m in got.measures] == [m["text"] for m in expected.measures]
    assert {k: got.document[k] for k in ("issuer", "reviewer", "review_start", "published_date")} == {
        k: expected.document[k] for k in ("issuer", "reviewer", "review_start", "published_date")
    }


@pytest.mark.parametrize("width", [30, 45])
def test_a_hard_wrapped_pdf_keeps_its_headings_whole(tmp_path: Path, width: int) -> None:
    # 中山's 61 problem headings run over several lines once printed: each line that fills the page's width joins
    # the next, also after a closing quote or a word such as 意见 that may end a title on a line of its own
    assert reproduced("zhongshan", width, tmp_path) == (61, 61)


# --- limits: what one notice may cost to read (analysis.read.formats.Limits) -----------------------------------------
# Big inputs are built here, small, against a limit lowered through its environment variable; one test of each
# kind runs at the default limit. Every refusal is one line naming the file, and fast.

_W_BODY = "<w:body>"


def write_docx_xml(path: Path, body: str = "", styles: str = "", members: dict[str, bytes] | None = None) -> Path:
    """A .docx from python-docx's template with `body` (WordprocessingML) at the start of the body, `styles`
    added to styles.xml, and extra zip `members` (name → bytes, stored deflated)."""
    template = tmp = path.with_suffix(".template.docx")
    docx.Document().save(tmp)
    with zipfile.ZipFile(template) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                data = data.replace(_W_BODY.encode(), (_W_BODY + body).encode(), 1)
            elif info.filename == "word/styles.xml" and styles:
                data = data.replace(b"</w:styles>", styles.encode() + b"</w:styles>", 1)
            out.writestr(info.filename, data)
        for name, data in (members or {}).items():
            out.writestr(name, data)
    template.unlink()
    return path


def paragraph(text: str, style: str = "") -> str:
    props = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f"<w:p>{props}<w:r><w:t>{text}</w:t></w:r></w:p>"


def timed_rejection(path: Path, seconds: float = 5.0) -> str:
    start = time.perf_counter()
    message = rejection(path)
    assert time.perf_counter() - start < seconds
    return message


def test_limits_default_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Limits.from_env() == Limits(50 << 20, 100 << 20, 16 << 20, 512, 100_000, 500_000)
    monkeypatch.setenv("ANALYSIS_MAX_DOCX_MB", "0.5")
    monkeypatch.setenv("ANALYSIS_MAX_HTML_DEPTH", "40")
    assert (Limits.from_env().docx_bytes, Limits.from_env().html_depth) == (1 << 19, 40)


def test_a_page_nested_1000_deep_fails_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "deep.html"
    path.write_text("<html><body>" + "<div>" * 1000 + "关于巡察整改情况的通报" * 5 + "</div>" * 1000, "utf-8")
    message = timed_rejection(path)
    assert "web page nested more than 512 elements deep" in message and "ANALYSIS_MAX_HTML_DEPTH" in message


def test_a_deep_page_within_a_raised_limit_is_read_without_recursion(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANALYSIS_MAX_HTML_DEPTH", "10000")
    path = tmp_path / "deep.html"
    body = "关于巡察整改情况的通报"
    path.write_text("<html><body>" + "<div><span>" * 2500 + body + "</span></div>" * 2500, "utf-8")
    assert read(path).text == body


def test_a_page_of_too_many_tags_fails_before_it_is_parsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "tags.html"
    path.write_text("<html><body>" + "<p><b>问题</b>整改</p>" * 30_000 + "</body></html>", "utf-8")
    message = timed_rejection(path, seconds=1.0)  # parsing it takes about 3 s
    assert "web page too large to read: up to 120,004 tags (limit 100,000)" in message
    monkeypatch.setenv("ANALYSIS_MAX_HTML_TAGS", "12")
    path.write_text("<html><body>" + "<p><b>问题</b>整改</p>" * 2 + "</body></html>", "utf-8")  # 12 tags
    assert read(path).text == "问题整改\n问题整改"
    path.write_text("<html><body>" + "<p><b>问题</b>整改</p>" * 3 + "</body></html>", "utf-8")
    assert "up to 16 tags (limit 12)" in rejection(path)


def test_a_zip_bomb_at_the_default_limit_is_refused_without_inflating(tmp_path: Path) -> None:
    path = write_docx_xml(tmp_path / "bomb.docx", paragraph("关于巡察整改情况的通报"))
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive, archive.open("word/media/image1.png", "w") as fh:
        zeros = bytes(1 << 20)
        for _ in range(101):  # 101 MB of zeros, about 100 KB deflated
            fh.write(zeros)
    assert path.stat().st_size < 1 << 20
    message = timed_rejection(path, seconds=2.0)
    assert re.search(r"\.docx inflates to 1\d\d,\d{3},\d{3} bytes \(limit 104,857,600\) — a zip bomb", message)
    assert "ANALYSIS_MAX_DOCX_MB" in message


def test_a_zip_bomb_lying_about_its_size_is_never_inflated_past_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANALYSIS_MAX_DOCX_MB", "1")
    bomb = bytes(20 << 20)
    path = write_docx_xml(tmp_path / "liar.docx", paragraph("通报"), members={"word/media/image1.png": bomb})
    # the central directory says the member is 1,000 bytes: patch its uncompressed size (offset 24 of the entry)
    raw = bytearray(path.read_bytes())
    entry = raw.rindex(b"PK\x01\x02" + raw[raw.rindex(b"PK\x01\x02") + 4 : raw.rindex(b"PK\x01\x02") + 6])
    assert raw[entry + 46 : entry + 46 + 21] == b"word/media/image1.png"
    raw[entry + 24 : entry + 28] = (1000).to_bytes(4, "little")
    path.write_bytes(bytes(raw))
    tracemalloc.start()
    try:
        message = timed_rejection(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "damaged .docx: a member cannot be inflated" in message
    assert peak < 8 << 20  # the member holds 20 MB


def test_xml_hidden_under_another_name_is_counted_while_inflating(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANALYSIS_MAX_DOCX_XML_MB", "1")
    xml = b"<w:p/>" * 300_000  # 1.8 MB, in a member whose name does not say XML
    path = write_docx_xml(tmp_path / "hidden.docx", paragraph("通报"), members={"word/media/a.bin": xml})
    message = timed_rejection(path)
    assert ".docx holds XML of more than 1,048,576 bytes (limit 1,048,576)" in message


def test_a_docx_of_huge_xml_is_refused_quickly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANALYSIS_MAX_DOCX_XML_MB", "1")
    path = write_docx_xml(tmp_path / "huge.docx", paragraph("问题整改情况") * 30_000)  # 2.3 MB of XML
    assert path.stat().st_size < 100_000
    message = timed_rejection(path, seconds=2.0)
    assert re.search(r"\.docx holds XML of \d,\d{3},\d{3} bytes \(limit 1,048,576\)", message)
    assert "ANALYSIS_MAX_DOCX_XML_MB" in message


def test_a_long_docx_reads_in_linear_time(tmp_path: Path) -> None:
    """Paragraph styles, runs and a table merged down 3,000 rows: python-docx's own lookups took minutes."""
    rows = "".join(
        "<w:tr><w:tc><w:tcPr><w:vMerge{}/></w:tcPr>{}</w:tc><w:tc>{}</w:tc></w:tr>".format(
            ' w:val="restart"' if i == 0 else "", paragraph("类别") if i == 0 else "<w:p/>", paragraph(f"问题{i}")
        )
        for i in range(3000)
    )
    table = f"<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid>{rows}</w:tbl>"
    body = "".join(paragraph(f"第{i}段", "Heading1" if i % 2 else "") for i in range(20_000)) + table
    path = write_docx_xml(tmp_path / "long.docx", body)
    start = time.perf_counter()
    lines = read(path).text.split("\n")
    assert time.perf_counter() - start < 5.0  # about 0.6 s; before, over a minute and a RecursionError
    assert lines[:2] == ["第0段", "第1段"] and len(lines) == 20_000 + 2 * 3000
    assert lines[20_000:20_004] == ["类别", "问题0", "类别", "问题1"]  # a merged cell read once per row, as before


def test_a_docx_with_a_style_cycle_and_a_row_offset_is_read(tmp_path: Path) -> None:
    styles = (
        '<w:style w:type="paragraph" w:styleId="A"><w:name w:val="A"/><w:basedOn w:val="B"/></w:style>'
        '<w:style w:type="paragraph" w:styleId="B"><w:name w:val="B"/><w:basedOn w:val="A"/></w:style>'
    )
    row = "<w:tr><w:trPr><w:gridBefore w:val='1'/><w:gridAfter w:val='1'/></w:trPr><w:tc>{}</w:tc></w:tr>"
    table = f"<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>{row.format(paragraph('格'))}</w:tbl>"
    path = write_docx_xml(tmp_path / "cycle.docx", paragraph("通报", "A") + table, styles=styles)
    assert read(path).text == "通报\n格"


def test_a_notice_over_a_limit_fails_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The deep page and the bomb fail with one line each; the seed beside them is extracted."""
    from analysis.engine.pipeline import extract_paths

    monkeypatch.setenv("ANALYSIS_MAX_DOCX_MB", "1")
    (tmp_path / "dongying.txt").write_bytes((RAW / "dongying.txt").read_bytes())
    (tmp_path / "deep.html").write_text("<html><body>" + "<div>" * 1000 + "通报" + "</div>" * 1000, "utf-8")
    bomb = write_docx_xml(tmp_path / "bomb.docx", paragraph("通报"), members={"word/media/a.png": bytes(3 << 20)})
    result = extract_paths([tmp_path], metadata={})
    bomb_failure, deep_failure = sorted(result.failures)
    bomb_message = rf"{re.escape(str(bomb))}: \.docx inflates to 3,\d{{3}},\d{{3}} bytes \(limit 1,048,576\) — a zip"
    assert re.match(bomb_message, bomb_failure)
    assert deep_failure.startswith(f"{tmp_path / 'deep.html'}: web page nested more than 512 elements deep")
    assert all("\n" not in f for f in result.failures)
    assert set(result.tables["problems"]["doc_id"]) == {"dongying"}
