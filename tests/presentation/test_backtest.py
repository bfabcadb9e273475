"""The backtest table's cells (``presentation/backtest.py``): a target beside the errors, marked."""

from __future__ import annotations

import math

from migratielab.presentation.backtest import backtest_rows, target_cell


def test_a_target_is_marked_met_or_missed_by_the_target_window_error() -> None:
    assert target_cell(10.0, 15.0, "en") == "≤ 10% ✗"
    assert target_cell(25.0, 25.0, "nl") == "≤ 25% ✓"
    assert target_cell(15.0, math.nan, "en") == "≤ 15%" and target_cell(None, 3.0, "en") == "–"
    rows = backtest_rows(
        {"coa_occupancy_end": [13.0, 18.0, math.nan, 15.0], "penalties_eur": [1.0]},
        {"coa_occupancy_end": 10.0},
        "en",
    )
    assert rows[0]["errors"] == ["13%", "18%", "–", "15%", "≤ 10% ✗"]
    assert rows[1]["errors"][-1] == "–"
