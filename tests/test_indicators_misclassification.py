"""Shares corrected for a flag's measured errors: the Rogan–Gladen formula, its interval, and a simulation where the
true share is known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.indicators.misclassification import ErrorCounts, corrected_share, corrected_shares, rogan_gladen


def test_a_perfect_flag_needs_no_correction_and_a_known_case_is_corrected_by_the_formula() -> None:
    assert rogan_gladen(0.37, 1.0, 1.0) == pytest.approx(0.37)
    # observed 0.30 with sensitivity 0.8 and specificity 0.9: (0.30 + 0.9 - 1) / (0.8 + 0.9 - 1) = 0.2857
    assert rogan_gladen(0.30, 0.8, 0.9) == pytest.approx(0.2 / 0.7)
    # fewer flags than the false positives alone would give: clipped at 0, and at 1 above the top
    assert rogan_gladen(0.05, 0.8, 0.9) == 0.0 and rogan_gladen(0.99, 0.8, 0.99) == 1.0


def test_a_flag_no_better_than_chance_cannot_be_corrected() -> None:
    with pytest.raises(ValueError, match="chance"):
        rogan_gladen(0.5, 0.5, 0.5)
    with pytest.raises(ValueError, match="flagged"):
        corrected_share(3, 0, ErrorCounts(9, 1, 1, 9))


def test_the_corrected_share_recovers_a_known_true_share_that_the_raw_share_misses() -> None:
    # a population whose true share is 0.60, read by a rule that finds 85% of positives and flags 10% of negatives;
    # its error rates are measured on a separate hand-coded sample of 600, as the real ones are
    rng = np.random.default_rng(7)
    sensitivity, specificity = 0.85, 0.90

    def read(truth: np.ndarray) -> np.ndarray:
        draw = rng.random(truth.size)
        return np.where(truth, draw < sensitivity, draw >= specificity)

    truth = rng.random(20_000) < 0.60
    flagged = read(truth)
    sample_truth = rng.random(600) < 0.5
    sample_flag = read(sample_truth)
    errors = ErrorCounts(
        tp=int((sample_truth & sample_flag).sum()),
        fp=int((~sample_truth & sample_flag).sum()),
        fn=int((sample_truth & ~sample_flag).sum()),
        tn=int((~sample_truth & ~sample_flag).sum()),
    )
    share = corrected_share(int(flagged.sum()), flagged.size, errors)
    assert abs(share.observed - 0.60) > 0.04  # the raw share is off
    assert abs(share.corrected - 0.60) < 0.03 and share.low <= 0.60 <= share.high
    assert share.low <= share.corrected <= share.high


def test_the_interval_is_the_same_on_every_run() -> None:
    errors = ErrorCounts(270, 23, 49, 215)
    assert corrected_share(40, 100, errors) == corrected_share(40, 100, errors)


def test_shares_per_group_and_flag_leave_out_other_parts() -> None:
    flags = pd.DataFrame(
        {
            "doc_id": ["a", "a", "a", "b", "b"],
            "part": ["measure", "measure", "result", "measure", "measure"],
            "has_owner": [True, False, True, True, True],
        }
    )
    errors = {"has_owner": ErrorCounts(270, 23, 49, 215)}
    table = corrected_shares(flags, errors, by="doc_id")
    assert list(table.columns) == ["group", "flag", "items", "observed", "corrected", "low", "high"]
    assert table.set_index("group")["items"].to_dict() == {"a": 2, "b": 2}
    assert table.set_index("group")["observed"].to_dict() == {"a": 0.5, "b": 1.0}
    whole = corrected_shares(flags, errors)
    assert whole["group"].tolist() == ["all"] and whole["items"].tolist() == [4]
