"""Input paths of a projection: a migration plan or net migration, with per-run uncertain inputs.

Uncertain inputs (fertility level, life expectancy, departure hazards, native emigration and the
plan's levels within their bands) are drawn per run from the population pillar's own random stream
(``models.random.pillar_stream(seed, "population", run)``), so a run's paths do not depend on
chunking or on which other pillars run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from migratielab.models.population.components import FloatArray
from migratielab.models.population.data import load_base_data
from migratielab.models.population.projection import INFLOWS
from migratielab.models.population.simulate import Paths
from migratielab.models.random import pillar_stream
from migratielab.params import ParameterSet
from migratielab.scenario import Fertility, MigrationPlan

UNCERTAIN = ("tfr", "e0", "departure", "native_emigration", *(f"inflow_{c}" for c in INFLOWS))
"""Order of the uniform draws per run; one column each."""


def uniform_draws(seed: int, run_ids: Sequence[int], columns: int) -> FloatArray:
    """Uniform(0,1) draws (run, columns) from each run's population stream."""
    rows = [pillar_stream(seed, "population", run).random(columns) for run in run_ids]
    return np.asarray(rows, dtype=np.float64).reshape(len(run_ids), columns)


def between(low: float, high: float, u: FloatArray) -> FloatArray:
    """Uniform values between low and high for draws u."""
    return np.asarray(low + (high - low) * u, dtype=np.float64)


def triangular(low: FloatArray, mode: FloatArray, high: FloatArray, u: FloatArray) -> FloatArray:
    """Inverse CDF of the triangular distribution (elementwise; degenerate ranges return the mode)."""
    width = np.where(high > low, high - low, 1.0)
    cut = (mode - low) / width
    left = low + np.sqrt(u * width * (mode - low))
    right = high - np.sqrt((1.0 - u) * width * (high - mode))
    return np.asarray(np.where(high > low, np.where(u < cut, left, right), mode), dtype=np.float64)


def plan_levels(plan: MigrationPlan, years: Sequence[int]) -> dict[str, FloatArray]:
    """Central, low and high gross immigration (inflow, year) in persons per year."""
    levels = {key: np.zeros((len(INFLOWS), len(years))) for key in ("central", "low", "high")}
    for c, category in enumerate(INFLOWS):
        bands = sorted(getattr(plan.inflows, category), key=lambda band: band.from_year)
        for y, year in enumerate(years):
            applicable = [band for band in bands if band.from_year <= year] or bands[:1]
            for key in levels:
                levels[key][c, y] = getattr(applicable[-1], key) if applicable else 0.0
    return levels


def plan_asylum_level(plan: MigrationPlan, years: Sequence[int]) -> FloatArray:
    """The plan's central asylum immigration per year (year,): the driver of the asylum-chain inflow."""
    return np.asarray(plan_levels(plan, years)["central"][INFLOWS.index("asylum")], dtype=np.float64)


def parameter_range(params: ParameterSet, name: str) -> tuple[float, float]:
    """The (low, high) range of a parameter, or its value twice."""
    spec = params[name].uncertainty
    value = params.scalar(name)
    return (spec.low, spec.high) if spec is not None else (value, value)


def default_fertility(params: ParameterSet) -> Fertility:
    """The default TFR with its range, from the population parameters."""
    low, high = parameter_range(params, "tfr_default")
    return Fertility(tfr=params.scalar("tfr_default"), low=low, high=high)


def e0_paths(
    start: int, end: int, target: tuple[float, float] | None, params: ParameterSet, offset: FloatArray
) -> FloatArray:
    """e0 (run, 2, year) over flow years start..end-1: linear from observed start to ``target`` in ``end``.

    Without a target the default annual gains apply. ``offset`` (run,) in years at 25 years is
    scaled with elapsed time.
    """
    observed = np.array(load_base_data().e0_at(start))
    elapsed = np.arange(end - start, dtype=float)
    if target is None:
        gains = np.array([params.scalar("e0_annual_gain_male"), params.scalar("e0_annual_gain_female")])
    else:
        gains = (np.array(target) - observed) / (end - start)
    central = observed[:, None] + gains[:, None] * elapsed[None, :]
    return np.asarray(central[None] + offset[:, None, None] * elapsed / 25.0, dtype=np.float64)


