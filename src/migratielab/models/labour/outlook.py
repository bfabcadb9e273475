"""The labour pillar's state and annual step: demand per occupation, domestic supply, the unfilled gap,
and the migrants of a plan (cohorts by channel and years since arrival) working in each occupation.

Years 2025-2030 follow ROA's AIS 2030 six-year demand (one sixth a year). After 2030 replacement
demand follows the population pillar's retirements (persons at the state pension age) and
expansion demand and domestic supply its labour force and entrants (``LabourForce`` coupling);
without a population pillar the 2025-2030 rates are held. Arrays: (run, occupation) and
(run, channel, duration); conservation of the migrant cohorts is checked every step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from migratielab.errors import ConservationError
from migratielab.models.labour.data import ROA_LAST_YEAR, FloatArray
from migratielab.models.pillar import LabourForce

MAX_DURATION = 40
"""Years since arrival tracked; the last duration is open (40+)."""
RELATIVE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Model:
    """Everything a step needs (prepared by ``setup``): rates per occupation, per-run draws, curves, mix."""

    start_year: int
    employment0: FloatArray
    """(occupation,) persons in the base year"""
    expansion_roa: FloatArray
    replacement_roa: FloatArray
    """(occupation,) persons per year, 2025-2030 average"""
    unfilled_share: FloatArray
    """(run, occupation) share of openings not filled from domestic supply"""
    employment_curve: FloatArray
    """(run, channel, duration) share in work"""
    hazard: FloatArray
    """(channel, duration) annual departure probability"""
    mix: FloatArray
    """(channel, occupation) where working migrants of a channel work"""
    elasticity: float

    @property
    def expansion_rate(self) -> FloatArray:
        """Expansion demand per year as a share of base-year employment (occupation,)."""
        return np.divide(
            self.expansion_roa,
            self.employment0,
            out=np.zeros_like(self.employment0),
            where=self.employment0 > 0,
        )

    @property
    def replacement_rate(self) -> FloatArray:
        """Replacement demand per year as a share of base-year employment (occupation,)."""
        return np.divide(
            self.replacement_roa,
            self.employment0,
            out=np.zeros_like(self.employment0),
            where=self.employment0 > 0,
        )


@dataclass(frozen=True)
class State:
    """Employment (run, occupation), plan migrants present (run, channel, duration), demographic reference."""

    employment: FloatArray
    cohorts: FloatArray
    reference: FloatArray
    """(run, 3) means over the years to 2030 seen so far: [entrants, retiring, labour-force growth]"""
    seen: int
    last_labour_force: FloatArray


@dataclass(frozen=True)
class YearInputs:
    """Inputs of one year: plan arrivals (run, channel) persons, and the population's labour force."""

    arrivals: FloatArray
    labour_force: LabourForce | None = None


@dataclass(frozen=True)
class Flows:
    """Flows of one year (persons per year) and the migrant workers at its end (persons)."""

    expansion: FloatArray
    replacement: FloatArray
    openings: FloatArray
    domestic_supply: FloatArray
    unfilled: FloatArray
    arrivals: FloatArray
    departures: FloatArray
    migrant_workers: FloatArray
    """(run, occupation) plan migrants in work at the year end"""
    working: FloatArray
    """(run, channel) plan migrants in work at the year end"""


def initial_state(model: Model, runs: int) -> State:
    """Base-year employment, no plan migrants yet, no demographic reference."""
    channels = model.mix.shape[0]
    return State(
        employment=np.repeat(model.employment0[None, :], runs, axis=0),
        cohorts=np.zeros((runs, channels, MAX_DURATION + 1)),
        reference=np.zeros((runs, 3)),
        seen=0,
        last_labour_force=np.full(runs, np.nan),
    )


