"""The exploration store under stress: concurrent writers, failures, interruptions and kill -9."""

from __future__ import annotations

import copy
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from migratielab.experiments import backends
from migratielab.experiments import store as stores
from migratielab.experiments.evaluate import ChunkResult, ChunkTask, RunModel, failed_result
from migratielab.experiments.schema import Experiment
from migratielab.service import explore as service
from tests.experiments.conftest import SMALL, write_yaml


def manifest(number: int) -> stores.Manifest:
    """A small stand-in manifest."""
    return stores.Manifest(
        id=f"m-{number}", name="m", created="2025-01-01T00:00:00", code_version="t", parameter_hashes={},
        experiment_hash="h", seed=0, sampler="monte_carlo", size=1, runs=1, failed=0, policies=["p"],
        backend="inprocess", workers=1, chunk_size=1, wall_seconds=0.0, experiment={},
    )  # fmt: skip


def register_many(store: str, first: int, count: int) -> None:
    """Register ``count`` manifests (run in a separate process)."""
    for number in range(first, first + count):
        (Path(store) / f"m-{number}").mkdir(parents=True, exist_ok=True)
        stores.register(Path(store), manifest(number))


def test_concurrent_registrations_all_land(tmp_path: Path) -> None:
    """Two processes registering at the same time both end up in the catalog (they wait for the lock)."""
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=register_many, args=(str(tmp_path), start, 15)) for start in (0, 100)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(120)
        assert writer.exitcode == 0
    assert len(stores.catalog(tmp_path)) == 30


def hold_lock(path: str, seconds: float) -> None:
    """Hold a write connection on the catalog for a while."""
    with duckdb.connect(path) as connection:
        connection.execute(f"CREATE TABLE IF NOT EXISTS explorations ({stores.CATALOG_COLUMNS})")
        time.sleep(seconds)


def test_registration_waits_for_a_held_lock(tmp_path: Path) -> None:
    """A catalog held open by another process delays the registration; it does not fail it."""
    holder = multiprocessing.get_context("spawn").Process(
        target=hold_lock, args=(str(tmp_path / stores.CATALOG_FILE), 2.0)
    )
    holder.start()
    time.sleep(1.0)
    register_many(str(tmp_path), 0, 1)
    holder.join(30)
    assert list(stores.catalog(tmp_path)["id"]) == ["m-0"]


def experiment(size: int = 6) -> Experiment:
    """The shared small experiment with ``size`` futures."""
    content = copy.deepcopy(SMALL)
    content["sampler"] = {"kind": "latin_hypercube", "size": size}
    return Experiment.model_validate(content)


def test_a_failed_exploration_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An error while streaming removes the exploration's folder; the catalog is unchanged."""

    def broken(model: RunModel, task: ChunkTask) -> ChunkResult:
        raise RuntimeError("disk full")

    monkeypatch.setattr(backends, "evaluate_chunk", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        service.explore(experiment(), store=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_no_successful_run_is_an_error_and_stores_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When every run fails the exploration is refused with the first reason, not stored as a success."""

    def all_fail(model: RunModel, task: ChunkTask) -> ChunkResult:
        return failed_result(
            task, model.outcome_names, ["InfeasibleRunError: test"] * len(task.runs), task.runs
        )

    monkeypatch.setattr(backends, "evaluate_chunk", all_fail)
    with pytest.raises(service.NoRunSucceededError, match="InfeasibleRunError: test"):
        service.explore(experiment(), store=tmp_path)
    assert service.list_explorations(tmp_path) == []
    assert service.interrupted_explorations(tmp_path) == {}


def explore_command(experiment_file: Path, store: Path) -> list[str]:
    """``migratielab explore`` as a subprocess command line."""
    code = "from migratielab.cli import app; app()"
    return [
        sys.executable,
        "-c",
        code,
        "explore",
        str(experiment_file),
        "--store",
        str(store),
        "--chunk-size",
        "4",
    ]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="kill -9 semantics")
def test_kill_9_at_any_moment_leaves_earlier_explorations_intact(tmp_path: Path) -> None:
    """Kill -9 of ``explore`` at several moments: the earlier exploration stays readable, the killed
    one is listed as interrupted and ``clean`` removes it."""
    store = tmp_path / "store"
    earlier = service.explore(experiment(4), store=store)
    content = copy.deepcopy(SMALL)
    content["sampler"] = {"kind": "latin_hypercube", "size": 40}
    experiment_file = write_yaml(tmp_path, content)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    for delay in (0.5, 2.0, 4.0, 6.0, 8.0):
        process = subprocess.Popen(
            explore_command(experiment_file, store),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        view = service.show_exploration(earlier.id, store)
        assert view.manifest.runs == earlier.runs
        assert len(service.exploration_runs(earlier.id, store)) == earlier.runs
        assert set(service.interrupted_explorations(store).values()) <= {"interrupted"}
        service.clean_explorations(store)
        assert service.interrupted_explorations(store) == {}
    assert earlier.id in {item.id for item in service.list_explorations(store)}
