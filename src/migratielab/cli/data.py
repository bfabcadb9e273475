"""``migratielab data``: list the sourced statistics, show one series with its sources, import CBS and
Eurostat data."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, get_args

import typer
from pydantic import BaseModel
from rich.table import Table

from migratielab.cli.common import console, print_path, reported_input_errors, whole_words
from migratielab.data.importers import ImportSummary
from migratielab.data.registry import Kind, SeriesInfo
from migratielab.presentation.overview import short_source
from migratielab.service import data as service

data_app = typer.Typer(
    name="data", help="Sourced statistics: list, show and import series.", no_args_is_help=True
)

KINDS: dict[str, Kind] = {kind: kind for kind in get_args(Kind)}
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
KindOption = Annotated[str, typer.Option(help="Kind of a new series: flow, stock or ratio.")]


def register(app: typer.Typer) -> None:
    """Add the ``data`` sub-app (``list``, ``show``, ``import-cbs``, ``import-eurostat``) to ``app``."""
    app.add_typer(data_app, name="data")


def format_value(value: float) -> str:
    """A value with thousands separators; shares and fractions keep up to four significant digits."""
    return f"{value:,.0f}" if value.is_integer() else f"{value:,.4g}"


def _print_json(content: BaseModel | Sequence[BaseModel]) -> None:
    """Print pydantic models as indented JSON on stdout."""
    if isinstance(content, BaseModel):
        payload: object = content.model_dump(mode="json")
    else:
        payload = [item.model_dump(mode="json") for item in content]
    typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))


WIDE_TABLE_COLUMNS = 140
"""Terminal width from which ``data list`` shows unit, frequency, publisher and confidence too."""


def series_table(summaries: Sequence[service.SeriesSummary], wide: bool) -> Table:
    """The series list; a narrow terminal (80 columns) gets id, description, span and count only."""
    table = Table(title=f"{len(summaries)} series (migratielab data show SERIES for sources and values)")
    table.add_column("id", no_wrap=True, style="bold")
    table.add_column("description", ratio=3, overflow="fold")
    if wide:
        table.add_column("unit", ratio=1)
        table.add_column("frequency")
        table.add_column("publisher", ratio=2)
        table.add_column("conf.", justify="center")
    table.add_column("span", no_wrap=True)
    table.add_column("n", justify="right", no_wrap=True)
    for row in summaries:
        details = (
            [row.unit, row.frequency, short_source(row.publisher, limit=3), row.confidence] if wide else []
        )
        table.add_row(row.series_id, row.description, *details, row.span, str(row.values))
    return table


@data_app.command("list")
def list_command(as_json: JsonOption = False) -> None:
    """List every series with unit, frequency, publisher, confidence and the years it spans."""
    with reported_input_errors():
        summaries = service.list_series()
    if as_json:
        _print_json(summaries)
        return
    console.print(series_table(summaries, wide=console.width >= WIDE_TABLE_COLUMNS))


def _entry_table(info: SeriesInfo) -> Table:
    """The registry entry of a series as a two-column table (its address is printed below it, whole)."""
    table = Table(title=f"{info.series_id}: {info.description}", show_header=False)
    table.add_column("field", style="bold", no_wrap=True)
    table.add_column("value")
    fields = {
        "unit": info.unit,
        "frequency": info.frequency,
        "kind": info.kind,
        "confidence": info.confidence,
        "publisher": info.publisher,
        "primary source": f"{info.table} ({info.date})",
        "definition": info.definition,
    }
    for name, value in fields.items():
        table.add_row(name, value)
    return table


def _sources_table(info: SeriesInfo) -> Table:
    """Every source of a series with its citation (its address is printed below the table, whole)."""
    table = Table(title="Sources")
    table.add_column("key", style="bold", no_wrap=True)
    table.add_column("citation", overflow="fold")
    table.add_column("conf.", justify="center")
    table.add_column("note", overflow="fold")
    for key, source in info.sources.items():
        table.add_row(
            key, source.model_copy(update={"url": None}).citation(), source.confidence, source.note or ""
        )
    return whole_words(table, console.width)


def _print_addresses(info: SeriesInfo) -> None:
    """The web address of each source, one whole line each (so that it can be copied)."""
    for key, source in info.sources.items():
        if source.url:
            print_path(key, source.url)


def _values_table(view: service.SeriesView) -> Table:
    """The values of a series with confidence and flags, source key and note."""
    table = Table(title=f"Values ({view.info.unit})")
    table.add_column("period", no_wrap=True)
    table.add_column("value", justify="right", no_wrap=True)
    table.add_column("conf., flags", overflow="fold")
    table.add_column("source", no_wrap=True)
    table.add_column("note", overflow="fold")
    for value in view.values:
        table.add_row(
            value.period, format_value(value.value), ", ".join([value.confidence, *value.flags]),
            value.source, value.note or "",
        )  # fmt: skip
    return whole_words(table, console.width)


@data_app.command("show")
def show(
    series: Annotated[str, typer.Argument(help="Series id, e.g. coa.occupancy (see 'data list').")],
    as_json: JsonOption = False,
) -> None:
    """Show a series' registry entry, its sources and all its values."""
    with reported_input_errors():
        view = service.show_series(series)
    if as_json:
        _print_json(view)
        return
    console.print(_entry_table(view.info))
    if view.info.url:
        print_path("url", view.info.url)
    console.print(_sources_table(view.info))
    _print_addresses(view.info)
    console.print(_values_table(view))


