"""Set-up of the municipal pillar: per-run values of uncertain parameters and national levers."""

from __future__ import annotations

from dataclasses import fields

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from migratielab.models.municipal import setup
from migratielab.params import default_parameters
from migratielab.scenario import MunicipalIntegration, MunicipalSection

RUNS = 4


def assert_same(first: setup.Params, second: setup.Params) -> None:
    for field in fields(setup.Params):
        np.testing.assert_array_equal(
            np.broadcast_to(getattr(first, field.name), np.shape(getattr(second, field.name))),
            getattr(second, field.name),
            err_msg=field.name,
        )


@settings(max_examples=10, deadline=None)
@given(
    flexible=st.floats(0, 50_000),
    share=st.floats(0.01, 0.3),
    lift=st.floats(-0.2, 0.2),
    budget=st.floats(2_000, 30_000),
)
def test_a_lever_given_per_run_equals_the_same_lever_in_the_section(
    flexible: float, share: float, lift: float, budget: float
) -> None:
    """Levers per run (experiments) and in the section (scenarios) are one and the same lever."""
    params = default_parameters("municipal")
    section = MunicipalSection(
        flexible_homes_per_year=flexible,
        share_allocated=share,
        integration=MunicipalIntegration(quality_lift=lift, budget_per_person=budget),
    )
    per_run = {
        "flexible_homes_per_year": np.full(RUNS, flexible),
        "share_allocated": np.full(RUNS, share),
        "quality_lift": np.full(RUNS, lift),
        "budget_per_person": np.full(RUNS, budget),
    }
    by_section = setup.parameters(section, params, 5, range(RUNS), 2025)
    by_run = setup.parameters(MunicipalSection(), params, 5, range(RUNS), 2025, per_run=per_run)
    assert_same(by_section, by_run)


def test_per_run_values_reach_only_their_own_run() -> None:
    params = default_parameters("municipal")
    flexible = np.array([0.0, 10_000.0, 20_000.0, 40_000.0])
    dwelling = np.array([2.0, 2.0, 3.0, 3.0])
    arrays = setup.parameters(
        MunicipalSection(), params, 5, range(RUNS), 2025, sample=False,
        per_run={"flexible_homes_per_year": flexible, "persons_per_dwelling": dwelling},
    )  # fmt: skip
    national_flexible = arrays.flexible_persons_per_month.sum(axis=1)
    assert np.all(np.diff(national_flexible) > 0)
    np.testing.assert_array_equal(arrays.persons_per_dwelling[:, 0], dwelling)
    plain = setup.parameters(MunicipalSection(), params, 5, range(RUNS), 2025, sample=False)
    np.testing.assert_allclose(national_flexible[0], plain.flexible_persons_per_month.sum(axis=1)[0])
