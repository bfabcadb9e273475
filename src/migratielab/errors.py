"""Errors that reach users: each names the file, the key path and what was expected."""

from __future__ import annotations

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
        return (InputError, (self.source, self.key, self.expected))


class ConservationError(RuntimeError):
    """A stock-flow identity or non-negativity check failed inside a model step."""
