"""Conservation, non-negativity, determinism, chunking invariance and the coupling hook."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from migratielab.errors import ConservationError, InputError
from migratielab.models.population import INFLOWS
from migratielab.service import population as service

PLAN = Path(__file__).resolve().parents[3] / "scenarios" / "plan_example.yaml"


def short_plan(end: int = 2030) -> service.Plan:
    """The example plan cut to a short horizon."""
    return service.load_plan(PLAN).model_copy(update={"end": end})


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
    """Net emigration larger than the population cannot be silently clamped."""
    with pytest.raises(ConservationError):
        service.project_net_migration(2020, 2022, 1.5, None, -40_000_000, detail=False)


def test_plan_groups_add_up_and_are_non_negative() -> None:
    """Origin groups sum to the total population; no group is negative."""
    result = service.project_plan(short_plan(), detail=False)
    groups = result["population_by_group"]
    assert np.allclose(groups.sum("group"), result["population"], rtol=1e-12)
    assert float(groups.min()) >= 0.0


def test_ensemble_is_deterministic_and_chunk_invariant(monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs 0..9 in one call equal runs 0..4 + 5..9 in chunks of five, and a rerun is identical."""
    plan = short_plan(2028)
    whole = service.project_plan(plan, runs=10, seed=7, detail=False)
    again = service.project_plan(plan, runs=10, seed=7, detail=False)
    monkeypatch.setattr(service, "MAX_RUNS_PER_CHUNK", 5)
    chunked = service.project_plan(plan, runs=10, seed=7, detail=False)
    assert np.array_equal(whole["population"].values, again["population"].values)
    assert np.allclose(whole["population"].values, chunked["population"].values, rtol=1e-12)
    assert whole["population"].sel(year=2028).std() > 0  # the ensemble does vary


def test_external_asylum_arrivals_replace_plan() -> None:
    """Coupling hook: supplied (run, year) asylum numbers replace the plan's and change the outcome."""
    plan = short_plan(2028)
    supplied = np.full((2, 3), 50_000.0)
    coupled = service.project_plan(
        plan, runs=2, asylum_arrivals=supplied, asylum_family_arrivals=supplied / 5
    )
    arrivals = coupled["arrivals"].sel(year=[2025, 2026, 2027])
    assert np.all(arrivals.sel(inflow="asylum").values == 50_000.0)
    assert np.all(arrivals.sel(inflow="asylum_family").values == 10_000.0)
    assert service.plan_asylum_level(plan, [2025, 2030]).tolist() == [25_000.0, 20_000.0]
    with pytest.raises(ValueError, match="shape"):
        service.project_plan(plan, runs=2, asylum_arrivals=np.ones((3, 3)))


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
        service.load_plan(bad)
    assert "plan.yaml" in str(caught.value) and "inflows" in str(caught.value)
