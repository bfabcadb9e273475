"""Benchmark: the vectorised asylum chain against the same model called one run at a time.

An ensemble of 10,000 runs x 120 months (2025-2034, stochastic inflow, forecast-linked policy) runs
through the vectorised model in one call. The same model is then called once per run in a Python
loop, as EMA Workbench or a hand-written Monte Carlo would call it; the loop is timed on a sample of
runs and its throughput extrapolated (stated in the output). Both happen in this one process.

The vectorised model runs twice: with the compiled queue months (production) and with their numpy
references (``queues.serve_and_age_reference``, ``queues.serve_tracks_reference``); the ratio and the largest
relative difference of every monthly variable are printed.

Run: PYTHONPATH=src python benchmarks/bench_asylum.py [--runs 10000] [--loop-sample 200]
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from migratielab.models.asylum import substeps
from migratielab.models.asylum.chain import Flows
from migratielab.models.asylum.queues import serve_and_age_reference, serve_tracks_reference
from migratielab.scenario import Policy, Scenario
from migratielab.service.asylum import simulate_policy, warm


def main() -> None:
    """Time both ways and print throughputs and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--loop-sample", type=int, default=200)
    arguments = parser.parse_args()
    policy = Policy(name="forecast-linked")
    scenario = Scenario(
        name="benchmark", start_year=2025, end_year=2034, runs=arguments.runs, policies=[policy]
    )
    print(f"load average at start: {os.getloadavg()}")
    warm(scenario)  # the cached replay of history so neither side pays for it
    simulate_policy(scenario, policy, np.arange(2))  # compile the queue kernel

    started = time.perf_counter()
    vectorised = simulate_policy(scenario, policy, np.arange(arguments.runs))
    vectorised_seconds = time.perf_counter() - started

    compiled_queues = substeps.serve_and_age, substeps.serve_tracks
    substeps.serve_and_age, substeps.serve_tracks = serve_and_age_reference, serve_tracks_reference
    started = time.perf_counter()
    reference = simulate_policy(scenario, policy, np.arange(arguments.runs))
    reference_seconds = time.perf_counter() - started
    substeps.serve_and_age, substeps.serve_tracks = compiled_queues
    worst, worst_name = 0.0, ""
    for name in Flows.scalar_names():
        expected, actual = reference.monthly[name].to_numpy(), vectorised.monthly[name].to_numpy()
        difference = float(np.max(np.abs(actual - expected) / np.maximum(np.abs(expected), 1.0)))
        worst, worst_name = max((worst, worst_name), (difference, name))

    sample = min(arguments.loop_sample, arguments.runs)
    started = time.perf_counter()
    looped = [simulate_policy(scenario, policy, np.array([run])) for run in range(sample)]
    loop_seconds = time.perf_counter() - started

    for run in (0, sample - 1):
        np.testing.assert_allclose(
            looped[run].monthly["in_chain"].to_numpy()[0],
            vectorised.monthly["in_chain"].to_numpy()[run],
            rtol=1e-9,
        )
    vectorised_rate = arguments.runs / vectorised_seconds
    loop_rate = sample / loop_seconds
    print(f"months per run: {scenario.months}")
    print(
        f"vectorised: {arguments.runs:,} runs in {vectorised_seconds:.2f} s = {vectorised_rate:,.0f} runs/s"
    )
    print(
        f"loop:       {sample:,} runs in {loop_seconds:.2f} s = {loop_rate:,.1f} runs/s "
        f"(extrapolated to {arguments.runs:,} runs: {arguments.runs / loop_rate:,.0f} s)"
    )
    print(f"ratio (vectorised / loop throughput): {vectorised_rate / loop_rate:,.1f}")
    reference_rate = arguments.runs / reference_seconds
    print(f"numpy queues: {arguments.runs:,} runs, {reference_seconds:.2f} s = {reference_rate:,.0f} runs/s")
    print(f"ratio (compiled queues / numpy queues): {vectorised_rate / reference_rate:.2f}")
    print(f"identity: max relative difference (floor 1) of monthly variables: {worst:.2e} ({worst_name})")
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
