"""The population step's cell arithmetic as one compiled loop nest over runs and cells (numba).

``projection.reference_step`` is the pure-numpy statement of the step and stays the reference:
``tests/models/population/test_kernel.py`` checks that this kernel reproduces it to 1e-9 relative.
The kernel walks each run's cells once (about 16,500 per run: motive x years since arrival x sex x
age), in memory order, and writes the next state, the year's flows and the new state's sums in
the same pass, so a run's cells are read from memory once per year instead of once per numpy
operation. Cell values are computed with the reference's expressions in the reference's order;
only sums over cells are accumulated in another order (differences of the order of 1e-15).
Runs are independent, so a run's results do not depend on how many runs share a call.

Units as in ``projection``: persons, rates per person per year, survival ratios.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from migratielab.models.population.components import FloatArray

FLOW_COLUMNS = ("births", "deaths", "immigration", "emigration")
FAST = {"reassoc", "contract", "arcp", "nsz"}
"""LLVM may reorder sums and fuse multiply-adds (NaN and infinity keep their meaning)."""


@dataclass(frozen=True)
class Summary:
    """Sums of one state per run: ``total`` (run,), ``by_sex_age`` (run, 2, 106) all origins,
    ``by_group`` (run, 1 + motive) resident first, ``smallest`` (run,) the smallest stock (persons);
    ``employed`` (run,) persons when the step that made the state was given employment rates."""

    total: FloatArray
    by_sex_age: FloatArray
    by_group: FloatArray
    smallest: FloatArray
    employed: FloatArray | None = None


@njit(cache=True, nogil=True, fastmath=FAST)
def _summarise_run(
    resident: FloatArray,
    immigrants: FloatArray,
    by_sex_age: FloatArray,
    by_group: FloatArray,
    weighted: tuple[FloatArray, FloatArray],
) -> tuple[float, float]:
    """Fill one run's ``by_sex_age`` (2, 106) and ``by_group`` (1 + motive,); return (total, smallest).

    ``weighted`` = (relative (motive, duration), rated (2, 106)): ``rated`` receives the immigrants
    by sex and age weighted by ``relative`` (as ``weighted_total`` sums them). Sums run along the
    age axis into per-age accumulators (so the loop vectorises), then over ages.
    """
    relative, rated = weighted
    rated[:] = 0.0
    lowest = resident.copy()
    by_sex_age[:] = resident
    by_group[0] = resident.sum()
    total = by_group[0]
    motive_row = np.empty(resident.shape)
    for motive in range(immigrants.shape[0]):
        motive_row[:] = 0.0
        for duration in range(immigrants.shape[1]):
            weight = relative[motive, duration]
            for sex in range(immigrants.shape[2]):
                for age in range(immigrants.shape[3]):
                    value = immigrants[motive, duration, sex, age]
                    motive_row[sex, age] += value
                    rated[sex, age] += value * weight
                    lowest[sex, age] = min(lowest[sex, age], value)
        by_sex_age += motive_row
        by_group[1 + motive] = motive_row.sum()
        total += by_group[1 + motive]
    return total, lowest.min()


@njit(cache=True, nogil=True, fastmath=FAST)
def summarise(
    resident: FloatArray, immigrants: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Total, population by sex and age, by group and smallest stock of every run (one pass)."""
    runs = resident.shape[0]
    total = np.empty(runs)
    smallest = np.empty(runs)
    by_sex_age = np.empty((runs, resident.shape[1], resident.shape[2]))
    by_group = np.empty((runs, 1 + immigrants.shape[1]))
    weighted = (np.zeros(immigrants.shape[1:3]), np.empty(resident.shape[1:]))
    for run in range(runs):
        total[run], smallest[run] = _summarise_run(
            resident[run], immigrants[run], by_sex_age[run], by_group[run], weighted
        )
    return total, by_sex_age, by_group, smallest


