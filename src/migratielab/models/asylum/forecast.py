"""A probabilistic forecast of monthly asylum applications: exponential smoothing on the log scale.

The model is statsmodels' ETS with additive errors and a damped additive trend, fitted to the
logarithm of monthly first plus repeat applications; forecasts are simulated sample paths, so they
carry their uncertainty into the chain (one path per run, ``kind: forecast`` inflow). No seasonal
term: the store's monthly profile is observed in few years only (elsewhere annual totals are spread
evenly), so a seasonal pattern could not be estimated honestly from it.

Two naive references for the evaluation (``analysis.forecasting``): a random walk (the last month
persists, log changes drawn from the observed month-to-month changes) and a seasonal naive forecast
(the last twelve months repeat, scaled by a year-on-year log change drawn from the observed ones).
"""

from __future__ import annotations

import warnings

import numpy as np
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

MIN_MONTHS = 24  # at least two years of history to fit the model


def standard_draws(streams: list[np.random.Generator], horizon: int) -> np.ndarray:
    """Standard-normal draws (horizon, path), one column from each random stream."""
    draws = np.empty((horizon, len(streams)))
    for column, generator in enumerate(streams):
        draws[:, column] = generator.standard_normal(horizon)
    return draws


def check_history(history: np.ndarray) -> None:
    """Raise ValueError unless ``history`` has enough positive monthly values."""
    if (
        history.ndim != 1
        or history.size < MIN_MONTHS
        or np.any(history <= 0)
        or not np.all(np.isfinite(history))
    ):
        raise ValueError(f"need at least {MIN_MONTHS} positive finite monthly values, got {history.size}")


def ets_paths(history: np.ndarray, draws: np.ndarray) -> np.ndarray:
    """ETS sample paths (path, month) of applications per month after ``history`` (persons per month).

    ``draws`` are standard-normal (horizon, path); they are scaled by the fitted error deviation.
    """
    check_history(history)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter of the optimiser
        fitted = ETSModel(np.log(history), error="add", trend="add", damped_trend=True).fit(disp=False)
    sigma = float(np.sqrt(fitted.mse))
    horizon, paths = draws.shape
    simulated = fitted.simulate(horizon, anchor="end", repetitions=paths, random_errors=sigma * draws)
    return np.exp(np.asarray(simulated).reshape(horizon, paths).T)


def random_walk_paths(history: np.ndarray, draws: np.ndarray) -> np.ndarray:
    """Random-walk sample paths (path, month): the last month persists, log changes as observed."""
    check_history(history)
    changes = np.diff(np.log(history))
    steps = changes.std(ddof=1) * draws.T
    return np.asarray(history[-1] * np.exp(np.cumsum(steps, axis=1)))


def seasonal_naive_paths(history: np.ndarray, draws: np.ndarray) -> np.ndarray:
    """Seasonal-naive sample paths (path, month): the last twelve months repeat, scaled per year."""
    check_history(history)
    horizon = draws.shape[0]
    yearly = np.log(history[12:] / history[:-12])
    years = -(-horizon // 12)
    scale = yearly.std(ddof=1) * draws[:years].T  # one shock per year ahead
    pattern = np.resize(history[-12:], horizon)
    factor = np.exp(np.repeat(np.cumsum(scale, axis=1), 12, axis=1)[:, :horizon])
    return np.asarray(pattern[None, :] * factor)
