"""Request and response models of the web use cases (``service.web``), shared by the API and the dashboard.

Requests are strict and capped (ensemble size, horizon, policies, inflow levels); a bad value is
answered with 422 and the reason. Units: persons per year for immigration levels, children per
woman for fertility, years for life expectancy.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, JsonValue, model_validator

from migratielab import limits
from migratielab.models.population import MOTIVES
from migratielab.scenario import (
    Band,
    Fertility,
    Inflows,
    InflowSpec,
    LifeExpectancy,
    MigrationPlan,
    Policy,
    Scenario,
    bundled_scenario_names,
    bundled_scenario_path,
    load_scenario,
)
from migratielab.service import demography
from migratielab.service.citations import Cited
from migratielab.yamlio import WholeNumber, integral

MAX_RUNS = 5_000
MAX_POLICIES = 4
MAX_HORIZON_YEARS = 15
MAX_POPULATION_RUNS = 200
MAX_POPULATION_YEARS = limits.LAST_YEAR - limits.FIRST_POPULATION_START
MAX_ANNUAL_INFLOW = float(limits.ANNUAL_INFLOW.high)
DEFAULT_RUNS = 500
INTERACTIVE_RUNS = 100
"""Runs of a what-if by default (the dashboard's too): an answer within a second on a busy server."""
PLAN_CATEGORIES = MOTIVES
"""The plan's gross-immigration categories are the immigrant motives (follow-on family is derived)."""


REQUEST_CONFIG = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)
"""Requests: unknown keys refused, no type coercion (but see ``WholeNumber``), finite numbers only."""


ASYLUM_SCENARIOS = [
    name for name in bundled_scenario_names() if load_scenario(bundled_scenario_path(name)).asylum is not None
]
"""Bundled scenarios with an asylum section: the ones a what-if or comparison can start from."""
SCENARIO_NAMES: list[JsonValue] = [*ASYLUM_SCENARIOS]
"""The ``scenario`` field's enumeration."""
SCENARIO_STARTS = [load_scenario(bundled_scenario_path(name)).start_year for name in ASYLUM_SCENARIOS]
"""Start years of the bundled scenarios: an end year's schema range is their common horizon."""


class ScenarioInfo(BaseModel):
    """A bundled scenario: its name (the id used in requests) and its content."""

    id: str
    scenario: Scenario


@lru_cache(maxsize=16)
def bundled_scenario(name: str) -> ScenarioInfo:
    """One bundled scenario by name (KeyError when unknown; never a path from the caller)."""
    if name not in bundled_scenario_names():
        raise KeyError(name)
    return ScenarioInfo(id=name, scenario=load_scenario(bundled_scenario_path(name)))


class SimulationRequest(BaseModel):
    """A bundled scenario with lever and inflow overrides, a capped ensemble and a capped horizon."""

    model_config = REQUEST_CONFIG

    scenario: str = Field(
        "default",
        description="name of a bundled scenario (see GET /api/scenarios)",
        json_schema_extra={"enum": SCENARIO_NAMES},
    )
    inflow: InflowSpec | None = Field(None, description="inflow future; default: the scenario's")
    runs: WholeNumber = Field(
        DEFAULT_RUNS, ge=1, le=MAX_RUNS, description=f"ensemble size (at most {MAX_RUNS:,})"
    )
    end_year: (
        Annotated[
            int,
            Field(ge=max(SCENARIO_STARTS), le=min(SCENARIO_STARTS) + MAX_HORIZON_YEARS - 1),
            BeforeValidator(integral),
        ]
        | None
    ) = Field(
        None, description=f"last simulated year; at most {MAX_HORIZON_YEARS} years from the scenario's start"
    )
    seed: Annotated[int, Field(ge=limits.SEED.low, le=limits.SEED.high), BeforeValidator(integral)] | None = (
        Field(None, description="seed; default: the scenario's")
    )

    @model_validator(mode="after")
    def _check(self) -> SimulationRequest:
        if self.scenario not in ASYLUM_SCENARIOS:
            raise ValueError(
                f"unknown scenario {self.scenario!r}; known (with an asylum section): "
                f"{', '.join(ASYLUM_SCENARIOS)}"
            )
        start = bundled_scenario(self.scenario).scenario.start_year
        last = start + MAX_HORIZON_YEARS - 1
        if self.end_year is not None and not start <= self.end_year <= last:
            raise ValueError(
                f"end_year must lie in {start}-{last} (the horizon is capped at {MAX_HORIZON_YEARS} years)"
            )
        return self


