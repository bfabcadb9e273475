"""The integral scorecard: a catalogue of indicators (data, ``scorecard.yaml``) reduced from pillar outputs.

Each catalogue entry names registered variables (``models/variables.py``), how to reduce them to
one value per run (value at a year, sum, mean, maximum or mean yearly change over a window of
years, optionally a ratio), its group (humanitarian, social, economic) and its CBS Monitor Brede
Welvaart theme (hier en nu, later, elders). Which direction is better comes from the registry.

Pillar outputs are passed as a mapping of datasets: ``"asylum"`` (monthly, dims ``run, time``),
``"asylum.indicators"`` (dims ``run``), ``"population"`` (dims ``run, year``) and, once their
pillars exist, ``"labour"`` or ``"municipal"`` (with an extra dimension, summed unless selected).
Entries of a pillar that did not run are reported as missing, not computed.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

import numpy as np
import xarray as xr
import yaml
from pydantic import Field, model_validator

from migratielab.errors import InputError
from migratielab.models.variables import Better, Kind, Language, Unit, Variable, lookup, unit, units
from migratielab.yamlio import SAFE_LOADER, Strict, validate_mapping

Group = Literal["humanitarian", "social", "economic"]
Theme = Literal["hier_en_nu", "later", "elders"]
GROUPS: tuple[Group, ...] = ("humanitarian", "social", "economic")
THEMES: tuple[Theme, ...] = ("hier_en_nu", "later", "elders")
CATALOGUE_FILE = "analysis/scorecard.yaml"
QUANTILES = (0.05, 0.5, 0.95)
TIME_DIMS = ("run", "time", "year")


class Reduce(Strict):
    """How a variable becomes one value per run: ``value`` of a scalar indicator, or over years."""

    how: Literal["value", "at", "sum", "mean", "max", "change"]
    year: int | Literal["end"] | None = Field(None, description="for at: the year (1 January for stocks)")
    first: int | None = Field(None, description="first year of the window (default: the first year)")
    last: int | None = Field(None, description="last year of the window (default: the last year)")

    @model_validator(mode="after")
    def _check(self) -> Reduce:
        if (self.how == "at") != (self.year is not None):
            raise ValueError("reduce.year is needed with how: at, and only then")
        if self.how in ("value", "at") and (self.first is not None or self.last is not None):
            raise ValueError(f"first/last make no sense with how: {self.how}")
        if self.first is not None and self.last is not None and self.last < self.first:
            raise ValueError("last must not precede first")
        return self


class Entry(Strict):
    """One scorecard indicator (see the header of ``scorecard.yaml`` for the fields)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,59}$")
    group: Group
    theme: Theme
    variables: list[str] = Field(min_length=1)
    per: list[str] = Field(default_factory=list)
    per_series: str | None = None
    select: dict[str, list[str]] = Field(default_factory=dict)
    reduce: Reduce
    unit: str | None = None
    display_unit: str | None = None
    display_scale: float = Field(1.0, gt=0)
    parameters: list[str] = Field(default_factory=list)
    nl: str = Field(min_length=1)
    en: str = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> Entry:
        registered = [_registered(key) for key in (*self.variables, *self.per)]
        indicator = [entry.kind == Kind.INDICATOR for entry in registered]
        if any(indicator) and (self.reduce.how != "value" or not all(indicator)):
            raise ValueError("scalar indicators take reduce how: value, and do not mix with time series")
        if self.reduce.how == "value" and not all(indicator):
            raise ValueError("how: value is for scalar indicators (pillar.indicators.name)")
        for code in (self.unit, self.display_unit):
            if code is not None and code not in units():
                raise ValueError(f"unknown unit {code!r} (see models/units.yaml)")
        return self

    def label(self, language: Language) -> str:
        """The entry's label in ``language``."""
        return self.nl if language == "nl" else self.en

    @property
    def registered(self) -> list[Variable]:
        """The registry entries of ``variables``."""
        return [lookup(key) for key in self.variables]

    @property
    def better(self) -> Better:
        """The better direction, from the registry (the first variable)."""
        return self.registered[0].better

    @property
    def pillars(self) -> set[str]:
        """Pillars whose outputs the entry needs."""
        return {lookup(key).pillar for key in (*self.variables, *self.per)}

    @property
    def result_unit(self) -> Unit:
        """The unit of the computed values."""
        return unit(self.unit) if self.unit else self.registered[0].unit

    @property
    def shown_unit(self) -> Unit:
        """The unit tables show (values / ``display_scale``)."""
        if self.display_unit:
            return unit(self.display_unit)
        first = self.registered[0]
        same = self.unit is None or self.unit == first.unit.code
        return first.shown_unit if same and first.display_unit else self.result_unit

    @property
    def shown_scale(self) -> float:
        """Divisor from computed values to shown values."""
        if self.display_unit:
            return self.display_scale
        first = self.registered[0]
        same = self.unit is None or self.unit == first.unit.code
        return first.display_scale if same and first.display_unit else 1.0


