"""Experiments over the labour pillar: per-run labour inputs, registered labour outcomes, chunking."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError

from migratielab.experiments.run import run_experiment
from migratielab.experiments.schema import Experiment
from migratielab.experiments.store import read_runs
from tests.experiments.test_pillars import bundled

SHORT = {"end_year": 2030, "sampler": {"kind": "latin_hypercube", "size": 4}}
OUTCOMES = [
    "labour.shortage_remaining_total@2030",
    "labour.migrant_workers_total@2030",
    "labour.unfilled_total@2030",
]


def experiment(**changes: Any) -> Experiment:
    return Experiment.model_validate(
        bundled("labour-shortages", **{**SHORT, "outcomes": OUTCOMES, **changes})
    )


def test_the_bundled_labour_experiment_runs_and_its_levers_move_outcomes_as_expected(tmp_path: Path) -> None:
    runs = read_runs(run_experiment(experiment(), chunk_size=5, store=tmp_path).folder)
    assert (runs["status"] == "ok").all() and len(runs) == 4 * 3 * 2
    assert np.isfinite(runs[OUTCOMES].to_numpy()).all()
    workers = runs.pivot_table(index=["future", "recognition"], columns="eu_labour", values=OUTCOMES[1])
    assert (workers[1.5] > workers[1.0]).all() and (workers[1.0] > workers[0.5]).all()
    remaining = runs.pivot_table(index=["future", "recognition"], columns="eu_labour", values=OUTCOMES[0])
    assert (remaining[1.5] <= remaining[0.5]).all() and (remaining[1.5] < remaining[0.5]).any()
    recognised = runs.pivot_table(index=["future", "eu_labour"], columns="recognition", values=OUTCOMES[1])
    assert (recognised[0.6] > recognised[0.0]).all()  # family and asylum arrivals work more
    unfilled = runs.pivot_table(index="future", columns="eu_labour", values=OUTCOMES[2])
    assert unfilled.std(axis=0).min() > 0  # the sampled unfilled share differs between futures


def test_labour_outcomes_do_not_depend_on_chunking(tmp_path: Path) -> None:
    whole = read_runs(run_experiment(experiment(), chunk_size=100, store=tmp_path / "a").folder)
    parts = read_runs(run_experiment(experiment(), chunk_size=3, store=tmp_path / "b").folder)
    for name in OUTCOMES:
        np.testing.assert_array_equal(whole[name], parts[name])


def test_labour_only_experiment_holds_2030_demand_without_the_population(tmp_path: Path) -> None:
    changes = {"pillars": ["labour"], "population": None, "outcomes": OUTCOMES[:2]}
    changes["uncertainties"] = [{"name": "unfilled", "target": "labour.unfilled_share_multiplier",
                                 "distribution": "registry"}]  # fmt: skip
    runs = read_runs(run_experiment(experiment(**changes), store=tmp_path).folder)
    assert (runs["status"] == "ok").all()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"outcomes": ["labour.openings@2030"]}, "unknown labour variable"),
        ({"outcomes": ["labour.unfilled_total@2040"]}, "year must lie in 2025-2030"),
        ({"labour": None}, "labour pillar needs a labour section"),
        ({"levers": [{"name": "x", "field": "labour.plan.teachers", "options": [1]}]}, "labour inputs are"),
        (
            {"uncertainties": [{"name": "x", "target": "labour.plan.study", "distribution": "registry"}]},
            "has no registry range",
        ),
    ],
)
def test_bad_labour_inputs_are_refused_with_a_clear_message(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        experiment(**changes)
