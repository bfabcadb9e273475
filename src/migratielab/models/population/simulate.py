"""The year loop: project an ensemble and collect results in an ``xarray.Dataset``."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from migratielab.models.pillar import AsylumArrivals
from migratielab.models.population import indicators
from migratielab.models.population.components import N_AGES, FloatArray, aow_age_path
from migratielab.models.population.data import SEXES, BaseData
from migratielab.models.population.projection import (
    INFLOWS,
    MOTIVES,
    Flows,
    State,
    Structure,
    YearInputs,
    life_tables,
)
from migratielab.models.population.projection import step as projection_step
from migratielab.models.population.setup import (
    build_structure,
    departure_tables,
    initial_state,
    rebuild_immigrants,
)
from migratielab.models.variables import variable
from migratielab.params import ParameterSet

GROUPS = ("born_nl", *MOTIVES)


@dataclass(frozen=True)
class Paths:
    """Per-run input paths over the flow years ``start .. end-1``.

    tfr (run, year) children per woman; e0 (run, 2, year) years; native_emigration_rate (run,)
    per person per year; departure_multiplier (run,); arrivals (run, inflow, year) persons or
    None; net_migration (run, year) persons or None. Exactly one of arrivals/net_migration.
    """

    start: int
    tfr: FloatArray
    e0: FloatArray
    native_emigration_rate: FloatArray
    departure_multiplier: FloatArray
    arrivals: FloatArray | None = None
    net_migration: FloatArray | None = None

    @property
    def runs(self) -> int:
        """Number of runs."""
        return int(self.tfr.shape[0])

    @property
    def flow_years(self) -> list[int]:
        """Calendar years of the flows."""
        return list(range(self.start, self.start + int(self.tfr.shape[1])))


def _pension_ages(params: ParameterSet, years: list[int], e65: FloatArray) -> FloatArray:
    """AOW age (run, year) for the state years, from the law's fixed ages and the e65 link.

    The law links the age to CBS's projected sex-neutral e65 (L); the model's e65 is shifted by
    ``aow_e65_offset`` (years) to that level before the formula is applied.
    """
    last_fixed = int(params.scalar("aow_last_fixed_year"))
    fixed = {year: params.scalar("aow_age_fixed", year) for year in range(2020, last_fixed + 1)}
    return aow_age_path(
        np.array(years),
        e65 + params.scalar("aow_e65_offset"),
        fixed,
        reference_e65=params.scalar("aow_reference_e65"),
        share_of_gain=params.scalar("aow_share_of_gain"),
        step=params.scalar("aow_step"),
    )


@dataclass(frozen=True)
class Projection:
    """Everything a projection's yearly step needs besides the state (the pillar's ``params``).

    ``years`` are the 1 January dates recorded (flow years plus the last); ``e65`` and ``aow``
    (run, year) in years; employment ``rates`` of the whole population by sex and age,
    ``relative`` employment of immigrants; ``resident_rates`` and ``immigrant_rates`` by sex and
    age when immigrants are split by motive (``indicators.origin_rates``; else both ``rates``).
    """

    paths: Paths
    params: ParameterSet
    structure: Structure
    arrival_departure: FloatArray
    stock_departure: FloatArray
    rates: FloatArray
    relative: FloatArray
    resident_rates: FloatArray
    immigrant_rates: FloatArray
    years: list[int]
    e65: FloatArray
    aow: FloatArray

    @property
    def split_origin(self) -> bool:
        """Plan mode: immigrants are followed by motive (net-migration mode adds them to residents)."""
        return self.paths.arrivals is not None


def prepare(paths: Paths, params: ParameterSet, data: BaseData) -> Projection:
    """Set up a projection from its paths, the parameters and the observed base data."""
    start_population = data.population_at(paths.start)
    structure = build_structure(params, data, start_population)
    arrival_departure, stock_departure = departure_tables(params, paths.departure_multiplier)
    rates = indicators.employment_rates(params)
    relative = indicators.relative_employment(params, rates, start_population)
    resident_rates, immigrant_rates = rates, rates
    if paths.arrivals is not None:
        immigrants = rebuild_immigrants(params, data, structure, paths.start)
        resident_rates, immigrant_rates = indicators.origin_rates(
            rates, relative, start_population, immigrants
        )
    flow_years = paths.flow_years
    years = [*flow_years, flow_years[-1] + 1]
    e65 = np.stack([life_tables(structure, paths.e0[:, :, i])[2] for i in range(len(flow_years))], axis=1)
    e65 = np.concatenate([e65, e65[:, -1:]], axis=1)
    return Projection(
        paths=paths,
        params=params,
        structure=structure,
        arrival_departure=arrival_departure,
        stock_departure=stock_departure,
        rates=rates,
        relative=relative,
        resident_rates=resident_rates,
        immigrant_rates=immigrant_rates,
        years=years,
        e65=e65,
        aow=_pension_ages(params, years, e65),
    )


def start_state(projection: Projection, data: BaseData) -> State:
    """The observed population on 1 January of the first year, for every run."""
    paths = projection.paths
    return initial_state(
        projection.params, data, projection.structure, paths.start, paths.runs, projection.split_origin
    )


def year_inputs(projection: Projection, index: int, asylum: AsylumArrivals | None = None) -> YearInputs:
    """Inputs of flow year ``index``; ``asylum`` (coupling) replaces the plan's asylum numbers."""
    paths = projection.paths
    runs = paths.runs
    arrivals = None if paths.arrivals is None else paths.arrivals[:, :, index]
    if arrivals is not None and asylum is not None:
        arrivals = arrivals.copy()
        arrivals[:, INFLOWS.index("asylum")] = asylum.grants
        arrivals[:, INFLOWS.index("asylum_family")] = asylum.family
    return YearInputs(
        tfr=paths.tfr[:, index],
        e0=paths.e0[:, :, index],
        native_emigration_rate=paths.native_emigration_rate if projection.split_origin else np.zeros(runs),
        arrival_departure=projection.arrival_departure,
        stock_departure=projection.stock_departure,
        arrivals=arrivals,
        net_migration=None if paths.net_migration is None else paths.net_migration[:, index],
    )


