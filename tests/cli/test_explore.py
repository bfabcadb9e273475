"""The exploration faces as a user meets them: explore, runs list, runs show, bad input."""

from __future__ import annotations

import copy
from pathlib import Path

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
