"""What the notebooks in notebooks/ need, and the command that renders them for reading.

Notebooks stay thin: they load the tables with `load_tables`, call `analysis.compare` and `analysis.report.figures`, and
show the small frames built here. Every path comes from `analysis.paths`, so a notebook runs from any working
directory; the environment variable ANALYSIS_PROCESSED points the notebooks at another folder of tables (the tests
use it). `render_notebooks` executes every numbered notebook into HTML and renders the per-city template once per
notice.
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from analysis import compare, paths
from analysis.extract import GIVEN_FACTS
from analysis.extract.totals import FIELDS as TOTAL_FIELDS
from analysis.report import style
from analysis.tables import TABLES, codes

if TYPE_CHECKING:
    import pandas as pd
    from IPython.display import HTML, Markdown
    from matplotlib.figure import Figure
    from nbformat import NotebookNode

PROCESSED_ENV = "ANALYSIS_PROCESSED"
REPORTS = paths.ROOT / "reports"
CITY_TEMPLATE = "10_city_report.ipynb"  # rendered once per notice, not on its own
NEW_NOTICE_DEFAULT = paths.RAW / "suining.txt"  # the smallest seed: a quick default for the new-city notebook
KERNEL = "python3"
# The kernel's own log goes to the terminal, not the notebook, and says only routine things (a local kernel talks
# to localhost over TCP unencrypted; the interrupt jupyter_client sends before every shutdown): a failing cell or a
# dying kernel is raised by nbclient or papermill anyway.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=CRITICAL"]
NOTEBOOK_TIMEOUT = 600  # seconds per cell
_NUMBERED = re.compile(r"^\d{2}_\w+\.ipynb$")

DOCUMENT_COLUMNS = [
    "city",
    "doc_id",
    "review_type",
    "reviewer",
    "review_start",
    "feedback_date",
    "published_date",
    "problems_reported",
    "problems_extracted",
    "measures_reported",
    "measures_extracted",
    "amounts_extracted",
    "n_warnings",
]
CARD_FIELDS = [
    "title",
    "city",
    "county",
    "province",
    "issuer",
    *GIVEN_FACTS,
    *TOTAL_FIELDS,
    "problems_extracted",
    "measures_extracted",
    "results_extracted",
    "amounts_extracted",
    "problems_without_measures",
]
NOTE_KINDS = {"findings": "finding", "warnings": "warning", "unmapped_status_phrases": "unmapped status phrase"}


class TablesMissingError(FileNotFoundError):
    """The output tables the notebooks read are missing or do not match the current schema."""


# ---------------------------------------------------------------------------------------------------- loading


def processed_dir() -> Path:
    """The folder of tables the notebooks read: ANALYSIS_PROCESSED if set, else data/processed."""
    chosen = os.environ.get(PROCESSED_ENV, "").strip()
    return Path(chosen).expanduser().resolve() if chosen else paths.PROCESSED


def load_tables(in_dir: Path | None = None) -> dict[str, pd.DataFrame]:
    """Read the five output tables from `in_dir` (default `processed_dir()`).

    Raises TablesMissingError, saying to run `make data` first, when a table is missing or was written under
    another schema.
    """
    from analysis.tables import TableValidationError
    from analysis.tables.io import read_tables

    folder = in_dir if in_dir is not None else processed_dir()
    missing = [name for name in TABLES if not (folder / f"{name}.parquet").is_file()]
    if missing:
        raise TablesMissingError(f"no {', '.join(missing)} table(s) in {folder}: run `make data` first")
    try:
        return read_tables(folder)
    except TableValidationError as exc:
        raise TablesMissingError(f"the tables in {folder} are out of date: run `make data` first\n{exc}") from exc


def load_indicators(
    in_dir: Path | None = None, tables: dict[str, pd.DataFrame] | None = None
) -> dict[str, pd.DataFrame]:
    """The indicator tables (timeliness, concreteness, boilerplate, reuse, recurrence) of `in_dir` (default
    `processed_dir()`): as `build` and `extract` stored them, or computed now from its tables and texts when the folder
    has none (a corpus of more than 500 notices extracted without `--indicators`)."""
    from analysis.tables.columns import INDICATOR_TABLES
    from analysis.tables.io import read_table

    folder = in_dir if in_dir is not None else processed_dir()
    if all((folder / f"{name}.parquet").is_file() for name in INDICATOR_TABLES):
        return {name: read_table(name, folder) for name in INDICATOR_TABLES}
    from analysis.indicators.tables import indicator_tables, stored_texts

    tables = tables if tables is not None else load_tables(folder)
    return indicator_tables(tables, stored_texts(folder / "texts", tables["documents"]["doc_id"]))


def audit_page(doc_id: str, in_dir: Path | None = None) -> str:
    """The audit page the build wrote for `doc_id` (under `<processed>/audit/`)."""
    page = (in_dir if in_dir is not None else processed_dir()) / "audit" / f"{doc_id}.html"
    if not page.is_file():
        raise TablesMissingError(f"{page}: no audit page for {doc_id!r}: run `make data` first")
    return page.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------------- display


@dataclass(frozen=True)
class ShownFigure:
    """A figure as a PNG with its alt text: shown as <img alt=...> where HTML is rendered (JupyterLab, the HTML
    pages), as the PNG elsewhere, and as the alt text in plain text."""

    data: bytes  # the PNG
    alt: str

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, str]:
        import base64

        data = base64.b64encode(self.data).decode("ascii")
        alt = html.escape(self.alt, quote=True)
        return {
            "text/html": f'<img src="data:image/png;base64,{data}" alt="{alt}" title="{alt}" style="max-width:100%">',
            "image/png": data,
            "text/plain": self.alt,
        }


def show(fig: Figure, dpi: int = 110, alt: str | None = None) -> ShownFigure:
    """A figure of `analysis.report.figures` as an inline PNG with alt text (default: its title and caption).

    Those figures are made without pyplot, so a notebook would otherwise print only their repr."""
    import io

    import matplotlib as mpl

    buffer = io.BytesIO()
    style.apply()
    with mpl.rc_context(style.rc_params()):
        fig.savefig(buffer, format="png", dpi=dpi)
    return ShownFigure(buffer.getvalue(), alt if alt is not None else figure_description(fig))


def figure_description(fig: Figure) -> str:
    """What a figure shows, in words: its title (the figure's, else its axes'), then its caption."""
    titles = [fig.get_suptitle()] if fig.get_suptitle() else [ax.get_title() or ax.get_title("left") for ax in fig.axes]
    parts = [" / ".join(dict.fromkeys(title for title in titles if title)), fig.get_supxlabel()]
    return " — ".join(part.replace("\n", " ") for part in parts if part)


MISSING = "—"  # the one way a missing value (None, NaN, NaT, <NA>) is shown and exported
MAX_ROWS = 50  # rows a notebook table shows; export_table writes them all
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def table_html(frame: pd.DataFrame, max_rows: int = MAX_ROWS, precision: int = 3) -> str:
    """`frame` as an HTML table for reading: missing values as MISSING, text left-aligned and wrapped, numbers
    right-aligned, every value and label escaped (text from notices never becomes markup), inside a box that
    scrolls sideways when the table is wider than the page; beyond `max_rows` rows, the first ones and a count."""
    shown = frame.head(max_rows)
    styler = _styled(shown, precision, "html")
    text_columns = [column for column in shown.columns if _is_text(shown[column])]
    styler = styler.set_table_styles(
        [
            {"selector": "th", "props": "text-align:left; vertical-align:top; white-space:nowrap"},
            {"selector": "td", "props": "vertical-align:top; text-align:right"},
        ]
    )
    if text_columns:
        styler = styler.set_properties(
            subset=text_columns,
            **{"text-align": "left", "white-space": "normal", "min-width": "6em", "max-width": "36em"},
        )
    more = len(frame) - len(shown)
    foot = (
        f'<p style="font-size:smaller">{len(shown)} of {len(frame)} rows shown; '
        f"nb.export_table(frame, path) writes them all.</p>"
        if more
        else ""
    )
    return f'<div style="overflow-x:auto; max-width:100%">{styler.to_html()}</div>{foot}'


def _is_text(column: pd.Series) -> bool:
    import pandas as pd

    return column.dtype == object or pd.api.types.is_string_dtype(column)


_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
}


def _latex_text(value: object) -> object:
    """A label as LaTeX text (Styler escapes values and index labels, but not the names of the axes)."""
    return "".join(_LATEX_SPECIAL.get(char, char) for char in value) if isinstance(value, str) else value


def _styled(frame: pd.DataFrame, precision: int, escape: str) -> object:
    """A Styler of `frame` with missing values as MISSING, floats at `precision`, dates as dates, values and labels
    escaped."""
    import pandas as pd

    if escape == "latex":
        frame = frame.rename_axis(index=_latex_text(frame.index.name), columns=_latex_text(frame.columns.name))
    dates = [column for column in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[column])]
    styler = frame.style.format(na_rep=MISSING, precision=precision, escape=escape)
    if dates:
        styler = styler.format(_date_text, subset=dates, na_rep=MISSING, escape=escape)
    styler = styler.format_index(na_rep=MISSING, escape=escape, axis=0)
    return styler.format_index(na_rep=MISSING, escape=escape, axis=1)


def readable_tables() -> None:
    """Show every DataFrame of this notebook session through `table_html` (called once, in the first cell)."""
    import pandas as pd
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        raise RuntimeError("readable_tables works inside IPython or a notebook only")
    shell.display_formatter.formatters["text/html"].for_type(pd.DataFrame, table_html)


def export_table(frame: pd.DataFrame, path: str | Path, precision: int = 3) -> Path:
    """Write `frame` for a paper, the format chosen by the suffix: `.csv` (UTF-8, missing values empty) or `.tex`
    (a LaTeX tabular, missing values as MISSING). Returns the path written.

    Text from notices stays text: LaTeX's special characters are escaped (\\, {, }, $, &, %, #, _, ^, ~), and a CSV
    cell that a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a carriage return) gets a
    leading apostrophe, as OWASP advises."""
    import pandas as pd

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        textual = pd.api.types.is_string_dtype
        safe = frame.apply(lambda column: column.map(_inert) if textual(column) else column)
        if textual(safe.index):
            safe.index = safe.index.map(_inert)
        keep_index = not isinstance(frame.index, pd.RangeIndex) or frame.index.name is not None
        safe.to_csv(path, index=keep_index, encoding="utf-8", lineterminator="\n")
    elif suffix == ".tex":
        path.write_text(_styled(frame, precision, "latex").to_latex(hrules=True), encoding="utf-8")
    else:
        raise ValueError(f"{path.name}: export_table writes .csv or .tex, not {suffix or 'a file without suffix'!r}")
    return path


def _date_text(value: pd.Timestamp) -> str:
    """A date without its midnight; a time only where there is one."""
    return value.date().isoformat() if value == value.normalize() else value.isoformat(sep=" ")


def _inert(value: object) -> object:
    return f"'{value}" if isinstance(value, str) and value.startswith(_FORMULA_START) else value


def audit_frame(page: str, height: int = 520) -> HTML:
    """An audit page shown inside the notebook (and in its HTML rendering) as a self-contained frame."""
    from IPython.display import HTML

    # srcdoc keeps the page inside the notebook; IPython.display.IFrame can only point at a URL.
    frame = f'<iframe srcdoc="{html.escape(page, quote=True)}" style="width:100%;height:{height}px;border:0"></iframe>'
    return HTML(f'<div style="border:1px solid #ccc">{frame}</div>')


# ---------------------------------------------------------------------------------------------------- frames


def document_overview(documents: pd.DataFrame) -> pd.DataFrame:
    """One row per notice, in city order: what kind of review, when, and how much was stated and itemised."""
    frame = compare.with_city(documents.drop(columns="city"), documents)
    rank = {city: i for i, city in enumerate(compare.city_order(documents))}
    frame = frame.assign(_rank=frame["city"].map(rank)).sort_values(["_rank", "doc_id"], kind="stable")
    return frame[DOCUMENT_COLUMNS].reset_index(drop=True)


def notes(documents: pd.DataFrame) -> pd.DataFrame:
    """Every consistency finding, extraction warning and unmapped status phrase: doc_id, kind, text (one row each).

    Findings say the notice disagrees with itself (e.g. states 56 measures, itemises 30); warnings say where the
    extractor had to guess; unmapped status phrases are status wording no code matched.
    """
    import pandas as pd

    rows = [
        {"doc_id": doc["doc_id"], "kind": kind, "text": item}
        for _, doc in documents.iterrows()
        for column, kind in NOTE_KINDS.items()
        for item in _items(doc[column])
    ]
    return pd.DataFrame(rows, columns=["doc_id", "kind", "text"])


def _items(joined: object) -> list[str]:
    return [item for item in str(joined).split("; ") if item] if isinstance(joined, str) else []


def category_table(problems: pd.DataFrame, documents: pd.DataFrame, value: str = "count") -> pd.DataFrame:
    """Categories (rows, codebook order, named) × cities (columns, city order): problem counts or shares."""
    counts = compare.category_counts(problems, documents, include_zero=True)
    table = _pivot(counts, "category", "city", value)
    table = table.loc[table.index.map(lambda key: bool(counts.loc[counts["category"] == key, "count"].sum()))]
    return table.rename(index=style.category_label).rename_axis(index="category")


def status_table(problems: pd.DataFrame, documents: pd.DataFrame, value: str = "share") -> pd.DataFrame:
    """Cities (rows) × statuses found anywhere (columns, named, 'not stated' included): shares or counts,
    with each city's number of problems in a last column n."""
    counts = compare.status_distribution(problems, documents, include_zero=True)
    table = _pivot(counts, "city", "status", value)
    found = [status for status in table.columns if counts.loc[counts["status"] == status, "count"].sum()]
    table = table[found].rename(columns=style.status_label)
    table["n"] = counts.groupby("city", sort=False)["count"].sum().reindex(table.index).astype("int64")
    return table