def step(
    state: State, projection: Projection, inputs: YearInputs, t: int, out: State | None = None
) -> tuple[State, Flows]:
    """The pillar step: advance the population from 1 January of flow year ``t`` to the next.

    ``out`` receives the new stocks (it may be ``state``, which is then consumed; see ``projection.step``).
    """
    rates = (projection.resident_rates, projection.immigrant_rates, projection.relative)
    return projection_step(state, projection.structure, inputs, out, rates)


FLOW_NAMES = ("births", "deaths", "immigration", "emigration")


class Recorder:
    """Collects a projection's yearly stocks and flows (run, year) and builds its ``xarray.Dataset``."""

    def __init__(self, projection: Projection, detail: bool) -> None:
        runs, n_years = projection.paths.runs, len(projection.years)
        self.projection = projection
        self.stock = {name: np.full((runs, n_years), np.nan) for name in ("population", "employed")}
        self.by_group = np.zeros((runs, n_years, len(GROUPS)))
        self.by_sex_age = np.zeros((runs, n_years, 2, N_AGES)) if detail else None
        self.flows = {name: np.full((runs, n_years), np.nan) for name in FLOW_NAMES}
        self.grey = np.zeros((runs, n_years))
        self.labour_force = np.zeros((runs, n_years))
        self.arrivals = np.full((runs, n_years, len(INFLOWS)), np.nan)

    def record_state(self, index: int, state: State) -> None:
        """Stocks on 1 January of year ``index``."""
        projection = self.projection
        sums = state.sums()
        population = sums.by_sex_age
        self.labour_force[:, index] = indicators.potential_labour_force(population, projection.aow[:, index])
        self.stock["population"][:, index] = sums.total
        self.stock["employed"][:, index] = (
            indicators.employed(
                state, projection.immigrant_rates, projection.relative, projection.resident_rates
            )
            if sums.employed is None
            else sums.employed
        )
        self.by_group[:, index] = sums.by_group
        self.grey[:, index] = indicators.grey_pressure(population)
        if self.by_sex_age is not None:
            self.by_sex_age[:, index] = population

    def record_flows(self, index: int, flows: Flows, inputs: YearInputs) -> None:
        """Flows of flow year ``index`` and the gross immigration that entered (plan mode)."""
        for name in FLOW_NAMES:
            self.flows[name][:, index] = getattr(flows, name)
        if inputs.arrivals is not None:
            self.arrivals[:, index] = inputs.arrivals

    def dataset(self) -> xr.Dataset:
        """Per-year results (see ``variables.yaml`` of the population pillar for units)."""
        projection, dims = self.projection, ("run", "year")
        stock, flows = self.stock, self.flows
        variables: dict[str, tuple[tuple[str, ...], FloatArray]] = {
            "population": (dims, stock["population"]),
            "population_by_group": ((*dims, "group"), self.by_group),
            "grey_pressure": (dims, self.grey),
            "aow_age": (dims, projection.aow),
            "potential_labour_force": (dims, self.labour_force),
            "employed": (dims, stock["employed"]),
            "households": (dims, indicators.households(stock["population"], projection.params)),
            "net_migration": (dims, flows["immigration"] - flows["emigration"]),
            "e65": (dims, projection.e65),
            **{name: (dims, values) for name, values in flows.items()},
        }
        if self.by_sex_age is not None:
            variables["population_by_sex_age"] = ((*dims, "sex", "age"), self.by_sex_age)
        if projection.split_origin:
            fiscal = np.full_like(self.arrivals, np.nan)
            fiscal[:, :-1] = indicators.fiscal_contribution(self.arrivals[:, :-1], projection.params)
            variables["fiscal_contribution"] = ((*dims, "inflow"), fiscal)
            variables["arrivals"] = ((*dims, "inflow"), self.arrivals)
        return xr.Dataset(
            {name: xr.Variable(v[0], v[1], attrs=unit_attrs(name)) for name, v in variables.items()},
            coords={
                "year": projection.years,
                "group": list(GROUPS),
                "sex": list(SEXES),
                "age": np.arange(N_AGES),
                "inflow": list(INFLOWS),
            },
        )


def unit_attrs(name: str) -> dict[str, str]:
    """The dataset attributes of a population variable, from the variable registry."""
    entry = variable("population", name)
    return {"unit": entry.unit.en, "long_name": entry.en}
