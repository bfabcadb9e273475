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
