"""Benchmark (not a test): an exploration on a Dask LocalCluster of 2 workers against 1 worker.

The bundled reception-robustness experiment (one policy, ``--size`` futures) runs in process, then
on a LocalCluster of 1 worker and of 2 workers (one thread each, processes), in this one process.
Each Dask run's per-run table is compared with the in-process one (it must be identical), and the
efficiency of 2 workers against 1 (speed-up / 2) is printed. ``--scheduler`` adds a run on an
existing cluster (see docs/explore.md); the machine's load average is printed with the times.

Run: PYTHONPATH=src python benchmarks/bench_dask.py [--size 4000] [--chunk 500] [--scheduler tcp://...]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import pandas as pd

from migratielab.experiments.backends import Backend, DaskBackend, InProcessBackend
from migratielab.experiments.run import run_experiment
from migratielab.experiments.schema import Experiment, load_experiment
from migratielab.experiments.store import read_runs

EXPERIMENT_FILE = Path(__file__).parents[1] / "experiments" / "reception-robustness.yaml"


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
    backends: dict[str, Backend] = {
        "in process": InProcessBackend(),
        "LocalCluster 1 worker": DaskBackend(workers=1),
        "LocalCluster 2 workers": DaskBackend(workers=2),
    }
    if args.scheduler:
        backends[f"scheduler {args.scheduler}"] = DaskBackend(scheduler=args.scheduler)
    seconds, reference = {}, None
    for name, backend in backends.items():
        seconds[name], runs = timed_runs(backend, args.size, args.chunk, store)
        identical = "reference" if reference is None else str(runs.equals(reference))
        reference = runs if reference is None else reference
        rate = args.size / seconds[name]
        print(f"{name:28s} {seconds[name]:7.1f} s  {rate:8,.0f} futures/s  identical: {identical}")
    one, two = seconds["LocalCluster 1 worker"], seconds["LocalCluster 2 workers"]
    print(f"speed-up 2 workers / 1 worker: {one / two:.2f}; efficiency {one / two / 2:.0%}")
    print(f"ratio LocalCluster 1 worker / in process: {one / seconds['in process']:.2f}")
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
