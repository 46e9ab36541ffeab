"""Notebook tables and figures for reading and for a paper: one display for missing values, text left-aligned and
escaped, wide tables that scroll, long ones cut with a count, alt text on figures, exports to CSV and LaTeX in which
text from a notice never becomes markup or code; the city template's default notice; a small corpus through the
corpus notebook and the city template."""

from __future__ import annotations

import base64
import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from analysis.report import notebooks as nb

HOSTILE = [
    "<script>alert(1)</script>",
    r"\input{/etc/passwd}",
    "$x$",
    "A & B",
    "100%",
    "#_^~{}",
    '=HYPERLINK("http://x","y")',
    "@SUM(1)",
    "整改完成率100%，<b>加粗</b>",
]


def _frame() -> pd.DataFrame:
    n = len(HOSTILE)
    return pd.DataFrame(
        {
            "text": pd.array([*HOSTILE[:-1], None], dtype="str"),
            "count": pd.array([*range(n - 1), None], dtype="Int64"),
            "share": [0.25, np.nan] * (n // 2) + [0.5] * (n % 2),
            "date": pd.to_datetime(["2025-01-02", None] * (n // 2) + [None] * (n % 2)),
            "obj": [None, "文本", *HOSTILE[2:]],
        },
        index=pd.Index([f"k{i}" for i in range(n - 1)] + ["<i>"], name="key_1"),
    )


def test_missing_values_show_one_way_and_text_is_escaped():
    page = nb.table_html(_frame())
    assert "<script>" not in page and "&lt;script&gt;" in page and "<b>加粗" not in page
    assert not re.search(r"\b(NaN|NaT|nan|None)\b|&lt;NA&gt;|<NA>", page)
    assert page.count(nb.MISSING) == 1 + 1 + 4 + 5 + 1  # text, count, share, date, obj: every missing cell once
    assert page.startswith('<div style="overflow-x:auto')  # a wide table scrolls inside its box
    assert "2025-01-02" in page and "00:00:00" not in page


def test_text_columns_are_left_aligned_and_numbers_right():
    page = nb.table_html(_frame())
    left = re.search(r"([^{}]*)\{\s*text-align: left;\s*white-space: normal", page)
    assert left is not None
    cells = set(re.findall(r"row\d+_col(\d+)", left.group(1)))
    assert cells == {"0", "4"}  # text and obj, not count, share or date


def test_a_long_table_is_cut_with_a_count():
    frame = pd.DataFrame({"n": range(120)})
    page = nb.table_html(frame, max_rows=50)
    assert page.count("<tr>") <= 52 and "50 of 120 rows shown" in page
    assert "rows shown" not in nb.table_html(frame.head(50), max_rows=50)


def test_export_csv_keeps_text_and_defuses_formulas(tmp_path: Path):
    path = nb.export_table(_frame(), tmp_path / "table.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    texts = [row["text"] for row in rows]
    assert texts[:6] == HOSTILE[:6]  # verbatim: CSV is data, not markup
    assert texts[6] == "'" + HOSTILE[6] and texts[7] == "'" + HOSTILE[7]  # a spreadsheet would run them
    assert texts[8] == "" and rows[8]["count"] == "" and rows[1]["share"] == ""
    assert rows[8]["key_1"] == "<i>" and rows[0]["date"].startswith("2025-01-02")


def test_export_latex_escapes_every_special_character(tmp_path: Path):
    latex = nb.export_table(_frame(), tmp_path / "table.tex").read_text(encoding="utf-8")
    assert r"\input{" not in latex and r"\textbackslash input\{/etc/passwd\}" in latex
    assert r"\$x\$" in latex and r"A \& B" in latex and r"100\%" in latex
    assert r"\#\_\textasciicircum \textasciitilde \{\}" in latex
    assert r"key\_1" in latex  # the index's name too
    body = latex.split(r"\midrule")[1].split(r"\bottomrule")[0]
    for line in body.strip().splitlines():
        assert line.count("&") - line.count(r"\&") == 5  # one row, six cells: no value adds a column
        assert not re.search(r"(?<!\\)[$%#_^~]", line.replace(r"\textasciicircum", "").replace(r"\textasciitilde", ""))
    assert nb.MISSING in body and "nan" not in body.lower()


def test_export_refuses_an_unknown_suffix(tmp_path: Path):
    with pytest.raises(ValueError, match=r"\.csv or \.tex"):
        nb.export_table(_frame(), tmp_path / "table.xlsx")


def test_a_shown_figure_has_alt_text():
    fig = Figure(figsize=(2, 1))
    ax = fig.subplots()
    ax.plot([0, 1])
    ax.set_title('Status <by> "city"')
    fig.supxlabel("Source: 3 notices")
    shown = nb.show(fig)
    bundle = shown._repr_mimebundle_()
    assert base64.b64decode(bundle["image/png"]).startswith(b"\x89PNG")
    assert bundle["text/plain"] == 'Status <by> "city" — Source: 3 notices'
    assert 'alt="Status &lt;by&gt; &quot;city&quot; — Source: 3 notices"' in bundle["text/html"]
    assert nb.show(fig, alt="mine")._repr_mimebundle_()["text/plain"] == "mine"


def test_the_template_default_is_the_first_notice():
    documents = pd.DataFrame({"doc_id": ["zhongshan", "dongying", "n000001-zibo"]})
    assert nb.chosen_notice(documents) == "dongying"
    assert nb.chosen_notice(documents, "zhongshan") == "zhongshan"
    with pytest.raises(KeyError, match="no notice 'shenyang'"):
        nb.chosen_notice(documents, "shenyang")


def test_complaints_ignore_words_inside_embedded_images():
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    notebook = new_notebook()
    notebook.cells.append(new_code_cell("x"))
    png = "AAAAFutureWarningAAAA"
    notebook.cells[0].outputs = [
        new_output("display_data", data={"text/html": f'<img src="data:image/png;base64,{png}" alt="a">'})
    ]
    assert nb.complaints(notebook) == []
    notebook.cells[0].outputs[0]["data"]["text/html"] += "<p>FutureWarning: soon</p>"
    assert len(nb.complaints(notebook)) == 1


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from benchmarks.corpus_notebooks import build_corpus

    return build_corpus(40, tmp_path_factory.mktemp("corpus"))


def test_a_small_corpus_has_varied_levels_and_agencies(small_corpus: Path):
    documents = nb.load_tables(small_corpus)["documents"]
    assert len(documents) == 40
    assert documents["admin_level"].nunique() >= 2 and documents["agency_type"].nunique() >= 4


def test_corpus_notebook_and_city_template_run_on_a_small_corpus(small_corpus: Path):
    from benchmarks.corpus_notebooks import run_notebooks

    results = run_notebooks(small_corpus, ["09_corpus", "10_city_report"])
    assert set(results) == {"09_corpus", "10_city_report"}
    assert {name: r["complaints"] for name, r in results.items()} == {"09_corpus": [], "10_city_report": []}


def test_csv_round_trips_through_pandas(tmp_path: Path):
    frame = pd.DataFrame({"a": ["整改", "x,y", 'say "hi"', "line\nbreak"], "n": [1, 2, 3, 4]})
    path = nb.export_table(frame, tmp_path / "t.csv")
    back = pd.read_csv(io.StringIO(path.read_text(encoding="utf-8")))
    assert back["a"].tolist() == frame["a"].tolist() and back["n"].tolist() == [1, 2, 3, 4]
