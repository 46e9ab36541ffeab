"""Which features of one problem pushed a linear model towards a category: the evidence shown to researchers."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np


def pushing_features(row, coefficients: np.ndarray) -> Iterator[tuple[float, int]]:
    """(contribution, column) of each feature of the sparse one-row matrix `row` whose contribution (value ×
    coefficient) is positive, strongest first; ties go to the higher column."""
    values = row.data * coefficients[row.indices]
    order = np.lexsort((-row.indices, -values))
    for at in order:
        if values[at] <= 0:
            return
        yield float(values[at]), int(row.indices[at])
