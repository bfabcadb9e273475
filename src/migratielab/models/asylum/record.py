"""Recording a chain run month by month: the chosen flows (month, run), the decision-wait histogram,
and the ``xarray.Dataset`` a run returns."""

from __future__ import annotations

import mmap
import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from migratielab.models.asylum.chain import QUEUE_MONTHS, Flows, State

POPULATE_BYTES = 64 * 2**20  # recordings this large are mapped with their pages populated at once
KEPT_BYTES = 2**29  # mapped blocks given back, kept for reuse up to this many bytes in all (512 MiB)


@dataclass(frozen=True)
class ChainRun:
    """The result of one simulation: monthly variables, the decision-wait histogram, the final state."""

    monthly: xr.Dataset  # dims (run, time); one variable per recorded Flows field
    wait_histogram: np.ndarray  # (run, months waited) decisions over the whole run
    final_state: State


def month_index(start_year: int, months: int) -> pd.DatetimeIndex:
    """First day of each simulated month."""
    return pd.date_range(f"{start_year}-01-01", periods=months, freq="MS")


class MappedBlocks:
    """Mapped recording blocks whose arrays are all gone, kept for the next recording of their size.

    An exploration or a server records chunk after chunk of the same size; reusing a block spares
    the operating system mapping and zeroing its pages again (about 0.13 CPU s for the 470 MB of
    10,000 runs x 120 months). A block comes back only when no array or view of it is left (a
    finaliser on the buffer every view holds), so a result still in use is never written over.
    At most ``KEPT_BYTES`` are kept; blocks beyond that are unmapped.
    """

    def __init__(self) -> None:
        self._kept: dict[int, list[mmap.mmap]] = {}
        self._lock = threading.RLock()  # a finaliser may run inside a locked section (garbage collection)

    def block(self, shape: tuple[int, ...], flags: int) -> np.ndarray:
        """A (possibly reused, uninitialised) float64 array of ``shape`` on a mapping."""
        size = 8 * int(np.prod(shape))
        with self._lock:
            kept = self._kept.get(size, [])
            mapped = kept.pop() if kept else None
        if mapped is None:
            mapped = mmap.mmap(-1, size, flags=flags)
        flat = np.frombuffer(mapped, dtype=np.float64)
        weakref.finalize(flat.base, self._give_back, mapped)  # the buffer every view of it holds
        return flat.reshape(shape)

    def kept_bytes(self) -> int:
        """Bytes of the blocks kept for reuse."""
        with self._lock:
            return sum(size * len(blocks) for size, blocks in self._kept.items())

    def _give_back(self, mapped: mmap.mmap) -> None:
        """Keep ``mapped`` for reuse when it fits under ``KEPT_BYTES``, else unmap it."""
        with self._lock:
            if self.kept_bytes() + len(mapped) <= KEPT_BYTES:
                self._kept.setdefault(len(mapped), []).append(mapped)
                return
        mapped.close()


MAPPED = MappedBlocks()


def recording_block(variables: int, months: int, runs: int) -> np.ndarray:
    """An uninitialised (variable, month, run) float64 block for a recording.

    Blocks of ``POPULATE_BYTES`` or more are mapped with every page populated in one system call
    (where the platform has ``MAP_POPULATE``), instead of a page fault per 4 KiB page while the
    months are recorded, and reused once their recording is dropped (``MappedBlocks``); smaller
    blocks come from the allocator, which reuses freed memory.
    """
    shape = (variables, months, runs)
    populate = getattr(mmap, "MAP_POPULATE", 0)
    if 8 * variables * months * runs < POPULATE_BYTES or not populate:
        return np.empty(shape)
    return MAPPED.block(shape, mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | populate)


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
