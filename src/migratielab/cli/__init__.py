"""The ``migratielab`` command line: each module registers its verbs on one Typer app."""

from __future__ import annotations

import typer

from migratielab.cli import asylum, data, explore, labour, municipal, project, scorecard, web

app = typer.Typer(
    name="migratielab",
    help="Integrated, fact-based modelling of Dutch migration policy.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for module in (asylum, data, project, explore, web, municipal, labour, scorecard):
    module.register(app)
