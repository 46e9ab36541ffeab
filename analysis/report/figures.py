"""Every figure of the report: built from the tables by `analysis.compare`, styled by `analysis.report.style`, saved
by `save` as PNG (300 dpi) and SVG with the same bytes on every run.

Figures are `matplotlib.figure.Figure` objects made without pyplot, so building them never touches an
interactive backend (PNG is drawn by Agg) and nothing needs closing. Labels follow `style.get_language()`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from analysis import compare, paths
from analysis.report import style
from analysis.tables.columns import KINDS

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

PNG_METADATA = {"Software": None}  # no matplotlib version in the file
SVG_METADATA = {"Date": None, "Creator": None}  # no timestamp: the same figure gives the same bytes
PART_MARKERS = {"problem": "o", "measure": "s", "result": "^", "preamble": "D"}
PART_OFFSETS = {"problem": -0.24, "measure": -0.08, "result": 0.08, "preamble": 0.24}


def save(fig: Figure, name: str, out_dir: Path = paths.FIGURES) -> list[Path]:
    """Write `fig` as `<name>.png` (300 dpi) and `<name>.svg` into `out_dir`.

    The same figure gives the same bytes on every call and on every machine with the same library versions.
    The figure's layout is fixed at its first save: a layout engine moves axes by rounding errors on each draw.
    """
    import matplotlib as mpl

    out_dir.mkdir(parents=True, exist_ok=True)
    png, svg = out_dir / f"{name}.png", out_dir / f"{name}.svg"
    style.apply()
    # Tick labels are created while drawing, so the style must also hold while saving.
    with mpl.rc_context(style.rc_params()):
        if fig.get_layout_engine() is not None:
            fig.draw_without_rendering()
            fig.set_layout_engine("none")
        fig.savefig(png, format="png", dpi=300, metadata=PNG_METADATA)
        fig.savefig(svg, format="svg", metadata=SVG_METADATA)
    return [png, svg]


def _figure(width: float, height: float, **subplots: object) -> tuple[Figure, object]:
    from matplotlib.figure import Figure

    style.apply()
    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, fig.subplots(**subplots)


def _no_data(ax: Axes) -> None:
    ax.text(0.5, 0.5, style.tr("无数据", "no data"), ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()


def _city_ticks(documents: pd.DataFrame) -> tuple[list[str], list[str]]:
    cities = compare.city_order(documents)
    labels = style.city_labels(documents)
    return cities, [labels[city] for city in cities]


def _ink(background: object) -> str:
    """Black or white, whichever reads on `background` (by its relative luminance)."""
    from matplotlib.colors import to_rgb

    red, green, blue = to_rgb(background)
    return "black" if 0.2126 * red + 0.7152 * green + 0.0722 * blue > 0.5 else "white"


def _heatmap(ax: Axes, values: object, text: list[list[str]], vmax: float) -> object:
    import matplotlib as mpl
    import numpy as np

    cmap = mpl.colormaps[style.SEQUENTIAL_CMAP].with_extremes(bad="#EEEEEE")  # NaN: a city without problems
    image = ax.imshow(values, cmap=cmap, vmin=0.0, vmax=vmax, aspect="auto")
    for (i, j), value in np.ndenumerate(np.asarray(values, dtype=float)):
        if text[i][j]:
            colour = _ink(image.cmap(image.norm(value)))
            ax.text(j, i, text[i][j], ha="center", va="center", fontsize=7, color=colour)
    ax.spines[:].set_visible(False)
    ax.tick_params(length=0)
    return image


def categories_figure(problems: pd.DataFrame, documents: pd.DataFrame) -> Figure:
    """Heatmap of each city's share of problems per category (colour), with the count in each cell."""
    import numpy as np

    counts = compare.category_counts(problems, documents, include_zero=True)
    cities, city_names = _city_ticks(documents)
    categories = list(dict.fromkeys(counts["category"]))
    share = counts.pivot(index="category", columns="city", values="share").reindex(categories)[cities]
    count = counts.pivot(index="category", columns="city", values="count").reindex(categories)[cities]
    fig, ax = _figure(3.4 + 0.75 * len(cities), 1.2 + 0.3 * len(categories))
    text = [[str(int(n)) if n else "" for n in row] for row in count.to_numpy()]
    values = share.to_numpy(dtype=float)
    vmax = float(max(0.05, np.nanmax(values, initial=0.0)))
    image = _heatmap(ax, values, text, vmax)
    totals = count.sum().astype(int)
    ax.set_xticks(
        range(len(cities)), [f"{name}\nn={totals[city]}" for name, city in zip(city_names, cities, strict=True)]
    )
    ax.set_yticks(range(len(categories)), [style.category_label(c) for c in categories])
    ax.xaxis.tick_top()
    bar = fig.colorbar(image, ax=ax, shrink=0.6, label=style.tr("占本市问题的比例", "share of the city's problems"))
    bar.formatter = _percent()
    ax.set_title(style.tr("各市问题类别分布（格内为问题数）", "Problem categories by city (cell: number of problems)"))
    note = machine_coding_note(problems)
    if note:
        fig.supxlabel(note, x=0.01, ha="left", fontsize="x-small", color="0.35")  # the layout makes room for it
    return fig


