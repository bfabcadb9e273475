"""The scorecard summarises the pillars' own outputs; plans compared on paired futures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from migratielab.analysis.indicators import annual_values
from migratielab.data import store
from migratielab.errors import InputError
from migratielab.models import system
from migratielab.models.population.paths import UNCERTAIN, plan_builder, uniform_draws
from migratielab.params import default_parameters
from migratielab.scenario import LabourSection, MunicipalSection, Scenario, load_scenario
from migratielab.service import municipal
from migratielab.service.asylum import evaluate_policy
from migratielab.service.labour import labour_set_up
from migratielab.service.population import coupled_chain, project_plan, with_asylum_chain
from migratielab.service.scorecard import compare_plans, scorecard

ROOT = Path(__file__).resolve().parents[2]


def small(runs: int = 6, end_year: int = 2029) -> Scenario:
    """The integral example's asylum chain and population on a short horizon and a few runs (without
    the municipalities, which change the chain's outflow, and the labour market)."""
    return load_scenario(ROOT / "scenarios" / "integral_example.yaml").model_copy(
        update={"runs": runs, "end_year": end_year, "municipal": None, "labour": None}
    )


@pytest.fixture(scope="module")
def card_and_pillars() -> tuple[object, object, object]:
    """The scorecard of the small scenario, and the pillars run on their own through their services."""
    scenario = small()
    coupled = with_asylum_chain(scenario)
    assert coupled.asylum is not None
    chain = evaluate_policy(coupled, coupled.asylum.policies[0])
    population = project_plan(coupled, detail=False)
    return scorecard(scenario), chain, population


def test_chain_entries_equal_the_chain_indicators(card_and_pillars: tuple) -> None:
    """Waits, nights without shelter and cost are the chain's own run indicators, run by run."""
    card, chain, _ = card_and_pillars
    pairs = {
        "decision_wait": "median_wait_weeks",
        "nights_without_shelter": "nights_without_shelter",
        "cases_past_term": "cases_past_term",
        "chain_cost": "total_cost_eur",
    }
    for entry_id, indicator in pairs.items():
        np.testing.assert_allclose(
            card.result(entry_id).values, chain.indicators[indicator].to_numpy(), rtol=1e-12
        )
    annual = annual_values(chain.monthly)
    np.testing.assert_allclose(
        card.result("protection_granted").values, annual["grants"].mean("year"), rtol=1e-12
    )
    waited = chain.monthly["housing_wait_sum_months"].sum("time") / chain.monthly["housed"].sum("time")
    np.testing.assert_allclose(card.result("wait_for_home").values, waited, rtol=1e-12)


def test_population_entries_equal_the_projection(card_and_pillars: tuple) -> None:
    """Labour force, old-age dependency and household growth are the coupled projection's values."""
    card, _, population = card_and_pillars
    end = population.sel(year=2029)
    np.testing.assert_allclose(
        card.result("labour_force_end").values, end["potential_labour_force"], rtol=1e-12
    )
    np.testing.assert_allclose(card.result("old_age_dependency_end").values, end["grey_pressure"], rtol=1e-12)
    households = population["households"]
    growth = (households.sel(year=2029) - households.sel(year=2025)) / 4
    np.testing.assert_allclose(card.result("dwellings_needed").values, growth, rtol=1e-12)
    completions = float(store.annual("housing.completions").iloc[-1])
    np.testing.assert_allclose(
        card.result("dwellings_vs_completions").values, growth / completions, rtol=1e-12
    )


def test_entries_outside_the_horizon_or_without_their_pillar_say_why(card_and_pillars: tuple) -> None:
    """2040 lies beyond a 2029 horizon; an asylum-only scenario has no population entries."""
    card, _, _ = card_and_pillars
    assert card.result("labour_force_2040").values is None
    assert "horizon" in (card.result("labour_force_2040").missing or "")
    asylum_only = load_scenario(ROOT / "scenarios" / "default.yaml").model_copy(
        update={"runs": 3, "end_year": 2026}
    )
    only = scorecard(asylum_only)
    assert only.result("decision_wait").values is not None
    assert "population" in (only.result("labour_force_end").missing or "")


