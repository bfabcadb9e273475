"""Use cases behind the HTTP API, the dashboard and the "State of migration" report.

Each function here takes a validated request model (reusing the scenario models) and calls the
asylum, population and data services, so the API, the dashboard, the report and the CLI agree.
The functions are deterministic for a given request (the seed is part of it), so the server
may share and remember their results (see ``api.pool``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr
from pydantic import BaseModel, ConfigDict, Field, model_validator

from migratielab.analysis.indicators import (
    COST_VARIABLES,
    FAN_QUANTILES,
    INDICATORS,
    WEEKS_PER_MONTH,
)
from migratielab.data import store
from migratielab.models.population import INFLOWS, MOTIVES
from migratielab.models.population.setup import historical_arrivals
from migratielab.params import Parameter, ParameterSet, default_parameters
from migratielab.scenario import (
    Band,
    Fertility,
    Inflows,
    InflowSpec,
    LifeExpectancy,
    MigrationPlan,
    PathInflow,
    Policy,
    Scenario,
    bundled_scenario_names,
    bundled_scenario_path,
    load_scenario,
)
from migratielab.service import asylum, population

MAX_RUNS = 5_000
MAX_POLICIES = 4
MAX_HORIZON_YEARS = 15
MAX_POPULATION_RUNS = 200
MAX_POPULATION_YEARS = 75
MAX_ANNUAL_INFLOW = 1_000_000.0
DEFAULT_RUNS = 500
OBSERVED_SINCE_YEARS = 10


class ScenarioInfo(BaseModel):
    """A bundled scenario: its name (the id used in requests) and its content."""

    id: str
    scenario: Scenario


class SimulationRequest(BaseModel):
    """A bundled scenario with lever and inflow overrides, a capped ensemble and a capped horizon."""

    model_config = ConfigDict(extra="forbid", strict=True)

    scenario: str = Field("default", description="name of a bundled scenario (see GET /api/scenarios)")
    inflow: InflowSpec | None = Field(None, description="inflow future; default: the scenario's")
    runs: int = Field(DEFAULT_RUNS, ge=1, le=MAX_RUNS, description=f"ensemble size (at most {MAX_RUNS:,})")
    end_year: int | None = Field(
        None, ge=2015, le=2100, description=f"last simulated year; at most {MAX_HORIZON_YEARS} years"
    )
    seed: int | None = Field(None, ge=0, le=2**32 - 1, description="seed; default: the scenario's")

    @model_validator(mode="after")
    def _check(self) -> SimulationRequest:
        if self.scenario not in bundled_scenario_names():
            raise ValueError(
                f"unknown scenario {self.scenario!r}; known: {', '.join(bundled_scenario_names())}"
            )
        start = bundled_scenario(self.scenario).scenario.start_year
        last = start + MAX_HORIZON_YEARS - 1
        if self.end_year is not None and not start <= self.end_year <= last:
            raise ValueError(
                f"end_year must lie in {start}-{last} (the horizon is capped at {MAX_HORIZON_YEARS} years)"
            )
        if isinstance(self.inflow, PathInflow):
            bad = [
                year for year, value in self.inflow.per_year.items() if not 0 <= value <= MAX_ANNUAL_INFLOW
            ]
            if bad or not 2000 <= min(self.inflow.per_year) <= max(self.inflow.per_year) <= 2100:
                raise ValueError(
                    f"inflow.per_year needs years 2000-2100 and values 0-{MAX_ANNUAL_INFLOW:,.0f}"
                )
        return self


class WhatIfRequest(SimulationRequest):
    """One policy (a set of levers) on a bundled scenario's inflow future."""

    policy: Policy | None = Field(None, description="levers; default: the scenario's first policy")


class CompareRequest(SimulationRequest):
    """Several policies compared on the same inflow futures."""

    policies: list[Policy] | None = Field(
        None, min_length=1, max_length=MAX_POLICIES, description="policies; default: the scenario's"
    )

    @model_validator(mode="after")
    def _unique(self) -> CompareRequest:
        names = [policy.name for policy in self.policies or []]
        if len(set(names)) != len(names):
            raise ValueError(f"policy names must be unique, got {names}")
        return self


class Fan(BaseModel):
    """Quantiles over runs per month of one variable: ``quantiles[q]`` has one value per month."""

    variable: str
    unit: str
    time: list[str]
    quantiles: dict[str, list[float | None]]


