"""Command-line tests of ``migratielab run`` and ``migratielab backtest`` as a user would call them."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from migratielab.cli import app
from migratielab.cli.asylum import MAPE_VARIABLES
from migratielab.data import store

SMALL_SCENARIO = """
name: small test
start_year: 2025
end_year: 2026
runs: 30
seed: 11
policies:
  - name: forecast-linked
  - name: buffer
    reception: {rule: fixed_buffer, base_places: 45000, buffer_places: 10000}
    staffing: {rule: stable, fte: 1500}
"""

runner = CliRunner()


def write(tmp_path: Path, text: str, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_run_prints_a_table_and_writes_report_and_parquet(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(write(tmp_path, SMALL_SCENARIO)), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Person-nights" in result.output and "Median over runs" in result.output
    report = out / "small-test" / "report.html"
    html = report.read_text(encoding="utf-8")
    assert html.count("id='plotly-gzip'") == 1  # plotly.js is embedded once: the report works offline
    assert 1_000_000 < len(html) < 3_000_000
    assert "<script src=" not in html
    assert html.count("class='report-figure'") >= 7  # one fan chart per variable
    table = pd.read_parquet(out / "small-test" / "results.parquet")
    assert set(table.columns) == {"scenario", "policy", "run", "variable", "unit", "period", "value"}
    assert set(table["policy"]) == {"forecast-linked", "buffer"}
    assert table["run"].nunique() == 30
    assert "Reception|Occupancy|Emergency" in set(table["variable"])


@pytest.mark.parametrize(
    ("text", "key", "expectation"),
    [
        (SMALL_SCENARIO.replace("runs: 30", "runs: many"), "runs", "valid integer"),
        (SMALL_SCENARIO.replace("seed: 11", "seed: 11\ncolour: red"), "colour", "unknown key"),
        (
            SMALL_SCENARIO.replace("base_places: 45000", "base_places: -5"),
            "policies[buffer].reception",
            "greater than",
        ),
        ("name: [unclosed", "line", "valid YAML"),
    ],
)
def test_bad_scenario_gives_one_clear_message_and_writes_nothing(
    tmp_path: Path, text: str, key: str, expectation: str
) -> None:
    out = tmp_path / "out"
    scenario = write(tmp_path, text)
    result = runner.invoke(app, ["run", str(scenario), "--out", str(out)])
    assert result.exit_code == 2
    message = result.output
    assert str(scenario) in message and key in message and expectation in message
    assert "Traceback" not in message
    assert not out.exists()


def test_missing_scenario_file_is_reported(tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", str(tmp_path / "nope.yaml"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "file not found" in result.output


def test_backtest_json_lists_every_variable_for_every_year() -> None:
    result = runner.invoke(app, ["backtest", "--json"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    variables = {
        "coa_occupancy_end",
        "ind_backlog_end",
        "status_holders_waiting_end",
        "mean_wait_weeks",
        "penalties_eur",
        "departures",
        "departures_independent",
        "departures_forced",
        "departures_unsupervised",
        "permits",
    }
    assert {record["variable"] for record in records} == variables
    assert {record["year"] for record in records} == set(range(2014, 2026))
    assert all(set(record) == {"year", "variable", "modelled", "observed", "sample"} for record in records)
    assert {r["sample"] for r in records if r["year"] <= 2019} == {"in"}
    assert {r["sample"] for r in records if r["year"] >= 2020} == {"out"}
    occupancy_2015 = next(r for r in records if r["year"] == 2015 and r["variable"] == "coa_occupancy_end")
    assert occupancy_2015["observed"] == 47_764  # COA year-end 2015
    published = store.annual("ind.penalty_payments")
    penalties = {r["year"]: r["observed"] for r in records if r["variable"] == "penalties_eur"}
    assert {year for year, value in penalties.items() if value is not None} == {
        year for year in published.index if 2014 <= year <= 2025
    }
    assert all(penalties[year] == published[year] for year in published.index if year in penalties)
    permits = {r["year"]: r["observed"] for r in records if r["variable"] == "permits"}
    assert {year for year, value in permits.items() if value is not None} == set(range(2014, 2021))
    assert permits[2016] == store.annual("ind.asylum_permits")[2016] == 37_000  # CBS, rounded
    assert permits[2021] is None  # only the first half-year is published


def test_backtest_table_reports_the_error() -> None:
    result = runner.invoke(app, ["backtest"])
    assert result.exit_code == 0, result.output
    assert "out of sample" in result.output and "in sample" in result.output
    assert "Forward run start" in result.output
    assert "over every dated count" in result.output and "coa.status_holders_waiting 17" in result.output


@pytest.mark.parametrize("columns", [80, 200])
def test_backtest_error_and_start_tables_keep_their_names_whole(
    columns: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In an 80-column terminal the error and start tables wrap headings, never a variable or series id."""
    monkeypatch.setenv("COLUMNS", str(columns))
    result = runner.invoke(app, ["backtest"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    error_table = lines[next(i for i, line in enumerate(lines) if "Mean absolute percentage error" in line) :]
    assert max(len(line) for line in error_table) <= columns
    assert not any("…" in line for line in error_table)
    for variable in MAPE_VARIABLES:
        assert any(line.startswith(f"│ {variable} ") for line in error_table), variable
    for series_id in ("coa.occupancy", "ind.backlog", "coa.status_holders_waiting"):
        assert any(line.startswith(f"│ {series_id} ") for line in error_table), series_id
    for window in ("2014-2019", "2020-2024", "2025"):
        assert any(window in line for line in error_table if line.startswith("┃")), window
    # the README's `migratielab backtest | tail -8 | head -1` is the start table's title at any width
    assert "Forward run start" in lines[-8]


def test_unknown_parameter_override_names_the_file_and_key(tmp_path: Path) -> None:
    scenario = write(tmp_path, SMALL_SCENARIO + "parameters:\n  court_lag_month: 8\n")
    result = runner.invoke(app, ["run", str(scenario), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert str(scenario) in result.output and "court_lag_month" in result.output
    assert "court_lag_months" in result.output  # the suggestion
    assert not (tmp_path / "out").exists()


def test_invalid_parameter_file_is_rejected_before_running(tmp_path: Path) -> None:
    parameters = write(
        tmp_path,
        "parameters:\n  court_lag_months:\n    description: lag\n    unit: months\n    value: 8\n",
        "parameters.yaml",
    )
    scenario = write(tmp_path, SMALL_SCENARIO)
    result = runner.invoke(
        app, ["run", str(scenario), "--parameters", str(parameters), "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 2
    assert str(parameters) in result.output and "parameters.court_lag_months" in result.output
    assert "estimate: true" in result.output
    assert not (tmp_path / "out").exists()


def test_start_after_the_observed_history_is_refused(tmp_path: Path) -> None:
    scenario = write(
        tmp_path,
        SMALL_SCENARIO.replace("start_year: 2025", "start_year: 2028").replace(
            "end_year: 2026", "end_year: 2029"
        ),
    )
    result = runner.invoke(app, ["run", str(scenario), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "start_year" in result.output and "at most 2026" in result.output
    assert not (tmp_path / "out").exists()


def test_one_policy_is_singular_and_paths_are_whole_at_80_columns(tmp_path: Path) -> None:
    """A one-policy scenario says "1 policy"; the report and results paths are whole lines at 80 columns."""
    one = SMALL_SCENARIO.split("  - name: buffer")[0].replace("runs: 30", "runs: 5")
    out = tmp_path / "an-output-folder-with-a-long-name" / "and-a-second-level-below-it"
    result = runner.invoke(app, ["run", str(write(tmp_path, one)), "--out", str(out)], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert "small test: 1 policy, 5 runs, 2025-2026" in result.output
    lines = result.output.splitlines()
    assert f"Report: {out / 'small-test' / 'report.html'}" in lines
    assert f"Results: {out / 'small-test' / 'results.parquet'}" in lines
    assert "…" not in result.output


def test_a_misspelt_option_exits_2_and_names_it() -> None:
    """Typer's usage error: exit code 2, the option named, the close match suggested."""
    result = runner.invoke(app, ["run", "--rnus", "5"], env={"COLUMNS": "80"})
    assert result.exit_code == 2
    assert "--rnus" in result.output and "--runs" in result.output
