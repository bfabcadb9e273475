"""Shared command-line plumbing: clear messages and exit code 2 for bad input, delayed progress bars."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from migratielab import limits
from migratielab.errors import ConservationError, InputError
from migratielab.models.variables import Language
from migratielab.presentation.catalogue import LANGUAGES

console = Console()
error_console = Console(stderr=True)
BAD_INPUT_EXIT_CODE = 2
MODEL_ERROR_EXIT_CODE = 1
RunsOverride = Annotated[
    int | None,
    typer.Option(
        "--runs",
        help="Override the scenario's ensemble size",
        min=int(limits.RUNS.low),
        max=int(limits.RUNS.high),
    ),
]
"""The ``--runs`` option of verbs that run a scenario file, capped by the shared limit."""


def report_language(lang: str) -> Language:
    """The ``--lang`` of a report, checked: a clear message and exit code 2 when unsupported."""
    if lang not in LANGUAGES:
        error_console.print(f"[bold red]error:[/] --lang must be one of {', '.join(LANGUAGES)}, not {lang!r}")
        raise typer.Exit(BAD_INPUT_EXIT_CODE)
    return "nl" if lang == "nl" else "en"


@contextmanager
def reported_input_errors() -> Iterator[None]:
    """Turn an InputError into one clear message on stderr and exit code 2, a failed model identity
    into a message and exit code 1 (never a traceback)."""
    try:
        yield
    except InputError as error:
        error_console.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
        raise typer.Exit(BAD_INPUT_EXIT_CODE) from None
    except ConservationError as error:
        error_console.print(
            f"[bold red]model error:[/] {error} (nothing was written; please report this with the input)",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(MODEL_ERROR_EXIT_CODE) from None


class DelayedProgress:
    """A progress bar that appears only when the work has taken more than ``delay`` seconds."""

    def __init__(self, description: str, delay: float = 1.0) -> None:
        self.description = description
        self.delay = delay
        self.started = time.perf_counter()
        self.progress: Progress | None = None
        self.task: TaskID | None = None

    def __call__(self, done: int, total: int) -> None:
        """Record progress; show the bar once the delay has passed."""
        if self.progress is None:
            if time.perf_counter() - self.started < self.delay:
                return
            self.progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.percentage:>3.0f}%"),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=error_console,
                transient=True,
            )
            self.progress.start()
            self.task = self.progress.add_task(self.description, total=total)
        assert self.task is not None
        self.progress.update(self.task, completed=done, total=total)

    def __enter__(self) -> DelayedProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()