def machine_coding_note(problems: pd.DataFrame) -> str:
    """How many categories were machine-coded, and how many of those with low confidence (for a figure's foot)."""
    from analysis.categorize.assign import coding_flags
    from analysis.categorize.model import LOW_CONFIDENCE

    if not {"category_source", "category_confidence"} <= set(problems.columns):
        return ""  # categories given, not coded here
    flags = coding_flags(problems)
    n, low = int(flags["machine_coded"].sum()), int(flags["low_confidence"].sum())
    return style.tr(
        f"类别为机器编码（{n} 个问题），其中 {low} 个置信度低于 {LOW_CONFIDENCE:g}，宜人工复核",
        f"Categories are machine-coded ({n} problems); {low} below confidence {LOW_CONFIDENCE:g}, worth a manual check",
    )


def measures_figure(problems: pd.DataFrame, documents: pd.DataFrame) -> Figure:
    """Box plot and points of the number of measures per problem, one column per city."""
    import numpy as np

    frame = compare.with_city(problems, documents)
    cities, city_names = _city_ticks(documents)
    colours = style.city_colors(cities)
    fig, ax = _figure(1.6 + 0.9 * len(cities), 3.6)
    rng = np.random.default_rng(0)  # fixed seed: the jitter, and so the file, is the same on every run
    for x, city in enumerate(cities):
        values = frame.loc[frame["city"] == city, "n_measures"].astype(float).to_numpy()
        if values.size == 0:
            continue
        box = ax.boxplot(
            values, positions=[x], widths=0.5, patch_artist=True, showfliers=False, medianprops={"color": "black"}
        )
        for patch in box["boxes"]:
            patch.set(facecolor=colours[city], alpha=0.35, edgecolor=colours[city])
        jitter = rng.uniform(-0.15, 0.15, values.size)
        ax.scatter(x + jitter, values, s=12, color=colours[city], edgecolor="white", linewidth=0.4, zorder=3)
        ax.scatter([x], [values.mean()], marker="D", s=22, color="white", edgecolor="black", zorder=4)
    ax.set_xticks(range(len(cities)), city_names)
    ax.set_xlim(-0.6, len(cities) - 0.4)
    ax.set_ylim(bottom=-0.5)
    ax.set_ylabel(style.tr("每个问题的整改措施数", "measures per problem"))
    ax.set_title(
        style.tr("每个问题的整改措施数（箱线：四分位；◇：均值）", "Measures per problem (box: quartiles; ◇: mean)")
    )
    return fig