class WhatIfRequest(SimulationRequest):
    """One policy (a set of levers) on a bundled scenario's inflow future."""

    runs: WholeNumber = Field(
        INTERACTIVE_RUNS, ge=1, le=MAX_RUNS, description=f"ensemble size (at most {MAX_RUNS:,})"
    )
    policy: Policy | None = Field(None, description="levers; default: the scenario's first policy")


class CompareRequest(SimulationRequest):
    """Several policies compared on the same inflow futures."""

    policies: list[Policy] | None = Field(
        None,
        min_length=1,
        max_length=MAX_POLICIES,
        description="policies; default: the scenario's (policies sharing a name are numbered)",
    )

    @model_validator(mode="after")
    def _unique(self) -> CompareRequest:
        """Policies that share a name are numbered (``cap``, ``cap (2)``): results are keyed by name."""
        if self.policies is None:
            return self
        seen: dict[str, int] = {}
        named = []
        for policy in self.policies:
            seen[policy.name] = seen.get(policy.name, 0) + 1
            count = seen[policy.name]
            named.append(
                policy if count == 1 else policy.model_copy(update={"name": f"{policy.name} ({count})"})
            )
        object.__setattr__(self, "policies", named)
        return self


class Fan(BaseModel):
    """Quantiles over runs per month of one variable: ``quantiles[q]`` has one value per month
    (None where undefined); ``unit`` is the registry's unit code (``models/units.yaml``)."""

    variable: str
    unit: str
    time: list[str]
    quantiles: dict[str, list[float | None]]


class ObservedSeries(BaseModel):
    """Observed values of a fan variable at their dates, with the series they come from."""

    variable: str
    series_id: str
    time: list[str]
    values: list[float]


class IndicatorValue(BaseModel):
    """One scalar indicator of one policy: median and 5th-95th percentile over runs (registry label
    in English and unit code; None where undefined)."""

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


class SimulationResult(Cited):
    """The outcome of a what-if or a comparison: per policy, plus observed history and sources."""

    scenario: Scenario
    results: list[PolicyResult]
    observed: dict[str, ObservedSeries]


# ------------------------------------------------------------------ population and migration plans

DEMOGRAPHY = demography.defaults()


class VariantRequest(BaseModel):
    """A demographic variant: constant TFR, e0 reached in the end year, constant net migration."""

    model_config = REQUEST_CONFIG

    start: WholeNumber = Field(
        DEMOGRAPHY.start,
        ge=limits.FIRST_POPULATION_START,
        le=limits.LAST_POPULATION_START,
        description="first year (population on 1 January)",
    )
    end: WholeNumber = Field(
        DEMOGRAPHY.end, ge=limits.LAST_POPULATION_START + 1, le=limits.LAST_YEAR, description="last year"
    )
    tfr: float = limits.TFR.field(DEMOGRAPHY.tfr, description="total fertility rate (children per woman)")
    e0_female: float = limits.LIFE_EXPECTANCY.field(
        DEMOGRAPHY.e0_female, description="female life expectancy at birth in the end year (years)"
    )
    e0_male: float = limits.LIFE_EXPECTANCY.field(
        DEMOGRAPHY.e0_male, description="male life expectancy at birth in the end year (years)"
    )
    net_migration: float = limits.NET_MIGRATION.field(
        DEMOGRAPHY.net_migration, description="net migration (persons per year)"
    )
    runs: WholeNumber = Field(
        100, ge=1, le=MAX_POPULATION_RUNS, description=f"ensemble size (at most {MAX_POPULATION_RUNS})"
    )
    seed: WholeNumber = limits.SEED.field(0)

    @model_validator(mode="after")
    def _horizon(self) -> VariantRequest:
        if not 0 < self.end - self.start <= MAX_POPULATION_YEARS:
            raise ValueError(f"end must be 1 to {MAX_POPULATION_YEARS} years after start")
        return self


class YearFan(BaseModel):
    """Quantiles over runs per year of one population variable."""

    variable: str
    years: list[int]
    quantiles: dict[str, list[float | None]]


class PyramidYear(BaseModel):
    """Population on 1 January of ``year`` by sex and age group (persons, mean over runs)."""

    year: int
    male: list[float]
    female: list[float]


