"""Migration channels compared on broad welfare: employment, earnings, stay, dwellings, integration cost
and net fiscal contribution by years since arrival, all arrays over (run, channel, years since arrival).

The fiscal profile per person-year present is
``net_per_employed * earnings_ratio * employment - net_per_nonemployed * (1 - employment)
- collective_goods_share * collective_goods_per_person_year + K_motive``; the constant ``K_motive`` is
calibrated once, at the default parameters, so that the lifetime present value of each motive's
reference channel equals the Grenzeloze Verzorgingsstaat figure (labour, study, family, asylum).
Changing employment (levers), earnings, stay or the collective-goods share then moves the result.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from migratielab.models.labour.data import FloatArray
from migratielab.params import ParameterSet

CHANNELS = ("labour_eu", "knowledge", "labour_non_eu_other", "study", "family", "asylum", "partnership")
CHANNEL_MOTIVE = np.array([0, 0, 0, 1, 2, 3, 0])
"""Grenzeloze Verzorgingsstaat motive per channel: 0 labour, 1 study, 2 family, 3 asylum."""
DEPARTURE = {
    "labour_eu": "departure_labour_eu",
    "knowledge": "departure_labour_non_eu",
    "labour_non_eu_other": "departure_labour_non_eu",
    "study": "departure_study",
    "family": "departure_family",
    "asylum": "departure_asylum",
}
"""Departure hazards shared with the population pillar's parameters (population.yaml)."""
LEVER_CHANNELS = np.array([c in ("family", "asylum") for c in CHANNELS])
"""Channels whose employment the levers for migrants already here shift."""
HORIZONS = (10, 20, 30)


def curve(points: FloatArray, years: int) -> FloatArray:
    """A share by whole years since arrival 0..years-1 from [years, share, ...] points (held at the ends)."""
    pairs = points.reshape(-1, 2)
    return np.asarray(np.interp(np.arange(years, dtype=float), pairs[:, 0], pairs[:, 1]))


def employment_curves(labour: ParameterSet, population: ParameterSet, years: int) -> FloatArray:
    """Employment share (channel, years since arrival) at default levers; asylum from the population curve."""
    rows = []
    for channel in CHANNELS:
        if channel == "asylum":
            rows.append(curve(population.vector("asylum_employment_curve"), years))
        else:
            rows.append(curve(labour.vector(f"channel_employment_{channel}"), years))
    return np.stack(rows)


def lever_shift(labour: ParameterSet, years: int, recognition: float, guidance: float) -> FloatArray:
    """Rise in employment share (channel, years since arrival) from the levers' reach (shares 0..1)."""
    first, last = labour.vector("lever_effect_years")
    in_window = (np.arange(years) >= first) & (np.arange(years) <= last)
    effect = recognition * labour.scalar("lever_diploma_recognition_effect")
    effect += guidance * labour.scalar("lever_intensive_guidance_effect")
    return np.asarray(LEVER_CHANNELS[:, None] * in_window[None, :] * effect)


def hazards(labour: ParameterSet, population: ParameterSet, years: int) -> FloatArray:
    """Annual departure probability (channel, years since arrival), population hazards for shared motives."""
    bounds = population.vector("departure_bounds")
    interval = np.searchsorted(bounds, np.arange(years, dtype=float), side="right") - 1
    rows = [
        population.vector(DEPARTURE[c])[interval]
        if c in DEPARTURE
        else labour.vector(f"departure_{c}")[interval]
        for c in CHANNELS
    ]
    return np.asarray(np.clip(np.stack(rows) * population.scalar("departure_multiplier"), 0.0, 1.0))


def stay_curves(labour: ParameterSet, population: ParameterSet, years: int) -> FloatArray:
    """Share still in the Netherlands at the start of each year since arrival (channel, years)."""
    survival = np.cumprod(1.0 - hazards(labour, population, years), axis=1)
    return np.concatenate([np.ones((len(CHANNELS), 1)), survival[:, :-1]], axis=1)


