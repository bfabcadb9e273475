"""Build the fixed schedules, departure tables and initial state of a projection from parameters."""

from __future__ import annotations

import numpy as np

from migratielab.errors import ConservationError
from migratielab.models.population.components import (
    N_AGES,
    FloatArray,
    departure_by_duration,
    rogers_castro,
)
from migratielab.models.population.data import BaseData
from migratielab.models.population.projection import (
    INFLOW_MOTIVE,
    INFLOWS,
    MOTIVES,
    State,
    Structure,
    YearInputs,
    empty_immigrants,
    step,
)
from migratielab.params import ParameterSet

AGES = np.arange(N_AGES, dtype=float)
REBUILD_YEARS = 10
"""Years of past immigration rebuilt into the immigrant stock at the start year."""
OLDEST_MIGRANT_AGE = 85
"""Model schedules are cut above this age (their constant term would otherwise place migrants at 100+)."""


def rogers_castro_from(params: ParameterSet, name: str) -> FloatArray:
    """A normalised Rogers-Castro age schedule (106,) from a 7-number parameter."""
    a1, alpha1, a2, mu2, alpha2, lambda2, c = params.vector(name).tolist()
    schedule = rogers_castro(AGES, a1, alpha1, a2, mu2, alpha2, lambda2, c)
    schedule[OLDEST_MIGRANT_AGE + 1 :] = 0.0
    return np.asarray(schedule / schedule.sum(), dtype=np.float64)


def arrival_profiles(params: ParameterSet) -> FloatArray:
    """Age-sex distribution of arrivals (inflow, 2, 106), each summing to 1."""
    male_share = params.vector("immigrant_male_share")
    profiles = np.empty((len(INFLOWS), 2, N_AGES))
    for index, motive_index in enumerate(INFLOW_MOTIVE):
        motive = MOTIVES[motive_index]
        shape = rogers_castro_from(params, f"immigrant_profile_{motive}")
        share = male_share[motive_index]
        profiles[index] = np.stack([share * shape, (1.0 - share) * shape])
    return profiles


def build_structure(params: ParameterSet, data: BaseData, start_population: FloatArray) -> Structure:
    """The fixed schedules of a projection starting from ``start_population`` (2, 106)."""
    emigration = rogers_castro_from(params, "native_emigration_profile")
    weighted_mean = float((start_population * emigration).sum() / start_population.sum())
    return Structure(
        asfr_shape=data.asfr_shape,
        sex_ratio_at_birth=params.scalar("sex_ratio_at_birth"),
        standards=data.standards,
        native_emigration_shape=np.broadcast_to(emigration / weighted_mean, (2, N_AGES)).copy(),
        arrival_profiles=arrival_profiles(params),
        net_profile=data.net_migration_profile,
    )


def departure_tables(params: ParameterSet, multiplier: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Arrival-year departure (run, motive) and stock departure (run, motive, 11) per run.

    ``multiplier`` (run,) scales every annual hazard (capped below 1).
    """
    bounds = params.vector("departure_bounds")
    hazards = np.stack([params.vector(f"departure_{motive}") for motive in MOTIVES])
    scaled = np.minimum(hazards[None] * multiplier[:, None, None], 0.999)
    return departure_by_duration(scaled, bounds)


def historical_arrivals(params: ParameterSet, year: int) -> FloatArray:
    """Non-Dutch immigration of a past year by inflow category (inflow,), from sourced totals and shares."""
    total = params.scalar("historical_immigration", year)
    non_dutch = total * (1.0 - params.scalar("historical_dutch_share", year))
    protection = params.scalar("historical_temporary_protection", year)
    shares = params.vector("historical_motive_shares")
    arrivals = np.zeros(len(INFLOWS))
    regular = ("labour_eu", "labour_non_eu", "study", "family", "asylum", "other")
    for share, category in zip(shares, regular, strict=True):
        arrivals[INFLOWS.index(category)] = share * (non_dutch - protection)
    arrivals[INFLOWS.index("temporary_protection")] = protection
    return arrivals


def rebuild_immigrants(params: ParameterSet, data: BaseData, structure: Structure, start: int) -> FloatArray:
    """Immigrant stock on 1 Jan ``start`` (motive, duration, 2, 106) from the previous ten years of arrivals.

    Uses the same step as the projection (departures, mortality at the observed e0 of each year,
    ageing), without births. Arrivals of more than ten years ago stay in the resident group.
    """
    arrival_departure, stock_departure = departure_tables(params, np.ones(1))
    state = State(resident=np.zeros((1, 2, N_AGES)), immigrants=empty_immigrants(1))
    for year in range(start - REBUILD_YEARS, start):
        inputs = YearInputs(
            tfr=np.zeros(1),
            e0=np.array([data.e0_at(year)]),
            native_emigration_rate=np.zeros(1),
            arrival_departure=arrival_departure,
            stock_departure=stock_departure,
            arrivals=historical_arrivals(params, year)[None],
        )
        state, _ = step(state, structure, inputs)
    return np.asarray(state.immigrants[0], dtype=np.float64)


def initial_state(
    params: ParameterSet, data: BaseData, structure: Structure, start: int, runs: int, split_origin: bool
) -> State:
    """The observed population on 1 Jan ``start`` for every run, optionally split by origin."""
    population = data.population_at(start)
    immigrants = empty_immigrants(1)[0]
    if split_origin:
        immigrants = rebuild_immigrants(params, data, structure, start)
    resident = population - immigrants.sum(axis=(0, 1))
    if resident.min() < 0.0:
        raise ConservationError("rebuilt immigrant stock exceeds the observed population in some age")
    return State(
        resident=np.repeat(resident[None], runs, axis=0),
        immigrants=np.repeat(immigrants[None], runs, axis=0),
    )
