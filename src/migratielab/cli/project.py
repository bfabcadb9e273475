"""``migratielab project``: run a migration plan or a quick demographic variant."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from migratielab import limits
from migratielab.cli.common import print_path, reported_input_errors, whole_words
from migratielab.errors import InputError
from migratielab.models.variables import Language, variable
from migratielab.presentation.formatting import format_number
from migratielab.scenario import load_scenario
from migratielab.service.demography import defaults
from migratielab.service.population import (
    SUMMARY_VARIABLES,
    project_plan,
    project_variant,
    summary_records,
    with_asylum_chain,
)

COLUMNS = tuple(name for name in SUMMARY_VARIABLES if name != "net_migration")
DEFAULT = defaults()
LANG: Language = "en"


def heading(name: str) -> str:
    """A column heading: the registry label and, unless the label already says it, the unit."""
    entry = variable("population", name)
    label, unit = entry.label(LANG), entry.shown_unit.label(LANG)
    return label if unit.lower() in label.lower() else f"{label} ({unit})"


def _print_table(console: Console, title: str, records: list[dict[str, float | int]]) -> None:
    """A Rich table of the yearly summary (medians over runs); headers are registry labels and units.

    Numbers are never cut: every column is as wide as its longest word or number and the headings
    wrap between words (they fit 80 columns)."""
    table = Table(title=title, pad_edge=False)
    table.add_column("year", justify="right")
    for name in COLUMNS:
        table.add_column(heading(name), justify="right")
    for record in records:
        table.add_row(str(record["year"]), *(format_number(record[name], LANG) for name in COLUMNS))
    console.print(whole_words(table, console.width))


def _json_safe(records: list[dict[str, float | int]]) -> list[dict[str, float | int | None]]:
    """Records with NaN replaced by null."""
    return [
        {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()} for r in records
    ]


def check_variant_options(
    start: int, end: int, tfr: float, e0_female: float, e0_male: float, net_migration: float
) -> None:
    """InputError unless every variant option lies in the limits the API uses (``migratielab.limits``)."""
    first, last = limits.FIRST_POPULATION_START, limits.LAST_POPULATION_START
    if not first <= start <= last:
        raise InputError(
            "project", "--start", f"a year from {first} to {last} (observed population), got {start}"
        )
    if not start < end <= limits.LAST_YEAR:
        raise InputError(
            "project", "--end", f"a year after --start ({start}) up to {limits.LAST_YEAR}, got {end}"
        )
    limits.TFR.check(tfr, "project", "--tfr")
    limits.LIFE_EXPECTANCY.check(e0_female, "project", "--e0-female")
    limits.LIFE_EXPECTANCY.check(e0_male, "project", "--e0-male")
    limits.NET_MIGRATION.check(net_migration, "project", "--net-migration")


def project(
    plan: Annotated[Path | None, typer.Argument(help="Migration plan YAML (omit to use the flags)")] = None,
    start: Annotated[int, typer.Option(help="First year (population on 1 January)")] = DEFAULT.start,
    end: Annotated[int, typer.Option(help="Last year")] = DEFAULT.end,
    tfr: Annotated[
        float, typer.Option(help="Constant total fertility rate (children per woman)")
    ] = DEFAULT.tfr,
    e0_female: Annotated[
        float, typer.Option(help="Female life expectancy at birth in the end year (years)")
    ] = DEFAULT.e0_female,
    e0_male: Annotated[
        float, typer.Option(help="Male life expectancy at birth in the end year (years)")
    ] = DEFAULT.e0_male,
    net_migration: Annotated[
        float, typer.Option(help="Constant net migration (persons per year)")
    ] = DEFAULT.net_migration,
    runs: Annotated[int, typer.Option(min=1, max=100_000, help="Ensemble size")] = 1,
    seed: Annotated[
        int, typer.Option(help="Seed of the ensemble", min=int(limits.SEED.low), max=int(limits.SEED.high))
    ] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON record per year")] = False,
    report: Annotated[Path | None, typer.Option(help="Write a self-contained HTML report")] = None,
    asylum_chain: Annotated[
        bool,
        typer.Option(
            "--asylum-chain",
            help="Drive the asylum chain with the plan's asylum level; its grants join the population",
        ),
    ] = False,
) -> None:
    """Project population, ageing, labour force and households for a plan or a variant."""
    console = Console()
    with reported_input_errors():
        if plan is not None:
            parsed = load_scenario(plan).model_copy(update={"runs": runs, "seed": seed})
            title = parsed.name
            if asylum_chain:
                parsed = with_asylum_chain(parsed)
                title += " (asylum numbers from the asylum chain)"
            result = project_plan(parsed)
        else:
            check_variant_options(start, end, tfr, e0_female, e0_male, net_migration)
            result = project_variant(start, end, tfr, e0_female, e0_male, net_migration, runs, seed)
            title = f"Variant: TFR {tfr}, e0 {e0_male}/{e0_female} in {end}, net {net_migration:,.0f}/yr"
    records = summary_records(result)
    if as_json:
        typer.echo(json.dumps(_json_safe(records), indent=1))
    else:
        _print_table(console, title + (f" (median of {runs} runs)" if runs > 1 else ""), records)
    if report is not None:
        from migratielab.report.population import write_population_report

        write_population_report(report, title, result)
        if not as_json:
            print_path("Report", report, console)


def register(app: typer.Typer) -> None:
    """Add the ``project`` command to ``app``."""
    app.command("project")(project)
