"""Command-line verbs of the asylum chain: ``run`` (the main job) and ``backtest``."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from migratielab.cli.common import DelayedProgress, console, reported_input_errors
from migratielab.cli.outputs import write_outputs
from migratielab.models.variables import Language
from migratielab.params import load_parameter_overrides
from migratielab.presentation.formatting import format_number, format_share
from migratielab.report.asylum import summary_rows
from migratielab.scenario import bundled_scenario_path, load_scenario
from migratielab.service import asylum as service

LANG: Language = "en"
"""The CLI's language (tables and numbers)."""


def register(app: typer.Typer) -> None:
    """Add ``run`` and ``backtest`` to the main app."""
    app.command("run")(run)
    app.command("backtest")(backtest)


def run(
    scenario_file: Annotated[
        Path | None, typer.Argument(help="Scenario YAML; default: the bundled policy comparison")
    ] = None,
    out: Annotated[Path, typer.Option(help="Folder for the HTML report and Parquet results")] = Path(
        "output"
    ),
    runs: Annotated[int | None, typer.Option(help="Override the scenario's ensemble size", min=1)] = None,
    parameters_file: Annotated[
        Path | None,
        typer.Option("--parameters", help="Parameter YAML replacing the bundled asylum parameters"),
    ] = None,
) -> None:
    """Compare the scenario's policies on its ensemble; print a table, write a report and Parquet."""
    scenario_path = scenario_file or bundled_scenario_path()
    with reported_input_errors():
        scenario = load_scenario(scenario_path)
        base = load_parameter_overrides(parameters_file, "asylum") if parameters_file else None
        parameters = service.checked_parameters(scenario, base, source=str(scenario_path))
    if runs is not None:
        scenario = scenario.model_copy(update={"runs": runs})
    console.print(
        f"[bold]{scenario.name}[/]: {len(service.policies_of(scenario))} policies, {scenario.runs:,} runs, "
        f"{scenario.start_year}-{scenario.end_year}"
    )
    with DelayedProgress("Simulating the asylum chain") as progress:
        comparison = service.compare(scenario, progress=progress, parameters=parameters)
    console.print(summary_table(comparison))
    report, parquet = write_outputs(comparison, out)
    console.print(f"Report: {report}\nResults: {parquet}")


def summary_table(comparison: service.Comparison) -> Table:
    """Rich table of indicators per policy: median and 5th-95th percentile over runs."""
    policies, rows = summary_rows(comparison.summary(), LANG)
    table = Table(title="Median over runs [5th – 95th percentile]", show_lines=False)
    table.add_column("indicator")
    table.add_column("unit")
    for policy in policies:
        table.add_column(policy, justify="right")
    for row in rows:
        table.add_row(*row)
    return table


def backtest(
    as_json: Annotated[bool, typer.Option("--json", help="Print records as JSON")] = False,
) -> None:
    """Replay 2014-2024 from the observed state with observed inflow; compare with observed values."""
    records = service.backtest()
    if as_json:
        typer.echo(json.dumps([asdict(record) for record in records], indent=1))
        return
    table = Table(title="Backtest 2014-2024: modelled vs observed (default parameters)")
    for column in ("year", "variable", "modelled", "observed", "error"):
        table.add_column(column, justify="right" if column != "variable" else "left")
    for record in records:
        error = (record.modelled - record.observed) / record.observed if record.observed else None
        table.add_row(
            str(record.year),
            record.variable,
            format_number(record.modelled, LANG),
            format_number(record.observed, LANG),
            ("+" if error is not None and error > 0 else "") + format_share(error, LANG),
        )
    console.print(table)
    for variable in ("coa_occupancy_end", "ind_backlog_end", "status_holders_waiting_end", "departures"):
        mape = service.mean_absolute_percentage_error(records, variable, (2014, 2023))
        console.print(f"MAPE 2014-2023 {variable}: {mape:.1f}%")
