"""Recording a chain run month by month: the chosen flows (month, run), the decision-wait histogram,
and the ``xarray.Dataset`` a run returns."""

from __future__ import annotations

import mmap
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from migratielab.models.asylum.chain import QUEUE_MONTHS, Flows, State

POPULATE_BYTES = 64 * 2**20  # recordings this large are mapped with their pages populated at once


@dataclass(frozen=True)
class ChainRun:
    """The result of one simulation: monthly variables, the decision-wait histogram, the final state."""

    monthly: xr.Dataset  # dims (run, time); one variable per recorded Flows field
    wait_histogram: np.ndarray  # (run, months waited) decisions over the whole run
    final_state: State


def month_index(start_year: int, months: int) -> pd.DatetimeIndex:
    """First day of each simulated month."""
    return pd.date_range(f"{start_year}-01-01", periods=months, freq="MS")


def recording_block(variables: int, months: int, runs: int) -> np.ndarray:
    """An uninitialised (variable, month, run) float64 block for a recording.

    Blocks of ``POPULATE_BYTES`` or more are mapped with every page populated in one system call
    (where the platform has ``MAP_POPULATE``), instead of a page fault per 4 KiB page while the
    months are recorded; smaller blocks come from the allocator, which reuses freed memory.
    """
    shape = (variables, months, runs)
    size = 8 * variables * months * runs
    populate = getattr(mmap, "MAP_POPULATE", 0)
    if size < POPULATE_BYTES or not populate:
        return np.empty(shape)
    mapped = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | populate)
    return np.frombuffer(mapped, dtype=np.float64).reshape(shape)


class ChainRecorder:
    """Collects the named monthly flows of ``runs`` runs over ``months`` months (default: all)."""

    def __init__(self, runs: int, months: int, record: Sequence[str] | None = None) -> None:
        self.months = months
        self.names = list(record) if record is not None else Flows.scalar_names()
        block = recording_block(len(self.names), months, runs)
        self.recorded = {name: block[index] for index, name in enumerate(self.names)}
        self.histogram = np.zeros((runs, QUEUE_MONTHS))

    def add(self, t: int, flows: Flows) -> None:
        """Keep month ``t``'s flows."""
        for name in self.names:
            self.recorded[name][t] = getattr(flows, name)
        self.histogram += flows.decided_by_wait

    def result(self, start_year: int, final_state: State) -> ChainRun:
        """The run's monthly dataset (dims run, time), wait histogram and final state."""
        runs = self.histogram.shape[0]
        coords = {"run": np.arange(runs), "time": month_index(start_year, self.months)}
        # (month, run) as recorded, seen as (run, time): a transposed view, not a copy
        dataset = xr.Dataset(
            {name: (("run", "time"), values.T) for name, values in self.recorded.items()}, coords=coords
        )
        return ChainRun(monthly=dataset, wait_histogram=self.histogram, final_state=final_state)
