"""The system loop: every pillar of a scenario in one monthly loop, coupled both ways where reality is.

Monthly pillars (the asylum chain; later the municipalities' housing) step every month; annual
pillars (population, then the labour market) step at each year end. Coupling values pass between
pillars as the typed objects of ``models.pillar``:

* asylum chain -> population: ``AsylumArrivals`` (grants and follow-on family of the calendar year)
  replace the plan's asylum numbers when the plan says ``asylum_from_chain``;
* municipalities -> asylum chain: ``HousingCapacity`` (status holders that can be housed this month)
  is the outflow of status holders from reception; asylum chain -> municipalities: ``HousingTask``
  (the half-yearly national task in force) and, after the chain's step, ``StatusHoldersHoused`` (who
  were housed: the municipalities share them out, so no status holder is created or lost between
  the two). The municipal pillar (``MunicipalPart``) or any ``HousingPillar`` can take this role.
* population -> labour market: ``LabourForce`` (potential labour force, entrants, people at the
  state pension age) drives replacement demand and domestic supply after 2030.

This module is the only one that knows more than one pillar. A pillar's own arrays never cross into
another pillar except through these values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol, runtime_checkable

import numpy as np
import xarray as xr

from migratielab import progress as progress_report
from migratielab.errors import InfeasibleRunError
from migratielab.models.asylum.chain import ChainConfig, ChainInputs
from migratielab.models.asylum.chain import State as ChainState
from migratielab.models.asylum.chain import step as chain_step
from migratielab.models.asylum.record import ChainRecorder, ChainRun
from migratielab.models.asylum.setup import Remember, computed, forward_set_up
from migratielab.models.labour.outlook import Model as LabourModel
from migratielab.models.labour.outlook import State as LabourState
from migratielab.models.labour.outlook import YearInputs as LabourInputs
from migratielab.models.labour.outlook import step as labour_step
from migratielab.models.labour.record import Recorder as LabourRecorder
from migratielab.models.municipal import setup as municipal_setup
from migratielab.models.municipal.loop import InPlaceMonths
from migratielab.models.municipal.step import Params as MunicipalParams
from migratielab.models.municipal.step import State as MunicipalState
from migratielab.models.pillar import (
    AsylumArrivals,
    HousingCapacity,
    HousingTask,
    IntegrationEmployment,
    LabourForce,
    StatusHoldersHoused,
)
from migratielab.models.population.data import load_base_data
from migratielab.models.population.indicators import potential_labour_force
from migratielab.models.population.projection import State as PopulationState
from migratielab.models.population.simulate import (
    Paths,
    Projection,
    Recorder,
    prepare,
    start_state,
    year_inputs,
)
from migratielab.models.population.simulate import step as population_step
from migratielab.params import ParameterSet
from migratielab.scenario import MunicipalSection, Policy, Scenario

MONTHS_PER_YEAR = 12
municipal_offer = InPlaceMonths.offer
municipal_settle = InPlaceMonths.settle
"""The municipal pillar's two monthly calls (module names, so a benchmark can time them)."""
Progress = Callable[[int, int], None]


class HousingPillar(Protocol):
    """A pillar that houses status holders (the municipalities): task in, capacity out, every month."""

    def capacity(self, t: int, task: HousingTask) -> HousingCapacity:
        """Status holders that can be housed in month ``t`` given the task in force."""


@runtime_checkable
class SettlingHousingPillar(HousingPillar, Protocol):
    """A housing pillar that also learns who the chain housed (to carry backlogs and integrate them)."""

    def settle(self, t: int, housed: StatusHoldersHoused) -> None:
        """The chain housed ``housed`` in month ``t`` (at most the capacity offered)."""


@dataclass(frozen=True)
class AsylumPart:
    """The asylum chain's part of a system run: start state, parameters and policy, monthly inputs."""

    state: ChainState
    config: ChainConfig
    inputs: ChainInputs
    record: Sequence[str] | None = None


@dataclass(frozen=True)
class PopulationPart:
    """The population's part: the prepared projection, its start state, and where asylum numbers come from."""

    projection: Projection
    state: PopulationState
    detail: bool = True
    asylum_from_chain: bool = False


@dataclass(frozen=True)
class MunicipalPart:
    """The municipalities' part: their parameters (run, municipality) and start state."""

    params: MunicipalParams
    state: MunicipalState


@dataclass(frozen=True)
class LabourPart:
    """The labour market's part: step model, start state, plan arrivals (year, run, channel) persons/year."""

    model: LabourModel
    state: LabourState
    arrivals: np.ndarray
    codes: tuple[str, ...]


