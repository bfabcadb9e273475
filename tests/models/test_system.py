"""The system loop: pillars stepped together month by month, coupled through typed values."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from migratielab.models import system
from migratielab.models.asylum.record import ChainRun
from migratielab.models.asylum.setup import scenario_parameters
from migratielab.models.pillar import HousingCapacity, HousingTask
from migratielab.models.population.paths import UNCERTAIN, plan_builder, uniform_draws
from migratielab.params import default_parameters
from migratielab.scenario import Band, Scenario, load_scenario
from migratielab.service.population import project_plan, with_asylum_chain

SCENARIO = "scenarios/default.yaml"


def coupled_plan(end_year: int = 2028, runs: int = 2, asylum_level: float | None = None) -> Scenario:
    """The example plan with asylum numbers from the asylum chain (optionally at a constant level)."""
    scenario = load_scenario("scenarios/plan_example.yaml").model_copy(
        update={"end_year": end_year, "runs": runs, "seed": 1}
    )
    if asylum_level is not None:
        assert scenario.population is not None
        band = Band.model_validate(
            {"from": 2025, "central": asylum_level, "low": asylum_level, "high": asylum_level}
        )
        inflows = scenario.population.inflows.model_copy(update={"asylum": [band]})
        plan = scenario.population.model_copy(update={"inflows": inflows})
        scenario = scenario.model_copy(update={"population": plan})
    return with_asylum_chain(scenario)


def first_policy(scenario: Scenario, runs: int) -> system.AsylumPart:
    """The chain's part of a run of the scenario's first policy for runs 0..runs-1."""
    assert scenario.asylum is not None
    policy = scenario.asylum.policies[0]
    return system.asylum_part(scenario, policy, np.arange(runs), scenario_parameters(scenario))


def chain_alone(scenario: Scenario, runs: int) -> ChainRun:
    """The scenario's first policy run by the system loop with the chain as the only pillar."""
    part = first_policy(scenario, runs)
    result = system.run(system.System(scenario.start_year, scenario.months, asylum=part))
    assert result.asylum is not None
    return result.asylum


def test_the_chains_grants_and_family_enter_the_population_per_calendar_year() -> None:
    scenario = coupled_plan()
    result = project_plan(scenario, detail=False)
    monthly = chain_alone(scenario, 2).monthly
    for year in (2025, 2028):
        in_year = monthly.sel(time=monthly["time"].dt.year == year)
        grants = (in_year["grants_first_instance"] + in_year["grants_appeal"]).sum("time").to_numpy()
        family = in_year["family_arrivals"].sum("time").to_numpy()
        arrivals = result["arrivals"].sel(year=year)
        np.testing.assert_allclose(arrivals.sel(inflow="asylum").to_numpy(), grants, rtol=1e-12)
        np.testing.assert_allclose(arrivals.sel(inflow="asylum_family").to_numpy(), family, rtol=1e-12)
    assert np.all(result["arrivals"].sel(inflow="asylum").isel(year=slice(None, -1)) > 0)


def test_a_higher_asylum_level_gives_more_grants_and_a_larger_population() -> None:
    low = project_plan(coupled_plan(2030, 1, 10_000), detail=False)
    high = project_plan(coupled_plan(2030, 1, 40_000), detail=False)
    grants = [float(r["arrivals"].sel(inflow="asylum").isel(year=slice(None, -1)).sum()) for r in (low, high)]
    assert grants[1] > 2 * grants[0]
    assert float(high["population"].isel(year=-1).sum()) > float(low["population"].isel(year=-1).sum())


def test_adding_the_population_never_changes_the_chains_numbers() -> None:
    """Each pillar draws from its own stream and the chain reads nothing back from the population."""
    scenario = load_scenario(SCENARIO).model_copy(update={"end_year": 2027, "runs": 3})
    alone = chain_alone(scenario, 3)
    plan = load_scenario("scenarios/plan_example.yaml").population
    both = with_asylum_chain(scenario.model_copy(update={"population": plan}))
    assert both.asylum is not None
    part = system.asylum_part(both, both.asylum.policies[0], np.arange(3), scenario_parameters(both))

    assert both.population is not None
    params = default_parameters("population")
    builder = plan_builder(both.population, 2025, 2028, params, sample=True)
    paths = builder(uniform_draws(both.seed, [0, 1, 2], len(UNCERTAIN)))
    together = system.run(
        system.System(
            2025, both.months, asylum=part, population=system.population_part(paths, params, False, True)
        )
    )
    assert together.asylum is not None
    for name in ("in_chain", "ind_backlog", "holders_waiting", "cost_ind"):
        assert np.array_equal(alone.monthly[name].to_numpy(), together.asylum.monthly[name].to_numpy())


@dataclass
class FixedHousing:
    """A toy municipal pillar: houses a fixed number of status holders a month, and logs the task."""

    per_month: float
    tasks: list[np.ndarray]

    def capacity(self, t: int, task: HousingTask) -> HousingCapacity:
        self.tasks.append(task.persons.copy())
        return HousingCapacity(persons=np.full(task.persons.shape, self.per_month))


@pytest.mark.parametrize("per_month", [0.0, 500.0, 5_000.0])
def test_housing_capacity_from_a_housing_pillar_is_the_outflow_of_status_holders(per_month: float) -> None:
    scenario = load_scenario(SCENARIO).model_copy(update={"end_year": 2026, "runs": 2})
    assert scenario.asylum is not None
    part = system.asylum_part(
        scenario, scenario.asylum.policies[0], np.arange(2), scenario_parameters(scenario)
    )
    housing = FixedHousing(per_month, [])
    result = system.run(system.System(2025, scenario.months, asylum=part, housing=housing))
    assert result.asylum is not None
    housed = result.asylum.monthly["housed"].to_numpy()
    assert np.all(housed <= per_month + 1e-9)
    assert len(housing.tasks) == scenario.months and np.all(np.concatenate(housing.tasks) >= 0)
    waiting = result.asylum.monthly["holders_waiting"].to_numpy()
    if per_month == 0.0:
        assert np.all(housed == 0.0) and np.all(np.diff(waiting, axis=1) >= 0)


def test_more_housing_capacity_leaves_fewer_status_holders_waiting() -> None:
    scenario = load_scenario(SCENARIO).model_copy(update={"end_year": 2026, "runs": 1})
    assert scenario.asylum is not None
    waiting = []
    for per_month in (200.0, 2_000.0):
        part = system.asylum_part(
            scenario, scenario.asylum.policies[0], np.arange(1), scenario_parameters(scenario)
        )
        result = system.run(
            system.System(2025, scenario.months, asylum=part, housing=FixedHousing(per_month, []))
        )
        assert result.asylum is not None
        waiting.append(result.asylum.monthly["holders_waiting"].to_numpy()[0, -1])
    assert waiting[1] < waiting[0]
