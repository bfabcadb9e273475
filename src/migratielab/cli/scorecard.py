"""``migratielab scorecard``, ``compare-plans`` and ``find-plan``: the integral trade-off of migration plans.

Exit codes: 0 done; 1 no plan meets the limits (the answer names the limits that conflict);
2 bad input (nothing is written).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from migratielab.analysis.planfinder import load_limits
from migratielab.cli.common import (
    DelayedProgress,
    console,
    print_path,
    report_language,
    reported_input_errors,
    whole_words,
)
from migratielab.errors import InputError
from migratielab.models.variables import Language
from migratielab.presentation.catalogue import text
from migratielab.presentation.scenarios import scenario_name
from migratielab.presentation.scorecard import (
    Table as Rows,
)
from migratielab.presentation.scorecard import (
    caveat_lines,
    comparison_table,
    finder_table,
    robust_rule,
    scorecard_table,
    share_lines,
)
from migratielab.scenario import Scenario, bundled_scenario_names, bundled_scenario_path, load_scenario
from migratielab.service.finder import FinderResult, find_plans, finder_records
from migratielab.service.scorecard import compare_plans, comparison_records, scorecard, scorecard_records

NO_PLAN_EXIT_CODE = 1
Lang = Annotated[str, typer.Option("--lang", help="Language of tables and reports: nl (default) or en")]


def scenario_argument(path: str, runs: int | None, seed: int | None) -> Scenario:
    """A scenario file (or bundled name) with optional runs and seed."""
    chosen = Path(path)
    if not chosen.is_file() and path in bundled_scenario_names():
        chosen = bundled_scenario_path(path)
    scenario = load_scenario(chosen)
    update = {key: value for key, value in (("runs", runs), ("seed", seed)) if value is not None}
    return scenario.model_copy(update=update)


def _print(title: str, rows: Rows, note: str = "", grouped: bool = False) -> None:
    """Print a table of the scorecard presentation, fitted to the terminal without cutting a word or a
    number; ``grouped``: the first column (the pillar group) becomes a heading row over its entries."""
    header, body = rows
    table = Table(title=title, caption=note or None)
    text_columns = 2 if grouped else 3
    for index, name in enumerate(header[1:] if grouped else header):
        table.add_column(name, justify="left" if index < text_columns else "right", overflow="fold")
    group = None
    for row in body:
        if grouped and row[0] != group:
            group = row[0]
            table.add_row(f"[bold]{group}[/]", end_section=False)
        table.add_row(*(row[1:] if grouped else row))
    console.print(whole_words(table, console.width))


def _json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=1, default=float))


def _checked_report(report: Path | None) -> None:
    if report is not None and not report.parent.is_dir():
        raise InputError(
            "--report", "report", f"a file in an existing folder ({report.parent} does not exist)"
        )


Runs = Annotated[int | None, typer.Option(min=1, max=100_000, help="Runs (futures); default: the scenario's")]
Seed = Annotated[int | None, typer.Option(min=0, help="Seed; default: the scenario's")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table")]
Report = Annotated[Path | None, typer.Option(help="Write a self-contained HTML report")]


def scorecard_command(
    scenario: Annotated[str, typer.Argument(help="Scenario YAML (or a bundled scenario name)")],
    runs: Runs = None,
    seed: Seed = None,
    as_json: AsJson = False,
    report: Report = None,
    lang: Lang = "nl",
) -> None:
    """One integral scorecard (humanitarian, social, economic) of a scenario, with 5-95% bands."""
    with reported_input_errors():
        chosen = report_language(lang)
        card = scorecard(scenario_argument(scenario, runs, seed))
    if as_json:
        _json(
            {"scenario": card.scenario.name, "runs": card.scenario.runs, "entries": scorecard_records(card)}
        )
    else:
        _print(
            text("scorecard.title", chosen, name=scenario_name(card.scenario, chosen)),
            scorecard_table(card, chosen),
            "\n".join(caveat_lines(card.results, chosen)),
            grouped=True,
        )
    if report is not None:
        from migratielab.report.scorecard import write_scorecard_report

        report.parent.mkdir(parents=True, exist_ok=True)
        write_scorecard_report(report, card, chosen)
        if not as_json:
            print_path("Report", report)


def compare_plans_command(
    plans: Annotated[list[str], typer.Argument(help="2 to 4 scenario YAML files (or bundled names)")],
    runs: Runs = None,
    seed: Seed = None,
    as_json: AsJson = False,
    report: Report = None,
    lang: Lang = "nl",
) -> None:
    """Plans side by side on the same futures; differences robust across runs are marked."""
    with reported_input_errors():
        chosen = report_language(lang)
        comparison = compare_plans([scenario_argument(plan, runs, seed) for plan in plans])
    if as_json:
        _json(comparison_records(comparison))
    else:
        _print(
            text("compare.title", chosen),
            comparison_table(comparison, chosen),
            "\n".join([robust_rule(chosen), *caveat_lines(comparison.scorecards[0].results, chosen)]),
            grouped=True,
        )
    if report is not None:
        from migratielab.report.scorecard import write_comparison_report

        report.parent.mkdir(parents=True, exist_ok=True)
        write_comparison_report(report, comparison, chosen)


def _write_plans(folder: Path, result: FinderResult) -> None:
    import yaml

    folder.mkdir(parents=True, exist_ok=True)
    for number, plan in enumerate(result.plans, start=1):
        content = plan.scenario.model_dump(by_alias=True, exclude_none=True, mode="json")
        (folder / f"plan_{number}.yaml").write_text(
            yaml.safe_dump(content, sort_keys=False), encoding="utf-8"
        )


def _print_finder(result: FinderResult, lang: Language) -> None:
    summary = text(
        "finder.search",
        lang,
        plans=result.evaluated,
        futures=result.spec.futures,
        rows=result.rows,
        seconds=f"{result.seconds:.0f}",
        found=len(result.plans),
    )
    console.print(summary, highlight=False)
    if result.diagnosis is not None:
        console.print(f"[bold]{text('finder.none', lang)}[/] {result.diagnosis.message}", highlight=False)
        return
    _print(text("finder.title", lang), finder_table(result, lang))
    for key, shares in (("finder.binding", result.binding), ("finder.edges", result.edges)):
        console.print(f"{text(key, lang)}: " + ("; ".join(share_lines(shares, lang)) or "–"), highlight=False)


def find_plan_command(
    limits: Annotated[
        Path, typer.Argument(help="Limits YAML: base scenario, channel bands, limits, objectives")
    ],
    as_json: AsJson = False,
    report: Report = None,
    write_plans: Annotated[
        Path | None, typer.Option(help="Folder to write each plan found as a scenario YAML")
    ] = None,
    lang: Lang = "nl",
) -> None:
    """Search plans within the bands that meet the limits in the stated share of futures (NSGA-II/III)."""
    with reported_input_errors():
        chosen = report_language(lang)
        spec = load_limits(limits)
        with DelayedProgress("searching plans"):
            result = find_plans(spec, limits)
    if as_json:
        _json(finder_records(result))
    else:
        _print_finder(result, chosen)
    if report is not None:
        from migratielab.report.scorecard import write_finder_report

        report.parent.mkdir(parents=True, exist_ok=True)
        write_finder_report(report, result, chosen)
    if write_plans is not None and result.plans:
        _write_plans(write_plans, result)
    if result.diagnosis is not None:
        raise typer.Exit(NO_PLAN_EXIT_CODE)


def register(app: typer.Typer) -> None:
    """Add ``scorecard``, ``compare-plans`` and ``find-plan`` to ``app``."""
    app.command("scorecard")(scorecard_command)
    app.command("compare-plans")(compare_plans_command)
    app.command("find-plan")(find_plan_command)