@njit(cache=True, nogil=True, fastmath=FAST)
def _age_row(survivors: FloatArray, target: FloatArray, accumulate: bool) -> None:
    """Write (or add) survivors (106,) aged one year into ``target``: 104 and 105+ merge, age 0 empty."""
    last = survivors.shape[0] - 1
    if accumulate:
        for age in range(1, last):
            target[age] += survivors[age - 1]
        target[last] += survivors[last - 1] + survivors[last]
    else:
        target[0] = 0.0
        for age in range(1, last):
            target[age] = survivors[age - 1]
        target[last] = survivors[last - 1] + survivors[last]


@njit(cache=True, nogil=True, fastmath=FAST)
def _survive_block(
    immigrants: FloatArray,
    rate: float,
    survival: FloatArray,
    survivors: FloatArray,
    stayers: FloatArray,
) -> tuple[float, float]:
    """One (motive, duration) block (sex, age) of stocks: ``rate`` of them leave, the stayers (added
    to ``stayers``) survive with ``survival`` into ``survivors``; returns (leavers, deaths) persons."""
    leavers = 0.0
    deaths = 0.0
    for sex in range(immigrants.shape[0]):
        for age in range(immigrants.shape[1]):
            stock = immigrants[sex, age]
            leaving = stock * rate
            staying = stock - leaving
            survivor = staying * survival[sex, age]
            survivors[sex, age] = survivor
            leavers += leaving
            deaths += staying - survivor
            stayers[sex, age] += staying
    return leavers, deaths


@njit(cache=True, nogil=True, fastmath=FAST)
def _immigrant_cells(
    immigrants: FloatArray,
    departure: FloatArray,
    survival: FloatArray,
    stayers: FloatArray,
    out: FloatArray,
) -> tuple[float, float]:
    """One run's immigrant cells: departures, survival, ageing and the next duration.

    Writes ``out`` (motive, duration, sex, age) except duration 0, adds the stayers by sex and age
    to ``stayers`` (2, 106); returns (leavers, deaths) in persons. ``out`` may be ``immigrants``
    itself: durations are visited in memory order and the survivors of a duration are carried until
    its row has been read, so every row is read before it is overwritten.
    """
    leavers = 0.0
    deaths = 0.0
    last = immigrants.shape[1] - 1
    survivors = np.empty((2, *stayers.shape))  # [duration % 2]: this duration's, the previous one's
    for motive in range(immigrants.shape[0]):
        for duration in range(last + 1):
            current, carried = survivors[duration % 2], survivors[(duration + 1) % 2]
            left, died = _survive_block(
                immigrants[motive, duration], departure[motive, duration], survival, current, stayers
            )
            leavers += left
            deaths += died
            for sex in range(immigrants.shape[2]):
                if duration >= 1:  # the survivors of the previous duration move into this row
                    _age_row(carried[sex], out[motive, duration, sex], False)
                if duration == last:  # 9 and 10+ both move into 10+
                    _age_row(current[sex], out[motive, last, sex], True)
    return leavers, deaths


@njit(cache=True, nogil=True, fastmath=FAST)
def _arrival_cells(
    arrivals: FloatArray,
    profiles: FloatArray,
    inflow_motive: np.ndarray,
    arrival_departure: FloatArray,
    out: FloatArray,
) -> tuple[float, float]:
    """One run's arrivals by inflow (inflow,) into duration 0 of ``out`` by motive, net of those who
    leave within the year; returns (immigration, emigration within the year) in persons.

    Each motive's arrivals are summed over its inflows in inflow order, row by row (sex, age).
    """
    immigration = 0.0
    within_total = 0.0
    by_motive = np.empty(profiles.shape[1:])
    for motive in range(out.shape[0]):
        by_motive[:] = 0.0
        for inflow in range(arrivals.shape[0]):
            if inflow_motive[inflow] == motive:
                level = arrivals[inflow]
                for sex in range(out.shape[2]):
                    for age in range(out.shape[3]):
                        by_motive[sex, age] += level * profiles[inflow, sex, age]
        share = arrival_departure[motive]
        for sex in range(out.shape[2]):
            for age in range(out.shape[3]):
                within = by_motive[sex, age] * share
                out[motive, 0, sex, age] = by_motive[sex, age] - within
                immigration += by_motive[sex, age]
                within_total += within
    return immigration, within_total


