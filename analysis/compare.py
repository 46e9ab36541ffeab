"""Compare groups of notices: functions from the output tables to small tidy DataFrames, one row per group and value.

The notice is the unit. Groups are the values of any documents column, `by=` (default city; also county, province,
issuer, admin_level, agency_type, review_type, review_kind, year, …), joined on doc_id; a notice whose value is
unknown stands for itself under its doc_id unless `unknown=` names one group for all of them. `group_order` fixes
the order of groups for every table and figure. Share columns are fractions (0–1) of the group's problems; a group
without problems has no share (NaN).

Uncertainty: `shares` gives Wilson intervals (problems as if independent) and a notice-level bootstrap (problems
cluster in notices); `difference_test` tests whether groups differ (chi-square, or permutations of whole notices
when expected counts are small) and says what the test cannot see; `completion` recomputes each notice's completion
rate under an explicit definition beside the rate it states, and flags where they disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from analysis.tables import codes
from analysis.tables.codes import UNCATEGORISED, UNMAPPED
from analysis.tables.columns import AMOUNT_PARTS, KINDS

if TYPE_CHECKING:
    import numpy as np
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


# Keys whose groups follow their code table's order rather than the order of first notices.
_CODED_KEYS = {
    "admin_level": codes.admin_levels,
    "agency_type": codes.agency_types,
    "review_kind": codes.review_kinds,
}


def _label(value: object) -> str | None:
    """A group's name as text (2024, not 2024.0); None for a missing or empty value."""
    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value) or None


def document_groups(documents: pd.DataFrame, by: str = "city", unknown: str | None = None) -> pd.Series:
    """The group of each notice, indexed by doc_id: the value of column `by` as text. Where it is unknown the doc_id
    stands in (the notice is its own group), or `unknown` when given (one group of all such notices)."""
    if by not in documents.columns:
        raise ValueError(f"documents has no column {by!r} to group by")
    labels = documents[by].astype(object).map(_label)
    fallback = documents["doc_id"].astype(object) if unknown is None else unknown
    return labels.where(labels.notna(), fallback).set_axis(documents["doc_id"].astype(object)).rename(by)


def document_cities(documents: pd.DataFrame) -> pd.Series:
    """City of each notice, indexed by doc_id; the doc_id stands in where the city is unknown."""
    return document_groups(documents, "city")


def group_order(documents: pd.DataFrame, by: str = "city", unknown: str | None = None) -> list[str]:
    """Every group once: a coded key's in its code table's order, years ascending, any other key in the order of
    its first notice by doc_id; groups outside the code table, then `unknown` (or the doc_ids standing in), last."""
    groups = document_groups(documents, by, unknown).sort_index(kind="stable")
    first = list(dict.fromkeys(groups))
    if by in _CODED_KEYS:
        keys = [key for key in _CODED_KEYS[by]().keys if key in first]
        return [*keys, *(group for group in first if group not in keys)]
    if by == "year":
        years = sorted((group for group in first if group.isdigit()), key=int)
        return [*years, *(group for group in first if group not in years)]
    return first


def city_order(documents: pd.DataFrame) -> list[str]:
    """Every city once, in the order of its first notice by doc_id: the one order of every table and figure."""
    return group_order(documents, "city")


def with_group(
    frame: pd.DataFrame, documents: pd.DataFrame, by: str = "city", unknown: str | None = None
) -> pd.DataFrame:
    """`frame` with a column `by` in front, looked up by doc_id; a doc_id missing from documents is an error."""
    groups = document_groups(documents, by, unknown)
    group = frame["doc_id"].astype(object).map(groups)
    missing = sorted(set(frame.loc[group.isna(), "doc_id"]))
    if missing:
        raise ValueError(f"doc_id not in documents: {', '.join(map(str, missing))}")
    rest = [column for column in frame.columns if column != by]
    return frame.assign(**{by: group.astype(object)})[[by, *rest]]


