"""Benchmark (not a test): the population pillar, production path against its baselines, in one process.

* production: ``service.project_plan`` (system loop, compiled cell step in place, recorder): the
  first call of that size in this process (it pays the first touch of its memory: the operating
  system maps and zeroes about 130 MB per 1,000 runs) and the best of three calls after it (an
  exploration's chunks, or a server's requests);
* reference: the same call with the pure-numpy ``projection.reference_step`` (the path before the
  compiled step), on the same runs; the largest relative difference of the results is printed;
* loop: the production path called one run at a time (a sample, scaled to ``--runs``), and the same
  loop with the numpy reference step (a single run's time is set-up and bookkeeping, not the step);
* fused: the compiled loop nest alone (``kernel.advance`` in place, life tables computed before the
  clock starts, nothing recorded): the best compiled form of the step's arithmetic, a lower bound;
* memory: an in-place multiply of the immigrant stocks (numpy), the cost of touching the cells once.

Plan mode of the example plan, 2020-2049 (30 years); times are CPU seconds of this process. Run:
  PYTHONPATH=src python benchmarks/bench_population.py [--runs 2000] [--reference-runs 500] [--sample 20]
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from migratielab.models.population import kernel, load_base_data, simulate
from migratielab.models.population import projection as projection_module
from migratielab.models.population.paths import UNCERTAIN, plan_builder, uniform_draws
from migratielab.params import default_parameters
from migratielab.scenario import Scenario, load_scenario
from migratielab.service import population as service

PLAN = Path(__file__).resolve().parents[1] / "scenarios" / "plan_example.yaml"
YEARS = 30


def seconds(call: Callable[[], object]) -> tuple[float, object]:
    """CPU seconds of this process during one call (everything runs on one core), and its result.

    CPU time rather than wall time: the development machine's 2 cores are shared, and a loaded
    machine stretches wall time by whatever else runs, differently for each path measured.
    """
    began = time.process_time()
    result = call()
    return time.process_time() - began, result


def with_reference_step(call: Callable[[], object]) -> object:
    """``call`` with the numpy reference step in place of the compiled one."""
    compiled = simulate.projection_step
    simulate.projection_step = lambda state, structure, inputs, out=None, rates=None: (
        projection_module.reference_step(state, structure, inputs)
    )
    try:
        return call()
    finally:
        simulate.projection_step = compiled


def fused_seconds(plan: Scenario, runs: int) -> float:
    """Seconds of ``kernel.advance`` alone for ``runs`` x 30 years, in place, inputs prepared beforehand."""
    params, data = default_parameters("population"), load_base_data()
    assert plan.population is not None
    builder = plan_builder(plan.population, 2020, 2020 + YEARS, params, sample=True)
    projection = simulate.prepare(builder(uniform_draws(1, list(range(runs)), len(UNCERTAIN))), params, data)
    state = simulate.start_state(projection, data)
    cells = (state.resident.copy(), state.immigrants.copy())
    shared = projection_module._shared_arrays(projection.structure)
    rates = projection_module._rates(
        (projection.resident_rates, projection.immigrant_rates, projection.relative),
        state.immigrants.shape[1:3],
    )
    years = []
    for index in range(YEARS):
        inputs = simulate.year_inputs(projection, index)
        survival, infant, _ = projection_module.life_tables(projection.structure, inputs.e0)
        assert inputs.arrivals is not None
        per_run = (survival, infant, inputs.stock_departure, inputs.arrivals, inputs.arrival_departure)
        years.append(
            (
                projection_module._year_arrays(inputs, runs),
                tuple(projection_module._per_run(array, runs) for array in per_run),
            )
        )
    kernel.advance(cells, *years[0], shared, cells, rates)  # compiled before the clock starts
    began = time.process_time()
    for year, run_arrays in years:
        kernel.advance(cells, year, run_arrays, shared, cells, rates)
    return time.process_time() - began


def memory_seconds(runs: int) -> float:
    """Seconds to multiply every immigrant cell in place once a year for 30 years (numpy)."""
    cells = np.ones((runs, len(projection_module.MOTIVES), 11, 2, 106))
    began = time.process_time()
    for _ in range(YEARS):
        np.multiply(cells, 1.0, out=cells)
    return time.process_time() - began


def largest_difference(actual: object, expected: object) -> float:
    """Largest relative difference (floor 1 person) over the numeric variables of two datasets."""
    worst = 0.0
    for name in expected.data_vars:  # type: ignore[attr-defined]
        a, e = actual[name].to_numpy(), expected[name].to_numpy()  # type: ignore[index]
        finite = np.isfinite(e)
        worst = max(worst, float(np.max(np.abs(a - e)[finite] / np.maximum(np.abs(e[finite]), 1.0))))
    return worst


def main() -> None:
    """Time every path and print throughputs and ratios."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2_000)
    parser.add_argument("--reference-runs", type=int, default=500)
    parser.add_argument("--sample", type=int, default=20)
    args = parser.parse_args()
    plan = load_scenario(PLAN).model_copy(update={"start_year": 2020, "end_year": 2049, "seed": 1})
    print(f"load average at start: {os.getloadavg()}")
    service.project_plan(plan.model_copy(update={"runs": 2}), detail=False)  # compile, cache data

    many = plan.model_copy(update={"runs": args.runs})
    wall = time.perf_counter()
    first, _ = seconds(lambda: service.project_plan(many, detail=False))
    first_wall = time.perf_counter() - wall
    production = min(seconds(lambda: service.project_plan(many, detail=False))[0] for _ in range(3))
    few = plan.model_copy(update={"runs": args.reference_runs})
    _, compiled_result = seconds(lambda: service.project_plan(few, detail=False))
    reference, reference_result = seconds(
        lambda: with_reference_step(lambda: service.project_plan(few, detail=False))
    )
    single = plan.model_copy(update={"runs": 1})
    one, _ = seconds(lambda: [service.project_plan(single, detail=False) for _ in range(args.sample)])
    one_numpy, _ = seconds(
        lambda: with_reference_step(
            lambda: [service.project_plan(single, detail=False) for _ in range(args.sample)]
        )
    )
    fused = fused_seconds(plan, args.runs)
    memory = memory_seconds(args.runs)

    rate = {
        "production, first call in this process": args.runs / first,
        "production (compiled step, system loop, recorder)": args.runs / production,
        "reference (numpy step, same loop)": args.reference_runs / reference,
        "one run at a time (production path)": args.sample / one,
        "one run at a time (numpy reference step)": args.sample / one_numpy,
        "fused loop nest alone": args.runs / fused,
        "memory: one in-place multiply of the cells": args.runs / memory,
    }
    for name, value in rate.items():
        print(f"{name:50s} {value:10,.1f} runs/s (30 years, per CPU-second)")
    production_rate, fused_rate = args.runs / production, args.runs / fused
    print(f"production, first call, in wall time (shared machine): {args.runs / first_wall:,.1f} runs/s")
    print(f"ratio production / numpy reference:  {production_rate / (args.reference_runs / reference):.1f}x")
    print(f"ratio production / one-run loop:     {production_rate / (args.sample / one):.1f}x")
    print(f"ratio production / numpy one-run loop: {production_rate / (args.sample / one_numpy):.1f}x")
    print(f"ratio fused / production (aim <= 2): {fused_rate / production_rate:.2f}")
    print(f"ratio memory pass / fused:           {(args.runs / memory) / fused_rate:.2f}")
    difference = largest_difference(compiled_result, reference_result)
    print(
        f"identity: max relative difference production vs reference,"
        f" {args.reference_runs} runs: {difference:.2e}"
    )
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
