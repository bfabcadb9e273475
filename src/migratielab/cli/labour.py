"""``migratielab labour``: the shortage list with its evidence, and migration channels compared."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from migratielab.cli.common import RunsOverride, print_path, report_language, reported_input_errors
from migratielab.models.variables import Language
from migratielab.presentation.catalogue import Translator
from migratielab.presentation.labour import (
    CHANNEL_TABLES,
    TableSpec,
    channel_table,
    coverage_lines,
    shortage_table,
)
from migratielab.report.labour import write_labour_report
from migratielab.scenario import bundled_scenario_path, load_scenario
from migratielab.service.labour import channel_comparison, shortage_list

LANG: Language = "en"
"""The CLI's language (tables and numbers)."""
labour_app = typer.Typer(help="Labour market: shortage list and migration channels.", no_args_is_help=True)


NAME_WIDTH = 16
"""Narrowest name column (characters); figure columns share the rest of the terminal's width."""
LONGEST_WORD = 24
"""No column is made wider than this to keep a word whole (longer words end in an ellipsis)."""


def longest_word(texts: Iterable[str]) -> int:
    """The length of the longest word (split at spaces and line breaks) in ``texts``."""
    return min(max((len(word) for item in texts for word in item.split()), default=1), LONGEST_WORD)


def rich_table(spec: TableSpec, width: int, text_columns: int = 1) -> Table:
    """A compact Rich table that fits ``width`` characters: the first ``text_columns`` columns are words
    (the last of them a name), the rest figures; headers and names wrap between words (a column is at
    least as wide as its longest word, so no word is split), and a range wraps below its median."""
    table = Table(
        title=spec.title,
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        padding=(0, 1),
        collapse_padding=True,
        title_justify="left",
    )
    rows = [[cell.replace(" [", "\n[") for cell in row] for row in spec.rows]
    words = [longest_word([name, *(row[p] for row in rows)]) for p, name in enumerate(spec.header)]
    name_column = text_columns - 1
    words[name_column] = max(NAME_WIDTH, words[name_column])
    frame = 3 * (len(spec.header) - 1)  # padding and the line between two columns
    spare = max(width - frame - sum(words), 0) // max(len(spec.header) - text_columns, 1)
    for position, name in enumerate(spec.header):
        if position < text_columns:
            table.add_column(name, min_width=words[position], overflow="ellipsis")
        else:
            table.add_column(
                name,
                justify="right",
                min_width=words[position],
                max_width=words[position] + spare,
                overflow="ellipsis",
            )
    for row in rows:
        table.add_row(*row)
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
    console.print(rich_table(shortage_table(result, LANG, top), console.width, text_columns=2))
    t = Translator(LANG)
    counts = ", ".join(f"{t(f'verdict_{v}')}: {n}" for v, n in result.counts().items())
    console.print(f"{t('labour_counts')}: {counts}")


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
    for key in CHANNEL_TABLES:
        console.print(rich_table(channel_table(result, key, LANG), console.width))
    for line in coverage_lines(result, LANG):
        console.print(line)


def report(
    scenario: Annotated[
        Path | None, typer.Argument(help="Scenario YAML with a labour section (default: bundled)")
    ] = None,
    out: Annotated[Path, typer.Option(help="HTML file to write")] = Path("output/labour.html"),
    lang: Annotated[str, typer.Option(help="Language: nl (default) or en")] = "nl",
    weights: Annotated[
        Path | None, typer.Option(help="YAML with weights, thresholds, shortage_cutoff")
    ] = None,
    runs: RunsOverride = None,
) -> None:
    """Write the self-contained labour report: shortage list with evidence, channels, plan coverage."""
    chosen = report_language(lang)
    path = scenario or bundled_scenario_path("labour")
    with reported_input_errors():
        loaded = load_scenario(path)
        if runs is not None:
            loaded = loaded.model_copy(update={"runs": runs})
        shortage = shortage_list(weights, loaded.labour)
        comparison = channel_comparison(loaded, str(path))
    written = write_labour_report(out, shortage, comparison, chosen)
    print_path("Report", written)


def register(app: typer.Typer) -> None:
    """Add the ``labour`` command group to ``app``."""
    labour_app.command("shortages")(shortages)
    labour_app.command("channels")(channels)
    labour_app.command("report")(report)
    app.add_typer(labour_app, name="labour")
