"""Benchmark (not a test): the municipal month, production path against its baselines, in one process.

* production: ``loop.InPlaceMonths`` (``kernel.offer`` then ``kernel.settle`` every month over all
  runs, in place, flows added into the recorder), as the system loop drives it;
* fused: one compiled loop nest over runs, months and municipalities (the same cell functions,
  each run's months one after another so its pipeline stays in cache; nothing between months): the
  best compiled form of the same arithmetic, a lower bound;
* reference: the numpy ``step.offer`` and ``step.step`` with ``MunicipalRecorder.add`` on fewer runs;
  the largest relative difference of the recorded flows against production is printed.

The chain is replaced by a fixed rule: a national task that rises and falls over the years, and
the chain housing ``--fill`` of what the municipalities offer. Times are CPU seconds of this process
(the development machine's 2 cores are shared; the load average is printed).
Run: PYTHONPATH=src python benchmarks/bench_municipal.py [--runs 1000] [--months 312] [--reference-runs 50]
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from numba import njit

from migratielab.models.municipal import kernel, setup
from migratielab.models.municipal.loop import InPlaceMonths
from migratielab.models.municipal.record import MunicipalRecorder
from migratielab.models.municipal.step import MonthInputs, Params, capacity, step
from migratielab.params import default_parameters
from migratielab.scenario import MunicipalSection


def params(runs: int) -> Params:
    """The pillar's arrays for runs 0 .. runs-1 (default section, seed 1, from 2025)."""
    return setup.parameters(MunicipalSection(), default_parameters("municipal"), 1, range(runs), 2025)


def tasks(runs: int, months: int) -> np.ndarray:
    """National task (month, run) persons per month: 1,500 to 3,500, a different phase per run."""
    phase = np.arange(runs)[None, :] / max(runs, 1)
    return 2_500.0 + 1_000.0 * np.sin(2 * np.pi * (np.arange(months)[:, None] / 60.0 + phase))


def production(arrays: Params, task: np.ndarray, fill: float) -> tuple[float, InPlaceMonths]:
    """CPU seconds of the production months and their state and recorder."""
    runs = task.shape[1]
    months = InPlaceMonths(arrays, setup.initial_state(arrays, np.zeros(runs)), task.shape[0])
    began = time.process_time()
    for t in range(task.shape[0]):
        months.settle(t, months.offer(task[t]) * fill)
    return time.process_time() - began, months


@njit(cache=True, nogil=True)
def _fused(
    state: tuple[np.ndarray, np.ndarray],
    p: np.ndarray,
    pmf: np.ndarray,
    task: np.ndarray,
    rule: tuple[float, float],
    year: np.ndarray,
) -> None:
    """Every run's months in one loop nest (runs, months, municipalities), in place."""
    backlog, ring = state
    fill, fine_amount = rule
    length = ring.shape[1]
    out = np.empty(len(kernel.NATIONAL) + 2)
    for run in range(backlog.shape[0]):
        head = 0
        for month in range(task.shape[0]):
            offered = 0.0
            for town in range(backlog.shape[1]):
                offered += kernel._offer_cell(p, run, town, backlog[run, town], task[month, run])[3]
            filled = min(offered * fill / offered, 1.0) if offered > 0 else 0.0
            given = (task[month, run], filled, fine_amount)
            kernel._settle_run(
                backlog[run], ring[run], head, p, pmf[run], run, given, year[month // 12, run], out
            )
            head = (head + length - 1) % length


def fused(arrays: Params, task: np.ndarray, fill: float) -> tuple[float, np.ndarray]:
    """CPU seconds of the fused loop nest and its recorded flows (year, run, municipality, flow)."""
    runs = task.shape[1]
    months = InPlaceMonths(arrays, setup.initial_state(arrays, np.zeros(runs)), task.shape[0])
    state = (months.backlog, months.ring)
    began = time.process_time()
    _fused(state, months.cells, months.pmf, task, (fill, months.fine_amount), months.recorder.flows)
    return time.process_time() - began, months.recorder.flows


def reference(arrays: Params, task: np.ndarray, fill: float) -> tuple[float, MunicipalRecorder]:
    """CPU seconds of the numpy months (``step.step``, ``MunicipalRecorder.add``) and the recorder."""
    runs = task.shape[1]
    state = setup.initial_state(arrays, np.zeros(runs))
    recorder = MunicipalRecorder(runs, task.shape[0])
    began = time.process_time()
    for t in range(task.shape[0]):
        housed = capacity(state, arrays, task[t]) * fill
        state, flows = step(state, arrays, MonthInputs(task=task[t], housed=housed), t)
        recorder.add(t, flows, state)
    return time.process_time() - began, recorder


def largest_difference(actual: np.ndarray, expected: np.ndarray) -> float:
    """Largest |actual - expected| / max(|expected|, 1) (persons or EUR)."""
    return float(np.max(np.abs(actual - expected) / np.maximum(np.abs(expected), 1.0)))


def main() -> None:
    """Time every path and print throughputs, ratios and the identity check."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=1_000)
    parser.add_argument("--months", type=int, default=312)
    parser.add_argument("--reference-runs", type=int, default=50)
    parser.add_argument("--fill", type=float, default=0.8)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()}")
    few = params(2)
    production(few, tasks(2, 13), args.fill)  # compile before the clock starts
    fused(few, tasks(2, 13), args.fill)
    arrays, task = params(args.runs), tasks(args.runs, args.months)
    made, months = production(arrays, task, args.fill)
    nest, nest_flows = fused(arrays, task, args.fill)
    small = params(args.reference_runs)
    numpy_seconds, recorder = reference(small, tasks(args.reference_runs, args.months), args.fill)
    _, small_months = production(small, tasks(args.reference_runs, args.months), args.fill)
    rates = {
        "production (kernel.offer + kernel.settle, all runs a month)": args.runs / made,
        "fused loop nest (runs, months, municipalities)": args.runs / nest,
        "numpy reference (step.step + recorder)": args.reference_runs / numpy_seconds,
    }
    for name, value in rates.items():
        print(f"{name:60s} {value:10,.1f} runs/s ({args.months} months, CPU)")
    print(f"ratio fused / production (aim <= 2):  {made / nest:.2f}")
    print(f"ratio production / numpy reference:   {args.runs / made / rates[list(rates)[2]]:.1f}x")
    print(
        "identity: production vs fused (all runs) "
        f"{largest_difference(months.recorder.flows, nest_flows):.2e}; production vs numpy"
        f" ({args.reference_runs} runs) {largest_difference(small_months.recorder.flows, recorder.flows):.2e}"
    )
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
