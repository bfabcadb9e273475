"""Experiments over any pillar: population-only and coupled experiments, outcomes from the registry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from migratielab.errors import InputError
from migratielab.experiments.run import run_experiment
from migratielab.experiments.schema import Experiment, load_experiment
from migratielab.experiments.store import read_runs
from tests.experiments.conftest import write_yaml

EXPERIMENTS = Path(__file__).resolve().parents[2] / "experiments"


def bundled(name: str, **changes: Any) -> dict[str, Any]:
    """A bundled experiment file as a mapping, with ``changes`` applied."""
    content: dict[str, Any] = yaml.safe_load((EXPERIMENTS / f"{name}.yaml").read_text(encoding="utf-8"))
    content.update(changes)
    return content


def test_a_population_only_experiment_runs_and_its_lever_moves_the_labour_force(tmp_path: Path) -> None:
    experiment = Experiment.model_validate(
        bundled("population-labour-force", end_year=2029, sampler={"kind": "latin_hypercube", "size": 6},
                outcomes=["population.potential_labour_force@2030", "population.grey_pressure@2030"])
    )  # fmt: skip
    runs = read_runs(run_experiment(experiment, chunk_size=4, store=tmp_path).folder)
    assert (runs["status"] == "ok").all() and len(runs) == 18
    labour = runs.pivot_table(
        index="future", columns="labour_non_eu", values="population.potential_labour_force@2030"
    )
    assert np.isfinite(labour.to_numpy()).all()
    assert (labour[1.5] > labour[1.0]).all() and (labour[1.0] > labour[0.5]).all()
    assert runs["population.grey_pressure@2030"].std() > 0  # sampled futures differ


def fixed_levels(plan: dict[str, Any]) -> dict[str, Any]:
    """The plan with every band's low and high at its central level (no sampled plan levels)."""
    inflows = {
        channel: [{**band, "low": band["central"], "high": band["central"]} for band in bands]
        for channel, bands in plan["inflows"].items()
    }
    return {**plan, "inflows": inflows}


def test_a_coupled_experiment_passes_the_chains_grants_to_the_population(tmp_path: Path) -> None:
    """Coupled, the population's immigration follows each future's grants; the chain is unchanged."""
    content = bundled("coupled-asylum-population")
    outcomes = ["nights_without_shelter", "asylum.holders_waiting@2027", "population.immigration@2027"]
    runs = {}
    for coupled in (True, False):
        plan = {**fixed_levels(content["population"]), "asylum_from_chain": coupled}
        experiment = Experiment.model_validate(
            {**content, "end_year": 2027, "policies": [{"name": "forecast-linked"}], "thresholds": [],
             "sampler": {"kind": "latin_hypercube", "size": 12}, "outcomes": outcomes, "population": plan}
        )  # fmt: skip
        runs[coupled] = read_runs(run_experiment(experiment, store=tmp_path / str(coupled)).folder)
        assert (runs[coupled]["status"] == "ok").all() and np.isfinite(runs[coupled][outcomes]).all().all()
    for chain_outcome in outcomes[:2]:
        np.testing.assert_array_equal(runs[True][chain_outcome], runs[False][chain_outcome])
    difference = runs[True]["population.immigration@2027"] - runs[False]["population.immigration@2027"]
    assert (difference != 0).all() and difference.std() > 100  # the chain's grants differ per future


def test_population_outcomes_do_not_depend_on_chunking(tmp_path: Path) -> None:
    experiment = Experiment.model_validate(
        bundled("population-labour-force", end_year=2027, sampler={"kind": "latin_hypercube", "size": 5},
                outcomes=["population.population@2028"])
    )  # fmt: skip
    whole = read_runs(run_experiment(experiment, chunk_size=100, store=tmp_path / "a").folder)
    parts = read_runs(run_experiment(experiment, chunk_size=2, store=tmp_path / "b").folder)
    np.testing.assert_array_equal(whole["population.population@2028"], parts["population.population@2028"])


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"outcomes": ["population.happiness@2030"]}, "unknown population variable"),
        ({"outcomes": ["population.population@2070"]}, "year must lie in 2025-2040"),
        ({"outcomes": ["nights_without_shelter"]}, "unknown outcome"),
        ({"pillars": ["asylum"]}, "population plan"),
        (
            {
                "uncertainties": [
                    {"name": "x", "target": "population.tfr", "distribution": "uniform", "low": 1, "high": 2}
                ]
            },
            "cannot vary per run",
        ),
        (
            {
                "uncertainties": [
                    {"name": "x", "target": "population.tfr_multiplier", "distribution": "registry"}
                ]
            },
            "has no registry range",
        ),
        (
            {"levers": [{"name": "y", "field": "population.tfr_multiplier", "options": [1]}]},
            "channel multipliers",
        ),
    ],
)
def test_bad_population_experiments_name_the_problem(
    tmp_path: Path, changes: dict[str, Any], fragment: str
) -> None:
    path = write_yaml(tmp_path, bundled("population-labour-force", **changes))
    with pytest.raises(InputError) as caught:
        load_experiment(path)
    assert fragment in str(caught.value)
