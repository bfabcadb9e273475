"""Indicators computed from the projected population (all vectorised over the run axis)."""

from __future__ import annotations

import numpy as np

from migratielab.models.population import kernel
from migratielab.models.population.components import MAX_DURATION, N_AGES, FloatArray
from migratielab.models.population.projection import INFLOWS, MOTIVES, State
from migratielab.params import ParameterSet

FISCAL_MOTIVE = {
    "labour_eu": 0,
    "labour_non_eu": 0,
    "study": 1,
    "family": 2,
    "asylum_family": 2,
    "asylum": 3,
}
"""Index into ``fiscal_net_contribution`` ([labour, study, family, asylum]) per inflow category."""


def grey_pressure(population: FloatArray) -> FloatArray:
    """Persons aged 65+ per 100 aged 20-64, from population (run, sex, age)."""
    old = population[..., 65:].sum(axis=(-2, -1))
    working = population[..., 20:65].sum(axis=(-2, -1))
    return np.asarray(100.0 * old / working, dtype=np.float64)


def potential_labour_force(population: FloatArray, pension_age: FloatArray) -> FloatArray:
    """Persons aged 20 up to the state pension age (run,), counting a fraction of the age at the boundary.

    ``pension_age`` (run,) in years; a pension age of 67.25 counts ages 20..66 and a quarter of age 67.
    """
    by_age = population.sum(axis=-2)
    ages = np.arange(N_AGES)
    full = (ages[None, :] >= 20) & (ages[None, :] < np.floor(pension_age)[:, None])
    boundary = ages[None, :] == np.floor(pension_age)[:, None]
    weights = full + boundary * (pension_age - np.floor(pension_age))[:, None]
    return np.asarray((by_age * weights).sum(axis=-1), dtype=np.float64)


def employment_rates(params: ParameterSet) -> FloatArray:
    """Employment rate by sex and single age (2, 106) from 5-year groups 15-19 .. 70-74."""
    groups = params.vector("employment_rate_by_age").reshape(2, 12)
    rates = np.zeros((2, N_AGES))
    rates[:, 15:75] = np.repeat(groups, 5, axis=1)
    return rates


def relative_employment(params: ParameterSet, rates: FloatArray, population: FloatArray) -> FloatArray:
    """Employment of immigrants relative to the age-sex rate (motive, duration 0..10+).

    Asylum follows the CBS status-holder curve (share of 18-64 with work at d + 0.5 years),
    divided by the employment rate of all 18-64-year-olds in ``population`` (2, 106). Capped so
    that no immigrant rate passes 1.
    """
    relative = np.repeat(params.vector("employment_relative_to_born_nl")[:, None], MAX_DURATION + 1, axis=1)
    points = params.vector("asylum_employment_curve").reshape(-1, 2)
    curve = np.interp(np.arange(MAX_DURATION + 1) + 0.5, points[:, 0], points[:, 1])
    working_age = population[:, 18:65]
    average = float((working_age * rates[:, 18:65]).sum() / working_age.sum())
    relative[MOTIVES.index("asylum")] = curve / average
    return np.minimum(relative, 1.0 / rates.max())


def origin_rates(
    rates: FloatArray, relative: FloatArray, population: FloatArray, immigrants: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Employment rates by sex and age (2, 106) of residents and of recent immigrants, when the
    immigrants (motive, duration, 2, 106) are followed apart from the residents.

    ``rates`` are the age-sex rates of the whole population (the parameter); immigrants work at
    their rate times ``relative``. Residents get the rate that keeps each age-sex group's
    employment at ``population * rates``, so a projection starts with the same number of employed
    persons whether or not it splits immigrants by motive. Where that rate would pass 1 (young
    adult ages with many recent immigrants), residents work at 1 and the immigrants' rate is raised
    for the rest of the group.
    """
    weighted = np.einsum("mdsa,md->sa", immigrants, relative)
    resident = population - immigrants.sum(axis=(0, 1))
    target = population * rates
    wanted = np.divide(target - weighted * rates, resident, out=rates.copy(), where=resident > 0)
    resident_rate = np.clip(wanted, 0.0, 1.0)
    rest = target - resident * resident_rate
    immigrant_rate = np.divide(rest, weighted, out=rates.copy(), where=weighted > 0)
    return np.asarray(resident_rate, dtype=np.float64), np.asarray(immigrant_rate, dtype=np.float64)


def employed(state: State, rates: FloatArray, relative: FloatArray, resident: FloatArray) -> FloatArray:
    """Employed persons per run: residents at the ``resident`` rates by sex and age, recent
    immigrants at ``rates`` times their relative factor by motive and duration.

    One compiled pass over the cells (``kernel.weighted_total``); ``reference_employed`` is the
    numpy statement it is tested against.
    """
    return kernel.weighted_total(
        np.ascontiguousarray(state.resident, dtype=np.float64),
        np.ascontiguousarray(state.immigrants, dtype=np.float64),
        np.ascontiguousarray(resident, dtype=np.float64),
        np.ascontiguousarray(rates, dtype=np.float64),
        np.ascontiguousarray(relative, dtype=np.float64),
    )


def reference_employed(
    state: State, rates: FloatArray, relative: FloatArray, resident: FloatArray
) -> FloatArray:
    """``employed`` in numpy (the reference)."""
    working_residents = (state.resident * resident).sum(axis=(1, 2))
    weighted = np.einsum("rmdsa,sa,md->r", state.immigrants, rates, relative)
    return np.asarray(working_residents + weighted, dtype=np.float64)


def households(population: FloatArray, params: ParameterSet) -> FloatArray:
    """Private households (run,) = population in private households / average household size."""
    private = population * (1.0 - params.scalar("institutional_share"))
    return np.asarray(private / params.scalar("average_household_size"), dtype=np.float64)


def fiscal_contribution(arrivals: FloatArray, params: ParameterSet) -> FloatArray:
    """Lifetime net fiscal contribution of a year's arrivals (run, inflow) in euro (2016 prices).

    NaN for categories without a published figure (temporary protection, other).
    """
    values = params.vector("fiscal_net_contribution")
    per_person = np.array([values[FISCAL_MOTIVE[c]] if c in FISCAL_MOTIVE else np.nan for c in INFLOWS])
    return np.asarray(arrivals * per_person, dtype=np.float64)
