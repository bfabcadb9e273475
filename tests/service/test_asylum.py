"""Service-level tests: reproducibility, chunking invariance, inflow generator, backtest regression."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from migratielab.models.asylum import history, setup
from migratielab.models.asylum.inflow import calibrate, surge_years
from migratielab.models.random import pillar_streams
from migratielab.scenario import BandInflow, PathInflow, Policy, Scenario
from migratielab.service import asylum as service

POLICY = Policy(name="forecast-linked")


def small_scenario(runs: int = 12, seed: int = 7, **changes: object) -> Scenario:
    """A short stochastic scenario for quick service tests."""
    values: dict[str, object] = {
        "name": "test",
        "start_year": 2025,
        "end_year": 2027,
        "runs": runs,
        "seed": seed,
        "policies": [POLICY],
    }
    values.update(changes)
    return Scenario.model_validate(values)


def test_same_seed_gives_identical_results() -> None:
    scenario = small_scenario()
    first = service.simulate_policy(scenario, POLICY, np.arange(scenario.runs))
    second = service.simulate_policy(scenario, POLICY, np.arange(scenario.runs))
    for name in first.monthly.data_vars:
        np.testing.assert_array_equal(first.monthly[name], second.monthly[name])


def test_different_seeds_give_different_inflow() -> None:
    one = setup.inflow_paths(small_scenario(seed=1), np.arange(4))
    two = setup.inflow_paths(small_scenario(seed=2), np.arange(4))
    assert not np.allclose(one, two)


@pytest.mark.parametrize("chunk_size", [1, 5, 12])
def test_results_do_not_depend_on_chunking(chunk_size: int) -> None:
    scenario = small_scenario()
    whole = service.evaluate_policy(scenario, POLICY, chunk_size=scenario.runs)
    chunked = service.evaluate_policy(scenario, POLICY, chunk_size=chunk_size)
    pd.testing.assert_frame_equal(whole.indicators, chunked.indicators, check_exact=False, rtol=1e-12)
    assert whole.monthly is not None and chunked.monthly is not None
    np.testing.assert_allclose(whole.monthly["in_chain"], chunked.monthly["in_chain"], rtol=1e-12)


def test_band_and_path_inflows_are_deterministic_levels() -> None:
    annual = history.annual_applications()
    low = setup.inflow_paths(small_scenario(inflow=BandInflow(band="low")), np.arange(2))
    high = setup.inflow_paths(small_scenario(inflow=BandInflow(band="high")), np.arange(2))
    assert low[0, 0] * 12 == pytest.approx(annual.quantile(0.1))
    assert high[0, 0] > low[0, 0]
    path = setup.inflow_paths(
        small_scenario(inflow=PathInflow(per_year={2025: 12_000, 2026: 24_000})), np.arange(1)
    )
    assert path[0, 0] == pytest.approx(1_000)
    assert path[0, 12] == pytest.approx(2_000)


def test_generator_reproduces_the_observed_level_and_surges() -> None:
    annual = history.annual_applications()
    generator = calibrate(annual)
    paths = generator.paths(pillar_streams(3, "asylum", range(2_000)), months=12 * 15)
    simulated_years = paths.reshape(2_000, 15, 12).sum(axis=2)
    observed_median = float(annual.median())
    assert np.median(simulated_years) == pytest.approx(observed_median, rel=0.25)
    simulated_surge_share = float((simulated_years > 1.5 * observed_median).mean())
    observed_surge_share = float(surge_years(annual).mean())
    assert simulated_surge_share == pytest.approx(observed_surge_share, abs=0.1)
    assert simulated_years.max() > 2 * observed_median  # the ensemble shows the tail


def test_monthly_profile_follows_observed_quarters() -> None:
    profile = history.monthly_profile(2020)  # CBS quarterly first applications; Q2 2020 was low (covid)
    assert profile.sum() == pytest.approx(1.0)
    assert profile[3:6].sum() < profile[0:3].sum()


def test_decision_term_history_marks_the_extension() -> None:
    term = history.decision_term_history(2022, 2025)
    assert term[8] == 6 and term[9] == 15 and term[35] == 15 and term[36] == 6


def test_backtest_reaches_the_stated_tolerances() -> None:
    """Regression: year-end COA occupancy within 15% MAPE and IND backlog within 12% over 2014-2023."""
    records = service.backtest()
    occupancy = service.mean_absolute_percentage_error(records, "coa_occupancy_end", (2014, 2023))
    backlog = service.mean_absolute_percentage_error(records, "ind_backlog_end", (2014, 2023))
    assert occupancy <= 15.0
    assert backlog <= 12.0
    observed_years = [r.year for r in records if r.variable == "coa_occupancy_end" and r.observed]
    assert len([year for year in observed_years if year <= 2023]) == 8  # 2014-2019, 2022, 2023


def test_count_backtest_scores_every_dated_count_against_the_free_replay() -> None:
    """Each stored count of the three stocks in 2014-2025 appears once, next to the free replay's
    value at the end of its month; a lower bound the model reaches is no error."""
    counts = service.count_backtest()
    monthly = setup.replay(service.default_parameters("asylum"), 2025).monthly.isel(run=0)
    for series_id, name in service.SNAPSHOT_VARIABLES.items():
        stored = store_periods(series_id)
        assert [c.period for c in counts if c.series_id == series_id] == stored
        for record in (c for c in counts if c.series_id == series_id):
            month = history.snapshot_month(record.period)
            assert month is not None and record.year == month.year
            assert record.modelled == pytest.approx(float(monthly[name].sel(time=month)), rel=1e-12)
    holders = [c for c in counts if c.series_id == "coa.status_holders_waiting"]
    assert len(holders) == 17 and any(c.lower_bound for c in holders)
    reached = service.CountRecord("2024-11", 2024, "x", 21000.0, 19000.0, True, "out")
    missed = service.CountRecord("2024-11", 2024, "x", 9500.0, 19000.0, True, "out")
    assert reached.error == 0.0 and missed.error == pytest.approx(-0.5)
    in_sample = service.mean_count_error(counts, "coa.status_holders_waiting", (2014, 2019))
    by_hand = np.mean([abs(c.error) for c in holders if c.year <= 2019]) * 100.0
    assert in_sample == pytest.approx(by_hand) and np.isnan(
        service.mean_count_error(counts, "x", (2014, 2024))
    )


def store_periods(series_id: str) -> list[str]:
    """The stored periods of a stock that fall in a month of 2014-2025."""
    from migratielab.data import store

    periods = [str(period) for period in store.get_series(series_id)["period"]]
    return [p for p in periods if (m := history.snapshot_month(p)) is not None and 2014 <= m.year <= 2025]


def test_forward_runs_start_within_five_percent_of_the_latest_counts() -> None:
    """Issue 12's start check on the bundled scenario: each of the three stocks starts within 5% of
    its latest observation before the start year; the November 2024 occupancy is a lower bound."""
    from migratielab.scenario import bundled_scenario_path, load_scenario

    checks = {
        check.series_id: check for check in service.forward_start(load_scenario(bundled_scenario_path()))
    }
    assert set(checks) == set(service.SNAPSHOT_VARIABLES)
    assert all(abs(check.error) <= 0.05 for check in checks.values())
    occupancy = checks["coa.occupancy"]
    assert occupancy.lower_bound and occupancy.period == "2024-11"
    reached = service.StartCheck("x", "v", "2024-11", 72000.0, 75000.0, lower_bound=True)
    assert reached.error == 0.0 and service.StartCheck("x", "v", "2024", 100.0, 90.0).error == pytest.approx(
        -0.1
    )
