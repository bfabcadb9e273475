"""Benchmark: the same asylum-chain experiment through EMA Workbench (one Python call per experiment,
as its users wrap models) and through migratielab's chunked explore path; then peak memory of a large
streaming run.

Usage: python benchmarks/bench_explore.py [--size 2000] [--large 100000] [--skip-sequential]

EMA Workbench runs the migratielab asylum model for ONE run per call (SequentialEvaluator and
MultiprocessingEvaluator with 2 processes); migratielab evaluates chunks of runs as arrays (in
process and on 2 local processes). Wall times and ratios are printed; nothing is asserted.
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

from migratielab.experiments.backends import InProcessBackend, ProcessBackend
from migratielab.experiments.evaluate import ChunkTask, SystemModel
from migratielab.experiments.run import run_experiment
from migratielab.experiments.schema import Experiment, load_experiment

EXPERIMENT_FILE = Path(__file__).parents[1] / "experiments" / "reception-robustness.yaml"
POLICY = 2  # "base 41k + buffer 15k"


def benchmark_experiment(size: int) -> Experiment:
    """The bundled robustness experiment, one policy, ``size`` Latin-hypercube futures, 10 years."""
    experiment = load_experiment(EXPERIMENT_FILE)
    sampler = experiment.sampler.model_copy(update={"size": size})
    return experiment.model_copy(update={"sampler": sampler, "policies": [experiment.policies[POLICY]]})


EXPERIMENT = benchmark_experiment(2000)
MODEL = SystemModel(EXPERIMENT)


def one_run(**values: float) -> dict[str, float]:
    """EMA Workbench model function: one future of the asylum chain, scalar outcomes."""
    run = int(values.pop("future"))
    task = ChunkTask(
        policy_id=0,
        policy=EXPERIMENT.policies[0],
        runs=np.array([run]),
        futures=np.array([run]),
        values={name: np.array([value]) for name, value in values.items()},
    )
    output = MODEL(task)
    return {name: float(output.outcomes[name][0]) for name in EXPERIMENT.outcomes}


def ema_seconds(size: int, evaluator_name: str) -> float:
    """Wall time of ``size`` experiments through EMA Workbench with the named evaluator."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench import (
            Model,
            MultiprocessingEvaluator,
            RealParameter,
            ScalarOutcome,
            SequentialEvaluator,
            ema_logging,
        )
    ema_logging.log_to_stderr(logging.WARNING)
    model = Model("asylum", function=one_run)
    bounds = {u.name: (u.low, u.high) for u in EXPERIMENT.uncertainties}
    bounds["family_per_grant"] = (0.4, 0.9)  # registry ranges (params/asylum.yaml), as in the experiment
    bounds["housing_realisation"] = (0.7, 1.0)
    bounds["ramp_up_months"] = (6.0, 12.0)
    bounds["court_lag_months"] = (4.0, 10.0)
    model.uncertainties = [RealParameter(name, low, high) for name, (low, high) in bounds.items()]
    model.uncertainties += [RealParameter("future", 0, 10**6)]
    model.outcomes = [ScalarOutcome(name) for name in EXPERIMENT.outcomes]
    evaluator = (
        SequentialEvaluator(model)
        if evaluator_name == "sequential"
        else MultiprocessingEvaluator(model, n_processes=2)
    )
    started = time.perf_counter()
    with evaluator:
        evaluator.perform_experiments(scenarios=size)
    return time.perf_counter() - started


def migratielab_seconds(size: int, backend_name: str, store: Path) -> float:
    """Wall time of the same experiment through migratielab's explore path (run + store)."""
    backend = ProcessBackend(workers=2) if backend_name == "processes" else InProcessBackend()
    started = time.perf_counter()
    run_experiment(benchmark_experiment(size), backend, chunk_size=2000, store=store)
    return time.perf_counter() - started


def peak_rss_mb() -> tuple[float, float]:
    """Peak resident memory (MB) of this process and of its largest finished child."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def main() -> None:
    """Run the comparison and the large streaming run; print times, ratios and memory."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=2000, help="experiments in the comparison (>= 2000)")
    parser.add_argument("--large", type=int, default=100_000, help="runs in the streaming memory run")
    parser.add_argument("--skip-sequential", action="store_true", help="skip EMA's sequential evaluator")
    args = parser.parse_args()
    store = Path(tempfile.mkdtemp(prefix="bench-explore-"))
    os.environ.setdefault("MIGRATIELAB_HOME", str(store))
    print(
        f"experiment: {EXPERIMENT.name}, 1 policy, {args.size} futures, {EXPERIMENT.months} months",
        flush=True,
    )
    migratielab_seconds(16, "inprocess", store)  # warm the replay cache (as EMA's first call does)
    times = {
        "migratielab inprocess": migratielab_seconds(args.size, "inprocess", store),
        "migratielab 2 processes": migratielab_seconds(args.size, "processes", store),
    }
    print({name: round(value, 2) for name, value in times.items()}, flush=True)
    times["EMA MultiprocessingEvaluator(2)"] = ema_seconds(args.size, "multiprocessing")
    print(f"EMA multiprocessing: {times['EMA MultiprocessingEvaluator(2)']:.1f} s", flush=True)
    if not args.skip_sequential:
        times["EMA SequentialEvaluator"] = ema_seconds(args.size, "sequential")
    for name, seconds in times.items():
        print(f"{name:34s} {seconds:9.2f} s  {seconds / args.size * 1e3:8.3f} ms/experiment")
    best = times["migratielab 2 processes"]
    for name in [key for key in times if key.startswith("EMA")]:
        print(f"ratio {name} / migratielab 2 processes: {times[name] / best:.1f}x")
    print(
        f"ratio EMA multiprocessing / migratielab inprocess: "
        f"{times['EMA MultiprocessingEvaluator(2)'] / times['migratielab inprocess']:.1f}x"
    )
    started = time.perf_counter()
    run_experiment(benchmark_experiment(args.large), ProcessBackend(workers=2), chunk_size=2000, store=store)
    seconds = time.perf_counter() - started
    own, children = peak_rss_mb()
    print(f"streaming run: {args.large:,} runs x {EXPERIMENT.months} months in {seconds:.0f} s")
    print(f"peak RSS: parent {own:.0f} MB, largest worker process {children:.0f} MB")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
