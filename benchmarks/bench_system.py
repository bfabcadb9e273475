"""Benchmark (not a test): the coupled system, all four pillars, 2025-2050, with time per pillar.

The integral example scenario (asylum chain on stochastic inflow, coupled population plan) gets
default labour and municipal sections and runs from January 2025 to December 2050 (312 months:
monthly chain and municipalities, annual population and labour market) through ``models.system.run``
in chunks of runs. Each pillar's step is wrapped by a timer, so the output shows the throughput of
every pillar and which one is slowest. Then the same chunks run on 2 local processes (wall time
and efficiency against 1 process, measured in this run), and a large ensemble is streamed chunk by
chunk, keeping only per-run outcomes, with the peak resident memory of the processes reported.

Run: PYTHONPATH=src python benchmarks/bench_system.py [--runs 1000] [--chunk 250] [--stream 0]
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from migratielab.models import system
from migratielab.models.asylum.setup import scenario_parameters
from migratielab.models.labour import channels
from migratielab.models.labour.outlook import initial_state
from migratielab.models.labour.setup import (
    build_model,
    class_mix,
    draws,
    employment_with_levers,
    judge,
    labour_parameters,
    load_labour_data,
    partnership_mix,
    plan_arrivals,
    shortage_config,
)
from migratielab.models.population.paths import UNCERTAIN, plan_builder, uniform_draws
from migratielab.params import default_parameters
from migratielab.scenario import LabourSection, MunicipalSection, Scenario, load_scenario

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "integral_example.yaml"
PILLAR_STEPS = {
    "asylum": ("chain_step",),
    "municipal": ("municipal_offer", "municipal_settle", "municipal_step"),
    "population": ("population_step",),
    "labour": ("labour_step",),
}
SECONDS: dict[str, float] = defaultdict(float)


def scenario(runs: int) -> Scenario:
    """The integral example with all four pillars, 2025-2050."""
    base = load_scenario(SCENARIO)
    return base.model_copy(
        update={"end_year": 2050, "runs": runs, "labour": LabourSection(), "municipal": MunicipalSection()}
    )


def labour_part(case: Scenario, run_ids: list[int]) -> system.LabourPart:
    """The labour pillar's part, built as ``service.labour.channel_comparison`` builds it."""
    section, source = case.labour, "benchmark"
    params, data = labour_parameters(section, source), load_labour_data()
    judgement = judge(data, params, shortage_config(params, section, source))
    values = draws(params, case.seed, run_ids, len(run_ids) > 1)
    population_params = default_parameters("population")
    employment = employment_with_levers(params, population_params, section, values)
    mix = class_mix(data, params)
    mix[channels.CHANNELS.index("partnership")] = partnership_mix(data, judgement, section, source)
    model = build_model(case.start_year, params, population_params, judgement, mix, values, employment)
    years = len(case.years)
    return system.LabourPart(
        model, initial_state(model, len(run_ids)), plan_arrivals(section, years, len(run_ids)), data.codes
    )


def build(case: Scenario, run_ids: list[int]) -> system.System:
    """All four parts for ``run_ids``."""
    assert case.asylum is not None and case.population is not None and case.municipal is not None
    policy = case.asylum.policies[0]
    chain = system.asylum_part(case, policy, np.asarray(run_ids), scenario_parameters(case), record=())
    params = default_parameters("population")
    builder = plan_builder(case.population, case.start_year, case.end_year + 1, params, True)
    paths = builder(uniform_draws(case.seed, run_ids, len(UNCERTAIN)))
    population = system.population_part(paths, params, detail=False, asylum_from_chain=True)
    municipal = system.municipal_part(
        case.municipal, default_parameters("municipal"), case.seed, run_ids, case.start_year
    )
    return system.System(
        case.start_year,
        case.months,
        asylum=chain,
        population=population,
        municipal=municipal,
        labour=labour_part(case, run_ids),
    )


