"""Progress of a long computation, reported as a fraction done to whoever asked for it.

The server's simulation pool sets a reporter around each computation in its workers and shows the
fraction on the pages that wait (``api.pool``); a loop reports its steps with ``current()`` and
nested parts of a computation narrow the range with ``stage``. Without a reporter nothing happens.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

Reporter = Callable[[float], None]
"""Receives the fraction done, 0 to 1."""


@dataclass(frozen=True)
class Span:
    """The active reporter and the part of the whole (fractions ``low`` to ``high``) now computed."""

    reporter: Reporter
    low: float = 0.0
    high: float = 1.0


ACTIVE: ContextVar[Span | None] = ContextVar("migratielab_progress", default=None)


@contextmanager
def reporting(reporter: Reporter) -> Iterator[None]:
    """Report the progress of everything computed inside the block to ``reporter``."""
    token = ACTIVE.set(Span(reporter))
    try:
        yield
    finally:
        ACTIVE.reset(token)


@contextmanager
def stage(low: float, high: float) -> Iterator[None]:
    """Inside the block, 0-1 progress means ``low``-``high`` of the enclosing part (fractions)."""
    span = ACTIVE.get()
    if span is None:
        yield
        return
    width = span.high - span.low
    token = ACTIVE.set(Span(span.reporter, span.low + width * low, span.low + width * high))
    try:
        yield
    finally:
        ACTIVE.reset(token)


def current() -> Callable[[int, int], None] | None:
    """A ``(done, total)`` step callback for the active part, or None when nobody listens."""
    span = ACTIVE.get()
    if span is None:
        return None

    def report(done: int, total: int) -> None:
        span.reporter(span.low + (span.high - span.low) * done / max(total, 1))

    return report
