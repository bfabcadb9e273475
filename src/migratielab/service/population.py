"""Population use cases: project a migration plan, or a quick demographic variant with net migration.

The CLI, the HTTP API and reports call these functions; they hold the plan schema and the
sampling of uncertain inputs (one ``SeedSequence`` child per run, so results do not depend on
how runs are chunked), and leave all demography to ``models.population``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import xarray as xr
from pydantic import BaseModel, ConfigDict, Field, model_validator

from migratielab.models.population import INFLOWS, Paths, load_base_data, simulate
from migratielab.models.population.components import FloatArray
from migratielab.params import ParameterSet, default_parameters
from migratielab.yamlio import load_model

MAX_RUNS_PER_CHUNK = 500
UNCERTAIN = ("tfr", "e0", "departure", "native_emigration", *(f"inflow_{c}" for c in INFLOWS))
"""Order of the uniform draws per run; one column each."""


class Strict(BaseModel):
    """Plan input models reject unknown keys."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Band(Strict):
    """Gross immigration of a category from year ``from`` on: central, low and high (persons/yr)."""

    from_year: int = Field(alias="from", ge=2000, le=2100)
    central: float = Field(ge=0)
    low: float = Field(ge=0)
    high: float = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Band:
        if not self.low <= self.central <= self.high:
            raise ValueError("low <= central <= high must hold")
        return self


class Inflows(Strict):
    """Bands per inflow category (each a list of bands in force from their year)."""

    labour_eu: list[Band]
    labour_non_eu: list[Band]
    study: list[Band]
    family: list[Band]
    asylum: list[Band]
    asylum_family: list[Band]
    temporary_protection: list[Band]
    other: list[Band]


class Fertility(Strict):
    """A constant TFR with a range (children per woman)."""

    tfr: float = Field(gt=0, le=5)
    low: float = Field(gt=0, le=5)
    high: float = Field(gt=0, le=5)


class LifeExpectancy(Strict):
    """Life expectancy at birth reached in the end year (years), linear from the observed start value."""

    male: float = Field(gt=50, le=110)
    female: float = Field(gt=50, le=110)


class Plan(Strict):
    """A multi-year migration plan: gross immigration per category with ranges, plus demography."""

    name: str
    start: int = Field(ge=2010, le=2025)
    end: int = Field(le=2100)
    inflows: Inflows
    fertility: Fertility | None = None
    life_expectancy_end: LifeExpectancy | None = None

    @model_validator(mode="after")
    def _horizon(self) -> Plan:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


def load_plan(path: str | Path) -> Plan:
    """Read and validate a plan YAML file (InputError names file, key and expectation)."""
    return load_model(path, Plan)


def uniform_draws(seed: int, run_ids: Sequence[int], columns: int) -> FloatArray:
    """Uniform(0,1) draws (run, columns); run i always uses SeedSequence(seed).spawn child i."""
    rows = [
        np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(run,)))).random(columns)
        for run in run_ids
    ]
    return np.asarray(rows, dtype=np.float64).reshape(len(run_ids), columns)


def _between(low: float, high: float, u: FloatArray) -> FloatArray:
    """Uniform values between low and high for draws u."""
    return np.asarray(low + (high - low) * u, dtype=np.float64)


def _triangular(low: FloatArray, mode: FloatArray, high: FloatArray, u: FloatArray) -> FloatArray:
    """Inverse CDF of the triangular distribution (elementwise; degenerate ranges return the mode)."""
    width = np.where(high > low, high - low, 1.0)
    cut = (mode - low) / width
    left = low + np.sqrt(u * width * (mode - low))
    right = high - np.sqrt((1.0 - u) * width * (high - mode))
    return np.asarray(np.where(high > low, np.where(u < cut, left, right), mode), dtype=np.float64)


def plan_levels(plan: Plan, years: Sequence[int]) -> dict[str, FloatArray]:
    """Central, low and high gross immigration (inflow, year) in persons per year."""
    levels = {key: np.zeros((len(INFLOWS), len(years))) for key in ("central", "low", "high")}
    for c, category in enumerate(INFLOWS):
        bands = sorted(getattr(plan.inflows, category), key=lambda band: band.from_year)
        for y, year in enumerate(years):
            applicable = [band for band in bands if band.from_year <= year] or bands[:1]
            for key in levels:
                levels[key][c, y] = getattr(applicable[-1], key) if applicable else 0.0
    return levels