def timed(pillar: str, step: Callable[..., Any]) -> Callable[..., Any]:
    """``step`` that adds its wall time to ``SECONDS[pillar]``."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return step(*args, **kwargs)
        finally:
            SECONDS[pillar] += time.perf_counter() - began

    return wrapper


def instrument() -> None:
    """Wrap every pillar's step in ``models.system`` with a timer (once per process)."""
    for pillar, names in PILLAR_STEPS.items():
        for name in (name for name in names if hasattr(system, name)):  # names differ between versions
            setattr(system, name, timed(pillar, getattr(system, name)))


def chunk(args: tuple[int, list[int]]) -> tuple[dict[str, float], float, float, int]:
    """Build and run one chunk: (seconds per pillar, set-up s, run s, peak RSS kB); outcomes dropped."""
    runs, run_ids = args
    SECONDS.clear()
    began = time.perf_counter()
    parts = build(scenario(runs), run_ids)
    built = time.perf_counter()
    result = system.run(parts)
    assert result.population is not None and result.labour is not None and result.municipal is not None
    float(result.population["population"].isel(year=-1).mean())  # keep one outcome, as a store would
    return dict(SECONDS), built - began, time.perf_counter() - built, peak_kb()


def peak_kb() -> int:
    """Peak resident memory of this process (kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def chunks(runs: int, size: int) -> list[tuple[int, list[int]]]:
    """Arguments of the chunks of ``runs`` runs."""
    return [(runs, list(range(first, min(first + size, runs)))) for first in range(0, runs, size)]


def main() -> None:
    """One process, then two; then an optional large streamed ensemble."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=1_000)
    parser.add_argument("--chunk", type=int, default=250)
    parser.add_argument("--stream", type=int, default=0, help="runs of a streamed ensemble (0: skip)")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()}")
    instrument()
    chunk((2, [0, 1]))  # compile kernels, cache data and the replay of history

    began, cpu = time.perf_counter(), time.process_time()
    results = [chunk(a) for a in chunks(args.runs, args.chunk)]
    one, one_cpu = time.perf_counter() - began, time.process_time() - cpu
    totals: dict[str, float] = defaultdict(float)
    for seconds, setup, run, _ in results:
        for pillar, value in seconds.items():
            totals[pillar] += value
        totals["set-up (all pillars)"] += setup
        totals["loop, recording, coupling"] += run - sum(seconds.values())
    print(
        f"1 process: {args.runs} runs x {scenario(1).months} months"
        f" in {one:.1f} s = {args.runs / one:,.1f} runs/s"
    )
    print(f"  per CPU-second of this process: {args.runs / one_cpu:,.1f} runs/s")
    for name, value in sorted(totals.items(), key=lambda item: -item[1]):
        print(f"  {name:28s} {value:7.2f} s  {args.runs / value:10,.0f} runs/s")

    with ProcessPoolExecutor(2, initializer=instrument) as pool:
        list(pool.map(chunk, chunks(4, 2)))  # start and warm both workers
        began = time.perf_counter()
        list(pool.map(chunk, chunks(args.runs, args.chunk)))
        two = time.perf_counter() - began
    print(
        f"2 processes: {args.runs} runs in {two:.1f} s = {args.runs / two:,.1f} runs/s;"
        f" speed-up {one / two:.2f}, efficiency {one / two / 2:.0%}"
    )

    if args.stream:
        began = time.perf_counter()
        with ProcessPoolExecutor(2, initializer=instrument) as pool:
            peaks = [r[3] for r in pool.map(chunk, chunks(args.stream, args.chunk))]
        seconds = time.perf_counter() - began
        print(
            f"streamed {args.stream:,} runs in {seconds:.0f} s on 2 processes; peak RSS per worker"
            f" {max(peaks) / 1024:,.0f} MB, parent {peak_kb() / 1024:,.0f} MB"
        )
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