@njit(cache=True, nogil=True, fastmath=FAST)
def _resident_cells(
    resident: FloatArray,
    emigration_rate: float,
    emigration_shape: FloatArray,
    survival: FloatArray,
    out: FloatArray,
    row: FloatArray,
) -> tuple[float, float]:
    """One run's resident cells (sex, age): net emigration, survival and ageing into ``out``.

    ``row`` (2, 106) receives the stayers (women's exposure needs them); returns (emigrants, deaths).
    """
    emigrants = 0.0
    deaths = 0.0
    survivors = np.empty(resident.shape[1])
    for sex in range(resident.shape[0]):
        for age in range(resident.shape[1]):
            stock = resident[sex, age]
            leaving = stock * (emigration_rate * emigration_shape[sex, age])
            staying = stock - leaving
            survivor = staying * survival[sex, age]
            emigrants += leaving
            deaths += staying - survivor
            row[sex, age] = staying
            survivors[age] = survivor
        _age_row(survivors, out[sex], False)
    return emigrants, deaths


@njit(cache=True, nogil=True, fastmath=FAST)
def _births(
    staying_women: FloatArray, immigrant_women: FloatArray, female_survival: FloatArray, asfr: FloatArray
) -> float:
    """Births per woman-year of exposure summed over ages (persons per TFR unit).

    Exposure is the mean of stayers on 1 Jan and their survivors a year later; the mother's age on
    31 Dec is one more than on 1 Jan, hence ``asfr[age + 1]``.
    """
    total = 0.0
    for age in range(staying_women.shape[0] - 1):
        women = staying_women[age] + immigrant_women[age]
        total += women * (1.0 + female_survival[age]) / 2.0 * asfr[age + 1]
    return total


@njit(cache=True, nogil=True, fastmath=FAST)
def _net_cells(net_migration: float, profile: FloatArray, out: FloatArray) -> tuple[float, float]:
    """Add net migration by sex and age to ``out`` (2, 106); return (immigration, emigration) persons."""
    inward = 0.0
    outward = 0.0
    for sex in range(out.shape[0]):
        for age in range(out.shape[1]):
            net = net_migration * profile[sex, age]
            out[sex, age] = out[sex, age] + net
            inward += max(net, 0.0)
            outward -= min(net, 0.0)
    return inward, outward


@njit(cache=True, nogil=True, fastmath=FAST)
def _advance_run(
    resident: FloatArray,
    immigrants: FloatArray,
    year: tuple[float, float, float],
    run_arrays: tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray],
    shared: tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, np.ndarray],
    out: tuple[FloatArray, FloatArray, FloatArray],
) -> None:
    """One run's year, written into ``out`` = (resident, immigrants, flows (4,)) of the run.

    ``year`` = (TFR, native emigration rate, net migration); ``run_arrays`` = (survival
    (2, 106), infant survival (2,), stock departure (motive, duration), arrivals (inflow,) or empty,
    arrival departure (motive,)); ``shared`` = (emigration shape (2, 106), ASFR shape (106,),
    newborn share (2,), net profile (2, 106), arrival profiles (inflow, 2, 106), inflow -> motive).
    """
    tfr, emigration_rate, net_migration = year  # net migration 0.0 when the plan has none
    survival, infant, departure, arrivals, arrival_departure = run_arrays
    emigration_shape, asfr, newborn_share, net_profile, profiles, inflow_motive = shared
    new_resident, new_immigrants, flows = out
    staying = np.empty(resident.shape)
    immigrant_stayers = np.zeros(resident.shape)
    native, resident_deaths = _resident_cells(
        resident, emigration_rate, emigration_shape, survival, new_resident, staying
    )
    leavers, immigrant_deaths = _immigrant_cells(
        immigrants, departure, survival, immigrant_stayers, new_immigrants
    )
    births = tfr * _births(staying[1], immigrant_stayers[1], survival[1], asfr)
    born_alive = 0.0
    for sex in range(2):
        new_resident[sex, 0] = births * newborn_share[sex] * infant[sex]
        born_alive += new_resident[sex, 0]
    immigration, emigration = 0.0, native + leavers
    new_immigrants[:, 0] = 0.0
    if arrivals.shape[0] > 0:
        arrived, within = _arrival_cells(arrivals, profiles, inflow_motive, arrival_departure, new_immigrants)
        immigration, emigration = immigration + arrived, emigration + within
    inward, outward = _net_cells(net_migration, net_profile, new_resident)
    immigration, emigration = immigration + inward, emigration + outward
    flows[0] = births
    flows[1] = resident_deaths + immigrant_deaths + births - born_alive
    flows[2] = immigration
    flows[3] = emigration


