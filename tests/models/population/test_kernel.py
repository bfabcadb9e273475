"""The compiled population step against the pure-numpy reference step, over Hypothesis-drawn inputs."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from migratielab.errors import ConservationError
from migratielab.models.population import indicators, load_base_data
from migratielab.models.population.components import MAX_DURATION, N_AGES
from migratielab.models.population.projection import (
    INFLOWS,
    MOTIVES,
    State,
    Structure,
    YearInputs,
    reference_step,
    step,
)
from migratielab.models.population.setup import build_structure
from migratielab.params import default_parameters

TOLERANCE = 1e-9


@cache
def structure() -> Structure:
    """The schedules of a projection from 2024 (bundled parameters and data)."""
    data = load_base_data()
    return build_structure(default_parameters("population"), data, data.population_at(2024))


def drawn_year(seed: int, runs: int, scale: float, plan: bool) -> tuple[State, YearInputs]:
    """A state and a year's inputs drawn from ``seed``: stocks up to ``scale`` persons per cell."""
    rng = np.random.default_rng(seed)
    state = State(
        resident=rng.uniform(scale / 2, scale, (runs, 2, N_AGES)),
        immigrants=rng.uniform(0.0, scale / 10, (runs, len(MOTIVES), MAX_DURATION + 1, 2, N_AGES)),
    )
    inputs = YearInputs(
        tfr=rng.uniform(0.5, 3.0, runs),
        e0=np.column_stack([rng.uniform(70.0, 90.0, runs), rng.uniform(75.0, 95.0, runs)]),
        native_emigration_rate=rng.uniform(0.0, 0.01, runs),
        arrival_departure=rng.uniform(0.0, 0.5, (runs, len(MOTIVES))),
        stock_departure=rng.uniform(0.0, 0.3, (runs, len(MOTIVES), MAX_DURATION + 1)),
        arrivals=rng.uniform(0.0, 100_000.0, (runs, len(INFLOWS))) if plan else None,
        net_migration=None if plan else rng.uniform(-scale, 20 * scale, runs),
    )
    return state, inputs


def relative_difference(actual: np.ndarray, expected: np.ndarray) -> float:
    """Largest |actual - expected| / max(|expected|, 1) (persons; 1 person floors the scale)."""
    return float(np.max(np.abs(actual - expected) / np.maximum(np.abs(expected), 1.0)))


def assert_same_year(compiled: tuple[State, object], reference: tuple[State, object]) -> None:
    """States and flows of two steps agree to ``TOLERANCE`` relative."""
    (state, flows), (expected_state, expected_flows) = compiled, reference
    assert relative_difference(state.resident, expected_state.resident) <= TOLERANCE
    assert relative_difference(state.immigrants, expected_state.immigrants) <= TOLERANCE
    for name in ("births", "deaths", "immigration", "emigration"):
        assert relative_difference(getattr(flows, name), getattr(expected_flows, name)) <= TOLERANCE
    assert relative_difference(state.total(), expected_state.reference_total()) <= TOLERANCE


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    runs=st.integers(1, 6),
    scale=st.sampled_from([1.0, 1_000.0, 100_000.0]),
    plan=st.booleans(),
)
def test_compiled_step_matches_the_reference(seed: int, runs: int, scale: float, plan: bool) -> None:
    """For any drawn state and inputs the compiled step reproduces the numpy step to 1e-9 relative,
    or both refuse the year (net emigration can exceed a small drawn population)."""
    state, inputs = drawn_year(seed, runs, scale, plan)
    try:
        expected = reference_step(state, structure(), inputs)
    except ConservationError:
        with pytest.raises(ConservationError):
            step(state, structure(), inputs)
        return
    assert_same_year(step(state, structure(), inputs), expected)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), plan=st.booleans())
def test_in_place_step_equals_a_fresh_step_and_leaves_no_trace(seed: int, plan: bool) -> None:
    """Writing the next state into the input's own arrays gives the same bits as fresh arrays."""
    state, inputs = drawn_year(seed, 4, 100_000.0, plan)
    fresh, fresh_flows = step(state, structure(), inputs)
    owned = State(resident=state.resident.copy(), immigrants=state.immigrants.copy())
    in_place, flows = step(owned, structure(), inputs, out=owned)
    assert in_place.resident is owned.resident
    assert np.array_equal(in_place.immigrants, fresh.immigrants)
    assert np.array_equal(in_place.resident, fresh.resident)
    assert np.array_equal(flows.deaths, fresh_flows.deaths)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), split=st.integers(1, 5))
def test_a_runs_result_does_not_depend_on_the_chunk(seed: int, split: int) -> None:
    """Runs stepped in two chunks give the same bits as all runs in one call."""
    state, inputs = drawn_year(seed, 6, 100_000.0, True)
    whole, whole_flows = step(state, structure(), inputs)
    part = slice(split, None)
    chunk_state = State(resident=state.resident[part], immigrants=state.immigrants[part])
    chunk_inputs = YearInputs(
        **{name: None if value is None else value[part] for name, value in vars(inputs).items()}
    )
    chunk, chunk_flows = step(chunk_state, structure(), chunk_inputs)
    assert np.array_equal(chunk.immigrants, whole.immigrants[part])
    assert np.array_equal(chunk_flows.births, whole_flows.births[part])


def test_the_compiled_step_refuses_a_negative_stock() -> None:
    """Net emigration beyond the population raises, as in the reference."""
    state, inputs = drawn_year(1, 2, 10.0, False)
    inputs = replace(inputs, net_migration=np.full(2, -1e9))
    with pytest.raises(ConservationError):
        step(state, structure(), inputs)
    with pytest.raises(ConservationError):
        reference_step(state, structure(), inputs)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_compiled_employment_matches_the_reference(seed: int) -> None:
    """The compiled employment sum equals the numpy einsum to 1e-9 relative."""
    params = default_parameters("population")
    state, _ = drawn_year(seed, 3, 1_000.0, True)
    rates = indicators.employment_rates(params)
    relative = indicators.relative_employment(params, rates, load_base_data().population_at(2024))
    population = load_base_data().population_at(2024)
    resident, immigrant = indicators.origin_rates(rates, relative, population, state.immigrants[0])
    expected = indicators.reference_employed(state, immigrant, relative, resident)
    assert (
        relative_difference(indicators.employed(state, immigrant, relative, resident), expected) <= TOLERANCE
    )


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), plan=st.booleans())
def test_employed_from_the_steps_pass_equals_the_reference(seed: int, plan: bool) -> None:
    """Given employment rates, the step's summary holds the employed persons of the new state as
    ``indicators.reference_employed`` counts them (1e-9 relative); without rates it holds none."""
    state, inputs = drawn_year(seed, 3, 100_000.0, plan)
    rng = np.random.default_rng(seed)
    rates = (
        rng.uniform(0.0, 1.0, (2, N_AGES)),
        rng.uniform(0.0, 1.0, (2, N_AGES)),
        rng.uniform(0.0, 1.5, (len(MOTIVES), MAX_DURATION + 1)),
    )
    try:
        new_state, _ = step(state, structure(), inputs, rates=rates)
    except ConservationError:
        return
    expected = indicators.reference_employed(new_state, rates[1], rates[2], rates[0])
    assert new_state.summary is not None and new_state.summary.employed is not None
    assert relative_difference(new_state.summary.employed, expected) <= TOLERANCE
    assert step(state, structure(), inputs)[0].sums().employed is None
