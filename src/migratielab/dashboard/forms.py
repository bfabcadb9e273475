"""The dashboard's flat lever form and its translation into the service's request models."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from migratielab.presentation.simulation import YOUR_POLICY
from migratielab.scenario import (
    BandInflow,
    FixedBufferReception,
    FixedHousingQuota,
    ForecastHousingQuota,
    ForecastLinkedReception,
    ForecastLinkedStaffing,
    InflowSpec,
    Policy,
    StableStaffing,
    StochasticInflow,
)
from migratielab.service import asylum, plan_web, web_models

DASHBOARD_MAX_RUNS = 2_000
INTERACTIVE_RUNS = web_models.INTERACTIVE_RUNS
"""Runs of an interactive what-if by default (as in the API): more runs are one choice away."""
RUN_CHOICES = (INTERACTIVE_RUNS, 500, 1_000, DASHBOARD_MAX_RUNS)
POPULATION_RUN_CHOICES = (50, 100, 200)
STAFF_STEP = 50.0
"""FTE steps of the staffing lever's default."""


class LeverForm(BaseModel):
    """The levers of one policy and the inflow future, as flat query parameters."""

    model_config = ConfigDict(extra="ignore")

    lang: Literal["nl", "en"] = "nl"
    inflow: Literal["stochastic", "low", "medium", "high"] = "stochastic"
    level: float = Field(1.0, ge=0.25, le=4.0)
    reception: Literal["forecast_linked", "fixed_buffer"] = "fixed_buffer"
    base_places: int = Field(41_000, ge=0, le=150_000)
    buffer_places: int = Field(5_000, ge=0, le=100_000)
    staffing: Literal["forecast_linked", "stable"] = "stable"
    fte: float = Field(default_factory=lambda: staff_at_start(), ge=100, le=10_000)
    term: int = Field(6, ge=1, le=36)
    housing: Literal["forecast", "fixed"] = "forecast"
    quota: int = Field(10_000, ge=0, le=100_000)
    runs: int = Field(INTERACTIVE_RUNS, ge=1, le=DASHBOARD_MAX_RUNS)
    end_year: int = Field(2035, ge=2025, le=2025 + web_models.MAX_HORIZON_YEARS - 1)

    def policy(self) -> Policy:
        """The levers as a scenario Policy."""
        return Policy(
            name=YOUR_POLICY,
            reception=FixedBufferReception(base_places=self.base_places, buffer_places=self.buffer_places)
            if self.reception == "fixed_buffer"
            else ForecastLinkedReception(),
            staffing=StableStaffing(fte=self.fte) if self.staffing == "stable" else ForecastLinkedStaffing(),
            decision_term_months=self.term,
            housing=FixedHousingQuota(per_half_year=self.quota)
            if self.housing == "fixed"
            else ForecastHousingQuota(),
        )

    def inflow_spec(self) -> InflowSpec:
        """The inflow future: the stochastic generator at a level, or a deterministic band."""
        if self.inflow == "stochastic":
            return StochasticInflow(level_multiplier=self.level)
        return BandInflow(band=self.inflow)

    def what_if(self) -> web_models.WhatIfRequest:
        """The what-if request for these levers on the default scenario."""
        return web_models.WhatIfRequest(
            policy=self.policy(), inflow=self.inflow_spec(), runs=self.runs, end_year=self.end_year
        )

    def compare(self) -> web_models.CompareRequest:
        """These levers next to the default scenario's policies, on the same inflow futures."""
        others = asylum.policies_of(web_models.bundled_scenario("default").scenario)[
            : web_models.MAX_POLICIES - 1
        ]
        return web_models.CompareRequest(
            policies=[*others, self.policy()],
            inflow=self.inflow_spec(),
            runs=self.runs,
            end_year=self.end_year,
        )


def staff_at_start() -> float:
    """The IND decision staff at the start of the default scenario, to 50 FTE: the stable-staffing
    lever's default keeps today's staff (FTE)."""
    scenario = web_models.bundled_scenario("default").scenario
    return float(round(asylum.decision_staff_at_start(scenario) / STAFF_STEP) * STAFF_STEP)


def _plan_level(category: str) -> Any:
    """A form field for one plan category, defaulting to the service's central level."""
    default = web_models.PlanLevels.model_fields[category].default
    return Field(default, ge=0, le=web_models.MAX_ANNUAL_INFLOW)


class PopulationForm(web_models.VariantRequest):
    """The long-term page's inputs: a demographic variant from 2025 and, in plan mode, a migration
    plan's gross immigration per category (query strings are converted)."""

    model_config = ConfigDict(extra="ignore", strict=False)

    lang: Literal["nl", "en"] = "nl"
    runs: int = Field(POPULATION_RUN_CHOICES[0], ge=1, le=web_models.MAX_POPULATION_RUNS)
    mode: Literal["variant", "plan"] = "variant"
    labour_eu: float = _plan_level("labour_eu")
    labour_non_eu: float = _plan_level("labour_non_eu")
    study: float = _plan_level("study")
    family: float = _plan_level("family")
    asylum: float = _plan_level("asylum")
    temporary_protection: float = _plan_level("temporary_protection")
    other: float = _plan_level("other")
    asylum_chain: bool = False

    def request(self) -> web_models.VariantRequest:
        """The projection request (without the page's own fields)."""
        return web_models.VariantRequest.model_validate(
            self.model_dump(include=set(web_models.VariantRequest.model_fields))
        )

    def plan_request(self) -> web_models.PlanRequest:
        """The migration-plan request: these levels, next to this form's variant."""
        levels = web_models.PlanLevels.model_validate(
            self.model_dump(include=set(web_models.PLAN_CATEGORIES))
        )
        return web_models.PlanRequest.model_validate(
            {**self.request().model_dump(), "levels": levels, "asylum_chain": self.asylum_chain}
        )


class PlanForm(BaseModel):
    """The integral-trade-off page's plan as flat query parameters (levels per channel, asylum policy)."""

    model_config = ConfigDict(extra="ignore")

    lang: Literal["nl", "en"] = "nl"
    labour_eu: float = Field(web_models.PlanLevels().labour_eu, ge=0, le=1_000_000)
    labour_non_eu: float = Field(web_models.PlanLevels().labour_non_eu, ge=0, le=1_000_000)
    study: float = Field(web_models.PlanLevels().study, ge=0, le=1_000_000)
    family: float = Field(web_models.PlanLevels().family, ge=0, le=1_000_000)
    asylum: float = Field(web_models.PlanLevels().asylum, ge=0, le=1_000_000)
    temporary_protection: float = Field(web_models.PlanLevels().temporary_protection, ge=0, le=1_000_000)
    other: float = Field(web_models.PlanLevels().other, ge=0, le=1_000_000)
    fte: float = Field(1_500, ge=100, le=10_000)
    base_places: int = Field(41_000, ge=0, le=150_000)
    buffer_places: int = Field(15_000, ge=0, le=100_000)
    end_year: int = Field(2040, ge=2026, le=2060)
    runs: int = Field(20, ge=2, le=plan_web.MAX_PLAN_RUNS)

    def request(self) -> plan_web.PlanScorecardRequest:
        """The form as the service's request."""
        levels = web_models.PlanLevels.model_validate(
            self.model_dump(include=set(web_models.PlanLevels.model_fields))
        )
        fields = self.model_dump(include={"fte", "base_places", "buffer_places", "end_year", "runs"})
        return plan_web.PlanScorecardRequest(levels=levels, **fields)
