"""How every figure looks and speaks: the bundled CJK font, the colour-blind-safe palette, and labels in Chinese
or English chosen by one switch.

The language is `zh` unless the environment variable ANALYSIS_LANG says `en`; `set_language` or the `language`
context manager changes it. Importing this module loads neither pandas nor matplotlib.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.tables import codes

if TYPE_CHECKING:
    import pandas as pd

LANGUAGES = ("zh", "en")
FONT_PATH = Path(__file__).resolve().parents[1] / "fonts" / "NotoSansCJKsc-Regular.otf"
FONT_FAMILY = "Noto Sans CJK SC"

# Okabe & Ito (2008), "Color Universal Design": distinguishable under the common colour-vision deficiencies.
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442", "#000000")
# Beyond eight groups colour cannot stay distinguishable; every figure also names its groups on an axis.
EXTRA_COLORS = ("#888888", "#882255", "#44AA99", "#117733", "#332288", "#AA4499", "#999933", "#661100")
# Group colours: Okabe-Ito without black (the mean marker and 'unmapped'), then the extra colours.
KEY_PALETTE = (*OKABE_ITO[:7], *EXTRA_COLORS)
OTHER = "__other__"  # key of the group a figure folds its smallest groups into, drawn grey and named last
OTHER_COLOR = "#C8C8C8"
UNKNOWN = "__unknown__"  # key of the group of notices without a value in the column grouped by (cities aside)
UNKNOWN_COLOR = "#A0A0A0"
# Journal column widths (about one and two columns of Springer Nature's 84 and 174 mm) and the smallest legible type.
MM_PER_INCH = 25.4
COLUMN_WIDTHS_MM = {1: 85.0, 2: 174.0}
MIN_FONT_PT = 7.0
SEQUENTIAL_CMAP = "Blues"  # one hue from light to dark: readable with every colour-vision deficiency; 0 is white

STATUS_ORDER = codes.status_order()
STATUS_COLORS = codes.statuses().colours()
STATUS_LABELS = codes.statuses().names()
KIND_LABELS = codes.amount_kinds().names()
KIND_COLORS = codes.amount_kinds().colours()
PART_LABELS = {
    "problem": ("问题描述", "problem description"),
    "measure": ("整改措施", "measures"),
    "result": ("整改成效", "results"),
    "preamble": ("问题以外的正文", "outside the problems"),
}

# A doc_id that names its city: one romanised word, after the benchmark generator's index if any.
_ROMANISED_DOC_ID = re.compile(r"(?:n\d+-)?([A-Za-z]{2,})")

_state: dict[str, str | None] = {"language": None}  # None: follow ANALYSIS_LANG, else Chinese


def _checked(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")
    return language


def get_language() -> str:
    """The language labels are written in: 'zh' or 'en' (set_language, else ANALYSIS_LANG, else 'zh')."""
    chosen = _state["language"] or os.environ.get("ANALYSIS_LANG", "").strip().lower() or "zh"
    return _checked(chosen)


def set_language(language: str) -> None:
    """Write every label from now on in `language` ('zh' or 'en')."""
    _state["language"] = _checked(language)


@contextmanager
def language(language: str) -> Iterator[None]:
    """Write labels in `language` inside the block, then restore the previous language."""
    previous = _state["language"]
    set_language(language)
    try:
        yield
    finally:
        _state["language"] = previous


def tr(zh: str, en: str) -> str:
    """The text in the current language."""
    return zh if get_language() == "zh" else en


def _pick(labels: Mapping[str, tuple[str, str]], code: str) -> str:
    pair = labels.get(code)
    return tr(*pair) if pair else code


def status_label(code: str) -> str:
    """Label of a status code, or of 'unmapped'."""
    return _pick(STATUS_LABELS, code)


def kind_label(code: str) -> str:
    """Label of an amount kind."""
    return _pick(KIND_LABELS, code)


def part_label(code: str) -> str:
    """Label of the part of a notice an amount was found in."""
    return _pick(PART_LABELS, code)


def category_keys() -> list[str]:
    """Category keys in the codebook's order."""
    return list(codes.categories().keys)


def category_label(key: str) -> str:
    """Name of a problem category from the codebook (name_zh or name_en)."""
    return _pick(codes.categories().names(), key)


