"""Forecasting asylum applications with a track record: the rolling-origin evaluation.

The CLI (``migratielab forecast-eval``), the API and the dashboard call these functions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from migratielab.analysis.forecasting import Method, rolling_origin, summary
from migratielab.models.asylum import history
from migratielab.models.asylum.forecast import (
    calibrated_paths,
    ensemble_paths,
    ets_paths,
    random_walk_paths,
    seasonal_naive_paths,
    simple_ets_paths,
)

METHODS: dict[str, Method] = {
    "ets (damped trend, log)": ets_paths,
    "ets (no trend, log) = arima(0,1,1)": simple_ets_paths,
    "ets, empirical intervals": calibrated_paths,
    "ensemble": ensemble_paths,
    "naive random walk": random_walk_paths,
    "seasonal naive": seasonal_naive_paths,
}
EVALUATION_YEARS = (2015, 2025)


@dataclass(frozen=True)
class ForecastEvaluation:
    """Scores per method and origin, and their summary (mean CRPS, interval coverage)."""

    scores: pd.DataFrame
    summary: pd.DataFrame


def observed_monthly(last_year: int) -> pd.Series:
    """Observed first plus repeat applications per month from the first observed year (2010) to
    December ``last_year``."""
    first = history.first_observed_year()
    values = history.monthly_applications(first, last_year)
    index = pd.date_range(f"{first}-01-01", periods=values.size, freq="MS")
    return pd.Series(values, index=index, name="applications")


def evaluate_forecasts(
    years: tuple[int, int] = EVALUATION_YEARS, paths: int = 1000, seed: int = 1
) -> ForecastEvaluation:
    """Forecast each January of ``years`` twelve months ahead with every method; score the totals."""
    monthly = observed_monthly(years[1])
    origins = [pd.Timestamp(year, 1, 1) for year in range(years[0], years[1] + 1)]
    draws = np.random.default_rng(seed).standard_normal((12, paths))
    scores = rolling_origin(monthly, METHODS, origins, draws)
    return ForecastEvaluation(scores=scores, summary=summary(scores))