class ObservedSeries(BaseModel):
    """Observed year-end values of a fan variable, with the series they come from."""

    variable: str
    series_id: str
    time: list[str]
    values: list[float]


class IndicatorValue(BaseModel):
    """One scalar indicator of one policy: median and 5th-95th percentile over runs."""

    indicator: str
    label: str
    unit: str
    median: float | None
    p5: float | None
    p95: float | None


class PolicyResult(BaseModel):
    """Fan charts and indicators of one policy."""

    policy: Policy
    indicators: list[IndicatorValue]
    fans: dict[str, Fan]


class SimulationResult(BaseModel):
    """The outcome of a what-if or a comparison: per policy, plus observed history and sources."""

    scenario: Scenario
    results: list[PolicyResult]
    observed: dict[str, ObservedSeries]
    sources: list[str]


def bundled_scenarios() -> list[ScenarioInfo]:
    """Every bundled scenario with its content."""
    return [bundled_scenario(name) for name in bundled_scenario_names()]


@lru_cache(maxsize=16)
def bundled_scenario(name: str) -> ScenarioInfo:
    """One bundled scenario by name (KeyError when unknown; never a path from the caller)."""
    if name not in bundled_scenario_names():
        raise KeyError(name)
    return ScenarioInfo(id=name, scenario=load_scenario(bundled_scenario_path(name)))


def warm() -> None:
    """Load what every simulation needs: bundled scenarios, the replayed history, the inflow generator."""
    asylum.warm(bundled_scenario("default").scenario)


def build_scenario(request: SimulationRequest, policies: list[Policy]) -> Scenario:
    """The bundled scenario with the request's (already validated) overrides applied."""
    base = bundled_scenario(request.scenario).scenario
    data = base.model_dump(by_alias=True)
    data.update(
        runs=request.runs,
        end_year=request.end_year or min(base.end_year, base.start_year + MAX_HORIZON_YEARS - 1),
        seed=base.seed if request.seed is None else request.seed,
    )
    data["asylum"].update(
        inflow=(request.inflow or asylum.asylum_section(base).inflow).model_dump(),
        policies=[policy.model_dump() for policy in policies],
    )
    return Scenario.model_validate(data)


def extra_monthly(monthly: xr.Dataset) -> xr.Dataset:
    """Derived monthly variables for the dashboard: mean decision wait, total cost, nights without shelter."""
    decisions = monthly["decisions_dublin"] + monthly["decisions_safe_country"] + monthly["decisions_general"]
    wait = (monthly["decision_wait_sum_months"] / decisions.where(decisions > 0)) * WEEKS_PER_MONTH
    cost = sum((monthly[name] for name in COST_VARIABLES), xr.zeros_like(monthly["applications"]))
    return xr.Dataset(
        {
            "mean_wait_weeks": wait,
            "cost_meur": cost / 1e6,
            "nights_without_shelter": monthly["nights_without_shelter"],
        }
    )


def extra_quantiles(extra: xr.Dataset) -> xr.Dataset:
    """Fan quantiles of the derived variables; only the wait (undefined without decisions) skips NaN.

    numpy's NaN-skipping quantile loops over months in Python, so it is used only where needed.
    """
    quantiles = list(FAN_QUANTILES)
    return xr.merge(
        [
            extra[["cost_meur", "nights_without_shelter"]].quantile(quantiles, dim="run", skipna=False),
            extra[["mean_wait_weeks"]].quantile(quantiles, dim="run", skipna=True),
        ]
    )


FAN_UNITS = {
    "in_chain": "persons",
    "regular_occupancy": "persons",
    "emergency_occupancy": "persons",
    "crisis_occupancy": "persons",
    "without_shelter": "persons",
    "ind_backlog": "cases",
    "cases_past_term": "cases",
    "holders_waiting": "persons",
    "applications": "persons per month",
    "mean_wait_weeks": "weeks",
    "cost_meur": "million EUR per month",
    "nights_without_shelter": "person-nights per month",
}


def to_fans(quantiles: xr.Dataset) -> dict[str, Fan]:
    """Fan models from a (quantile, time) dataset; NaN becomes None."""
    times = [str(pd.Timestamp(t).date()) for t in quantiles["time"].to_numpy()]
    fans = {}
    for name in quantiles.data_vars:
        values = quantiles[name].transpose("quantile", "time").to_numpy()
        fans[str(name)] = Fan(
            variable=str(name),
            unit=FAN_UNITS.get(str(name), ""),
            time=times,
            quantiles={
                f"{q:g}": [None if np.isnan(v) else round(float(v), 3) for v in row]
                for q, row in zip(FAN_QUANTILES, values, strict=True)
            },
        )
    return fans


