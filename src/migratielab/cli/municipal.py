"""``migratielab municipalities``: the municipal monitor, one municipality, the Spreidingswet, experiments.

Every table shows values after disclosure control (see ``analysis.disclosure``); suppressed cells
are ``·`` and rounded counts are marked in the JSON flags.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from migratielab.analysis import disclosure
from migratielab.cli.common import fits, print_path, report_language, reported_input_errors, whole_words
from migratielab.files import atomic_path
from migratielab.presentation import municipal as faces
from migratielab.report.municipal import write_municipal_report
from migratielab.scenario import MunicipalSection, Scenario, load_scenario
from migratielab.service import municipal

app = typer.Typer(help="Municipalities: housing of status holders, reception spreading, civic integration.")
SHOWN = ("task", "housed", "realisation_share", "passed", "pass_rate", "reception_places", "ses_estimate")
SUPPRESSED = "·"
NARROW_MINIMUM = 6
"""Columns the monitor keeps however narrow the terminal: code, name, province (as headings), task,
housed and realisation share."""
Runs = Annotated[int, typer.Option(min=1, max=2_000, help="Ensemble size")]
ScenarioFile = Annotated[
    Path | None, typer.Option("--scenario", help="Scenario YAML (asylum + municipal sections)")
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON")]


def _scenario(path: Path | None, runs: int) -> Scenario:
    """The scenario of the command: a file with its municipal section, or the default."""
    if path is None:
        return municipal.default_scenario(runs)
    scenario = load_scenario(path)
    return scenario.model_copy(update={"runs": runs, "municipal": scenario.municipal or MunicipalSection()})


def _cell(value: object) -> str:
    if isinstance(value, float):
        return SUPPRESSED if math.isnan(value) else (f"{value:.2f}" if abs(value) < 10 else f"{value:,.0f}")
    return str(value)


def _note() -> str:
    """The disclosure-control rule, as printed under every municipal table."""
    return (
        f"Disclosure control: counts < {disclosure.MIN_COUNT} suppressed ({SUPPRESSED}), others rounded to "
        f"{disclosure.ROUND_TO}; rates need >= {disclosure.MIN_DENOMINATOR} persons; one more cell per "
        "province suppressed where a single one would be revealed; medians of similar municipalities "
        f"need >= {disclosure.MIN_GROUP} of them; the backlog (a balance, not a count) is rounded to "
        f"{disclosure.ROUND_TO} and suppressed with the persons housed. Boundaries and population: CBS, "
        "Kadaster."
    )


def _monitor_table(title: str, frame: pd.DataFrame, columns: tuple[str, ...], grouped: bool) -> Table:
    """The monitor as a table; ``grouped`` (for narrow terminals): by province, each under a heading row
    (no province column), no padding at the table's edges."""
    table = Table(title=title, pad_edge=not grouped)
    shown = [column for column in columns if not (grouped and column == "province")]
    for column in shown:
        table.add_column(
            column.replace("_", " "), justify="left" if column in ("code", "name", "province") else "right"
        )
    rows = frame.sort_values("province", kind="stable") if grouped else frame
    province = None
    for _, row in rows.iterrows():  # rows of a printed table
        if grouped and row["province"] != province:
            province = row["province"]
            table.add_row("", f"[bold]{province}[/]")
        table.add_row(*(_cell(row[column]) for column in shown))
    return table


def _print(console: Console, title: str, frame: pd.DataFrame, columns: tuple[str, ...]) -> None:
    """Print the monitor so that codes, names and figures stay whole: in a narrow terminal grouped by
    province and, if still too wide, without the last columns (a caption names them)."""
    kept = list(columns)
    table = _monitor_table(title, frame, columns, grouped=False)
    while not fits(table, console.width) and len(kept) >= NARROW_MINIMUM:
        table = _monitor_table(title, frame, tuple(kept), grouped=True)
        left_out = [column.replace("_", " ") for column in columns if column not in kept]
        if left_out:
            table.caption = f"Not shown at this terminal width: {', '.join(left_out)} (see --json or --csv)"
        kept.pop()
    console.print(whole_words(table, console.width))
    console.print(_note())