def plan_asylum_level(plan: Plan, years: Sequence[int]) -> FloatArray:
    """The plan's central asylum immigration per year (year,): the driver of the asylum-chain inflow."""
    return np.asarray(plan_levels(plan, years)["central"][INFLOWS.index("asylum")], dtype=np.float64)


def _e0_paths(
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


def _sampled(params: ParameterSet, name: str, u: FloatArray, sample: bool) -> FloatArray:
    """A parameter per run: its value, or uniform over its uncertainty range when sampling."""
    parameter = params[name]
    if not sample or parameter.uncertainty is None:
        return np.full(u.shape, params.scalar(name))
    return _between(parameter.uncertainty.low, parameter.uncertainty.high, u)


def _run_chunks(build: PathBuilder, runs: int, seed: int, params: ParameterSet, detail: bool) -> xr.Dataset:
    """Simulate runs 0..runs-1 in chunks; the result does not depend on the chunk size."""
    parts = []
    for first in range(0, runs, MAX_RUNS_PER_CHUNK):
        run_ids = list(range(first, min(first + MAX_RUNS_PER_CHUNK, runs)))
        draws = uniform_draws(seed, run_ids, len(UNCERTAIN))
        parts.append(
            simulate(build(draws), params, load_base_data(), detail=detail).assign_coords(run=run_ids)
        )
    return xr.concat(parts, dim="run") if len(parts) > 1 else parts[0]


class PathBuilder:
    """Turns uniform draws (run, len(UNCERTAIN)) into model input paths."""

    def __init__(
        self,
        params: ParameterSet,
        start: int,
        end: int,
        tfr: FloatArray,
        tfr_factor_range: tuple[float, float],
        e0_target: tuple[float, float] | None,
        sample: bool,
        arrivals: dict[str, FloatArray] | None = None,
        net_migration: FloatArray | None = None,
        external: dict[str, FloatArray] | None = None,
    ) -> None:
        self.params, self.start, self.end = params, start, end
        self.tfr, self.tfr_factor_range = tfr, tfr_factor_range
        self.e0_target, self.sample = e0_target, sample
        self.arrivals, self.net_migration, self.external = arrivals, net_migration, external or {}

    def __call__(self, draws: FloatArray) -> Paths:
        """Paths for the runs whose draws are given."""
        column = {name: draws[:, i] for i, name in enumerate(UNCERTAIN)}
        factor = _between(*self.tfr_factor_range, column["tfr"]) if self.sample else np.ones(len(draws))
        spread = self.params.scalar("e0_uncertainty_at_25_years")
        offset = _between(-spread, spread, column["e0"]) if self.sample else np.zeros(len(draws))
        arrivals = None
        if self.arrivals is not None:
            u = np.stack([column[f"inflow_{c}"] for c in INFLOWS], axis=1)[:, :, None]
            levels = self.arrivals
            arrivals = (
                _triangular(levels["low"][None], levels["central"][None], levels["high"][None], u)
                if self.sample
                else np.repeat(levels["central"][None], len(draws), axis=0)
            )
            for category, values in self.external.items():
                arrivals[:, INFLOWS.index(category)] = values[: len(draws)]
        net = None if self.net_migration is None else np.repeat(self.net_migration[None], len(draws), axis=0)
        return Paths(
            start=self.start,
            tfr=factor[:, None] * self.tfr[None, :],
            e0=_e0_paths(self.start, self.end, self.e0_target, self.params, offset),
            native_emigration_rate=_sampled(
                self.params, "native_net_emigration_rate", column["native_emigration"], self.sample
            ),
            departure_multiplier=_sampled(
                self.params, "departure_multiplier", column["departure"], self.sample
            ),
            arrivals=arrivals,
            net_migration=net,
        )


def project_plan(
    plan: Plan,
    runs: int = 1,
    seed: int = 0,
    asylum_arrivals: FloatArray | None = None,
    asylum_family_arrivals: FloatArray | None = None,
    detail: bool = True,
    params: ParameterSet | None = None,
) -> xr.Dataset:
    """Project a migration plan. With ``runs`` > 1 uncertain inputs are sampled per run.

    ``asylum_arrivals`` / ``asylum_family_arrivals`` (run, year) replace the plan's asylum and
    asylum follow-on family numbers (coupling with the asylum chain).
    """
    params = params or default_parameters("population")
    years = list(range(plan.start, plan.end))
    fertility = plan.fertility or Fertility(
        tfr=params.scalar("tfr_default"),
        low=_uncertainty(params, "tfr_default")[0],
        high=_uncertainty(params, "tfr_default")[1],
    )
    external = {
        name: np.asarray(values, dtype=float)
        for name, values in (("asylum", asylum_arrivals), ("asylum_family", asylum_family_arrivals))
        if values is not None
    }
    for name, values in external.items():
        if values.shape != (runs, len(years)):
            raise ValueError(f"{name} arrivals must have shape (runs, years) = {(runs, len(years))}")
    target = (
        None
        if plan.life_expectancy_end is None
        else (plan.life_expectancy_end.male, plan.life_expectancy_end.female)
    )
    builder = PathBuilder(
        params,
        plan.start,
        plan.end,
        np.full(len(years), fertility.tfr),
        (fertility.low / fertility.tfr, fertility.high / fertility.tfr),
        target,
        runs > 1,
        arrivals=plan_levels(plan, years),
        external=external,
    )
    if external:
        return simulate(
            builder(uniform_draws(seed, range(runs), len(UNCERTAIN))), params, load_base_data(), detail
        )
    return _run_chunks(builder, runs, seed, params, detail)


def _uncertainty(params: ParameterSet, name: str) -> tuple[float, float]:
    """The (low, high) range of a parameter, or its value twice."""
    spec = params[name].uncertainty
    value = params.scalar(name)
    return (spec.low, spec.high) if spec is not None else (value, value)


def project_net_migration(
    start: int,
    end: int,
    tfr: float | Sequence[float],
    e0_end: tuple[float, float] | None,
    net_migration: float | Sequence[float],
    runs: int = 1,
    seed: int = 0,
    detail: bool = True,
    params: ParameterSet | None = None,
) -> xr.Dataset:
    """Project with net migration per year (persons, constant or one per year) and the standard profile.

    ``tfr`` is constant or one value per flow year; ``e0_end`` (male, female) is reached in
    ``end`` linearly from the observed start value (None: default gains).
    """
    params = params or default_parameters("population")
    n_years = end - start
    net = np.broadcast_to(np.asarray(net_migration, dtype=float), (n_years,)).copy()
    tfr_path = np.broadcast_to(np.asarray(tfr, dtype=float), (n_years,)).copy()
    low, high = _uncertainty(params, "tfr_default")
    central = params.scalar("tfr_default")
    builder = PathBuilder(
        params, start, end, tfr_path, (low / central, high / central), e0_end, runs > 1, net_migration=net
    )
    return _run_chunks(builder, runs, seed, params, detail)


def project_variant(
    start: int,
    end: int,
    tfr: float,
    e0_female: float,
    e0_male: float,
    net_migration: float,
    runs: int = 1,
    seed: int = 0,
) -> xr.Dataset:
    """The CLI flag variant: constant TFR, e0 linear to the end-year values, constant net migration."""
    return project_net_migration(start, end, tfr, (e0_male, e0_female), net_migration, runs, seed)


SUMMARY_VARIABLES = (
    "population",
    "grey_pressure",
    "potential_labour_force",
    "employed",
    "households",
    "aow_age",
    "net_migration",
)


def summary_records(result: xr.Dataset) -> list[dict[str, float | int]]:
    """One record per year: medians over runs of the headline indicators."""
    median = result[list(SUMMARY_VARIABLES)].median("run")
    records: list[dict[str, float | int]] = []
    for year in median["year"].values.tolist():
        row = median.sel(year=year)
        record: dict[str, float | int] = {"year": int(year)}
        for name in row.data_vars:
            value = float(row[name])
            record[str(name)] = round(value, 3) if np.isfinite(value) else float("nan")
        records.append(record)
    return records