def _registered(key: str) -> Variable:
    try:
        return lookup(key)
    except KeyError as error:
        raise ValueError(str(error.args[0])) from None


class Catalogue(Strict):
    """The scorecard's indicators, in the order faces show them."""

    indicators: list[Entry] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Catalogue:
        ids = [entry.id for entry in self.indicators]
        doubles = sorted({name for name in ids if ids.count(name) > 1})
        if doubles:
            raise ValueError(f"indicator ids must be unique; repeated: {', '.join(doubles)}")
        return self

    def entry(self, entry_id: str, source: str | Path = CATALOGUE_FILE) -> Entry:
        """One entry by id; InputError naming the nearest ids if unknown."""
        for entry in self.indicators:
            if entry.id == entry_id:
                return entry
        known = [entry.id for entry in self.indicators]
        nearest = difflib.get_close_matches(entry_id, known, n=3)
        hint = f"did you mean {', '.join(nearest)}?" if nearest else f"known: {', '.join(known)}"
        raise InputError(source, entry_id, f"unknown scorecard indicator; {hint}")


@cache
def catalogue() -> Catalogue:
    """The bundled catalogue (``analysis/scorecard.yaml``), validated."""
    text = resources.files("migratielab.analysis").joinpath("scorecard.yaml").read_text(encoding="utf-8")
    return validate_mapping(yaml.load(text, Loader=SAFE_LOADER), Catalogue, CATALOGUE_FILE)


def yearly(data: xr.DataArray, kind: Kind) -> xr.DataArray:
    """Monthly values made yearly (flows summed over the calendar year, stocks at December)."""
    if "time" not in data.dims:
        return data
    grouped = data.groupby(data["time"].dt.year)
    result = grouped.sum() if kind == Kind.FLOW else grouped.last()
    return result


def variable_per_year(
    datasets: Mapping[str, xr.Dataset], key: str, select: dict[str, list[str]] | None = None
) -> xr.DataArray:
    """One registered variable per run (and year), extra dimensions selected and summed (monthly
    values made yearly by ``yearly``)."""
    entry = lookup(key)
    source = f"{entry.pillar}.indicators" if entry.kind == Kind.INDICATOR else entry.pillar
    data = datasets[source][entry.name]
    for dim, keep in (select or {}).items():
        if dim in data.dims:
            data = data.sel({dim: keep})
    extra = [dim for dim in data.dims if dim not in TIME_DIMS]
    if extra:
        data = data.sum(extra, skipna=False)
    return yearly(data, entry.kind)


def _window(data: xr.DataArray, reduce: Reduce, years: Sequence[int]) -> xr.DataArray:
    """The yearly values over the reduction's window (default: ``years``)."""
    first = reduce.first if reduce.first is not None else years[0]
    last = reduce.last if reduce.last is not None else years[-1]
    return data.sel(year=[year for year in data["year"].values.tolist() if first <= year <= last])


