"""Parameters with provenance: YAML files validated on load, every value sourced or marked estimate.

A parameter file looks like::

    parameters:
      ter_apel_capacity:
        description: Agreed maximum number of people at the Ter Apel application centre
        unit: persons
        value: 2000
        reference:
          publisher: Gemeente Westerwolde / COA
          title: Bestuursovereenkomst aanmeldcentrum Ter Apel
          date: 2022-04
        uncertainty: {distribution: uniform, low: 1800, high: 2200}

A value is a number or a list of numbers; ``values`` gives dated values keyed by year instead.
Without a ``reference`` a parameter must say ``estimate: true`` and give its ``reasoning``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
from pydantic import BeforeValidator, Field, model_validator

from migratielab.errors import InputError
from migratielab.limits import check_parameter_value, check_share_groups
from migratielab.yamlio import Strict, load_model

ParamValue = float | list[float]
DateText = Annotated[str, BeforeValidator(str)]


class Reference(Strict):
    """Where a figure comes from: publisher, document or table, and its date."""

    publisher: str
    title: str
    date: DateText
    table: str | None = None
    url: str | None = None
    note: str | None = None


class UncertaintyRange(Strict):
    """A range for a parameter, with the distribution used when sampling it."""

    distribution: Literal["uniform", "triangular", "normal", "lognormal"]
    low: float
    high: float
    mode: float | None = None

    @model_validator(mode="after")
    def _check_bounds(self) -> UncertaintyRange:
        if self.low > self.high:
            raise ValueError(f"low ({self.low}) must not exceed high ({self.high})")
        if self.distribution == "triangular" and self.mode is None:
            raise ValueError("a triangular distribution needs a mode")
        if self.mode is not None and not self.low <= self.mode <= self.high:
            raise ValueError(f"mode ({self.mode}) must lie between low and high")
        return self


class Parameter(Strict):
    """One model parameter with description, unit, value(s) and provenance."""

    description: str
    unit: str
    value: ParamValue | None = None
    values: dict[int, ParamValue] | None = Field(
        default=None, min_length=1, description="dated values keyed by the year from which they apply"
    )
    reference: Reference | None = None
    estimate: bool = False
    reasoning: str | None = None
    uncertainty: UncertaintyRange | None = None

    @model_validator(mode="after")
    def _check_provenance(self) -> Parameter:
        if (self.value is None) == (self.values is None):
            raise ValueError("give exactly one of 'value' or 'values'")
        given = [self.value] if self.values is None else list(self.values.values())
        if any(isinstance(value, list) and not value for value in given):
            raise ValueError("a list value needs at least one number")
        if self.reference is None and not self.estimate:
            raise ValueError("a parameter without 'reference' must say 'estimate: true'")
        if self.estimate and not self.reasoning:
            raise ValueError("an estimate must give its 'reasoning'")
        return self

    def at(self, year: int | None = None) -> ParamValue:
        """The value in force in ``year`` (the latest dated value not after it)."""
        if self.value is not None:
            return self.value
        assert self.values is not None
        years = sorted(self.values)
        if year is None:
            return self.values[years[-1]]
        applicable = [y for y in years if y <= year] or years[:1]
        return self.values[applicable[-1]]


class ParameterFile(Strict):
    """The top level of a parameter YAML file."""

    parameters: dict[str, Parameter]


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """A hint naming up to three known names close to ``name`` (empty if none is close)."""
    close = difflib.get_close_matches(name, list(known), n=3)
    return f" (did you mean {', '.join(close)}?)" if close else ""


class ParameterSet(Mapping[str, Parameter]):
    """An immutable mapping of parameter names to parameters, with helpers for model code."""

    def __init__(self, parameters: Mapping[str, Parameter], sources: tuple[str, ...] = ()) -> None:
        self._parameters = dict(parameters)
        self.sources = sources

    def __getitem__(self, name: str) -> Parameter:
        try:
            return self._parameters[name]
        except KeyError:
            raise KeyError(f"unknown parameter {name!r}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._parameters)

    def __len__(self) -> int:
        return len(self._parameters)

    def scalar(self, name: str, year: int | None = None) -> float:
        """A parameter that must be a single number."""
        value = self[name].at(year)
        if isinstance(value, list):
            raise TypeError(f"parameter {name!r} is a list, expected a number")
        return float(value)

    def vector(self, name: str, year: int | None = None) -> np.ndarray:
        """A parameter as a 1-D float array (a number becomes a length-1 array)."""
        return np.atleast_1d(np.asarray(self[name].at(year), dtype=float))

    def with_values(self, overrides: Mapping[str, ParamValue], source: str = "override") -> ParameterSet:
        """A copy with some values replaced; unknown names, values of the wrong shape or outside the
        parameter's limits and share groups above 1 raise InputError."""
        updated = dict(self._parameters)
        for name, value in overrides.items():
            if name not in updated:
                raise InputError(source, name, f"a known parameter name{did_you_mean(name, updated)}")
            check_override(name, updated[name], value, source, name)
            updated[name] = updated[name].model_copy(update={"value": value, "values": None})
        result = ParameterSet(updated, self.sources)
        result.check_share_groups(source)
        return result

    def largest(self, name: str) -> float:
        """The largest number a parameter takes (over its dated values and list items)."""
        parameter = self[name]
        values = [parameter.value] if parameter.values is None else list(parameter.values.values())
        return max(float(np.max(np.asarray(value, dtype=float))) for value in values)

    def check_share_groups(self, source: str) -> None:
        """InputError if the largest values of a group of shares of one whole sum above 1."""
        check_share_groups({name: self.largest(name) for name in self}, source)


def check_override(name: str, default: Parameter, value: ParamValue, source: str, key: str) -> None:
    """InputError unless ``value`` has the shape of the default (a number, or a list of as many
    numbers) and lies in the parameter's limits (``migratielab.limits``)."""
    current = default.at()
    if isinstance(current, list) != isinstance(value, list) or (
        isinstance(current, list) and isinstance(value, list) and len(current) != len(value)
    ):
        shape = f"a list of {len(current)} numbers" if isinstance(current, list) else "a single number"
        raise InputError(source, key, f"{shape} ({default.unit}), like the default")
    check_parameter_value(name, default.unit, value, source, key)


def load_parameter_file(path: str | Path) -> ParameterSet:
    """Load and validate one parameter file."""
    parsed = load_model(path, ParameterFile)
    return ParameterSet(parsed.parameters, (str(path),))


@cache
def default_parameters(module: str) -> ParameterSet:
    """The bundled default parameters of a model module (e.g. ``"asylum"``)."""
    resource = resources.files("migratielab.params").joinpath(f"{module}.yaml")
    with resources.as_file(resource) as path:
        return load_parameter_file(path)


def load_parameter_overrides(path: str | Path, module: str) -> ParameterSet:
    """The module's defaults with the parameters defined in ``path`` replacing them.

    Each parameter in the file is validated in full (description, unit, value, provenance);
    a name the module does not have is an InputError naming the file and key.
    """
    loaded = load_parameter_file(path)
    defaults = default_parameters(module)
    for name, parameter in loaded.items():
        if name not in defaults:
            hint = did_you_mean(name, defaults)
            raise InputError(path, f"parameters.{name}", f"a parameter of the {module} module{hint}")
        key = f"parameters.{name}.{'value' if parameter.values is None else 'values'}"
        for value in [parameter.value] if parameter.values is None else parameter.values.values():
            assert value is not None
            check_override(name, defaults[name], value, str(path), key)
    merged = ParameterSet({**defaults, **loaded}, (*defaults.sources, str(path)))
    merged.check_share_groups(str(path))
    return merged
