"""Benchmark: the vectorised asylum chain against the same model called one run at a time.

An ensemble of 10,000 runs x 120 months (2025-2034, stochastic inflow, forecast-linked policy) runs
through the vectorised model in one call: the first call of that size in this process (which pays
the first touch of its memory, about 470 MB of recording) and the best of three after it. The same
model is then called once per run in a Python loop, as EMA Workbench or a hand-written Monte Carlo
would call it; the loop is timed on a sample of runs and its throughput extrapolated (stated in the
output). Everything happens in this one process.

Also printed:

* numpy kernels: the vectorised model with the numpy references of its compiled kernels
  (``queues.serve_and_age_reference``, ``queues.serve_tracks_reference``,
  ``kernels.schedule_family_reference``, ``kernels.shift_pipeline_reference``): ratio and the
  largest relative difference of every monthly variable;
* fused reference: the monthly step alone (``chain.step`` and recording, 120 months, set-up and
  the xarray result excluded) against ``chain_fused``, the same arithmetic as one compiled loop nest
  over runs and cells, state updated in place; the flows of both are compared first (aim: ratio <= 2);
* small ensembles: the dashboard's what-if request, 100 runs x 132 months (whole call and step loop).

Run: PYTHONPATH=src python benchmarks/bench_asylum.py [--runs 10000] [--loop-sample 100]
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

import chain_fused  # benchmarks/chain_fused.py (this directory is first on the path)
from migratielab.models import system
from migratielab.models.asylum import substeps
from migratielab.models.asylum.chain import Flows, step
from migratielab.models.asylum.kernels import schedule_family_reference, shift_pipeline_reference
from migratielab.models.asylum.queues import serve_and_age_reference, serve_tracks_reference
from migratielab.models.asylum.record import ChainRecorder, ChainRun
from migratielab.models.asylum.setup import scenario_parameters
from migratielab.scenario import Policy, Scenario
from migratielab.service.asylum import simulate_policy, warm


@dataclass(frozen=True)
class Seconds:
    """Wall and CPU seconds of this process (CPU: one core's work, robust to a shared machine)."""

    wall: float
    cpu: float

    def rate(self, runs: int) -> str:
        """Runs per second, by CPU and by wall time."""
        return f"{runs / self.cpu:,.0f} runs/s per CPU second ({runs / self.wall:,.0f} by wall clock)"


def timed(call: Callable[[], object]) -> tuple[Seconds, object]:
    """Seconds of one call and its result."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = call()
    return Seconds(time.perf_counter() - wall, time.process_time() - cpu), result


def best(times: list[Seconds]) -> Seconds:
    """The fastest of repeated timings (CPU and wall separately)."""
    return Seconds(min(t.wall for t in times), min(t.cpu for t in times))


def ratio(slow: Seconds, fast: Seconds) -> str:
    """Throughput ratio fast / slow by CPU and by wall time."""
    return f"{slow.cpu / fast.cpu:,.2f} (wall clock {slow.wall / fast.wall:,.2f})"


def worst_difference(expected: dict[str, np.ndarray], actual: dict[str, np.ndarray]) -> tuple[float, str]:
    """Largest relative difference (floor 1: persons, places, FTE or euros) over the named arrays."""
    worst = (0.0, "")
    for name, values in expected.items():
        difference = float(np.max(np.abs(actual[name] - values) / np.maximum(np.abs(values), 1.0)))
        worst = max(worst, (difference, name))
    return worst


def monthly(run: ChainRun) -> dict[str, np.ndarray]:
    """Every monthly variable of a run, (run, time)."""
    return {name: run.monthly[name].to_numpy() for name in Flows.scalar_names()}


def numpy_queues(scenario: Scenario, policy: Policy, runs: int) -> tuple[Seconds, ChainRun]:
    """Seconds and result of the vectorised model on the numpy references of its compiled kernels."""
    compiled = (
        substeps.serve_and_age,
        substeps.serve_tracks,
        substeps.schedule_family,
        substeps.shift_pipeline,
    )
    substeps.serve_and_age, substeps.serve_tracks = serve_and_age_reference, serve_tracks_reference
    substeps.schedule_family, substeps.shift_pipeline = schedule_family_reference, shift_pipeline_reference
    try:
        seconds, result = timed(lambda: simulate_policy(scenario, policy, np.arange(runs)))
    finally:
        substeps.serve_and_age, substeps.serve_tracks, substeps.schedule_family, substeps.shift_pipeline = (
            compiled
        )
    assert isinstance(result, ChainRun)
    return seconds, result


def production_steps(part: system.AsylumPart) -> tuple[Seconds, dict[str, np.ndarray]]:
    """Seconds of the production step loop (step and recording, pre-touched recorder) and its flows."""
    runs, months = part.inputs.applications.shape
    recorder = ChainRecorder(runs, months)
    for values in recorder.recorded.values():
        values.fill(0.0)

    def loop() -> None:
        state = part.state
        for t in range(months):
            state, flows = step(state, part.config, part.inputs.month(t), t)
            recorder.add(t, flows)

    seconds, _ = timed(loop)
    return seconds, {name: values.T for name, values in recorder.recorded.items()}


def fused_steps(part: system.AsylumPart) -> tuple[Seconds, dict[str, np.ndarray]]:
    """Seconds of the fused loop nest over the same months (state packed first) and its flows."""
    runs, months = part.inputs.applications.shape
    chain = chain_fused.pack(part.state, part.config)
    record = np.zeros((months, runs, len(chain_fused.FLOWS)))
    seconds, _ = timed(lambda: chain_fused.run(chain, part.inputs, record))
    return seconds, {name: record[:, :, index].T for index, name in enumerate(chain_fused.FLOWS)}


def fused_comparison(scenario: Scenario, policy: Policy, runs: int, repeats: int = 3) -> None:
    """Print the production step loop against the fused reference (same runs, flows compared;
    alternating, best of ``repeats``)."""
    parameters = scenario_parameters(scenario)
    fused_steps(system.asylum_part(scenario, policy, np.arange(2), parameters))  # compile
    part = system.asylum_part(scenario, policy, np.arange(runs), parameters)
    productions, fuseds = [], []
    for _ in range(repeats):
        seconds, production = production_steps(part)
        productions.append(seconds)
        seconds, fused = fused_steps(part)
        fuseds.append(seconds)
    difference, name = worst_difference(production, fused)
    print(f"fused reference: flows equal production to {difference:.2e} relative, floor 1 ({name})")
    print(f"  production step loop (best of {repeats}): {best(productions).rate(runs)}")
    print(f"  fused loop nest (best of {repeats}):      {best(fuseds).rate(runs)}")
    print(f"  ratio fused / production throughput (aim <= 2): {ratio(best(productions), best(fuseds))}")


def small_ensemble(policy: Policy, requests: int = 5) -> None:
    """Print the time of the dashboard's what-if request: 100 runs x 132 months (2025-2035)."""
    scenario = Scenario(name="what-if", start_year=2025, end_year=2035, runs=100, policies=[policy])
    simulate_policy(scenario, policy, np.arange(100))
    whole = best(
        [timed(lambda: simulate_policy(scenario, policy, np.arange(100)))[0] for _ in range(requests)]
    )
    part = system.asylum_part(scenario, policy, np.arange(100), scenario_parameters(scenario))
    steps = best([production_steps(part)[0] for _ in range(requests)])
    per_month = steps.cpu / scenario.months * 1e3
    print(f"small ensemble (100 runs x {scenario.months} months, best of {requests}, CPU seconds):")
    print(f"  whole call {whole.cpu:.3f} s; step loop {steps.cpu:.3f} s = {per_month:.2f} ms per month")


def main() -> None:
    """Time every way and print throughputs and their ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--loop-sample", type=int, default=100)
    arguments = parser.parse_args()
    runs = arguments.runs
    policy = Policy(name="forecast-linked")
    scenario = Scenario(name="benchmark", start_year=2025, end_year=2034, runs=runs, policies=[policy])
    print(f"load average at start: {os.getloadavg()}")
    warm(scenario)  # the cached replay of history so neither side pays for it
    simulate_policy(scenario, policy, np.arange(2))  # compile the queue kernels

    first_seconds, vectorised = timed(lambda: simulate_policy(scenario, policy, np.arange(runs)))
    assert isinstance(vectorised, ChainRun)
    vectorised_seconds = best(
        [timed(lambda: simulate_policy(scenario, policy, np.arange(runs)))[0] for _ in range(3)]
    )
    reference_seconds, reference = numpy_queues(scenario, policy, runs)
    worst, worst_name = worst_difference(monthly(reference), monthly(vectorised))

    sample = min(arguments.loop_sample, runs)
    loop_seconds, looped = timed(
        lambda: [simulate_policy(scenario, policy, np.array([r])) for r in range(sample)]
    )
    assert isinstance(looped, list)
    for run in (0, sample - 1):
        np.testing.assert_allclose(
            looped[run].monthly["in_chain"].to_numpy()[0],
            vectorised.monthly["in_chain"].to_numpy()[run],
            rtol=1e-9,
        )
    loop_per_ensemble = Seconds(loop_seconds.wall * runs / sample, loop_seconds.cpu * runs / sample)
    print(f"months per run: {scenario.months}")
    for label, spent in (("first call", first_seconds), ("best of 3", vectorised_seconds)):
        print(f"vectorised, {label}: {runs:,} runs in {spent.cpu:.2f} CPU s: {spent.rate(runs)}")
    print(f"loop:       {sample:,} runs in {loop_seconds.cpu:.2f} CPU s: {loop_seconds.rate(sample)}")
    print(f"ratio (vectorised / loop throughput): {ratio(loop_per_ensemble, vectorised_seconds)}")
    print(
        f"numpy kernels: {runs:,} runs in {reference_seconds.cpu:.2f} CPU s: {reference_seconds.rate(runs)}"
    )
    print(f"ratio (compiled kernels / numpy kernels): {ratio(reference_seconds, vectorised_seconds)}")
    print(f"identity: max relative difference (floor 1) of monthly variables: {worst:.2e} ({worst_name})")
    fused_comparison(scenario, policy, runs)
    small_ensemble(policy)
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
