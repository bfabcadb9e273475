"""Recording of the municipal pillar: per calendar year and municipality, and national per month.

Flows are summed over the months of each calendar year (persons or EUR per year); the backlog is
the stock at the end of each year. National totals per year (``total_<name>``, registered, the
outcomes of experiments) and per month (``national_<name>``) keep the coupling with the chain visible.
"""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import xarray as xr

from migratielab.models.municipal.data import municipalities
from migratielab.models.municipal.step import Flows, State

MONTHS_PER_YEAR = 12
FLOW_NAMES = tuple(field.name for field in fields(Flows))
MONTHLY = ("task", "housed", "capacity", "written_off")
"""Flows also recorded as national sums per month (``national_<name>``)."""
TOTALS = (
    "task",
    "housed",
    "written_off",
    "backlog",
    "obliged_started",
    "passed",
    "fined",
    "cost_eur",
    "extra_employed",
)
"""Variables also recorded as national totals per run and year (``total_<name>``)."""


class MunicipalRecorder:
    """Collects a run of the pillar into arrays (run, year, municipality) and (run, month)."""

    def __init__(self, runs: int, months: int) -> None:
        towns = municipalities().size
        years = -(-months // MONTHS_PER_YEAR)
        # (year, run, municipality, flow): a month adds a municipality's flows side by side
        self.flows = np.zeros((years, runs, towns, len(FLOW_NAMES)))
        self.yearly = {name: self.flows[..., index] for index, name in enumerate(FLOW_NAMES)}
        self.backlog = np.zeros((years, runs, towns))
        self.monthly = {name: np.zeros((runs, months)) for name in MONTHLY}
        self.monthly_backlog = np.zeros((runs, months))

    def add(self, t: int, flows: Flows, state: State) -> None:
        """Add month ``t``'s flows and the state at its end."""
        year = t // MONTHS_PER_YEAR
        for name in FLOW_NAMES:
            self.yearly[name][year] += getattr(flows, name)
        self.end_of_month(t, state.backlog, {name: getattr(flows, name).sum(axis=1) for name in MONTHLY})

    def year_flows(self, t: int) -> np.ndarray:
        """The (run, municipality, flow) sums of the calendar year of month ``t``, to add a month into."""
        return self.flows[t // MONTHS_PER_YEAR]

    def end_of_month(self, t: int, backlog: np.ndarray, national: dict[str, np.ndarray]) -> None:
        """Month ``t``'s backlogs (run, municipality) and its national sums (run,) of ``MONTHLY``."""
        self.backlog[t // MONTHS_PER_YEAR] = backlog
        for name in MONTHLY:
            self.monthly[name][:, t] = national[name]
        self.monthly_backlog[:, t] = backlog.sum(axis=1)

    def dataset(self, start_year: int) -> xr.Dataset:
        """Everything recorded, with coordinates ``run``, ``year``, ``municipality`` and ``time``."""
        towns = municipalities()
        years, runs, _ = self.backlog.shape
        months = self.monthly_backlog.shape[1]
        coords = {
            "run": np.arange(runs),
            "year": np.arange(start_year, start_year + years),
            "municipality": towns.codes,
            "time": np.arange(months),
        }
        data: dict[str, tuple[tuple[str, ...], np.ndarray]] = {
            name: (("run", "year", "municipality"), values.transpose(1, 0, 2))
            for name, values in self.yearly.items()
        }
        data["backlog"] = (("run", "year", "municipality"), self.backlog.transpose(1, 0, 2))
        for name in TOTALS:
            data[f"total_{name}"] = (("run", "year"), data[name][1].sum(axis=2))
        data.update({f"national_{name}": (("run", "time"), values) for name, values in self.monthly.items()})
        data["national_backlog"] = (("run", "time"), self.monthly_backlog)
        return xr.Dataset(data, coords=coords)
