"""``migratielab serve`` (API and dashboard) and ``migratielab report`` (the "State of migration" report)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from migratielab.cli.common import (
    RunsOverride,
    console,
    print_path,
    report_language,
    reported_input_errors,
)
from migratielab.report.state import write_state_report
from migratielab.scenario import bundled_scenario_path, load_scenario


def register(app: typer.Typer) -> None:
    """Add ``serve`` and ``report`` to the main app."""
    app.command("serve")(serve)
    app.command("report")(report)


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (127.0.0.1: local only)")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on", min=1, max=65535)] = 8000,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(help="Host name clients may use besides the loopback names, repeatable ('*': any)"),
    ] = None,
) -> None:
    """Serve the JSON API (docs at /docs) and the dashboard (Dutch; English with ?lang=en)."""
    import uvicorn

    from migratielab.api import Settings, create_app
    from migratielab.api.guards import LOOPBACK_HOSTS

    settings = Settings(allowed_hosts=(*LOOPBACK_HOSTS, *(allow_host or [])))

    console.print(f"migratielab dashboard on http://{host}:{port}/  (API docs: http://{host}:{port}/docs)")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")


def report(
    scenario_file: Annotated[
        Path | None, typer.Argument(help="Scenario YAML; default: the bundled policy comparison")
    ] = None,
    out: Annotated[Path, typer.Option(help="HTML file to write")] = Path("output/state-of-migration.html"),
    lang: Annotated[str, typer.Option(help="Language: nl (default) or en")] = "nl",
    runs: RunsOverride = None,
) -> None:
    """Write the self-contained "State of migration" report: observed figures, scorecard and fan charts."""
    chosen = report_language(lang)
    with reported_input_errors():
        scenario = load_scenario(scenario_file or bundled_scenario_path())
    if runs is not None:
        scenario = scenario.model_copy(update={"runs": runs})
    with console.status("Simulating the scenario's policies"):
        path = write_state_report(out, scenario, chosen)
    print_path("Report", path)
