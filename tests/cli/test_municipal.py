"""``migratielab municipalities list`` in a narrow terminal."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from migratielab.cli import app

runner = CliRunner()


@pytest.mark.parametrize("columns", [80, 100, 250])
def test_monitor_keeps_codes_names_and_figures_whole(columns: int) -> None:
    """Every municipality's code and name are printed whole, no figure is cut, no line is wider than
    the terminal; columns that do not fit are named in a caption instead of being squeezed."""
    result = runner.invoke(app, ["municipalities", "list", "--runs", "3"], env={"COLUMNS": str(columns)})
    records = json.loads(runner.invoke(app, ["municipalities", "list", "--runs", "3", "--json"]).output)
    assert result.exit_code == 0, result.output
    assert "…" not in result.output
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= columns
    rows = {cells[0].strip(): cells[1].strip() for line in lines if (cells := line.split("│")[1:-1])}
    for record in records:  # a long name wraps between words below its first line
        assert record["name"].startswith(rows[record["code"]]), record
    assert {word for record in records for word in record["name"].split()} <= set(result.output.split())
    narrow = "Not shown at this terminal width" in result.output
    assert narrow == (columns < 120)
    if not narrow:
        assert "ses estimate" in result.output and "Groningen" in rows.values()