def reduce_values(data: xr.DataArray, reduce: Reduce, years: Sequence[int]) -> np.ndarray:
    """One value per run (run,): ``reduce`` applied over the years of ``data`` (see ``Reduce``)."""
    if reduce.how == "value":
        return np.asarray(data.to_numpy(), dtype=float)
    if reduce.how == "at":
        year = years[-1] if reduce.year == "end" else reduce.year
        return np.asarray(data.sel(year=year).to_numpy(), dtype=float)
    window = _window(data, reduce, years)
    if window.sizes["year"] == 0:
        raise KeyError("no year of the window lies in the scenario's horizon")
    if reduce.how == "sum":
        return np.asarray(window.sum("year", skipna=False).to_numpy(), dtype=float)
    if reduce.how == "mean":
        return np.asarray(window.mean("year", skipna=False).to_numpy(), dtype=float)
    if reduce.how == "max":
        return np.asarray(window.max("year", skipna=False).to_numpy(), dtype=float)
    span = int(window["year"][-1] - window["year"][0])
    change = window.isel(year=-1) - window.isel(year=0)
    return np.asarray(change.to_numpy() / max(span, 1), dtype=float)


def entry_values(
    entry: Entry,
    datasets: Mapping[str, xr.Dataset],
    years: Sequence[int],
    denominator: float | None = None,
) -> np.ndarray:
    """The entry's value per run (run,) in its result unit.

    ``denominator`` is the latest value of ``per_series`` (the caller reads the statistics store).
    A ratio whose denominator is zero in a run is NaN in that run.
    """
    total = sum(variable_per_year(datasets, key, entry.select) for key in entry.variables)
    values = reduce_values(total, entry.reduce, years)  # type: ignore[arg-type]
    if entry.per:
        below = sum(variable_per_year(datasets, key, entry.select) for key in entry.per)
        under = reduce_values(below, entry.reduce, years)  # type: ignore[arg-type]
        values = np.divide(values, under, out=np.full_like(values, np.nan), where=under != 0)
    if denominator is not None:
        values = values / denominator
    return values


MissingKind = Literal["pillars", "horizon"]
"""Why a scorecard entry has no values: a pillar did not run, or a year is outside the horizon."""


@dataclass(frozen=True)
class EntryResult:
    """One scorecard line: the entry and its values per run (None: its pillar did not run)."""

    entry: Entry
    values: np.ndarray | None
    missing: str | None = None
    reason: tuple[MissingKind, str] | None = None
    """Why the values are missing, for the faces to word: the kind and its detail (the absent pillars
    joined with ``, ``, or the horizon ``2025-2049``)."""

    def quantile(self, q: float) -> float | None:
        """A quantile over runs that have a value (None when there is none)."""
        if self.values is None:
            return None
        finite = self.values[np.isfinite(self.values)]
        return float(np.quantile(finite, q)) if finite.size else None


ROBUST_SHARE = 0.9
"""A difference is robust when the plan is on the same side of the reference in at least this share of
the paired futures (same run id, same seed: the same inflow future and the same demographic draws)."""


@dataclass(frozen=True)
class Difference:
    """A plan against the reference plan on one entry, paired run by run.

    ``share_higher``/``share_lower``: share of runs in which the plan's value is higher/lower;
    ``verdict``: ``better``/``worse`` (by the registry's direction) or ``higher``/``lower`` for a
    neutral entry when robust (share >= ``ROBUST_SHARE``), else ``None``.
    """

    median: float | None
    p5: float | None
    p95: float | None
    share_higher: float | None
    share_lower: float | None
    verdict: str | None


def paired_difference(better: Better, reference: np.ndarray, plan: np.ndarray) -> Difference:
    """The plan minus the reference per run (runs where both are finite), and whether it is robust."""
    both = np.isfinite(reference) & np.isfinite(plan)
    difference = plan[both] - reference[both]
    if difference.size == 0:
        return Difference(None, None, None, None, None, None)
    higher, lower = float(np.mean(difference > 0)), float(np.mean(difference < 0))
    p5, median, p95 = (float(v) for v in np.quantile(difference, QUANTILES))
    verdict = None
    if higher >= ROBUST_SHARE:
        verdict = {Better.HIGHER: "better", Better.LOWER: "worse"}.get(better, "higher")
    elif lower >= ROBUST_SHARE:
        verdict = {Better.HIGHER: "worse", Better.LOWER: "better"}.get(better, "lower")
    return Difference(median, p5, p95, higher, lower, verdict)