def similarity_matrix(problems: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Cities × cities cosine similarity of their category profiles (1 = the same mix)."""
    return _pivot(compare.profile_similarity(problems, documents), "city_a", "city_b", "similarity")


def _pivot(frame: pd.DataFrame, index: str, columns: str, values: str) -> pd.DataFrame:
    """`frame.pivot`, keeping the order rows and columns first appear in (pivot would sort them)."""
    table = frame.pivot(index=index, columns=columns, values=values)
    table = table.reindex(index=list(dict.fromkeys(frame[index])), columns=list(dict.fromkeys(frame[columns])))
    return table.rename_axis(index=index, columns=None)


@dataclass(frozen=True)
class LocoReport:
    """Leave-one-city-out scores of the category classifier as frames.

    summary: one row (n, cities, accuracy, kappa, text_columns); per_category: name, precision, recall, f1, support;
    confusion: gold categories (rows) × predicted (columns); per_city: n, accuracy; confused_pairs: gold,
    predicted, n.
    """

    summary: pd.DataFrame
    per_category: pd.DataFrame
    confusion: pd.DataFrame
    per_city: pd.DataFrame
    confused_pairs: pd.DataFrame


def loco_report(gold_problems: pd.DataFrame | None = None) -> LocoReport:
    """`analysis.categorize.assign.evaluate_loco` on `gold_problems` (default: the hand-coded training set)."""
    import pandas as pd

    from analysis.categorize.assign import evaluate_loco, load_training

    result = evaluate_loco(gold_problems if gold_problems is not None else load_training())
    summary = pd.DataFrame(
        [
            {
                "n": result["n"],
                "cities": len(result["cities"]),
                "accuracy": result["accuracy"],
                "kappa": result["kappa"],
                "text_columns": ", ".join(result["text_columns"]),
            }
        ]
    )
    per_category = pd.DataFrame.from_dict(result["per_category"], orient="index")
    per_category.insert(0, "name", per_category.index.map(style.category_label))
    labels = result["confusion"]["labels"]
    confusion = pd.DataFrame(result["confusion"]["matrix"], index=labels, columns=labels)
    confusion = confusion.rename_axis(index="gold", columns="predicted")
    per_city = pd.DataFrame.from_dict(result["per_city"], orient="index").rename_axis("city")
    pairs = pd.DataFrame(result["confused_pairs"], columns=["gold", "predicted", "n"])
    return LocoReport(summary, per_category.rename_axis("category"), confusion, per_city, pairs)


@dataclass(frozen=True)
class TransferReport:
    """The category classifier on agencies it was not trained on (analysis/evaluate/transfer.py) as frames.

    summary: one row per scheme (loso and loat by default; loco on request): n, groups, kappa and accuracy with
    95 % bootstrap intervals, the category most over-predicted and by how many points, Brier score, share below the
    low-confidence threshold;
    shares: per category, human and predicted share, precision and recall under leave-one-source-out;
    per_agency_type: accuracy per agency type under each scheme; reliability: confidence bins against accuracy.
    """

    summary: pd.DataFrame
    shares: pd.DataFrame
    per_agency_type: pd.DataFrame
    reliability: pd.DataFrame


def transfer_report(schemes: tuple[str, ...] = ("loso", "loat")) -> TransferReport:
    """`analysis.evaluate.transfer.evaluate_transfer` as frames (refits one model per held-out group: ~1 min)."""
    import pandas as pd

    from analysis.evaluate.transfer import evaluate_transfer

    result = evaluate_transfer(schemes=schemes)
    summary = pd.DataFrame(
        [
            {
                "scheme": name,
                "n": r["n"],
                "groups": r["groups"],
                "kappa": r["kappa"],
                "kappa_ci95": "–".join(f"{v:.2f}" for v in r["kappa_ci95"]),
                "accuracy": r["accuracy"],
                "accuracy_ci95": "–".join(f"{v:.2f}" for v in r["accuracy_ci95"]),
                "most_overpredicted": r["max_share_excess"]["category"],
                "excess_points": r["max_share_excess"]["points"],
                "brier": r["calibration"]["brier_top_label"],
                "low_confidence_share": r["calibration"]["low_confidence_share"],
            }
            for name, r in result.items()
        ]
    ).set_index("scheme")
    first = next(iter(result.values()))
    shares = pd.DataFrame.from_dict(first["per_category"], orient="index")
    shares.insert(0, "name", shares.index.map(style.category_label))
    per_type = pd.DataFrame(
        {
            (name, what): {kind: v[what] for kind, v in r["per_agency_type"].items()}
            for name, r in result.items()
            for what in ("n", "accuracy")
        }
    )
    reliability = pd.concat(
        {name: pd.DataFrame(r["calibration"]["reliability"]).set_index("bin") for name, r in result.items()},
        names=["scheme"],
    )
    return TransferReport(summary, shares.rename_axis("category"), per_type.rename_axis("agency_type"), reliability)


def low_confidence_problems(problems: pd.DataFrame, documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per notice: problems, machine-coded ones (rule or model) and how many of them fall below the confidence
    threshold (analysis.categorize.model.LOW_CONFIDENCE): those categories deserve a researcher's look."""
    from analysis.categorize.assign import coding_flags

    table = (
        problems.join(coding_flags(problems))
        .groupby("doc_id")[["machine_coded", "low_confidence"]]
        .sum()
        .assign(problems=problems.groupby("doc_id").size())
    )
    table["low_confidence_share"] = table["low_confidence"] / table["machine_coded"].where(table["machine_coded"] > 0)
    return table[["problems", "machine_coded", "low_confidence", "low_confidence_share"]]


# ---------------------------------------------------------------------------------------------------- one notice


def chosen_notice(documents: pd.DataFrame, doc_id: str | None = None) -> str:
    """`doc_id`, or when none is given the first notice by doc_id (a template's default must not assume a notice that
    a corpus may lack); a doc_id not in the tables raises KeyError naming the ones that are."""
    known = sorted(documents["doc_id"])
    if doc_id is None:
        if not known:
            raise KeyError("the tables hold no notice")
        return known[0]
    if doc_id not in known:
        shown = ", ".join(known[:20]) + (f" … ({len(known)} in all)" if len(known) > 20 else "")
        raise KeyError(f"no notice {doc_id!r}; the notices are: {shown}")
    return doc_id


def document_card(tables: dict[str, pd.DataFrame], doc_id: str) -> pd.DataFrame:
    """The facts of one notice, one row per field: value, and the quote it was read from where there is one."""
    import pandas as pd

    documents = tables["documents"]
    row = documents.loc[documents["doc_id"] == doc_id]
    if row.empty:
        raise KeyError(f"no notice {doc_id!r}; the notices are: {', '.join(documents['doc_id'])}")
    evidence = tables["evidence"]
    quotes = evidence.loc[evidence["doc_id"] == doc_id].drop_duplicates("field").set_index("field")["quote"]
    values = row.iloc[0]
    return pd.DataFrame(
        {
            "value": [_shown(values[field]) for field in CARD_FIELDS],
            "quote": [_shown(quotes.get(field)) for field in CARD_FIELDS],
        },
        index=pd.Index(CARD_FIELDS, name="field"),
    )


def _shown(value: object) -> str:
    import pandas as pd

    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return ""
    return value.date().isoformat() if isinstance(value, pd.Timestamp) else str(value)


def problem_list(tables: dict[str, pd.DataFrame], doc_id: str) -> pd.DataFrame:
    """The problems of one notice: label, title, category and status (named), measures, results, amounts."""
    problems = tables["problems"].loc[tables["problems"]["doc_id"] == doc_id]
    amounts = tables["amounts"].loc[tables["amounts"]["doc_id"] == doc_id]
    per_problem = amounts["problem_seq"].dropna().astype("int64").value_counts()
    frame = problems.assign(
        category=problems["category"].astype(object).map(style.category_label),
        status=problems["status"].astype(object).fillna(codes.UNMAPPED).map(style.status_label),
        n_amounts=problems["problem_seq"].astype("int64").map(per_problem).fillna(0).astype("int64"),
    )
    columns = ["problem_seq", "label", "title", "category", "status", "n_measures", "n_results", "n_amounts"]
    return frame[columns].set_index("problem_seq")


@dataclass(frozen=True)
class Standing:
    """Where one notice stands against the other cities.

    city: the name the notice stands under (its city; with its doc_id added when another notice shares the city).
    categories: per category found anywhere: name, count, share (of the notice's problems), others_mean,
    others_min, others_max (over the other cities' shares), difference (share − others_mean).
    measures: measures per problem (compare.measures_per_problem summary), the notice's row first.
    status: status shares per city (status_table), the notice's row first.
    similarity: every other city and its category-profile similarity to the notice, most similar first.
    """

    city: str
    categories: pd.DataFrame
    measures: pd.DataFrame
    status: pd.DataFrame
    similarity: pd.DataFrame


def standing(tables: dict[str, pd.DataFrame], doc_id: str) -> Standing:
    """Compare notice `doc_id` with every other city in `tables` (its own city's other notices stand apart)."""
    import pandas as pd

    documents, city = _standing_alone(tables["documents"], doc_id)
    problems = tables["problems"]
    counts = compare.category_counts(problems, documents, include_zero=True)
    shares = _pivot(counts, "category", "city", "share")
    own = counts.loc[counts["city"] == city].set_index("category")
    others = shares.drop(columns=city)
    categories = pd.DataFrame(
        {
            "name": shares.index.map(style.category_label),
            "count": own["count"].reindex(shares.index),
            "share": shares[city],
            "others_mean": others.mean(axis=1),
            "others_min": others.min(axis=1),
            "others_max": others.max(axis=1),
        }
    )
    categories["difference"] = categories["share"] - categories["others_mean"]
    found = counts.groupby("category", sort=False)["count"].sum().reindex(shares.index) > 0
    measures = compare.measures_per_problem(problems, documents).summary
    similarity = compare.profile_similarity(problems, documents)
    similarity = similarity.loc[(similarity["city_a"] == city) & (similarity["city_b"] != city)]
    return Standing(
        city=city,
        categories=categories.loc[found],
        measures=_first(measures.set_index("city"), city),
        status=_first(status_table(problems, documents), city),
        similarity=similarity.rename(columns={"city_b": "city"})[["city", "similarity"]]
        .sort_values("similarity", ascending=False, kind="stable")
        .reset_index(drop=True),
    )


# Characters that Markdown reads as markup; HTML's are escaped first.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def as_markdown_text(value: object) -> str:
    """`value` (a city, a doc_id, any text from a notice, a file name or metadata) as literal Markdown text: HTML
    escaped, Markdown's markup characters backslashed. Notebooks put data into Markdown only through this."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(str(value), quote=True))


def report_heading(standing: Standing, doc_id: str) -> Markdown:
    """The city report's heading: the city and the notice, as text, never as markup."""
    from IPython.display import Markdown

    return Markdown(f"## {as_markdown_text(standing.city)} · {as_markdown_text(doc_id)}")


def _standing_alone(documents: pd.DataFrame, doc_id: str) -> tuple[pd.DataFrame, str]:
    """Documents where `doc_id`'s city name is its own, and that name."""
    cities = compare.document_cities(documents)
    if doc_id not in cities.index:
        raise KeyError(f"no notice {doc_id!r}; the notices are: {', '.join(documents['doc_id'])}")
    city = cities[doc_id]
    if (cities == city).sum() == 1:
        return documents, city
    alone = f"{city} ({doc_id})"
    return documents.assign(city=documents["city"].where(documents["doc_id"] != doc_id, alone)), alone


def _first(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    return frame.loc[[key, *(k for k in frame.index if k != key)]]


@dataclass(frozen=True)
class NewNotice:
    """One notice extracted into memory: its tables, the text its spans index, and the one-line summary."""

    path: Path
    doc_id: str
    tables: dict[str, pd.DataFrame]
    text: str
    summary: str


def extract_new_notice(notice_path: str | Path | None = None) -> NewNotice:
    """Extract one notice file (default: a seed notice) without writing anything.

    Raises ValueError when the file cannot be read or does not hold exactly one notice.
    """
    from analysis.engine.pipeline import extract_paths

    path = Path(notice_path).expanduser().resolve() if notice_path else NEW_NOTICE_DEFAULT
    result = extract_paths([path])
    if result.failures:
        raise ValueError("; ".join(result.failures))
    if len(result.texts) != 1:
        raise ValueError(f"{path}: expected one notice, found {len(result.texts)}")
    ((doc_id, text),) = result.texts.items()
    return NewNotice(path, doc_id, result.tables, text, result.summaries[0])


def combine(base: dict[str, pd.DataFrame], new: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The tables of `base` with every notice of `new` added, replacing any base notice of the same doc_id."""
    import pandas as pd

    replaced = set(new["documents"]["doc_id"])
    combined = {}
    for name, frame in base.items():
        kept = frame.loc[~frame["doc_id"].isin(replaced)]
        # Empty frames are left out: concatenating them can change column types.
        parts = [part for part in (kept, new.get(name)) if part is not None and not part.empty]
        combined[name] = pd.concat(parts, ignore_index=True) if parts else frame.iloc[:0]
    return combined


# ---------------------------------------------------------------------------------------------------- rendering


def notebook_paths(folder: Path = paths.NOTEBOOKS) -> list[Path]:
    """The numbered notebooks (`NN_name.ipynb`) in `folder`, in number order, the city template included."""
    return sorted(path for path in folder.glob("*.ipynb") if _NUMBERED.match(path.name))


def execute_notebook(path: Path, parameters: dict[str, object] | None = None, cwd: Path | None = None) -> NotebookNode:
    """Execute the notebook at `path` in a fresh kernel in `cwd` (default: its folder) and return it with outputs.

    With `parameters`, papermill injects them after the cell tagged `parameters`. A failing cell raises
    (nbclient's CellExecutionError or papermill's PapermillExecutionError) naming the cell and the error.
    """
    import nbformat

    folder = cwd if cwd is not None else path.parent
    if parameters is not None:
        import papermill

        return papermill.execute_notebook(
            path,
            None,
            parameters=parameters,
            kernel_name=KERNEL,
            progress_bar=False,
            cwd=folder,
            execution_timeout=NOTEBOOK_TIMEOUT,
            extra_arguments=KERNEL_ARGUMENTS,
        )
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        kernel_name=KERNEL,
        timeout=NOTEBOOK_TIMEOUT,
        extra_arguments=KERNEL_ARGUMENTS,
        resources={"metadata": {"path": str(folder)}},
    )
    return client.execute()


_WARNING = re.compile(r"[A-Za-z]*Warning\b")


def complaints(notebook: NotebookNode) -> list[str]:
    """Every error, output on stderr and warning text in an executed notebook's outputs (images aside)."""
    found = []
    for number, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                found.append(f"cell {number}: {output.ename}: {output.evalue}")
            if output.output_type == "stream" and output.name == "stderr":
                found.append(f"cell {number} wrote to stderr: {output.text[:300]}")
            texts = [output.get("text", "")]
            texts += [str(value) for kind, value in output.get("data", {}).items() if not kind.startswith("image/")]
            found += [f"cell {number}: {text[:300]}" for text in texts if _WARNING.search(_without_images(text))]
    return found


def _without_images(text: str) -> str:
    # An <img> of ShownFigure carries the PNG in base64, where any word may turn up by chance.
    return re.sub(r"data:image/[a-z]+;base64,[A-Za-z0-9+/=]+", "", text)


def write_html(notebook: NotebookNode, path: Path) -> Path:
    """Write an executed notebook as a standalone HTML page (figures embedded)."""
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter().from_notebook_node(notebook)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(body, encoding="utf-8")
    tmp.replace(path)
    return path


def render_notebooks(out_dir: Path = REPORTS, notebooks_dir: Path = paths.NOTEBOOKS) -> list[Path]:
    """Execute every numbered notebook into `<out_dir>/notebooks/<name>.html`, and the city template once per
    notice (papermill, parameter doc_id) into `<out_dir>/cities/<doc_id>.html`. Returns the pages written.

    Reads the tables of `processed_dir()` (TablesMissingError before any notebook runs when they are missing);
    city pages of notices no longer in the tables are removed.
    """
    from analysis.tables.outputs import remove_stale

    doc_ids = sorted(load_tables()["documents"]["doc_id"])
    written = [
        write_html(execute_notebook(path), out_dir / "notebooks" / f"{path.stem}.html")
        for path in notebook_paths(notebooks_dir)
        if path.name != CITY_TEMPLATE
    ]
    template = notebooks_dir / CITY_TEMPLATE
    if template.is_file():
        cities = [
            write_html(execute_notebook(template, {"doc_id": doc_id}), out_dir / "cities" / f"{doc_id}.html")
            for doc_id in doc_ids
        ]
        remove_stale(out_dir / "cities", cities, "*.html")
        written += cities
    return written