@dataclass(frozen=True)
class Cohort:
    """One arrival of each channel followed over the years since arrival (channel, years), shares 0..1.

    ``present``: still in the Netherlands (and alive) at the start of each year since arrival;
    ``below_pension``: of those present, the share below the state pension age (who can work).
    The system loop follows a plan-year cohort through the population pillar
    (``models.system.follow_plan_cohort``); ``from_hazards`` is the departure hazards alone.
    """

    present: FloatArray
    below_pension: FloatArray

    @staticmethod
    def from_hazards(labour: ParameterSet, population: ParameterSet, years: int) -> Cohort:
        """Departures only: no deaths, nobody reaches the pension age."""
        return Cohort(stay_curves(labour, population, years), np.ones((len(CHANNELS), years)))


@dataclass(frozen=True)
class FiscalDraws:
    """Per-run fiscal parameters (run,): euro per year, and the collective-goods share."""

    per_employed: FloatArray
    per_nonemployed: FloatArray
    collective_share: FloatArray

    @staticmethod
    def central(labour: ParameterSet) -> FiscalDraws:
        """The default values as one run."""
        return FiscalDraws(
            np.array([labour.scalar("net_per_employed_year")]),
            np.array([labour.scalar("net_per_nonemployed_year")]),
            np.array([labour.scalar("collective_goods_share")]),
        )


def _uncalibrated(labour: ParameterSet, employment: FloatArray, draws: FiscalDraws) -> FloatArray:
    """Net contribution per person-year present before the motive constant (run, channel, years)."""
    earnings = labour.vector("channel_earnings_ratio")[None, :, None]
    employed = draws.per_employed[:, None, None] * earnings * employment
    idle = draws.per_nonemployed[:, None, None] * (1.0 - employment)
    collective = draws.collective_share[:, None, None] * labour.scalar("collective_goods_per_person_year")
    return np.asarray(employed - idle - collective)


def discount(labour: ParameterSet, years: int) -> FloatArray:
    """Discount factors by year since arrival (years,)."""
    return np.asarray((1.0 + labour.scalar("discount_rate")) ** -np.arange(years, dtype=float))


def motive_constants(labour: ParameterSet, population: ParameterSet, cohort: Cohort) -> FloatArray:
    """K per motive (4,), euro per person-year: each reference channel reproduces its source at defaults."""
    years = int(labour.scalar("fiscal_horizon_years"))
    weights = cohort.present[:, :years] * discount(labour, years)[None, :]
    working = employment_curves(labour, population, years) * cohort.below_pension[:, :years]
    base = _uncalibrated(labour, working[None], FiscalDraws.central(labour))
    pv_base = (base[0] * weights).sum(axis=1)
    reference = labour.vector("fiscal_reference_channel").astype(int)
    target = population.vector("fiscal_net_contribution")
    return np.asarray((target - pv_base[reference]) / weights[reference].sum(axis=1))


def fiscal_profile(
    labour: ParameterSet,
    population: ParameterSet,
    employment: FloatArray,
    draws: FiscalDraws,
    cohort: Cohort,
) -> FloatArray:
    """Net fiscal contribution per person-year present (run, channel, years), euro (2016 prices).

    ``employment`` (run, channel, years) is the share in work of those below the pension age.
    """
    years = employment.shape[-1]
    constants = motive_constants(labour, population, cohort)[CHANNEL_MOTIVE]
    working = employment * cohort.below_pension[None, :, :years]
    return np.asarray(_uncalibrated(labour, working, draws) + constants[None, :, None])


def present_values(
    labour: ParameterSet,
    population: ParameterSet,
    employment: FloatArray,
    draws: FiscalDraws,
    cohort: Cohort | None = None,
) -> FloatArray:
    """Present value per arrival after 10, 20, 30 years and the lifetime horizon (run, channel, 4), euro.

    ``cohort``: who is still here and below the pension age; default: departure hazards only.
    """
    years = employment.shape[-1]
    horizon = max(years, int(labour.scalar("fiscal_horizon_years")))
    cohort = cohort or Cohort.from_hazards(labour, population, horizon)
    weights = cohort.present[:, :years] * discount(labour, years)[None, :]
    yearly = fiscal_profile(labour, population, employment, draws, cohort) * weights[None]
    cumulative = np.cumsum(yearly, axis=-1)
    return np.asarray(cumulative[..., [h - 1 for h in (*HORIZONS, years)]])
