"""The labour step: ROA demand reproduced to 2030, cohorts conserved, coupling to the population."""

from __future__ import annotations

import numpy as np
import pytest

from migratielab.errors import ConservationError
from migratielab.models.labour.data import load_labour_data
from migratielab.models.labour.outlook import YearInputs, initial_state, step
from migratielab.models.labour.setup import (
    build_model,
    class_mix,
    draws,
    employment_with_levers,
    judge,
    labour_parameters,
)
from migratielab.models.labour.shortage import default_config
from migratielab.models.pillar import LabourForce
from migratielab.params import default_parameters

RUNS = 3


def model(sample: bool = False):  # type: ignore[no-untyped-def]
    labour, population = labour_parameters(None), default_parameters("population")
    data = load_labour_data()
    values = draws(labour, 7, list(range(RUNS)), sample)
    judgement = judge(data, labour, default_config(labour))
    employment = employment_with_levers(labour, population, None, values)
    return build_model(2025, labour, population, judgement, class_mix(data, labour), values, employment)


def run_years(m, years: int, arrivals: float = 0.0, forces=None):  # type: ignore[no-untyped-def]
    state, flows = initial_state(m, RUNS), []
    for t in range(years):
        lf = None if forces is None else forces[t]
        state, f = step(state, m, YearInputs(np.full((RUNS, 7), arrivals), lf), t)
        flows.append(f)
    return state, flows


def test_openings_2025_2030_reproduce_roa_per_occupation() -> None:
    data = load_labour_data()
    _, flows = run_years(model(), 6)
    openings = sum(f.openings for f in flows)
    expected = np.maximum(data.expansion_6y, 0) + data.replacement_6y
    assert np.allclose(openings, expected[None, :], rtol=1e-12)


def test_cohorts_conserved_and_workers_bounded_by_arrivals() -> None:
    state, flows = run_years(model(), 10, arrivals=1000.0)
    arrived = sum(f.arrivals for f in flows).sum(axis=1)
    left = sum(f.departures for f in flows).sum(axis=1)
    assert np.allclose(state.cohorts.sum(axis=(1, 2)), arrived - left, rtol=1e-9)
    assert (flows[-1].migrant_workers >= 0).all()
    assert (flows[-1].migrant_workers.sum(axis=1) <= state.cohorts.sum(axis=(1, 2)) + 1e-6).all()


def test_negative_arrivals_raise_instead_of_clamping() -> None:
    m = model()
    with pytest.raises(ConservationError):
        step(initial_state(m, RUNS), m, YearInputs(np.full((RUNS, 7), -5.0)), 0)


def forces(retiring_after_2030: float) -> list[LabourForce]:
    """Flat labour force; retirements jump by a factor after 2030."""
    ones = np.ones(RUNS)
    return [
        LabourForce(1e7 * ones, 2e5 * ones, 2e5 * ones * (1.0 if 2025 + t <= 2030 else retiring_after_2030))
        for t in range(10)
    ]


def test_replacement_demand_after_2030_follows_the_population_retirements() -> None:
    m = model()
    _, flat = run_years(m, 10, forces=forces(1.0))
    _, more = run_years(m, 10, forces=forces(1.5))
    assert np.allclose(flat[5].replacement, more[5].replacement)  # ROA years unchanged
    ratio = more[7].replacement.sum() / flat[7].replacement.sum()
    assert abs(ratio - 1.5) < 1e-9


def test_without_population_the_rates_of_2025_2030_are_held() -> None:
    m = model()
    _, alone = run_years(m, 10)
    _, flat = run_years(m, 10, forces=forces(1.0))
    assert np.allclose(alone[8].replacement, flat[8].replacement)


def test_sampled_runs_do_not_depend_on_the_other_runs() -> None:
    labour = labour_parameters(None)
    together = draws(labour, 11, [0, 1, 2], True)
    alone = draws(labour, 11, [2], True)
    assert all(together[name][2] == alone[name][0] for name in together)
