"""The chain step as a pillar: month inputs, the housing-quota flow and the housing coupling input."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migratielab.models.asylum.chain import ChainConfig, ChainInputs, Flows, State, step
from migratielab.models.asylum.queues import share_capacity
from migratielab.models.asylum.simulate import simulate
from migratielab.models.asylum.substeps import house, observed_decisions, resolve
from tests.models.asylum.synthetic import chain_setup, surge

CapacityRule = Callable[[State, ChainConfig, int], np.ndarray | None]
PROPERTY_SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PATHS = st.lists(st.floats(0, 15_000), min_size=24, max_size=48).map(lambda values: np.array([values]))


def uncoupled(state: State, config: ChainConfig, t: int) -> None:
    """No coupling input: the chain's own quota rule sets the housing capacity."""
    return None


def quota_rule_capacity(state: State, config: ChainConfig, t: int) -> np.ndarray:
    """What the quota rule gives: the quota in force times realisation, capped (persons per month)."""
    params = config.parameters
    return np.minimum(state.quota_per_month * params.housing_realisation, params.housing_max_per_month)


def constant_capacity(persons: float) -> CapacityRule:
    """A municipal pillar that houses ``persons`` per month whatever the quota."""
    return lambda state, config, t: np.full(state.appeals.shape, persons)


def run_coupled(
    applications: np.ndarray,
    capacity: CapacityRule,
    per_run_values: dict[str, np.ndarray] | None = None,
    inputs: ChainInputs | None = None,
) -> tuple[list[State], list[Flows]]:
    """Step the chain month by month with ``capacity`` as the coupling input; states at each month start."""
    state, config, own_inputs = chain_setup(applications, per_run_values=per_run_values)
    chosen = inputs or own_inputs
    states, flows = [], []
    for t in range(chosen.months):
        month = replace(chosen.month(t), housing_capacity=capacity(state, config, t))
        states.append(state)
        state, month_flows = step(state, config, month, t)
        flows.append(month_flows)
    return states, flows


def two_surges() -> np.ndarray:
    """Two runs with different surges, and different housing parameters per run (below)."""
    return np.vstack([surge()[0], surge(peak=5_000, at=20)[0]])


PER_RUN = {"housing_realisation": np.array([0.6, 1.1]), "housing_max_per_month": np.array([3_500, 1_500])}


def test_month_inputs_take_month_t_of_each_series() -> None:
    applications = np.arange(6.0).reshape(2, 3)
    inputs = ChainInputs(2025, applications, np.array([1.0, np.nan, 3.0]), np.array([10.0, 20.0, np.nan]))
    month = inputs.month(1)
    np.testing.assert_array_equal(month.applications, applications[:, 1])
    assert month.family_observed is not None and np.isnan(month.family_observed)
    assert month.quota_observed == 20.0
    assert month.housing_capacity is None
    assert ChainInputs(2025, applications).month(2).family_observed is None


def test_step_by_step_equals_simulate() -> None:
    state, config, inputs = chain_setup(two_surges(), per_run_values=PER_RUN)
    monthly = simulate(state, config.parameters, config.policy, inputs).monthly
    _, flows = run_coupled(two_surges(), uncoupled, PER_RUN)
    for name in Flows.scalar_names():
        np.testing.assert_array_equal(
            monthly[name].to_numpy(), np.stack([getattr(f, name) for f in flows], 1)
        )


def test_housing_quota_flow_is_the_quota_in_force() -> None:
    states, flows = run_coupled(two_surges(), uncoupled, PER_RUN)
    for state, month in zip(states, flows, strict=True):
        np.testing.assert_array_equal(month.housing_quota, state.quota_per_month)
    assert len({float(month.housing_quota[0]) for month in flows}) > 2  # the rule sets new quotas
    months = len(flows)
    quota = np.where(np.arange(months) % 5 == 0, np.nan, 1_000.0 + np.arange(months))
    inputs = ChainInputs(2025, two_surges(), quota_observed=quota)
    states, flows = run_coupled(two_surges(), uncoupled, PER_RUN, inputs)
    for t, (state, month) in enumerate(zip(states, flows, strict=True)):
        expected = state.quota_per_month if np.isnan(quota[t]) else np.full(2, quota[t])
        np.testing.assert_array_equal(month.housing_quota, expected)


def test_capacity_equal_to_the_quota_rule_reproduces_the_uncoupled_run() -> None:
    _, alone = run_coupled(two_surges(), uncoupled, PER_RUN)
    _, coupled = run_coupled(two_surges(), quota_rule_capacity, PER_RUN)
    for own, given_capacity in zip(alone, coupled, strict=True):
        for field in fields(Flows):
            np.testing.assert_array_equal(getattr(own, field.name), getattr(given_capacity, field.name))


def test_a_larger_capacity_houses_strictly_more_in_a_surge() -> None:
    housed = [
        sum(float(f.housed[0]) for f in run_coupled(surge(), constant_capacity(c))[1]) for c in (500, 900)
    ]
    assert housed[1] > housed[0] + 1_000


