"""The compiled Brass life tables against their numpy reference, over Hypothesis-drawn life expectancies."""

from __future__ import annotations

from functools import cache

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from migratielab.models.population import load_base_data
from migratielab.models.population.components import StandardLifeTable
from migratielab.models.population.projection import life_tables_reference
from migratielab.models.population.setup import build_structure
from migratielab.models.population.tables import brass_tables
from migratielab.params import default_parameters

TOLERANCE = 1e-9


@cache
def standards() -> tuple[StandardLifeTable, StandardLifeTable]:
    """The bundled standard life tables (male, female)."""
    return load_base_data().standards


def drawn_e0(runs: int) -> st.SearchStrategy[np.ndarray]:
    """Target life expectancies at birth (run, 2), years, from a short life to well past today's."""
    return arrays(np.float64, (runs, 2), elements=st.floats(min_value=55.0, max_value=97.0))


@settings(max_examples=40, deadline=None)
@given(e0=st.integers(min_value=1, max_value=12).flatmap(drawn_e0))
def test_compiled_tables_match_the_numpy_reference(e0: np.ndarray) -> None:
    """Survival ratios, infants alive and e65 agree with the reference to 1e-9 relative."""
    data = load_base_data()
    structure = build_structure(default_parameters("population"), data, data.population_at(2024))
    expected = life_tables_reference(structure, e0)
    actual = brass_tables(standards(), e0)
    for got, want in zip(actual, expected, strict=True):
        assert got.shape == want.shape
        assert np.max(np.abs(got - want) / np.abs(want)) <= TOLERANCE


@settings(max_examples=20, deadline=None)
@given(e0=st.integers(min_value=2, max_value=12).flatmap(drawn_e0), split=st.integers(min_value=1))
def test_a_runs_tables_do_not_depend_on_the_others(e0: np.ndarray, split: int) -> None:
    """Tables of a subset of runs are bit-identical to those rows of the whole set."""
    cut = 1 + split % (e0.shape[0] - 1)
    whole = brass_tables(standards(), e0)
    parts = [brass_tables(standards(), part) for part in (e0[:cut], e0[cut:])]
    for index, array in enumerate(whole):
        np.testing.assert_array_equal(np.concatenate([part[index] for part in parts]), array)


def test_longer_lives_give_a_longer_e65_and_ratios_are_probabilities() -> None:
    """A higher e0 gives a higher e65 (years); survival ratios lie in (0, 1]; infants alive < 1."""
    e0 = np.array([[70.0, 75.0], [80.0, 84.0], [90.0, 93.0]])
    ratios, infants, e65 = brass_tables(standards(), e0)
    assert np.all(np.diff(e65) > 0) and np.all((ratios > 0) & (ratios <= 1)) and np.all(infants < 1)