@njit(cache=True, nogil=True, fastmath=FAST)
def advance(
    state: tuple[FloatArray, FloatArray],
    year: tuple[FloatArray, FloatArray, FloatArray],
    run_arrays: tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray],
    shared: tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, np.ndarray],
    out: tuple[FloatArray, FloatArray],
    rates: tuple[FloatArray, FloatArray, FloatArray],
) -> tuple[FloatArray, tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]]:
    """Every run's year into ``out`` = (resident, immigrants), which may be ``state`` itself (in place).

    Returns flows (run, 4) in ``FLOW_COLUMNS`` order and the new state's sums as ``summarise`` does,
    then the employed persons (run,) of the new state as ``weighted_total`` computes them from
    ``rates`` = (resident rates (2, 106), immigrant rates (2, 106), relative (motive, duration)).
    Other arguments as ``_advance_run`` with a leading run axis.
    """
    resident_rates, immigrant_rates, relative = rates
    employed = np.empty(state[0].shape[0])
    weighted = (relative, np.empty(state[0].shape[1:]))
    resident, immigrants = state
    new_resident, new_immigrants = out
    runs = resident.shape[0]
    flows = np.empty((runs, len(FLOW_COLUMNS)))
    total = np.empty(runs)
    smallest = np.empty(runs)
    by_sex_age = np.empty(resident.shape)
    by_group = np.empty((runs, 1 + immigrants.shape[1]))
    for run in range(runs):
        _advance_run(
            resident[run],
            immigrants[run],
            (year[0][run], year[1][run], year[2][run]),
            (
                run_arrays[0][run],
                run_arrays[1][run],
                run_arrays[2][run],
                run_arrays[3][run],
                run_arrays[4][run],
            ),
            shared,
            (new_resident[run], new_immigrants[run], flows[run]),
        )
        total[run], smallest[run] = _summarise_run(
            new_resident[run], new_immigrants[run], by_sex_age[run], by_group[run], weighted
        )
        employed[run] = (new_resident[run] * resident_rates).sum() + (weighted[1] * immigrant_rates).sum()
    return flows, (total, by_sex_age, by_group, smallest, employed)


@njit(cache=True, nogil=True, fastmath=FAST)
def weighted_total(
    resident: FloatArray,
    immigrants: FloatArray,
    resident_rates: FloatArray,
    rates: FloatArray,
    relative: FloatArray,
) -> FloatArray:
    """Per run: sum of resident (sex, age) x ``resident_rates`` (2, 106) plus immigrants (motive,
    duration, sex, age) x ``rates`` (2, 106) x ``relative`` (motive, duration), in one pass (persons)."""
    runs = resident.shape[0]
    result = np.empty(runs)
    rated = np.empty(resident.shape[1:])
    for run in range(runs):
        rated[:] = 0.0
        for motive in range(immigrants.shape[1]):
            for duration in range(immigrants.shape[2]):
                weight = relative[motive, duration]
                for sex in range(immigrants.shape[3]):
                    for age in range(immigrants.shape[4]):
                        rated[sex, age] += immigrants[run, motive, duration, sex, age] * weight
        result[run] = (resident[run] * resident_rates).sum() + (rated * rates).sum()
    return result
