"""Every figure of the report: built from the tables by `analysis.compare`, styled by `analysis.report.style`, saved
by `save` as PNG (300 dpi) and SVG with the same bytes on every run.

Figures are `matplotlib.figure.Figure` objects made without pyplot, so building them never touches an
interactive backend (PNG is drawn by Agg) and nothing needs closing. Labels follow `style.get_language()`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from analysis import compare, paths
from analysis.report import style
from analysis.tables import codes
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


MAX_GROUPS = 8  # groups drawn one by one; the others are folded into one grey group, named last
MAX_NOTICE_ROWS = 15  # per-notice figures draw one row per notice up to this many, then summarise
CODE_TABLES = {"admin_level": "admin_levels", "agency_type": "agency_types", "review_kind": "review_kinds"}


@dataclass(frozen=True)
class Groups:
    """The groups a figure draws: documents whose `city` column holds each notice's group key (the value of the
    column grouped by, the smallest groups folded into style.OTHER), the keys in drawing order, their labels and
    colours, and how many groups were folded."""

    documents: pd.DataFrame
    keys: list[str]
    labels: list[str]
    colours: dict[str, str]
    folded: int


def groups(documents: pd.DataFrame, by: str = "city", top: int = MAX_GROUPS, unknown: str | None = None) -> Groups:
    """Group the notices by the documents column `by` (compare.document_groups), keeping the `top` groups with the
    most notices (ties: more problems, then group order) and folding the rest into style.OTHER.

    Notices without a value: for cities, each stands for itself under its doc_id; for any other column they are
    pooled into one group, `unknown` (default style.UNKNOWN, named 未知 / unknown). Keys follow compare.group_order
    (coded columns in their code table's order, years ascending), OTHER last; colours are style.key_color of each
    key, so a group's colour never depends on which other groups are present.
    """
    if unknown is None and by != "city":
        unknown = style.UNKNOWN
    key_of = compare.document_groups(documents, by, unknown)
    order = compare.group_order(documents, by, unknown)
    notices = key_of.value_counts()
    problems = (
        documents["problems_extracted"].fillna(0).astype("int64").set_axis(key_of.index).groupby(key_of).sum()
        if "problems_extracted" in documents.columns
        else notices * 0
    )
    kept = sorted(order, key=lambda key: (-notices[key], -problems[key], order.index(key)))[:top]
    folded = [key for key in order if key not in kept]
    if len(folded) > 1:
        key_of = key_of.where(key_of.isin(kept), style.OTHER)
        keys = [key for key in order if key in kept] + [style.OTHER]
    else:  # folding one group into "other" would only hide its name
        keys, folded = order, []
    keyed = documents.assign(city=key_of.to_numpy())
    names = _group_labels(keyed, by)
    labels = [
        style.tr(f"其他 {len(folded)} 组", f"{len(folded)} others") if key == style.OTHER else names[key]
        for key in keys
    ]
    return Groups(keyed, keys, labels, style.key_colors(keys), len(folded))


def _group_labels(keyed: pd.DataFrame, by: str) -> dict[str, str]:
    """Label of every group key: a city's name in the current language, a code's name from its code table, else
    the key itself."""
    if by == "city":
        return style.city_labels(keyed)
    table = getattr(codes, CODE_TABLES.get(by, ""), None)
    names = {**(table().names() if callable(table) else {}), style.UNKNOWN: ("未知", "unknown")}
    return {key: style.tr(*names[key]) if key in names else key for key in compare.city_order(keyed)}


def caption(documents: pd.DataFrame, problems: pd.DataFrame | None = None) -> str:
    """A figure's foot: the source (rectification notices and when they were published), N notices and problems,
    and, when `problems` carries machine-coded categories, that they are machine-coded, with the classifier's
    measured agreement and how many codings fall below the confidence line."""
    n_notices = len(documents)
    if problems is not None:
        n_problems = len(problems)
    elif "problems_extracted" in documents.columns:
        n_problems = int(documents["problems_extracted"].fillna(0).sum())
    else:
        n_problems = None
    span = _published_span(documents)
    parts = [
        style.tr(
            f"来源：整改情况通报{f'（{span}发布）' if span else ''}；{n_notices} 份通报"
            + (f"，{n_problems} 个问题" if n_problems is not None else ""),
            f"Source: rectification notices{f' published {span}' if span else ''}; N = {n_notices} notices"
            + (f", {n_problems} problems" if n_problems is not None else ""),
        )
    ]
    if problems is not None and "category" in problems.columns:
        parts.append(machine_coding_note(problems))
    return style.tr("。", ". ").join(part for part in parts if part) + style.tr("。", ".")


def _published_span(documents: pd.DataFrame) -> str:
    import pandas as pd

    if "published_date" not in documents.columns:
        return ""
    dates = pd.to_datetime(documents["published_date"]).dropna()
    if dates.empty:
        return ""
    first, last = dates.min().strftime("%Y-%m"), dates.max().strftime("%Y-%m")
    return first if first == last else f"{first}–{last}"


def _foot(fig: Figure, text: str) -> None:
    """Write `text` under the figure, wrapped to its width, in the smallest legible type (the layout makes room)."""
    import textwrap

    width_pt = fig.get_figwidth() * 72
    # A CJK glyph is about 1 em wide, a Latin letter about half: wrap by the wider measure.
    per_line = max(20, int(width_pt / (style.MIN_FONT_PT * (1.0 if style.get_language() == "zh" else 0.5))))
    fig.supxlabel("\n".join(textwrap.wrap(text, per_line)), x=0.01, ha="left", fontsize=style.MIN_FONT_PT, color="0.3")


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


def categories_figure(
    problems: pd.DataFrame, documents: pd.DataFrame, *, by: str = "city", top: int = MAX_GROUPS, columns: int = 2
) -> Figure:
    """Heatmap of each group's share of problems per category (colour), with the count in each cell; the `top`
    groups by notices, the rest folded into one; captioned with N and the categories' machine coding."""
    import numpy as np

    drawn = groups(documents, by, top)
    counts = compare.category_counts(problems, drawn.documents, include_zero=True)
    categories = list(dict.fromkeys(counts["category"]))
    share = counts.pivot(index="category", columns="city", values="share").reindex(categories)[drawn.keys]
    count = counts.pivot(index="category", columns="city", values="count").reindex(categories)[drawn.keys]
    fig, ax = _figure(style.column_width(columns), 1.9 + 0.28 * len(categories))
    text = [[str(int(n)) if n else "" for n in row] for row in count.to_numpy()]
    values = share.to_numpy(dtype=float)
    vmax = float(max(0.05, np.nanmax(values, initial=0.0)))
    image = _heatmap(ax, values, text, vmax)
    totals = count.sum().astype(int)
    ax.set_xticks(
        range(len(drawn.keys)),
        [f"{name}\nn={totals[key]}" for name, key in zip(drawn.labels, drawn.keys, strict=True)],
        rotation=90 if len(drawn.keys) > 5 else 0,
    )
    ax.set_yticks(range(len(categories)), [style.category_label(c) for c in categories])
    ax.xaxis.tick_top()
    bar = fig.colorbar(image, ax=ax, shrink=0.6, label=style.tr("占本组问题的比例", "share of the group's problems"))
    bar.formatter = _percent()
    ax.set_title(style.tr("问题类别分布（格内为问题数）", "Problem categories (cell: number of problems)"))
    _foot(fig, caption(documents, problems))
    return fig


def machine_coding_note(problems: pd.DataFrame) -> str:
    """That the categories are machine-coded, the classifier's measured agreement with human coders (κ under
    leave-one-source-out, as recorded for the shipped model), and how many codings fall below the confidence line."""
    from analysis.categorize.assign import coding_flags
    from analysis.categorize.model import LOW_CONFIDENCE
    from analysis.evaluate.transfer import recorded_agreement

    if not {"category_source", "category_confidence"} <= set(problems.columns):
        return ""  # categories given, not coded here
    flags = coding_flags(problems)
    n, low = int(flags["machine_coded"].sum()), int(flags["low_confidence"].sum())
    note = style.tr(
        f"类别为机器编码（{n} 个问题），其中 {low} 个置信度低于 {LOW_CONFIDENCE:g}，宜人工复核",
        f"Categories are machine-coded ({n} problems); {low} below confidence {LOW_CONFIDENCE:g}, worth a manual check",
    )
    scores = recorded_agreement()
    if scores is None:
        return note + style.tr(
            "；此模型与人工编码的一致性尚未记录（python -m analysis.evaluate.transfer --record）",
            "; agreement with human coders not recorded for this model (python -m analysis.evaluate.transfer --record)",
        )
    low_k, high_k = scores["kappa_ci95"]
    return note + style.tr(
        f"；对未见过的机关，与人工编码的一致性 κ = {scores['kappa']:.2f}（95% 区间 {low_k:.2f}–{high_k:.2f}，"
        f"留一来源，{scores['n']} 个问题）",
        f"; agreement with human coders on unseen agencies κ = {scores['kappa']:.2f} (95% CI {low_k:.2f}–{high_k:.2f}, "
        f"leave-one-source-out, {scores['n']} problems)",
    )


def measures_figure(
    problems: pd.DataFrame, documents: pd.DataFrame, *, by: str = "city", top: int = MAX_GROUPS, columns: int = 2
) -> Figure:
    """Box plot and points of the number of measures per problem, one column per group (the `top` groups)."""
    import numpy as np

    drawn = groups(documents, by, top)
    frame = compare.with_city(problems, drawn.documents)
    fig, ax = _figure(style.column_width(columns), 3.6)
    rng = np.random.default_rng(0)  # fixed seed: the jitter, and so the file, is the same on every run
    for x, key in enumerate(drawn.keys):
        values = frame.loc[frame["city"] == key, "n_measures"].astype(float).to_numpy()
        if values.size == 0:
            continue
        colour = drawn.colours[key]
        box = ax.boxplot(
            values, positions=[x], widths=0.5, patch_artist=True, showfliers=False, medianprops={"color": "black"}
        )
        for patch in box["boxes"]:
            patch.set(facecolor=colour, alpha=0.35, edgecolor=colour)
        jitter = rng.uniform(-0.15, 0.15, values.size)
        size = 12 if values.size <= 200 else 4  # thousands of points would hide the box
        ax.scatter(x + jitter, values, s=size, color=colour, edgecolor="white", linewidth=0.3, zorder=3)
        ax.scatter([x], [values.mean()], marker="D", s=22, color="white", edgecolor="black", zorder=4)
    ax.set_xticks(range(len(drawn.keys)), drawn.labels, rotation=90 if len(drawn.keys) > 5 else 0)
    ax.set_xlim(-0.6, len(drawn.keys) - 0.4)
    ax.set_ylim(bottom=-0.5)
    ax.set_ylabel(style.tr("每个问题的整改措施数", "measures per problem"))
    ax.set_title(
        style.tr("每个问题的整改措施数（箱线：四分位；◇：均值）", "Measures per problem (box: quartiles; ◇: mean)")
    )
    _foot(fig, caption(documents, problems.drop(columns="category", errors="ignore")))
    return fig


def amounts_figure(
    amounts: pd.DataFrame, documents: pd.DataFrame, *, by: str = "city", top: int = MAX_GROUPS, columns: int = 2
) -> Figure:
    """Every amount as a point on a log scale, one panel per kind, one row per group (the `top` groups); nothing is
    summed."""
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter, NullFormatter

    drawn = groups(documents, by, top)
    cities, city_names, colours = drawn.keys, drawn.labels, drawn.colours
    frame = compare.with_city(amounts, drawn.documents)
    kinds = [kind for kind in KINDS if kind in set(frame["kind"])]
    kinds += sorted(set(frame["kind"]) - set(kinds))
    fig, axes = _figure(
        style.column_width(columns),
        1.6 + (0.3 * len(cities) + 0.5) * max(1, len(kinds)),
        nrows=max(1, len(kinds)),
        squeeze=False,
        sharex=True,
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
    axes[0][0].legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0))  # beside: room for the foot
    fig.suptitle(
        style.tr(
            "金额：按类型分列，不同类型不可相加，同类金额可能重叠",
            "Amounts: one panel per kind; kinds are never added, amounts may overlap",
        )
    )
    _foot(fig, caption(documents) + style.tr(f"共 {len(frame)} 笔金额。", f" {len(frame)} amounts."))
    return fig


