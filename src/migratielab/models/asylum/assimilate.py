"""State estimation for the replay of history: correct the chain's stocks at observed snapshots.

A replay driven by observed inflow drifts away from the observed stocks (the model's structure is
simpler than the chain). So that forward runs start from the observed state, the replay applies an
analysis step at the end of every month with an observation (direct insertion, a simple form of
sequential data assimilation):

* IND backlog observed: every first-instance queue bin is scaled by observed / modelled;
* status holders waiting observed: every holders bin is scaled by observed / modelled;
* reception occupancy: the people in appeal and the rejected in reception are scaled so that
  the people in reception (everyone in the chain but the applicants living outside reception)
  match the observed occupancy, after the two corrections above; in a
  month without an occupancy observation they keep the modelled total instead (an observed backlog
  or holders count then changes the composition of the people in reception, not their number).

Scaling keeps the modelled shape (tracks, months waited). A correction is not a flow: the chain's
conservation check covers each month's step; the corrections are returned separately as an
explicit account (``Correction``), so the replay's balance is before + in - out + correction = after.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from migratielab.models.asylum.chain import State
from migratielab.models.asylum.substeps import outside_of

BACKLOG = "ind.backlog"
HOLDERS = "coa.status_holders_waiting"
OCCUPANCY = "coa.occupancy"
ASSIMILATED = (BACKLOG, HOLDERS, OCCUPANCY)


@dataclass(frozen=True)
class Correction:
    """One analysis step: the modelled and observed value of a stock at the end of month ``t``."""

    t: int
    series_id: str
    modelled: float  # persons, before the correction (run 0)
    observed: float  # persons
    applied: float  # persons added (negative: removed) by the correction (run 0)


def scaled(stock: np.ndarray, total: np.ndarray, target: float) -> np.ndarray:
    """``stock`` (leading run axis) scaled per run so that its total becomes ``target`` (persons)."""
    factor = np.where(total > 0, target / np.where(total > 0, total, 1.0), 1.0)
    return stock * factor.reshape((-1,) + (1,) * (stock.ndim - 1))


def correct_backlog(state: State, observed: float) -> State:
    """Scale the first-instance queue so that its total is ``observed`` (applications)."""
    return replace(state, queue=scaled(state.queue, state.queue.sum(axis=(1, 2)), observed))


def correct_holders(state: State, observed: float) -> State:
    """Scale the status holders waiting so that their total is ``observed`` (persons)."""
    return replace(state, holders=scaled(state.holders, state.holders.sum(axis=1), observed))


def in_reception(state: State, outside_share: float) -> np.ndarray:
    """People in COA reception (run,): everyone in the chain but the applicants living outside it."""
    return np.asarray(state.in_chain - outside_of(state.queue, outside_share))


def correct_occupancy(state: State, observed: float, outside_share: float = 0.0) -> State:
    """Scale appeals and rejected in reception so that the people in reception are ``observed`` (persons).

    The people in reception are everyone in the chain but the applicants living outside it
    (``outside_share`` of those who waited long enough, ``substeps.outside_reception``). If the
    applicants in reception and the status holders alone exceed the observation, appeals and
    rejected are left as they are: the observation then says the definitions differ, not that
    people are missing.
    """
    applicants = state.queue.sum(axis=(1, 2)) - outside_of(state.queue, outside_share)
    rest = observed - applicants - state.holders.sum(axis=1)
    others = state.appeals + state.rejected
    factor = np.where((rest > 0) & (others > 0), rest / np.where(others > 0, others, 1.0), 1.0)
    return replace(state, appeals=state.appeals * factor, rejected=state.rejected * factor)


def modelled_value(state: State, series_id: str, outside_share: float) -> float:
    """The modelled value of an assimilated series in run 0 (persons or applications)."""
    if series_id == BACKLOG:
        return float(state.queue[0].sum())
    if series_id == HOLDERS:
        return float(state.holders[0].sum())
    return float(in_reception(state, outside_share)[0])


def corrected(state: State, series_id: str, observed: float, outside_share: float) -> State:
    """``state`` with the stock behind ``series_id`` corrected to ``observed``."""
    if series_id == BACKLOG:
        return correct_backlog(state, observed)
    if series_id == HOLDERS:
        return correct_holders(state, observed)
    return correct_occupancy(state, observed, outside_share)


def analyse(
    state: State, observed: dict[str, float], t: int, outside_share: float = 0.0
) -> tuple[State, list[Correction]]:
    """Apply the corrections for the observations of month ``t`` (backlog, holders, then occupancy).

    ``outside_share`` is the chain's ``outside_reception_share``: occupancy counts people in reception.
    """
    corrections = []
    targets = {OCCUPANCY: modelled_value(state, OCCUPANCY, outside_share), **observed}
    for series_id in ASSIMILATED:
        if series_id not in observed:
            if series_id == OCCUPANCY:
                state = correct_occupancy(state, targets[OCCUPANCY], outside_share)
            continue
        before = modelled_value(state, series_id, outside_share)
        state = corrected(state, series_id, observed[series_id], outside_share)
        after = modelled_value(state, series_id, outside_share)
        corrections.append(Correction(t, series_id, before, observed[series_id], after - before))
    if np.any(in_reception(state, outside_share) < state.at_centre):
        raise ValueError(f"month {t}: a correction left fewer people in the chain than at the centre")
    return state, corrections
