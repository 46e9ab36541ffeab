"""Compare cities: functions from the output tables to small tidy DataFrames, one row per city and value.

Cities come from documents.city, joined on doc_id; a notice whose city is unknown stands for itself under its
doc_id. `city_order` fixes the order of cities for every table and figure. Share columns are fractions (0–1) of
the city's problems; a city without problems has no share (NaN).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from analysis.tables import codes
from analysis.tables.codes import UNCATEGORISED, UNMAPPED
from analysis.tables.columns import AMOUNT_PARTS, KINDS

if TYPE_CHECKING:
    import pandas as pd

NEVER_ADD_ACROSS = "kind"
NOT_SUMMABLE_KINDS = ("threshold",)  # a rule's limit (10万元以下) is not money that moved: even its sum means nothing
AMOUNTS_NOTE = (
    "Sums are per kind only: money involved, recovered, reduced, obtained, contracted and rule thresholds are "
    "different quantities, and recovered money is often part of the money involved, so no total across kinds "
    "exists. Within a kind, amounts of one notice may overlap (a total stated beside its parts, the same money "
    "in a problem and in its measure), so a sum is an upper bound on distinct money; amounts written with "
    "余/多/约/近/超/逾 are lower bounds (counted in n_approx)."
)


def document_cities(documents: pd.DataFrame) -> pd.Series:
    """City of each notice, indexed by doc_id; the doc_id stands in where the city is unknown."""
    city = documents["city"].astype(object)
    known = city.map(lambda value: isinstance(value, str) and value != "")
    return city.where(known, documents["doc_id"]).set_axis(documents["doc_id"].astype(object)).rename("city")


def city_order(documents: pd.DataFrame) -> list[str]:
    """Every city once, in the order of its first notice by doc_id: the one order of every table and figure."""
    cities = document_cities(documents)
    return list(dict.fromkeys(cities.sort_index(kind="stable")))


def with_city(frame: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """`frame` with a `city` column in front, looked up by doc_id; a doc_id missing from documents is an error."""
    cities = document_cities(documents)
    city = frame["doc_id"].astype(object).map(cities)
    missing = sorted(set(frame.loc[city.isna(), "doc_id"]))
    if missing:
        raise ValueError(f"doc_id not in documents: {', '.join(map(str, missing))}")
    return frame.assign(city=city.astype(object))[["city", *frame.columns]]


def _ordered(values: pd.Series, known: list[str]) -> list[str]:
    """The known levels in their order, then any other value found, sorted."""
    return [*known, *sorted(set(values) - set(known))]


def _shares_by_city(
    problems: pd.DataFrame, documents: pd.DataFrame, column: str, levels: list[str], include_zero: bool
) -> pd.DataFrame:
    import pandas as pd

    frame = with_city(problems, documents)
    counts = frame.groupby(["city", column], sort=False).size()
    totals = frame.groupby("city", sort=False).size()
    cities = city_order(documents)
    rows = [
        {"city": city, column: level, "count": int(counts.get((city, level), 0))}
        for city in cities
        for level in _ordered(frame[column], levels)
    ]
    result = pd.DataFrame(rows, columns=["city", column, "count"])
    total = result["city"].map(totals).fillna(0).astype(int)
    result["share"] = (result["count"] / total.where(total > 0)).astype(float)
    if not include_zero:
        result = result[result["count"] > 0]
    return result.reset_index(drop=True).astype({"count": "int64"})


def category_counts(problems: pd.DataFrame, documents: pd.DataFrame, *, include_zero: bool = False) -> pd.DataFrame:
    """Problems per city and category: city, category, count, share (of the city's problems).

    Categories follow the codebook's order; a problem without a category counts as 'uncategorised'. With
    `include_zero`, every city × every codebook category appears, with count 0 where none was found.
    """
    if "category" not in problems.columns:
        raise ValueError("problems has no 'category' column: run analysis.categorize.assign.categorize first")
    frame = problems.assign(category=problems["category"].astype(object).fillna(UNCATEGORISED))
    return _shares_by_city(frame, documents, "category", list(codes.categories().keys), include_zero)


def status_distribution(problems: pd.DataFrame, documents: pd.DataFrame, *, include_zero: bool = False) -> pd.DataFrame:
    """Problems per city and status: city, status, count, share (of the city's problems).

    'unstated' (the notice gives no status) stays its own value; a null status (a phrase that matched no code)
    becomes 'unmapped'. With `include_zero`, every city × every status appears.
    """
    frame = problems.assign(status=problems["status"].astype(object).fillna(UNMAPPED))
    return _shares_by_city(frame, documents, "status", [*codes.statuses().keys, UNMAPPED], include_zero)


@dataclass(frozen=True)
class MeasureDistribution:
    """How many measures each problem has, per city.

    counts: city, n_measures, problems, share — every value from 0 to the city's maximum, zeros included.
    summary: city, problems, mean, min, q1, median, q3, max, without_measures — quartiles by linear
    interpolation; NaN for a city with no problems.
    """

    counts: pd.DataFrame
    summary: pd.DataFrame


def measures_per_problem(problems: pd.DataFrame, documents: pd.DataFrame) -> MeasureDistribution:
    """The distribution of n_measures over each city's problems, not just its mean."""
    import pandas as pd

    frame = with_city(problems, documents)
    values = frame["n_measures"].astype("int64")
    count_rows: list[dict[str, object]] = []
    summary_rows: list[dict[str, object]] = []
    for city in city_order(documents):
        own = values[frame["city"] == city]
        if own.empty:
            summary_rows.append({"city": city, "problems": 0, "without_measures": 0})
            continue
        tally = own.value_counts()
        count_rows += [
            {"city": city, "n_measures": n, "problems": int(tally.get(n, 0)), "share": tally.get(n, 0) / len(own)}
            for n in range(int(own.max()) + 1)
        ]
        summary_rows.append(
            {
                "city": city,
                "problems": len(own),
                "mean": own.mean(),
                "min": own.min(),
                "q1": own.quantile(0.25),
                "median": own.median(),
                "q3": own.quantile(0.75),
                "max": own.max(),
                "without_measures": int((own == 0).sum()),
            }
        )
    counts = pd.DataFrame(count_rows, columns=["city", "n_measures", "problems", "share"])
    summary = pd.DataFrame(
        summary_rows,
        columns=["city", "problems", "mean", "min", "q1", "median", "q3", "max", "without_measures"],
    )
    stats = ["mean", "min", "q1", "median", "q3", "max"]
    return MeasureDistribution(
        counts.astype({"n_measures": "int64", "problems": "int64", "share": "float64"}),
        summary.astype({"problems": "int64", "without_measures": "int64", **dict.fromkeys(stats, "float64")}),
    )


def _exact(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"yuan must be a Decimal or an int (money is never a float), got {value!r}")
    return Decimal(value)


def amounts_summary(amounts: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Amounts per city, kind and part: city, kind, part, n, n_approx, yuan_sum, yuan_max.

    yuan_sum and yuan_max are exact Decimals; yuan_sum is None for kinds whose sum means nothing
    (NOT_SUMMABLE_KINDS). There is deliberately no total across kinds: `attrs['never_add_across']` names the
    column whose values must never be added together and `attrs['note']` says why, and why sums within a
    kind may still count money twice.
    """
    import pandas as pd

    frame = with_city(amounts, documents)
    yuan = frame["yuan"].map(_exact)
    kinds = _ordered(frame["kind"], list(KINDS))
    parts = _ordered(frame["part"], list(AMOUNT_PARTS))
    order = {city: i for i, city in enumerate(city_order(documents))}
    rows = []
    for (city, kind, part), group in frame.groupby(["city", "kind", "part"], sort=False):
        values = yuan[group.index]
        rows.append(
            {
                "city": city,
                "kind": kind,
                "part": part,
                "n": len(group),
                "n_approx": int(group["approx"].astype(bool).sum()),
                "yuan_sum": None if kind in NOT_SUMMABLE_KINDS else sum(values, Decimal(0)),
                "yuan_max": max(values),
            }
        )
    rows.sort(key=lambda row: (order[row["city"]], kinds.index(row["kind"]), parts.index(row["part"])))
    result = pd.DataFrame(rows, columns=["city", "kind", "part", "n", "n_approx", "yuan_sum", "yuan_max"])
    result = result.astype({"n": "int64", "n_approx": "int64", "yuan_sum": object, "yuan_max": object})
    result.attrs["never_add_across"] = NEVER_ADD_ACROSS
    result.attrs["not_summable_kinds"] = NOT_SUMMABLE_KINDS
    result.attrs["note"] = AMOUNTS_NOTE
    return result


TIMELINE_DATES = ("review_start", "review_end", "feedback_date", "published_date")
TIMELINE_INTERVALS = {
    "review_days": ("review_start", "review_end"),
    "end_to_feedback_days": ("review_end", "feedback_date"),
    "feedback_to_published_days": ("feedback_date", "published_date"),
}


def timeline(documents: pd.DataFrame) -> pd.DataFrame:
    """Per notice: city, doc_id, the four dates, and the days between them (null where a date is unknown).

    review_days = review_end − review_start (the on-site review, not counting its first day);
    end_to_feedback_days = feedback_date − review_end; feedback_to_published_days = published_date −
    feedback_date. Rows in city order.
    """
    import pandas as pd

    frame = _by_city_order(documents)
    result = pd.DataFrame({"city": frame["city"], "doc_id": frame["doc_id"].astype(object)})
    for column in TIMELINE_DATES:
        result[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    for name, (start, end) in TIMELINE_INTERVALS.items():
        result[name] = (result[end] - result[start]).dt.days.astype("Int64")
    return result.reset_index(drop=True)


def _by_city_order(documents: pd.DataFrame) -> pd.DataFrame:
    frame = documents.assign(city=document_cities(documents).to_numpy())
    rank = {city: i for i, city in enumerate(city_order(documents))}
    frame = frame.assign(_rank=frame["city"].map(rank)).sort_values(["_rank", "doc_id"], kind="stable")
    return frame.drop(columns="_rank")


STATED_ITEMS = {
    "problems": ("problems_reported", "problems_extracted"),
    "measures": ("measures_reported", "measures_extracted"),
}


def stated_vs_itemised(documents: pd.DataFrame) -> pd.DataFrame:
    """What each notice says it contains against what was itemised: city, doc_id, item ('problems' or
    'measures'), reported, extracted, difference (extracted − reported; null when the notice states no number).
    """
    import pandas as pd

    rows = [
        {
            "city": document["city"],
            "doc_id": document["doc_id"],
            "item": item,
            "reported": document[reported],
            "extracted": document[extracted],
        }
        for _, document in _by_city_order(documents).iterrows()
        for item, (reported, extracted) in STATED_ITEMS.items()
    ]
    result = pd.DataFrame(rows, columns=["city", "doc_id", "item", "reported", "extracted"])
    result = result.astype({"city": object, "doc_id": object, "reported": "Int64", "extracted": "Int64"})
    result["difference"] = result["extracted"] - result["reported"]
    return result


def profile_similarity(problems: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Cosine similarity of the cities' category-share profiles: city_a, city_b, similarity (1 = same mix).

    Every ordered pair appears, the diagonal included; a city without problems has no profile (NaN).
    """
    import numpy as np
    import pandas as pd

    shares = category_counts(problems, documents, include_zero=True)
    cities = city_order(documents)
    matrix = shares.pivot(index="city", columns="category", values="count").reindex(cities).to_numpy(dtype=float)
    norms = np.linalg.norm(matrix, axis=1)
    unit = matrix / np.where(norms > 0, norms, np.nan)[:, None]
    similarity = np.clip(unit @ unit.T, -1.0, 1.0)
    return pd.DataFrame(
        [
            {"city_a": a, "city_b": b, "similarity": float(similarity[i, j])}
            for i, a in enumerate(cities)
            for j, b in enumerate(cities)
        ],
        columns=["city_a", "city_b", "similarity"],
    )
