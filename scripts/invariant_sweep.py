"""Invariant sweep: a million asylum-chain runs (and population runs) over and beyond the plausible ranges.

Usage (from the project root, with the project on PYTHONPATH):
    python scripts/invariant_sweep.py --runs 1000000 [--population-runs 20000] [--chunk 5000] [--years 2]

Every per-run parameter of the chain is drawn uniformly over its whole accepted range (shares over
[0, 1], groups of shares up to 1 together, other parameters from zero to three times the default
and beyond the registry's ranges), with the inflow level from 0.01 to 10 times its mean, for two
policies. The population part varies fertility, departures, native emigration and every immigration
channel from 0 to 5 times the plan. Runs are one array axis (chunks of ``--chunk`` runs).

Invariants: a run either succeeds with finite, non-negative stocks and finite outcomes, or is
refused as infeasible (InfeasibleRunError, named in the run's reason); never a failed balance
(ConservationError), never NaN or a negative stock in a run that succeeds. Prints the counts and
exits 1 on any violation.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections import Counter

import numpy as np

from migratielab.experiments.evaluate import ChunkTask, SystemModel, evaluate_chunk
from migratielab.experiments.run import chunk_tasks, value_columns
from migratielab.experiments.sampling import build_design
from migratielab.experiments.schema import POPULATION_CHANNELS, Experiment
from migratielab.limits import POSITIVE_PARAMETERS, SHARE_GROUPS, parameter_limit
from migratielab.models.asylum.parameters import PER_RUN
from migratielab.params import default_parameters
from migratielab.scenario import bundled_scenario_path, load_scenario

TOLERANCE = 1e-6
GROUP_OF = {name: group for group in SHARE_GROUPS for name in group}


def parameter_range(name: str) -> tuple[float, float]:
    """The sweep's range of a per-run chain parameter: its accepted range, capped at 3x the default."""
    parameters = default_parameters("asylum")
    limit = parameter_limit(name, parameters[name].unit)
    high = min(limit.high, 3.0 * max(parameters.largest(name), 1e-3))
    if name in GROUP_OF:
        high = min(high, 1.0 / len(GROUP_OF[name]))
    low = max(limit.low, 1e-3 * high) if name in POSITIVE_PARAMETERS else limit.low
    return low, high


def chain_experiment(runs: int, years: int) -> Experiment:
    """Every per-run chain parameter and the inflow level as uncertainties, two policies."""
    uncertainties = [
        {"name": name, "target": name, "distribution": "uniform", "low": low, "high": high}
        for name in PER_RUN
        for low, high in [parameter_range(name)]
        if low < high
    ]
    uncertainties.append(
        {
            "name": "level",
            "target": "inflow.level_multiplier",
            "distribution": "uniform",
            "low": 0.01,
            "high": 10,
        }
    )
    policies = [policy.model_dump() for policy in load_scenario(bundled_scenario_path()).asylum.policies]  # type: ignore[union-attr]
    return Experiment.model_validate(
        {
            "name": "invariant sweep",
            "start_year": 2025,
            "end_year": 2025 + years - 1,
            "uncertainties": uncertainties,
            "policies": policies,
            "combine": "cross",
            "sampler": {"kind": "monte_carlo", "size": runs // len(policies)},
            "outcomes": ["nights_without_shelter", "total_cost_eur", "share_within_6_months"],
        }
    )


def population_experiment(runs: int, years: int) -> Experiment:
    """Fertility, departures, native emigration and every channel multiplier as uncertainties."""
    plan = load_scenario(bundled_scenario_path().parent / "plans" / "example.yaml").population
    targets = {
        "population.tfr_multiplier": (0.2, 3.0),
        "population.departure_multiplier": (0.0, 5.0),
        "population.native_net_emigration_rate": (0.0, 0.05),
        **{channel: (0.0, 5.0) for channel in POPULATION_CHANNELS},
    }
    uncertainties = [
        {"name": f"u{index}", "target": target, "distribution": "uniform", "low": low, "high": high}
        for index, (target, (low, high)) in enumerate(targets.items())
    ]
    return Experiment.model_validate(
        {
            "name": "population sweep",
            "start_year": 2025,
            "end_year": 2025 + years - 1,
            "pillars": ["population"],
            "population": plan.model_dump(by_alias=True) if plan else None,
            "uncertainties": uncertainties,
            "sampler": {"kind": "monte_carlo", "size": runs},
            "outcomes": [
                "population.population@" + str(2025 + years),
                "population.employed@" + str(2025 + years),
            ],
        }
    )


def check_output(model: SystemModel, task: ChunkTask, tally: Counter[str]) -> None:
    """Evaluate a chunk; on success check the invariants, on failure classify run by run."""
    try:
        output = model(task)
    except Exception:
        result = evaluate_chunk(model, task)
        tally["ok"] += len(result.runs)
        for reason in result.reasons:
            tally[f"refused: {reason.split(':')[0]}"] += 1
        return
    monthly = output.monthly
    finite = np.isfinite(monthly).all(axis=(0, 2))
    scale = np.maximum(1.0, np.abs(np.nan_to_num(monthly)).max(axis=(0, 2), initial=0.0))
    negative = np.nan_to_num(monthly).min(axis=(0, 2), initial=0.0) < -TOLERANCE * scale
    outcome_bad = np.zeros(len(task.runs), dtype=bool)
    for name, values in output.outcomes.items():
        outcome_bad |= ~np.isfinite(values)
        if name.startswith("population."):
            negative |= values < 0
    tally["ok"] += int((finite & ~negative & ~outcome_bad).sum())
    tally["NaN or inf in monthly stocks (marked failed by evaluate)"] += int((~finite).sum())
    tally["negative monthly stock"] += int((finite & negative).sum())
    tally["non-finite outcome (marked failed by evaluate)"] += int((finite & ~negative & outcome_bad).sum())


def sweep(experiment: Experiment, chunk: int, label: str) -> Counter[str]:
    """Run every run of ``experiment`` in chunks; count outcomes."""
    model = SystemModel(experiment)
    design = build_design(experiment)
    tally: Counter[str] = Counter()
    started = time.perf_counter()
    for number, task in enumerate(chunk_tasks(design, value_columns(design, experiment), chunk)):
        check_output(model, task, tally)
        if number % 20 == 0:
            print(f"{label}: {sum(tally.values()):,} runs, {time.perf_counter() - started:.0f} s", flush=True)
    print(f"{label}: {design.runs:,} runs in {time.perf_counter() - started:.0f} s")
    return tally


VIOLATIONS = ("negative monthly stock", "refused: ConservationError", "refused: ValueError")


def main() -> int:
    """Run the sweeps and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1_000_000)
    parser.add_argument("--population-runs", type=int, default=20_000)
    parser.add_argument("--chunk", type=int, default=5000)
    parser.add_argument("--years", type=int, default=2)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    results = {
        "asylum chain": sweep(chain_experiment(args.runs, args.years), args.chunk, "asylum chain"),
        "population": sweep(population_experiment(args.population_runs, args.years), 500, "population"),
    }
    bad = 0
    for label, tally in results.items():
        print(f"\n{label}: {sum(tally.values()):,} runs")
        for outcome, count in tally.most_common():
            print(f"  {outcome:<60}{count:>12,}")
            bad += count if outcome in VIOLATIONS else 0
    print(f"\nviolations: {bad:,}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
