"""The municipal month as compiled loop nests over runs and municipalities (numba), in place.

``step.offer`` and ``step.step`` are the pure-numpy statement of the month and stay the reference:
``tests/models/municipal/test_kernel.py`` checks that these kernels reproduce them to 1e-9
relative. The system loop calls ``offer`` before the asylum chain and ``settle`` after it; between
them nothing is allocated: the backlog is updated in place, the integration pipeline is a ring
(the month's entrants overwrite the slot of those leaving the pipeline, nothing is shifted), and
the month's flows are added straight into the recorder's arrays. Cell values are computed with the
reference's expressions in the reference's order; only sums over municipalities and over the
pipeline are accumulated in another order (differences of the order of 1e-15).

Units as in ``step``: persons per month, EUR; shares.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from migratielab.models.municipal.step import Params

CELL_PARAMS = (
    "base_share",
    "flexible_persons_per_month",
    "pass_rate",
    "employment_gain",
    "voluntary_per_month",
)
"""Parameters that differ by run and municipality, packed (run, municipality, parameter)."""
RUN_PARAMS = (
    "max_share",
    "pressure_months",
    "lead_months",
    "persons_per_dwelling",
    "obliged_share",
    "fined_share",
    "cost_per_person",
    "voluntary_cost_public",
)
"""Parameters per run (``Params`` gives them as (run, 1)), packed (run, parameter)."""
TOWN_PARAMS = ("population_share", "lettings_per_month", "family_obliged_per_month")
"""Parameters per municipality (``Params`` gives them as (M,)), packed (municipality, parameter)."""
BASE, FLEXIBLE, PASS_RATE, GAIN, VOLUNTARY = range(len(CELL_PARAMS))
MAX_SHARE, PRESSURE, LEAD, PER_DWELLING, OBLIGED, FINED, COST, VOLUNTARY_COST = range(len(RUN_PARAMS))
SHARE, LETTINGS, FAMILY = range(len(TOWN_PARAMS))
Packed = tuple[np.ndarray, np.ndarray, np.ndarray]
"""(cell (run, town, parameter), run (run, parameter), town (town, parameter)) parameters."""
FLOWS = (
    "task",
    "capacity",
    "housed",
    "written_off",
    "obliged_started",
    "passed",
    "missed_term",
    "fined",
    "fines_eur",
    "cost_eur",
    "voluntary_learners",
    "extra_employed",
)
"""The month's flows in the order of the recorder's first axis (``step.Flows`` field order)."""
NATIONAL = ("task", "housed", "capacity", "written_off", "passed", "extra_employed")
"""National sums per run that ``settle`` writes for the month (persons)."""


def cells(params: Params, runs: int, towns: int) -> Packed:
    """The parameters packed for the kernels: a municipality's parameters lie side by side, so a
    month reads them in one stream; those that are the same for all municipalities (or all runs)
    are stored once (a parameter with more axes than ``Params`` gives it is refused: ValueError)."""
    cell = np.empty((runs, towns, len(CELL_PARAMS)))
    for index, name in enumerate(CELL_PARAMS):
        cell[:, :, index] = getattr(params, name)
    run = np.empty((runs, len(RUN_PARAMS)))
    for index, name in enumerate(RUN_PARAMS):
        run[:, index] = np.broadcast_to(getattr(params, name), (runs, 1))[:, 0]
    town = np.empty((towns, len(TOWN_PARAMS)))
    for index, name in enumerate(TOWN_PARAMS):
        town[:, index] = np.broadcast_to(getattr(params, name), (towns,))
    return cell, run, town


@njit(cache=True, nogil=True, inline="always")
def _offer_cell(
    p: Packed, run: int, town: int, backlog: float, task: float
) -> tuple[float, float, float, float]:
    """One municipality's (own task, due, capacity, offered) as ``step.offer`` computes them."""
    own_task = task * p[2][town, SHARE]
    due = backlog + own_task
    months_behind = 0.0
    if own_task > 1e-9:
        months_behind = backlog / (own_task * p[1][run, PRESSURE])
    pressure = min(max(months_behind, 0.0), 1.0)
    base = p[0][run, town, BASE]
    share = base + max(p[1][run, MAX_SHARE] - base, 0.0) * pressure
    capacity = p[2][town, LETTINGS] * share * p[1][run, PER_DWELLING] + p[0][run, town, FLEXIBLE]
    offered = max(min(capacity, due + p[1][run, LEAD] * own_task), 0.0)
    return own_task, due, capacity, offered


