"""``migratielab labour``: the shortage list with its evidence, and migration channels compared."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from migratielab.cli.common import reported_input_errors
from migratielab.models.variables import Language
from migratielab.presentation.catalogue import Translator
from migratielab.presentation.formatting import format_number, format_share
from migratielab.presentation.labour import coverage_lines, spread_text
from migratielab.scenario import bundled_scenario_path, load_scenario
from migratielab.service.labour import ChannelComparison, ShortageList, channel_comparison, shortage_list

LANG: Language = "en"
"""The CLI's language (tables and numbers)."""
labour_app = typer.Typer(help="Labour market: shortage list and migration channels.", no_args_is_help=True)


def _shortage_table(result: ShortageList, top: int) -> Table:
    """Ranked occupations with score, verdict and the main evidence."""
    t = Translator(LANG)
    table = Table(title=t("labour_title"))
    for key in ("labour_rank", "labour_code", "labour_occupation", "labour_score", "labour_verdict"):
        table.add_column(t(key))
    table.add_column(t("labour_unfilled"), justify="right")
    table.add_column(t("labour_wage_ratio"), justify="right")
    for o in result.occupations[:top]:
        table.add_row(
            str(o.rank),
            o.code,
            o.name,
            format_share(o.score, LANG),
            t(f"verdict_{o.verdict}"),
            format_number(o.unfilled_2030, LANG),
            format_share(o.wage_ratio, LANG),
        )
    return table


def shortages(
    weights: Annotated[
        Path | None, typer.Option(help="YAML with weights, thresholds, shortage_cutoff")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the full list with evidence as JSON")
    ] = False,
    top: Annotated[int, typer.Option(min=1, max=200, help="Rows in the table")] = 40,
) -> None:
    """Rank the 114 occupation groups on shortage indicators; say per group whether migration is sensible."""
    with reported_input_errors():
        result = shortage_list(weights)
    if as_json:
        typer.echo(result.model_dump_json(indent=1))
        return
    console = Console()
    console.print(_shortage_table(result, top))
    t = Translator(LANG)
    counts = ", ".join(f"{t(f'verdict_{v}')}: {n}" for v, n in result.counts().items())
    console.print(f"{t('labour_counts')}: {counts}")


def _channel_table(result: ChannelComparison) -> Table:
    """Channels on the broad-welfare themes."""
    t = Translator(LANG)
    table = Table(title=t("labour_channels_title"))
    for key in (
        "labour_channel",
        "labour_plan",
        "labour_employed_1",
        "labour_employed_5",
        "labour_earnings",
        "labour_stay_5",
        "labour_dwellings",
        "labour_integration",
        "labour_in_shortage_share",
    ):
        table.add_column(t(key), justify="left" if key == "labour_channel" else "right")
    table.add_column(t("labour_fiscal", years=30), justify="right")
    for c in result.channels:
        fiscal = c.fiscal["30"]
        table.add_row(
            t(f"channel_{c.channel}"),
            format_number(c.plan_per_year, LANG),
            format_share(c.employment[1], LANG),
            format_share(c.employment[5], LANG),
            format_share(c.earnings_ratio, LANG),
            format_share(c.stay[5], LANG),
            format_number(c.dwellings_per_person, LANG),
            format_number(c.integration_cost, LANG),
            format_share(c.shortage_share, LANG),
            spread_text(fiscal, LANG),
        )
    return table


def channels(
    scenario: Annotated[
        Path | None, typer.Argument(help="Scenario YAML with a labour section (default: bundled)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON")] = False,
) -> None:
    """Compare migration channels on broad welfare and show how a plan and the levers cover the shortage."""
    path = scenario or bundled_scenario_path("labour")
    with reported_input_errors():
        result = channel_comparison(load_scenario(path), str(path))
    if as_json:
        typer.echo(result.model_dump_json(indent=1))
        return
    console = Console()
    console.print(_channel_table(result))
    for line in coverage_lines(result, LANG):
        console.print(line)


def register(app: typer.Typer) -> None:
    """Add the ``labour`` command group to ``app``."""
    labour_app.command("shortages")(shortages)
    labour_app.command("channels")(channels)
    app.add_typer(labour_app, name="labour")
