"""Calibrate the asylum chain's estimated parameters on the 2014-2023 backtest (a maintainer's tool).

Searches the `estimate: true` parameters listed in CALIBRATED within their uncertainty ranges
(scipy's differential evolution) for the smallest weighted error on observed year-end COA occupancy,
IND backlog and status holders waiting. It prints the values; a maintainer copies them into
params/asylum.yaml and records in each parameter's reasoning that it was calibrated, so that the
backtest of these years is in-sample for them.

Run: .venv/bin/python scripts/calibrate_asylum.py [--iterations 20]
"""

from __future__ import annotations

import argparse

import numpy as np
from scipy.optimize import differential_evolution

from migratielab.params import default_parameters
from migratielab.service.asylum import backtest, mean_absolute_percentage_error

CALIBRATED = {
    "ind_max_shrink_per_month": (0.005, 0.08),
    "rejected_mean_months_in_reception": (2.0, 12.0),
    "appeal_share": (0.3, 0.8),
    "court_lag_months": (3.0, 14.0),
    "housing_min_wait_months": (2.0, 6.0),
    "housing_realisation": (0.7, 1.0),
    "housing_quota_catch_up": (0.3, 1.0),
    "family_share_in_reception": (0.2, 0.8),
    "ramp_up_months": (4.0, 12.0),
    "backlog_clearance_months": (6.0, 24.0),
}
WEIGHTS = {"coa_occupancy_end": 1.0, "ind_backlog_end": 0.5, "status_holders_waiting_end": 0.25}
YEARS = (2014, 2023)


def loss(values: np.ndarray) -> float:
    """Weighted MAPE (percent) of the backtest for the given parameter values."""
    parameters = default_parameters("asylum").with_values(
        dict(zip(CALIBRATED, map(float, values), strict=True))
    )
    records = backtest(parameters)
    return sum(
        weight * mean_absolute_percentage_error(records, variable, YEARS)
        for variable, weight in WEIGHTS.items()
    )


def main() -> None:
    """Run the search and print the best values and the resulting errors."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=20)
    arguments = parser.parse_args()
    result = differential_evolution(
        loss,
        list(CALIBRATED.values()),
        maxiter=arguments.iterations,
        popsize=8,
        seed=1,
        polish=False,
        tol=1e-3,
    )
    best = dict(zip(CALIBRATED, result.x, strict=True))
    for name, value in best.items():
        print(f"{name}: {value:.3f}")
    records = backtest(default_parameters("asylum").with_values(best))
    for variable in WEIGHTS:
        error = mean_absolute_percentage_error(records, variable, YEARS)
        print(f"MAPE {YEARS[0]}-{YEARS[1]} {variable}: {error:.1f}%")


if __name__ == "__main__":
    main()
