"""Benchmark (not a test): an exploration on a Dask LocalCluster of 2 workers against 1 worker.

The bundled reception-robustness experiment (one policy, ``--size`` futures) runs in process, then
on a LocalCluster of 1 worker and of 2 workers (one thread each, processes), in this one process.
Each cluster is started and warmed before the clock starts (every worker imports the model, loads
its data and replays history once, on a small exploration), so the times compare the steady state,
as on a long-running cluster; the start-up and warm-up seconds are printed apart. Each Dask run's
per-run table is compared with the in-process one (it must be identical), and the efficiency of 2
workers against 1 (speed-up / 2) is printed, also with the start-up included. ``--scheduler`` adds a
run on an existing cluster (see docs/explore.md); the machine's load average is printed.

Run: PYTHONPATH=src python benchmarks/bench_dask.py [--size 4000] [--chunk 500] [--scheduler tcp://...]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import pandas as pd

from migratielab.experiments.backends import WORKER_MALLOC, Backend, DaskBackend, InProcessBackend
from migratielab.experiments.run import run_experiment
from migratielab.experiments.schema import Experiment, load_experiment
from migratielab.experiments.store import read_runs

EXPERIMENT_FILE = Path(__file__).parents[1] / "experiments" / "reception-robustness.yaml"
WARM_SIZE = 32
"""Futures of the warm-up exploration (chunks of 8: every worker gets some)."""


def experiment(size: int) -> Experiment:
    """The bundled robustness experiment, its third policy, ``size`` futures."""
    base = load_experiment(EXPERIMENT_FILE)
    sampler = base.sampler.model_copy(update={"size": size})
    return base.model_copy(update={"sampler": sampler, "policies": [base.policies[2]]})


def timed_runs(backend: Backend, size: int, chunk: int, store: Path) -> tuple[float, pd.DataFrame]:
    """Wall seconds of the exploration on ``backend`` and its per-run table."""
    began = time.perf_counter()
    exploration = run_experiment(experiment(size), backend, chunk_size=chunk, store=store)
    return time.perf_counter() - began, read_runs(exploration.folder)


def on_local_cluster(
    workers: int, size: int, chunk: int, store: Path, malloc: dict[str, str]
) -> tuple[float, float, pd.DataFrame]:
    """(start-up and warm-up s, steady-state s, per-run table) on a LocalCluster of ``workers``
    whose worker processes start with the Dask settings ``malloc`` (empty: Dask's defaults)."""
    import dask
    import distributed

    with ExitStack() as stack:
        stack.enter_context(dask.config.set(malloc))
        began = time.perf_counter()
        cluster = stack.enter_context(
            distributed.LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
        )
        backend = DaskBackend(scheduler=cluster.scheduler_address)
        timed_runs(backend, WARM_SIZE, WARM_SIZE // 4, store)
        warm = time.perf_counter() - began
        seconds, runs = timed_runs(backend, size, chunk, store)
    return warm, seconds, runs


def report(seconds: dict[int, float], warm: dict[int, float], in_process: float) -> None:
    """Speed-up and efficiency of 2 workers against 1, warm and with start-up; 1 worker / in process."""
    one, two = seconds[1], seconds[2]
    print(f"  speed-up 2 workers / 1 worker: {one / two:.2f}; efficiency {one / two / 2:.0%} (warm clusters)")
    cold = (warm[1] + one) / (warm[2] + two)
    print(f"  with start-up and warm-up included: speed-up {cold:.2f}; efficiency {cold / 2:.0%}")
    print(f"  ratio LocalCluster 1 worker / in process: {one / in_process:.2f}")


def main() -> None:
    """In process, 1 worker, 2 workers (and an existing scheduler): times, identity, efficiency."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=4_000)
    parser.add_argument("--chunk", type=int, default=500)
    parser.add_argument("--scheduler", default=None)
    args = parser.parse_args()
    store = Path(tempfile.mkdtemp(prefix="bench-dask-"))
    os.environ.setdefault("MIGRATIELAB_HOME", str(store))
    print(f"load average at start: {os.getloadavg()}")
    timed_runs(InProcessBackend(), 16, 16, store)  # warm the replay cache
    in_process, reference = timed_runs(InProcessBackend(), args.size, args.chunk, store)
    rate = args.size / in_process
    print(f"{'in process':28s} {in_process:7.1f} s  {rate:8,.0f} futures/s  identical: reference")
    for label, malloc in (("Dask's default allocator", {}), ("heap up to 32 MB", WORKER_MALLOC)):
        seconds, warm = {}, {}
        for workers in (1, 2):
            warm[workers], seconds[workers], runs = on_local_cluster(
                workers, args.size, args.chunk, store, malloc
            )
            print(
                f"{f'LocalCluster {workers} worker(s)':28s} {seconds[workers]:7.1f} s  "
                f"{args.size / seconds[workers]:8,.0f} futures/s  identical: {runs.equals(reference)}"
                f"  (start-up and warm-up {warm[workers]:.1f} s; {label})"
            )
        report(seconds, warm, in_process)
    if args.scheduler:
        elapsed, runs = timed_runs(DaskBackend(scheduler=args.scheduler), args.size, args.chunk, store)
        print(f"scheduler {args.scheduler}: {elapsed:.1f} s  identical: {runs.equals(reference)}")
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