def finite(value: object) -> float | None:
    """``value`` or None when it is not finite (JSON has no NaN)."""
    number = float(value)  # type: ignore[arg-type]
    return number if np.isfinite(number) else None


def policy_result(scenario: Scenario, policy: Policy) -> PolicyResult:
    """Evaluate one policy with the asylum service and keep fan quantiles and indicator summaries."""
    outcome = asylum.evaluate_policy(scenario, policy, keep_trajectories=True)
    assert outcome.monthly is not None
    quantiles = xr.merge([outcome.fan, extra_quantiles(extra_monthly(outcome.monthly))])
    indicators = [
        IndicatorValue(
            indicator=indicator.name,
            label=indicator.label,
            unit=indicator.unit,
            median=finite(outcome.indicators[indicator.name].median()),
            p5=finite(outcome.indicators[indicator.name].quantile(0.05)),
            p95=finite(outcome.indicators[indicator.name].quantile(0.95)),
        )
        for indicator in INDICATORS
    ]
    return PolicyResult(policy=policy, indicators=indicators, fans=to_fans(quantiles))


def observed_history(scenario: Scenario) -> dict[str, ObservedSeries]:
    """Observed year-end values over the ten years before the scenario, per fan variable."""
    overlays = asylum.observed_year_ends(scenario.start_year - OBSERVED_SINCE_YEARS)
    return {
        variable: ObservedSeries(
            variable=variable,
            series_id=asylum.OBSERVED_OVERLAY[variable],
            time=[str(stamp.date()) for stamp in series.index],
            values=[float(value) for value in series.to_numpy()],
        )
        for variable, series in overlays.items()
    }


def simulation_sources(scenario: Scenario) -> list[str]:
    """Citations of the observed series and of the scenario's parameters."""
    series = [series_citation(series_id) for series_id in asylum.OBSERVED_OVERLAY.values()]
    return series + parameter_citations(asylum.checked_parameters(scenario))


def simulate(scenario: Scenario) -> SimulationResult:
    """Evaluate every policy of a (capped) scenario on the same inflow futures."""
    return SimulationResult(
        scenario=scenario,
        results=[policy_result(scenario, policy) for policy in asylum.policies_of(scenario)],
        observed=observed_history(scenario),
        sources=simulation_sources(scenario),
    )


def what_if(request: WhatIfRequest) -> SimulationResult:
    """One policy (the request's levers, or the scenario's first policy) on the scenario's inflow future."""
    policy = request.policy or asylum.policies_of(bundled_scenario(request.scenario).scenario)[0]
    return simulate(build_scenario(request, [policy]))


def compare(request: CompareRequest) -> SimulationResult:
    """The request's policies (or the scenario's) side by side on the same inflow futures."""
    policies = (
        request.policies or asylum.policies_of(bundled_scenario(request.scenario).scenario)[:MAX_POLICIES]
    )
    return simulate(build_scenario(request, policies))


# ----------------------------------------------------------------------------- overview


class PanelSeries(BaseModel):
    """One line or bar series of an overview panel: annual values."""

    key: str
    years: list[int]
    values: list[float]


class Panel(BaseModel):
    """One overview chart's data: series, unit, chart kind and the sources of every figure."""

    key: str
    unit: str
    kind: str = Field(description="'line' or 'stacked' (stacked bars)")
    series: list[PanelSeries]
    sources: list[str]
    note: str = ""


OVERVIEW_SERIES = {
    "asylum_inflow": (
        "persons per year",
        "line",
        ["asylum.first_applications", "asylum.repeat_applications", "asylum.family_followers"],
    ),
    "ind_backlog": ("applications (year end)", "line", ["ind.backlog", "ind.backlog_overdue"]),
    "coa_occupancy": (
        "persons (year end)",
        "line",
        ["coa.occupancy", "coa.occupancy_emergency", "coa.outside_coa"],
    ),
    "holders_waiting": ("persons (year end)", "line", ["coa.status_holders_waiting"]),
    "departures": (
        "persons per year",
        "stacked",
        ["departures.independent", "departures.forced", "departures.unsupervised"],
    ),
}
OVERVIEW_SINCE = 2010
MOTIVE_YEARS = range(2014, 2024)
MOTIVE_PARAMETERS = (
    "historical_immigration",
    "historical_dutch_share",
    "historical_motive_shares",
    "historical_temporary_protection",
)