@PROPERTY_SETTINGS
@given(applications=PATHS, capacity=st.floats(0, 5_000), extra=st.floats(1, 5_000))
def test_a_larger_housing_capacity_never_houses_fewer(
    applications: np.ndarray, capacity: float, extra: float
) -> None:
    """Cumulative housing is never lower at any month, and nobody waits longer for a home."""
    runs = [run_coupled(applications, constant_capacity(c))[1] for c in (capacity, capacity + extra)]
    less, more = ([f.housed[0] for f in flows] for flows in runs)
    assert np.all(np.cumsum(more) >= np.cumsum(less) - 1e-9 * np.maximum(1.0, np.cumsum(less)))
    waiting = [np.array([f.holders_waiting[0] for f in flows]) for flows in runs]
    assert np.all(waiting[1] <= waiting[0] + 1e-9 * np.maximum(1.0, waiting[0]))


@PROPERTY_SETTINGS
@given(data=st.data(), applications=PATHS)
def test_stocks_balance_with_any_housing_capacity(data: st.DataObject, applications: np.ndarray) -> None:
    """Every step checks conservation (it raises otherwise); people are in exactly one location."""
    months = applications.shape[1]
    path = np.array(data.draw(st.lists(st.floats(0, 20_000), min_size=months, max_size=months)))
    _, flows = run_coupled(applications, lambda state, config, t: np.full(1, path[t]))
    for t, month in enumerate(flows):
        assert all(np.all(getattr(month, name) >= -1e-9) for name in Flows.scalar_names())
        located = month.at_centre + month.regular_occupancy + month.emergency_occupancy
        np.testing.assert_allclose(located + month.crisis_occupancy, month.in_chain, rtol=1e-9)
        assert np.all(month.housed <= path[t] + 1e-9 * max(1.0, path[t]))


def test_unlimited_capacity_still_waits_the_minimum_months() -> None:
    min_wait = np.array([0.0, 2.4, 5.0])
    applications = np.repeat(surge(), 3, axis=0)
    states, _ = run_coupled(applications, constant_capacity(1e12), {"housing_min_wait_months": min_wait})
    first_eligible = np.ceil(min_wait).astype(int)
    for state in states[1:]:
        for run, first in enumerate(first_eligible):
            assert np.all(state.holders[run, first + 1 :] == 0.0)
            assert (state.holders[run, : first + 1].sum() > 0) == (first > 0)


def test_capacity_is_spent_on_the_fast_tracks_first() -> None:
    waiting = np.array([[10.0, 20.0, 30.0], [10.0, 20.0, 30.0]])
    weights = np.array([[0.5, 0.5, 1.0], [0.5, 0.5, 1.0]])
    decisions = share_capacity(waiting, np.array([12.0, 100.0]), weights)
    np.testing.assert_allclose(decisions, [[10.0, 14.0, 0.0], [10.0, 20.0, 30.0]])
    np.testing.assert_allclose((decisions * weights).sum(axis=1), [12.0, 45.0])


def test_observed_decisions_replace_the_staff_output_and_never_exceed_the_queue() -> None:
    waiting = np.array([[100.0, 50.0, 400.0], [10.0, 5.0, 20.0]])
    modelled = np.array([[100.0, 50.0, 30.0], [10.0, 5.0, 20.0]])
    month = ChainInputs(2025, np.zeros((2, 1)), decisions_observed=np.array([300.0])).month(0)
    decided = observed_decisions(waiting, modelled, month)
    assert decided[0].sum() == pytest.approx(300.0)
    assert np.all(decided <= waiting) and decided[1].sum() == pytest.approx(35.0)
    merits = ChainInputs(2025, np.zeros((2, 1)), merits_observed=np.array([120.0])).month(0)
    on_merits = observed_decisions(waiting, modelled, merits)
    assert np.array_equal(on_merits[:, 0], modelled[:, 0])
    assert on_merits[0, 1:].sum() == pytest.approx(120.0)
    unknown = ChainInputs(2025, np.zeros((2, 1)), decisions_observed=np.array([np.nan])).month(0)
    assert observed_decisions(waiting, modelled, unknown) is modelled


def test_observed_housing_replaces_the_quota_rule() -> None:
    state, config, _ = chain_setup(surge(months=2))
    eligible_before = state.holders.sum()
    housed = [
        house(
            state,
            config.parameters,
            ChainInputs(2025, np.zeros((1, 1)), housed_observed=np.array([value])).month(0),
            np.zeros(1),
        ).housed[0]
        for value in (0.0, 500.0, 10 * float(eligible_before))
    ]
    assert housed[0] == 0.0 and housed[1] == pytest.approx(500.0)
    assert housed[2] <= eligible_before


def test_suspended_returns_keep_transfers_and_forced_departures_in_reception() -> None:
    state, config, _ = chain_setup(surge(months=2))
    decided = np.array([[300.0, 100.0, 500.0]])
    normal = resolve(state, config.parameters, decided, 0)
    halted = resolve(state, config.parameters, decided, 0, suspended=1.0)
    assert halted.transferred[0] == 0.0 and halted.forced[0] == 0.0
    assert halted.transfers_held[0] == pytest.approx(normal.transferred[0])
    assert halted.rejected[0] == pytest.approx(normal.rejected[0] + normal.transferred[0] + normal.forced[0])
    assert halted.independent[0] == pytest.approx(normal.independent[0])
