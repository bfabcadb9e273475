import numpy as np
import pytest

from migratielab.models.asylum.forecast import (
    ets_paths,
    random_walk_paths,
    seasonal_naive_paths,
    standard_draws,
)

HISTORY = 2000.0 * np.exp(0.1 * np.sin(np.arange(60) / 3.0))


@pytest.mark.parametrize("method", [ets_paths, random_walk_paths, seasonal_naive_paths])
def test_paths_are_positive_and_shaped_path_by_month(method) -> None:  # type: ignore[no-untyped-def]
    draws = np.random.default_rng(0).standard_normal((12, 200))
    paths = method(HISTORY, draws)
    assert paths.shape == (200, 12) and np.all(paths > 0) and np.all(np.isfinite(paths))


def test_a_path_depends_only_on_its_own_stream() -> None:
    streams = [np.random.default_rng(seed) for seed in (1, 2, 3)]
    together = ets_paths(HISTORY, standard_draws(streams, 12))
    alone = ets_paths(HISTORY, standard_draws([np.random.default_rng(2)], 12))
    assert np.allclose(together[1], alone[0])


def test_zero_draws_give_the_seasonal_naive_repeat() -> None:
    paths = seasonal_naive_paths(HISTORY, np.zeros((12, 1)))
    assert np.allclose(paths[0], HISTORY[-12:])


def test_short_or_non_positive_history_is_refused() -> None:
    with pytest.raises(ValueError):
        ets_paths(HISTORY[:10], np.zeros((12, 1)))
    with pytest.raises(ValueError):
        random_walk_paths(np.r_[HISTORY, 0.0], np.zeros((12, 1)))
