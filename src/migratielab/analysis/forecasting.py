"""Rolling-origin evaluation of probabilistic forecasts: CRPS and interval coverage.

At each origin (a January), every method forecasts the next twelve months from the history before
it; the score is computed on the twelve-month total, the quantity the store observes in every year
(its monthly values are spread from annual totals in most years). The continuous ranked probability
score of a sample ``x`` against the outcome ``y`` is E|X - y| - E|X - X'| / 2 (persons; lower is
better); coverage is the share of origins whose outcome lies in the central 80% and 95% intervals.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

Method = Callable[[np.ndarray, np.ndarray], np.ndarray]  # (history, draws) -> paths (path, month)
HORIZON = 12


def crps(samples: np.ndarray, outcome: float) -> float:
    """Sample CRPS (same unit as ``outcome``): E|X - y| - E|X - X'| / 2, via sorted samples."""
    ordered = np.sort(samples)
    n = ordered.size
    spread = np.sum((2 * np.arange(1, n + 1) - n - 1) * ordered) / (n * n)
    return float(np.mean(np.abs(ordered - outcome)) - spread)


def covered(samples: np.ndarray, outcome: float, level: float) -> bool:
    """Whether ``outcome`` lies in the central ``level`` interval of ``samples``."""
    low, high = np.quantile(samples, [(1 - level) / 2, (1 + level) / 2])
    return bool(low <= outcome <= high)


def rolling_origin(
    monthly: pd.Series, methods: dict[str, Method], origins: list[pd.Timestamp], draws: np.ndarray
) -> pd.DataFrame:
    """One row per method and origin: the forecast of the next 12 months' total against the outcome.

    ``monthly`` is indexed by month start; ``draws`` standard-normal (12, path), shared by methods.
    """
    rows = []
    for origin in origins:
        history = monthly[monthly.index < origin].to_numpy(dtype=float)
        outcome = float(monthly[(monthly.index >= origin)].iloc[:HORIZON].sum())
        for name, method in methods.items():
            totals = method(history, draws).sum(axis=1)
            rows.append(
                {
                    "method": name,
                    "origin": origin,
                    "outcome": outcome,
                    "median": float(np.median(totals)),
                    "crps": crps(totals, outcome),
                    "in_80": covered(totals, outcome, 0.80),
                    "in_95": covered(totals, outcome, 0.95),
                }
            )
    return pd.DataFrame(rows)


def summary(scores: pd.DataFrame) -> pd.DataFrame:
    """Per method: mean CRPS (persons), coverage of the 80% and 95% intervals, number of origins."""
    grouped = scores.groupby("method", sort=False)
    return pd.DataFrame(
        {
            "mean_crps": grouped["crps"].mean(),
            "coverage_80": grouped["in_80"].mean(),
            "coverage_95": grouped["in_95"].mean(),
            "origins": grouped["origin"].count(),
        }
    )
