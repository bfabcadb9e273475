"""Cohort-component projection over an ensemble: state, one annual step, the year loop.

State on 1 January: ``resident`` (run, sex, age) = people born in NL (and, at the start year,
immigrants who arrived more than ten years earlier), ``immigrants`` (run, motive, years since
arrival 0..10+, sex, age). One step moves 1 Jan t to 1 Jan t+1:

1. mortality of year t: Brass life table at the run's e0 -> survival ratios L_{x+1}/L_x;
2. births = sum_x ASFR_x * women exposed (mean of 1 Jan t and survivors at 1 Jan t+1);
   newborns join ``resident`` at age 0 with survival L_0;
3. emigration at the start of the year: native net emigration (rate by age) and immigrant
   departures by motive and years since arrival; the emigrants do not die in NL;
4. survivors age one year (105+ stays open); immigrants move to the next duration (10+ stays);
5. arrivals of year t (age on 31 Dec) enter duration 0, minus those who leave within the year;
   net migration (net mode) is added to ``resident`` by age on 31 Dec.

Conservation is checked each step: population[t+1] = population[t] + births - deaths +
immigration - emigration to 1e-9 relative per run, and no stock is negative.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from migratielab.errors import ConservationError, InfeasibleRunError
from migratielab.models.population import kernel
from migratielab.models.population.components import (
    MAX_DURATION,
    N_AGES,
    FloatArray,
    StandardLifeTable,
    brass_lx,
    person_years,
    remaining_life_expectancy,
    row_dot,
    solve_brass_alpha,
    survival_ratios,
)
from migratielab.models.population.tables import brass_tables

MOTIVES = (
    "labour_eu",
    "labour_non_eu",
    "study",
    "family",
    "asylum",
    "temporary_protection",
    "other",
)
INFLOWS = (
    "labour_eu",
    "labour_non_eu",
    "study",
    "family",
    "asylum",
    "asylum_family",
    "temporary_protection",
    "other",
)
"""Inflow categories of a plan; ``asylum_family`` (follow-on family of asylum migrants) joins family."""
INFLOW_MOTIVE = np.array([MOTIVES.index("family" if c == "asylum_family" else c) for c in INFLOWS])
INFLOW_TO_MOTIVE = np.eye(len(MOTIVES))[INFLOW_MOTIVE]
"""(inflow, motive) one-hot map of inflow categories to motives."""
RELATIVE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class State:
    """Population on 1 January: resident (run, sex, age) and immigrants (run, motive, duration, sex, age)."""

    resident: FloatArray
    immigrants: FloatArray
    summary: kernel.Summary | None = field(default=None, compare=False, repr=False)
    """The sums of these stocks when the step that made them computed them in its pass."""

    def sums(self) -> kernel.Summary:
        """Total, population by sex and age, by group and smallest stock per run (one compiled pass)."""
        if self.summary is not None:
            return self.summary
        resident = np.ascontiguousarray(self.resident, dtype=np.float64)
        immigrants = np.ascontiguousarray(self.immigrants, dtype=np.float64)
        return kernel.Summary(*kernel.summarise(resident, immigrants))

    def total(self) -> FloatArray:
        """Total population per run (persons)."""
        return self.sums().total

    def by_sex_age(self) -> FloatArray:
        """Population by sex and age (run, sex, age)."""
        return self.sums().by_sex_age

    def reference_total(self) -> FloatArray:
        """Total population per run (persons), summed by numpy (the reference path's sums)."""
        return np.asarray(
            self.resident.sum(axis=(1, 2)) + self.immigrants.sum(axis=(1, 2, 3, 4)), dtype=np.float64
        )


@dataclass(frozen=True)
class Flows:
    """Flows during one year per run (persons): births, deaths, immigration, emigration."""

    births: FloatArray
    deaths: FloatArray
    immigration: FloatArray
    emigration: FloatArray


@dataclass(frozen=True)
class Structure:
    """Fixed schedules of one projection (shared by all runs unless a leading run axis is present)."""

    asfr_shape: FloatArray
    """(106,) normalised age schedule of fertility, age of mother on 31 Dec."""
    sex_ratio_at_birth: float
    standards: tuple[StandardLifeTable, StandardLifeTable]
    native_emigration_shape: FloatArray
    """(2, 106) relative emigration intensity by sex and age, population-weighted mean 1."""
    arrival_profiles: FloatArray
    """(inflow, 2, 106) age-sex distribution of arrivals (sums to 1 per inflow)."""
    net_profile: FloatArray
    """(2, 106) age-sex distribution of net migration (sums to 1)."""


@dataclass(frozen=True)
class YearInputs:
    """Per-run inputs of one year. Rates per person per year, counts in persons."""

    tfr: FloatArray
    """(run,) children per woman."""
    e0: FloatArray
    """(run, 2) life expectancy at birth, male and female (years)."""
    native_emigration_rate: FloatArray
    """(run,) net emigration rate of the resident population."""
    arrival_departure: FloatArray
    """(run, motive) share of arrivals leaving within their arrival year."""
    stock_departure: FloatArray
    """(run, motive, duration) departure probability over the year by years since arrival."""
    arrivals: FloatArray | None = None
    """(run, inflow) gross immigration by category, or None."""
    net_migration: FloatArray | None = None
    """(run,) net migration, or None."""


LifeTables = tuple[FloatArray, FloatArray, FloatArray]
_TABLES: OrderedDict[tuple[int, tuple[int, ...], bytes], tuple[Structure, LifeTables]] = OrderedDict()
TABLES_KEPT = 64
"""Life tables remembered: a projection's set-up computes every year's tables (for e65) and its
steps need the same ones again; 64 years of a chunk of 500 runs take about 30 MB."""


def life_tables(structure: Structure, e0: FloatArray) -> LifeTables:
    """Brass life tables for target e0 (run, 2).

    Returns survival ratios (run, 2, 106), the share of births alive on the next 1 January
    L_0 (run, 2), and the sex-neutral remaining life expectancy at 65 (run,) in years (read-only
    arrays: the latest ``TABLES_KEPT`` results are remembered per structure and e0).
    """
    values = np.ascontiguousarray(e0, dtype=np.float64)
    key = (id(structure), values.shape, values.tobytes())
    found = _TABLES.get(key)
    if found is not None and found[0] is structure:  # the entry holds the structure, so ids stay unique
        _TABLES.move_to_end(key)
        return found[1]
    tables = brass_tables(structure.standards, values)
    for array in tables:
        array.setflags(write=False)
    _TABLES[key] = (structure, tables)
    if len(_TABLES) > TABLES_KEPT:
        _TABLES.popitem(last=False)
    return tables


def life_tables_reference(structure: Structure, e0: FloatArray) -> LifeTables:
    """``life_tables`` in numpy, without remembering (the reference ``tables.brass_tables`` is
    tested against)."""
    ratios = np.empty((*e0.shape, N_AGES))
    infants = np.empty_like(e0)
    e65 = np.zeros(e0.shape[0])
    for sex, standard in enumerate(structure.standards):
        lx = brass_lx(standard, solve_brass_alpha(standard, e0[:, sex]))
        lived = person_years(standard, lx)
        ratios[:, sex] = survival_ratios(lived)
        infants[:, sex] = lived[:, 0]
        e65 += 0.5 * remaining_life_expectancy(lived, lx, 65)
    return ratios, infants, e65


def _age_one_year(stock: FloatArray) -> FloatArray:
    """Shift the last (age) axis by one year; 104 and 105+ merge into 105+; age 0 becomes empty."""
    aged = np.zeros_like(stock)
    aged[..., 1:] = stock[..., :-1]
    aged[..., -1] += stock[..., -1]
    return aged


def _next_duration(stock: FloatArray) -> FloatArray:
    """Move immigrant stocks (run, motive, duration, sex, age) to the next duration; 10+ stays."""
    moved = np.zeros_like(stock)
    moved[:, :, 1:] = stock[:, :, :-1]
    moved[:, :, -1] += stock[:, :, -1]
    return moved


Rates = tuple[FloatArray, FloatArray, FloatArray]
"""Employment rates: residents (2, 106), immigrants (2, 106), relative (motive, duration)."""


def step(
    state: State,
    structure: Structure,
    inputs: YearInputs,
    out: State | None = None,
    rates: Rates | None = None,
) -> tuple[State, Flows]:
    """Advance the state by one year (compiled cell loop); check conservation and non-negativity.

    The arithmetic of ``reference_step`` in one pass over each run's cells (``kernel.advance``);
    life tables stay in numpy (they are per run and age, not per cell). ``out``: a state whose
    C-contiguous float64 arrays receive the new stocks (it may be ``state`` itself, which is then
    consumed); without it new arrays are allocated and ``state`` is left as it was. ``rates``: the
    new state's summary also holds the employed persons (``indicators.employed``), from the same pass.
    """
    survival, infant_survival, _ = life_tables(structure, inputs.e0)
    runs = state.resident.shape[0]
    before = state.total()
    resident, immigrants = _contiguous(state.resident), _contiguous(state.immigrants)
    targets = (np.empty_like(resident), np.empty_like(immigrants)) if out is None else _buffers(out)
    flows, sums = kernel.advance(
        (resident, immigrants),
        _year_arrays(inputs, runs),
        (
            _contiguous(survival),
            _contiguous(infant_survival),
            _per_run(inputs.stock_departure, runs),
            _per_run(np.zeros((runs, 0)) if inputs.arrivals is None else inputs.arrivals, runs),
            _per_run(inputs.arrival_departure, runs),
        ),
        _shared_arrays(structure),
        targets,
        _rates(rates, immigrants.shape[1:3]),
    )
    summary = kernel.Summary(*sums[:4], employed=None if rates is None else sums[4])
    new_state = State(resident=targets[0], immigrants=targets[1], summary=summary)
    year_flows = Flows(*(np.ascontiguousarray(flows[:, column]) for column in range(flows.shape[1])))
    check_balance(before, new_state, year_flows)
    return new_state, year_flows


def _rates(rates: Rates | None, groups: tuple[int, ...]) -> Rates:
    """The employment rates for the kernel (zeros without: the employed it returns are then unused)."""
    if rates is None:
        return np.zeros((2, N_AGES)), np.zeros((2, N_AGES)), np.zeros(groups)
    resident, immigrant, relative = rates
    return _contiguous(resident), _contiguous(immigrant), _contiguous(relative)


def _buffers(out: State) -> tuple[FloatArray, FloatArray]:
    """The arrays of ``out`` to write the next state into; they must be C-contiguous float64."""
    for array in (out.resident, out.immigrants):
        if array.dtype != np.float64 or not array.flags.c_contiguous or not array.flags.writeable:
            raise ValueError("step(out=...) needs writeable C-contiguous float64 arrays")
    return out.resident, out.immigrants


def _year_arrays(inputs: YearInputs, runs: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    """TFR, native emigration rate and net migration (0 without) per run, for the kernel."""
    net = np.zeros(runs) if inputs.net_migration is None else inputs.net_migration
    return (
        _per_run(inputs.tfr, runs),
        _per_run(inputs.native_emigration_rate, runs),
        _per_run(net, runs),
    )


def _shared_arrays(
    structure: Structure,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, NDArray[np.int64]]:
    """The schedules every run shares, in the order ``kernel.advance`` takes them."""
    share = np.array([structure.sex_ratio_at_birth, 1.0 - structure.sex_ratio_at_birth])
    return (
        _contiguous(structure.native_emigration_shape),
        _contiguous(structure.asfr_shape),
        share,
        _contiguous(structure.net_profile),
        _contiguous(structure.arrival_profiles),
        INFLOW_MOTIVE.astype(np.int64),
    )


def _contiguous(array: FloatArray) -> FloatArray:
    """``array`` as C-contiguous float64 (one compiled specialisation of the kernel)."""
    return np.ascontiguousarray(array, dtype=np.float64)


def _per_run(array: FloatArray, runs: int) -> FloatArray:
    """``array`` with its leading run axis broadcast to ``runs``, C-contiguous float64."""
    return _contiguous(np.broadcast_to(array, (runs, *np.shape(array)[1:])))


def reference_step(state: State, structure: Structure, inputs: YearInputs) -> tuple[State, Flows]:
    """The step in pure numpy (the reference the compiled ``step`` is tested against); same contract."""
    survival, infant_survival, _ = life_tables(structure, inputs.e0)

    native_emigrants = state.resident * (
        inputs.native_emigration_rate[:, None, None] * structure.native_emigration_shape
    )
    leavers = state.immigrants * inputs.stock_departure[:, :, :, None, None]
    staying_resident = state.resident - native_emigrants
    staying_immigrants = state.immigrants - leavers

    women = staying_resident[:, 1] + staying_immigrants[:, :, :, 1].sum(axis=(1, 2))
    exposure = women * (1.0 + survival[:, 1]) / 2.0
    births = inputs.tfr * row_dot(exposure[:, :-1], structure.asfr_shape[1:])

    survivors_resident = staying_resident * survival
    survivors_immigrants = staying_immigrants * survival[:, None, None]
    newborn_share = np.array([structure.sex_ratio_at_birth, 1.0 - structure.sex_ratio_at_birth])
    newborns = births[:, None] * newborn_share * infant_survival
    deaths = (
        (staying_resident - survivors_resident).sum(axis=(1, 2))
        + (staying_immigrants - survivors_immigrants).sum(axis=(1, 2, 3, 4))
        + births
        - newborns.sum(axis=1)
    )
    resident = _age_one_year(survivors_resident)
    resident[:, :, 0] = newborns
    immigrants = _next_duration(_age_one_year(survivors_immigrants))

    immigration = np.zeros_like(births)
    emigration = native_emigrants.sum(axis=(1, 2)) + leavers.sum(axis=(1, 2, 3, 4))
    if inputs.arrivals is not None:
        arriving = np.einsum("rc,csa->rcsa", inputs.arrivals, structure.arrival_profiles)
        by_motive = np.einsum("rcsa,cm->rmsa", arriving, INFLOW_TO_MOTIVE)
        within_year = by_motive * inputs.arrival_departure[:, :, None, None]
        immigrants[:, :, 0] += by_motive - within_year
        immigration = immigration + by_motive.sum(axis=(1, 2, 3))
        emigration = emigration + within_year.sum(axis=(1, 2, 3))
    if inputs.net_migration is not None:
        net = inputs.net_migration[:, None, None] * structure.net_profile
        resident = resident + net
        immigration = immigration + np.clip(net, 0.0, None).sum(axis=(1, 2))
        emigration = emigration - np.clip(net, None, 0.0).sum(axis=(1, 2))

    new_state = State(resident=resident, immigrants=immigrants)
    flows = Flows(births=births, deaths=deaths, immigration=immigration, emigration=emigration)
    check_conservation(state, new_state, flows)
    return new_state, flows


def check_conservation(before: State, after: State, flows: Flows) -> None:
    """Raise ConservationError if the balancing equation fails or a stock is negative."""
    check_balance(before.total(), after, flows)


def check_balance(before: FloatArray, after: State, flows: Flows) -> None:
    """``check_conservation`` from the total population per run (persons) before the year."""
    expected = before + flows.births - flows.deaths + flows.immigration - flows.emigration
    actual = after.total()
    if not (np.all(np.isfinite(actual)) and np.all(np.isfinite(after.resident))):
        run = int(np.argmin(np.isfinite(actual)))
        raise InfeasibleRunError(f"the population of run {run} is no longer a finite number")
    error = np.abs(actual - expected) / np.maximum(np.abs(expected), 1.0)
    if np.any(error > RELATIVE_TOLERANCE):
        worst = int(np.argmax(error))
        raise ConservationError(
            f"population balance fails for run {worst}: relative error {error[worst]:.3e}"
        )
    check_non_negative(after, actual)


def check_non_negative(after: State, totals: FloatArray) -> None:
    """InfeasibleRunError if an age group of a run falls below zero by more than round-off (relative
    to the run's population): more people would leave or die than there are."""
    floor = -RELATIVE_TOLERANCE * np.maximum(totals, 1.0)
    if after.summary is not None and not np.any(after.summary.smallest < floor):
        return  # the step's own pass found the smallest stock: nothing to look for
    resident_low = after.resident.min(axis=(1, 2))
    immigrant_low = after.immigrants.reshape(len(totals), -1).min(axis=1, initial=0.0)
    below = np.minimum(resident_low, immigrant_low) < floor
    if np.any(below):
        run = int(np.argmax(below))
        if resident_low[run] <= immigrant_low[run]:
            sex, age = np.unravel_index(int(np.argmin(after.resident[run])), after.resident[run].shape)
            group = f"{('men', 'women')[int(sex)]} aged {int(age)}"
        else:
            group = "recent immigrants of some age"
        lowest = min(float(resident_low[run]), float(immigrant_low[run]))
        raise InfeasibleRunError(
            f"the population runs out: in run {run} the {group} would number {lowest:,.0f} "
            "(more people leave or die than there are)"
        )


def empty_immigrants(runs: int) -> FloatArray:
    """An empty immigrant stock (run, motive, duration, sex, age)."""
    return np.zeros((runs, len(MOTIVES), MAX_DURATION + 1, 2, N_AGES))
