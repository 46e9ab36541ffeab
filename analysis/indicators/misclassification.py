"""Shares of a flag corrected for the flag's measured errors (Rogan–Gladen), with an interval.

A rule that misses one owner in seven makes every share of measures with an owner too low, and a comparison of two
groups too flat. Given how often the rule was right on a hand-coded sample it had not seen (true and false positives
and negatives: `analysis.evaluate.concreteness.pooled_counts`), the share a group would have under the hand coding is

    corrected = (observed + specificity - 1) / (sensitivity + specificity - 1)

(Rogan and Gladen 1978), clipped to [0, 1]. Its interval carries both uncertainties: the observed share (the group's
own measures) and the error rates (the hand-coded sample), drawn from their Jeffreys posteriors with a fixed seed,
so a rebuild gives the same numbers. The correction assumes the rule errs at the same rates in the group as in the
sample; the sample's agencies are listed in tests/data/measure_quality/README.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

DRAWS = 4000
SEED = 20261201


@dataclass(frozen=True)
class ErrorCounts:
    """How a rule's flag compared with the hand coding on a sample: true/false positives and negatives."""

    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float:
        """Share of the rule's positives that the hand coding calls positive (1.0 when the rule flags nothing)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Share of the hand coding's positives that the rule finds (1.0 when there are none)."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def sensitivity(self) -> float:
        """Share of the hand coding's positives the rule finds (its recall), as the correction needs it."""
        return self.tp / (self.tp + self.fn)

    @property
    def specificity(self) -> float:
        """Share of the hand coding's negatives the rule leaves unflagged."""
        return self.tn / (self.tn + self.fp)


@dataclass(frozen=True)
class CorrectedShare:
    """A group's observed share of flagged items, the share corrected for the flag's errors, and its 95% interval."""

    items: int
    observed: float
    corrected: float
    low: float
    high: float


def rogan_gladen(observed: float, sensitivity: float, specificity: float) -> float:
    """The share under the hand coding that would produce `observed` with these error rates, clipped to [0, 1]."""
    informative = sensitivity + specificity - 1
    if informative <= 0:
        raise ValueError("a flag no better than chance (sensitivity + specificity <= 1) cannot be corrected")
    return float(np.clip((observed + specificity - 1) / informative, 0.0, 1.0))


def corrected_share(
    flagged: int, items: int, errors: ErrorCounts, draws: int = DRAWS, seed: int = SEED
) -> CorrectedShare:
    """The corrected share of `flagged` of `items`, with a 95% interval from `draws` joint draws (seeded)."""
    if items <= 0 or not 0 <= flagged <= items:
        raise ValueError(f"need 0 <= flagged <= items and items > 0, got {flagged} of {items}")
    observed = flagged / items
    corrected = rogan_gladen(observed, errors.sensitivity, errors.specificity)
    rng = np.random.default_rng(seed)
    share = rng.beta(flagged + 0.5, items - flagged + 0.5, draws)
    sensitivity = rng.beta(errors.tp + 0.5, errors.fn + 0.5, draws)
    specificity = rng.beta(errors.tn + 0.5, errors.fp + 0.5, draws)
    informative = np.maximum(sensitivity + specificity - 1, 1e-9)
    sampled = np.clip((share + specificity - 1) / informative, 0.0, 1.0)
    low, high = np.quantile(sampled, [0.025, 0.975])
    return CorrectedShare(items, observed, corrected, float(low), float(high))


def corrected_shares(
    flags: pd.DataFrame, errors: Mapping[str, ErrorCounts], by: str | None = None, part: str = "measure"
) -> pd.DataFrame:
    """Per flag (and per value of `by`, e.g. doc_id or a grouping key), the observed and corrected shares of the
    items of `part` with the flag set, with the corrected share's 95% interval.

    `flags` is the concreteness table (one row per item, a boolean column per flag); `errors` maps each flag to
    counts from a hand-coded sample the rules had not seen.
    """
    import pandas as pd

    rows = flags[flags["part"] == part] if "part" in flags.columns else flags
    groups = [("all", rows)] if by is None else list(rows.groupby(by, sort=True))
    out = []
    for key, group in groups:
        for flag, counts in errors.items():
            values = group[flag].fillna(False).astype(bool)
            share = corrected_share(int(values.sum()), len(values), counts)
            out.append({"group": key, "flag": flag, **vars(share)})
    return pd.DataFrame(out, columns=["group", "flag", "items", "observed", "corrected", "low", "high"])