def city_labels(documents: pd.DataFrame) -> dict[str, str]:
    """City name per city in the current language: 沈阳市 in Chinese; in English, the romanised name a doc_id gives,
    else the Chinese name.

    Only a doc_id that is one romanised word (shenyang → Shenyang), optionally after the benchmark generator's
    index (n000012-zibo → Zibo), names a city, and only when its notice is issued at the city's own level: a
    county's notice (its `county` column filled) names the county, so 崇义县's chongyi never becomes 赣州市's
    English name. Descriptive doc_ids (02_beijing-tongzhou-rongmeiti) name nothing. The group OTHER (the groups a
    figure folds together) is named 其他 / Other.
    """
    from analysis.compare import document_cities

    cities = document_cities(documents)
    counties = documents["county"] if "county" in documents.columns else None
    own_level = (
        counties.map(lambda value: not (isinstance(value, str) and value)).set_axis(cities.index)
        if counties is not None
        else cities.map(lambda _: True)
    )
    labels: dict[str, str] = {}
    for doc_id, city in sorted(cities.items()):
        if labels.get(city, city) != city:
            continue
        romanised = _ROMANISED_DOC_ID.fullmatch(doc_id) if own_level[doc_id] else None
        labels[city] = city if get_language() == "zh" or romanised is None else romanised.group(1).title()
    if OTHER in labels:
        labels[OTHER] = other_label()
    return labels


def other_label() -> str:
    """The name of the group a figure folds its smallest groups into."""
    return tr("其他", "Other")


def money_label(yuan: float) -> str:
    """A round amount for an axis tick: 1万元 / 1亿元 in Chinese, 10k / 100M / 1B yuan in English."""
    if get_language() == "zh":
        for size, unit in ((1e8, "亿"), (1e4, "万")):
            if yuan >= size:
                return f"{yuan / size:g}{unit}"
        return f"{yuan:g}"
    for size, unit in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if yuan >= size:
            return f"{yuan / size:g}{unit}"
    return f"{yuan:g}"


def key_color(key: str) -> str:
    """The colour of a group, fixed by its key alone: a stable hash of the key into KEY_PALETTE.

    Adding or removing other groups never changes it, so a figure pasted into a report keeps its colours when the
    corpus grows. Two keys may share a colour (15 colours, any number of keys): every figure also names its groups
    on an axis, so colour is never the only way to tell them apart. OTHER and UNKNOWN are greys.
    """
    if key in (OTHER, UNKNOWN):
        return OTHER_COLOR if key == OTHER else UNKNOWN_COLOR
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return KEY_PALETTE[int.from_bytes(digest[:8], "big") % len(KEY_PALETTE)]


def key_colors(keys: Sequence[str]) -> dict[str, str]:
    """`key_color` of each key."""
    return {key: key_color(key) for key in keys}


def column_width(columns: int) -> float:
    """The width in inches of a figure one or two journal columns wide (COLUMN_WIDTHS_MM)."""
    if columns not in COLUMN_WIDTHS_MM:
        raise ValueError(f"columns must be one of {sorted(COLUMN_WIDTHS_MM)}, not {columns!r}")
    return COLUMN_WIDTHS_MM[columns] / MM_PER_INCH


def apply() -> None:
    """Register the bundled CJK font and set the shared matplotlib style (idempotent)."""
    import matplotlib as mpl
    from matplotlib import font_manager

    manager = font_manager.fontManager
    if not any(Path(font.fname) == FONT_PATH for font in manager.ttflist):
        manager.addfont(str(FONT_PATH))
    # A system font of the same family (Debian's fonts-noto-cjk) would tie with ours, and matplotlib takes the first
    # best match: put the bundled file first, so figures are the same on every machine.
    ours = [font for font in manager.ttflist if Path(font.fname) == FONT_PATH]
    if manager.ttflist[: len(ours)] != ours:
        manager.ttflist = ours + [font for font in manager.ttflist if font not in ours]
        manager._findfont_cached.cache_clear()
    mpl.rcParams.update(rc_params())


def rc_params() -> dict[str, object]:
    """The matplotlib settings every figure is drawn and saved with."""
    return {
        "font.family": ["sans-serif"],
        # DejaVu Sans only as a per-glyph fallback: the CJK font also carries Latin, so labels share one face.
        "font.sans-serif": [FONT_FAMILY, "DejaVu Sans"],
        "axes.unicode_minus": True,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 11,
        "axes.labelsize": 10,
        "xtick.labelsize": 9,
        "ytick.labelsize": 9,
        "legend.fontsize": 8,
        "legend.frameon": False,
        "figure.dpi": 100,
        "savefig.dpi": 300,
        "svg.fonttype": "path",  # glyphs as outlines: the SVG needs no font on the reader's machine
        "svg.hashsalt": "rectification-analysis",  # fixed salt → the same element ids on every run
    }