@dataclass(frozen=True)
class System:
    """What one system run needs: the months it covers and the parts of the pillars that take part."""

    start_year: int
    months: int
    asylum: AsylumPart | None = None
    population: PopulationPart | None = None
    housing: HousingPillar | None = None
    municipal: MunicipalPart | None = None
    labour: LabourPart | None = None


@dataclass(frozen=True)
class SystemRun:
    """The results of a system run, one per pillar that took part."""

    asylum: ChainRun | None
    population: xr.Dataset | None
    labour: xr.Dataset | None = None
    municipal: xr.Dataset | None = None


class _MunicipalLoop:
    """The municipalities inside the loop: a ``SettlingHousingPillar`` over the compiled month in place."""

    def __init__(self, part: MunicipalPart, months: int) -> None:
        self.months = InPlaceMonths(part.params, part.state, months)
        self.recorder = self.months.recorder
        self.employment: list[IntegrationEmployment] = []

    def capacity(self, t: int, task: HousingTask) -> HousingCapacity:
        """What the municipalities offer to house in month ``t`` for the national task in force."""
        return HousingCapacity(persons=municipal_offer(self.months, task.persons))

    def settle(self, t: int, housed: StatusHoldersHoused) -> None:
        """Share out who the chain housed, carry backlogs over, integrate; record the month."""
        national = municipal_settle(self.months, t, housed.persons)
        self.employment.append(
            IntegrationEmployment(passed=national["passed"], extra_employed=national["extra_employed"])
        )


class _ChainLoop:
    """The asylum chain inside the loop: steps, records, and sums grants and family per calendar year."""

    def __init__(self, part: AsylumPart, months: int, housing: HousingPillar | None) -> None:
        self.part, self.state, self.housing = part, part.state, housing
        runs = part.inputs.applications.shape[0]
        self.recorder = ChainRecorder(runs, months, part.record)
        self.grants = np.zeros((runs, MONTHS_PER_YEAR))
        self.family = np.zeros((runs, MONTHS_PER_YEAR))
        self.task = HousingTask(persons=self.state.quota_per_month)

    def advance(self, t: int) -> None:
        """Step month ``t``; with a housing pillar its capacity for the task in force is the outflow."""
        inputs = self.part.inputs.month(t)
        if self.housing is not None:
            capacity = self.housing.capacity(t, self.task)
            inputs = replace(inputs, housing_capacity=capacity.persons)
        self.state, flows = chain_step(self.state, self.part.config, inputs, t)
        if isinstance(self.housing, SettlingHousingPillar):
            self.housing.settle(t, StatusHoldersHoused(persons=flows.housed))
        self.recorder.add(t, flows)
        self.task = HousingTask(persons=self.state.quota_per_month)
        self.grants[:, t % MONTHS_PER_YEAR] = flows.grants_first_instance + flows.grants_appeal
        self.family[:, t % MONTHS_PER_YEAR] = flows.family_arrivals

    def year_arrivals(self) -> AsylumArrivals:
        """Grants and follow-on family of the calendar year that just ended (persons per year)."""
        return AsylumArrivals(grants=self.grants.sum(axis=1), family=self.family.sum(axis=1))

    def result(self, start_year: int) -> ChainRun:
        """The chain's run."""
        return self.recorder.result(start_year, self.state)


class _PopulationLoop:
    """The population inside the loop: one annual step at each year end."""

    def __init__(self, part: PopulationPart) -> None:
        # the loop owns a copy of the start state and steps it in place (no fresh arrays each year)
        start = part.state
        self.part = part
        self.state = PopulationState(resident=start.resident.copy(), immigrants=start.immigrants.copy())
        self.recorder = Recorder(part.projection, part.detail)
        self.recorder.record_state(0, self.state)

    def advance(self, year_index: int, asylum: AsylumArrivals | None) -> None:
        """Step flow year ``year_index`` (``asylum``: the chain's numbers replace the plan's)."""
        inputs = year_inputs(self.part.projection, year_index, asylum)
        self.state, flows = population_step(
            self.state, self.part.projection, inputs, year_index, out=self.state
        )
        self.recorder.record_flows(year_index, flows, inputs)
        self.recorder.record_state(year_index + 1, self.state)

    def labour_force(self, year_index: int) -> LabourForce:
        """The labour force on 1 January after flow year ``year_index`` (coupling to the labour market)."""
        by_sex_age = self.state.by_sex_age()
        aow = self.part.projection.aow[:, year_index + 1]
        by_age = by_sex_age.sum(axis=1)
        at_pension_age = np.take_along_axis(by_age, np.floor(aow).astype(int)[:, None], axis=1)[:, 0]
        return LabourForce(
            potential=potential_labour_force(by_sex_age, aow), entrants=by_age[:, 20], retiring=at_pension_age
        )


