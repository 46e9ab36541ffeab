"""Figures: every one draws from tiny tables without a warning, saves to the same bytes twice, renders Chinese
with the bundled font, and speaks the language it is asked to."""

from __future__ import annotations

import io
import warnings
from decimal import Decimal
from pathlib import Path

import matplotlib as mpl
import pandas as pd
import pytest
from matplotlib import font_manager
from matplotlib.figure import Figure

from analysis.report import figures, style
from analysis.tables.codes import CATEGORIES_CSV, UNMAPPED
from analysis.tables.columns import AMOUNT_PARTS, KINDS, STATUSES

DOCUMENTS = pd.DataFrame(
    {
        "doc_id": ["shenyang", "xianning", "nowhere"],
        "city": ["沈阳市", "咸宁市", None],
        "review_start": pd.to_datetime(["2024-09-25", "2024-10-21", None]),
        "review_end": pd.to_datetime(["2024-12-25", "2024-12-12", None]),
        "feedback_date": pd.to_datetime(["2025-02-14", "2025-02-10", None]),
        "published_date": pd.to_datetime([None, "2025-09-24", None]),
        "problems_reported": pd.array([2, None, None], dtype="Int64"),
        "problems_extracted": pd.array([2, 3, 0], dtype="Int64"),
        "measures_reported": pd.array([4, 9, None], dtype="Int64"),
        "measures_extracted": pd.array([4, 8, 0], dtype="Int64"),
    }
)
PROBLEMS = pd.DataFrame(
    {
        "doc_id": ["shenyang", "shenyang", "xianning", "xianning", "xianning"],
        "problem_seq": [1, 2, 1, 2, 3],
        "status": ["unstated", "unstated", "complete", "deemed_complete", None],
        "n_measures": pd.array([3, 1, 2, 4, 2], dtype="Int64"),
        "category": ["budget_finance", "procurement_contracts", "budget_finance", "public_service", "other"],
    }
)
AMOUNTS = pd.DataFrame(
    {
        "doc_id": ["shenyang", "shenyang", "xianning", "xianning"],
        "kind": ["involved", "recovered", "involved", "threshold"],
        "part": ["problem", "result", "measure", "preamble"],
        "approx": pd.array([False, True, False, False], dtype="boolean"),
        "yuan": pd.Series([Decimal("127000"), Decimal("5490000"), Decimal(5000), Decimal(100000)], dtype=object),
    }
)
TABLES = {"documents": DOCUMENTS, "problems": PROBLEMS, "amounts": AMOUNTS}

FIGURES = {
    "categories": lambda: figures.categories_figure(PROBLEMS, DOCUMENTS),
    "measures": lambda: figures.measures_figure(PROBLEMS, DOCUMENTS),
    "amounts": lambda: figures.amounts_figure(AMOUNTS, DOCUMENTS),
    "amounts_empty": lambda: figures.amounts_figure(AMOUNTS.iloc[:0], DOCUMENTS),
    "status": lambda: figures.status_figure(PROBLEMS, DOCUMENTS),
    "timeline": lambda: figures.timeline_figure(DOCUMENTS),
    "stated_vs_itemised": lambda: figures.stated_vs_itemised_figure(DOCUMENTS),
    "similarity": lambda: figures.similarity_figure(PROBLEMS, DOCUMENTS),
}


