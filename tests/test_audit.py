"""The audit page, opened in headless Chromium: it shows every extracted span, and the spans show the right words."""

from __future__ import annotations

import os
import shutil
import subprocess
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path

import pytest

from analysis.engine.pipeline import extract_paths
from analysis.paths import RAW
from analysis.report.audit import render_audit

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
needs_browser = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("REQUIRE_BROWSER"),
    reason="no Chromium on this machine (CI installs Debian's chromium and sets REQUIRE_BROWSER=1)",
)


class _Spans(HTMLParser):
    """Collects, for each highlighted element, its classes, data attributes and text; and the #shown summary."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[dict] = []
        self.spans: list[dict] = []
        self.ids: dict[str, str] = {}
        self._id_stack: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self._id_stack.append(attributes.get("id"))
        if tag == "span" and attributes.get("class"):
            entry = {"classes": set((attributes["class"] or "").split()), "data": attributes, "text": ""}
            self.stack.append(entry)
            self.spans.append(entry)
        else:
            self.stack.append({})

    def handle_endtag(self, tag: str) -> None:
        self.stack.pop()
        self._id_stack.pop()

    def handle_data(self, data: str) -> None:
        for entry in self.stack:
            if entry:
                entry["text"] += data
        current = next((i for i in reversed(self._id_stack) if i), None)
        if current:
            self.ids[current] = self.ids.get(current, "") + data


def dump_dom(page: Path, tmp_path: Path) -> str:
    assert CHROMIUM, "REQUIRE_BROWSER is set but no Chromium was found"
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--dump-dom",
    ]
    done = subprocess.run([CHROMIUM, *flags, page.as_uri()], capture_output=True, text=True, timeout=120, check=True)
    return done.stdout


@pytest.fixture(scope="module")
def extraction():
    return extract_paths([RAW / "shenyang.txt", RAW / "xianning.txt"])


@needs_browser
@pytest.mark.parametrize("doc_id", ["shenyang", "xianning"])
def test_browser_shows_every_extracted_span(extraction, doc_id: str, tmp_path: Path) -> None:
    tables, text = extraction.tables, extraction.texts[doc_id]
    page = tmp_path / f"{doc_id}.html"
    page.write_text(render_audit(doc_id, text, tables), encoding="utf-8")
    parser = _Spans()
    parser.feed(dump_dom(page, tmp_path))

    def rows(name: str):
        return tables[name][tables[name].doc_id == doc_id]

    expected = {
        "problem": len(rows("problems")),
        "measure": int((rows("measures").part == "measure").sum()),
        "amount": len(rows("amounts")),
        "status": int(rows("problems").status_span_start.notna().sum()),
        "fact": rows("evidence").field.nunique(),
    }
    # The summary is computed by the page's script in the browser: it proves the page rendered and counted.
    shown = dict(item.split("=") for item in parser.ids["shown"].split())
    assert {k: int(v) for k, v in shown.items()} == expected

    amounts = rows("amounts").set_index("amount_seq")
    shown_amounts: dict[int, str] = {}
    for span in parser.spans:
        if "amount" in span["classes"] and "data-amount" in span["data"]:  # not the legend
            seq = int(span["data"]["data-amount"])
            shown_amounts[seq] = shown_amounts.get(seq, "") + span["text"]
    assert shown_amounts == {int(seq): raw for seq, raw in amounts["raw"].items()}
    # HTML parsing turns CR LF into LF; otherwise the page shows the source text unchanged.
    assert parser.ids["text"] == text.replace("\r\n", "\n").replace("\r", "\n")


@needs_browser
def test_findings_and_warnings_are_listed(extraction, tmp_path: Path) -> None:
    page = tmp_path / "xianning.html"
    page.write_text(render_audit("xianning", extraction.texts["xianning"], extraction.tables), encoding="utf-8")
    parser = _Spans()
    parser.feed(dump_dom(page, tmp_path))
    listed = parser.ids["findings"]
    document = extraction.tables["documents"].set_index("doc_id").loc["xianning"]
    for item in [*document["findings"].split("; "), *document["warnings"].split("; ")]:
        assert item in listed


HOSTILE = '<img src=x onerror="document.body.dataset.pwned=1"><script>document.body.dataset.pwned=1</script>'


def hostile_notice(tmp_path: Path) -> tuple[Path, str, dict[str, dict[str, str]]]:
    """A folder holding one notice with script in its text, its file name, and its metadata's issuer and city."""
    folder = tmp_path / "in"
    folder.mkdir()
    name = "evil`<img src=x onerror=alert(14)>`"
    text = (RAW / "shenyang.txt").read_text(encoding="utf-8").replace("。", "。" + HOSTILE, 3)
    (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder, name, {f"{name}.txt": {"issuer": HOSTILE, "city": "东营市" + HOSTILE}}


@needs_browser
def test_hostile_text_metadata_and_file_names_run_no_script(tmp_path: Path) -> None:
    # issue 11: every value that reaches a page is text, never markup; the browser says whether any script ran
    from analysis.engine.pipeline import extract_paths

    folder, _, metadata = hostile_notice(tmp_path)
    result = extract_paths([folder], metadata)
    (doc_id,) = result.texts
    page = tmp_path / "page.html"
    page.write_text(render_audit(doc_id, result.texts[doc_id], result.tables), encoding="utf-8")
    dom = dump_dom(page, tmp_path)
    assert "data-pwned" not in dom and '<img src="x"' not in dom
    assert "document.body.dataset.pwned=1" in dom  # the payload is shown, as text


def _naive_highlight(text: str, marks: list) -> list[tuple[str, list[str]]]:
    """Reference: the classes covering every piece, found by testing every mark at every cut."""
    cuts = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    return [(text[a:b], sorted({m.css for m in marks if m.start <= a and b <= m.end})) for a, b in pairwise(cuts)]


def test_highlighting_in_one_sweep_covers_each_piece_as_the_quadratic_reference_does() -> None:
    # issue 11: the audit page's highlighting tested every mark at every cut (a 5,000-page PDF took over 300 s)
    import random
    import re

    from analysis.report.audit import _highlight, _Mark

    rng = random.Random(11)
    for _ in range(300):
        text = "".join(rng.choice("问题ab") for _ in range(rng.randint(1, 40)))
        marks = []
        for i in range(rng.randint(0, 8)):
            a = rng.randint(0, len(text) - 1)
            marks.append(
                _Mark(a, rng.randint(a + 1, len(text)), rng.choice(["amount", "problem", "fact"]), str(i), "t")
            )
        pieces = re.findall(r'<span class="([^"]*)"[^>]*>([^<]*)</span>|([^<]+)', _highlight(text, marks))
        found = [(inner or outer, classes.split() if classes else []) for classes, inner, outer in pieces]
        expected = _naive_highlight(text, marks)
        assert [(piece, classes) for piece, classes in expected if piece] == found


@needs_browser
def test_a_whole_city_report_of_a_hostile_notice_runs_no_script(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # issue 11: the city report put the city (metadata.csv) and the doc_id (file name) into Markdown unescaped;
    # here the whole report is executed and rendered as a researcher gets it, then opened in the browser
    from analysis import paths
    from analysis.engine.pipeline import build_tables
    from analysis.report import notebooks as nb

    raw, name, metadata = hostile_notice(tmp_path)
    processed = tmp_path / "processed"
    assert build_tables(raw, processed, metadata, workers=1) == 0
    monkeypatch.setenv(nb.PROCESSED_ENV, str(processed))
    template = paths.NOTEBOOKS / nb.CITY_TEMPLATE
    page = nb.write_html(nb.execute_notebook(template, {"doc_id": name}), tmp_path / "report.html")
    dom = dump_dom(page, tmp_path)
    assert "data-pwned" not in dom and '<img src="x"' not in dom and "alert(14)" in dom