def series_citation(series_id: str) -> str:
    """``series_id: citation of each source`` of a stored series."""
    info = store.series_info(series_id)
    return f"{series_id} ({info.description}): " + "; ".join(
        source.citation() for source in info.sources.values()
    )


def parameter_origin(parameter: Parameter) -> str:
    """Where a parameter comes from: its reference with date (and URL), or why it is an estimate."""
    reference = parameter.reference
    if reference is None:
        return f"estimate: {parameter.reasoning}"
    return f"{reference.publisher}, {reference.title} ({reference.date})" + (
        f". {reference.url}" if reference.url else ""
    )


def parameter_citations(parameters: ParameterSet, names: tuple[str, ...] | None = None) -> list[str]:
    """One line per parameter: name, unit and its reference (or that it is an estimate, and why)."""
    return [
        f"{name} ({parameters[name].unit}): {parameter_origin(parameters[name])}"
        for name in names or tuple(parameters)
    ]


def store_panel(key: str) -> Panel:
    """An overview panel built from stored annual series."""
    unit, kind, series_ids = OVERVIEW_SERIES[key]
    series = []
    for series_id in series_ids:
        values = store.annual(series_id)
        values = values[values.index >= OVERVIEW_SINCE]
        series.append(PanelSeries(key=series_id, years=list(map(int, values.index)), values=list(values)))
    return Panel(
        key=key, unit=unit, kind=kind, series=series, sources=[series_citation(s) for s in series_ids]
    )


def motive_panel() -> Panel:
    """Immigration of non-Dutch nationals by motive (derived: totals times fixed 2018 motive shares)."""
    parameters = default_parameters("population")
    arrivals = np.array([historical_arrivals(parameters, year) for year in MOTIVE_YEARS])
    merged = {category: arrivals[:, i] for i, category in enumerate(INFLOWS) if category != "asylum_family"}
    return Panel(
        key="immigration_by_motive",
        unit="persons per year",
        kind="stacked",
        series=[
            PanelSeries(key=category, years=list(MOTIVE_YEARS), values=[round(float(v)) for v in values])
            for category, values in merged.items()
        ],
        sources=parameter_citations(parameters, MOTIVE_PARAMETERS),
        note="derived",
    )


@lru_cache(maxsize=1)
def overview() -> list[Panel]:
    """The "State of migration" panels: immigration by motive, then the asylum chain from the store."""
    return [motive_panel(), *(store_panel(key) for key in OVERVIEW_SERIES)]


# ------------------------------------------------------------------ parameters and population


class ParameterRow(BaseModel):
    """A model parameter as shown on the data page: value, unit and provenance."""

    module: str
    name: str
    description: str
    unit: str
    value: str
    source: str
    date: str | None
    estimate: bool


def parameter_rows(module: str) -> list[ParameterRow]:
    """Every default parameter of a model module with its reference and date."""
    parameters = default_parameters(module)
    rows = []
    for name, parameter in parameters.items():
        value = parameter.value if parameter.value is not None else parameter.values
        reference = parameter.reference
        rows.append(
            ParameterRow(
                module=module,
                name=name,
                description=parameter.description,
                unit=parameter.unit,
                value=str(value),
                source=parameter_origin(parameter),
                date=None if reference is None else reference.date,
                estimate=parameter.estimate,
            )
        )
    return rows


PARAMETER_MODULES = ("asylum", "population")


class VariantRequest(BaseModel):
    """A demographic variant: constant TFR, e0 reached in the end year, constant net migration."""

    model_config = ConfigDict(extra="forbid", strict=True)

    start: int = Field(2025, ge=2020, le=2025, description="first year (population on 1 January)")
    end: int = Field(2050, ge=2026, le=2100, description="last year")
    tfr: float = Field(1.43, gt=0.5, le=4.0, description="total fertility rate")
    e0_female: float = Field(85.5, ge=70, le=100, description="female life expectancy in the end year")
    e0_male: float = Field(83.5, ge=70, le=100, description="male life expectancy in the end year")
    net_migration: float = Field(60_000, ge=-200_000, le=500_000, description="net migration per year")
    runs: int = Field(
        100, ge=1, le=MAX_POPULATION_RUNS, description=f"ensemble size (at most {MAX_POPULATION_RUNS})"
    )
    seed: int = Field(0, ge=0, le=2**32 - 1)

    @model_validator(mode="after")
    def _horizon(self) -> VariantRequest:
        if not 0 < self.end - self.start <= MAX_POPULATION_YEARS:
            raise ValueError(f"end must be 1 to {MAX_POPULATION_YEARS} years after start")
        return self


