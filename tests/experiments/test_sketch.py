"""Streaming quantile sketches: accuracy bound and order-independent merging."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from migratielab.experiments.sketch import ALPHA, MIN_VALUE, QuantileSketch, chunk_counts

LEVELS = (0.05, 0.5, 0.95)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**31), st.integers(1, 400))
def test_quantiles_within_relative_accuracy(seed: int, runs: int) -> None:
    rng = np.random.default_rng(seed)
    values = np.where(rng.random((2, runs, 3)) < 0.2, 0.0, rng.lognormal(8, 2, (2, runs, 3)))
    sketch = QuantileSketch(2, 3)
    sketch.add(chunk_counts(values))
    estimated = sketch.quantiles(LEVELS)
    for row, level in enumerate(LEVELS):
        exact = np.quantile(values, level, axis=1, method="inverted_cdf")
        exact = np.where(exact < MIN_VALUE, 0.0, exact)
        np.testing.assert_allclose(estimated[row], exact, rtol=ALPHA * 1.0001, atol=0)


def test_merging_chunks_equals_one_pass() -> None:
    values = np.random.default_rng(1).gamma(2.0, 1000.0, (1, 300, 4))
    whole, parts = QuantileSketch(1, 4), QuantileSketch(1, 4)
    whole.add(chunk_counts(values))
    for start in (200, 0, 100):
        parts.add(chunk_counts(values[:, start : start + 100]))
    assert np.array_equal(whole.counts, parts.counts)