def amounts_figure(amounts: pd.DataFrame, documents: pd.DataFrame) -> Figure:
    """Every amount as a point on a log scale, one panel per kind, one row per city; nothing is summed."""
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter, NullFormatter

    cities, city_names = _city_ticks(documents)
    colours = style.city_colors(cities)
    frame = compare.with_city(amounts, documents)
    kinds = [kind for kind in KINDS if kind in set(frame["kind"])]
    kinds += sorted(set(frame["kind"]) - set(kinds))
    fig, axes = _figure(
        6.4, 1.2 + (0.3 * len(cities) + 0.5) * max(1, len(kinds)), nrows=max(1, len(kinds)), squeeze=False, sharex=True
    )
    if not kinds:
        _no_data(axes[0][0])
        return fig
    rows = {city: i for i, city in enumerate(cities)}
    for ax, kind in zip(axes[:, 0], kinds, strict=True):
        own = frame[frame["kind"] == kind]
        for part, group in own.groupby("part", sort=False):
            y = group["city"].map(rows) + PART_OFFSETS.get(part, 0.0)
            approx = group["approx"].astype(bool).to_numpy()
            face = ["none" if a else colours[c] for a, c in zip(approx, group["city"], strict=True)]
            ax.scatter(
                group["yuan"].map(float),
                y,
                marker=PART_MARKERS.get(part, "o"),
                s=22,
                facecolors=face,
                edgecolors=[colours[c] for c in group["city"]],
                linewidths=0.9,
            )
        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: style.money_label(value)))
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_yticks(range(len(cities)), city_names)
        ax.set_ylim(len(cities) - 0.5, -0.5)
        ax.set_title(
            style.tr(f"{style.kind_label(kind)}（{len(own)} 笔）", f"{style.kind_label(kind)} (n = {len(own)})"),
            loc="left",
        )
        ax.grid(axis="x", which="major", color="#DDDDDD", linewidth=0.6)
    axes[-1][0].set_xlabel(style.tr("金额（元，对数刻度）", "amount (yuan, log scale)"))
    handles = [
        Line2D([], [], marker=PART_MARKERS[p], linestyle="", color="#555555", label=style.part_label(p))
        for p in PART_MARKERS
    ]
    handles.append(
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markerfacecolor="none",
            color="#555555",
            label=style.tr("约数（余、多、约……）", "approximate (余/多/约…)"),
        )
    )
    fig.legend(handles=handles, loc="outside lower center", ncols=3)
    fig.suptitle(
        style.tr(
            "各市金额：按类型分列，不同类型不可相加，同类金额可能重叠",
            "Amounts by city: one panel per kind; kinds are never added, amounts may overlap",
        )
    )
    return fig


def status_figure(problems: pd.DataFrame, documents: pd.DataFrame) -> Figure:
    """Stacked bars of each city's problems by status, 'not stated' and 'unmapped' included."""
    from matplotlib.patches import Patch

    shares = compare.status_distribution(problems, documents, include_zero=True)
    cities, city_names = _city_ticks(documents)
    statuses = [s for s in dict.fromkeys(shares["status"]) if shares.loc[shares["status"] == s, "count"].sum()]
    fig, ax = _figure(7.0, 1.4 + 0.45 * len(cities))
    left = dict.fromkeys(cities, 0.0)
    for status in statuses:
        own = shares[shares["status"] == status].set_index("city").reindex(cities)
        widths = own["share"].fillna(0.0).to_numpy()
        colour = style.STATUS_COLORS.get(status, "#777777")
        ax.barh(
            range(len(cities)), widths, left=[left[c] for c in cities], color=colour, edgecolor="white", linewidth=0.5
        )
        for y, (city, width, count) in enumerate(zip(cities, widths, own["count"], strict=True)):
            if width >= 0.06:
                ax.text(
                    left[city] + width / 2, y, str(int(count)), ha="center", va="center", fontsize=7, color=_ink(colour)
                )
            left[city] += width
    totals = shares.groupby("city", sort=False)["count"].sum()
    for y, city in enumerate(cities):
        ax.text(1.01, y, f"n={int(totals.get(city, 0))}", va="center", fontsize=8)
    ax.set_yticks(range(len(cities)), city_names)
    ax.set_ylim(len(cities) - 0.5, -0.5)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(_percent())
    ax.set_xlabel(style.tr("占本市问题的比例", "share of the city's problems"))
    handles = [Patch(color=style.STATUS_COLORS.get(s, "#777777"), label=style.status_label(s)) for s in statuses]
    fig.legend(handles=handles, loc="outside lower center", ncols=min(4, max(1, len(handles))))
    ax.set_title(style.tr("各市问题整改状态", "Rectification status of problems by city"))
    return fig