def sampled_parameter(params: ParameterSet, name: str, u: FloatArray, sample: bool) -> FloatArray:
    """A parameter per run: its value, or uniform over its uncertainty range when sampling."""
    parameter = params[name]
    if not sample or parameter.uncertainty is None:
        return np.full(u.shape, params.scalar(name))
    return between(parameter.uncertainty.low, parameter.uncertainty.high, u)


@dataclass(frozen=True)
class PathBuilder:
    """Turns uniform draws (run, len(UNCERTAIN)) into the projection's input paths.

    ``start``/``end``: first flow year and the last 1 January; ``tfr`` (year,) central TFR;
    ``tfr_factor_range`` relative low/high TFR; ``e0_target`` (male, female) e0 in ``end`` or None;
    ``sample``: draw uncertain inputs (else central values); ``arrivals`` central/low/high levels
    (inflow, year) in persons per year (plan mode) or ``net_migration`` (year,) persons per year.
    """

    params: ParameterSet
    start: int
    end: int
    tfr: FloatArray
    tfr_factor_range: tuple[float, float]
    e0_target: tuple[float, float] | None
    sample: bool
    arrivals: dict[str, FloatArray] | None = None
    net_migration: FloatArray | None = None

    def __call__(self, draws: FloatArray) -> Paths:
        """Paths for the runs whose draws are given."""
        column = {name: draws[:, i] for i, name in enumerate(UNCERTAIN)}
        runs = len(draws)
        factor = between(*self.tfr_factor_range, column["tfr"]) if self.sample else np.ones(runs)
        spread = self.params.scalar("e0_uncertainty_at_25_years")
        offset = between(-spread, spread, column["e0"]) if self.sample else np.zeros(runs)
        net = None if self.net_migration is None else np.repeat(self.net_migration[None], runs, axis=0)
        return Paths(
            start=self.start,
            tfr=factor[:, None] * self.tfr[None, :],
            e0=e0_paths(self.start, self.end, self.e0_target, self.params, offset),
            native_emigration_rate=sampled_parameter(
                self.params, "native_net_emigration_rate", column["native_emigration"], self.sample
            ),
            departure_multiplier=sampled_parameter(
                self.params, "departure_multiplier", column["departure"], self.sample
            ),
            arrivals=self._arrivals(column, runs),
            net_migration=net,
        )

    def _arrivals(self, column: dict[str, FloatArray], runs: int) -> FloatArray | None:
        """Gross immigration (run, inflow, year): triangular within the bands, or the central levels."""
        if self.arrivals is None:
            return None
        levels = self.arrivals
        if not self.sample:
            return np.repeat(levels["central"][None], runs, axis=0)
        u = np.stack([column[f"inflow_{c}"] for c in INFLOWS], axis=1)[:, :, None]
        return triangular(levels["low"][None], levels["central"][None], levels["high"][None], u)


def plan_builder(
    plan: MigrationPlan, start: int, end: int, params: ParameterSet, sample: bool
) -> PathBuilder:
    """The path builder of a migration plan over flow years ``start .. end-1``."""
    years = list(range(start, end))
    fertility = plan.fertility or default_fertility(params)
    target = (
        None
        if plan.life_expectancy_end is None
        else (plan.life_expectancy_end.male, plan.life_expectancy_end.female)
    )
    return PathBuilder(
        params,
        start,
        end,
        np.full(len(years), fertility.tfr),
        (fertility.low / fertility.tfr, fertility.high / fertility.tfr),
        target,
        sample,
        arrivals=plan_levels(plan, years),
    )


def net_migration_builder(
    start: int,
    end: int,
    tfr: float | Sequence[float],
    e0_end: tuple[float, float] | None,
    net_migration: float | Sequence[float],
    params: ParameterSet,
    sample: bool,
) -> PathBuilder:
    """The path builder of a demographic variant: TFR, e0 in ``end`` and net migration per year."""
    n_years = end - start
    net = np.broadcast_to(np.asarray(net_migration, dtype=float), (n_years,)).copy()
    tfr_path = np.broadcast_to(np.asarray(tfr, dtype=float), (n_years,)).copy()
    low, high = parameter_range(params, "tfr_default")
    central = params.scalar("tfr_default")
    return PathBuilder(
        params, start, end, tfr_path, (low / central, high / central), e0_end, sample, net_migration=net
    )
