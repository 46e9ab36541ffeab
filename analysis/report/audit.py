"""Audit pages: one static HTML page per notice showing its text with every extracted span highlighted.

A wrong extraction a researcher cannot see is worse than none; the page puts each value next to the words it was read
from, and lists the notice's consistency findings and warnings.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from itertools import pairwise
from typing import NamedTuple

import pandas as pd

_STYLE = """
body { font-family: "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif;
       margin: 0; display: flex; color: #1a1a1a; }
#side { width: 30em; padding: 1em 1.5em; border-right: 1px solid #ccc; height: 100vh; overflow: auto;
        position: sticky; top: 0; box-sizing: border-box; font-size: 14px; }
#text { padding: 1em 2em; white-space: pre-wrap; line-height: 1.9; max-width: 60em; font-size: 15px; }
table { border-collapse: collapse; } td, th { padding: 2px 6px; text-align: left; vertical-align: top; }
.problem { background: #eef4fb; }
.measure { border-bottom: 1px dashed #009e73; } .result { border-bottom: 1px dotted #cc79a7; }
.status { background: #f0e442; } .amount { background: #e69f00; color: #000; }
.fact { outline: 1px solid #d55e00; background: #fbe3d5; }
.legend span { padding: 0 4px; margin-right: 4px; }
li.finding { color: #a33; } li.warning { color: #8a5a00; }
"""

_LEGEND = [
    ("problem", "problem 问题"),
    ("measure", "measure 措施"),
    ("result", "result 成效"),
    ("status", "status 状态"),
    ("amount", "amount 金额"),
    ("fact", "header fact 基本信息"),
]

# Counted in the browser so a test can see what the page shows, not just what the file contains.
_SCRIPT = """
document.addEventListener("DOMContentLoaded", () => {
  const idents = (c) => [...document.querySelectorAll("#text ." + c)].flatMap(e => e.dataset[c].split(" "));
  const count = (c) => new Set(idents(c)).size;
  const shown = ["problem", "measure", "amount", "status", "fact"].map(c => c + "=" + count(c)).join(" ");
  document.getElementById("shown").textContent = shown;
});
"""


# The columns `render_page` reads from each table's rows (doc_id groups them): the engine makes records of these only.
PAGE_COLUMNS = {
    "documents": (
        "doc_id", "source_file", "findings", "warnings",
        "problems_extracted", "measures_extracted", "results_extracted", "amounts_extracted",
    ),
    "problems": (
        "doc_id", "problem_seq", "label", "status", "n_measures",
        "span_start", "span_end", "status_span_start", "status_span_end",
    ),
    "measures": ("doc_id", "problem_seq", "part", "measure_seq", "span_start", "span_end"),
    "amounts": ("doc_id", "amount_seq", "yuan", "kind", "part", "approx", "span_start", "span_end"),
    "evidence": ("doc_id", "field", "value", "span_start", "span_end"),
}  # fmt: skip


class _Mark(NamedTuple):  # a tuple: a page makes hundreds, and a frozen dataclass is several times slower to build
    start: int
    end: int
    css: str
    ident: str
    tip: str


def render_audit(doc_id: str, text: str, tables: dict[str, pd.DataFrame]) -> str:
    """The audit page of one notice; `text` is the text its spans index, `tables` the tables holding its rows."""
    return render_page(doc_id, text, {name: _rows(frame, doc_id) for name, frame in tables.items()})


def render_page(doc_id: str, text: str, rows: Mapping[str, list[dict]]) -> str:
    """The audit page of one notice from its own rows of each table (as records), without pandas: the engine renders
    thousands of pages this way from each chunk's records."""
    (doc,) = rows["documents"]
    body = _highlight(text, _marks(rows))
    findings = [f for f in str(doc["findings"] or "").split("; ") if f]
    warnings = [w for w in str(doc["warnings"] or "").split("; ") if w]
    facts = "".join(
        f"<tr><th>{html.escape(str(f['field']))}</th><td>{html.escape(str(f['value']))}</td></tr>"
        for f in rows["evidence"]
    )
    legend = "".join(f'<span class="{c}">{html.escape(label)}</span>' for c, label in _LEGEND)
    counts = (
        f"{doc['problems_extracted']} problems, {doc['measures_extracted']} measures, "
        f"{doc['results_extracted']} results, {doc['amounts_extracted']} amounts"
    )
    items = "".join(f'<li class="finding">{html.escape(f)}</li>' for f in findings) + "".join(
        f'<li class="warning">{html.escape(w)}</li>' for w in warnings
    )
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(doc_id)} — audit</title>
<style>{_STYLE}</style><script>{_SCRIPT}</script></head>
<body><div id="side">
<h2>{html.escape(str(doc["source_file"]))}</h2>
<p id="counts">{html.escape(counts)}</p>
<p>highlighted: <span id="shown"></span></p>
<p class="legend">{legend}</p>
<h3>Findings and warnings</h3><ul id="findings">{items or "<li>none</li>"}</ul>
<h3>Header facts</h3><table id="facts">{facts}</table>
</div>
<div id="text">{body}</div></body></html>
"""


def _marks(rows: Mapping[str, list[dict]]) -> list[_Mark]:
    marks: list[_Mark] = []
    for p in rows["problems"]:
        tip = f"problem {p['problem_seq']} {p['label']} · {p['status']} · {p['n_measures']} measures"
        marks.append(_Mark(p["span_start"], p["span_end"], "problem", str(p["problem_seq"]), tip))
        if pd.notna(p["status_span_start"]):
            status = p["status"] if isinstance(p["status"], str) else "unmapped"
            span = int(p["status_span_start"]), int(p["status_span_end"])
            marks.append(_Mark(*span, "status", str(p["problem_seq"]), status))
    for m in rows["measures"]:
        ident = f"{m['problem_seq']}.{m['part']}.{m['measure_seq']}"
        tip = f"problem {m['problem_seq']} {m['part']} {m['measure_seq']}"
        marks.append(_Mark(m["span_start"], m["span_end"], m["part"], ident, tip))
    for a in rows["amounts"]:
        tip = f"{a['yuan']} 元 · {a['kind']} · {a['part']}" + (" · approx" if a["approx"] else "")
        marks.append(_Mark(a["span_start"], a["span_end"], "amount", str(a["amount_seq"]), tip))
    for e in rows["evidence"]:
        marks.append(_Mark(e["span_start"], e["span_end"], "fact", e["field"], f"{e['field']} = {e['value']}"))
    return [m for m in marks if m.end > m.start]


def _rows(frame: pd.DataFrame, doc_id: str) -> list[dict]:
    # records, not itertuples: itertuples builds a namedtuple class on every call, most of a page's cost
    return frame[frame["doc_id"] == doc_id].to_dict("records")


def _highlight(text: str, marks: list[_Mark]) -> str:
    """Cut the text at every span boundary; each piece carries the classes of all spans covering it."""
    # Every cut is a start or an end: a sweep over the cuts opens the marks starting there and closes those ending
    # there, linear in text and marks (times the marks that overlap one place).
    starting: dict[int, list[int]] = {}
    ending: dict[int, list[int]] = {}
    for i, m in enumerate(marks):
        starting.setdefault(m.start, []).append(i)
        ending.setdefault(m.end, []).append(i)
    cuts = sorted({0, len(text), *starting, *ending})
    # Escaped once per mark and per text, not once per piece: escaping is character by character, so the escaped
    # join of tips is the join of escaped tips, and a text (or idents) with nothing to escape is its own escape.
    tips = [html.escape(m.tip) for m in marks]
    escape = html.escape if _needs_escape(text) else str
    escape_idents = html.escape if _needs_escape("".join(m.ident for m in marks)) else str
    covering: set[int] = set()
    # The opening tag of each set of covering marks, built once: between two measures a problem's text is covered by
    # the problem's mark alone again, and so on.
    tags: dict[tuple[int, ...], str] = {}
    out = []
    for a, b in pairwise(cuts):
        if a in ending:
            covering.difference_update(ending[a])
        if a in starting:
            covering.update(starting[a])
        piece = escape(text[a:b])
        if not covering:
            out.append(piece)
            continue
        key = tuple(sorted(covering))
        tag = tags.get(key)
        if tag is None:
            tag = tags[key] = _opening_tag(marks, key, tips, escape_idents)
        out.append(f"{tag}{piece}</span>")
    return "".join(out)


def _opening_tag(
    marks: list[_Mark], open_marks: tuple[int, ...], tips: list[str], escape_idents: Callable[[str], str]
) -> str:
    """The <span> tag of a piece covered by the marks `open_marks` (every cut is a start or an end: open means
    covering); `tips` are the marks' escaped tips."""
    covering = [marks[i] for i in open_marks]
    classes = " ".join(sorted({m.css for m in covering}))
    # spans of one kind may cover the same words (reviewer and review_type): the attribute lists every one
    idents: dict[str, list[str]] = {}
    for m in covering:
        idents.setdefault(m.css, []).append(m.ident)
    data = " ".join(f'data-{css}="{escape_idents(" ".join(sorted(set(ids))))}"' for css, ids in idents.items())
    tip = " | ".join(tips[i] for i in open_marks)
    return f'<span class="{classes}" {data} title="{tip}">'


def _needs_escape(text: str) -> bool:
    """Whether `html.escape` changes `text`."""
    return _ESCAPED.search(text) is not None


_ESCAPED = re.compile("[&<>\"']")  # what html.escape replaces