@njit(cache=True, nogil=True)
def offer(backlog: np.ndarray, p: Packed, task: np.ndarray) -> np.ndarray:
    """National capacity (run,): what the municipalities offer for the national ``task`` (run,)."""
    runs, towns = backlog.shape
    national = np.empty(runs)
    for run in range(runs):
        total = 0.0
        for town in range(towns):
            total += _offer_cell(p, run, town, backlog[run, town], task[run])[3]
        national[run] = total
    return national


@njit(cache=True, nogil=True)
def _passing(ring: np.ndarray, head: int, pmf: np.ndarray, entering: np.ndarray, out: np.ndarray) -> None:
    """``out`` (town,) = sum over months since housing m = 0 .. L-2 of the pipeline before the month
    times ``pmf[m + 1]`` (they are a month further on), plus ``entering`` x ``pmf[0]``.

    ``ring`` (L, town) holds months since housing m at row (head + m) % L; the loop runs along
    municipalities (it vectorises without reordering any sum).
    """
    length = ring.shape[0]
    out[:] = 0.0
    for months in range(length - 1):
        weight = pmf[months + 1]
        if weight == 0.0:  # months before the intake and after the term: nothing to add
            continue
        row = ring[(head + months) % length]
        for town in range(out.shape[0]):
            out[town] += row[town] * weight
    for town in range(out.shape[0]):
        out[town] += entering[town] * pmf[0]


@njit(cache=True, nogil=True, inline="always")
def _integrate_cell(
    p: Packed, run: int, town: int, flows: np.ndarray, passing: float, leaving: float, fine_amount: float
) -> None:
    """One municipality's integration flows (``step._integration_flows``) into ``flows`` (flow,),
    whose task .. obliged (indices 0-4) are set; ``passing`` = sum of pipeline x pmf, ``leaving``
    = the entrants reaching the end of the pipeline (persons)."""
    rate = p[0][run, town, PASS_RATE]
    voluntary = p[0][run, town, VOLUNTARY]
    passed = rate * passing
    missed = leaving * (1.0 - rate)
    fined = missed * p[1][run, FINED]
    flows[town, 5] = passed
    flows[town, 6] = missed
    flows[town, 7] = fined
    flows[town, 8] = fined * fine_amount
    flows[town, 9] = flows[town, 4] * p[1][run, COST] + voluntary * p[1][run, VOLUNTARY_COST]
    flows[town, 10] = voluntary
    flows[town, 11] = (passed + voluntary * rate) * p[0][run, town, GAIN]


@njit(cache=True, nogil=True)
def _share_and_carry(
    backlog: np.ndarray, p: Packed, run: int, task: float, filled: float, first: np.ndarray
) -> float:
    """Every municipality's offer, housed, written off and new backlog (in place) of one run; writes
    task, capacity, housed, written off and obliged (persons) into ``first`` (town, flow); returns
    the largest backlog carry-over error (persons)."""
    error = 0.0
    for town in range(backlog.shape[0]):
        before = backlog[town]
        own_task, due, capacity, offered = _offer_cell(p, run, town, before, task)
        housed = offered * filled
        written_off = (1.0 - filled) * min(offered, max(due, 0.0))
        after = due - housed - written_off
        backlog[town] = after
        first[town, 0] = own_task
        first[town, 1] = capacity
        first[town, 2] = housed
        first[town, 3] = written_off
        first[town, 4] = housed * p[1][run, OBLIGED] + p[2][town, FAMILY]
        error = max(error, abs(before + own_task - housed - written_off - after))
    return error