POPULATION_FANS = ("population", "grey_pressure", "potential_labour_force", "employed", "households")


class YearFan(BaseModel):
    """Quantiles over runs per year of one population variable."""

    variable: str
    years: list[int]
    quantiles: dict[str, list[float | None]]


class ProjectionResult(BaseModel):
    """A population projection: yearly medians of the headline indicators and fans, with sources."""

    request: VariantRequest
    summary: list[dict[str, float | int | None]]
    fans: dict[str, YearFan]


def projection_fans(result: xr.Dataset) -> dict[str, YearFan]:
    """Yearly fan quantiles of the headline population variables."""
    quantiles = result[list(POPULATION_FANS)].quantile(list(FAN_QUANTILES), dim="run")
    years = [int(year) for year in result["year"].to_numpy()]
    return {
        name: YearFan(
            variable=name,
            years=years,
            quantiles={
                f"{q:g}": [finite(round(float(v), 4)) for v in quantiles[name].sel(quantile=q).to_numpy()]
                for q in FAN_QUANTILES
            },
        )
        for name in POPULATION_FANS
    }


def project(request: VariantRequest) -> ProjectionResult:
    """Project a demographic variant with the population service: yearly medians and fans."""
    result = population.project_variant(
        request.start, request.end, request.tfr, request.e0_female, request.e0_male,
        request.net_migration, request.runs, request.seed,
    )  # fmt: skip
    summary = [
        {key: finite(value) if isinstance(value, float) else value for key, value in record.items()}
        for record in population.summary_records(result)
    ]
    return ProjectionResult(request=request, summary=summary, fans=projection_fans(result))


# ------------------------------------------------------------------------ migration-plan mode

PLAN_FANS = ("population", "grey_pressure", "potential_labour_force", "employed")
PLAN_CATEGORIES = MOTIVES  # the plan's gross-immigration categories are the immigrant motives
# The 2025 bands of scenarios/plan_example.yaml as (low, high) relative to the central level; the
# request sets the central level and the band keeps these proportions.
PLAN_BAND_FACTORS: dict[str, tuple[float, float]] = {
    "labour_eu": (35_000 / 45_000, 60_000 / 45_000),
    "labour_non_eu": (20_000 / 30_000, 40_000 / 30_000),
    "study": (25_000 / 35_000, 45_000 / 35_000),
    "family": (30_000 / 40_000, 50_000 / 40_000),
    "asylum": (15_000 / 25_000, 40_000 / 25_000),
    "asylum_family": (4_000 / 8_000, 12_000 / 8_000),
    "temporary_protection": (0.0, 3.0),
    "other": (20_000 / 30_000, 40_000 / 30_000),
}
PLAN_TFR_FACTORS = (1.30 / 1.43, 1.60 / 1.43)
"""The fertility range of scenarios/plan_example.yaml relative to its TFR (1.43, 1.30-1.60)."""
ASYLUM_FAMILY_PER_ASYLUM = 8_000 / 25_000
"""Follow-on family per asylum migrant in scenarios/plan_example.yaml (2025), applied to the asylum level."""


def _level(default: float, description: str) -> Any:
    """A gross immigration level field: persons per year, 0 to MAX_ANNUAL_INFLOW."""
    return Field(float(default), ge=0, le=MAX_ANNUAL_INFLOW, description=f"{description} (persons per year)")


