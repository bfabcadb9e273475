"""Coupling tests: the asylum chain's grants and family enter the population projection."""

from __future__ import annotations

import numpy as np

from migratielab.models.system import population_arrivals
from migratielab.service.population import Band, load_plan
from migratielab.service.system import project_with_asylum_chain


def test_grants_and_family_are_carried_per_year_and_run() -> None:
    plan = load_plan("scenarios/plan_example.yaml").model_copy(update={"end": 2029})
    coupled = project_with_asylum_chain(plan, runs=2, seed=1)
    years = list(range(2025, 2029))
    assert coupled.asylum_arrivals.shape == (2, len(years))
    monthly = coupled.chain_monthly
    in_2026 = monthly.sel(time=monthly["time"].dt.year == 2026)
    expected = (in_2026["grants_first_instance"] + in_2026["grants_appeal"]).sum("time").to_numpy()
    np.testing.assert_allclose(coupled.asylum_arrivals[:, 1], expected, rtol=1e-12)
    again, family = population_arrivals(monthly, years)
    np.testing.assert_allclose(again, coupled.asylum_arrivals)
    assert np.all(family > 0)


def test_a_higher_asylum_level_gives_more_grants_and_a_larger_population() -> None:
    plan = load_plan("scenarios/plan_example.yaml").model_copy(update={"end": 2030})

    def with_asylum(level: float) -> object:
        inflows = plan.inflows.model_copy(
            update={
                "asylum": [Band.model_validate({"from": 2025, "central": level, "low": level, "high": level})]
            }
        )
        return project_with_asylum_chain(plan.model_copy(update={"inflows": inflows}), runs=1, seed=0)

    low, high = with_asylum(10_000), with_asylum(40_000)
    assert high.asylum_arrivals.sum() > 2 * low.asylum_arrivals.sum()
    assert float(high.population["population"].isel(year=-1).sum()) > float(
        low.population["population"].isel(year=-1).sum()
    )