def with_city(frame: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """`frame` with a `city` column in front, looked up by doc_id; a doc_id missing from documents is an error."""
    return with_group(frame, documents, "city")


def _ordered(values: pd.Series, known: list[str]) -> list[str]:
    """The known levels in their order, then any other value found, sorted."""
    return [*known, *sorted(set(values) - set(known))]


def _shares_by_group(
    problems: pd.DataFrame,
    documents: pd.DataFrame,
    column: str,
    levels: list[str],
    include_zero: bool,
    by: str = "city",
    unknown: str | None = None,
) -> pd.DataFrame:
    import pandas as pd

    frame = with_group(problems, documents, by, unknown)
    counts = frame.groupby([by, column], sort=False).size()
    totals = frame.groupby(by, sort=False).size()
    rows = [
        {by: group, column: level, "count": int(counts.get((group, level), 0))}
        for group in group_order(documents, by, unknown)
        for level in _ordered(frame[column], levels)
    ]
    result = pd.DataFrame(rows, columns=[by, column, "count"])
    total = result[by].map(totals).fillna(0).astype(int)
    result["share"] = (result["count"] / total.where(total > 0)).astype(float)
    if not include_zero:
        result = result[result["count"] > 0]
    return result.reset_index(drop=True).astype({"count": "int64"})


def _coded_problems(problems: pd.DataFrame, column: str) -> tuple[pd.DataFrame, list[str]]:
    """`problems` with `column`'s nulls named (category → 'uncategorised', status → 'unmapped') and its levels in
    their code table's order; any other column's values in sorted order."""
    if column not in problems.columns:
        hint = ": run analysis.categorize.assign.categorize first" if column == "category" else ""
        raise ValueError(f"problems has no {column!r} column{hint}")
    if column == "category":
        frame = problems.assign(category=problems["category"].astype(object).fillna(UNCATEGORISED))
        return frame, list(codes.categories().keys)
    if column == "status":
        frame = problems.assign(status=problems["status"].astype(object).fillna(UNMAPPED))
        return frame, list(codes.status_order())
    frame = problems.assign(**{column: problems[column].astype(object).map(_label)})
    return frame, []


def category_counts(
    problems: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    include_zero: bool = False,
    by: str = "city",
    unknown: str | None = None,
) -> pd.DataFrame:
    """Problems per group and category: <by>, category, count, share (of the group's problems).

    Categories follow the codebook's order; a problem without a category counts as 'uncategorised'. With
    `include_zero`, every group × every codebook category appears, with count 0 where none was found.
    """
    frame, levels = _coded_problems(problems, "category")
    return _shares_by_group(frame, documents, "category", levels, include_zero, by, unknown)


def status_distribution(
    problems: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    include_zero: bool = False,
    by: str = "city",
    unknown: str | None = None,
) -> pd.DataFrame:
    """Problems per group and status: <by>, status, count, share (of the group's problems).

    'unstated' (the notice gives no status) stays its own value; a null status (a phrase that matched no code)
    becomes 'unmapped'. With `include_zero`, every group × every status appears.
    """
    frame, levels = _coded_problems(problems, "status")
    return _shares_by_group(frame, documents, "status", levels, include_zero, by, unknown)


@dataclass(frozen=True)
class MeasureDistribution:
    """How many measures each problem has, per city.

    counts: city, n_measures, problems, share — every value from 0 to the city's maximum, zeros included.
    summary: city, problems, mean, min, q1, median, q3, max, without_measures — quartiles by linear
    interpolation; NaN for a city with no problems.
    """

    counts: pd.DataFrame
    summary: pd.DataFrame


def measures_per_problem(
    problems: pd.DataFrame, documents: pd.DataFrame, *, by: str = "city", unknown: str | None = None
) -> MeasureDistribution:
    """The distribution of n_measures over each group's problems, not just its mean (first column: <by>)."""
    import pandas as pd

    frame = with_group(problems, documents, by, unknown)
    values = frame["n_measures"].astype("int64")
    count_rows: list[dict[str, object]] = []
    summary_rows: list[dict[str, object]] = []
    for group in group_order(documents, by, unknown):
        own = values[frame[by] == group]
        if own.empty:
            summary_rows.append({by: group, "problems": 0, "without_measures": 0})
            continue
        tally = own.value_counts()
        count_rows += [
            {by: group, "n_measures": n, "problems": int(tally.get(n, 0)), "share": tally.get(n, 0) / len(own)}
            for n in range(int(own.max()) + 1)
        ]
        summary_rows.append(
            {
                by: group,
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
    counts = pd.DataFrame(count_rows, columns=[by, "n_measures", "problems", "share"])
    summary = pd.DataFrame(
        summary_rows,
        columns=[by, "problems", "mean", "min", "q1", "median", "q3", "max", "without_measures"],
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


def amounts_summary(
    amounts: pd.DataFrame, documents: pd.DataFrame, *, by: str = "city", unknown: str | None = None
) -> pd.DataFrame:
    """Amounts per group, kind and part: <by>, kind, part, n, n_approx, yuan_sum, yuan_max.

    yuan_sum and yuan_max are exact Decimals; yuan_sum is None for kinds whose sum means nothing
    (NOT_SUMMABLE_KINDS). There is deliberately no total across kinds: `attrs['never_add_across']` names the
    column whose values must never be added together and `attrs['note']` says why, and why sums within a
    kind may still count money twice.
    """
    import pandas as pd

    frame = with_group(amounts, documents, by, unknown)
    yuan = frame["yuan"].map(_exact)
    kinds = _ordered(frame["kind"], list(KINDS))
    parts = _ordered(frame["part"], list(AMOUNT_PARTS))
    order = {name: i for i, name in enumerate(group_order(documents, by, unknown))}
    rows = []
    for (name, kind, part), group in frame.groupby([by, "kind", "part"], sort=False):
        values = yuan[group.index]
        rows.append(
            {
                by: name,
                "kind": kind,
                "part": part,
                "n": len(group),
                "n_approx": int(group["approx"].astype(bool).sum()),
                "yuan_sum": None if kind in NOT_SUMMABLE_KINDS else sum(values, Decimal(0)),
                "yuan_max": max(values),
            }
        )
    rows.sort(key=lambda row: (order[row[by]], kinds.index(row["kind"]), parts.index(row["part"])))
    result = pd.DataFrame(rows, columns=[by, "kind", "part", "n", "n_approx", "yuan_sum", "yuan_max"])
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


def timeline(documents: pd.DataFrame, *, by: str = "city", unknown: str | None = None) -> pd.DataFrame:
    """Per notice: <by>, doc_id, the four dates, and the days between them (null where a date is unknown).

    review_days = review_end − review_start (the on-site review, not counting its first day);
    end_to_feedback_days = feedback_date − review_end; feedback_to_published_days = published_date −
    feedback_date. Rows in group order.
    """
    import pandas as pd

    frame = _in_group_order(documents, by, unknown)
    result = pd.DataFrame({by: frame["_group"], "doc_id": frame["doc_id"].astype(object)})
    for column in TIMELINE_DATES:
        result[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    for name, (start, end) in TIMELINE_INTERVALS.items():
        result[name] = (result[end] - result[start]).dt.days.astype("Int64")
    return result.reset_index(drop=True)


def _in_group_order(documents: pd.DataFrame, by: str = "city", unknown: str | None = None) -> pd.DataFrame:
    """`documents` sorted by group, then doc_id, with each notice's group in `_group`."""
    frame = documents.assign(_group=document_groups(documents, by, unknown).to_numpy())
    rank = {group: i for i, group in enumerate(group_order(documents, by, unknown))}
    frame = frame.assign(_rank=frame["_group"].map(rank)).sort_values(["_rank", "doc_id"], kind="stable")
    return frame.drop(columns="_rank")


STATED_ITEMS = {
    "problems": ("problems_reported", "problems_extracted"),
    "measures": ("measures_reported", "measures_extracted"),
}


def stated_vs_itemised(documents: pd.DataFrame, *, by: str = "city", unknown: str | None = None) -> pd.DataFrame:
    """What each notice says it contains against what was itemised: <by>, doc_id, item ('problems' or
    'measures'), reported, extracted, difference (extracted − reported; null when the notice states no number).
    """
    import pandas as pd

    rows = [
        {
            by: document["_group"],
            "doc_id": document["doc_id"],
            "item": item,
            "reported": document[reported],
            "extracted": document[extracted],
        }
        for _, document in _in_group_order(documents, by, unknown).iterrows()
        for item, (reported, extracted) in STATED_ITEMS.items()
    ]
    result = pd.DataFrame(rows, columns=[by, "doc_id", "item", "reported", "extracted"])
    result = result.astype({by: object, "doc_id": object, "reported": "Int64", "extracted": "Int64"})
    result["difference"] = result["extracted"] - result["reported"]
    return result


def profile_similarity(
    problems: pd.DataFrame, documents: pd.DataFrame, *, by: str = "city", unknown: str | None = None
) -> pd.DataFrame:
    """Cosine similarity of the groups' category-share profiles: <by>_a, <by>_b, similarity (1 = same mix).

    Every ordered pair appears, the diagonal included; a group without problems has no profile (NaN).
    """
    import numpy as np
    import pandas as pd

    shares = category_counts(problems, documents, include_zero=True, by=by, unknown=unknown)
    cities = group_order(documents, by, unknown)
    matrix = shares.pivot(index=by, columns="category", values="count").reindex(cities).to_numpy(dtype=float)
    norms = np.linalg.norm(matrix, axis=1)
    unit = matrix / np.where(norms > 0, norms, np.nan)[:, None]
    similarity = np.clip(unit @ unit.T, -1.0, 1.0)
    return pd.DataFrame(
        [
            {f"{by}_a": a, f"{by}_b": b, "similarity": float(similarity[i, j])}
            for i, a in enumerate(cities)
            for j, b in enumerate(cities)
        ],
        columns=[f"{by}_a", f"{by}_b", "similarity"],
    )


# --- uncertainty ----------------------------------------------------------------------------------------------


def _wilson(count: pd.Series, nobs: pd.Series, alpha: float) -> tuple[pd.Series, pd.Series]:
    """Wilson score interval of count/nobs (statsmodels); NaN where nobs is 0."""
    import numpy as np
    import pandas as pd
    from statsmodels.stats.proportion import proportion_confint

    n = nobs.to_numpy(dtype=float)
    low, high = proportion_confint(count.to_numpy(dtype=float), np.where(n > 0, n, 1.0), alpha=alpha, method="wilson")
    return (
        pd.Series(np.where(n > 0, low, np.nan), index=count.index),
        pd.Series(np.where(n > 0, high, np.nan), index=count.index),
    )


def _group_seed(seed: int, group: str) -> list[int]:
    """A seed per group from the caller's seed and the group's name, so a group's interval does not change when
    notices of other groups are added (stable across runs and machines: crc32, not Python's salted hash)."""
    import zlib

    return [seed, zlib.crc32(group.encode("utf-8"))]


def _cluster_bootstrap(
    counts: np.ndarray, totals: np.ndarray, n_resamples: int, rng: np.random.Generator, alpha: float
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval of sum(counts)/sum(totals) over notices drawn with replacement.

    `counts`: notices × levels; `totals`: each notice's problems. Returns (low, high) per level."""
    import numpy as np

    notices = len(totals)
    draws = rng.integers(0, notices, size=(n_resamples, notices))
    numerators = counts[draws].sum(axis=1)  # resamples × levels
    denominators = totals[draws].sum(axis=1)[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(denominators > 0, numerators / np.where(denominators > 0, denominators, 1), np.nan)
    low = np.nanquantile(shares, alpha / 2, axis=0)
    high = np.nanquantile(shares, 1 - alpha / 2, axis=0)
    return low, high


def _notice_counts(
    problems: pd.DataFrame, documents: pd.DataFrame, column: str, by: str, unknown: str | None
) -> tuple[pd.DataFrame, list[str]]:
    """Problems per notice and level of `column` (every notice of documents, a row of zeros for one without
    problems), with each notice's group in column `by`; and the levels in order."""
    frame, known = _coded_problems(problems, column)
    frame = with_group(frame, documents, by, unknown)
    levels = [level for level in _ordered(frame[column].astype(object), known) if (frame[column] == level).any()]
    table = frame.groupby(["doc_id", column]).size().unstack(fill_value=0).reindex(columns=levels, fill_value=0)
    groups = document_groups(documents, by, unknown)
    table = table.reindex(groups.index, fill_value=0)
    return table.assign(**{by: groups.to_numpy()}), levels


def shares(
    problems: pd.DataFrame,
    documents: pd.DataFrame,
    column: str = "category",
    *,
    by: str = "city",
    unknown: str | None = None,
    alpha: float = 0.05,
    n_resamples: int = 2000,
    seed: int = 0,
    include_zero: bool = False,
) -> pd.DataFrame:
    """Share of each group's problems at each value of `column`, with two intervals at level 1 − alpha.

    Columns: <by>, <column>, count, problems (the group's), notices (the group's, with or without problems),
    share, wilson_low, wilson_high, boot_low, boot_high.
    - wilson_*: Wilson score interval (statsmodels), which treats the group's problems as independent draws;
    - boot_*: percentile interval of a notice-level (cluster) bootstrap: the group's notices are drawn with
      replacement `n_resamples` times and the share recomputed from their problems, so a group whose notices
      differ gets the wider interval it deserves. Seeded per group from `seed` (deterministic; adding notices to
      one group leaves the others' intervals alone). NaN for a group of fewer than two notices with problems:
      one notice cannot show how notices vary.
    Values of `column`: category and status as in category_counts and status_distribution; any other problems
    column by its values, a problem whose value is null left out of both count and problems. A group without
    problems has no share (NaN).
    """
    import numpy as np
    import pandas as pd

    table, levels = _notice_counts(problems, documents, column, by, unknown)
    rows = []
    by_group = dict(list(table.groupby(by, sort=False)))
    for group in group_order(documents, by, unknown):
        own = by_group.get(group, table.iloc[:0])
        counts = own[levels].to_numpy(dtype=float)
        totals = counts.sum(axis=1)
        with_problems = int((totals > 0).sum())
        if with_problems >= 2:
            rng = np.random.default_rng(_group_seed(seed, group))
            low, high = _cluster_bootstrap(counts, totals, n_resamples, rng, alpha)
        else:
            low = high = np.full(len(levels), np.nan)
        for i, level in enumerate(levels):
            rows.append(
                {
                    by: group,
                    column: level,
                    "count": int(counts[:, i].sum()),
                    "problems": int(totals.sum()),
                    "notices": len(own),
                    "boot_low": low[i],
                    "boot_high": high[i],
                }
            )
    result = pd.DataFrame(rows, columns=[by, column, "count", "problems", "notices", "boot_low", "boot_high"])
    result = result.astype({"count": "int64", "problems": "int64", "notices": "int64"})
    result["share"] = (result["count"] / result["problems"].where(result["problems"] > 0)).astype(float)
    result["wilson_low"], result["wilson_high"] = _wilson(result["count"], result["problems"], alpha)
    if not include_zero:
        result = result[result["count"] > 0]
    order = [by, column, "count", "problems", "notices", "share", "wilson_low", "wilson_high", "boot_low", "boot_high"]
    return result[order].reset_index(drop=True)


@dataclass(frozen=True)
class DifferenceTest:
    """Whether the distribution of a problems column differs between groups.

    method: 'chi-square' or 'permutation' (the one `p_value` comes from); p_chi_square: Pearson's chi-square on
    the groups × values table of problems; p_permutation: share of `n_permutations` reshufflings of whole notices
    between groups whose chi-square statistic is at least the observed one ((1 + k) / (1 + n)). table: the
    groups × values counts tested (groups and values without problems left out). caveats: what the test cannot
    see, in plain words.
    """

    column: str
    by: str
    method: str
    statistic: float
    dof: int
    p_value: float
    p_chi_square: float
    p_permutation: float
    n_permutations: int
    groups: int
    notices: int
    problems: int
    min_expected: float
    table: pd.DataFrame
    caveats: tuple[str, ...]

    def summary(self) -> str:
        """The result in one paragraph, its caveats after it."""
        head = (
            f"{self.column} by {self.by}: {self.groups} groups, {self.notices} notices, {self.problems} problems; "
            f"chi-square = {self.statistic:.2f} on {self.dof} df; p = {self.p_value:.4f} ({self.method}"
            + (f", {self.n_permutations} permutations of notices" if self.method == "permutation" else "")
            + f"; chi-square p = {self.p_chi_square:.4f}, permutation p = {self.p_permutation:.4f})."
        )
        return "\n".join([head, *(f"- {caveat}" for caveat in self.caveats)])


def _chi_square(table: np.ndarray) -> tuple[float, np.ndarray]:
    import numpy as np

    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / table.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        terms = np.where(expected > 0, (table - expected) ** 2 / np.where(expected > 0, expected, 1), 0.0)
    return float(terms.sum()), expected


def difference_test(
    problems: pd.DataFrame,
    documents: pd.DataFrame,
    column: str = "category",
    *,
    by: str = "city",
    unknown: str | None = None,
    method: str = "auto",
    n_permutations: int = 2000,
    seed: int = 0,
) -> DifferenceTest:
    """Test whether the groups' problems are distributed differently over the values of `column`.

    method 'auto' takes the chi-square p-value when every expected count is at least 5, else the permutation
    p-value (Cochran's rule); 'chi-square' or 'permutation' force one. Both p-values are always computed. The
    permutation test shuffles the group labels of whole notices, keeping each notice's problems together, so it
    respects the clustering the chi-square test ignores. Raises ValueError with fewer than two groups or values.
    """
    import numpy as np
    import pandas as pd
    from scipy.special import chdtrc  # the chi-square tail; scipy.stats would take seconds to import

    if method not in ("auto", "chi-square", "permutation"):
        raise ValueError(f"method must be 'auto', 'chi-square' or 'permutation', not {method!r}")
    per_notice, levels = _notice_counts(problems, documents, column, by, unknown)
    per_notice = per_notice[per_notice[levels].sum(axis=1) > 0]
    order = [g for g in group_order(documents, by, unknown) if g in set(per_notice[by])]
    if len(order) < 2 or len(levels) < 2:
        raise ValueError(f"a test needs two groups and two values with problems: {len(order)} and {len(levels)}")
    codes_of = {group: i for i, group in enumerate(order)}
    labels = per_notice[by].map(codes_of).to_numpy()
    counts = per_notice[levels].to_numpy(dtype=float)

    notices = np.arange(len(labels))
    membership = np.zeros((len(order), len(labels)))

    def aggregate(assignment: np.ndarray) -> np.ndarray:
        membership.fill(0.0)
        membership[assignment, notices] = 1.0
        return membership @ counts

    observed = aggregate(labels)
    statistic, expected = _chi_square(observed)
    dof = (len(order) - 1) * (len(levels) - 1)
    p_chi = float(chdtrc(dof, statistic))
    rng = np.random.default_rng(seed)
    exceed = sum(_chi_square(aggregate(rng.permutation(labels)))[0] >= statistic - 1e-9 for _ in range(n_permutations))
    p_perm = (1 + exceed) / (1 + n_permutations)
    small = int((expected < 5).sum())
    chosen = method if method != "auto" else ("permutation" if small else "chi-square")
    sizes = per_notice[levels].sum(axis=1)
    caveats = _test_caveats(problems, column, per_notice, by, small, expected, sizes, unknown)
    table = pd.DataFrame(observed.astype(int), index=pd.Index(order, name=by), columns=pd.Index(levels, name=column))
    return DifferenceTest(
        column=column,
        by=by,
        method=chosen,
        statistic=statistic,
        dof=dof,
        p_value=p_chi if chosen == "chi-square" else p_perm,
        p_chi_square=p_chi,
        p_permutation=p_perm,
        n_permutations=n_permutations,
        groups=len(order),
        notices=len(per_notice),
        problems=int(counts.sum()),
        min_expected=float(expected.min()),
        table=table,
        caveats=caveats,
    )


def _test_caveats(
    problems: pd.DataFrame,
    column: str,
    per_notice: pd.DataFrame,
    by: str,
    small: int,
    expected: np.ndarray,
    sizes: pd.Series,
    unknown: str | None,
) -> tuple[str, ...]:
    """What a difference test cannot see, for the data at hand."""
    caveats = [
        f"Clustering: the {int(sizes.sum())} problems come from {len(sizes)} notices (median "
        f"{sizes.median():g} each). The chi-square test treats problems as independent, so its p-value is too small "
        "when notices of one group differ among themselves; the permutation test moves whole notices between groups."
    ]
    if small:
        caveats.append(
            f"Small cells: {small} of {expected.size} expected counts are below 5 (smallest {expected.min():.2f}); "
            "the chi-square approximation is unreliable there, and the permutation p-value is the one to read."
        )
    singles = int((per_notice.groupby(by).size() == 1).sum())
    if singles and singles == per_notice[by].nunique():
        caveats.append(
            "Every group is a single notice: reshuffling notices only renames the groups, so the permutation test "
            "cannot reject (p = 1 by construction), and no test can tell groups from notices."
        )
    elif singles:
        caveats.append(
            f"{singles} group(s) have a single notice: their difference from the others cannot be told apart from "
            "that one notice's peculiarities."
        )
    if unknown is None and (per_notice.index.to_series() == per_notice[by]).any():
        caveats.append(f"Notices whose {by} is unknown stand for themselves as groups (pass unknown= to pool them).")
    if column == "category":
        coded = problems["category_source"].isin(["rule", "model"]) if "category_source" in problems else None
        share = f"{coded.mean():.0%} of problems" if coded is not None and len(coded) else "the categories"
        caveats.append(
            f"Machine-coded categories ({share} coded by rule or model): a difference may be the classifier's error "
            "rather than the notices'; check the classifier's measured agreement before reading one."
        )
    if column == "status":
        caveats.append(
            "Statuses are as the notices state them: 'unstated' and 'unmapped' are values of their own, and notices "
            "differ in what they call complete."
        )
    return tuple(caveats)


# --- completion -------------------------------------------------------------------------------------------------

DONE = ("complete", "deemed_complete")
NOT_ASSESSED = ("unstated",)  # the notice gives no status: neither done nor not done, so outside the denominator


def completion_definition(count_substantial: bool) -> str:
    """The recomputed completion rate's definition, in words."""
    done = [*DONE, *(["substantially_complete"] if count_substantial else [])]
    return (
        f"recomputed rate = problems with status {' or '.join(done)} / problems with a status "
        "(unstated and unmapped statuses left out of both), as of the notice's date (published_date; the notice "
        "reports its own progress then); 基本完成 (substantially_complete) "
        + ("counts as done" if count_substantial else "does not count as done")
        + ". stated rate = the notice's printed 整改完成率, else its completed count / its problem count."
    )


def completion(
    problems: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    by: str = "city",
    unknown: str | None = None,
    count_substantial: bool = False,
    tolerance: float = 1.0,
) -> pd.DataFrame:
    """Per notice, the completion rate it states beside the rate recomputed from its problems' statuses.

    Columns: <by>, doc_id, as_of (published_date), problems (extracted), assessed (with a status), done,
    rate_recomputed (percent of assessed), rate_stated (percent: completion_rate_reported, else
    problems_completed_reported / problems_reported), stated_from ('rate', 'counts' or null), difference
    (recomputed − stated, percentage points), disagrees (|difference| > `tolerance`; null when either rate is
    missing), counts_differ (the notice states a problem count other than the number extracted: the two rates are
    then over different problems). `attrs['definition']` spells the definition out.
    """
    import pandas as pd

    needed = ["published_date", "problems_reported", "problems_completed_reported", "completion_rate_reported"]
    missing = [column for column in needed if column not in documents.columns]
    if missing:
        raise ValueError(f"documents lacks {', '.join(missing)}: completion needs the notice's date and stated totals")
    status = problems["status"].astype(object)
    done_codes = [*DONE, *(["substantially_complete"] if count_substantial else [])]
    frame = pd.DataFrame(
        {
            "doc_id": problems["doc_id"].astype(object),
            "assessed": (status.notna() & ~status.isin(NOT_ASSESSED)).astype(int),
            "done": status.isin(done_codes).astype(int),
            "problems": 1,
        }
    )
    per_notice = frame.groupby("doc_id")[["problems", "assessed", "done"]].sum()
    ordered = _in_group_order(documents, by, unknown)
    result = pd.DataFrame({by: ordered["_group"].to_numpy(), "doc_id": ordered["doc_id"].astype(object).to_numpy()})
    result["as_of"] = pd.to_datetime(ordered["published_date"]).astype("datetime64[ns]").to_numpy()
    for column in ("problems", "assessed", "done"):
        result[column] = result["doc_id"].map(per_notice[column]).fillna(0).astype("int64")
    result["rate_recomputed"] = (100 * result["done"] / result["assessed"].where(result["assessed"] > 0)).astype(float)
    printed = pd.to_numeric(ordered["completion_rate_reported"], errors="coerce").to_numpy(dtype=float)
    completed = pd.to_numeric(ordered["problems_completed_reported"], errors="coerce").to_numpy(dtype=float)
    reported = pd.to_numeric(ordered["problems_reported"], errors="coerce").to_numpy(dtype=float)
    from_counts = pd.Series(100 * completed / reported).where(pd.Series(reported) > 0)
    stated = pd.Series(printed).where(pd.Series(printed).notna(), from_counts)
    result["rate_stated"] = stated.astype(float).to_numpy()
    basis = [
        "rate" if pd.notna(p) else "counts" if pd.notna(c) else None for p, c in zip(printed, from_counts, strict=True)
    ]
    result["stated_from"] = pd.Series(basis, dtype=object).to_numpy()
    result["difference"] = result["rate_recomputed"] - result["rate_stated"]
    known = result["difference"].notna()
    result["disagrees"] = pd.array(
        [bool(abs(d) > tolerance) if k else None for d, k in zip(result["difference"], known, strict=True)],
        dtype="boolean",
    )
    extracted = result["problems"].to_numpy()
    result["counts_differ"] = pd.array(
        [None if r != r else bool(r != e) for r, e in zip(reported, extracted, strict=True)], dtype="boolean"
    )
    result.attrs["definition"] = completion_definition(count_substantial)
    return result


def completion_by_group(
    problems: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    by: str = "city",
    unknown: str | None = None,
    count_substantial: bool = False,
    tolerance: float = 1.0,
    alpha: float = 0.05,
    n_resamples: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """The recomputed completion rate per group, with its intervals and how many notices state a rate.

    Columns: <by>, notices, assessed, done, rate (done / assessed, a fraction), wilson_low, wilson_high,
    boot_low, boot_high (notice-level bootstrap as in `shares`; NaN with fewer than two notices with assessed
    problems), stated (notices stating a rate), disagreeing (of those, notices whose stated and recomputed rates
    differ by more than `tolerance` points). `attrs['definition']` spells the definition out.
    """
    import numpy as np
    import pandas as pd

    per_notice = completion(
        problems, documents, by=by, unknown=unknown, count_substantial=count_substantial, tolerance=tolerance
    )
    rows = []
    by_group = dict(list(per_notice.groupby(by, sort=False)))
    for group in group_order(documents, by, unknown):
        own = by_group.get(group, per_notice.iloc[:0])
        assessed = own["assessed"].to_numpy(dtype=float)
        done = own["done"].to_numpy(dtype=float)[:, None]
        if int((assessed > 0).sum()) >= 2:
            rng = np.random.default_rng(_group_seed(seed, group))
            low, high = _cluster_bootstrap(done, assessed, n_resamples, rng, alpha)
        else:
            low = high = np.array([np.nan])
        rows.append(
            {
                by: group,
                "notices": len(own),
                "assessed": int(assessed.sum()),
                "done": int(done.sum()),
                "boot_low": float(low[0]),
                "boot_high": float(high[0]),
                "stated": int(own["rate_stated"].notna().sum()),
                "disagreeing": int(own["disagrees"].fillna(False).sum()),
            }
        )
    columns = [by, "notices", "assessed", "done", "boot_low", "boot_high", "stated", "disagreeing"]
    result = pd.DataFrame(rows, columns=columns)
    result = result.astype({c: "int64" for c in ("notices", "assessed", "done", "stated", "disagreeing")})
    result["rate"] = (result["done"] / result["assessed"].where(result["assessed"] > 0)).astype(float)
    result["wilson_low"], result["wilson_high"] = _wilson(result["done"], result["assessed"], alpha)
    columns = [by, "notices", "assessed", "done", "rate", "wilson_low", "wilson_high", "boot_low", "boot_high"]
    result = result[[*columns, "stated", "disagreeing"]]
    result.attrs["definition"] = completion_definition(count_substantial)
    return result
