"""Asylum inflow (first plus repeat applications, persons per month): bands and a stochastic generator.

The generator is a regime-switching log-AR(1) process:
``log a_t = m + x_t + s_t log k`` with ``x_t = phi x_{t-1} + sigma e_t`` and a two-state Markov surge
regime ``s_t``. It is calibrated on the observed annual series: surge years are those above
``SURGE_THRESHOLD`` times the median; their frequency, length and level give the regime parameters,
and ``phi`` and ``sigma`` are chosen so that simulated annual series reproduce the observed lag-one
autocorrelation and spread of annual log changes outside surges.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.signal import lfilter

from migratielab.models.random import Streams

SURGE_THRESHOLD = 1.5  # a surge year has more than 1.5 times the median annual inflow
BANDS = {"low": 0.1, "medium": 0.5, "high": 0.9}  # quantiles of observed annual inflow per band


@dataclass(frozen=True)
class InflowGenerator:
    """Calibrated parameters of the stochastic inflow generator (monthly)."""

    log_level: float  # m: log of the mean monthly inflow outside surges
    phi: float  # monthly AR(1) coefficient of the log deviation
    sigma: float  # monthly innovation standard deviation (log points)
    surge_start: float  # monthly probability that a surge starts
    surge_stay: float  # monthly probability that a surge continues
    surge_log_multiplier: float  # log of inflow in surges relative to normal
    calibration_years: tuple[int, int]

    def paths(
        self,
        streams: Streams,
        months: int,
        start_level: float | None = None,
        level_multiplier: float = 1.0,
    ) -> np.ndarray:
        """Monthly inflow paths (run, month), one run per random stream (in the order given).

        Each run draws from its own stream (the asylum pillar's ``pillar_stream(seed, "asylum", run)``),
        so a run's path does not depend on chunking or backend. Only the drawing loops over runs (two
        draw calls per run); the process itself is computed for all runs at once.
        """
        shocks = np.empty((len(streams), months))
        uniforms = np.empty((len(streams), months))
        for row, generator in enumerate(streams):
            shocks[row] = generator.standard_normal(months)
            uniforms[row] = generator.random(months)
        return self.paths_from_draws(shocks, uniforms, start_level, level_multiplier)

    def paths_from_draws(
        self,
        shocks: np.ndarray,
        uniforms: np.ndarray,
        start_level: float | None = None,
        level_multiplier: float = 1.0,
    ) -> np.ndarray:
        """Inflow paths from standard-normal shocks and uniform draws, both (run, month)."""
        level = self.log_level + np.log(level_multiplier)
        start = 0.0 if start_level is None else float(np.log(start_level) - level)
        initial = np.full(shocks.shape[0], self.phi * start)
        deviation, _ = lfilter([1.0], [1.0, -self.phi], self.sigma * shocks, axis=1, zi=initial[:, None])
        surge = np.zeros_like(uniforms, dtype=bool)
        in_surge = np.zeros(shocks.shape[0], dtype=bool)
        for t in range(uniforms.shape[1]):
            in_surge = np.where(in_surge, uniforms[:, t] < self.surge_stay, uniforms[:, t] < self.surge_start)
            surge[:, t] = in_surge
        return np.asarray(np.exp(level + deviation + surge * self.surge_log_multiplier))


def surge_years(annual: pd.Series) -> pd.Series:
    """Boolean per year: inflow above SURGE_THRESHOLD times the median."""
    return annual > SURGE_THRESHOLD * annual.median()


def calibrate(annual: pd.Series, seed: int = 0) -> InflowGenerator:
    """Fit the generator to an annual series of first plus repeat applications (persons per year)."""
    series = annual.dropna().sort_index()
    surges = surge_years(series)
    normal = series[~surges]
    episodes = int((surges & ~surges.shift(1, fill_value=False)).sum())
    surge_months = 12 * int(surges.sum())
    normal_months = 12 * int((~surges).sum())
    surge_start = episodes / normal_months if normal_months else 0.0
    mean_length = surge_months / episodes if episodes else 12.0
    multiplier = float(series[surges].mean() / normal.mean()) if episodes else 1.0
    log_normal = np.log(normal / 12.0)
    target_spread = float(np.diff(log_normal.to_numpy()).std(ddof=1))
    target_autocorrelation = float(np.corrcoef(log_normal.to_numpy()[:-1], log_normal.to_numpy()[1:])[0, 1])
    phi, sigma = fit_ar_to_annual(target_spread, max(target_autocorrelation, 0.0), seed)
    return InflowGenerator(
        log_level=float(np.log((normal / 12.0).mean())) - 0.5 * sigma**2 / (1 - phi**2),
        phi=phi,
        sigma=sigma,
        surge_start=surge_start,
        surge_stay=1.0 - 1.0 / mean_length,
        surge_log_multiplier=float(np.log(multiplier)),
        calibration_years=(int(series.index.min()), int(series.index.max())),
    )


def annual_log_statistics(phi: float, sigma: float, shocks: np.ndarray) -> tuple[float, float]:
    """Spread of annual log changes and lag-one autocorrelation of annual log levels of AR(1) paths."""
    deviation = lfilter([1.0], [1.0, -phi], sigma * shocks, axis=1)
    yearly = np.log(np.exp(deviation).reshape(shocks.shape[0], -1, 12).sum(axis=2))
    spread = float(np.diff(yearly, axis=1).std())
    centred = yearly - yearly.mean(axis=1, keepdims=True)
    autocorrelation = float((centred[:, 1:] * centred[:, :-1]).sum() / (centred**2).sum())
    return spread, autocorrelation


def fit_ar_to_annual(spread: float, autocorrelation: float, seed: int) -> tuple[float, float]:
    """Grid search for monthly (phi, sigma) reproducing annual spread and autocorrelation."""
    shocks = np.random.default_rng(seed).standard_normal((200, 12 * 40))
    best = (0.9, 0.1)
    best_loss = np.inf
    for phi in np.linspace(0.5, 0.99, 25):
        unit_spread, simulated_autocorrelation = annual_log_statistics(float(phi), 1.0, shocks)
        sigma = spread / unit_spread if unit_spread > 0 else 0.0
        loss = (simulated_autocorrelation - autocorrelation) ** 2
        if loss < best_loss:
            best, best_loss = (float(phi), float(sigma)), loss
    return best


def band_level(annual: pd.Series, band: str) -> float:
    """Annual inflow of a band: a quantile of the observed annual series (persons per year)."""
    return float(annual.dropna().quantile(BANDS[band]))


def annual_path_to_monthly(per_year: dict[int, float], start_year: int, months: int) -> np.ndarray:
    """Monthly inflow (persons per month) from annual totals; years after the last are held flat."""
    years = start_year + np.arange(months) // 12
    known = sorted(per_year)
    return (
        np.array([per_year[max((y for y in known if y <= year), default=known[0])] for year in years]) / 12.0
    )
