import numpy as np
import pytest

from migratielab.models.asylum.forecast import (
    calibrated_paths,
    ensemble_paths,
    ets_paths,
    random_walk_paths,
    seasonal_naive_paths,
    simple_ets_paths,
    standard_draws,
    yearly_log_changes,
)

HISTORY = 2000.0 * np.exp(0.1 * np.sin(np.arange(60) / 3.0))


METHODS = [
    ets_paths,
    simple_ets_paths,
    calibrated_paths,
    ensemble_paths,
    random_walk_paths,
    seasonal_naive_paths,
]


@pytest.mark.parametrize("method", METHODS)
def test_paths_are_positive_and_shaped_path_by_month(method) -> None:  # type: ignore[no-untyped-def]
    draws = np.random.default_rng(0).standard_normal((12, 200))
    paths = method(HISTORY, draws)
    assert paths.shape == (200, 12) and np.all(paths > 0) and np.all(np.isfinite(paths))


@pytest.mark.parametrize("method", [ets_paths, calibrated_paths, ensemble_paths])
def test_a_path_depends_only_on_its_own_stream(method) -> None:  # type: ignore[no-untyped-def]
    streams = [np.random.default_rng(seed) for seed in (1, 2, 3, 4, 5, 6)]
    together = method(HISTORY, standard_draws(streams, 30))
    alone = method(HISTORY, standard_draws([np.random.default_rng(2)], 30))
    assert np.allclose(together[1], alone[0])


def test_yearly_log_changes_of_steady_growth_are_the_growth_rate() -> None:
    growth = 0.1
    steady = 1000.0 * np.exp(growth * np.arange(60) / 12.0)
    assert np.allclose(yearly_log_changes(steady), growth)
    assert yearly_log_changes(steady).size == 60 - 23


def test_calibrated_paths_centre_on_the_ets_median_and_widen_per_year() -> None:
    """Zero draws give the ETS median path; the spread of the second year ahead exceeds the first."""
    assert np.allclose(calibrated_paths(HISTORY, np.zeros((24, 1))), ets_paths(HISTORY, np.zeros((24, 1))))
    draws = np.random.default_rng(3).standard_normal((24, 2000))
    log_totals = np.log(calibrated_paths(HISTORY, draws).reshape(2000, 2, 12).sum(axis=2))
    assert log_totals[:, 1].std() > log_totals[:, 0].std()


def test_zero_draws_give_the_seasonal_naive_repeat() -> None:
    paths = seasonal_naive_paths(HISTORY, np.zeros((12, 1)))
    assert np.allclose(paths[0], HISTORY[-12:])


def test_short_or_non_positive_history_is_refused() -> None:
    with pytest.raises(ValueError):
        ets_paths(HISTORY[:10], np.zeros((12, 1)))
    with pytest.raises(ValueError):
        random_walk_paths(np.r_[HISTORY, 0.0], np.zeros((12, 1)))
