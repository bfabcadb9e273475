"""Command-line verbs of the asylum chain: ``run`` (the main job) and ``backtest``."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from migratielab.cli.common import DelayedProgress, RunsOverride, console, print_path, reported_input_errors
from migratielab.cli.outputs import write_outputs
from migratielab.models.variables import Language
from migratielab.params import load_parameter_overrides
from migratielab.presentation.backtest import backtest_window_label
from migratielab.presentation.formatting import counted_en, format_number, format_share
from migratielab.report.asylum import summary_rows
from migratielab.scenario import bundled_scenario_path, load_scenario
from migratielab.service import asylum as service
from migratielab.service.forecast import evaluate_forecasts

LANG: Language = "en"
"""The CLI's language (tables and numbers)."""


def register(app: typer.Typer) -> None:
    """Add ``run`` and ``backtest`` to the main app."""
    app.command("run")(run)
    app.command("backtest")(backtest)
    app.command("forecast-eval")(forecast_eval)


def run(
    scenario_file: Annotated[
        Path | None, typer.Argument(help="Scenario YAML; default: the bundled policy comparison")
    ] = None,
    out: Annotated[Path, typer.Option(help="Folder for the HTML report and Parquet results")] = Path(
        "output"
    ),
    runs: RunsOverride = None,
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
        f"[bold]{scenario.name}[/]: {counted_en(len(service.policies_of(scenario)), 'policy', 'policies')}, "
        f"{counted_en(scenario.runs, 'run')}, "
        f"{scenario.start_year}-{scenario.end_year}"
    )
    with DelayedProgress("Simulating the asylum chain") as progress:
        comparison = service.compare(scenario, progress=progress, parameters=parameters)
    console.print(summary_table(comparison))
    report, parquet = write_outputs(comparison, out)
    print_path("Report", report)
    print_path("Results", parquet)


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
    """Replay 2012-2025 with observed inputs and compare with observations.

    The replay follows applications, follow-on family, IND decisions,
    housing quotas and housing counts where published (no correction to
    observed stocks). Parameters are calibrated on 2012-2019; 2020-2025
    are out of sample. Tables: year-end values, errors per window, errors
    over every dated count, and where forward runs start.
    """
    records = service.backtest()
    if as_json:
        typer.echo(json.dumps([asdict(record) for record in records], indent=1))
        return
    console.print(records_table(records))
    console.print(mape_table(records))
    console.print(count_table(service.count_backtest()))
    console.print(start_table(service.forward_start(load_scenario(bundled_scenario_path()))))


def records_table(records: list[service.BacktestRecord]) -> Table:
    """Rich table of modelled against observed values per year and variable."""
    table = Table(title="Backtest: modelled vs observed (free replay, default parameters)")
    for column in ("year", "sample", "variable", "modelled", "observed", "error"):
        table.add_column(column, justify="left" if column in ("variable", "sample") else "right")
    for record in records:
        error = (record.modelled - record.observed) / record.observed if record.observed else None
        table.add_row(
            str(record.year),
            record.sample,
            record.variable,
            format_number(record.modelled, LANG),
            format_number(record.observed, LANG),
            ("+" if error is not None and error > 0 else "") + format_share(error, LANG),
        )
    return table


MAPE_VARIABLES = (
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
)


def mape_table(records: list[service.BacktestRecord]) -> Table:
    """MAPE per variable in and out of sample (– where no year of the window is observed).

    The variable ids stay whole (they are the ``--json`` records' names); in a narrow terminal the
    window headings wrap between words instead, and the caption says what the windows mean.
    """
    first, last = service.TRAINING_YEARS
    targets = ", ".join(f"{name} <= {target:g}%" for name, target in service.BACKTEST_TARGETS.items())
    table = Table(
        title="Mean absolute percentage error (years with an observation)",
        caption=f"in sample: calibration window {first}-{last}; out of sample: the years after it; "
        f"targets over the target window: {targets}",
    )
    table.add_column("variable", no_wrap=True, min_width=max(map(len, MAPE_VARIABLES)))
    for window, years in service.BACKTEST_WINDOWS.items():
        table.add_column(backtest_window_label(window, years, LANG), justify="right")
    for variable in MAPE_VARIABLES:
        cells = []
        for years in service.BACKTEST_WINDOWS.values():
            mape = service.mean_absolute_percentage_error(records, variable, years)
            cells.append(format_share(mape / 100.0, LANG))
        table.add_row(variable, *cells)
    return table


def count_table(records: list[service.CountRecord]) -> Table:
    """The mean error over every dated count of each stock, per window (– without a count)."""
    summary = service.count_summary(records)
    ids = list(summary)
    numbers = ", ".join(f"{series_id} {number}" for series_id, (number, _) in summary.items())
    table = Table(
        title="Mean absolute percentage error over every dated count (free replay)",
        caption=f"counts within the year too ({numbers}); a lower bound counts only where the model "
        "stays below it",
    )
    table.add_column("stock", no_wrap=True, min_width=max(map(len, ids)))
    for window, years in service.BACKTEST_WINDOWS.items():
        table.add_column(backtest_window_label(window, years, LANG), justify="right")
    for series_id, (_, errors) in summary.items():
        table.add_row(series_id, *(format_share(error / 100.0, LANG) for error in errors))
    return table


def start_table(checks: list[service.StartCheck]) -> Table:
    """The bundled scenario's first month against the latest observation of each stock."""
    table = Table(title="Forward run start (first month, median) against the latest observation")
    table.add_column(
        "stock", no_wrap=True, min_width=max((len(check.series_id) for check in checks), default=0)
    )
    for column in ("period", "observed", "start", "difference"):
        table.add_column(column, justify="right")
    for check in checks:
        table.add_row(
            check.series_id,
            check.period,
            ("≥ " if check.lower_bound else "") + format_number(check.observed, LANG),
            format_number(check.start, LANG),
            ("+" if check.error > 0 else "") + format_share(check.error, LANG),
        )
    return table


def forecast_eval(
    paths: Annotated[int, typer.Option(help="Sample paths per forecast", min=100, max=20000)] = 1000,
) -> None:
    """Rolling-origin evaluation 2015-2025 of 12-month applications forecasts against two naive ones."""
    evaluation = evaluate_forecasts(paths=paths)
    table = Table(title="12-month-ahead forecast of applications, rolling origin (each January 2015-2025)")
    for column in ("method", "mean CRPS (persons)", "coverage 80%", "coverage 95%", "origins"):
        table.add_column(column, justify="left" if column == "method" else "right")
    for method, row in evaluation.summary.iterrows():
        table.add_row(
            str(method),
            format_number(float(row["mean_crps"]), LANG),
            format_share(float(row["coverage_80"]), LANG),
            format_share(float(row["coverage_95"]), LANG),
            str(int(row["origins"])),
        )
    console.print(table)
