"""The system loop: every pillar of a scenario in one monthly loop, coupled both ways where reality is.

Monthly pillars (the asylum chain; later the municipalities' housing) step every month; annual
pillars (population; later the labour market) step at each year end. Coupling values pass between
pillars as the typed objects of ``models.pillar``:

* asylum chain -> population: ``AsylumArrivals`` (grants and follow-on family of the calendar year)
  replace the plan's asylum numbers when the plan says ``asylum_from_chain``;
* municipalities -> asylum chain: ``HousingCapacity`` (status holders that can be housed this month)
  is the outflow of status holders from reception; asylum chain -> municipalities: ``HousingTask``
  (the half-yearly national task in force).

This module is the only one that knows more than one pillar. A pillar's own arrays never cross into
another pillar except through these values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np
import xarray as xr

from migratielab.errors import InfeasibleRunError
from migratielab.models.asylum.chain import ChainConfig, ChainInputs
from migratielab.models.asylum.chain import State as ChainState
from migratielab.models.asylum.chain import step as chain_step
from migratielab.models.asylum.record import ChainRecorder, ChainRun
from migratielab.models.asylum.setup import forward_set_up
from migratielab.models.pillar import AsylumArrivals, HousingCapacity, HousingTask
from migratielab.models.population.data import load_base_data
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
from migratielab.scenario import Policy, Scenario

MONTHS_PER_YEAR = 12
Progress = Callable[[int, int], None]


class HousingPillar(Protocol):
    """A pillar that houses status holders (the municipalities): task in, capacity out, every month."""

    def capacity(self, t: int, task: HousingTask) -> HousingCapacity:
        """Status holders that can be housed in month ``t`` given the task in force."""


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
class System:
    """What one system run needs: the months it covers and the parts of the pillars that take part."""

    start_year: int
    months: int
    asylum: AsylumPart | None = None
    population: PopulationPart | None = None
    housing: HousingPillar | None = None


@dataclass(frozen=True)
class SystemRun:
    """The results of a system run, one per pillar that took part."""

    asylum: ChainRun | None
    population: xr.Dataset | None


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
        self.part, self.state = part, part.state
        self.recorder = Recorder(part.projection, part.detail)
        self.recorder.record_state(0, self.state)

    def advance(self, year_index: int, asylum: AsylumArrivals | None) -> None:
        """Step flow year ``year_index`` (``asylum``: the chain's numbers replace the plan's)."""
        inputs = year_inputs(self.part.projection, year_index, asylum)
        self.state, flows = population_step(self.state, self.part.projection, inputs, year_index)
        self.recorder.record_flows(year_index, flows, inputs)
        self.recorder.record_state(year_index + 1, self.state)


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


def run(system: System, progress: Progress | None = None) -> SystemRun:
    """Run every pillar of ``system`` month by month; annual pillars step in December."""
    chain = None if system.asylum is None else _ChainLoop(system.asylum, system.months, system.housing)
    population = None if system.population is None else _PopulationLoop(system.population)
    coupled = chain is not None and system.population is not None and system.population.asylum_from_chain
    for t in range(system.months):
        try:
            if chain is not None:
                chain.advance(t)
            if population is not None and t % MONTHS_PER_YEAR == MONTHS_PER_YEAR - 1:
                population.advance(t // MONTHS_PER_YEAR, chain.year_arrivals() if coupled and chain else None)
        except InfeasibleRunError as error:
            raise InfeasibleRunError(f"{error} in {system.start_year + t // MONTHS_PER_YEAR}") from None
        if progress is not None:
            progress(t + 1, system.months)
    return SystemRun(
        asylum=None if chain is None else chain.result(system.start_year),
        population=None if population is None else population.recorder.dataset(),
    )
