"""Streaming quantiles over runs per time step: fixed log-spaced histograms (DDSketch-style).

A value ``v >= MIN_VALUE`` falls in bin ``ceil(log(v) / log(gamma))`` with
``gamma = (1 + ALPHA) / (1 - ALPHA)``; the bin is reported by ``2 gamma^i / (gamma + 1)``, which is
within ``ALPHA`` (relative) of every value in the bin. So a quantile read from the sketch is the
value at the exact rank (``inverted_cdf`` definition) up to a relative error of ``ALPHA`` (1%).
Values below ``MIN_VALUE`` (including zero and any negatives) count as 0; values above
``MAX_VALUE`` fall in the top bin. Counts are integers, so sketches merge exactly in any order:
the summary does not depend on chunking or backend. Memory: ``variables x months x BINS`` int64
counts per policy (about 8 MB for 6 variables over 10 years), whatever the number of runs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ALPHA = 0.01  # relative accuracy of reported quantiles
MIN_VALUE = 1e-2  # smallest value told apart from zero (persons, cases, euros)
MAX_VALUE = 1e12  # largest value told apart from the top bin
GAMMA = (1.0 + ALPHA) / (1.0 - ALPHA)
LOG_GAMMA = float(np.log(GAMMA))
FIRST_INDEX = int(np.ceil(np.log(MIN_VALUE) / LOG_GAMMA))
LAST_INDEX = int(np.ceil(np.log(MAX_VALUE) / LOG_GAMMA))
BINS = LAST_INDEX - FIRST_INDEX + 2  # bin 0 holds zeros; bins 1.. hold FIRST_INDEX..LAST_INDEX


def bin_of(values: np.ndarray) -> np.ndarray:
    """Sketch bin of each value (same shape, int64)."""
    safe = np.maximum(values, MIN_VALUE)
    index = np.ceil(np.log(safe) / LOG_GAMMA).astype(np.int64) - FIRST_INDEX + 1
    return np.where(values < MIN_VALUE, 0, np.clip(index, 1, BINS - 1))


def bin_value(bins: np.ndarray) -> np.ndarray:
    """Representative value of each bin (0 for the zero bin)."""
    exponent = bins + FIRST_INDEX - 1
    return np.where(bins == 0, 0.0, 2.0 * GAMMA ** exponent.astype(float) / (GAMMA + 1.0))


@dataclass(frozen=True)
class SparseCounts:
    """Non-zero sketch counts of one chunk: flat (variable, month, bin) index and count."""

    index: np.ndarray  # int64 flat indices into (variables, months, BINS)
    count: np.ndarray  # int64 counts


def chunk_counts(values: np.ndarray) -> SparseCounts:
    """Sketch counts of one chunk; ``values`` is (variables, runs, months), NaN-free."""
    variables, _, months = values.shape
    bins = bin_of(values)
    flat = (np.arange(variables)[:, None, None] * months + np.arange(months)[None, None, :]) * BINS + bins
    index, count = np.unique(flat, return_counts=True)
    return SparseCounts(index=index, count=count.astype(np.int64))


class QuantileSketch:
    """Counts per (variable, month, bin) for one policy; add chunks, then read quantiles."""

    def __init__(self, variables: int, months: int) -> None:
        self.counts = np.zeros((variables, months, BINS), dtype=np.int64)

    def add(self, counts: SparseCounts) -> None:
        """Merge the counts of one chunk."""
        np.add.at(self.counts.reshape(-1), counts.index, counts.count)

    def quantiles(self, levels: tuple[float, ...]) -> np.ndarray:
        """Quantiles (level, variable, month) at the exact rank ``ceil(q n)`` up to ALPHA; NaN if empty."""
        cumulative = np.cumsum(self.counts, axis=2)
        total = cumulative[:, :, -1]
        result = np.full((len(levels), *total.shape), np.nan)
        for row, level in enumerate(levels):
            rank = np.maximum(np.ceil(level * total), 1)
            found = (cumulative >= rank[:, :, None]).argmax(axis=2)
            result[row] = np.where(total > 0, bin_value(found), np.nan)
        return result
