"""Figures of the reuse and recurrence indicators, drawn like every figure of `analysis.report.figures` (same
canvas, heatmap, fonts and `save`), kept apart so the indicators do not grow that module."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from analysis.report import style
from analysis.report.figures import MAX_GROUPS, _figure, _heatmap, groups

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure


def reuse_figure(
    matrix: pd.DataFrame, labels: Mapping[str, str] | None = None, *, columns: int = 2, diagonal: bool = False
) -> Figure:
    """Heatmap of a reuse matrix (`reuse.notice_matrix` or `reuse.group_matrix`): in each cell, the share of the row's
    text found verbatim in the column's (a passage of at least reuse.MIN_PASSAGE content characters). The diagonal
    is grey unless `diagonal` (a group against itself: reuse between its own notices)."""
    import numpy as np
    from matplotlib.ticker import PercentFormatter

    from analysis.indicators.reuse import MIN_PASSAGE

    keys = list(matrix.index)
    names = [(labels or {}).get(key, key) for key in keys]
    values = matrix.reindex(columns=keys).to_numpy(dtype=float, copy=True)
    if not diagonal:
        np.fill_diagonal(values, np.nan)  # a notice against itself: grey, not "no reuse"
    text = [[f"{v:.1%}" if v > 0 else "" for v in row] for row in values]  # NaN > 0 is False: no text
    side = min(style.column_width(columns), 2.4 + 0.6 * len(keys))
    fig, ax = _figure(side, side)
    vmax = float(max(0.01, np.nanmax(values, initial=0.0)))
    image = _heatmap(ax, values, text, vmax)
    ax.set_xticks(range(len(keys)), names, rotation=45, ha="right")
    ax.set_yticks(range(len(keys)), names)
    ax.set_xlabel(style.tr("在此通报中找到", "found in"))
    ax.set_ylabel(style.tr("此通报的文字", "text of"))
    bar = fig.colorbar(image, ax=ax, shrink=0.7, label=style.tr("行文字的占比", "share of the row's text"))
    bar.formatter = PercentFormatter(xmax=1.0)  # decimals chosen by the range: shares here are often below 1 %
    ax.set_title(
        style.tr(
            f"通报之间逐字相同的段落（≥{MIN_PASSAGE} 字）",
            f"Verbatim passages shared by notices (≥ {MIN_PASSAGE} characters)",
        )
    )
    return fig


def reuse_groups_figure(
    passages: pd.DataFrame,
    documents: pd.DataFrame,
    lengths: Mapping[str, int],
    *,
    by: str = "city",
    top: int = MAX_GROUPS,
    columns: int = 2,
) -> Figure:
    """`reuse_figure` of the groups of notices by the documents column `by` (the `top` largest groups, the rest
    folded into one, as every figure groups): the share of a group's text found in a notice of another group (or
    in another notice of the same group, on the diagonal)."""
    from analysis.indicators.reuse import group_matrix, group_table

    drawn = groups(documents, by, top)
    table = group_table(passages, drawn.documents, "city", lengths)  # drawn.documents holds the group in "city"
    matrix = group_matrix(table, drawn.keys)
    return reuse_figure(matrix, dict(zip(drawn.keys, drawn.labels, strict=True)), columns=columns, diagonal=True)
