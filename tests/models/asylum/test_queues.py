"""Tests of the age-structured FIFO queue helpers."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from migratielab.errors import ConservationError, InfeasibleRunError
from migratielab.models.asylum.queues import (
    age_one_month,
    check_balance,
    check_balance_rows,
    check_balances,
    quantile_from_histogram,
    serve_and_age,
    serve_and_age_reference,
    serve_oldest_first,
    serve_tracks,
    serve_tracks_reference,
)


def test_oldest_cases_are_served_first() -> None:
    queue = np.array([[5.0, 3.0, 2.0]])  # ages 0, 1, 2 (oldest last)
    served = serve_oldest_first(queue, np.array([4.0]))
    np.testing.assert_allclose(served, [[0.0, 2.0, 2.0]])


@given(
    queue=arrays(np.float64, (3, 7), elements=st.floats(0, 1e6)),
    capacity=arrays(np.float64, (3,), elements=st.floats(0, 5e6)),
)
def test_serving_never_exceeds_queue_or_capacity(queue: np.ndarray, capacity: np.ndarray) -> None:
    served = serve_oldest_first(queue, capacity)
    assert np.all(served >= 0)
    assert np.all(served <= queue)
    np.testing.assert_allclose(
        served.sum(axis=1), np.minimum(capacity, queue.sum(axis=1)), rtol=1e-9, atol=1e-6
    )


def test_ageing_keeps_everyone_and_accumulates_in_last_bin() -> None:
    queue = np.array([[1.0, 2.0, 3.0]])
    np.testing.assert_allclose(age_one_month(queue), [[0.0, 1.0, 5.0]])


def test_balance_violation_and_negative_stock_raise() -> None:
    one = np.array([1.0])
    with pytest.raises(ConservationError, match="does not balance"):
        check_balance("x", one, one, one, one * 2)
    with pytest.raises(ConservationError, match="negative"):
        check_balance("x", one, 0 * one, 2 * one, -one)


def test_histogram_quantile_interpolates_within_bin() -> None:
    histogram = np.array([[0.0, 10.0, 0.0, 10.0]])
    assert quantile_from_histogram(histogram, 0.5)[0] == pytest.approx(2.0)
    assert quantile_from_histogram(histogram, 0.25)[0] == pytest.approx(1.5)


ROUNDING_RESIDUE = np.zeros((4, 9))
ROUNDING_RESIDUE[:, :2] = 109601.75379020571, 3.8329039482559892
"""A queue whose oldest bin uses up the capacity exactly: the reference still serves the younger bin
the rounding residue of ``(a + b) - a - b`` (Hypothesis found such a case when the compiled kernel
stopped serving once capacity was spent)."""


@settings(deadline=None)  # the first example loads the compiled kernel
@example(
    queue=ROUNDING_RESIDUE,
    capacity=np.full(4, 3.8329039482559892),
    first=np.zeros(4, np.int64),
    term=0,
    joining=np.zeros(4),
)
@given(
    queue=arrays(np.float64, (4, 9), elements=st.floats(0, 1e6)),
    capacity=arrays(np.float64, (4,), elements=st.floats(0, 5e6)),
    first=arrays(np.int64, (4,), elements=st.integers(0, 9)),
    term=st.integers(0, 10),
    joining=arrays(np.float64, (4,), elements=st.floats(0, 1e5)),
)
def test_compiled_serve_and_age_matches_the_numpy_reference(
    queue: np.ndarray, capacity: np.ndarray, first: np.ndarray, term: int, joining: np.ndarray
) -> None:
    """Every field of the compiled queue month equals the numpy composition to 1e-9 relative."""
    compiled = serve_and_age(queue, capacity, first, term, joining)
    reference = serve_and_age_reference(queue, capacity, first, term, joining)
    for name, expected in reference._asdict().items():
        np.testing.assert_allclose(getattr(compiled, name), expected, rtol=1e-9, atol=1e-9)
    np.testing.assert_array_equal(compiled.after, reference.after)  # same arithmetic per bin


@settings(deadline=None)  # the first example loads the compiled kernel
@given(
    queue=arrays(np.float64, (3, 3, 8), elements=st.floats(0, 1e6)),
    joining=arrays(np.float64, (3, 3), elements=st.floats(0, 1e5)),
    capacity=arrays(np.float64, (3,), elements=st.floats(0, 5e6)),
    weights=arrays(np.float64, (3, 3), elements=st.floats(0.05, 2.0)),
    term=st.integers(0, 7),
    since=st.integers(0, 9),
)
def test_compiled_serve_tracks_matches_the_numpy_reference(
    queue: np.ndarray, joining: np.ndarray, capacity: np.ndarray, weights: np.ndarray, term: int, since: int
) -> None:
    """Every field of the compiled month of a queue by track equals the numpy composition to 1e-9
    (the sums of bins from ``since`` on included)."""
    compiled = serve_tracks(queue, joining, capacity, weights, term, since)
    reference = serve_tracks_reference(queue, joining, capacity, weights, term, since)
    for name, expected in reference._asdict().items():
        scale = max(1.0, float(np.abs(queue).sum() + np.abs(joining).sum()))
        np.testing.assert_allclose(getattr(compiled, name), expected, rtol=1e-9, atol=1e-9 * scale)


@given(
    queue=arrays(np.float64, (3, 3, 8), elements=st.floats(0, 1e6)),
    joining=arrays(np.float64, (3, 3), elements=st.floats(0, 1e5)),
    capacity=arrays(np.float64, (3,), elements=st.floats(0, 5e6)),
)
def test_tracks_are_served_in_order_within_capacity(
    queue: np.ndarray, joining: np.ndarray, capacity: np.ndarray
) -> None:
    """A later track is served only when every earlier track is emptied; work stays within capacity."""
    weights = np.full((3, 3), 0.5)
    month = serve_tracks(queue, joining, capacity, weights, 4)
    waiting = queue.sum(axis=2) + joining
    assert np.all((month.served * weights).sum(axis=1) <= capacity * (1 + 1e-9) + 1e-9)
    for track in (1, 2):
        later_served = month.served[:, track] > 0
        emptied = np.isclose(month.served[:, track - 1], waiting[:, track - 1], rtol=1e-9, atol=1e-6)
        assert np.all(emptied[later_served])
    np.testing.assert_allclose(
        month.queue.sum(axis=(1, 2)) + month.served.sum(axis=1),
        queue.sum(axis=(1, 2)) + joining.sum(axis=1),
        rtol=1e-9,
        atol=1e-6,
    )


def test_a_queue_of_one_bin_is_refused() -> None:
    """The compiled months need a last bin that accumulates and one before it."""
    with pytest.raises(ValueError, match="at least two bins"):
        serve_and_age(np.ones((2, 1)), np.ones(2), np.zeros(2, np.int64), 0)
    with pytest.raises(ValueError, match="at least two bins"):
        serve_tracks(np.ones((2, 3, 1)), np.ones((2, 3)), np.ones(2), np.ones((2, 3)), 0)


@settings(deadline=None)  # the first example loads the compiled check
@given(
    rows=arrays(
        np.float64,
        (3, 4, 5),
        elements=st.one_of(st.floats(-10, 1e6), st.sampled_from([0.0, np.nan, -1e-12, 1e-12])),
    ),
    balanced=st.booleans(),
)
def test_compiled_balance_check_gives_the_numpy_verdict(rows: np.ndarray, balanced: bool) -> None:
    """``check_balance_rows`` raises exactly when ``check_balances`` does, with the same error."""
    if balanced:  # most stocks balance in a model: after = before + in - out
        rows[:, 3] = rows[:, 0] + rows[:, 1] - rows[:, 2]
    names = ["a", "b", "c"]
    expected: Exception | None = None
    try:
        check_balances(names, rows[:, 0], rows[:, 1], rows[:, 2], rows[:, 3])
    except (ConservationError, InfeasibleRunError) as error:
        expected = error
    if expected is None:
        check_balance_rows(names, [tuple(row) for row in rows])  # type: ignore[misc]
        return
    with pytest.raises(type(expected), match=re.escape(str(expected))):
        check_balance_rows(names, [tuple(row) for row in rows])  # type: ignore[misc]
