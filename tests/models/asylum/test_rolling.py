"""Tests of histories that move one month on as views of a wider buffer."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from migratielab.models.asylum import rolling
from migratielab.models.asylum.rolling import shift_history, shift_history_reference


@given(
    start=arrays(np.float64, (3, 5), elements=st.floats(-1e6, 1e6)),
    months=st.integers(1, 2 * rolling.SPARE_MONTHS + 3),
    branch=st.integers(0, 2 * rolling.SPARE_MONTHS + 3),
)
def test_shifted_histories_equal_the_reference_and_never_change(
    start: np.ndarray, months: int, branch: int
) -> None:
    """Every history returned equals the numpy shift, keeps its values after later shifts (also
    after a second shift of the same history, a branching future), past the spare columns."""
    draws = np.random.default_rng(months).normal(size=(months, 3))
    kept, expected = [start], [start]
    for month in range(months):
        kept.append(shift_history(kept[-1], draws[month]))
        expected.append(shift_history_reference(expected[-1], draws[month]))
    at = min(branch, months)
    branched = shift_history(kept[at], -draws[at % months])
    np.testing.assert_array_equal(branched, shift_history_reference(expected[at], -draws[at % months]))
    for history, reference in zip(kept, expected, strict=True):
        np.testing.assert_array_equal(history, reference)
