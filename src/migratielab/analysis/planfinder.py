"""The plan finder's question and its answers, as pure functions over values (plans x futures).

A limits file states targets and limits on scorecard entries (``at_least``/``at_most`` to hold in at
least ``share`` of the futures), objectives to optimise (the median over futures), and the bands
within which each immigration channel (persons per year) and each per-run asylum lever may move.

A limit ``at_least X in share p`` holds for a plan on ``n`` futures when at least ``k`` futures reach
``X``, i.e. its ``k``-th largest value is at least ``X``; its margin is that value minus ``X``, relative
to ``max(|X|, 1)``, so the optimiser sees how far a plan is from holding. With ``confidence`` c
(default 0.9) ``k`` is the smallest count that a plan whose true share is only ``p`` would reach
with probability at most ``1 - c`` (binomial), so plans found on ``n`` futures keep the limit on
other futures; with ``confidence: 0``, ``k = ceil(p n)``.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import Field, model_validator
from scipy.stats import binom

from migratielab.analysis.scorecard import catalogue
from migratielab.models.population.projection import INFLOWS
from migratielab.models.variables import Better
from migratielab.yamlio import Strict, load_model

MAX_LEVEL = 2_000_000.0
BIND_TOLERANCE = 0.05
"""A limit binds a plan when its margin is at most this share of the range of that limit's margins
over every plan evaluated (a limit no lever moves never binds)."""
EDGE_TOLERANCE = 0.01
"""A channel sits at the edge of its band when within 1% of the band's width from it."""


class LevelBand(Strict):
    """The band within which a channel or lever may move (persons per year for channels)."""

    low: float = Field(ge=0, le=MAX_LEVEL)
    high: float = Field(ge=0, le=MAX_LEVEL)

    @model_validator(mode="after")
    def _ordered(self) -> LevelBand:
        if self.low > self.high:
            raise ValueError(f"low ({self.low}) must not exceed high ({self.high})")
        return self


def _known_indicator(entry_id: str) -> str:
    ids = [entry.id for entry in catalogue().indicators]
    if entry_id not in ids:
        nearest = difflib.get_close_matches(entry_id, ids, n=3)
        hint = f"did you mean {', '.join(nearest)}?" if nearest else f"known: {', '.join(ids)}"
        raise ValueError(f"unknown scorecard indicator {entry_id!r}; {hint}")
    return entry_id


class Limit(Strict):
    """A target or limit on a scorecard entry that must hold in at least ``share`` of the futures."""

    indicator: str
    at_least: float | None = None
    at_most: float | None = None
    share: float = Field(0.9, gt=0, le=1, description="share of futures in which the limit must hold")

    @model_validator(mode="after")
    def _one_bound(self) -> Limit:
        _known_indicator(self.indicator)
        if (self.at_least is None) == (self.at_most is None):
            raise ValueError("give exactly one of at_least and at_most")
        bound = self.at_least if self.at_least is not None else self.at_most
        if bound is not None and not math.isfinite(bound):
            raise ValueError("the bound must be a finite number")
        return self

    @property
    def bound(self) -> float:
        """The limit's value."""
        return float(self.at_least if self.at_least is not None else self.at_most)  # type: ignore[arg-type]

    @property
    def name(self) -> str:
        """A readable statement of the limit."""
        word = "at least" if self.at_least is not None else "at most"
        return f"{self.indicator} {word} {self.bound:g} in {self.share:.0%} of futures"


class Objective(Strict):
    """A scorecard entry to optimise (its median over futures); direction defaults to the registry's."""

    indicator: str
    direction: Literal["maximise", "minimise"] | None = None

    @model_validator(mode="after")
    def _direction(self) -> Objective:
        better = catalogue().entry(_known_indicator(self.indicator)).better
        if self.direction is None and better == Better.NEUTRAL:
            raise ValueError(f"{self.indicator} has no better direction in the registry; give direction")
        return self

    @property
    def sign(self) -> float:
        """+1 to minimise, -1 to maximise (pymoo minimises)."""
        direction = self.direction or (
            "maximise" if catalogue().entry(self.indicator).better == Better.HIGHER else "minimise"
        )
        return -1.0 if direction == "maximise" else 1.0


class Search(Strict):
    """Size of the search: plans per generation, generations, algorithm."""

    population: int = Field(16, ge=4, le=200)
    generations: int = Field(8, ge=1, le=200)
    algorithm: Literal["nsga2", "nsga3"] = "nsga2"


class PlanLimits(Strict):
    """A plan-finder question (a ``find-plan`` limits file)."""

    scenario: str = Field(
        min_length=1, description="base scenario: a file (relative to this file) or a bundled name"
    )
    futures: int = Field(30, ge=2, le=2000, description="futures (runs) every plan is evaluated on")
    seed: int | None = Field(None, ge=0, description="seed of the futures (default: the scenario's)")
    end_year: int | None = Field(
        None, ge=2011, le=2099, description="last simulated year (default: the scenario's)"
    )
    channels: dict[str, LevelBand] = Field(min_length=1, description="immigration channel -> band")
    policy: dict[str, LevelBand] = Field(
        default_factory=dict,
        description="per-run asylum lever (e.g. staffing.fte) -> band; checked by the finder",
    )
    limits: list[Limit] = Field(default_factory=list)
    objectives: list[Objective] = Field(min_length=1, max_length=6)
    search: Search = Field(default_factory=Search)
    confidence: float = Field(0.9, ge=0, lt=1, description="see needed_futures")

    @model_validator(mode="after")
    def _distinct(self) -> PlanLimits:
        for name in self.channels:
            if name not in INFLOWS:
                raise ValueError(f"unknown channel {name!r}; channels: {', '.join(INFLOWS)}")
        names = [objective.indicator for objective in self.objectives]
        if len(set(names)) != len(names):
            raise ValueError("objectives must name different indicators")
        return self