def status_figure(
    problems: pd.DataFrame, documents: pd.DataFrame, *, by: str = "city", top: int = MAX_GROUPS, columns: int = 2
) -> Figure:
    """Stacked bars of each group's problems by status (the `top` groups), 'not stated' and 'unmapped' included."""
    from matplotlib.patches import Patch

    drawn = groups(documents, by, top)
    shares = compare.status_distribution(problems, drawn.documents, include_zero=True)
    cities, city_names = drawn.keys, drawn.labels
    statuses = [s for s in dict.fromkeys(shares["status"]) if shares.loc[shares["status"] == s, "count"].sum()]
    fig, ax = _figure(style.column_width(columns), 1.9 + 0.4 * len(cities))
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
    ax.set_xlabel(style.tr("占本组问题的比例", "share of the group's problems"))
    handles = [Patch(color=style.STATUS_COLORS.get(s, "#777777"), label=style.status_label(s)) for s in statuses]
    fig.legend(handles=handles, loc="outside upper center", ncols=min(4, max(1, len(handles))))
    ax.set_title(style.tr("问题整改状态", "Rectification status of problems"))
    _foot(fig, caption(documents, problems.drop(columns="category", errors="ignore")))
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


def timeline_figure(documents: pd.DataFrame, *, by: str = "city", top: int = MAX_GROUPS, columns: int = 2) -> Figure:
    """Per notice: the on-site review (bar), then feedback (◆) and publication (●), with the days between; beyond
    MAX_NOTICE_ROWS notices, the distribution of those intervals per group instead (`lags_figure`)."""
    import matplotlib.dates as mdates
    import pandas as pd
    from matplotlib.lines import Line2D

    if len(documents) > MAX_NOTICE_ROWS:
        return lags_figure(documents, by=by, top=top, columns=columns)
    frame = compare.timeline(documents)
    colours = style.key_colors(list(frame["city"]))
    fig, ax = _figure(style.column_width(columns), 1.9 + 0.5 * len(frame))
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
    fig.legend(handles=handles, loc="outside upper center", ncols=3)
    ax.set_title(style.tr("从巡察进驻、反馈到整改通报", "From review to feedback to the published notice"))
    _foot(fig, caption(documents))
    return fig


