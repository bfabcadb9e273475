"""The compiled municipal month in place (``kernel`` via ``loop.InPlaceMonths``) against the numpy step."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from migratielab.errors import ConservationError
from migratielab.models.municipal import setup
from migratielab.models.municipal.loop import InPlaceMonths
from migratielab.models.municipal.record import MunicipalRecorder
from migratielab.models.municipal.step import MonthInputs, State, capacity, step
from migratielab.params import default_parameters
from migratielab.scenario import MunicipalSection

RUNS = 3


def arrays(seed: int, runs: range = range(RUNS), section: MunicipalSection | None = None):
    return setup.parameters(section or MunicipalSection(), default_parameters("municipal"), seed, runs, 2025)


def assert_close(actual: np.ndarray, expected: np.ndarray) -> None:
    np.testing.assert_allclose(actual, expected, rtol=1e-9, atol=1e-9 * max(1.0, np.abs(expected).max()))


@settings(max_examples=15, deadline=None)
@given(
    tasks=st.lists(st.floats(0, 8_000), min_size=1, max_size=60),
    fill=st.floats(0, 1),
    backlog=st.floats(-5_000, 30_000),
    seed=st.integers(0, 2**31),
    invite=st.booleans(),
)
def test_compiled_months_equal_the_numpy_reference(
    tasks: list[float], fill: float, backlog: float, seed: int, invite: bool
) -> None:
    """Flows recorded per year and month, backlogs and the pipeline agree to 1e-9 relative, for
    more months than the pipeline holds (the ring wraps around)."""
    section = MunicipalSection.model_validate({"integration": {"invite_non_obliged": invite}})
    params = arrays(seed, section=section)
    reference = setup.initial_state(params, np.full(RUNS, backlog))
    compiled = InPlaceMonths(params, reference, len(tasks))
    recorder = MunicipalRecorder(RUNS, len(tasks))
    for t, task in enumerate(tasks):
        national = np.full(RUNS, task) * (1.0 + np.arange(RUNS))
        offered = capacity(reference, params, national)
        assert_close(compiled.offer(national), offered)
        housed = offered * fill
        reference, flows = step(reference, params, MonthInputs(task=national, housed=housed), t)
        recorder.add(t, flows, reference)
        sums = compiled.settle(t, housed)
        assert_close(sums["passed"], flows.passed.sum(axis=1))
        assert_close(compiled.state.months_since_housing(), reference.pipeline)
    assert_close(compiled.recorder.flows, recorder.flows)
    assert_close(compiled.recorder.backlog, recorder.backlog)
    for name, values in recorder.monthly.items():
        assert_close(compiled.recorder.monthly[name], values)
    assert_close(compiled.recorder.monthly_backlog, recorder.monthly_backlog)


def test_a_runs_months_do_not_depend_on_the_runs_beside_it() -> None:
    """Run 2 alone and in a chunk of three gives bit-identical flows (no reduction across runs)."""
    results = []
    for runs in (range(3), range(2, 3)):
        params = arrays(5, runs)
        months = InPlaceMonths(params, setup.initial_state(params, np.zeros(len(runs))), 50)
        for t in range(50):
            months.settle(t, months.offer(np.full(len(runs), 2_000.0 + 30 * t)) * 0.7)
        results.append(months.recorder.flows[:, -1])  # (year, run, municipality, flow)
    np.testing.assert_array_equal(results[0], results[1])


def test_housing_more_than_offered_is_refused_before_anything_changes() -> None:
    params = arrays(1)
    months = InPlaceMonths(params, setup.initial_state(params, np.zeros(RUNS)), 12)
    offered = months.offer(np.full(RUNS, 2_000.0))
    before = months.state.backlog.copy()
    with pytest.raises(ConservationError):
        months.settle(0, offered * 1.5 + 10)
    np.testing.assert_array_equal(months.state.backlog, before)


def test_the_ring_state_reads_in_order_of_months_since_housing() -> None:
    pipeline = np.arange(12.0).reshape(1, 2, 6)
    state = State(backlog=np.zeros((1, 2)), pipeline=pipeline, head=2)
    np.testing.assert_array_equal(state.months_since_housing()[0, 0], [2, 3, 4, 5, 0, 1])
