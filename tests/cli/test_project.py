"""The ``migratielab project`` command as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from migratielab.cli import app

PLAN = Path(__file__).resolve().parents[2] / "scenarios" / "plan_example.yaml"
runner = CliRunner()


def test_variant_json_records() -> None:
    """Flags variant prints one JSON record per year with the required keys."""
    args = [
        "project",
        "--start",
        "2020",
        "--end",
        "2023",
        "--tfr",
        "1.67",
        "--e0-female",
        "86.2",
        "--e0-male",
        "82.8",
        "--net-migration",
        "58000",
        "--json",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert [r["year"] for r in records] == [2020, 2021, 2022, 2023]
    assert records[0]["population"] == 17_407_585
    assert {"population", "grey_pressure", "potential_labour_force"} <= records[-1].keys()


def test_plan_table_and_report(tmp_path: Path) -> None:
    """A plan prints a summary table and writes a self-contained HTML report."""
    report = tmp_path / "plan.html"
    result = runner.invoke(app, ["project", str(PLAN), "--runs", "3", "--report", str(report)])
    assert result.exit_code == 0, result.output
    assert "2050" in result.stdout
    text = report.read_text()
    assert "<script src=" not in text and "Population pyramids" in text


def test_bad_plan_exits_2_and_names_file_and_key(tmp_path: Path) -> None:
    """A misspelt key gives exit code 2, the file and the key path; no report is written."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(PLAN.read_text().replace("central: 45000", "centre: 45000"))
    report = tmp_path / "out.html"
    result = runner.invoke(app, ["project", str(bad), "--report", str(report)])
    assert result.exit_code == 2
    assert "bad.yaml" in result.output and "inflows.labour_eu[item 1]" in result.output
    assert not report.exists()


def table_rows(output: str) -> list[list[str]]:
    """The body rows of the printed table (lines starting with a year), as stripped cells."""
    return [
        [cell.strip() for cell in line.split("│")[1:-1]]
        for line in output.splitlines()
        if line.startswith("│") and line.split("│")[1].strip().isdigit()
    ]


def test_plan_table_keeps_numbers_whole_at_80_columns(tmp_path: Path) -> None:
    """At 80 columns every figure is printed whole (the same as in a wide terminal), headings wrap
    between words, no line is wider than the terminal, and the report path is one whole line."""
    report = tmp_path / "a-folder-with-a-long-name" / "and-another-one-below-it" / "plan-report.html"
    narrow = runner.invoke(
        app, ["project", str(PLAN), "--runs", "2", "--report", str(report)], env={"COLUMNS": "80"}
    )
    wide = runner.invoke(app, ["project", str(PLAN), "--runs", "2"], env={"COLUMNS": "300"})
    assert narrow.exit_code == 0 and wide.exit_code == 0, narrow.output + wide.output
    assert "…" not in narrow.stdout
    assert table_rows(narrow.stdout) == table_rows(wide.stdout) and len(table_rows(wide.stdout)) == 26
    lines = narrow.stdout.splitlines()
    assert f"Report: {report}" in lines
    assert max(len(line) for line in lines if not line.startswith("Report: ")) <= 80
    printed = set(narrow.stdout.split())
    assert {"Old-age", "dependency", "ratio", "Households", "January"} <= printed