def lags_figure(documents: pd.DataFrame, *, by: str = "city", top: int = MAX_GROUPS, columns: int = 2) -> Figure:
    """Days from the on-site review to feedback to publication (compare.timeline's three intervals): one panel per
    interval, one row per group (the `top` groups), each notice a point, the box its quartiles."""
    import numpy as np

    drawn = groups(documents, by, top)
    frame = compare.with_city(compare.timeline(documents).drop(columns="city"), drawn.documents)
    intervals = {
        "review_days": style.tr("巡察进驻天数", "on-site review"),
        "end_to_feedback_days": style.tr("进驻结束至反馈", "review end to feedback"),
        "feedback_to_published_days": style.tr("反馈至通报发布", "feedback to publication"),
    }
    fig, axes = _figure(
        style.column_width(columns), 1.9 + 0.3 * len(drawn.keys), ncols=len(intervals), squeeze=False, sharey=True
    )
    rng = np.random.default_rng(0)
    for ax, (column, title) in zip(axes[0], intervals.items(), strict=True):
        for y, key in enumerate(drawn.keys):
            values = frame.loc[frame["city"] == key, column].dropna().astype(float).to_numpy()
            if values.size == 0:
                continue
            colour = drawn.colours[key]
            box = ax.boxplot(
                values,
                positions=[y],
                widths=0.5,
                orientation="horizontal",
                patch_artist=True,
                showfliers=False,
                medianprops={"color": "black"},
            )
            for patch in box["boxes"]:
                patch.set(facecolor=colour, alpha=0.35, edgecolor=colour)
            ax.scatter(values, y + rng.uniform(-0.15, 0.15, values.size), s=6, color=colour, linewidth=0, zorder=3)
        known = int(frame[column].notna().sum())
        ax.set_title(f"{title}\n(n={known})", loc="left", fontsize=9)
        ax.set_xlabel(style.tr("天", "days"))
        ax.grid(axis="x", color="#EEEEEE", linewidth=0.6)
    axes[0][0].set_yticks(range(len(drawn.keys)), drawn.labels)
    axes[0][0].set_ylim(len(drawn.keys) - 0.5, -0.5)
    fig.suptitle(style.tr("从巡察进驻、反馈到整改通报的天数", "Days from review to feedback to the published notice"))
    _foot(fig, caption(documents))
    return fig