@njit(cache=True, nogil=True)
def _settle_run(
    backlog: np.ndarray,
    ring: np.ndarray,
    head: int,
    p: Packed,
    pmf: np.ndarray,
    run: int,
    given: tuple[float, float, float],
    year: np.ndarray,
    out: np.ndarray,
) -> None:
    """One run's month (see ``settle``): ``given`` = (national task, share of the offer filled, fine
    amount); ``ring`` (L, town); ``year`` (town, flow) receives the flows; ``out`` (national + 2,)
    the national sums, the largest backlog carry-over error and the most negative flow."""
    task, filled, fine_amount = given
    length, towns = ring.shape
    flows = np.empty((towns, len(FLOWS)))
    passing = np.empty(towns)
    error = _share_and_carry(backlog, p, run, task, filled, flows)
    _passing(ring, head, pmf, flows[:, 4], passing)
    leaving = ring[(head + length - 2) % length]
    entering = ring[(head + length - 1) % length]
    for town in range(towns):
        _integrate_cell(p, run, town, flows, passing[town], leaving[town], fine_amount)
        entering[town] = flows[town, 4]
        for flow in range(len(FLOWS)):
            year[town, flow] += flows[town, flow]
    _national(flows, out)
    out[len(NATIONAL)] = error


@njit(cache=True, nogil=True)
def _national(flows: np.ndarray, out: np.ndarray) -> None:
    """``out`` = the national sums of ``NATIONAL`` of one run's month (town, flow), then (left as
    it is) the backlog error, then the most negative of capacity .. missed (0 when none is)."""
    task = housed = capacity = written_off = passed = employed = lowest = 0.0
    for town in range(flows.shape[0]):
        task += flows[town, 0]
        capacity += flows[town, 1]
        housed += flows[town, 2]
        written_off += flows[town, 3]
        passed += flows[town, 5]
        employed += flows[town, 11]
        lowest = min(lowest, flows[town, 1], flows[town, 2], flows[town, 3])
        lowest = min(lowest, flows[town, 4], flows[town, 5], flows[town, 6])
    out[0], out[1], out[2], out[3], out[4], out[5] = task, housed, capacity, written_off, passed, employed
    out[len(NATIONAL) + 1] = lowest


@njit(cache=True, nogil=True)
def settle(
    state: tuple[np.ndarray, np.ndarray, int],
    p: Packed,
    pmf: np.ndarray,
    month: tuple[np.ndarray, np.ndarray, np.ndarray, float],
    year: np.ndarray,
) -> np.ndarray:
    """Share out who the chain housed, carry backlogs over and integrate, in place, for every run.

    ``state`` = (backlog (run, town), pipeline ring (run, L, town), head: the row of month 0);
    the month's entrants go to row (head - 1) % L, the new head. ``month`` = (national task (run,),
    housed (run,), national offer (run,) from ``offer``, fine amount EUR); ``pmf`` (run, L).
    ``year`` (run, town, flow) receives the flows in ``FLOWS`` order (added). Returns (run,
    national + 2): the national sums of ``NATIONAL``, the largest backlog carry-over error and the
    most negative flow (persons).
    """
    backlog, pipeline, head = state
    task, housed, offered, fine_amount = month
    out = np.empty((backlog.shape[0], len(NATIONAL) + 2))
    for run in range(backlog.shape[0]):
        filled = 0.0
        if offered[run] > 0:
            filled = min(housed[run] / offered[run], 1.0)
        _settle_run(
            backlog[run],
            pipeline[run],
            head,
            p,
            pmf[run],
            run,
            (task[run], filled, fine_amount),
            year[run],
            out[run],
        )
    return out
