"""Histories (run, months ago) that move one month on without copying their months.

``shift_history`` prepends this month's value to a history and drops the oldest month. A history it
returns is a view of a wider buffer (``SPARE_MONTHS`` free columns in front of the months kept),
and the next shift writes the new month into the free column just in front of the view: no month
already kept is copied or changed, so every history ever returned keeps its values (the chain's
step stays pure). A hidden last row of the buffer marks the columns written; a column is written
once only, so shifting the same history twice (two futures branching from one state) gives the
second a fresh buffer. When the spare columns run out, the history moves to a fresh buffer (one
copy every ``SPARE_MONTHS`` months). ``shift_history_reference`` is the plain numpy version.
"""

from __future__ import annotations

import threading
import weakref

import numpy as np

SPARE_MONTHS = 120  # free columns in front of a history's months (one copy per this many months)
_BUFFERS: weakref.WeakValueDictionary[int, np.ndarray] = weakref.WeakValueDictionary()
_CLAIMS = threading.Lock()  # finding a free column and marking it written happen as one step


def shift_history_reference(history: np.ndarray, newest: np.ndarray) -> np.ndarray:
    """Prepend this month's value (run,) to a (run, months ago) history, dropping the oldest."""
    return np.concatenate([newest[:, None], history[:, :-1]], axis=1)


def shift_history(history: np.ndarray, newest: np.ndarray) -> np.ndarray:
    """``shift_history_reference`` as a view of a buffer the history moves through (same values;
    ``history`` and every earlier history keep theirs)."""
    runs, months = history.shape
    with _CLAIMS:
        column = _claim_column(history)
    buffer = history.base
    if column is None or not isinstance(buffer, np.ndarray):
        if months < 1:
            return shift_history_reference(history, newest)
        buffer = np.empty((runs + 1, SPARE_MONTHS + months))
        buffer[runs, :SPARE_MONTHS] = 0.0  # free
        buffer[runs, SPARE_MONTHS:] = 1.0  # written
        buffer[:runs, SPARE_MONTHS + 1 :] = history[:, :-1]
        _BUFFERS[id(buffer)] = buffer
        column = SPARE_MONTHS
    buffer[:runs, column] = newest
    return buffer[:runs, column : column + months]


def _claim_column(history: np.ndarray) -> int | None:
    """``_free_column`` marked written in the buffer's hidden row, so no other shift (another thread
    stepping from the same state included) can take it; None when there is none."""
    column, buffer = _free_column(history), history.base
    if column is not None and isinstance(buffer, np.ndarray):
        buffer[history.shape[0], column] = 1.0
    return column


def _free_column(history: np.ndarray) -> int | None:
    """The free column just in front of ``history`` in its buffer, or None (not a view of one of
    this module's buffers, no column left, or the column already written by another shift)."""
    buffer = history.base
    if not isinstance(buffer, np.ndarray) or _BUFFERS.get(id(buffer)) is not buffer:
        return None
    runs, months = history.shape
    offset = history.__array_interface__["data"][0] - buffer.__array_interface__["data"][0]
    column = offset // buffer.itemsize
    if buffer.shape[0] != runs + 1 or history.strides != buffer.strides or column < 1:
        return None
    if column + months > buffer.shape[1] or buffer[runs, column - 1] != 0.0:
        return None
    return int(column - 1)
