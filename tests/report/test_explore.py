"""Tables of the exploration report: outcome labels and units, numbers never in scientific notation."""

from __future__ import annotations

import pandas as pd

from migratielab.report.explore import frame_table


def test_outcome_tables_show_labels_units_and_plain_numbers() -> None:
    """Registered outcomes show their label and unit, costs in EUR million, shares as percentages."""
    frame = pd.DataFrame(
        {
            "policy": ["a", "a"],
            "outcome": ["total_cost_eur", "share_within_6_months"],
            "p5": [9.14e9, 0.166],
            "median": [1.4921823898e10, 0.253],
            "p95": [2.66e10, 0.365],
        }
    )
    html = frame_table(frame)
    assert "Total cost including penalties" in html and "million euro" in html
    assert "14,922" in html and "25%" in html
    assert "total_cost_eur" not in html and "e+" not in html
