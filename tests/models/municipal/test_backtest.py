"""Backtest of the national half-yearly housing task and realisation (2022-I and 2022-II)."""

from __future__ import annotations

import numpy as np

from migratielab.models.municipal.backtest import backtest
from migratielab.params import default_parameters


def test_modelled_realisation_of_the_observed_half_years_is_within_a_quarter() -> None:
    results = backtest(default_parameters("municipal"), run_ids=range(50))
    assert [r.period for r in results] == ["2022-I", "2022-II"]
    for result in results:
        median = float(np.median(result.modelled_housed))
        print(result.period, result.task_incl_backlog, result.observed_housed, round(median))
        assert abs(median / result.observed_housed - 1) < 0.25
    year = sum(float(np.median(r.modelled_housed)) for r in results)
    observed = sum(r.observed_housed for r in results)
    assert abs(year / observed - 1) < 0.1