def stated_vs_itemised_figure(
    documents: pd.DataFrame, *, by: str = "city", top: int = MAX_GROUPS, columns: int = 2
) -> Figure:
    """Per notice, the number of problems and measures it states against the number itemised; beyond
    MAX_NOTICE_ROWS notices, one point per notice instead (`stated_scatter_figure`)."""
    import pandas as pd
    from matplotlib.patches import Patch

    if len(documents) > MAX_NOTICE_ROWS:
        return stated_scatter_figure(documents, by=by, top=top, columns=columns)
    frame = compare.stated_vs_itemised(documents)
    colours = style.key_colors(list(frame["city"]))
    items = _item_titles()
    notices = frame.drop_duplicates("doc_id")
    labels = _notice_labels(notices, documents)
    fig, axes = _figure(style.column_width(columns), 6.0, nrows=2, squeeze=False)
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
        ax.set_xticks(range(len(own)), labels, rotation=90 if len(own) > 5 else 0)
        ax.set_title(title, loc="left")
        ax.margins(y=0.15)
    axes[0][0].legend(
        handles=[
            Patch(facecolor="white", edgecolor="#555555", hatch="///", label=style.tr("通报自述", "stated")),
            Patch(color="#555555", label=style.tr("逐条抽取", "itemised")),
        ],
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
    )
    fig.suptitle(style.tr("通报自述数与逐条抽取数", "Stated in the notice against itemised"))
    _foot(fig, caption(documents))
    return fig


