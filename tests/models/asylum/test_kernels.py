"""The compiled month kernels of the chain against their numpy references."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from migratielab.models.asylum.kernels import (
    schedule_family,
    schedule_family_reference,
    shift_pipeline,
    shift_pipeline_reference,
)


@settings(deadline=None)  # the first example loads the compiled kernel
@given(
    scheduled=arrays(np.float64, (4, 9), elements=st.floats(0, 1e6)),
    due=arrays(np.float64, (4,), elements=st.floats(0, 1e5)),
    weights=arrays(np.float64, (4, 9), elements=st.floats(0, 1)),
)
def test_compiled_family_schedule_equals_the_numpy_reference(
    scheduled: np.ndarray, due: np.ndarray, weights: np.ndarray
) -> None:
    """Every cell of the compiled schedule equals the numpy composition (the same arithmetic)."""
    np.testing.assert_array_equal(
        schedule_family(scheduled, due, weights), schedule_family_reference(scheduled, due, weights)
    )


def test_family_schedule_moves_one_month_and_keeps_everyone() -> None:
    """The schedule moves one month closer; this month's due persons are added in full."""
    scheduled = np.array([[1.0, 2.0, 3.0]])
    weights = np.array([[0.5, 0.25, 0.25]])
    result = schedule_family(scheduled, np.array([4.0]), weights)
    np.testing.assert_allclose(result, [[2.0 + 2.0, 3.0 + 1.0, 1.0]])
    assert result.sum() == scheduled[:, 1:].sum() + 4.0


@settings(deadline=None)  # the first example loads the compiled kernel
@given(
    pipeline=arrays(np.float64, (5, 7), elements=st.floats(0, 1e4)),
    hires=arrays(np.float64, (5,), elements=st.floats(0, 1e3)),
)
def test_compiled_pipeline_shift_equals_the_numpy_reference(pipeline: np.ndarray, hires: np.ndarray) -> None:
    """The compiled shift gives the reference's pipeline and row sums exactly (same additions)."""
    shifted, sums = shift_pipeline(pipeline, hires)
    expected_shifted, expected_sums = shift_pipeline_reference(pipeline, hires)
    np.testing.assert_array_equal(shifted, expected_shifted)
    np.testing.assert_array_equal(sums, expected_sums)


def test_pipeline_moves_one_month_and_counts_its_staff() -> None:
    """Hires enter month 0, everyone moves one month on, the last month leaves; sums are FTE left."""
    shifted, sums = shift_pipeline(np.array([[1.0, 2.0, 3.0]]), np.array([4.0]))
    np.testing.assert_array_equal(shifted, [[4.0, 1.0, 2.0]])
    np.testing.assert_array_equal(sums, [7.0])
