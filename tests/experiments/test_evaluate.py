"""Evaluation: identical runs whatever the chunk size and backend; failing runs recorded, not fatal."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from migratielab.errors import ConservationError
from migratielab.experiments.backends import DaskBackend, ProcessBackend
from migratielab.experiments.evaluate import ChunkTask, ModelOutput, SystemModel
from migratielab.experiments.run import Exploration, run_experiment
from migratielab.experiments.schema import Experiment
from migratielab.experiments.store import read_runs

FAIL_ABOVE = 0.8  # family_per_grant above this raises a conservation error in the test model
NAN_BELOW = 0.5  # family_per_grant below this gives a NaN outcome in the test model


def frames(exploration: Exploration) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The per-run table and the quantile summaries of an exploration."""
    summaries = pd.read_parquet(exploration.folder / "summaries.parquet")
    return read_runs(exploration.folder), summaries.sort_values(["policy", "variable", "period", "quantile"])


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The small experiment in process, in one chunk per policy."""
    from tests.experiments.conftest import SMALL

    exploration = run_experiment(
        Experiment.model_validate(SMALL), chunk_size=100, store=tmp_path_factory.mktemp("s")
    )
    return frames(exploration)


def assert_same(result: Exploration, reference: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    """Runs and summaries equal the reference exactly."""
    runs, summaries = frames(result)
    pd.testing.assert_frame_equal(runs, reference[0])
    np.testing.assert_array_equal(summaries["value"].to_numpy(), reference[1]["value"].to_numpy())


def test_chunk_size_does_not_change_results(
    small: Experiment, tmp_path: Path, reference: tuple[pd.DataFrame, pd.DataFrame]
) -> None:
    assert_same(run_experiment(small, chunk_size=5, store=tmp_path), reference)


def test_runs_differ_between_futures(reference: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    runs = reference[0]
    assert runs["total_cost_eur"].nunique() == len(runs)
    assert (runs["status"] == "ok").all()


@pytest.mark.slow
def test_processes_backend_matches(
    small: Experiment, tmp_path: Path, reference: tuple[pd.DataFrame, pd.DataFrame]
) -> None:
    assert_same(run_experiment(small, ProcessBackend(workers=2), chunk_size=7, store=tmp_path), reference)


@pytest.mark.slow
def test_dask_local_cluster_matches(
    small: Experiment, tmp_path: Path, reference: tuple[pd.DataFrame, pd.DataFrame]
) -> None:
    assert_same(run_experiment(small, DaskBackend(workers=2), chunk_size=7, store=tmp_path), reference)


@dataclass(frozen=True)
class FlakyModel(SystemModel):
    """The asylum model, but some sampled futures raise a conservation error or give NaN."""

    def __call__(self, task: ChunkTask) -> ModelOutput:
        family = task.values["family_per_grant"]
        if (family > FAIL_ABOVE).any():
            raise ConservationError("in_chain: test-injected imbalance")
        output = super().__call__(task)
        output.outcomes["total_cost_eur"][family < NAN_BELOW] = np.nan
        return output


def test_failing_runs_are_recorded_and_the_rest_kept(
    small: Experiment, tmp_path: Path, reference: tuple[pd.DataFrame, pd.DataFrame]
) -> None:
    exploration = run_experiment(small, chunk_size=8, store=tmp_path, model=FlakyModel(small))
    runs = read_runs(exploration.folder)
    family = runs["family_per_grant"]
    raised, nan = family > FAIL_ABOVE, family < NAN_BELOW
    assert raised.any() and nan.any() and (~raised & ~nan).any()
    assert (runs.loc[raised, "reason"] == "ConservationError: in_chain: test-injected imbalance").all()
    assert (runs.loc[nan, "reason"] == "NaN in outcomes").all()
    assert (runs.loc[raised | nan, "status"] == "failed").all()
    kept = ~raised & ~nan
    pd.testing.assert_frame_equal(
        runs[kept].drop(columns="reason"), reference[0][kept].drop(columns="reason")
    )
    assert exploration.manifest.failed == int((raised | nan).sum())
