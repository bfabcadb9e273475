"""The integral trade-off for the HTTP API and the dashboard: a plan's scorecard next to the example plan.

A request holds constant levels per channel (``web_models.PlanLevels``) and an asylum policy (a fixed
reception base with a buffer, stable IND staffing); the asylum chain runs on the plan's asylum level
and its grants enter the population (``service.population.with_asylum_chain``). The example plan
(the levels' defaults with the same policy defaults) runs on the same futures for comparison.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel, Field

from migratielab.data import store
from migratielab.models.variables import lookup
from migratielab.scenario import (
    FixedBufferReception,
    LabourSection,
    MunicipalSection,
    Policy,
    Scenario,
    StableStaffing,
)
from migratielab.service.citations import Citation
from migratielab.service.population import with_asylum_chain
from migratielab.service.scorecard import PlanComparison, compare_plans_and_paths, variable_citations
from migratielab.service.web import year_fan
from migratielab.service.web_models import REQUEST_CONFIG, PlanLevels, PlanRequest, YearFan
from migratielab.yamlio import WholeNumber

MAX_PLAN_RUNS = 100
FIRST_YEAR = 2025
EXAMPLE_NAME = "example"
YOURS_NAME = "yours"
PLAN_PATHS = (
    "population.potential_labour_force",
    "labour.unfilled_total",
    "asylum.holders_waiting",
    "municipal.total_backlog",
)
"""Registered variables whose yearly paths the plan page draws for both plans: one per pillar."""


class PlanScorecardRequest(BaseModel):
    """A plan to put on the scorecard: channel levels, asylum policy, horizon and ensemble."""

    model_config = REQUEST_CONFIG

    levels: PlanLevels = Field(default_factory=PlanLevels, description="gross immigration per channel")
    fte: float = Field(1_500, ge=100, le=10_000, description="IND decision officers (FTE, stable)")
    base_places: WholeNumber = Field(
        41_000, ge=0, le=150_000, description="standing regular reception places"
    )
    buffer_places: WholeNumber = Field(15_000, ge=0, le=100_000, description="buffer places kept in reserve")
    end_year: WholeNumber = Field(2040, ge=2026, le=2060, description="last simulated year")
    runs: WholeNumber = Field(30, ge=2, le=MAX_PLAN_RUNS, description=f"futures (at most {MAX_PLAN_RUNS})")
    seed: WholeNumber = Field(20251201, ge=0, le=2**32 - 1)

    def scenario(self, name: str = YOURS_NAME) -> Scenario:
        """The request as a coupled scenario: the chain runs the policy on the plan's asylum level, the
            municipalities (default section) house its status holders and run civic integration, and the
        labour market (default section, no labour plan of its own) meets the projected labour force."""
        plan = PlanRequest(
            levels=self.levels, start=FIRST_YEAR, end=self.end_year + 1, runs=self.runs, seed=self.seed
        ).plan()
        policy = Policy(
            name=name,
            reception=FixedBufferReception(base_places=self.base_places, buffer_places=self.buffer_places),
            staffing=StableStaffing(fte=self.fte),
        )
        coupled = with_asylum_chain(plan.model_copy(update={"name": name}), policy)
        return coupled.model_copy(update={"municipal": MunicipalSection(), "labour": LabourSection()})

    def example(self) -> PlanScorecardRequest:
        """The example plan with the default policy on the same horizon and futures."""
        return PlanScorecardRequest(end_year=self.end_year, runs=self.runs, seed=self.seed)


@dataclass(frozen=True)
class PlanOutlook:
    """Both plans' scorecards and, per variable of ``PLAN_PATHS``, each plan's yearly fan by plan name."""

    comparison: PlanComparison
    paths: dict[str, dict[str, YearFan]]
    observed: dict[str, dict[int, float]] = field(default_factory=dict)
    """Per path variable, its published year values (year-end levels of a stock) in the paths' years."""

    def path_records(self) -> dict[str, dict[str, object]]:
        """The paths as JSON-ready data: per variable its IAMC name, unit and each plan's yearly fan."""
        return {
            key: {
                "iamc": lookup(key).iamc,
                "unit": lookup(key).unit.code,
                "plans": {name: fan.model_dump(exclude={"variable"}) for name, fan in fans.items()},
            }
            for key, fans in self.paths.items()
        }

    def citations(self) -> list[Citation]:
        """Where the paths' variables come from (registry variables and observing statistics)."""
        return [citation for key in self.paths for citation in variable_citations(key)]


def plan_outlook(request: PlanScorecardRequest) -> PlanOutlook:
    """The example plan and the requested plan on the same futures: scorecards, paired differences and
    the yearly paths of ``PLAN_PATHS`` from the same runs."""
    scenarios = [request.example().scenario(EXAMPLE_NAME), request.scenario(YOURS_NAME)]
    comparison, paths = compare_plans_and_paths(scenarios, PLAN_PATHS)
    names = [card.scenario.name for card in comparison.scorecards]
    fans = {
        key: {name: year_fan(key, plan[key]) for name, plan in zip(names, paths, strict=True)}
        for key in PLAN_PATHS
    }
    return PlanOutlook(comparison, fans, {key: observed_years(key, fans[key]) for key in PLAN_PATHS})


def observed_years(key: str, fans: dict[str, YearFan]) -> dict[int, float]:
    """The published year values of a registry variable's observing series within the fans' years
    (none where the variable has no observing series)."""
    series_id = lookup(key).observed
    if series_id is None:
        return {}
    years = {year for fan in fans.values() for year in fan.years}
    return {int(year): float(value) for year, value in store.annual(series_id).items() if year in years}
