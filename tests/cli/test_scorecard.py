"""``migratielab scorecard``, ``compare-plans`` and ``find-plan`` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from migratielab.cli import app

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def short_plan(folder: Path, name: str = "plan", factor: float = 1.0) -> Path:
    """The integral example over 2025-2027 with the non-EU labour channel scaled by ``factor``."""
    content = yaml.safe_load((ROOT / "scenarios" / "integral_example.yaml").read_text())
    content.update(name=name, end_year=2027, runs=4)
    for band in content["population"]["inflows"]["labour_non_eu"]:
        band.update({key: band[key] * factor for key in ("central", "low", "high")})
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(content))
    return path


def test_scorecard_json_and_dutch_report(tmp_path: Path) -> None:
    """JSON lists every entry with group, theme, unit, band and sources; the Dutch report is written."""
    report = tmp_path / "kaart.html"
    result = runner.invoke(
        app, ["scorecard", str(short_plan(tmp_path)), "--json", "--report", str(report), "--lang", "nl"]
    )
    assert result.exit_code == 0, result.output
    entries = {entry["id"]: entry for entry in json.loads(result.output)["entries"]}
    wait = entries["decision_wait"]
    assert wait["group"] == "humanitarian" and wait["theme"] == "hier_en_nu" and wait["unit"] == "weeks"
    assert wait["p5"] <= wait["median"] <= wait["p95"] and wait["sources"]
    assert (
        entries["labour_force_2040"]["median"] is None
        and "horizon" in entries["labour_force_2040"]["missing"]
    )
    page = report.read_text(encoding="utf-8")
    assert "Humanitair" in page and "hier en nu" in page and "Definities en bronnen" in page


def test_scorecard_speaks_dutch_by_default_like_every_report(tmp_path: Path) -> None:
    """Without --lang the table and the report are Dutch (as ``migratielab report``); an unknown
    language exits 2 before any run, naming the choices, and writes nothing."""
    plan, report = short_plan(tmp_path), tmp_path / "kaart.html"
    result = runner.invoke(app, ["scorecard", str(plan), "--report", str(report)], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    assert "Humanitair" in result.output and "Humanitarian" not in result.output
    assert "<html lang='nl'>" in report.read_text(encoding="utf-8")
    other = tmp_path / "other.html"
    refused = runner.invoke(app, ["scorecard", str(plan), "--report", str(other), "--lang", "de"])
    assert refused.exit_code == 2 and "--lang must be one of" in refused.output and "'de'" in refused.output
    assert not other.exists() and "Traceback" not in refused.output


def test_compare_plans_marks_robust_differences(tmp_path: Path) -> None:
    """Three times the non-EU labour migration: robustly better for the labour force, in the table too."""
    first, second = short_plan(tmp_path, "base"), short_plan(tmp_path, "more", 3.0)
    result = runner.invoke(app, ["compare-plans", str(first), str(second), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    labour = next(entry for entry in data["entries"] if entry["id"] == "labour_force_end")
    assert labour["differences_to_first"][0]["verdict"] == "better" and "90%" in data["rule"]
    table = runner.invoke(
        app, ["compare-plans", str(first), str(second), "--lang", "en"], env={"COLUMNS": "250"}
    )
    assert table.exit_code == 0 and "robustly better" in table.output


def test_limits_typo_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    """An unknown indicator: one message naming the file, the key and the nearest id; no report."""
    limits = tmp_path / "limits.yaml"
    limits.write_text(
        "scenario: x.yaml\nchannels: {study: {low: 1, high: 2}}\n"
        "limits: [{indicator: labour_force_2004, at_least: 1}]\nobjectives: [{indicator: chain_cost}]\n"
    )
    report = tmp_path / "out.html"
    result = runner.invoke(app, ["find-plan", str(limits), "--report", str(report)])
    assert result.exit_code == 2
    assert "limits.yaml: limits[item 1]" in result.output and "labour_force_2040" in result.output
    assert "Traceback" not in result.output and not report.exists()


def limits_file(folder: Path, **question: object) -> Path:
    """A small limits file on the short plan: 3 futures, a population of 4, one generation."""
    content = {
        "scenario": str(short_plan(folder)),
        "futures": 3,
        "search": {"population": 4, "generations": 1},
    }
    path = folder / "limits.yaml"
    path.write_text(yaml.safe_dump({**content, **question}))
    return path


def test_infeasible_limits_exit_1_naming_the_limit(tmp_path: Path) -> None:
    """A labour force no plan in the bands can reach: exit 1 and the limit is named."""
    limits = limits_file(
        tmp_path,
        channels={"study": {"low": 20000, "high": 30000}},
        limits=[{"indicator": "labour_force_end", "at_least": 5.0e7}],
        objectives=[{"indicator": "chain_cost"}],
    )
    result = runner.invoke(app, ["find-plan", str(limits), "--lang", "en"], env={"COLUMNS": "250"})
    assert result.exit_code == 1, result.output
    assert "No plan meets every limit" in result.output and "labour_force_end at least 5e+07" in result.output


def test_found_plans_written_as_scenarios_reproduce_their_scores(tmp_path: Path) -> None:
    """``--write-plans`` writes scenarios; their scorecard (same runs, seed) gives the finder's medians."""
    limits = limits_file(
        tmp_path,
        channels={"study": {"low": 20000, "high": 30000}},
        policy={"staffing.fte": {"low": 1000, "high": 2000}},
        limits=[{"indicator": "chain_cost", "at_most": 1.0e12}],
        objectives=[{"indicator": "decision_wait"}, {"indicator": "labour_force_end"}],
    )
    found = runner.invoke(app, ["find-plan", str(limits), "--json", "--write-plans", str(tmp_path / "found")])
    assert found.exit_code == 0, found.output
    first = json.loads(found.output)["plans"][0]
    card = runner.invoke(app, ["scorecard", str(tmp_path / "found" / "plan_1.yaml"), "--json"])
    entries = {entry["id"]: entry for entry in json.loads(card.output)["entries"]}
    for entry_id in ("decision_wait", "labour_force_end"):
        assert entries[entry_id]["median"] == pytest.approx(first["medians"][entry_id], rel=1e-9)


def test_scorecard_table_keeps_words_and_figures_whole_at_80_columns(tmp_path: Path) -> None:
    """At 80 columns the pillar groups are heading rows, no word, label or figure is cut or folded,
    no line is wider than the terminal, and the report path is printed whole."""
    plan = short_plan(tmp_path)
    report = tmp_path / "a-folder-with-a-long-name" / "scorecard-report.html"
    narrow = runner.invoke(
        app, ["scorecard", str(plan), "--report", str(report), "--lang", "en"], env={"COLUMNS": "80"}
    )
    as_json = runner.invoke(app, ["scorecard", str(plan), "--json"])
    assert narrow.exit_code == 0 and as_json.exit_code == 0, narrow.output
    lines = narrow.output.splitlines()
    assert f"Report: {report}" in lines
    assert max(len(line) for line in lines if not line.startswith("Report: ")) <= 80
    assert "…" not in narrow.output
    printed = set(narrow.output.split())
    assert {"Humanitarian", "Social", "Economic"} <= printed
    entries = json.loads(as_json.output)["entries"]
    assert {word for entry in entries for word in entry["en"].split()} <= printed
