"""Errors that reach users: each names the file, the key path and what was expected."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class InputError(ValueError):
    """A scenario, parameter, experiment or data file that cannot be used as given."""

    def __init__(self, source: str | Path, key: str, expected: str) -> None:
        self.source = str(source)
        self.key = key
        self.expected = expected
        where = f"{self.source}: {key}" if key else self.source
        super().__init__(f"{where}: {expected}")

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str, str]]:
        """Rebuild from the three parts, so the error crosses process boundaries intact."""
        return (type(self), (self.source, self.key, self.expected))


class RefusedOutcomeError(InputError):
    """Valid inputs that together drive the model somewhere it cannot follow (a population that runs
    out): the message names the inputs; the dashboard words it in the page's language."""


class ConservationError(RuntimeError):
    """A stock-flow identity or non-negativity check failed inside a model step."""


class InfeasibleRunError(ConservationError):
    """The inputs drive a stock below zero or to a value that is not finite: the model cannot follow
    them (a population that runs out, shares that leave nobody), as opposed to a balance that fails."""


@contextmanager
def refused_outcomes(source: str, inputs: str) -> Iterator[None]:
    """Turn an InfeasibleRunError inside the block into an InputError naming ``source`` and the ``inputs``
    that caused it (exit 2 in the CLI, 422 in the API)."""
    try:
        yield
    except InfeasibleRunError as error:
        raise RefusedOutcomeError(
            source, inputs, f"inputs under which every stock stays finite and non-negative ({error})"
        ) from None