def _percent() -> object:
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(xmax=1.0, decimals=0)


def _notice_labels(frame: pd.DataFrame, documents: pd.DataFrame) -> list[str]:
    names = style.city_labels(documents)
    several = frame["city"].duplicated(keep=False)
    return [
        f"{names[c]} ({d})" if s else names[c] for c, d, s in zip(frame["city"], frame["doc_id"], several, strict=True)
    ]


def timeline_figure(documents: pd.DataFrame) -> Figure:
    """Per notice: the on-site review (bar), then feedback (◆) and publication (●), with the days between."""
    import matplotlib.dates as mdates
    import pandas as pd
    from matplotlib.lines import Line2D

    frame = compare.timeline(documents)
    colours = style.city_colors(compare.city_order(documents))
    fig, ax = _figure(7.6, 1.4 + 0.5 * len(frame))
    day = style.tr("天", " d")
    for y, row in enumerate(frame.itertuples(index=False)):
        colour = colours[row.city]
        points = [
            (row.review_end, row.feedback_date, row.end_to_feedback_days),
            (row.feedback_date, row.published_date, row.feedback_to_published_days),
        ]
        if pd.notna(row.review_start) and pd.notna(row.review_end):
            ax.plot([row.review_start, row.review_end], [y, y], color=colour, linewidth=6, solid_capstyle="butt")
            middle = row.review_start + (row.review_end - row.review_start) / 2
            ax.text(middle, y - 0.28, f"{row.review_days}{day}", fontsize=7, ha="center")
        for start, end, days in points:
            if pd.notna(start) and pd.notna(end):
                ax.plot([start, end], [y, y], color=colour, linewidth=1, linestyle=":")
                ax.text(start + (end - start) / 2, y - 0.28, f"{days}{day}", fontsize=7, ha="center")
        if pd.notna(row.feedback_date):
            ax.plot([row.feedback_date], [y], marker="D", color=colour, markersize=6)
        if pd.notna(row.published_date):
            ax.plot([row.published_date], [y], marker="o", color=colour, markersize=7)
    ax.set_yticks(range(len(frame)), _notice_labels(frame, documents))
    ax.set_ylim(len(frame) - 0.4, -0.7)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    ax.grid(axis="x", color="#EEEEEE", linewidth=0.6)
    handles = [
        Line2D([], [], color="#555555", linewidth=6, label=style.tr("巡察（审计）进驻", "on-site review")),
        Line2D([], [], color="#555555", marker="D", linestyle="", label=style.tr("反馈意见", "feedback")),
        Line2D([], [], color="#555555", marker="o", linestyle="", label=style.tr("通报发布", "notice published")),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=3)
    ax.set_title(style.tr("从巡察进驻、反馈到整改通报", "From review to feedback to the published notice"))
    return fig