def _draw(fig: Figure) -> None:
    """Render to PNG and SVG in memory, turning every warning (a missing glyph among them) into an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for fmt in ("png", "svg"):
            fig.savefig(io.BytesIO(), format=fmt)


def _texts(fig: Figure) -> str:
    parts = [t.get_text() for t in fig.findobj(mpl.text.Text)]
    return " ".join(parts)


@pytest.mark.parametrize("language", style.LANGUAGES)
@pytest.mark.parametrize("name", FIGURES)
def test_every_figure_draws_without_warnings(name, language):
    with style.language(language), warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = FIGURES[name]()
        _draw(fig)
    assert isinstance(fig, Figure)


def test_save_writes_the_same_bytes_every_time(tmp_path):
    with style.language("zh"):
        fig = figures.status_figure(PROBLEMS, DOCUMENTS)
        first = figures.save(fig, "status", tmp_path / "a")
        again = figures.save(fig, "status", tmp_path / "b")
        rebuilt = figures.save(figures.status_figure(PROBLEMS, DOCUMENTS), "status", tmp_path / "c")
    assert [p.name for p in first] == ["status.png", "status.svg"]
    for a, b, c in zip(first, again, rebuilt, strict=True):
        assert a.read_bytes() == b.read_bytes() == c.read_bytes()
    png, svg = (p.read_bytes() for p in first)
    assert png.startswith(b"\x89PNG") and b"Software" not in png
    assert b"<dc:date>" not in svg


def test_save_writes_png_at_300_dpi(tmp_path):
    from PIL import Image

    fig = Figure(figsize=(2, 1))
    fig.subplots().plot([0, 1])
    png, _ = figures.save(fig, "small", tmp_path)
    with Image.open(png) as image:
        assert image.size == (600, 300)
        assert [round(d) for d in image.info["dpi"]] == [300, 300]


CHINESE = "沈阳市咸宁市遂宁市东营市中山市整改巡察审计问题涉及资金亿元"


def _chinese_figure() -> Figure:
    fig = Figure()
    ax = fig.subplots()
    ax.bar([0, 1], [1, 2])
    ax.set_xticks([0, 1], ["沈阳市", "咸宁市"])
    ax.set_title(CHINESE)
    return fig


def test_chinese_labels_render_with_the_bundled_font():
    style.apply()
    assert style.FONT_PATH.is_file()
    registered = {Path(f.fname).name for f in font_manager.fontManager.ttflist if f.name == style.FONT_FAMILY}
    assert style.FONT_PATH.name in registered
    # Even where a system font has the same family name, the bundled file is the one drawn with.
    assert Path(font_manager.findfont(style.FONT_FAMILY)) == style.FONT_PATH
    _draw(_chinese_figure())


def test_a_font_without_chinese_would_fail_the_glyph_check():
    # The check above must be able to fail: with only DejaVu Sans, which has no CJK glyphs, drawing warns.
    style.apply()
    with mpl.rc_context({"font.family": ["DejaVu Sans"]}), pytest.raises(UserWarning, match="missing from font"):
        _draw(_chinese_figure())


def test_language_switch_changes_tick_labels():
    with style.language("zh"):
        zh = figures.status_figure(PROBLEMS, DOCUMENTS)
        zh_categories = figures.categories_figure(PROBLEMS, DOCUMENTS)
    with style.language("en"):
        en = figures.status_figure(PROBLEMS, DOCUMENTS)
        en_categories = figures.categories_figure(PROBLEMS, DOCUMENTS)
    # cities in doc_id order; a notice without a city stands for itself
    assert [t.get_text() for t in zh.axes[0].get_yticklabels()] == ["nowhere", "沈阳市", "咸宁市"]
    assert [t.get_text() for t in en.axes[0].get_yticklabels()] == ["Nowhere", "Shenyang", "Xianning"]
    zh_rows = [t.get_text() for t in zh_categories.axes[0].get_yticklabels()]
    en_rows = [t.get_text() for t in en_categories.axes[0].get_yticklabels()]
    assert "预算与财务资金管理" in zh_rows and "Budget and financial management" in en_rows
    assert "未说明" in _texts(zh) and "not stated" in _texts(en)


def test_language_comes_from_the_environment_unless_set(monkeypatch):
    monkeypatch.setenv("ANALYSIS_LANG", "en")
    assert style.get_language() == "en"
    with style.language("zh"):
        assert style.get_language() == "zh"
    monkeypatch.setenv("ANALYSIS_LANG", "fr")
    with pytest.raises(ValueError, match="fr"):
        style.get_language()
    with pytest.raises(ValueError):
        style.set_language("de")


@pytest.mark.parametrize(
    ("labels", "codes"),
    [
        (style.STATUS_LABELS, [*STATUSES, UNMAPPED]),
        (style.KIND_LABELS, list(KINDS)),
        (style.PART_LABELS, list(AMOUNT_PARTS)),
    ],
)
def test_every_code_has_a_label_in_both_languages(labels, codes):
    assert set(codes) <= set(labels)  # the code tables' labels also name the not-coded placeholders
    assert all(zh and en and zh != en for zh, en in labels.values())


def test_every_category_has_both_names():
    codebook = pd.read_csv(CATEGORIES_CSV)
    with style.language("en"):
        english = [style.category_label(key) for key in codebook["key"]]
    assert english == codebook["name_en"].tolist()
    with style.language("zh"):
        assert style.category_label("assets") == "国有资产与系统设施管理"


def test_colours_are_fixed_by_key():
    cities = ["沈阳市", "咸宁市", "遂宁市", "东营市", "中山市"]
    colours = style.key_colors(cities)
    assert colours == style.key_colors(list(reversed(cities))) == {city: style.key_color(city) for city in cities}
    assert set(colours.values()) <= set(style.KEY_PALETTE)
    assert style.key_color(style.OTHER) == style.OTHER_COLOR not in style.KEY_PALETTE


def test_money_ticks_read_in_each_language():
    with style.language("zh"):
        assert [style.money_label(v) for v in (1e3, 1e4, 1e7, 1e8, 5e9)] == ["1000", "1万", "1000万", "1亿", "50亿"]
    with style.language("en"):
        assert [style.money_label(v) for v in (1e3, 1e6, 1e9)] == ["1k", "1M", "1B"]


def test_render_all_writes_every_figure_in_the_language_asked(tmp_path):
    with style.language("zh"):
        written = figures.render_all(TABLES, tmp_path, language="en")
        assert style.get_language() == "zh"  # the switch is restored afterwards
    names = sorted(p.name for p in written)
    assert len(names) == 14 and all(p.is_file() for p in written)
    assert "status_by_city_en.png" in names and "city_similarity_en.svg" in names


def test_render_all_leaves_out_category_figures_without_categories(tmp_path, monkeypatch):
    monkeypatch.setattr(figures, "save", lambda fig, name, out_dir: [out_dir / name])
    tables = {**TABLES, "problems": PROBLEMS.drop(columns="category")}
    names = {p.name for p in figures.render_all(tables, tmp_path, language="zh")}
    assert names == {
        f"{name}_zh"
        for name in ("measures_per_problem", "amounts_by_kind", "status_by_city", "timeline", "stated_vs_itemised")
    }


def test_the_category_figure_says_how_many_codings_are_unsure() -> None:
    import pandas as pd

    from analysis.report import style
    from analysis.report.figures import machine_coding_note

    problems = pd.DataFrame(
        {"category_source": ["rule", "model", "model", "manual"], "category_confidence": [0.9, 0.55, 0.8, 1.0]}
    )
    with style.language("en"):
        assert machine_coding_note(problems).startswith(
            "Categories are machine-coded (3 problems); 1 below confidence 0.7, worth a manual check; agreement"
        )
