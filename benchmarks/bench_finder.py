"""Benchmark of the plan finder: one batched run of plans x futures against plan-by-plan runs, and a
whole search on the example limits file, each as a ratio to the scorecard run of one plan measured in
the same process.

Prints seconds, the size of the search (plans evaluated, futures, plan-futures run through the coupled
system) and the ratios.

Run: .venv/bin/python benchmarks/bench_finder.py [--limits scenarios/limits/labour_and_housing.yaml]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from migratielab.analysis.planfinder import load_limits
from migratielab.service.finder import find_plans, prepare
from migratielab.service.scorecard import scorecard

ROOT = Path(__file__).resolve().parents[1]


def seconds(action: object) -> float:
    """Wall seconds of ``action()``."""
    started = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - started


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--limits", type=Path, default=ROOT / "scenarios" / "limits" / "labour_and_housing.yaml"
    )
    parser.add_argument("--plans", type=int, default=8, help="plans in the batched-versus-loop comparison")
    args = parser.parse_args()
    spec = load_limits(args.limits)
    question = prepare(spec, args.limits)
    rng = np.random.default_rng(1)
    plans = question.rounded(
        question.lower + (question.upper - question.lower) * rng.random((args.plans, len(question.names)))
    )
    question.values(plans[:1])  # warm: replayed history, data, caches
    one = seconds(lambda: scorecard(question.base))
    batched = seconds(lambda: question.values(plans))
    looped = seconds(lambda: [question.values(plans[i : i + 1]) for i in range(args.plans)])
    print(f"futures per plan: {spec.futures}; horizon {question.base.start_year}-{question.base.end_year}")
    print(f"scorecard of one plan (baseline): {one:.2f} s")
    print(f"{args.plans} plans batched in one run: {batched:.2f} s ({batched / one:.1f}x baseline)")
    print(f"{args.plans} plans one by one:        {looped:.2f} s ({looped / one:.1f}x baseline)")
    print(f"batched / one by one: {batched / looped:.2f}")
    result = find_plans(spec, args.limits)
    print(
        f"search ({spec.search.algorithm}, population {spec.search.population}, "
        f"{spec.search.generations} generations): "
        f"{result.seconds:.1f} s = {result.seconds / one:.0f}x baseline; {result.evaluated} plans evaluated, "
        f"{result.rows} plan-futures run; {len(result.plans)} plans meet the limits, "
        f"{sum(plan.holds_on_fresh_futures for plan in result.plans)} hold on fresh futures"
    )


if __name__ == "__main__":
    main()
