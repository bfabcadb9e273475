"""The variable registry: every model variable's unit, kind, dimensions, labels and hierarchical name.

Each pillar lists its variables in ``models/<pillar>/variables.yaml``; units are listed once in
``models/units.yaml``. Results, tables, reports, the API and the dashboard take units and labels
from here only. An entry looks like::

    emergency_occupancy:
      iamc: Reception|Occupancy|Emergency
      unit: persons
      kind: stock
      better: lower
      nl: Mensen in noodopvang van het COA
      en: People in COA emergency places

``dims`` defaults to the pillar's ``dims`` (e.g. ``[run, time]``); ``kind`` is ``stock`` (a level at
the end of a period), ``flow`` (an amount per period) or ``indicator`` (one value per run).
"""

from __future__ import annotations

import difflib
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from migratielab.errors import InputError
from migratielab.yamlio import SAFE_LOADER

Language = Literal["nl", "en"]
PILLARS = ("asylum", "population", "labour", "municipal")
"""Pillars with a registry, in the order faces list them."""


class Kind(StrEnum):
    """How a variable aggregates over time."""

    STOCK = "stock"
    FLOW = "flow"
    INDICATOR = "indicator"


class Better(StrEnum):
    """Which direction of a variable is better for the people concerned (neutral: no judgement)."""

    HIGHER = "higher"
    LOWER = "lower"
    NEUTRAL = "neutral"


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Unit(_Frozen):
    """A unit with its Dutch and English name, and an optional display scale for tables and charts."""

    code: str
    nl: str
    en: str

    def label(self, language: Language) -> str:
        """The unit's name in ``language``."""
        return self.nl if language == "nl" else self.en


class Variable(_Frozen):
    """One registered model variable."""

    name: str
    pillar: str
    iamc: str = Field(description="hierarchical name, IAMC style (Reception|Occupancy|Emergency)")
    unit: Unit
    kind: Kind
    dims: tuple[str, ...]
    better: Better
    nl: str
    en: str
    display_unit: Unit | None = Field(None, description="unit shown in tables (values / display_scale)")
    display_scale: float = 1.0
    observed: str | None = Field(None, description="statistics-store series observing this variable")
    derived: bool = Field(False, description="computed from the pillar's outputs, not by its step")

    def label(self, language: Language) -> str:
        """The variable's label in ``language``."""
        return self.nl if language == "nl" else self.en

    @property
    def shown_unit(self) -> Unit:
        """The unit tables and charts show (values divided by ``display_scale``)."""
        return self.display_unit or self.unit

    @property
    def key(self) -> str:
        """The qualified name: ``pillar.name``, or ``pillar.indicators.name`` for an indicator."""
        section = ".indicators" if self.kind == Kind.INDICATOR else ""
        return f"{self.pillar}{section}.{self.name}"


class _Entry(_Frozen):
    iamc: str
    unit: str
    kind: Kind
    better: Better = Better.NEUTRAL
    nl: str
    en: str
    dims: tuple[str, ...] | None = None
    display_unit: str | None = None
    display_scale: float = Field(1.0, gt=0)
    observed: str | None = None
    derived: bool = False


class _PillarFile(_Frozen):
    pillar: str
    dims: tuple[str, ...]
    variables: dict[str, _Entry]
    indicators: dict[str, _Entry] = Field(default_factory=dict)


class _UnitFile(_Frozen):
    units: dict[str, dict[Language, str]]


def _package_yaml(package: str, name: str) -> object:
    return yaml.load(resources.files(package).joinpath(name).read_text(encoding="utf-8"), Loader=SAFE_LOADER)


@cache
def units() -> dict[str, Unit]:
    """Every unit by code (from ``models/units.yaml``)."""
    parsed = _UnitFile.model_validate(_package_yaml("migratielab.models", "units.yaml"))
    return {code: Unit(code=code, nl=names["nl"], en=names["en"]) for code, names in parsed.units.items()}


def unit(code: str) -> Unit:
    """The unit with this code; KeyError naming the nearest codes if unknown."""
    known = units()
    if code not in known:
        raise KeyError(_unknown("unit", code, list(known)))
    return known[code]


@cache
def _pillar_file(pillar: str) -> _PillarFile:
    if pillar not in PILLARS:
        raise KeyError(_unknown("pillar", pillar, list(PILLARS)))
    return _PillarFile.model_validate(_package_yaml(f"migratielab.models.{pillar}", "variables.yaml"))


def _entries(
    pillar: str, section: str, entries: dict[str, _Entry], dims: tuple[str, ...]
) -> dict[str, Variable]:
    """Registry entries with their units resolved; InputError naming the file and key if a unit is unknown."""
    variables = {}
    for name, entry in entries.items():
        try:
            variables[name] = Variable(
                name=name,
                pillar=pillar,
                iamc=entry.iamc,
                unit=unit(entry.unit),
                kind=entry.kind,
                dims=entry.dims or dims,
                better=entry.better,
                nl=entry.nl,
                en=entry.en,
                display_unit=unit(entry.display_unit) if entry.display_unit else None,
                display_scale=entry.display_scale,
                observed=entry.observed,
                derived=entry.derived,
            )
        except KeyError as error:
            raise InputError(
                f"models/{pillar}/variables.yaml", f"{section}.{name}", str(error.args[0])
            ) from None
    return variables


@cache
def registry(pillar: str) -> dict[str, Variable]:
    """The time-series variables of one pillar by name (from ``models/<pillar>/variables.yaml``)."""
    parsed = _pillar_file(pillar)
    return _entries(pillar, "variables", parsed.variables, parsed.dims)


@cache
def indicators(pillar: str) -> dict[str, Variable]:
    """The scalar indicators per run of one pillar by name (dims ``(run,)``)."""
    return _entries(pillar, "indicators", _pillar_file(pillar).indicators, ("run",))


def variable(pillar: str, name: str) -> Variable:
    """One variable of a pillar; KeyError naming the nearest names if unknown."""
    variables = registry(pillar)
    if name not in variables:
        raise KeyError(_unknown(f"{pillar} variable", name, list(variables)))
    return variables[name]


def indicator(pillar: str, name: str) -> Variable:
    """One scalar indicator of a pillar; KeyError naming the nearest names if unknown."""
    entries = indicators(pillar)
    if name not in entries:
        raise KeyError(_unknown(f"{pillar} indicator", name, list(entries)))
    return entries[name]


def lookup(key: str) -> Variable:
    """A variable or indicator by its qualified name (``asylum.in_chain``) or its IAMC name."""
    every = all_variables()
    for entry in every:
        if key in (entry.key, entry.iamc):
            return entry
    raise KeyError(_unknown("variable", key, [entry.key for entry in every]))


def outcome_variable(name: str) -> Variable | None:
    """The registered variable behind an outcome name: an asylum indicator or ``pillar.variable@year``."""
    reference = name.split("@")[0]
    if "." not in reference:
        return indicators("asylum").get(name)
    pillar, variable_name = reference.split(".", 1)
    return registry(pillar).get(variable_name) if pillar in PILLARS else None


def all_variables() -> list[Variable]:
    """Every registered variable and indicator of every pillar."""
    return [
        entry
        for pillar in PILLARS
        for entries in (registry(pillar), indicators(pillar))
        for entry in entries.values()
    ]


def _unknown(what: str, name: str, known: list[str]) -> str:
    nearest = difflib.get_close_matches(name, known, n=3)
    hint = f"; did you mean {', '.join(nearest)}?" if nearest else f"; known: {', '.join(sorted(known)[:12])}"
    return f"unknown {what} {name!r}{hint}"