class PlanLevels(BaseModel):
    """Annual gross immigration per category; the defaults are the central 2025 levels of
    scenarios/plan_example.yaml (the repository's example plan, not shipped with the package)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    labour_eu: float = _level(45_000, "labour migration from the EU")
    labour_non_eu: float = _level(30_000, "labour migration from outside the EU")
    study: float = _level(35_000, "study migration")
    family: float = _level(40_000, "family migration (excluding asylum follow-on family)")
    asylum: float = _level(
        25_000, "asylum migration; follow-on family is added at the example plan's ratio (8,000 per 25,000)"
    )
    temporary_protection: float = _level(10_000, "temporary protection")
    other: float = _level(30_000, "other immigration")


class PlanRequest(BaseModel):
    """A migration plan (constant annual levels per category, each with the example plan's band)
    and, for comparison, the demographic variant with constant net migration on the same demography."""

    model_config = ConfigDict(extra="forbid", strict=True)

    start: int = Field(2025, ge=2020, le=2025, description="first year (population on 1 January)")
    end: int = Field(2050, ge=2026, le=2100, description="last year")
    levels: PlanLevels = Field(default_factory=PlanLevels, description="gross immigration per category")
    asylum_chain: bool = Field(
        False,
        description="asylum numbers from the asylum chain (grants and follow-on family) instead of the level",
    )
    tfr: float = Field(1.43, gt=0.5, le=4.0, description="total fertility rate")
    e0_female: float = Field(85.5, ge=70, le=100, description="female life expectancy in the end year")
    e0_male: float = Field(83.5, ge=70, le=100, description="male life expectancy in the end year")
    net_migration: float = Field(
        60_000, ge=-200_000, le=500_000, description="net migration per year of the comparison variant"
    )
    runs: int = Field(
        100, ge=1, le=MAX_POPULATION_RUNS, description=f"ensemble size (at most {MAX_POPULATION_RUNS})"
    )
    seed: int = Field(0, ge=0, le=2**32 - 1)

    @model_validator(mode="after")
    def _horizon(self) -> PlanRequest:
        if not 0 < self.end - self.start <= MAX_POPULATION_YEARS:
            raise ValueError(f"end must be 1 to {MAX_POPULATION_YEARS} years after start")
        return self

    def variant(self) -> VariantRequest:
        """The comparison variant: the same demography with constant net migration."""
        return VariantRequest(
            start=self.start, end=self.end, tfr=self.tfr, e0_female=self.e0_female, e0_male=self.e0_male,
            net_migration=self.net_migration, runs=self.runs, seed=self.seed,
        )  # fmt: skip

    def plan(self) -> Scenario:
        """The levels as a population-service plan (one band per category from ``start``)."""
        central = self.levels.model_dump()
        central["asylum_family"] = self.levels.asylum * ASYLUM_FAMILY_PER_ASYLUM
        bands = {
            category: [
                Band.model_validate(
                    {"from": self.start, "central": level, "low": level * PLAN_BAND_FACTORS[category][0],
                     "high": level * PLAN_BAND_FACTORS[category][1]}
                )
            ]
            for category, level in central.items()
        }  # fmt: skip
        plan = MigrationPlan(
            inflows=Inflows.model_validate(bands),
            fertility=Fertility(
                tfr=self.tfr, low=self.tfr * PLAN_TFR_FACTORS[0], high=self.tfr * PLAN_TFR_FACTORS[1]
            ),
            life_expectancy_end=LifeExpectancy(male=self.e0_male, female=self.e0_female),
        )
        return Scenario(
            name="dashboard plan",
            start_year=self.start,
            end_year=self.end - 1,
            runs=self.runs,
            seed=self.seed,
            population=plan,
        )


class PlanProjectionResult(BaseModel):
    """A migration-plan projection next to the constant-net-migration variant: medians and fans."""

    request: PlanRequest
    summary: list[dict[str, float | int | None]]
    fans: dict[str, YearFan]
    variant: ProjectionResult
    asylum_grants: list[float] | None = Field(
        None, description="median asylum grants per year from the asylum chain (when asylum_chain is set)"
    )


def summary_of(result: xr.Dataset) -> list[dict[str, float | int | None]]:
    """Yearly medians of the headline indicators; NaN becomes None."""
    return [
        {key: finite(value) if isinstance(value, float) else value for key, value in record.items()}
        for record in population.summary_records(result)
    ]


def project_migration_plan(request: PlanRequest) -> PlanProjectionResult:
    """Project the request's migration plan (optionally with asylum numbers from the asylum chain)
    and its comparison variant with the population service: yearly medians and fans of both."""
    plan = request.plan()
    grants: list[float] | None = None
    if request.asylum_chain:
        result = population.project_plan(population.with_asylum_chain(plan), detail=False)
        chain_grants = result["arrivals"].sel(inflow="asylum").isel(year=slice(None, -1))
        grants = [round(float(v), 1) for v in chain_grants.median("run").to_numpy()]
    else:
        result = population.project_plan(plan, detail=False)
    fans = projection_fans(result)
    return PlanProjectionResult(
        request=request,
        summary=summary_of(result),
        fans={name: fans[name] for name in PLAN_FANS},
        variant=project(request.variant()),
        asylum_grants=grants,
    )
