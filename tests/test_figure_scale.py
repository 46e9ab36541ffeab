"""Figures from 5 to 500 notices: groups beyond the top N are folded into one, a group's colour depends on its key
only (a new notice never recolours the others), per-notice figures summarise many notices, every figure fits a
journal's two columns with type of 7 pt or more, and carries a caption with its source and N."""

from __future__ import annotations

import io
import warnings

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from analysis.report import figures, style

CITIES = [f"城{i:02d}市" for i in range(30)]


def _corpus(n: int, seed: int = 0) -> dict[str, pd.DataFrame]:
    """`n` notices over 30 cities (city i has about i times as many notices as city 0) with their problems and
    amounts: tables of the shape the extractor writes, made without extracting anything."""
    rng = np.random.default_rng(seed)
    weights = np.arange(1, len(CITIES) + 1, dtype=float)
    cities = rng.choice(CITIES, size=n, p=weights / weights.sum())
    start = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 500, n), unit="D")
    n_problems = rng.integers(1, 12, n)
    documents = pd.DataFrame(
        {
            "doc_id": [f"n{i:06d}-c{CITIES.index(c):02d}" for i, c in enumerate(cities)],
            "city": cities,
            "county": None,
            "review_start": start,
            "review_end": start + pd.to_timedelta(rng.integers(20, 90, n), unit="D"),
            "feedback_date": start + pd.to_timedelta(rng.integers(100, 150, n), unit="D"),
            "published_date": start + pd.to_timedelta(rng.integers(200, 400, n), unit="D"),
            "problems_reported": pd.array(np.where(rng.random(n) < 0.5, n_problems, -1), dtype="Int64"),
            "problems_extracted": pd.array(n_problems, dtype="Int64"),
            "measures_reported": pd.array([None] * n, dtype="Int64"),
            "measures_extracted": pd.array(n_problems * 3, dtype="Int64"),
        }
    )
    documents.loc[documents["problems_reported"] < 0, "problems_reported"] = pd.NA
    doc_ids = np.repeat(documents["doc_id"].to_numpy(), n_problems)
    categories = ["budget_finance", "procurement_contracts", "public_service", "other"]
    statuses = ["complete", "in_progress", "unstated", "deemed_complete"]
    problems = pd.DataFrame(
        {
            "doc_id": doc_ids,
            "problem_seq": np.concatenate([np.arange(1, k + 1) for k in n_problems]),
            "status": rng.choice(statuses, size=len(doc_ids)),
            "n_measures": pd.array(rng.integers(0, 8, len(doc_ids)), dtype="Int64"),
            "category": rng.choice(categories, size=len(doc_ids)),
        }
    )
    from decimal import Decimal

    picked = rng.choice(documents["doc_id"], size=3 * n)
    amounts = pd.DataFrame(
        {
            "doc_id": picked,
            "kind": rng.choice(["involved", "recovered"], size=len(picked)),
            "part": rng.choice(["problem", "measure", "result"], size=len(picked)),
            "approx": pd.array(rng.random(len(picked)) < 0.2, dtype="boolean"),
            "yuan": pd.Series([Decimal(int(v)) for v in rng.integers(1_000, 10_000_000, len(picked))], dtype=object),
        }
    )
    return {"documents": documents, "problems": problems, "amounts": amounts}


def _all_figures(tables: dict[str, pd.DataFrame]) -> dict[str, Figure]:
    documents, problems = tables["documents"], tables["problems"]
    return {
        "categories": figures.categories_figure(problems, documents),
        "measures": figures.measures_figure(problems, documents),
        "amounts": figures.amounts_figure(tables["amounts"], documents),
        "status": figures.status_figure(problems, documents),
        "timeline": figures.timeline_figure(documents),
        "stated": figures.stated_vs_itemised_figure(documents),
        "similarity": figures.similarity_figure(problems, documents),
        "shares": figures.shares_figure(problems, documents, n_resamples=200),
        "shares_two_columns": figures.shares_figure(
            problems, documents, "category", "other", columns=2, n_resamples=50
        ),
    }


@pytest.fixture(scope="module")
def corpus() -> dict[str, pd.DataFrame]:
    return _corpus(500)


