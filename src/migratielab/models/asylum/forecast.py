"""A probabilistic forecast of monthly asylum applications: exponential smoothing on the log scale.

The model is statsmodels' ETS with additive errors and a damped additive trend, fitted to the
logarithm of monthly first plus repeat applications; forecasts are simulated sample paths, so they
carry their uncertainty into the chain (one path per run, ``kind: forecast`` inflow). No seasonal
term: the store's monthly profile is observed in few years only (elsewhere annual totals are spread
evenly), so a seasonal pattern could not be estimated honestly from it.

Two variants address the ETS intervals, which were too narrow (the model's one-step errors understate
what a year brings): ``calibrated_paths`` keeps the ETS median path and draws each year's level shift
from the empirical distribution of the 12-month log changes of the 12-month total observed in the
history before the origin (nothing after the origin is used); ``ensemble_paths`` mixes ETS, the
calibrated ETS, the random walk and the seasonal naive forecast, each path taken from one member.
``simple_ets_paths`` is ETS without trend (equivalent to ARIMA(0,1,1) on the log).

Two naive references for the evaluation (``analysis.forecasting``): a random walk (the last month
persists, log changes drawn from the observed month-to-month changes) and a seasonal naive forecast
(the last twelve months repeat, scaled by a year-on-year log change drawn from the observed ones).
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy import special
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

from migratielab.models.random import Streams

MIN_MONTHS = 24  # at least two years of history to fit the model


def standard_draws(streams: Streams, horizon: int) -> np.ndarray:
    """Standard-normal draws (horizon, path), one column from each random stream (used in turn)."""
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


def _ets_paths(history: np.ndarray, draws: np.ndarray, trend: bool) -> np.ndarray:
    """Sample paths (path, month) of an ETS model with additive errors on the log of ``history``,
    with a damped additive trend or none; ``draws`` (horizon, path) are scaled by the fitted error
    deviation."""
    check_history(history)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter of the optimiser
        model = ETSModel(np.log(history), error="add", trend="add" if trend else None, damped_trend=trend)
        fitted = model.fit(disp=False)
    sigma = float(np.sqrt(fitted.mse))
    horizon, paths = draws.shape
    simulated = fitted.simulate(horizon, anchor="end", repetitions=paths, random_errors=sigma * draws)
    return np.exp(np.asarray(simulated).reshape(horizon, paths).T)


def ets_paths(history: np.ndarray, draws: np.ndarray) -> np.ndarray:
    """ETS (damped trend, log) sample paths (path, month) after ``history`` (persons per month)."""
    return _ets_paths(history, draws, trend=True)


def simple_ets_paths(history: np.ndarray, draws: np.ndarray) -> np.ndarray:
    """ETS without trend on the log (ARIMA(0,1,1)): sample paths (path, month), persons per month."""
    return _ets_paths(history, draws, trend=False)


def yearly_log_changes(history: np.ndarray) -> np.ndarray:
    """Log change of the 12-month total over the next 12 months, at every month of ``history`` where
    both windows are observed (dimensionless); the empirical error of a no-change annual forecast."""
    totals = np.convolve(history, np.ones(12), mode="valid")  # total of months t-11..t
    return np.asarray(np.log(totals[12:] / totals[:-12]))


def calibrated_paths(history: np.ndarray, draws: np.ndarray) -> np.ndarray:
    """ETS median path scaled per year ahead by empirical level shifts (path, month), persons per month.

    Year ``k`` ahead is shifted by the sum of ``k + 1`` shifts, each the quantile of the history's
    12-month log changes (centred on their median) at the normal probability of one draw: draw row
    ``k`` for year ``k``, so a path depends only on its own draws.
    """
    horizon = draws.shape[0]
    median = ets_paths(history, np.zeros((horizon, 1)))[0]
    changes = yearly_log_changes(history)
    changes = changes - np.median(changes)
    years = -(-horizon // 12)
    probabilities = special.ndtr(draws[:years].T)  # (path, year)
    shifts = np.cumsum(np.quantile(changes, probabilities), axis=1)
    factor = np.exp(np.repeat(shifts, 12, axis=1)[:, :horizon])
    return np.asarray(median[None, :] * factor)


def ensemble_paths(history: np.ndarray, draws: np.ndarray) -> np.ndarray:
    """Equal mixture of ETS, calibrated ETS, random walk and seasonal naive paths (path, month).

    Each path comes from one member, chosen by the normal probability of its last draw (so a path
    depends only on its own draws); persons per month.
    """
    members = (ets_paths, calibrated_paths, random_walk_paths, seasonal_naive_paths)
    choice = np.minimum((special.ndtr(draws[-1]) * len(members)).astype(int), len(members) - 1)
    paths = np.empty((draws.shape[1], draws.shape[0]))
    for index, member in enumerate(members):
        chosen = choice == index
        if chosen.any():
            paths[chosen] = member(history, draws[:, chosen])
    return paths


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
