"""The municipal pillar in the system loop: coupled both ways with the asylum chain."""

from __future__ import annotations

import numpy as np
import pytest

from migratielab.models import system
from migratielab.models.asylum.setup import scenario_parameters
from migratielab.params import default_parameters
from migratielab.scenario import FixedHousingQuota, MunicipalSection, load_scenario

SCENARIO = "scenarios/default.yaml"


def coupled(
    runs: list[int], section: MunicipalSection | None = None, end_year: int = 2027, quota: int | None = None
) -> system.SystemRun:
    scenario = load_scenario(SCENARIO).model_copy(update={"end_year": end_year, "runs": len(runs)})
    assert scenario.asylum is not None
    policy = scenario.asylum.policies[0]
    if quota is not None:
        policy = policy.model_copy(update={"housing": FixedHousingQuota(per_half_year=quota)})
    part = system.asylum_part(scenario, policy, np.asarray(runs), scenario_parameters(scenario))
    municipal = system.municipal_part(
        section or MunicipalSection(), default_parameters("municipal"), scenario.seed, runs, 2025
    )
    return system.run(system.System(2025, scenario.months, asylum=part, municipal=municipal))


def test_status_holders_are_neither_created_nor_lost_between_chain_and_municipalities() -> None:
    result = coupled([0, 1, 2])
    assert result.asylum is not None and result.municipal is not None
    chain_housed = result.asylum.monthly["housed"].to_numpy()
    np.testing.assert_allclose(result.municipal["national_housed"].to_numpy(), chain_housed, rtol=1e-12)
    by_year = chain_housed.reshape(3, -1, 12).sum(axis=2)
    np.testing.assert_allclose(result.municipal["housed"].sum("municipality").to_numpy(), by_year, rtol=1e-9)
    task = result.asylum.monthly["housing_quota"].to_numpy().reshape(3, -1, 12).sum(axis=2)
    np.testing.assert_allclose(result.municipal["task"].sum("municipality").to_numpy(), task, rtol=1e-9)
    assert chain_housed.sum() > 0


def test_the_municipalities_capacity_is_the_chains_outflow() -> None:
    result = coupled([0, 1])
    assert result.asylum is not None and result.municipal is not None
    housed = result.asylum.monthly["housed"].to_numpy()
    assert np.all(housed <= result.municipal["national_capacity"].to_numpy() + 1e-9)


def test_more_flexible_homes_leave_fewer_status_holders_waiting_when_capacity_binds() -> None:
    """With a task above what lettings allow (30,000 a half-year), flexible homes house more people."""
    base = coupled([0, 1], quota=30_000)
    flex = coupled([0, 1], MunicipalSection(flexible_homes_per_year=30_000), quota=30_000)
    assert base.asylum is not None and flex.asylum is not None
    waiting = [r.monthly["holders_waiting"].to_numpy() for r in (base.asylum, flex.asylum)]
    assert np.all(waiting[1] <= waiting[0] + 1e-6) and waiting[1].sum() < waiting[0].sum()


def test_a_runs_numbers_do_not_depend_on_which_runs_run_with_it() -> None:
    alone = coupled([2], end_year=2026)
    together = coupled([0, 1, 2], end_year=2026)
    assert alone.municipal is not None and together.municipal is not None
    np.testing.assert_allclose(
        alone.municipal["housed"].isel(run=0).to_numpy(), together.municipal["housed"].isel(run=2).to_numpy()
    )


def test_the_municipal_pillar_needs_the_chain() -> None:
    municipal = system.municipal_part(MunicipalSection(), default_parameters("municipal"), 1, [0], 2025)
    with pytest.raises(ValueError, match="asylum chain"):
        system.run(system.System(2025, 12, municipal=municipal))
