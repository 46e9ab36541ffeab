"""How well notices survive being printed to PDF: each seed as a hard-wrapped text-layer PDF, extracted, and compared
with the extraction of its text file.

    python -m benchmarks.wrapped_pdfs            # line lengths 30, 38 and 45 characters

A PDF's text layer breaks every line at the page's edge, mid-sentence and mid-heading; normalisation must join
those lines again. A line of Chinese fills character by character, so each paragraph is cut every `width`
characters (the paragraph's indent kept, as on the page), pages of 45 lines with a page-number footer. A problem is
reproduced when one extracted from the PDF has the same title and number of measures as one from the text file.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from analysis.extract import extract_notice
from analysis.paths import RAW
from analysis.read.sources import load_metadata, read_notice

CJK_FONT = "STSong-Light"  # reportlab's built-in CID font: no font file needed
LINES_PER_PAGE = 45
SEEDS = ("shenyang", "dongying", "zhongshan", "xianning", "suining")


def write_pdf(path: Path, pages: list[list[str]], footer: str | None = None) -> Path:
    """A text-layer PDF: each page's lines top-down, and `footer` (with {n}: the page number) at the bottom."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    pdf = canvas.Canvas(str(path))
    for number, lines in enumerate(pages, start=1):
        pdf.setFont(CJK_FONT, 11)
        for row, line in enumerate(lines):
            pdf.drawString(50, 790 - 16 * row, line)
        if footer:
            pdf.drawString(280, 30, footer.format(n=number))
        pdf.showPage()
    pdf.save()
    return path


def hard_wrapped(text: str, width: int) -> list[str]:
    """The lines of `text` as a page of `width` characters per line shows them."""
    lines: list[str] = []
    for paragraph in text.splitlines():
        lines += [paragraph[i : i + width] for i in range(0, len(paragraph), width)] or [""]
    return lines


def reproduced(name: str, width: int, folder: Path) -> tuple[int, int]:
    """(problems of the text file reproduced from the PDF, problems of the text file)."""
    source = RAW / f"{name}.txt"
    lines = hard_wrapped(source.read_text(encoding="utf-8"), width)
    pages = [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)]
    pdf = write_pdf(folder / f"{name}-{width}.pdf", pages, footer="— {n} —")
    expected = extract_notice(read_notice(source, load_metadata())).problems
    found = {(p["title"], p["n_measures"]) for p in extract_notice(read_notice(pdf, {})).problems}
    return sum((p["title"], p["n_measures"]) in found for p in expected), len(expected)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--widths", type=int, nargs="+", default=[30, 38, 45], help="characters per line")
    args = parser.parse_args(argv)
    total_found = total = 0
    with tempfile.TemporaryDirectory() as tmp:
        for width in args.widths:
            for name in SEEDS:
                found, expected = reproduced(name, width, Path(tmp))
                total_found, total = total_found + found, total + expected
                print(f"width {width:3d}  {name:10s} {found:3d} of {expected:3d} problems reproduced")
    print(f"all: {total_found} of {total} ({total_found / total:.1%})")


if __name__ == "__main__":
    main()