class Pyramid(BaseModel):
    """A population pyramid: the first and last year of a projection, by sex and five-year age group
    (the last group open: ``100+``); means over runs, so the groups add up to the mean population."""

    age_groups: list[str]
    years: list[PyramidYear]


class ProjectionResult(BaseModel):
    """A population projection: yearly medians of the headline indicators and fans, with sources."""

    request: VariantRequest
    summary: list[dict[str, float | int | None]]
    fans: dict[str, YearFan]
    pyramid: Pyramid | None = Field(None, description="population by sex and age, first and last year")


def _level(category: str, description: str) -> Any:
    """A gross immigration level field (persons per year) defaulting to the example plan's level."""
    default = demography.example_bands()[category].central
    return limits.ANNUAL_INFLOW.field(default, description=f"{description} (persons per year)")


class PlanLevels(BaseModel):
    """Annual gross immigration per category; the defaults are the example plan's central levels in its
    first year (``service.demography``)."""

    model_config = REQUEST_CONFIG

    labour_eu: float = _level("labour_eu", "labour migration from the EU")
    labour_non_eu: float = _level("labour_non_eu", "labour migration from outside the EU")
    study: float = _level("study", "study migration")
    family: float = _level("family", "family migration (excluding asylum follow-on family)")
    asylum: float = _level(
        "asylum", "asylum migration; follow-on family is added at the example plan's ratio"
    )
    temporary_protection: float = _level("temporary_protection", "temporary protection")
    other: float = _level("other", "other immigration")


class PlanRequest(VariantRequest):
    """A migration plan (constant annual levels per category, each with the example plan's band) and,
    for comparison, the demographic variant with constant net migration on the same demography."""

    levels: PlanLevels = Field(default_factory=PlanLevels, description="gross immigration per category")
    asylum_chain: bool = Field(
        False,
        description="asylum numbers from the asylum chain (grants and follow-on family) instead of the level",
    )

    def variant(self) -> VariantRequest:
        """The comparison variant: the same demography with constant net migration."""
        return VariantRequest.model_validate(self.model_dump(include=set(VariantRequest.model_fields)))

    def plan(self) -> Scenario:
        """The levels as a population-service plan (one band per category from ``start``, with the
        example plan's proportions; follow-on family at its ratio to asylum). A band edge that the
        proportions would put beyond an input limit (``migratielab.limits``) is set at the limit."""
        bands = demography.example_bands()
        central = self.levels.model_dump()
        central["asylum_family"] = self.levels.asylum * asylum_family_per_asylum()
        inflow = limits.ANNUAL_INFLOW
        inflows = {
            category: [Band.model_validate(
                {"from": self.start, "central": inflow.nearest(level),
                 "low": inflow.nearest(level * bands[category].low_factor),
                 "high": inflow.nearest(level * bands[category].high_factor)}
            )]
            for category, level in central.items()
        }  # fmt: skip
        low, high = demography.fertility_factors()
        tfr = limits.TFR
        plan = MigrationPlan(
            inflows=Inflows.model_validate(inflows),
            fertility=Fertility(
                tfr=self.tfr, low=tfr.nearest(self.tfr * low), high=tfr.nearest(self.tfr * high)
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


def asylum_family_per_asylum() -> float:
    """Follow-on family per asylum migrant in the example plan's first year."""
    bands = demography.example_bands()
    return bands["asylum_family"].central / bands["asylum"].central


class PlanProjectionResult(BaseModel):
    """A migration-plan projection next to the constant-net-migration variant: medians and fans."""

    request: PlanRequest
    summary: list[dict[str, float | int | None]]
    fans: dict[str, YearFan]
    variant: ProjectionResult
    asylum_grants: list[float] | None = Field(
        None, description="median asylum grants per year from the asylum chain (when asylum_chain is set)"
    )
    arrivals: dict[str, list[float]] = Field(
        default_factory=dict,
        description="median immigration per motive (persons per year), one value per flow year",
    )
    pyramid: Pyramid | None = Field(
        None, description="the plan's population by sex and age, first and last year"
    )


# ----------------------------------------------------------------------------- overview and data


class PanelSeries(BaseModel):
    """One series of an overview panel: annual values."""

    key: str
    years: list[int]
    values: list[float]


class Panel(Cited):
    """One overview chart's data: series, unit code (``models/units.yaml``) and the sources of every
    figure; ``note`` names an explanatory note (``derived``) or is empty."""

    key: str
    unit: str
    series: list[PanelSeries]
    note: str = ""


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
