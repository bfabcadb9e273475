"""The forecast as the chain's inflow future (``inflow: {kind: forecast}``)."""

from __future__ import annotations

import numpy as np

from migratielab.models.asylum import history
from migratielab.models.asylum.forecast import calibrated_paths, standard_draws
from migratielab.models.asylum.setup import inflow_paths
from migratielab.models.random import pillar_stream
from migratielab.scenario import Policy, Scenario
from migratielab.service import asylum as service

SCENARIO = Scenario.model_validate(
    {
        "name": "forecast inflow",
        "start_year": 2026,
        "end_year": 2026,
        "runs": 3,
        "seed": 7,
        "inflow": {"kind": "forecast"},
        "policies": [{"name": "as is"}],
    }
)


def test_forecast_inflow_is_the_calibrated_forecast_from_each_runs_stream() -> None:
    """Run r's inflow is the forecast path drawn from its own asylum stream, after all observed months."""
    paths = inflow_paths(SCENARIO, np.array([0, 1, 2]))
    observed = history.monthly_applications(history.first_observed_year(), 2025)
    draws = standard_draws([pillar_stream(7, "asylum", 2)], 12)
    assert paths.shape == (3, 12) and np.all(paths > 0)
    assert np.allclose(paths[2], calibrated_paths(observed, draws)[0])
    assert not np.allclose(paths[0], paths[1])


def test_a_forward_run_takes_the_forecast_as_its_applications() -> None:
    policy = Policy(name="as is")
    run = service.simulate_policy(SCENARIO, policy, np.array([0, 1, 2]))
    applications = run.monthly["applications"].transpose("run", "time").to_numpy()
    assert np.allclose(applications, inflow_paths(SCENARIO, np.array([0, 1, 2])))
