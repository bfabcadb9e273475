"""Age-structured first-in-first-out queues over an ensemble: arrays shaped (run, months_waited)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from migratielab.errors import ConservationError, InfeasibleRunError

RELATIVE_TOLERANCE = 1e-9


def serve_oldest_first(queue: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """Cases served per age bin when ``capacity`` (per run) is spent on the oldest cases first.

    ``queue`` is (run, age) with the oldest bin last; the result has the same shape and never
    exceeds ``queue`` element-wise.
    """
    oldest_first = queue[:, ::-1]
    waiting_before = np.cumsum(oldest_first, axis=1) - oldest_first
    served = np.clip(capacity[:, None] - waiting_before, 0.0, oldest_first)
    return np.ascontiguousarray(served[:, ::-1])


def age_one_month(queue: np.ndarray) -> np.ndarray:
    """Shift every case one month older; the last bin accumulates (it means "this many months or more")."""
    aged = np.zeros_like(queue)
    aged[..., 1:] = queue[..., :-1]
    aged[..., -1] += queue[..., -1]
    return aged


class Served(NamedTuple):
    """A month of a queue (row, bin): served oldest first, the rest aged one month; sums per row."""

    served: np.ndarray  # (row, bin) cases served per bin
    after: np.ndarray  # (row, bin) cases left, aged one month
    served_total: np.ndarray  # (row,) cases served
    after_total: np.ndarray  # (row,) cases left
    wait_sum: np.ndarray  # (row,) months waited summed over those served (bins counted at their middle)
    past_term: np.ndarray  # (row,) cases left in bin ``term`` or later
    at_term: np.ndarray  # (row,) cases left in bin ``term``


def serve_and_age_reference(queue: np.ndarray, capacity: np.ndarray, first: np.ndarray, term: int) -> Served:
    """``serve_and_age`` in numpy: ``serve_oldest_first`` on bins ``>= first`` (per row), then
    ``age_one_month`` (the reference the compiled version is tested against)."""
    bins = queue.shape[1]
    eligible = np.arange(bins)[None, :] >= first[:, None]
    served = serve_oldest_first(np.where(eligible, queue, 0.0), capacity)
    after = age_one_month(queue - served)
    at_term = after[:, term] if term < bins else np.zeros(queue.shape[0])
    return Served(
        served=served,
        after=after,
        served_total=served.sum(axis=1),
        after_total=after.sum(axis=1),
        wait_sum=(served * (np.arange(bins) + 0.5)).sum(axis=1),
        past_term=after[:, term:].sum(axis=1),
        at_term=at_term,
    )


def serve_and_age(queue: np.ndarray, capacity: np.ndarray, first: np.ndarray, term: int) -> Served:
    """Serve ``capacity`` (row,) oldest first among bins ``>= first`` (row,), age the rest one month.

    ``queue`` (row, bin) cases with the oldest bin last (it means "this many months or more");
    ``term`` a bin whose cases are counted (``past_term``: that bin and later). One compiled pass
    per row, with the arithmetic of ``serve_and_age_reference`` in the same order per bin.
    """
    rows, bins = queue.shape
    served, after = np.empty((rows, bins)), np.empty((rows, bins))
    sums = np.empty((5, rows))
    _serve_and_age(
        np.ascontiguousarray(queue, dtype=np.float64),
        np.ascontiguousarray(np.broadcast_to(capacity, (rows,)), dtype=np.float64),
        np.ascontiguousarray(np.broadcast_to(first, (rows,)), dtype=np.int64),
        term,
        (served, after, sums),
    )
    return Served(served, after, *sums)


@njit(cache=True, nogil=True)
def _serve_and_age(
    queue: np.ndarray,
    capacity: np.ndarray,
    first: np.ndarray,
    term: int,
    out: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> None:
    """Rows of ``serve_and_age`` into ``out`` = (served, after, sums (5, row))."""
    served, after, sums = out
    last = queue.shape[1] - 1
    for row in range(queue.shape[0]):
        waiting = 0.0
        served_total, after_total, wait_sum, past_term = 0.0, 0.0, 0.0, 0.0
        for age in range(last, -1, -1):
            cases = queue[row, age] if age >= first[row] else 0.0
            waiting += cases
            serving = min(max(capacity[row] - (waiting - cases), 0.0), cases)
            served[row, age] = serving
            left = queue[row, age] - serving
            target = min(age + 1, last)
            after[row, target] = left if age != last - 1 else left + after[row, last]
            served_total += serving
            wait_sum += serving * (age + 0.5)
        after[row, 0] = 0.0
        for age in range(last + 1):
            after_total += after[row, age]
            if age >= term:
                past_term += after[row, age]
        sums[0, row], sums[1, row], sums[2, row] = served_total, after_total, wait_sum
        sums[3, row], sums[4, row] = past_term, after[row, term] if term <= last else 0.0


def check_balance(
    name: str, before: np.ndarray, inflow: np.ndarray, outflow: np.ndarray, after: np.ndarray
) -> None:
    """Raise ConservationError unless ``after == before + inflow - outflow``; InfeasibleRunError if
    ``after`` is not finite or below zero by more than round-off (relative to the stock's turnover)."""
    expected = before + inflow - outflow
    scale = np.maximum(1.0, np.abs(before) + np.abs(inflow) + np.abs(outflow))
    if not np.all(np.isfinite(after)):
        run = int(np.argmin(np.isfinite(after)))
        raise InfeasibleRunError(f"stock {name!r} of run {run} is no longer a finite number")
    error = np.abs(after - expected) / scale
    if np.any(error > RELATIVE_TOLERANCE):
        run = int(np.argmax(error))
        raise ConservationError(
            f"stock {name!r} does not balance in run {run}: before {before[run]:.6g} + in "
            f"{inflow[run]:.6g} - out {outflow[run]:.6g} != after {after[run]:.6g}"
        )
    below = after < -RELATIVE_TOLERANCE * scale  # round-off of a stock that empties is not an error
    if np.any(below):
        run = int(np.argmax(below))
        raise InfeasibleRunError(f"stock {name!r} would be negative in run {run}: {after[run]:.6g}")


def quantile_from_histogram(histogram: np.ndarray, quantile: float) -> np.ndarray:
    """The ``quantile`` of waits (in bins, interpolated within the bin) from a (run, bin) histogram."""
    totals = histogram.sum(axis=1)
    cumulative = np.cumsum(histogram, axis=1)
    target = quantile * totals
    index = np.minimum((cumulative < target[:, None]).sum(axis=1), histogram.shape[1] - 1)
    below = (
        np.take_along_axis(cumulative, index[:, None], axis=1)[:, 0]
        - histogram[np.arange(histogram.shape[0]), index]
    )
    inside = histogram[np.arange(histogram.shape[0]), index]
    fraction = np.divide(target - below, inside, out=np.full_like(target, 0.5), where=inside > 0)
    return np.where(totals > 0, index + fraction, np.nan)
