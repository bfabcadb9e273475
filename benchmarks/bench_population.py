"""Benchmark (not a test): 10,000 runs x 30 years vectorised vs one run at a time in a Python loop.

The loop is timed on a sample of runs and scaled to 10,000 (stated in the output). Both use the
plan mode (origin split by motive and years since arrival) of the example plan, in one process.
Run: .venv/bin/python benchmarks/bench_population.py [--runs 10000] [--sample 50]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from migratielab.scenario import load_scenario
from migratielab.service import population as service

PLAN = Path(__file__).resolve().parents[1] / "scenarios" / "plan_example.yaml"


def main() -> None:
    """Time both ways and print throughputs and their ratio."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--sample", type=int, default=50)
    args = parser.parse_args()
    plan = load_scenario(PLAN).model_copy(update={"start_year": 2020, "end_year": 2049, "seed": 1})

    began = time.perf_counter()
    service.project_plan(plan.model_copy(update={"runs": args.runs}), detail=False)
    vectorised = time.perf_counter() - began

    began = time.perf_counter()
    for _ in range(args.sample):
        service.project_plan(plan.model_copy(update={"runs": 1}), detail=False)
    loop = (time.perf_counter() - began) / args.sample * args.runs

    print(
        f"vectorised: {args.runs} runs x 30 years in {vectorised:.1f} s"
        f" = {args.runs / vectorised:,.0f} runs/s"
    )
    print(
        f"python loop: {args.sample} runs timed, scaled to {args.runs}: {loop:.1f} s"
        f" = {args.runs / loop:,.1f} runs/s"
    )
    print(f"ratio (loop / vectorised): {loop / vectorised:.1f}x")


if __name__ == "__main__":
    main()