def load_limits(path: str | Path) -> PlanLimits:
    """Load and validate a limits file (InputError naming file, key and expectation)."""
    return load_model(path, PlanLimits)


def needed_futures(futures: int, share: float, confidence: float) -> int:
    """Futures (of ``futures``) in which a limit must hold so that its share is at least ``share``
    with the given confidence (binomial test; all futures when even that is not enough)."""
    plain = max(1, math.ceil(share * futures - 1e-9))
    if confidence <= 0:
        return plain
    counts = np.arange(plain, futures + 1)
    enough = counts[binom.sf(counts - 1, futures, share) <= 1.0 - confidence]
    return int(enough[0]) if enough.size else futures


def limit_margins(values: np.ndarray, limit: Limit, needed: int) -> np.ndarray:
    """Margin per plan (plans,) of a limit over values (plans, futures); >= 0 where it holds in at
    least ``needed`` futures. NaN values count as futures in which the limit does not hold."""
    scale = max(abs(limit.bound), 1.0)
    if limit.at_least is not None:
        ordered = -np.sort(-np.where(np.isnan(values), -np.inf, values), axis=1)
        reached = ordered[:, needed - 1]
        margin = (reached - limit.bound) / scale
    else:
        ordered = np.sort(np.where(np.isnan(values), np.inf, values), axis=1)
        margin = (limit.bound - ordered[:, needed - 1]) / scale
    return np.nan_to_num(margin, neginf=-1e6, posinf=1e6)


def share_met(values: np.ndarray, limit: Limit) -> np.ndarray:
    """Share of futures (plans,) in which the limit holds (NaN counts as not holding)."""
    holds = values >= limit.bound if limit.at_least is not None else values <= limit.bound
    return np.asarray(np.mean(holds & ~np.isnan(values), axis=-1), dtype=float)


@dataclass(frozen=True)
class Diagnosis:
    """Why no plan met every limit: limits unreachable alone, or pairs never met together."""

    unreachable: list[str]
    conflicts: list[tuple[str, str]]
    message: str


def diagnose(margins: np.ndarray, limits: list[Limit], evaluated: int) -> Diagnosis:
    """Name the limits that conflict, from the margins (plans, limits) of every plan evaluated."""
    holds = margins >= 0
    unreachable = [limit.name for j, limit in enumerate(limits) if not holds[:, j].any()]
    if unreachable:
        best = {limit.name: float(margins[:, j].max()) for j, limit in enumerate(limits)}
        detail = "; ".join(f"{name} (best margin {best[name]:+.1%} of the bound)" for name in unreachable)
        message = (
            f"no plan within the bands meets these limits even alone ({evaluated} plans tried): {detail}"
        )
        return Diagnosis(unreachable, [], message)
    pairs = [
        (limits[i].name, limits[j].name)
        for i, j in combinations(range(len(limits)), 2)
        if not (holds[:, i] & holds[:, j]).any()
    ]
    if pairs:
        detail = "; ".join(f"{a} <-> {b}" for a, b in pairs)
        message = f"each limit can be met, but these pairs never together ({evaluated} plans tried): {detail}"
    else:
        message = f"every pair of limits can be met, but not all together ({evaluated} plans tried)"
    return Diagnosis([], pairs, message)


def binding(found: np.ndarray, evaluated: np.ndarray, limits: list[Limit]) -> dict[str, float]:
    """Share of the found plans (margins ``found`` (plans, limits)) in which each limit binds: its
    margin is within ``BIND_TOLERANCE`` of the range of margins over all ``evaluated`` plans."""
    if found.shape[0] == 0:
        return {}
    span = evaluated.max(axis=0) - evaluated.min(axis=0)
    binds = (span > 0) & (found <= BIND_TOLERANCE * span)
    return {limit.name: float(np.mean(binds[:, j])) for j, limit in enumerate(limits)}


def at_edges(levels: np.ndarray, bands: list[LevelBand], names: list[str]) -> dict[str, float]:
    """Share of the given plans (plans, levers) that sit at the low or high edge of each band."""
    shares = {}
    for k, (band, name) in enumerate(zip(bands, names, strict=True)):
        width = max(band.high - band.low, 1e-9)
        low = np.mean(levels[:, k] - band.low <= EDGE_TOLERANCE * width)
        high = np.mean(band.high - levels[:, k] <= EDGE_TOLERANCE * width)
        shares[f"{name} at low"], shares[f"{name} at high"] = float(low), float(high)
    return {key: value for key, value in shares.items() if value > 0}