def test_groups_beyond_the_top_are_folded_into_one_named_last(corpus):
    documents = corpus["documents"]
    with style.language("en"):
        drawn = figures.groups(documents, top=8)
    assert len(drawn.keys) == 9 and drawn.keys[-1] == style.OTHER and drawn.folded == 22
    assert drawn.labels[-1] == "22 others"
    sizes = documents["city"].value_counts()
    kept = drawn.keys[:-1]
    assert sizes[kept].min() >= sizes.drop(kept).max()  # the groups kept are the largest
    assert len(drawn.documents) == len(documents)  # no notice is dropped, the others are counted in OTHER
    assert (drawn.documents["city"] == style.OTHER).sum() == sizes.drop(kept).sum()


def test_one_group_is_never_folded_alone():
    documents = _corpus(60)["documents"]
    n_cities = documents["city"].nunique()
    drawn = figures.groups(documents, top=n_cities - 1)
    assert drawn.folded == 0 and style.OTHER not in drawn.keys and len(drawn.keys) == n_cities


def test_groups_by_any_documents_column(corpus):
    documents = corpus["documents"].assign(kind=["audit" if i % 3 else "inspection" for i in range(500)])
    drawn = figures.groups(documents, by="kind")
    assert sorted(drawn.keys) == ["audit", "inspection"]
    with pytest.raises(ValueError, match="no column 'nope'"):
        figures.groups(documents, by="nope")


def _box_colours(fig: Figure) -> dict[str, str]:
    """Measures figure: the colour of each group's box, by its tick label."""
    ax = fig.axes[0]
    labels = [tick.get_text() for tick in ax.get_xticklabels()]
    boxes = [patch for patch in ax.patches]
    return {label: mpl.colors.to_hex(box.get_edgecolor()) for label, box in zip(labels, boxes, strict=True) if label}


def test_a_new_notice_recolours_no_existing_group():
    tables = _corpus(40)
    documents, problems = tables["documents"], tables["problems"]
    before = _box_colours(figures.measures_figure(problems, documents, top=50))
    # A new city whose doc_id sorts first: with colours by position every other city would shift by one.
    new_doc = documents.iloc[[0]].assign(doc_id="a000000-new", city="新城市")
    new_problem = problems.iloc[[0]].assign(doc_id="a000000-new")
    after = _box_colours(
        figures.measures_figure(
            pd.concat([problems, new_problem], ignore_index=True),
            pd.concat([new_doc, documents], ignore_index=True),
            top=50,
        )
    )
    assert len(after) == len(before) + 1
    assert {label: after[label] for label in before} == before


def test_per_notice_figures_summarise_a_large_corpus(corpus):
    documents = corpus["documents"]
    few = documents.iloc[: figures.MAX_NOTICE_ROWS]
    assert len(figures.timeline_figure(few).axes) == 1  # one row per notice
    assert len(figures.timeline_figure(documents).axes) == 3  # one panel per interval, rows are groups
    assert len(figures.stated_vs_itemised_figure(few).axes) == 2
    scatter = figures.stated_vs_itemised_figure(documents)
    points = sum(len(collection.get_offsets()) for ax in scatter.axes for collection in ax.collections)
    assert points == int(documents["problems_reported"].notna().sum())  # measures: none stated in this corpus


def _fonts(fig: Figure) -> list[tuple[float, str]]:
    fig.canvas.draw()  # tick labels exist only once drawn
    return [(text.get_fontsize(), text.get_text()) for text in fig.findobj(mpl.text.Text) if text.get_text()]


@pytest.mark.parametrize("n", [3, 500])
def test_figures_fit_two_columns_with_legible_type(n, corpus):
    tables = corpus if n == 500 else _corpus(n, seed=1)
    with style.language("en"), warnings.catch_warnings():
        warnings.simplefilter("error")
        drawn = _all_figures(tables)
        for name, fig in drawn.items():
            assert fig.get_figwidth() <= style.column_width(2) + 1e-9, name
            assert fig.get_figheight() <= 9.5, name  # a page is about 24 cm high
            small = [(size, text) for size, text in _fonts(fig) if size < style.MIN_FONT_PT]
            assert small == [], name
            fig.savefig(io.BytesIO(), format="png", dpi=50)


def test_one_column_width_is_asked_for():
    tables = _corpus(20)
    fig = figures.status_figure(tables["problems"], tables["documents"], columns=1)
    assert fig.get_figwidth() == pytest.approx(85 / 25.4)
    with pytest.raises(ValueError, match="columns"):
        style.column_width(3)


