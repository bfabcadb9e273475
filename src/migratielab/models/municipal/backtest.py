"""Backtest of the housing side: observed national half-yearly tasks in, modelled realisation out.

Only half-years with an observed task, the backlog carried in and the number housed can be checked
(2022-I and 2022-II in the bundled series). Status holders are taken as available (about 15,000
waited in COA in mid-2022, more than either half-year's task), so the municipalities house what
they offer; their capacity uses the parameters dated for the half-year's year.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from migratielab.models.municipal import setup
from migratielab.models.municipal.data import national_task_series
from migratielab.models.municipal.step import MonthInputs, capacity, step
from migratielab.params import ParameterSet
from migratielab.scenario import MunicipalSection

MONTHS_PER_HALF_YEAR = 6


@dataclass(frozen=True)
class HalfYear:
    """One checked half-year: observed task (incl. backlog) and housed, modelled housed (per run)."""

    period: str
    task_incl_backlog: float
    observed_housed: float
    modelled_housed: np.ndarray  # (run,) persons


def observed_half_years() -> list[tuple[str, float, float, float]]:
    """(period, task, backlog carried in, housed) for half-years where all three are known."""
    frame = national_task_series()
    rows = []
    for _, row in frame.iterrows():  # a handful of observed half-years
        values = [
            str(row[k]).replace("~", "").strip() for k in ("task", "backlog_carried_in", "realised_housed")
        ]
        if all(value.replace(".", "").isdigit() for value in values):
            task, backlog, housed = (float(value) for value in values)
            rows.append((str(row["period"]), task, backlog, housed))
    return rows


def half_year(
    period: str, task: float, backlog_in: float, params: ParameterSet, seed: int, run_ids: Sequence[int]
) -> np.ndarray:
    """Housed (run,) persons in a half-year with national ``task`` and ``backlog_in`` (persons)."""
    year = int(period[:4])
    arrays = setup.parameters(MunicipalSection(), params, seed, run_ids, year)
    state = setup.initial_state(arrays, np.full(len(run_ids), backlog_in))
    monthly = np.full(len(run_ids), task / MONTHS_PER_HALF_YEAR)
    housed = np.zeros(len(run_ids))
    for month in range(MONTHS_PER_HALF_YEAR):
        offered = capacity(state, arrays, monthly)
        state, flows = step(state, arrays, MonthInputs(task=monthly, housed=offered), month)
        housed += flows.housed.sum(axis=1)
    return housed


def backtest(params: ParameterSet, seed: int = 0, run_ids: Sequence[int] = range(200)) -> list[HalfYear]:
    """Every observed half-year with the modelled number housed (per run)."""
    return [
        HalfYear(period, task + backlog, housed, half_year(period, task, backlog, params, seed, run_ids))
        for period, task, backlog, housed in observed_half_years()
    ]
