"""Shared command-line plumbing: clear messages and exit code 2 for bad input, delayed progress bars."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console, RenderableType
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

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
        error_console.print(
            f"[bold red]error:[/] --lang must be one of {', '.join(LANGUAGES)}, not {escape(repr(lang))}"
        )
        raise typer.Exit(BAD_INPUT_EXIT_CODE)
    return "nl" if lang == "nl" else "en"


def _plain_lines(items: Iterable[RenderableType]) -> list[str]:
    """Every line of the given headers or cells as plain text (markup removed; other renderables skipped)."""
    return [
        line for item in items if isinstance(item, str) for line in Text.from_markup(item).plain.split("\n")
    ]


def _frame_width(table: Table) -> int:
    """Characters of a table row that are not column content: borders and cell padding."""
    _, right, _, left = table.padding
    count = len(table.columns)
    borders = (count - 1 + (2 if table.show_edge else 0)) if table.box else 0
    padding = (left + right) * count - (0 if table.pad_edge else left + right)
    return borders + padding


def _widen(widths: list[int], targets: list[int], spare: int) -> int:
    """Share ``spare`` characters evenly among the columns narrower than their target (in place);
    return what is left."""
    while spare > 0 and (growing := [i for i, w in enumerate(widths) if w < targets[i]]):
        share = max(spare // len(growing), 1)
        for index in growing:
            step = min(share, targets[index] - widths[index], spare)
            widths[index] += step
            spare -= step
    return spare


def _longest_words(table: Table) -> list[int]:
    """Per column, the length of its longest word (header or cell)."""
    return [
        max(
            (len(word) for line in _plain_lines([column.header, *column.cells]) for word in line.split()),
            default=0,
        )
        for column in table.columns
    ]


def fits(table: Table, width: int) -> bool:
    """Whether ``table`` fits ``width`` characters with every word, id and number whole."""
    return sum(_longest_words(table)) + _frame_width(table) <= width


def whole_words(table: Table, width: int) -> Table:
    """Fit ``table`` into ``width`` characters without cutting a word, id or number short.

    Each column gets at least its longest word (in its header or a cell; a number is one word); the
    width left goes first to cells that would wrap (names, ranges), then to headings, shared evenly,
    so text wraps between words. When even the longest words do not fit, the table is left to Rich
    (which then shortens cells): the CLI's tables are laid out so that they fit 80 columns."""
    cells = [_plain_lines(column.cells) for column in table.columns]
    headers = [_plain_lines([column.header]) for column in table.columns]
    shortest = _longest_words(table)
    widest = [max((len(line) for line in c + h), default=0) for c, h in zip(cells, headers, strict=True)]
    room = width - _frame_width(table)
    if sum(widest) <= room or sum(shortest) > room:
        return table
    widths = list(shortest)
    spare = _widen(widths, [max((len(line) for line in c), default=0) for c in cells], room - sum(widths))
    _widen(widths, widest, spare)
    for column, chosen in zip(table.columns, widths, strict=True):
        column.width = chosen
    return table


def print_path(label: str, path: Path | str, target: Console | None = None) -> None:
    """Print ``label: path`` on one line that is never wrapped, cut or highlighted, so that the path
    can be copied whole from a terminal of any width (the terminal, not Rich, folds a long line)."""
    (target or console).print(f"{label}: {path}", soft_wrap=True, markup=False, highlight=False)


@contextmanager
def reported_input_errors() -> Iterator[None]:
    """Turn an InputError into one clear message on stderr and exit code 2, a failed model identity
    into a message and exit code 1 (never a traceback)."""
    try:
        yield
    except InputError as error:
        error_console.print(f"[bold red]error:[/] {escape(str(error))}", highlight=False, soft_wrap=True)
        raise typer.Exit(BAD_INPUT_EXIT_CODE) from None
    except ConservationError as error:
        error_console.print(
            f"[bold red]model error:[/] {escape(str(error))} "
            "(nothing was written; please report this with the input)",
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