class _LabourLoop:
    """The labour market inside the loop: one annual step at each year end, after the population's."""

    def __init__(self, part: LabourPart, start_year: int) -> None:
        self.part, self.state = part, part.state
        years = list(range(start_year, start_year + part.arrivals.shape[0]))
        self.recorder = LabourRecorder(part.arrivals.shape[1], years, part.codes)

    def advance(self, year_index: int, labour_force: LabourForce | None) -> None:
        """Step year ``year_index`` with the plan's arrivals and the population's labour force (if any)."""
        inputs = LabourInputs(self.part.arrivals[year_index], labour_force)
        self.state, flows = labour_step(self.state, self.part.model, inputs, year_index)
        self.recorder.add(year_index, flows)


def asylum_part(
    scenario: Scenario,
    policy: Policy,
    run_ids: np.ndarray,
    parameters: ParameterSet,
    per_run_values: dict[str, np.ndarray] | None = None,
    record: Sequence[str] | None = None,
    remember: Remember[Any] = computed,
) -> AsylumPart:
    """The asylum chain's part of a forward run of ``policy`` for ``run_ids`` (from the replayed state;
    ``remember`` may hand out set-up pieces computed before, ``setup.forward_set_up``)."""
    state, chain_parameters, arrays, inputs = forward_set_up(
        scenario, policy, run_ids, parameters, per_run_values, remember
    )
    return AsylumPart(state, ChainConfig(chain_parameters, arrays), inputs, record)


def population_part(
    paths: Paths, params: ParameterSet, detail: bool = True, asylum_from_chain: bool = False
) -> PopulationPart:
    """The population's part of a run: the projection prepared from ``paths`` and its observed start."""
    data = load_base_data()
    projection = prepare(paths, params, data)
    return PopulationPart(projection, start_state(projection, data), detail, asylum_from_chain)


def municipal_part(
    section: MunicipalSection,
    params: ParameterSet,
    seed: int,
    run_ids: Sequence[int],
    start_year: int,
    sample: bool = True,
    per_run: Mapping[str, np.ndarray] | None = None,
) -> MunicipalPart:
    """The municipalities' part for ``run_ids``; no backlog at the start (the chain's task already
    asks for part of its waiting list, so a municipal backlog on top would count those twice).
    ``per_run``: (run,) values of uncertain parameters or national levers (``municipal_setup.PER_RUN``)."""
    arrays = municipal_setup.parameters(section, params, seed, run_ids, start_year, sample, per_run)
    return MunicipalPart(arrays, municipal_setup.initial_state(arrays, np.zeros(len(run_ids))))


