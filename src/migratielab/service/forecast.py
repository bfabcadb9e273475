"""Forecasting asylum applications with a track record: the rolling-origin evaluation.

The CLI (``migratielab forecast-eval``), the API and the dashboard call these functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

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
METHOD_KEYS = dict(
    zip(
        METHODS, ("ets", "simple_ets", "calibrated", "ensemble", "random_walk", "seasonal_naive"), strict=True
    )
)
"""A short key per method (texts of the faces are looked up by it)."""
FORECAST_METHOD = "ets, empirical intervals"
"""The method behind ``inflow: {kind: forecast}`` and the dashboard's fan."""
EVALUATION_YEARS = (2015, 2025)
FAN_QUANTILES = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95)


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


@dataclass(frozen=True)
class ForecastFan:
    """The observed months before the forecast and the forecast's quantiles per month ahead."""

    observed: pd.Series  # persons per month, indexed by month start
    quantiles: pd.DataFrame  # index: month start; columns: quantiles (0.05 ... 0.95); persons per month


def forecast_fan(months: int = 24, paths: int = 2000, seed: int = 1, shown_years: int = 6) -> ForecastFan:
    """The forecast of the months after the last observed year, from the whole observed history.

    ``shown_years`` observed years are returned to draw before the fan (persons per month).
    """
    last_year = int(history.annual_applications().index.max())
    monthly = observed_monthly(last_year)
    draws = np.random.default_rng(seed).standard_normal((months, paths))
    sampled = METHODS[FORECAST_METHOD](monthly.to_numpy(dtype=float), draws)
    index = pd.date_range(f"{last_year + 1}-01-01", periods=months, freq="MS")
    quantiles = pd.DataFrame(
        np.quantile(sampled, FAN_QUANTILES, axis=0).T, index=index, columns=FAN_QUANTILES
    )
    shown = monthly[monthly.index >= pd.Timestamp(last_year - shown_years + 1, 1, 1)]
    return ForecastFan(observed=shown, quantiles=quantiles)


@dataclass(frozen=True)
class ForecastReport:
    """What the dashboard's forecast page shows: the fan and the evaluation summary per method."""

    fan: ForecastFan
    summary: pd.DataFrame


@lru_cache(maxsize=1)
def forecast_report() -> ForecastReport:
    """The fan and the default evaluation (computed once per process; both are deterministic)."""
    return ForecastReport(fan=forecast_fan(), summary=evaluate_forecasts().summary)