def _item_titles() -> dict[str, str]:
    return {"problems": style.tr("问题数", "problems"), "measures": style.tr("整改措施数", "measures")}


def stated_scatter_figure(
    documents: pd.DataFrame, *, by: str = "city", top: int = MAX_GROUPS, columns: int = 2
) -> Figure:
    """One point per notice: the number it states (x) against the number itemised (y), for problems and for
    measures, on the diagonal where they agree; notices stating no number are counted in the panel's title."""
    from matplotlib.lines import Line2D

    drawn = groups(documents, by, top)
    frame = compare.with_city(compare.stated_vs_itemised(documents).drop(columns="city"), drawn.documents)
    fig, axes = _figure(style.column_width(columns), 3.6, ncols=2, squeeze=False)
    for ax, (item, title) in zip(axes[0], _item_titles().items(), strict=True):
        own = frame[frame["item"] == item]
        stated = own[own["reported"].notna()]
        ax.scatter(
            stated["reported"].astype(float),
            stated["extracted"].astype(float),
            s=10,
            c=[drawn.colours[key] for key in stated["city"]],
            alpha=0.7,
            linewidth=0,
        )
        top_value = float(max(1, stated[["reported", "extracted"]].max().max())) if len(stated) else 1.0
        ax.plot([0, top_value], [0, top_value], color="0.5", linewidth=0.8, linestyle="--")
        agree = int((stated["difference"] == 0).sum())
        ax.set_title(
            style.tr(
                f"{title}\n{len(stated)} 份通报自述（{agree} 份一致），{len(own) - len(stated)} 份未述及",
                f"{title}\nstated by {len(stated)} notices ({agree} agree), {len(own) - len(stated)} not",
            ),
            loc="left",
            fontsize=8,
        )
        ax.set_xlabel(style.tr("通报自述", "stated"))
        ax.set_ylabel(style.tr("逐条抽取", "itemised"))
    handles = [
        Line2D([], [], marker="o", linestyle="", color=drawn.colours[key], label=label)
        for key, label in zip(drawn.keys, drawn.labels, strict=True)
    ]
    axes[0][-1].legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.suptitle(
        style.tr("通报自述数与逐条抽取数（虚线：相等）", "Stated in the notice against itemised (dashed: equal)")
    )
    _foot(fig, caption(documents))
    return fig


