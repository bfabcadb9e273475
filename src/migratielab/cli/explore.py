"""Command-line verbs (placeholder until the module lands)."""

import typer


def register(app: typer.Typer) -> None:
    """Add this module's verbs to ``app``."""
