"""Conservation, non-negativity, determinism, chunking invariance and the coupling hook."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from migratielab.errors import InfeasibleRunError, InputError
from migratielab.models.pillar import AsylumArrivals
from migratielab.models.population import INFLOWS, load_base_data
from migratielab.models.population.paths import plan_asylum_level, plan_builder
from migratielab.models.population.projection import State, check_non_negative
from migratielab.models.population.simulate import prepare, year_inputs
from migratielab.params import default_parameters
from migratielab.scenario import Scenario, load_scenario
from migratielab.service import population as service

PLAN = Path(__file__).resolve().parents[3] / "scenarios" / "plan_example.yaml"


def short_plan(end: int = 2030, runs: int = 1, seed: int = 0) -> Scenario:
    """The example plan (a stand-alone plan file) cut to a short horizon: last 1 January ``end``."""
    return load_scenario(PLAN).model_copy(update={"end_year": end - 1, "runs": runs, "seed": seed})


@settings(max_examples=12, deadline=None)
@given(
    net=st.lists(st.floats(min_value=-50_000, max_value=400_000), min_size=5, max_size=5),
    tfr=st.floats(min_value=0.8, max_value=2.5),
)
def test_balance_holds_for_any_inputs(net: list[float], tfr: float) -> None:
    """Every step passes the 1e-9 balance check; the stored flows reproduce the totals."""
    result = service.project_net_migration(2020, 2025, tfr, None, net, detail=False)
    population = result["population"].values[0]
    change = (result["births"] - result["deaths"] + result["net_migration"]).values[0, :-1]
    assert np.allclose(np.diff(population), change, rtol=0, atol=1e-9 * population.max())


def test_negative_stock_raises() -> None:
    """Net emigration larger than the population cannot be silently clamped: the projection is
    refused with a message naming the inputs and the year the population runs out."""
    with pytest.raises(InputError, match=r"net migration -40000000.*population runs out.*in 2020"):
        service.project_net_migration(2020, 2022, 1.5, None, -40_000_000, detail=False)


def test_round_off_below_zero_is_not_an_error() -> None:
    """A stock that empties to -1e-13 (round-off, relative to a population of millions) passes;
    a real shortfall is an InfeasibleRunError naming the group."""
    runs, ages = 2, 3
    resident = np.full((runs, 2, ages), 1e6)
    resident[0, 0, 1] = -1.4e-13
    state = State(resident=resident, immigrants=np.zeros((runs, 1, 1, 2, ages)))
    check_non_negative(state, state.total())
    resident[1, 1, 2] = -5.0
    with pytest.raises(InfeasibleRunError, match="women aged 2"):
        check_non_negative(state, state.total())


def test_plan_groups_add_up_and_are_non_negative() -> None:
    """Origin groups sum to the total population; no group is negative."""
    result = service.project_plan(short_plan(), detail=False)
    groups = result["population_by_group"]
    assert np.allclose(groups.sum("group"), result["population"], rtol=1e-12)
    assert float(groups.min()) >= 0.0


def test_ensemble_is_deterministic_and_chunk_invariant(monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs 0..9 in one call equal runs 0..4 + 5..9 in chunks of five, and a rerun is identical."""
    plan = short_plan(2028, runs=10, seed=7)
    whole = service.project_plan(plan, detail=False)
    again = service.project_plan(plan, detail=False)
    monkeypatch.setattr(service, "MAX_RUNS_PER_CHUNK", 5)
    chunked = service.project_plan(plan, detail=False)
    assert np.array_equal(whole["population"].values, again["population"].values)
    assert np.allclose(whole["population"].values, chunked["population"].values, rtol=1e-12)
    assert whole["population"].sel(year=2028).std() > 0  # the ensemble does vary


def test_asylum_arrivals_from_the_chain_replace_the_plans_numbers() -> None:
    """AsylumArrivals replace the plan's asylum and asylum-family levels in a year's inputs."""
    plan = short_plan(2028)
    assert plan.population is not None
    params = default_parameters("population")
    builder = plan_builder(plan.population, 2025, 2028, params, sample=False)
    projection = prepare(builder(np.zeros((2, 12))), params, load_base_data())
    supplied = AsylumArrivals(grants=np.array([50_000.0, 60_000.0]), family=np.array([10_000.0, 12_000.0]))
    coupled = year_inputs(projection, 1, supplied)
    alone = year_inputs(projection, 1)
    assert coupled.arrivals is not None and alone.arrivals is not None
    asylum, family = INFLOWS.index("asylum"), INFLOWS.index("asylum_family")
    assert coupled.arrivals[:, asylum].tolist() == [50_000.0, 60_000.0]
    assert coupled.arrivals[:, family].tolist() == [10_000.0, 12_000.0]
    assert alone.arrivals[:, asylum].tolist() == [25_000.0, 25_000.0]
    others = [i for i in range(len(INFLOWS)) if i not in (asylum, family)]
    assert np.array_equal(coupled.arrivals[:, others], alone.arrivals[:, others])
    assert plan_asylum_level(plan.population, [2025, 2030]).tolist() == [25_000.0, 20_000.0]


def test_fiscal_indicator_uses_published_figures_and_leaves_gaps() -> None:
    """Asylum arrivals x -475k euro; categories without a figure stay NaN."""
    result = service.project_plan(short_plan(2027), detail=False)
    fiscal = result["fiscal_contribution"].sel(year=2025).isel(run=0)
    assert float(fiscal.sel(inflow="asylum")) == pytest.approx(25_000 * -475_000)
    assert np.isnan(float(fiscal.sel(inflow="other")))
    assert set(result["inflow"].values) == set(INFLOWS)


def test_bad_plan_names_file_and_key(tmp_path: Path) -> None:
    """An unknown inflow category is an InputError naming the key."""
    text = PLAN.read_text().replace("  other:\n", "  others:\n")
    bad = tmp_path / "plan.yaml"
    bad.write_text(text)
    with pytest.raises(InputError) as caught:
        load_scenario(bad)
    assert "plan.yaml" in str(caught.value) and "inflows" in str(caught.value)