def run(system: System, progress: Progress | None = None) -> SystemRun:
    """Run every pillar of ``system`` month by month; annual pillars step in December.

    Without ``progress`` the months done go to the active reporter, if any (``migratielab.progress``).
    """
    progress = progress if progress is not None else progress_report.current()
    if system.municipal is not None and (system.housing is not None or system.asylum is None):
        raise ValueError("the municipal pillar needs the asylum chain and replaces any other housing pillar")
    municipal = None if system.municipal is None else _MunicipalLoop(system.municipal, system.months)
    housing = municipal if municipal is not None else system.housing
    chain = None if system.asylum is None else _ChainLoop(system.asylum, system.months, housing)
    population = None if system.population is None else _PopulationLoop(system.population)
    labour = None if system.labour is None else _LabourLoop(system.labour, system.start_year)
    coupled = chain is not None and system.population is not None and system.population.asylum_from_chain
    for t in range(system.months):
        try:
            if chain is not None:
                chain.advance(t)
            if t % MONTHS_PER_YEAR == MONTHS_PER_YEAR - 1:
                arrivals = chain.year_arrivals() if coupled and chain else None
                _year_end(t // MONTHS_PER_YEAR, population, labour, arrivals)
        except InfeasibleRunError as error:
            raise InfeasibleRunError(f"{error} in {system.start_year + t // MONTHS_PER_YEAR}") from None
        if progress is not None:
            progress(t + 1, system.months)
    return SystemRun(
        asylum=None if chain is None else chain.result(system.start_year),
        population=None if population is None else population.recorder.dataset(),
        municipal=None if municipal is None else municipal.recorder.dataset(system.start_year),
        labour=None if labour is None else labour.recorder.dataset(),
    )


def _year_end(
    year: int, population: _PopulationLoop | None, labour: _LabourLoop | None, asylum: AsylumArrivals | None
) -> None:
    """December: the population steps first, then the labour market with the population's labour force."""
    if population is not None:
        population.advance(year, asylum)
    if labour is not None:
        labour.advance(year, None if population is None else population.labour_force(year))


# --- A plan-year cohort of the labour pillar followed through the population pillar -------------------

COHORT_AGES = (18, 64)
"""Ages on arrival of the labour pillar's plans (the population's arrival profiles cut to these ages)."""
COHORT_INFLOW = {
    "labour_eu": "labour_eu",
    "knowledge": "labour_non_eu",
    "labour_non_eu_other": "labour_non_eu",
    "study": "study",
    "family": "family",
    "asylum": "asylum",
    "partnership": "labour_non_eu",
}
"""Population inflow whose age profile and departure hazards a labour channel's arrivals follow;
the partnership keeps the age profile of non-EU labour but its own departure hazards (labour.yaml)."""


def _cohort_projection(
    labour: ParameterSet, population: ParameterSet, start_year: int, years: int, ages: tuple[int, int]
) -> Projection:
    """The population pillar set up for one arrival per channel (one row per channel), nothing else:
    no births, no residents, no native emigration; arrivals of the first year only."""
    from migratielab.models.labour.channels import CHANNELS
    from migratielab.models.population.components import departure_by_duration
    from migratielab.models.population.paths import e0_paths
    from migratielab.models.population.projection import INFLOWS, MOTIVES

    data = load_base_data()
    start = min(start_year, max(data.population))
    rows = len(CHANNELS)
    arrivals = np.zeros((rows, len(INFLOWS), years))
    arrivals[np.arange(rows), [INFLOWS.index(COHORT_INFLOW[c]) for c in CHANNELS], 0] = 1.0
    multiplier = np.full(rows, population.scalar("departure_multiplier"))
    paths = Paths(
        start, np.zeros((rows, years)), e0_paths(start, start + years, None, population, np.zeros(rows)),
        np.zeros(rows), multiplier, arrivals=arrivals,
    )  # fmt: skip
    projection = prepare(paths, population, data)
    outside = (np.arange(projection.structure.arrival_profiles.shape[-1]) < ages[0]) | (
        np.arange(projection.structure.arrival_profiles.shape[-1]) > ages[1]
    )
    profiles = np.where(outside, 0.0, projection.structure.arrival_profiles)
    profiles /= profiles.sum(axis=(1, 2), keepdims=True)
    arrival_departure, stock_departure = (
        projection.arrival_departure.copy(),
        projection.stock_departure.copy(),
    )
    own = CHANNELS.index("partnership")
    hazards = labour.vector("departure_partnership") * multiplier[own]
    motive = MOTIVES.index(COHORT_INFLOW["partnership"])
    arrival_departure[own, motive], stock_departure[own, motive] = departure_by_duration(
        hazards, population.vector("departure_bounds")
    )
    return replace(
        projection,
        structure=replace(projection.structure, arrival_profiles=profiles),
        arrival_departure=arrival_departure,
        stock_departure=stock_departure,
    )


def follow_plan_cohort(
    labour: ParameterSet,
    population: ParameterSet,
    start_year: int,
    years: int,
    ages: tuple[int, int] = COHORT_AGES,
) -> tuple[np.ndarray, np.ndarray]:
    """One arrival per labour channel followed through the population pillar's step for ``years`` years.

    Returns ``present`` (channel, years): the share still in the Netherlands and alive at the start of
    each year since arrival (1 in the arrival year; departures by motive and duration, deaths by age
    from the population's life tables), and ``below_pension`` (channel, years): of those present, the
    share below the state pension age of that year. Arrival ages follow the population's profile of
    the channel's inflow, cut to ``ages`` (inclusive).
    """
    from migratielab.models.population.projection import State as Stocks
    from migratielab.models.population.projection import empty_immigrants

    projection = _cohort_projection(labour, population, start_year, years, ages)
    rows = projection.paths.runs
    state = Stocks(
        np.zeros((rows, 2, projection.structure.arrival_profiles.shape[-1])), empty_immigrants(rows)
    )
    present, below = np.ones((rows, years)), np.ones((rows, years))
    for index in range(years - 1):
        state, _ = population_step(state, projection, year_inputs(projection, index), index)
        by_age = state.by_sex_age().sum(axis=1)
        total = by_age.sum(axis=1)
        pension = projection.aow[:, index + 1]
        ages_now = np.arange(by_age.shape[1])
        younger = (ages_now[None, :] < np.floor(pension)[:, None]) + (
            ages_now[None, :] == np.floor(pension)[:, None]
        ) * (pension - np.floor(pension))[:, None]
        present[:, index + 1] = total
        below[:, index + 1] = np.divide(
            (by_age * younger).sum(axis=1), total, out=np.zeros(rows), where=total > 0
        )
    return present, below
