"""Benchmark (not a test): the coupled system, all four pillars, 2025-2050, with time per pillar.

The integral example scenario (asylum chain on stochastic inflow, coupled population plan) gets
default labour and municipal sections and runs from January 2025 to December 2050 (312 months:
monthly chain and municipalities, annual population and labour market) through ``models.system.run``
in chunks of runs. Each pillar's step is wrapped by a timer, so the output shows the throughput of
every pillar and which one is slowest. Then the same chunks run on 2 local processes (wall time
and efficiency against 1 process, measured in this run), and a large ensemble is streamed: each
chunk's runs are reduced in the worker to a few per-run outcomes (``OUTCOMES``), which the parent
writes to a file as each chunk finishes and then drops, so nothing grows with the number of chunks.
The peak resident memory of the parent and of each worker (after its first and its last chunk) is
reported; their sum bounds the peak of the whole ensemble.

Run: PYTHONPATH=src python benchmarks/bench_system.py [--runs 1000] [--chunk 250] [--stream 0]
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from migratielab.models import system
from migratielab.models.asylum.setup import scenario_parameters
from migratielab.models.population.paths import UNCERTAIN, plan_builder, uniform_draws
from migratielab.params import default_parameters
from migratielab.scenario import LabourSection, MunicipalSection, Scenario, load_scenario
from migratielab.service.labour import labour_set_up

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "integral_example.yaml"
PILLAR_STEPS = {
    "asylum": ("chain_step",),
    "municipal": ("municipal_offer", "municipal_settle", "municipal_step"),
    "population": ("population_step",),
    "labour": ("labour_step",),
}
SECONDS: dict[str, float] = defaultdict(float)
OUTCOMES = (
    ("population", "population"),
    ("population", "potential_labour_force"),
    ("municipal", "total_housed"),
    ("municipal", "total_passed"),
    ("labour", "unfilled_total"),
)
"""Per-run outcomes a streamed chunk keeps: (pillar, variable) in the last year, summed over any
other dimension (the rest of the chunk's results is dropped in the worker)."""


@dataclass(frozen=True)
class Chunk:
    """What a chunk returns: CPU seconds per pillar, of the set-up and of the run, peak RSS (kB),
    outcomes (run, len(OUTCOMES))."""

    seconds: dict[str, float]
    setup: float
    run: float
    peak_kb: int
    outcomes: np.ndarray


def scenario(runs: int) -> Scenario:
    """The integral example with all four pillars, 2025-2050."""
    base = load_scenario(SCENARIO)
    return base.model_copy(
        update={"end_year": 2050, "runs": runs, "labour": LabourSection(), "municipal": MunicipalSection()}
    )


def labour_part(case: Scenario, run_ids: list[int]) -> system.LabourPart:
    """The labour pillar's part, as the labour service builds it."""
    return labour_set_up(case, run_ids, "benchmark").part


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
    """``step`` that adds its CPU time (this process) to ``SECONDS[pillar]``."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        began = time.process_time()
        try:
            return step(*args, **kwargs)
        finally:
            SECONDS[pillar] += time.process_time() - began

    return wrapper


def instrument() -> None:
    """Wrap every pillar's step in ``models.system`` with a timer (once per process)."""
    for pillar, names in PILLAR_STEPS.items():
        for name in (name for name in names if hasattr(system, name)):  # names differ between versions
            setattr(system, name, timed(pillar, getattr(system, name)))


def chunk(args: tuple[int, list[int]]) -> Chunk:
    """Build and run one chunk; keep only its per-run ``OUTCOMES``."""
    runs, run_ids = args
    SECONDS.clear()
    began = time.process_time()
    parts = build(scenario(runs), run_ids)
    built = time.process_time()
    result = system.run(parts)
    ran = time.process_time()
    datasets = {"population": result.population, "municipal": result.municipal, "labour": result.labour}
    columns = []
    for pillar, name in OUTCOMES:
        values = datasets[pillar][name].isel(year=-1)  # type: ignore[index]
        columns.append(values.sum([dim for dim in values.dims if dim != "run"]).to_numpy())
    return Chunk(dict(SECONDS), built - began, ran - built, peak_kb(), np.stack(columns, axis=1))


def peak_kb() -> int:
    """Peak resident memory of this process (kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def chunks(runs: int, size: int) -> list[tuple[int, list[int]]]:
    """Arguments of the chunks of ``runs`` runs."""
    return [(runs, list(range(first, min(first + size, runs)))) for first in range(0, runs, size)]


def stream(runs: int, size: int, workers: int) -> None:
    """``runs`` runs in chunks on ``workers`` processes; each chunk's outcomes are written to a file
    when it finishes and dropped. Prints throughput, the outcomes' means and the peak memory."""
    folder = Path(tempfile.mkdtemp(prefix="bench-system-"))
    totals, count, peaks, work = np.zeros(len(OUTCOMES)), 0, [], 0.0
    began = time.perf_counter()
    pool = ProcessPoolExecutor(workers, initializer=instrument)
    with (folder / "outcomes.f64").open("wb") as sink, pool:
        for done in pool.map(chunk, chunks(runs, size)):  # in order, one chunk at a time
            done.outcomes.tofile(sink)
            work += done.setup + done.run
            totals, count = totals + done.outcomes.sum(axis=0), count + done.outcomes.shape[0]
            peaks.append(done.peak_kb)
    seconds = time.perf_counter() - began
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(
        f"streamed {count:,} runs in {len(peaks)} chunks of {size} in {seconds:.0f} s on {workers}"
        f" processes = {count / seconds:,.1f} runs/s ({count / work:,.1f} per CPU-second of the chunks);"
        f" outcomes written to {folder / 'outcomes.f64'}"
    )
    means = zip(OUTCOMES, totals / count, strict=True)
    print("  means: " + ", ".join(f"{name} {value:,.0f}" for (_, name), value in means))
    first, last = peaks[:workers], peaks[-workers:]
    print(
        f"  peak RSS per worker after its first chunk {max(first) / 1024:,.0f} MB, after the last"
        f" {max(last) / 1024:,.0f} MB (largest child {children / 1024:,.0f} MB);"
        f" parent {peak_kb() / 1024:,.0f} MB; bound on the total"
        f" {(peak_kb() + workers * children) / 1024:,.0f} MB"
    )


def compare_processes(runs: int, size: int) -> None:
    """``runs`` runs in chunks of ``size`` in this process (time per pillar), then on 2 processes."""
    instrument()
    chunk((2, [0, 1]))  # compile kernels, cache data and the replay of history

    began, cpu = time.perf_counter(), time.process_time()
    results = [chunk(a) for a in chunks(runs, size)]
    one, one_cpu = time.perf_counter() - began, time.process_time() - cpu
    totals: dict[str, float] = defaultdict(float)
    for done in results:
        for pillar, value in done.seconds.items():
            totals[pillar] += value
        totals["set-up (all pillars)"] += done.setup
        totals["loop, recording, coupling"] += done.run - sum(done.seconds.values())
    print(f"1 process: {runs} runs x {scenario(1).months} months in {one:.1f} s = {runs / one:,.1f} runs/s")
    print(f"  per CPU-second of this process: {runs / one_cpu:,.1f} runs/s (CPU seconds below)")
    for name, value in sorted(totals.items(), key=lambda item: -item[1]):
        print(f"  {name:28s} {value:7.2f} s  {runs / value:10,.0f} runs/s")

    with ProcessPoolExecutor(2, initializer=instrument) as pool:
        list(pool.map(chunk, chunks(4, 2)))  # start and warm both workers
        began = time.perf_counter()
        work = sum(done.setup + done.run for done in pool.map(chunk, chunks(runs, size)))
        two = time.perf_counter() - began
    print(
        f"2 processes: {runs} runs in {two:.1f} s = {runs / two:,.1f} runs/s;"
        f" speed-up {one / two:.2f}, efficiency {one / two / 2:.0%}; the chunks took {work:.1f}"
        f" CPU-seconds, {work / 2:.1f} s on 2 cores of their own"
    )


def main() -> None:
    """One process, then two; then an optional large streamed ensemble."""
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--runs", type=int, default=1_000, help="runs of the 1- and 2-process comparison (0: skip)"
    )
    parser.add_argument("--chunk", type=int, default=250)
    parser.add_argument("--stream", type=int, default=0, help="runs of a streamed ensemble (0: skip)")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()}")
    if args.runs:
        compare_processes(args.runs, args.chunk)

    if args.stream:
        stream(args.stream, args.chunk, 2)
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
