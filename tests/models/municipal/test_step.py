"""Conservation of the municipal step: task and housed add up to the national figures; backlogs carry over."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from migratielab.errors import ConservationError
from migratielab.models.municipal import setup
from migratielab.models.municipal.step import (
    MonthInputs,
    State,
    capacity,
    offer,
    step,
)
from migratielab.params import default_parameters
from migratielab.scenario import MunicipalSection

RUNS = 3


def arrays(seed: int = 1):
    return setup.parameters(MunicipalSection(), default_parameters("municipal"), seed, range(RUNS), 2025)


@settings(max_examples=25, deadline=None)
@given(
    tasks=st.lists(st.floats(0, 8_000), min_size=6, max_size=6),
    fill=st.lists(st.floats(0, 1), min_size=6, max_size=6),
    seed=st.integers(0, 2**31),
)
def test_status_holders_are_neither_created_nor_lost(
    tasks: list[float], fill: list[float], seed: int
) -> None:
    params = arrays(seed)
    state = setup.initial_state(params, np.zeros(RUNS))
    for t, (task, share) in enumerate(zip(tasks, fill, strict=True)):
        national = np.full(RUNS, task)
        offered = capacity(state, params, national)
        housed = offered * share  # the chain houses any part of the offer
        before = state
        state, flows = step(state, params, MonthInputs(task=national, housed=housed), t)
        np.testing.assert_allclose(flows.task.sum(axis=1), national, rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(flows.housed.sum(axis=1), housed, rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(
            before.backlog + flows.task - flows.housed - flows.written_off, state.backlog, atol=1e-6
        )
        assert np.all(flows.housed >= 0) and np.all(flows.written_off >= -1e-12)
        assert np.all(flows.housed <= offer(before, params, national).offered + 1e-9)


def test_the_task_is_spread_pro_rata_population() -> None:
    params = arrays()
    spread = offer(setup.initial_state(params, np.zeros(RUNS)), params, np.full(RUNS, 1_000.0))
    np.testing.assert_allclose(
        spread.task / 1_000.0, np.broadcast_to(params.population_share, spread.task.shape)
    )


def test_a_municipality_behind_on_its_task_can_house_more() -> None:
    params = arrays()
    task = np.full(RUNS, 3_000.0)
    on_time = offer(setup.initial_state(params, np.zeros(RUNS)), params, task).capacity
    behind = offer(setup.initial_state(params, np.full(RUNS, 30_000.0)), params, task).capacity
    assert np.all(behind >= on_time) and np.any(behind > on_time)


def test_more_flexible_homes_raise_capacity_everywhere() -> None:
    base = arrays()
    flex = setup.parameters(
        MunicipalSection(flexible_homes_per_year=20_000),
        default_parameters("municipal"),
        1,
        range(RUNS),
        2025,
    )
    state = setup.initial_state(base, np.zeros(RUNS))
    task = np.full(RUNS, 3_000.0)
    assert np.all(offer(state, flex, task).capacity > offer(state, base, task).capacity)


def test_housing_more_than_offered_is_refused() -> None:
    params = arrays()
    state = setup.initial_state(params, np.zeros(RUNS))
    task = np.full(RUNS, 2_000.0)
    too_many = capacity(state, params, task) * 1.5 + 10
    with pytest.raises(ConservationError):
        step(state, params, MonthInputs(task=task, housed=too_many), 0)


def test_everyone_obliged_passes_or_misses_the_term_exactly_once() -> None:
    params = arrays()
    state = State(
        backlog=np.zeros((RUNS, params.population_share.size)),
        pipeline=np.zeros((RUNS, params.population_share.size, params.pass_pmf.shape[1])),
    )
    params = type(params)(
        **{**params.__dict__, "family_obliged_per_month": params.family_obliged_per_month * 0}
    )
    zero = np.zeros(RUNS)
    passed = missed = 0.0
    entered = 0.0
    for t in range(params.pass_pmf.shape[1] + 1):
        task = np.full(RUNS, 1_000.0) if t == 0 else zero
        housed = capacity(state, params, task) if t == 0 else zero
        state, flows = step(state, params, MonthInputs(task=task, housed=housed), t)
        entered += flows.obliged_started.sum()
        passed += flows.passed.sum()
        missed += flows.missed_term.sum()
    assert entered > 0
    assert passed + missed == pytest.approx(entered, rel=1e-9)