def test_more_labour_migration_is_robustly_better_for_the_labour_force() -> None:
    """Paired by future, a plan with more labour migration has a larger labour force in every run;
    the same plan twice differs in nothing."""
    base = small(runs=8, end_year=2027)
    plan = base.population
    assert plan is not None
    inflows = plan.inflows.model_copy(
        update={
            "labour_non_eu": [
                band.model_copy(update={"central": band.central * 3, "high": band.high * 3})
                for band in plan.inflows.labour_non_eu
            ]
        }
    )
    more = base.model_copy(
        update={"name": "more", "population": plan.model_copy(update={"inflows": inflows})}
    )
    comparison = compare_plans([base, more, base.model_copy(update={"runs": 3})])
    assert comparison.differences[0]["labour_force_end"].verdict == "better"
    assert comparison.differences[0]["labour_force_end"].share_higher == 1.0
    same = comparison.differences[1]
    assert all(difference.verdict is None and difference.median == 0 for difference in same.values())


def test_compare_refuses_different_horizons_and_too_many_plans() -> None:
    """Plans must share a horizon; at most four."""
    base = small(runs=2, end_year=2027)
    with pytest.raises(InputError, match="horizon"):
        compare_plans([base, base.model_copy(update={"end_year": 2028, "name": "longer"})])
    with pytest.raises(InputError, match="between 2 and 4"):
        compare_plans([base] * 5)


def test_municipal_entries_equal_the_municipal_pillar() -> None:
    """With a municipal section the municipalities run in the loop; their entries are the pillar's own
    outputs (``service.municipal.run``) summed over municipalities."""
    scenario = small(runs=3, end_year=2027).model_copy(update={"municipal": MunicipalSection()})
    card = scorecard(scenario)
    alone = municipal.run(with_asylum_chain(scenario)).dataset.sum("municipality")
    np.testing.assert_allclose(
        card.result("integration_passed").values, alone["passed"].mean("year"), rtol=1e-9
    )
    np.testing.assert_allclose(
        card.result("housing_backlog_end").values, alone["backlog"].sel(year=2027), rtol=1e-9
    )
    assert small(runs=2, end_year=2026).municipal is None
    assert "municipal" in (scorecard(small(runs=2, end_year=2026)).result("integration_passed").missing or "")


def test_labour_entries_equal_the_labour_pillar_in_the_coupled_loop() -> None:
    """With a labour section the labour market steps after the population in the same loop; the entries
    are its own outputs summed over occupations (the loop assembled here from the pillars' set-ups)."""
    scenario = with_asylum_chain(small(runs=3, end_year=2027).model_copy(update={"labour": LabourSection()}))
    card = scorecard(scenario)
    run_ids = [0, 1, 2]
    params = default_parameters("population")
    assert scenario.population is not None
    builder = plan_builder(scenario.population, 2025, 2028, params, True)
    people = system.population_part(
        builder(uniform_draws(scenario.seed, run_ids, len(UNCERTAIN))), params, False, True
    )
    parts = system.System(
        2025,
        36,
        asylum=coupled_chain(scenario, run_ids),
        population=people,
        labour=labour_set_up(scenario, run_ids).part,
    )
    labour = system.run(parts).labour
    assert labour is not None
    unfilled = labour["unfilled"].sum("occupation").sel(year=[2025, 2026, 2027]).mean("year")
    np.testing.assert_allclose(card.result("unfilled_openings").values, unfilled, rtol=1e-9)
    shortage = labour["unfilled_cumulative"].sum("occupation").sel(year=2027)
    np.testing.assert_allclose(card.result("shortage_end").values, shortage, rtol=1e-9)
