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

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol, runtime_checkable

import numpy as np
import xarray as xr

from migratielab.models.asylum.chain import ChainConfig, ChainInputs
from migratielab.models.asylum.chain import State as ChainState
from migratielab.models.asylum.chain import step as chain_step
from migratielab.models.asylum.record import ChainRecorder, ChainRun
from migratielab.models.asylum.setup import forward_set_up
from migratielab.models.labour.outlook import Model as LabourModel
from migratielab.models.labour.outlook import State as LabourState
from migratielab.models.labour.outlook import YearInputs as LabourInputs
from migratielab.models.labour.outlook import step as labour_step
from migratielab.models.labour.record import Recorder as LabourRecorder
from migratielab.models.municipal import setup as municipal_setup
from migratielab.models.municipal.record import MunicipalRecorder
from migratielab.models.municipal.step import MonthInputs as MunicipalInputs
from migratielab.models.municipal.step import Offer as MunicipalOffer
from migratielab.models.municipal.step import Params as MunicipalParams
from migratielab.models.municipal.step import State as MunicipalState
from migratielab.models.municipal.step import offer as municipal_offer
from migratielab.models.municipal.step import step as municipal_step
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
    """The municipalities inside the loop: a ``SettlingHousingPillar`` over the municipal step."""

    def __init__(self, part: MunicipalPart, months: int) -> None:
        # the loop owns a copy of the start pipeline and steps it in place (no fresh array each month)
        start = part.state
        self.params = part.params
        self.state = replace(start, pipeline=np.array(start.pipeline, dtype=np.float64, order="C"))
        self.recorder = MunicipalRecorder(part.state.backlog.shape[0], months)
        self.task = np.zeros(part.state.backlog.shape[0])
        self.offer: MunicipalOffer | None = None
        self.employment: list[IntegrationEmployment] = []

    def capacity(self, t: int, task: HousingTask) -> HousingCapacity:
        """What the municipalities offer to house in month ``t`` for the national task in force."""
        self.task = np.asarray(task.persons, dtype=float)
        self.offer = municipal_offer(self.state, self.params, self.task)
        return HousingCapacity(persons=self.offer.offered.sum(axis=1))

    def settle(self, t: int, housed: StatusHoldersHoused) -> None:
        """Share out who the chain housed, carry backlogs over, integrate; record the month."""
        inputs = MunicipalInputs(task=self.task, housed=housed.persons)
        self.state, flows = municipal_step(
            self.state, self.params, inputs, t, out=self.state, month=self.offer
        )
        self.recorder.add(t, flows, self.state)
        self.employment.append(
            IntegrationEmployment(
                passed=flows.passed.sum(axis=1), extra_employed=flows.extra_employed.sum(axis=1)
            )
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
) -> AsylumPart:
    """The asylum chain's part of a forward run of ``policy`` for ``run_ids`` (from the replayed state)."""
    state, chain_parameters, arrays, inputs = forward_set_up(
        scenario, policy, run_ids, parameters, per_run_values
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
) -> MunicipalPart:
    """The municipalities' part for ``run_ids``; no backlog at the start (the chain's task already
    asks for part of its waiting list, so a municipal backlog on top would count those twice)."""
    arrays = municipal_setup.parameters(section, params, seed, run_ids, start_year, sample)
    return MunicipalPart(arrays, municipal_setup.initial_state(arrays, np.zeros(len(run_ids))))


def run(system: System, progress: Progress | None = None) -> SystemRun:
    """Run every pillar of ``system`` month by month; annual pillars step in December."""
    if system.municipal is not None and (system.housing is not None or system.asylum is None):
        raise ValueError("the municipal pillar needs the asylum chain and replaces any other housing pillar")
    municipal = None if system.municipal is None else _MunicipalLoop(system.municipal, system.months)
    housing = municipal if municipal is not None else system.housing
    chain = None if system.asylum is None else _ChainLoop(system.asylum, system.months, housing)
    population = None if system.population is None else _PopulationLoop(system.population)
    labour = None if system.labour is None else _LabourLoop(system.labour, system.start_year)
    coupled = chain is not None and system.population is not None and system.population.asylum_from_chain
    for t in range(system.months):
        if chain is not None:
            chain.advance(t)
        if t % MONTHS_PER_YEAR == MONTHS_PER_YEAR - 1:
            _year_end(
                t // MONTHS_PER_YEAR, population, labour, chain.year_arrivals() if coupled and chain else None
            )
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
