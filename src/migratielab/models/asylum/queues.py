"""Age-structured first-in-first-out queues over an ensemble: arrays shaped (run, months_waited)."""

from __future__ import annotations

import numpy as np

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
