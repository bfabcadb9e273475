"""Compiled month kernels of the asylum chain beyond the queues, each beside its numpy reference.

A kernel does in one pass over a run's cells what its reference does in several numpy passes, with
the same arithmetic per cell; tests hold every kernel to its reference with Hypothesis.
"""

from __future__ import annotations

import numpy as np
from numba import njit


def schedule_family_reference(scheduled: np.ndarray, due: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Follow-on family scheduled (run, months ahead) one month later: the schedule moves one month
    closer and ``due`` (run,) persons are spread over the coming months by ``weights`` (run, months)."""
    moved = np.zeros_like(scheduled)
    moved[:, :-1] = scheduled[:, 1:]
    return moved + due[:, None] * weights


def schedule_family(scheduled: np.ndarray, due: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``schedule_family_reference`` in one compiled pass (the same value per cell)."""
    result = np.empty(scheduled.shape)
    _schedule_family(
        np.ascontiguousarray(scheduled, dtype=np.float64),
        np.ascontiguousarray(due, dtype=np.float64),
        np.ascontiguousarray(weights, dtype=np.float64),
        result,
    )
    return result


@njit(cache=True, nogil=True)
def _schedule_family(scheduled: np.ndarray, due: np.ndarray, weights: np.ndarray, out: np.ndarray) -> None:
    """Rows of ``schedule_family`` into ``out``."""
    runs, months = scheduled.shape
    for run in range(runs):
        for month in range(months - 1):
            out[run, month] = scheduled[run, month + 1] + due[run] * weights[run, month]
        out[run, months - 1] = 0.0 + due[run] * weights[run, months - 1]


def sum_columns(values: np.ndarray) -> np.ndarray:
    """Row sums of (run, few columns) ``values`` (tracks, months of a pipeline): column adds in
    column order (the order of ``sum(axis=1)`` for a few columns, without a reduction's per-row
    overhead)."""
    total = values[:, 0].copy()
    for column in range(1, values.shape[1]):
        total += values[:, column]
    return total


def shift_pipeline_reference(pipeline: np.ndarray, hires: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The staff pipeline (run, months since hire) one month on, ``hires`` (run,) FTE joining month
    0 and the last month leaving, and its row sums (``sum_columns``), in FTE."""
    shifted = np.empty_like(pipeline)
    shifted[:, 1:] = pipeline[:, :-1]
    shifted[:, 0] = hires
    return shifted, sum_columns(shifted)


def shift_pipeline(pipeline: np.ndarray, hires: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``shift_pipeline_reference`` in one compiled pass that reads each month once (the same
    values, the sums added in the same order)."""
    shifted, sums = np.empty(pipeline.shape), np.empty(pipeline.shape[0])
    _shift_pipeline(
        np.ascontiguousarray(pipeline, dtype=np.float64),
        np.ascontiguousarray(hires, dtype=np.float64),
        shifted,
        sums,
    )
    return shifted, sums


@njit(cache=True, nogil=True)
def _shift_pipeline(pipeline: np.ndarray, hires: np.ndarray, shifted: np.ndarray, sums: np.ndarray) -> None:
    """Rows of ``shift_pipeline`` into ``shifted`` and ``sums``."""
    runs, months = pipeline.shape
    for run in range(runs):
        total = hires[run]
        shifted[run, 0] = total
        for month in range(1, months):
            value = pipeline[run, month - 1]
            shifted[run, month] = value
            total += value
        sums[run] = total