@app.command("list")
def list_municipalities(
    province: Annotated[str | None, typer.Option(help="Only this province")] = None,
    scenario: ScenarioFile = None,
    runs: Runs = municipal.DEFAULT_RUNS,
    csv: Annotated[
        Path | None, typer.Option(help="Write every column (after disclosure control) as CSV")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """The municipal monitor: one row per municipality (means over runs; flows per year over the horizon)."""
    with reported_input_errors():
        parsed = _scenario(scenario, runs)
        shown, flags = municipal.protected_frame(municipal.raw_frame(municipal.run(parsed)))
        if province is not None:
            keep = shown["province"].str.lower() == province.lower()
            shown, flags = shown[keep], flags[keep]
        if csv is not None:
            marked = shown.join(flags.add_suffix("_flag"))
            with atomic_path(csv) as temporary:
                marked.to_csv(temporary, index=False)
    if as_json:
        typer.echo(json.dumps(municipal.records(shown, flags), ensure_ascii=False))
    else:
        _print(Console(), f"Municipal monitor: {parsed.name}", shown, ("code", "name", "province", *SHOWN))


@app.command("show")
def show(
    municipality: Annotated[str, typer.Argument(help="CBS code (GM0363, 363) or name")],
    scenario: ScenarioFile = None,
    runs: Runs = municipal.DEFAULT_RUNS,
    as_json: AsJson = False,
) -> None:
    """One municipality next to the median of similar municipalities (size class and urbanity)."""
    with reported_input_errors():
        position = municipal.find(municipality)
        raw = municipal.raw_frame(municipal.run(_scenario(scenario, runs)))
        shown, flags = municipal.protected_frame(raw)
        peers = municipal.benchmarks(raw).iloc[position]
    row = shown.iloc[position]
    if as_json:
        record = municipal.records(shown.iloc[[position]], flags.iloc[[position]])[0]
        record["peers_median"] = json.loads(peers.to_json())
        typer.echo(json.dumps(record, ensure_ascii=False))
        return
    table = Table(
        title=f"{row['name']} ({row['code']}), {row['province']}: "
        f"{faces.size_label(str(row['size_class']), 'en')}, "
        f"urbanity {faces.urbanity_label(row['urbanity'], 'en')}"
    )
    for column in ("variable", "value", "peers: median per 1,000 inhabitants (counts) or value (rates)"):
        table.add_column(column, justify="right")
    for name in municipal.MONITOR_COLUMNS:
        table.add_row(name, _cell(row[name]), _cell(float(peers[name])) if name in peers else "")
    console = Console()
    console.print(table)
    console.print(_note())


@app.command("spreading")
def spreading(as_json: AsJson = False) -> None:
    """The Spreidingswet key: provincial totals from the key next to the published targets."""
    frame = municipal.spreading_table()
    if as_json:
        typer.echo(frame.reset_index(names="code").to_json(orient="records", force_ascii=False))
        return
    table = Table(
        title="Spreidingswet, first cycle: places per province",
        caption="key: the sum of the estimated municipal numbers, equal to the published total by "
        "construction (the provincial SES level is calibrated to it), so no check",
    )
    for column in ("code", *frame.columns):
        table.add_column(column, justify="right")
    for code, row in frame.iterrows():
        table.add_row(str(code), *(_cell(value) for value in row))
    Console().print(table)


@app.command("backtest")
def backtest(runs: Runs = 200, as_json: AsJson = False) -> None:
    """National half-yearly housing task and realisation: observed against modelled."""
    frame = municipal.backtest(runs)
    if as_json:
        typer.echo(frame.to_json(orient="records"))
        return
    table = Table(title="Housing of status holders per half-year: observed and modelled")
    for column in frame.columns:
        table.add_column(column.replace("_", " "), justify="right")
    for _, row in frame.iterrows():
        table.add_row(*(_cell(value) for value in row))
    Console().print(table)


@app.command("experiments")
def experiments(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML with municipal.experiments")],
    runs: Runs = municipal.DEFAULT_RUNS,
    as_json: AsJson = False,
) -> None:
    """Local experiments against a matched set of similar municipalities (per 1,000 inhabitants),
    after disclosure control (a cell built from a small count or base is suppressed)."""
    with reported_input_errors():
        comparisons = municipal.compare_experiments(municipal.run(_scenario(scenario, runs)))
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {
                        "name": c.name,
                        "members": c.members,
                        "matched": c.matched,
                        "outcomes": json.loads(c.outcomes.to_json(orient="index")),
                        "disclosure": {
                            outcome: {k: v for k, v in marks.items() if v}
                            for outcome, marks in c.flags.to_dict(orient="index").items()
                            if any(marks.values())
                        },
                    }
                    for c in comparisons
                ]
            )
        )
        return
    console = Console()
    for comparison in comparisons:
        table = Table(
            title=f"{comparison.name}: {', '.join(comparison.members)} vs {', '.join(comparison.matched)}"
        )
        for column in ("outcome", *comparison.outcomes.columns):
            table.add_column(column, justify="right")
        for name, row in comparison.outcomes.iterrows():
            table.add_row(str(name), *(SUPPRESSED if math.isnan(value) else f"{value:.3g}" for value in row))
        console.print(table)
    console.print(_note())


@app.command("report")
def report(
    out: Annotated[Path, typer.Option(help="HTML file to write")] = Path("output/municipal.html"),
    lang: Annotated[str, typer.Option(help="Language: nl (default) or en")] = "nl",
    scenario: ScenarioFile = None,
    runs: Runs = municipal.DEFAULT_RUNS,
    backtest_runs: Annotated[int, typer.Option(min=1, max=2_000, help="Runs of the backtest")] = 200,
) -> None:
    """Write the self-contained municipal monitor report: maps, benchmarks, Spreidingswet, backtest,
    local experiments; every figure about persons after disclosure control."""
    chosen = report_language(lang)
    with reported_input_errors():
        result = municipal.run(_scenario(scenario, runs))
    console = Console()
    with console.status("Writing the municipal report"):
        path = write_municipal_report(out, result, backtest_runs, chosen)
    print_path("Report", path, console)


def register(root: typer.Typer) -> None:
    """Add the ``municipalities`` verbs to the root app."""
    root.add_typer(app, name="municipalities")
