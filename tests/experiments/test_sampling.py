"""Samplers and distributions: sizes, strata, bounds, and the per-run inflow level."""

from __future__ import annotations

import numpy as np
import pytest

from migratielab.experiments.evaluate import level_factor
from migratielab.experiments.sampling import build_design, uncertainty_values, unit_sample
from migratielab.experiments.schema import Experiment, Sampler, Uncertainty
from migratielab.models.asylum.setup import inflow_generator
from migratielab.models.random import pillar_streams
from tests.experiments.conftest import SMALL


def test_sobol_needs_power_of_two() -> None:
    with pytest.raises(ValueError, match="use 512 or 1024"):
        Sampler(kind="sobol", size=1000)


def test_sobol_rows_follow_saltelli() -> None:
    assert unit_sample(Sampler(kind="sobol", size=64), ["a", "b", "c"], 1).shape == (64 * 5, 3)


def test_latin_hypercube_fills_every_stratum_once() -> None:
    unit = unit_sample(Sampler(kind="latin_hypercube", size=50), ["a", "b"], 3)
    for column in unit.T:
        assert sorted((column * 50).astype(int)) == list(range(50))


def test_full_factorial_is_a_grid() -> None:
    unit = unit_sample(Sampler(kind="full_factorial", levels=3), ["a", "b"], 0)
    assert unit.shape == (9, 2)
    assert len({tuple(row) for row in unit}) == 9


@pytest.mark.parametrize(
    "spec",
    [
        {"distribution": "triangular", "low": 1, "mode": 2, "high": 5},
        {"distribution": "normal", "mean": 3, "sd": 2, "low": 1, "high": 5},
        {"distribution": "lognormal", "median": 3, "sd": 1, "low": 1, "high": 5},
    ],
)
def test_distributions_stay_within_bounds(spec: dict[str, float]) -> None:
    uncertainty = Uncertainty(name="x", target="family_per_grant", **spec)  # type: ignore[arg-type]
    values = uncertainty_values(uncertainty, np.linspace(0, 1, 101))
    assert values.min() == pytest.approx(1) and values.max() == pytest.approx(5)
    assert np.all(np.diff(values) >= 0)


def test_discrete_respects_weights() -> None:
    uncertainty = Uncertainty(
        name="x", target="family_per_grant", distribution="discrete", values=[1, 2], weights=[3, 1]
    )
    values = uncertainty_values(uncertainty, (np.arange(1000) + 0.5) / 1000)
    assert (values == 1).mean() == pytest.approx(0.75)


def test_cross_design_gives_every_policy_the_same_futures() -> None:
    design = build_design(Experiment.model_validate(SMALL))
    table = design.table
    first, second = table[table["policy"] == 0], table[table["policy"] == 1]
    assert design.runs == 24
    assert np.array_equal(first["future"], second["future"])
    assert np.array_equal(first["inflow_level"], second["inflow_level"])


def test_sampled_design_groups_structural_levers() -> None:
    content = {
        **SMALL,
        "policies": [],
        "combine": "sampled",
        "base_policy": {
            "name": "b",
            "reception": {"rule": "fixed_buffer", "base_places": 41000, "buffer_places": 0},
        },
        "levers": [
            {"name": "buffer", "field": "reception.buffer_places", "low": 0, "high": 30000, "integer": True},
            {"name": "term", "field": "decision_term_months", "options": [6, 15]},
        ],
    }
    design = build_design(Experiment.model_validate(content))
    assert len(design.policies) == 2
    assert {policy.decision_term_months for policy in design.policies} == {6, 15}
    assert design.table["buffer"].between(0, 30000).all()


def test_level_factor_matches_generator_multiplier() -> None:
    generator = inflow_generator()
    runs = np.arange(3)
    base = generator.paths(pillar_streams(5, "asylum", runs), 24, 3000.0, 1.0)
    for multiplier in (0.5, 1.7):
        expected = generator.paths(pillar_streams(5, "asylum", runs), 24, 3000.0, multiplier)
        scaled = base * level_factor(np.full(3, multiplier), 1.0, generator.phi, 24)
        np.testing.assert_allclose(scaled, expected, rtol=1e-10)
