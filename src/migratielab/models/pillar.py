"""The pillar contract: what every model module (asylum, population, labour, municipal) provides.

A pillar is a small set of pure functions over arrays with a leading ``run`` axis:

* ``initial_state(...) -> State``: the stocks at the start, built from data by the pillar's set-up;
* ``step(state, params, inputs, t) -> (State, Flows)``: advance one time step (a month for the
  asylum chain, a year for population); ``State`` and ``Flows`` are frozen dataclasses of arrays;
* a registry of its variables (``models/<pillar>/variables.yaml``, read by ``models.variables``);
* its own random stream per run (``models.random.pillar_stream``).

``models/system.py`` is the only module that knows more than one pillar: it calls each pillar's
``step`` in one monthly loop (annual pillars at year ends) and passes coupling values between them
as the typed objects below.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class AsylumArrivals:
    """Coupling asylum chain -> population: people who enter the population in one calendar year.

    ``grants`` (run,) status holders granted a permit (first instance and appeal), persons per year;
    ``family`` (run,) follow-on family who arrived, persons per year.
    """

    grants: np.ndarray
    family: np.ndarray


@dataclass(frozen=True)
class HousingCapacity:
    """Coupling municipalities -> asylum chain: status holders municipalities can house this month.

    ``persons`` (run,) persons per month; the chain serves its waiting list oldest first up to it.
    """

    persons: np.ndarray


@dataclass(frozen=True)
class HousingTask:
    """Coupling asylum chain -> municipalities: the national housing task in force this month.

    ``persons`` (run,) persons per month asked of all municipalities together.
    """

    persons: np.ndarray


@dataclass(frozen=True)
class StatusHoldersHoused:
    """Coupling asylum chain -> municipalities after the chain's step: status holders it housed.

    ``persons`` (run,) persons this month; never more than the ``HousingCapacity`` offered.
    """

    persons: np.ndarray


@dataclass(frozen=True)
class IntegrationEmployment:
    """Coupling municipalities -> labour market: civic integration's effect on work, one month.

    ``passed`` (run,) persons who passed their integration route (or a voluntary Dutch course);
    ``extra_employed`` (run,) persons in work who would not be without passing (persons added this
    month). A labour pillar adds ``extra_employed`` to the employment of recent migrants.
    """

    passed: np.ndarray
    extra_employed: np.ndarray


@dataclass(frozen=True)
class LabourForce:
    """Coupling population -> labour market: the labour force and its age structure at a year end.

    ``potential`` (run,) persons aged 20 to the state pension age; ``entrants`` (run,) persons aged
    20 (the cohort entering the labour force); ``retiring`` (run,) persons at the state pension age
    (the cohort leaving it); all on 1 January after the step, persons.
    """

    potential: np.ndarray
    entrants: np.ndarray
    retiring: np.ndarray