def test_every_figure_has_a_caption_with_source_and_n(corpus, monkeypatch):
    import analysis.evaluate.transfer as transfer

    scores = {"kappa": 0.7255, "kappa_ci95": [0.655, 0.799], "n": 233}
    monkeypatch.setattr(transfer, "recorded_agreement", lambda: scores)
    problems = corpus["problems"].assign(category_source="model", category_confidence=0.9)
    tables = {**corpus, "problems": problems}
    n_problems = len(problems)
    with style.language("en"):
        for name, fig in _all_figures(tables).items():
            foot = fig.get_supxlabel().replace("\n", " ")
            assert foot.startswith("Source: rectification notices published 2024-"), name
            assert f"N = 500 notices, {n_problems} problems" in foot, name
        foot = figures.categories_figure(problems, corpus["documents"]).get_supxlabel().replace("\n", " ")
        assert "machine-coded" in foot and "κ = 0.73 (95% CI 0.66–0.80" in foot
        monkeypatch.setattr(transfer, "recorded_agreement", lambda: None)
        foot = figures.categories_figure(problems, corpus["documents"]).get_supxlabel().replace("\n", " ")
        assert "not recorded for this model" in foot


def test_a_county_notice_does_not_name_its_prefecture_in_english():
    documents = pd.DataFrame(
        {
            "doc_id": ["chongyi", "n000007-zibo", "n000009-ganzhou", "x1", "02_beijing-tongzhou-rongmeiti"],
            "city": ["赣州市", "淄博市", "赣州市", "某市", "北京市"],
            "county": ["崇义县", None, None, None, None],
        }
    )
    with style.language("en"):
        labels = style.city_labels(documents)
    assert labels == {"赣州市": "Ganzhou", "淄博市": "Zibo", "某市": "某市", "北京市": "北京市"}
    with style.language("en"):
        alone = style.city_labels(documents.iloc[[0]])
    assert alone == {"赣州市": "赣州市"}  # no romanised name of the city itself: the Chinese name, not Chongyi


def test_the_dot_plot_draws_each_group_with_both_intervals(corpus):
    import analysis.compare as compare

    documents, problems = corpus["documents"], corpus["problems"]
    fig = figures.shares_figure(problems, documents, by="city", top=8, n_resamples=200)
    ax = fig.axes[0]
    drawn = figures.groups(documents, top=8)
    expected = compare.shares(problems, drawn.documents, "status", by="city", include_zero=True, n_resamples=200)
    expected = expected[expected["status"] == "complete"].set_index("city").reindex(drawn.keys)
    lines = ax.get_lines()
    assert len(lines) == 3 * len(drawn.keys)  # Wilson, bootstrap, the share itself
    for y, key in enumerate(drawn.keys):
        wilson, boot, share = lines[3 * y : 3 * y + 3]
        assert list(wilson.get_xdata()) == pytest.approx(list(expected.loc[key, ["wilson_low", "wilson_high"]]))
        assert list(boot.get_xdata()) == pytest.approx(list(expected.loc[key, ["boot_low", "boot_high"]]))
        assert share.get_xdata()[0] == pytest.approx(expected.loc[key, "share"])
        assert list(wilson.get_ydata()) == [y, y]


def test_notices_without_a_value_pool_into_one_unknown_group(corpus):
    documents = corpus["documents"].assign(
        agency_type=["hospital" if i % 4 == 0 else None if i % 4 == 1 else "state_firm" for i in range(500)],
        year=[2025 if i % 2 else 2024 for i in range(500)],
    )
    with style.language("en"):
        drawn = figures.groups(documents, by="agency_type")
        years = figures.groups(documents, by="year")
    assert drawn.keys == ["hospital", "state_firm", style.UNKNOWN]  # code table order, unknown last
    assert drawn.labels == ["hospital", "state firm", "unknown"]
    assert (drawn.documents["city"] == style.UNKNOWN).sum() == 125
    assert years.keys == ["2024", "2025"]
    assert style.key_color(style.UNKNOWN) == style.UNKNOWN_COLOR


def test_groups_folded_and_kept_keep_their_colours_as_the_corpus_grows():
    small, large = _corpus(40), _corpus(500)
    before = figures.groups(small["documents"], top=50).colours
    after = figures.groups(large["documents"], top=50).colours
    assert {key: after[key] for key in before} == before