def _demography(
    state: State, inputs: YearInputs, year: int
) -> tuple[FloatArray, FloatArray, FloatArray, State]:
    """Labour-force growth above its 2025-2030 mean, entrants and retirements relative to 2025-2030 (run,).

    Up to 2030 the values only build the reference (ROA's rates already embody that period).
    """
    runs = state.employment.shape[0]
    if inputs.labour_force is None:
        return np.zeros(runs), np.ones(runs), np.ones(runs), state
    lf = inputs.labour_force
    growth = np.where(np.isnan(state.last_labour_force), np.nan, lf.potential / state.last_labour_force - 1.0)
    values = np.stack([lf.entrants, lf.retiring, np.nan_to_num(growth)], axis=1)
    if year > ROA_LAST_YEAR and state.seen > 0:
        ratio = values[:, :2] / state.reference[:, :2]
        updated = State(state.employment, state.cohorts, state.reference, state.seen, lf.potential)
        return values[:, 2] - state.reference[:, 2], ratio[:, 0], ratio[:, 1], updated
    seen = state.seen + 1
    reference = state.reference.copy()
    reference[:, :2] += (values[:, :2] - reference[:, :2]) / seen
    if state.seen > 0:
        reference[:, 2] += (values[:, 2] - reference[:, 2]) / state.seen
    zeros = np.zeros(runs)
    return (
        zeros,
        np.ones(runs),
        np.ones(runs),
        State(state.employment, state.cohorts, reference, seen, lf.potential),
    )


def demand(
    model: Model, state: State, inputs: YearInputs, year: int
) -> tuple[FloatArray, FloatArray, FloatArray, State]:
    """Expansion, replacement and domestic supply (run, occupation) of ``year``, persons per year."""
    growth, entrants, retiring, state = _demography(state, inputs, year)
    if year <= ROA_LAST_YEAR:
        shape = state.employment.shape
        expansion = np.broadcast_to(model.expansion_roa, shape).copy()
        replacement = np.broadcast_to(model.replacement_roa, shape).copy()
        supply_factor = np.ones((shape[0], 1))
    else:
        rate = model.expansion_rate[None, :] + model.elasticity * growth[:, None]
        expansion = state.employment * rate
        replacement = state.employment * model.replacement_rate[None, :] * retiring[:, None]
        supply_factor = (entrants**model.elasticity)[:, None]
    openings = np.maximum(expansion, 0.0) + replacement
    supply = (1.0 - model.unfilled_share) * openings * supply_factor
    return expansion, replacement, supply, state


def _age_cohorts(model: Model, cohorts: FloatArray, arrivals: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Departures by channel (run, channel) and the cohorts one year on with this year's arrivals."""
    leaving = cohorts * model.hazard[None]
    staying = cohorts - leaving
    aged = np.zeros_like(cohorts)
    aged[:, :, 1:] = staying[:, :, :-1]
    aged[:, :, -1] += staying[:, :, -1]
    aged[:, :, 0] = arrivals
    return leaving.sum(axis=2), aged


def _check(
    before: FloatArray, arrivals: FloatArray, departures: FloatArray, after: FloatArray, t: int
) -> None:
    """Cohort conservation per run and channel, and no negative stock."""
    expected = before.sum(axis=2) + arrivals - departures
    total = after.sum(axis=2)
    if not np.allclose(total, expected, rtol=RELATIVE_TOLERANCE, atol=1e-6):
        raise ConservationError(f"labour cohorts, step {t}: before + arrivals - departures != after")
    if (after < 0).any():
        raise ConservationError(f"labour cohorts, step {t}: negative stock")


def step(state: State, model: Model, inputs: YearInputs, t: int) -> tuple[State, Flows]:
    """Advance one calendar year (``t`` = years since the start)."""
    year = model.start_year + t
    expansion, replacement, supply, state = demand(model, state, inputs, year)
    employment = state.employment + expansion
    if (employment < 0).any():
        raise ConservationError(f"labour employment, year {year}: negative employment")
    departures, cohorts = _age_cohorts(model, state.cohorts, inputs.arrivals)
    _check(state.cohorts, inputs.arrivals, departures, cohorts, t)
    # row-wise sums (not BLAS): a run's numbers must not depend on how many runs share the chunk
    working = (cohorts * model.employment_curve).sum(axis=2)
    workers = (working[:, :, None] * model.mix[None]).sum(axis=1)
    openings = np.maximum(expansion, 0.0) + replacement
    flows = Flows(
        expansion,
        replacement,
        openings,
        supply,
        openings - supply,
        inputs.arrivals,
        departures,
        workers,
        working,
    )
    return State(employment, cohorts, state.reference, state.seen, state.last_labour_force), flows
