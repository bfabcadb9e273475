"""Experiments over the municipal pillar: per-run municipal inputs, levers and national outcomes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from pydantic import ValidationError

from migratielab.experiments.run import run_experiment
from migratielab.experiments.schema import Experiment, load_experiment
from migratielab.experiments.store import read_runs

BUNDLED = Path(__file__).resolve().parents[2] / "experiments" / "municipal-housing.yaml"
OUTCOMES = [
    "asylum.holders_waiting@2026",
    "municipal.total_housed@2026",
    "municipal.total_backlog@2026",
    "municipal.total_passed@2026",
]


def content(**changes: Any) -> dict[str, Any]:
    """The bundled municipal experiment, shortened to two years, with ``changes``."""
    base: dict[str, Any] = yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))
    sampler = {"kind": "latin_hypercube", "size": 3}
    base.update({"end_year": 2026, "sampler": sampler, "outcomes": OUTCOMES, "thresholds": [], **changes})
    return base


def runs_of(experiment: Experiment, folder: Path, chunk_size: int = 1000) -> pd.DataFrame:
    return read_runs(run_experiment(experiment, chunk_size=chunk_size, store=folder).folder)


def test_the_bundled_municipal_experiment_is_valid() -> None:
    experiment = load_experiment(BUNDLED)
    assert experiment.pillars == ["asylum", "municipal"]
    assert experiment.scenario().municipal is not None


@pytest.fixture(scope="module")
def small_runs(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    return runs_of(Experiment.model_validate(content()), tmp_path_factory.mktemp("municipal"))


def test_a_municipal_experiment_runs_every_policy_on_every_future(small_runs: pd.DataFrame) -> None:
    assert (small_runs["status"] == "ok").all() and len(small_runs) == 3 * 8
    assert np.isfinite(small_runs[OUTCOMES].to_numpy()).all()
    assert small_runs["municipal.total_housed@2026"].min() > 0
    assert small_runs["persons_per_dwelling"].nunique() == 3  # a sampled municipal parameter


def paired(runs: pd.DataFrame, lever: str, outcome: str) -> pd.DataFrame:
    """``outcome`` per future and the other levers, one column per value of ``lever``."""
    others = [name for name in ("flexible_homes", "share_to_status_holders", "quality_lift") if name != lever]
    return runs.pivot_table(index=["future", *others], columns=lever, values=outcome)


def test_levers_move_municipal_outcomes_in_the_expected_direction(small_runs: pd.DataFrame) -> None:
    """On the same future: a larger share of lettings or more flexible homes leave a smaller backlog;
    a quality lift gives more passes; housing levers leave the number obliged to integrate unchanged."""
    share = paired(small_runs, "share_to_status_holders", "municipal.total_backlog@2026")
    assert (share[0.08] < share[0.04]).all()
    flexible = paired(small_runs, "flexible_homes", "municipal.total_backlog@2026")
    assert (flexible[20000.0] < flexible[0.0]).all()
    passed = paired(small_runs, "quality_lift", "municipal.total_passed@2026")
    assert (passed[0.1] > passed[0.0]).all()
    chain = paired(small_runs, "quality_lift", "asylum.holders_waiting@2026")
    np.testing.assert_array_equal(chain[0.1], chain[0.0])  # integration does not feed back on housing


def test_municipal_outcomes_do_not_depend_on_chunking(tmp_path: Path) -> None:
    experiment = Experiment.model_validate(content(levers=content()["levers"][:1]))
    whole = runs_of(experiment, tmp_path / "whole")
    parts = runs_of(experiment, tmp_path / "parts", chunk_size=2)
    for name in OUTCOMES:
        np.testing.assert_array_equal(whole[name], parts[name])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"pillars": ["municipal"]}, "needs the asylum pillar"),
        ({"pillars": ["asylum"], "levers": [], "policies": [{"name": "a"}]}, "municipal"),
        ({"outcomes": ["municipal.housed@2026"]}, "unknown municipal variable"),
        ({"outcomes": ["municipal.total_housed@2040"]}, "year must lie in"),
        ({"levers": [{"name": "x", "field": "municipal.term_months", "low": 1, "high": 2}]},
         "municipal levers"),
        ({"levers": [{"name": "x", "field": "municipal.quality_lift", "options": ["high"]}]}, "numbers"),
        ({"uncertainties": [{"name": "x", "target": "municipal.nonsense", "distribution": "registry"}]},
         "cannot vary per run"),
        ({"uncertainties": [{"name": "x", "target": "municipal.quality_lift", "distribution": "registry"}]},
         "no registry range"),
    ],
)  # fmt: skip
def test_bad_municipal_experiments_are_refused_with_a_clear_message(
    changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        Experiment.model_validate(content(**changes))