def similarity_figure(
    problems: pd.DataFrame, documents: pd.DataFrame, *, by: str = "city", top: int = MAX_GROUPS, columns: int = 2
) -> Figure:
    """Heatmap of the cosine similarity of the groups' problem-category profiles (the `top` groups)."""
    drawn = groups(documents, by, top)
    similarity = compare.profile_similarity(problems, drawn.documents)
    cities, city_names = drawn.keys, drawn.labels
    matrix = similarity.pivot(index="city_a", columns="city_b", values="similarity").reindex(
        index=cities, columns=cities
    )
    values = matrix.to_numpy(dtype=float)
    text = [[f"{v:.2f}" if v == v else "" for v in row] for row in values]
    side = min(style.column_width(columns), 2.2 + 0.55 * len(cities))
    fig, ax = _figure(side, side)
    image = _heatmap(ax, values, text, 1.0)
    ax.set_xticks(range(len(cities)), city_names, rotation=45, ha="right")
    ax.set_yticks(range(len(cities)), city_names)
    fig.colorbar(image, ax=ax, shrink=0.7, label=style.tr("余弦相似度", "cosine similarity"))
    ax.set_title(style.tr("问题类别构成的相似度", "Similarity of problem-category profiles"))
    _foot(fig, caption(documents, problems))
    return fig


def shares_figure(
    problems: pd.DataFrame,
    documents: pd.DataFrame,
    column: str = "status",
    value: str = "complete",
    *,
    by: str = "city",
    top: int = MAX_GROUPS,
    columns: int = 1,
    n_resamples: int = 1000,
) -> Figure:
    """Dot plot of each group's share of problems whose `column` is `value` (the `top` groups), with two 95 %
    intervals (compare.shares): Wilson (thin), which treats problems as independent, and the notice-level bootstrap
    (thick), which resamples whole notices; n = notices / problems at the right."""
    drawn = groups(documents, by, top)
    table = compare.shares(problems, drawn.documents, column, by="city", include_zero=True, n_resamples=n_resamples)
    own = table[table[column] == value].set_index("city").reindex(drawn.keys)
    fig, ax = _figure(style.column_width(columns), 1.7 + 0.3 * len(drawn.keys))
    for y, key in enumerate(drawn.keys):
        row = own.loc[key]
        colour = drawn.colours[key]
        ax.plot([row["wilson_low"], row["wilson_high"]], [y, y], color=colour, linewidth=1)
        ax.plot([row["boot_low"], row["boot_high"]], [y, y], color=colour, linewidth=4, alpha=0.6)
        ax.plot([row["share"]], [y], marker="o", color=colour, markeredgecolor="black", markersize=5)
        notices, total = int(row["notices"]) if row["notices"] == row["notices"] else 0, row["problems"]
        ax.text(
            1.02,
            y,
            f"{notices}/{int(total) if total == total else 0}",
            va="center",
            fontsize=style.MIN_FONT_PT,
            transform=ax.get_yaxis_transform(),
        )
    ax.set_yticks(range(len(drawn.keys)), drawn.labels)
    ax.set_ylim(len(drawn.keys) - 0.5, -0.5)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(_percent())
    ax.grid(axis="x", color="#EEEEEE", linewidth=0.6)
    label = (
        style.status_label(value)
        if column == "status"
        else (style.category_label(value) if column == "category" else value)
    )
    ax.set_title(style.tr(f"“{label}”的比例", f"Share {label}"), loc="left")
    header = style.tr("通报/问题", "notices/\nproblems")
    ax.text(1.02, 1.0, header, fontsize=style.MIN_FONT_PT, va="bottom", transform=ax.transAxes)
    ax.set_xlabel(
        style.tr("细线：Wilson 区间；粗线：按通报自助法（95%）", "thin: Wilson; thick: notice bootstrap (95%)"),
        fontsize=8,
    )
    _foot(
        fig,
        caption(documents, problems if column == "category" else problems.drop(columns="category", errors="ignore")),
    )
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
