"""Command-line verbs of explorations: ``explore EXPERIMENT.yaml`` and ``runs list`` / ``runs show ID``."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.markup import escape
from rich.table import Table

from migratielab.analysis.discovery import MissingDependencyError
from migratielab.cli.common import (
    BAD_INPUT_EXIT_CODE,
    MODEL_ERROR_EXIT_CODE,
    DelayedProgress,
    console,
    error_console,
    print_path,
    reported_input_errors,
    whole_words,
)
from migratielab.experiments.backends import BackendName
from migratielab.experiments.run import DEFAULT_CHUNK_SIZE
from migratielab.experiments.schema import load_experiment
from migratielab.models.variables import Variable, outcome_variable
from migratielab.presentation.exploration import analysis_cell, column_heading, outcome_label
from migratielab.presentation.formatting import (
    counted_en,
    format_number,
    format_range,
    unit_label,
)
from migratielab.report.explore import exploration_report
from migratielab.service import explore as service

runs_app = typer.Typer(help="Browse stored explorations.", no_args_is_help=True)
StoreOption = Annotated[
    Path | None,
    typer.Option(help="Exploration store folder; default: the folder explorations in $MIGRATIELAB_HOME"),
]


def register(app: typer.Typer) -> None:
    """Add ``explore`` and the ``runs`` sub-commands to the main app."""
    app.command("explore")(explore)
    app.add_typer(runs_app, name="runs")


RANGE_COLUMNS = ("median", "p5", "p95")
"""Columns shown together as ``median [p5 – p95]`` so that an outcome table fits 80 columns."""


def outcome_cells(record: Mapping[Hashable, Any]) -> tuple[str, str, str]:
    """An outcome row's label, ``median [p5 – p95]`` in the outcome's shown unit, and that unit."""
    name = str(record.get("outcome", ""))
    entry = outcome_variable(name)
    median, low, high = (float(record[column]) for column in RANGE_COLUMNS)
    if entry is None:
        values = [format_number(value, "en") for value in (median, low, high)]
        return name, f"{values[0]} [{values[1]} – {values[2]}]", ""
    return outcome_label(name, "en"), format_range(median, low, high, entry, "en"), unit_label(entry, "en")


def cell(column: Hashable, value: object, entry: Variable | None = None) -> str:
    """One cell of an analysis table (``presentation.exploration.analysis_cell``), outcome names with
    their shown unit in brackets (the CLI's tables have no unit column)."""
    shown = analysis_cell(column, value, entry, "en")
    if column == "outcome" and entry is not None:
        return f"{shown} ({unit_label(entry, 'en')})"
    return shown


def frame_to_table(frame: pd.DataFrame, title: str) -> Table:
    """A Rich table of a frame that fits the terminal: numbers formatted compactly and never cut,
    outcomes by label and year, headings wrapping between words; a ``futures`` column that is the
    same in every row goes into the title. Outcome tables (median, p5, p95) show ``median [p5 – p95]``
    in the outcome's unit, and the unit."""
    if "futures" in frame.columns and frame["futures"].nunique() == 1:
        title = f"{title} ({int(frame['futures'].iloc[0]):,} futures)"
        frame = frame.drop(columns="futures")
    table = Table(title=title)
    if "outcome" in frame.columns and all(column in frame.columns for column in RANGE_COLUMNS):
        others = [c for c in frame.columns if c not in (*RANGE_COLUMNS, "outcome", "mean")]
        for column in [*others, "outcome", "median [5% – 95%]", "unit"]:
            table.add_column(str(column), overflow="fold")
        for record in frame.to_dict("records"):
            table.add_row(*(cell(c, record[c]) for c in others), *outcome_cells(record))
    else:
        for column in frame.columns:
            numeric = pd.api.types.is_numeric_dtype(frame[column])
            label = column_heading(column, "en")
            table.add_column(label, justify="right" if numeric else "left", overflow="fold")
        for record in frame.to_dict("records"):
            entry = outcome_variable(str(record["outcome"])) if "outcome" in record else None
            table.add_row(*(cell(column, value, entry) for column, value in record.items()))
    return whole_words(table, console.width)


def explore(
    experiment_file: Annotated[Path, typer.Argument(help="Experiment YAML (see experiments/)")],
    backend: Annotated[BackendName, typer.Option(help="Where chunks run")] = "inprocess",
    workers: Annotated[int, typer.Option(help="Local processes or Dask workers", min=1)] = 2,
    scheduler: Annotated[
        str | None, typer.Option(help="Dask scheduler address, e.g. tcp://HOST:8786 (implies dask)")
    ] = None,
    chunk_size: Annotated[int, typer.Option(help="Runs per vectorised chunk", min=1)] = DEFAULT_CHUNK_SIZE,
    store: StoreOption = None,
    size: Annotated[int | None, typer.Option(help="Override the sampler size", min=1)] = None,
) -> None:
    """Run an experiment over its futures and policies; print a summary and write an HTML report."""
    with reported_input_errors():
        experiment = load_experiment(experiment_file)
        if size is not None:
            sampler = experiment.sampler.model_validate({**experiment.sampler.model_dump(), "size": size})
            experiment = experiment.model_copy(update={"sampler": sampler})
    console.print(
        f"[bold]{experiment.name}[/]: {experiment.sampler.kind} sample, {experiment.combine} design"
    )
    try:
        with reported_input_errors(), DelayedProgress("Exploring") as progress:
            manifest = service.explore(
                experiment, backend, workers, scheduler, chunk_size, store, progress=progress
            )
    except MissingDependencyError as error:
        error_console.print(f"[bold red]error:[/] {escape(str(error))}", highlight=False)
        raise typer.Exit(BAD_INPUT_EXIT_CODE) from None
    except service.NoRunSucceededError as error:
        error_console.print(f"[bold red]error:[/] {escape(str(error))}", highlight=False, soft_wrap=True)
        raise typer.Exit(MODEL_ERROR_EXIT_CODE) from None
    show_summary(manifest.id, store)
    view = service.show_exploration(manifest.id, store)
    report = exploration_report(view.folder / "report.html", view.manifest, view.summaries, view.tables)
    console.print(
        f"Exploration {manifest.id}: {counted_en(manifest.runs, 'run')} in {manifest.wall_seconds:.1f} s"
    )
    print_path("Report", report)


def show_summary(exploration_id: str, store: Path | None) -> None:
    """Print the outcome, robustness and PRIM tables of an exploration."""
    view = service.show_exploration(exploration_id, store)
    titles = {"outcomes": "Outcomes over futures", "robustness": "Share of futures meeting thresholds"}
    for name, title in (*titles.items(), ("regret", "Regret"), ("prim", "PRIM boxes of failure")):
        if not view.tables[name].empty:
            console.print(frame_to_table(view.tables[name], title))
    if view.manifest.failed:
        failed = counted_en(view.manifest.failed, "run")
        console.print(f"[yellow]{failed} failed; see runs.parquet (status, reason)[/]")


@runs_app.command("list")
def list_runs(store: StoreOption = None) -> None:
    """List stored explorations, newest first."""
    manifests = service.list_explorations(store)
    unfinished = service.interrupted_explorations(store)
    if not manifests and not unfinished:
        console.print("No explorations stored yet.")
        return
    table = Table(title="Explorations")
    for column in ("id", "runs (failed)", "sampler, backend, time"):
        table.add_column(column)
    for item in manifests:
        table.add_row(
            item.id,
            f"{item.runs:,} ({item.failed:,})",
            f"{item.sampler}, {item.backend}, {item.wall_seconds:.1f} s",
        )
    for folder, state in unfinished.items():
        table.add_row(folder.name, "-", f"[yellow]{state}[/]")
    whole_words(table, console.width)
    console.print(table)
    if "interrupted" in unfinished.values():
        console.print(
            "Interrupted explorations cannot be resumed; `migratielab runs clean` removes their folders."
        )


@runs_app.command("clean")
def clean(store: StoreOption = None) -> None:
    """Remove the folders of interrupted explorations (killed before they were catalogued)."""
    removed = service.clean_explorations(store)
    console.print(f"Removed {len(removed)} interrupted exploration folder{'s' if len(removed) != 1 else ''}.")


@runs_app.command("show")
def show(
    exploration_id: Annotated[str, typer.Argument(help="An id from `runs list`")], store: StoreOption = None
) -> None:
    """Show one exploration: manifest and analysis tables."""
    with reported_input_errors():
        view = service.show_exploration(exploration_id, store)
    manifest = view.manifest
    console.print(
        f"[bold]{manifest.id}[/] ({manifest.name}): {counted_en(manifest.runs, 'run')}, "
        f"{manifest.failed:,} failed, {manifest.sampler} size {manifest.size}, seed {manifest.seed}, "
        f"{manifest.backend}, {manifest.wall_seconds:.1f} s, migratielab {manifest.code_version}"
    )
    print_path("Folder", view.folder)
    show_summary(exploration_id, store)