def stated_vs_itemised_figure(documents: pd.DataFrame) -> Figure:
    """Per notice, the number of problems and measures it states against the number itemised."""
    import pandas as pd
    from matplotlib.patches import Patch

    frame = compare.stated_vs_itemised(documents)
    colours = style.city_colors(compare.city_order(documents))
    items = {"problems": style.tr("问题数", "problems"), "measures": style.tr("整改措施数", "measures")}
    notices = frame.drop_duplicates("doc_id")
    labels = _notice_labels(notices, documents)
    fig, axes = _figure(2.2 + 1.2 * len(notices), 5.6, nrows=2, squeeze=False)
    for ax, (item, title) in zip(axes[:, 0], items.items(), strict=True):
        own = frame[frame["item"] == item].reset_index(drop=True)
        for x, row in own.iterrows():
            colour = colours[row["city"]]
            if pd.notna(row["reported"]):
                ax.bar(x - 0.2, row["reported"], width=0.4, color="white", edgecolor=colour, hatch="///")
                ax.text(x - 0.2, row["reported"], str(row["reported"]), ha="center", va="bottom", fontsize=7)
            else:
                ax.text(
                    x - 0.2, 0, style.tr("未述及", "not\nstated"), ha="center", va="bottom", fontsize=7, color="#555555"
                )
            ax.bar(x + 0.2, row["extracted"], width=0.4, color=colour)
            ax.text(x + 0.2, row["extracted"], str(row["extracted"]), ha="center", va="bottom", fontsize=7)
        ax.set_xticks(range(len(own)), labels)
        ax.set_title(title, loc="left")
        ax.margins(y=0.15)
    fig.legend(
        handles=[
            Patch(facecolor="white", edgecolor="#555555", hatch="///", label=style.tr("通报自述", "stated")),
            Patch(color="#555555", label=style.tr("逐条抽取", "itemised")),
        ],
        loc="outside lower center",
        ncols=2,
    )
    fig.suptitle(style.tr("通报自述数与逐条抽取数", "Stated in the notice against itemised"))
    return fig


def similarity_figure(problems: pd.DataFrame, documents: pd.DataFrame) -> Figure:
    """Heatmap of the cosine similarity of the cities' problem-category profiles."""
    similarity = compare.profile_similarity(problems, documents)
    cities, city_names = _city_ticks(documents)
    matrix = similarity.pivot(index="city_a", columns="city_b", values="similarity").reindex(
        index=cities, columns=cities
    )
    values = matrix.to_numpy(dtype=float)
    text = [[f"{v:.2f}" if v == v else "" for v in row] for row in values]
    fig, ax = _figure(1.8 + 0.75 * len(cities), 1.2 + 0.6 * len(cities))
    image = _heatmap(ax, values, text, 1.0)
    ax.set_xticks(range(len(cities)), city_names, rotation=45, ha="right")
    ax.set_yticks(range(len(cities)), city_names)
    fig.colorbar(image, ax=ax, shrink=0.7, label=style.tr("余弦相似度", "cosine similarity"))
    ax.set_title(style.tr("各市问题类别构成的相似度", "Similarity of cities' problem-category profiles"))
    return fig


def _builders(tables: Mapping[str, pd.DataFrame]) -> dict[str, Callable[[], Figure]]:
    problems, documents = tables["problems"], tables["documents"]
    builders = {
        "measures_per_problem": lambda: measures_figure(problems, documents),
        "amounts_by_kind": lambda: amounts_figure(tables["amounts"], documents),
        "status_by_city": lambda: status_figure(problems, documents),
        "timeline": lambda: timeline_figure(documents),
        "stated_vs_itemised": lambda: stated_vs_itemised_figure(documents),
    }
    # Category figures need the classifier's column; without it they are left out, not drawn empty.
    if "category" in problems.columns:
        builders = {
            "categories_by_city": lambda: categories_figure(problems, documents),
            **builders,
            "city_similarity": lambda: similarity_figure(problems, documents),
        }
    return builders


def render_all(tables: Mapping[str, pd.DataFrame], out_dir: Path = paths.FIGURES, language: str = "zh") -> list[Path]:
    """Draw every figure from the tables in `language` and save each as `<figure>_<language>.png` and `.svg`.

    The two category figures are drawn only when problems has a `category` column.
    """
    written: list[Path] = []
    with style.language(language):
        for name, build in _builders(tables).items():
            written += save(build(), f"{name}_{language}", out_dir)
    return written
