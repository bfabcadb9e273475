import numpy as np
import pandas as pd
import pytest

from migratielab.analysis.forecasting import covered, crps, rolling_origin, summary


def test_crps_of_a_point_mass_is_the_absolute_error() -> None:
    assert crps(np.full(50, 10.0), 13.0) == pytest.approx(3.0)


def test_crps_of_a_normal_sample_matches_the_closed_form() -> None:
    samples = np.random.default_rng(1).standard_normal(20_000)
    closed_form = 2 * 0.3989422804 - 1 / np.sqrt(np.pi)  # CRPS of N(0,1) at 0
    assert crps(samples, 0.0) == pytest.approx(closed_form, abs=0.01)


def test_coverage_of_central_intervals() -> None:
    samples = np.arange(1, 101, dtype=float)
    assert covered(samples, 50.0, 0.8) and not covered(samples, 99.5, 0.8) and covered(samples, 97.0, 0.95)


def test_rolling_origin_scores_each_method_at_each_origin() -> None:
    index = pd.date_range("2010-01-01", periods=72, freq="MS")
    monthly = pd.Series(100.0, index=index)
    perfect = lambda history, draws: np.full((draws.shape[1], 12), history[-1])  # noqa: E731
    scores = rolling_origin(monthly, {"flat": perfect}, [pd.Timestamp("2013-01-01")], np.zeros((12, 5)))
    assert scores["crps"].iloc[0] == pytest.approx(0.0) and scores["outcome"].iloc[0] == 1200.0
    assert summary(scores).loc["flat", "coverage_95"] == 1.0
