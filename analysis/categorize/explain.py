"""Which features of one problem pushed a linear model towards a category: the evidence shown to researchers."""

from __future__ import annotations

import numpy as np


def pushing_features(
    features, i: int, coefficients: np.ndarray, shown: np.ndarray, limit: int | None = None
) -> list[int]:
    """The columns of row `i` of the CSR matrix `features` whose contribution (value × coefficient) is positive,
    strongest first (ties go to the higher column): only columns where the mask `shown` is true, at most `limit`."""
    # The row's slice of the CSR arrays: `features[i]` would build and validate a one-row matrix per problem.
    start, end = features.indptr[i], features.indptr[i + 1]
    columns = features.indices[start:end]
    values = features.data[start:end] * coefficients[columns]
    keep = (values > 0) & shown[columns]
    columns, values = columns[keep], values[keep]
    if limit is not None and 0 < limit < len(values):
        # Sorting a long text's hundreds of features for the first few: keep those at least as strong as the
        # limit-th strongest (ties included, so the order below is still exact).
        keep = values >= np.partition(values, len(values) - limit)[len(values) - limit]
        columns, values = columns[keep], values[keep]
    return columns[np.lexsort((-columns, -values))][:limit].tolist()
