"""The year loop: project an ensemble and collect results in an ``xarray.Dataset``."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from migratielab.models.population import indicators
from migratielab.models.population.components import N_AGES, FloatArray, aow_age_path
from migratielab.models.population.data import SEXES, BaseData
from migratielab.models.population.projection import INFLOWS, MOTIVES, YearInputs, life_tables, step
from migratielab.models.population.setup import build_structure, departure_tables, initial_state
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
    """AOW age (run, year) for the state years, from the law's fixed ages and the e65 link."""
    last_fixed = int(params.scalar("aow_last_fixed_year"))
    fixed = {year: params.scalar("aow_age_fixed", year) for year in range(2020, last_fixed + 1)}
    return aow_age_path(
        np.array(years),
        e65,
        fixed,
        reference_e65=params.scalar("aow_reference_e65"),
        share_of_gain=params.scalar("aow_share_of_gain"),
        step=params.scalar("aow_step"),
    )


def simulate(paths: Paths, params: ParameterSet, data: BaseData, detail: bool = True) -> xr.Dataset:
    """Project every run from 1 Jan ``start`` to 1 Jan ``end``; return per-year results.

    Variables on 1 January of each year: population, population_by_group, grey_pressure,
    aow_age, potential_labour_force, employed, households (and population_by_sex_age if
    ``detail``). Flow variables for the years before ``end``: births, deaths, immigration,
    emigration, net_migration, e65, fiscal_contribution (by inflow category, plan mode).
    """
    split = paths.arrivals is not None
    start_population = data.population_at(paths.start)
    structure = build_structure(params, data, start_population)
    state = initial_state(params, data, structure, paths.start, paths.runs, split_origin=split)
    arrival_departure, stock_departure = departure_tables(params, paths.departure_multiplier)
    rates = indicators.employment_rates(params)
    relative = indicators.relative_employment(params, rates, start_population)

    flow_years = paths.flow_years
    years = [*flow_years, flow_years[-1] + 1]
    runs, n_years = paths.runs, len(years)
    stock = {name: np.full((runs, n_years), np.nan) for name in ("population", "employed")}
    by_group = np.zeros((runs, n_years, len(GROUPS)))
    by_sex_age = np.zeros((runs, n_years, 2, N_AGES)) if detail else None
    flow_names = ("births", "deaths", "immigration", "emigration")
    flows = {name: np.full((runs, n_years), np.nan) for name in flow_names}
    grey = np.zeros((runs, n_years))
    labour_force = np.zeros((runs, n_years))
    e65 = np.stack([life_tables(structure, paths.e0[:, :, i])[2] for i in range(n_years - 1)], axis=1)
    e65 = np.concatenate([e65, e65[:, -1:]], axis=1)
    aow = _pension_ages(params, years, e65)

    def record(index: int) -> None:
        population = state.by_sex_age()
        labour_force[:, index] = indicators.potential_labour_force(population, aow[:, index])
        stock["population"][:, index] = state.total()
        stock["employed"][:, index] = indicators.employed(state, rates, relative)
        by_group[:, index, 0] = state.resident.sum(axis=(1, 2))
        by_group[:, index, 1:] = state.immigrants.sum(axis=(2, 3, 4))
        grey[:, index] = indicators.grey_pressure(population)
        if by_sex_age is not None:
            by_sex_age[:, index] = population

    record(0)
    for index in range(len(flow_years)):
        inputs = YearInputs(
            tfr=paths.tfr[:, index],
            e0=paths.e0[:, :, index],
            native_emigration_rate=paths.native_emigration_rate if split else np.zeros(runs),
            arrival_departure=arrival_departure,
            stock_departure=stock_departure,
            arrivals=None if paths.arrivals is None else paths.arrivals[:, :, index],
            net_migration=None if paths.net_migration is None else paths.net_migration[:, index],
        )
        state, year_flows = step(state, structure, inputs)
        for name in flows:
            flows[name][:, index] = getattr(year_flows, name)
        record(index + 1)

    dims = ("run", "year")
    variables: dict[str, tuple[tuple[str, ...], FloatArray, dict[str, str]]] = {
        "population": (dims, stock["population"], {"unit": "persons", "note": "1 January"}),
        "population_by_group": ((*dims, "group"), by_group, {"unit": "persons"}),
        "grey_pressure": (dims, grey, {"unit": "65+ per 100 aged 20-64"}),
        "aow_age": (dims, aow, {"unit": "years"}),
        "potential_labour_force": (dims, labour_force, {"unit": "persons aged 20 to AOW age"}),
        "employed": (dims, stock["employed"], {"unit": "persons"}),
        "households": (dims, indicators.households(stock["population"], params), {"unit": "households"}),
        "net_migration": (dims, flows["immigration"] - flows["emigration"], {"unit": "persons per year"}),
        "e65": (dims, e65, {"unit": "years", "note": "sex-neutral remaining life expectancy at 65"}),
    }
    for name, values in flows.items():
        variables[name] = (dims, values, {"unit": "persons per year"})
    if by_sex_age is not None:
        variables["population_by_sex_age"] = ((*dims, "sex", "age"), by_sex_age, {"unit": "persons"})
    if paths.arrivals is not None:
        fiscal = np.full((runs, n_years, len(INFLOWS)), np.nan)
        arrivals = np.moveaxis(paths.arrivals, 2, 1)
        fiscal[:, :-1] = indicators.fiscal_contribution(arrivals, params)
        variables["fiscal_contribution"] = ((*dims, "inflow"), fiscal, {"unit": "euro (2016 prices)"})
        gross = np.full((runs, n_years, len(INFLOWS)), np.nan)
        gross[:, :-1] = arrivals
        variables["arrivals"] = ((*dims, "inflow"), gross, {"unit": "persons per year"})
    return xr.Dataset(
        {name: xr.Variable(v[0], v[1], attrs=v[2]) for name, v in variables.items()},
        coords={
            "year": years,
            "group": list(GROUPS),
            "sex": list(SEXES),
            "age": np.arange(N_AGES),
            "inflow": list(INFLOWS),
        },
    )