def _pairs(values: Sequence[str], option: str) -> dict[str, str]:
    """Parse repeated ``NAME=VALUE`` options into a mapping; a malformed one is a usage error."""
    pairs: dict[str, str] = {}
    for text in values:
        name, sep, value = text.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise typer.BadParameter(f"expected NAME=VALUE, got {text!r}", param_hint=option)
        pairs[name.strip()] = value.strip()
    return pairs


@data_app.command("import-cbs")
def import_cbs(
    file: Annotated[Path, typer.Argument(help="CBS StatLine CSV export (';'-separated).")],
    table: Annotated[str, typer.Option(help="StatLine table id, e.g. 83102NED.")],
    column: Annotated[
        list[str],
        typer.Option(
            help="TOPIC_COLUMN=SERIES_ID, repeatable, e.g. EersteAsielverzoekenPersonen_2=cbs.first"
        ),
    ],
    where: Annotated[
        list[str] | None,
        typer.Option(
            help="DIMENSION=CODE to keep one code of a dimension, repeatable, e.g. Geslacht=T001038"
        ),
    ] = None,
    unit: Annotated[
        str | None, typer.Option(help="Unit of new series (default: as published by CBS).")
    ] = None,
    kind: KindOption = "flow",
) -> None:
    """Import columns of a CBS StatLine CSV export into the statistics store."""
    chosen = chosen_kind(kind)
    columns = _pairs(column, "--column")
    filters = _pairs(where or [], "--where")
    with reported_input_errors():
        summary = service.import_cbs(file, table, columns, filters, unit=unit, kind=chosen)
    print_import(file, summary)


def chosen_kind(kind: str) -> Kind:
    """The series kind named by ``--kind``; another word is a usage error."""
    chosen = KINDS.get(kind)
    if chosen is None:
        raise typer.BadParameter(f"one of {', '.join(KINDS)}", param_hint="--kind")
    return chosen


def print_import(file: Path, summary: ImportSummary) -> None:
    """The series an import added to or created, with their number of values, and where it is stored."""
    result = Table(title=f"Imported {file.name} as source {summary.source_key}")
    result.add_column("series", no_wrap=True)
    result.add_column("values", justify="right")
    result.add_column("status")
    for series_id, count in summary.values.items():
        result.add_row(series_id, str(count), "new series" if series_id in summary.new_series else "added to")
    console.print(result)
    print_path("Stored in", summary.directory)


@data_app.command("import-eurostat")
def import_eurostat(
    file: Annotated[
        Path, typer.Argument(help="Eurostat TSV bulk download (tab-separated, e.g. migr_asyappctzm).")
    ],
    dataset: Annotated[str, typer.Option(help="Eurostat dataset code, e.g. migr_asyappctzm.")],
    series: Annotated[
        str, typer.Option(help="Series id to store the selected row as, e.g. eurostat.nl_first")
    ],
    where: Annotated[
        list[str],
        typer.Option(help="DIMENSION=CODE, repeatable, together selecting one row, e.g. geo=NL"),
    ],
    unit: Annotated[
        str | None, typer.Option(help="Unit of a new series (default: as published by Eurostat).")
    ] = None,
    kind: KindOption = "flow",
) -> None:
    """Import one row of a Eurostat TSV bulk download (e.g. asylum applicants) into the statistics store."""
    chosen = chosen_kind(kind)
    filters = _pairs(where, "--where")
    with reported_input_errors():
        summary = service.import_eurostat(file, dataset, series, filters, unit=unit, kind=chosen)
    print_import(file, summary)
