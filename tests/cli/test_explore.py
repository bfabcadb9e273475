"""The exploration faces as a user meets them: explore, runs list, runs show, bad input."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from migratielab.cli import app
from tests.experiments.conftest import SMALL, write_yaml

runner = CliRunner()


def test_explore_then_list_and_show(tmp_path: Path) -> None:
    content = copy.deepcopy(SMALL)
    content["sampler"] = {"kind": "sobol", "size": 4}
    experiment = write_yaml(tmp_path, content)
    store = tmp_path / "store"
    result = runner.invoke(app, ["explore", str(experiment), "--store", str(store), "--chunk-size", "5"])
    assert result.exit_code == 0, result.output
    assert "Share of futures meeting thresholds" in result.output
    folder = next(path for path in store.iterdir() if path.is_dir())
    report = (folder / "report.html").read_text(encoding="utf-8")
    assert "Global sensitivity" in report and "Fan charts" in report
    listed = runner.invoke(app, ["runs", "list", "--store", str(store)])
    assert folder.name in listed.output.replace("\n", "") or "small test" in listed.output
    shown = runner.invoke(app, ["runs", "show", folder.name, "--store", str(store)])
    assert shown.exit_code == 0, shown.output
    assert "32 runs" in shown.output


def test_unknown_exploration_id_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["runs", "show", "nope", "--store", str(tmp_path)])
    assert result.exit_code == 2
    assert "known exploration id" in result.output


def test_bad_experiment_file_exits_2_naming_key(tmp_path: Path) -> None:
    content = copy.deepcopy(SMALL)
    content["sampler"] = {"kind": "sobol", "size": 100}
    result = runner.invoke(app, ["explore", str(write_yaml(tmp_path, content))])
    assert result.exit_code == 2
    assert "sampler" in result.output and "power of two" in result.output


def test_runs_list_names_interrupted_explorations_and_clean_removes_them(tmp_path: Path) -> None:
    """A folder left by a killed exploration (dead process id) is listed as interrupted until cleaned."""
    killed = tmp_path / "killed-20250101T000000-abcdef"
    killed.mkdir()
    (killed / ".running").write_text("999999999", encoding="utf-8")
    (killed / ".runs.parquet.partial").write_bytes(b"")
    listed = runner.invoke(app, ["runs", "list", "--store", str(tmp_path)])
    assert listed.exit_code == 0 and "interrupted" in listed.output and "runs clean" in listed.output
    cleaned = runner.invoke(app, ["runs", "clean", "--store", str(tmp_path)])
    assert cleaned.exit_code == 0 and not killed.exists()


def test_explore_exits_non_zero_when_no_run_succeeds(tmp_path: Path, monkeypatch: Any) -> None:
    """Every run failing is an error (exit 1 with the first reason), not a stored success."""
    from migratielab.experiments import backends
    from migratielab.experiments.evaluate import failed_result

    monkeypatch.setattr(
        backends,
        "evaluate_chunk",
        lambda model, task: failed_result(task, model.outcome_names, ["boom"] * len(task.runs), task.runs),
    )
    store = tmp_path / "store"
    result = runner.invoke(
        app, ["explore", str(write_yaml(tmp_path, copy.deepcopy(SMALL))), "--store", str(store)]
    )
    assert result.exit_code == 1
    assert "none of the" in result.output and "boom" in result.output
    assert (
        not store.exists()
        or not any(store.iterdir())
        or all(p.name.startswith("catalog") for p in store.iterdir())
    )


def test_explore_and_runs_list_at_80_columns_keep_ids_names_and_paths_whole(tmp_path: Path) -> None:
    """At 80 columns the id ``runs show`` needs is whole in ``runs list``, regret rows name the policy
    and the outcome by label (no ellipsis), and the report path is one whole line."""
    from migratielab.presentation.exploration import outcome_label

    store = tmp_path / "a-store-folder-with-a-rather-long-name"
    experiment = write_yaml(tmp_path, copy.deepcopy(SMALL))
    narrow = {"COLUMNS": "80"}
    explored = runner.invoke(app, ["explore", str(experiment), "--store", str(store)], env=narrow)
    assert explored.exit_code == 0, explored.output
    folder = next(path for path in store.iterdir() if path.is_dir())
    lines = explored.output.splitlines()
    assert f"Report: {folder / 'report.html'}" in lines
    assert "…" not in explored.output
    assert max(len(line) for line in lines if not line.startswith("Report: ")) <= 80
    assert "Regret" in explored.output and "forecast-linked" in explored.output
    printed = set(explored.output.split())
    for outcome in SMALL["outcomes"]:
        assert set(outcome_label(outcome, "en").split()) <= printed, outcome
    listed = runner.invoke(app, ["runs", "list", "--store", str(store)], env=narrow)
    assert listed.exit_code == 0 and "…" not in listed.output
    assert any(line.startswith(f"│ {folder.name} ") for line in listed.output.splitlines())
    shown = runner.invoke(app, ["runs", "show", folder.name, "--store", str(store)], env=narrow)
    assert shown.exit_code == 0 and f"Folder: {folder}" in shown.output.splitlines()
