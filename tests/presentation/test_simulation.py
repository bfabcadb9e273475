"""Charts of simulation results: the caveat of a known weakness."""

from __future__ import annotations

from migratielab.presentation.charts import FanSeries, fan_chart
from migratielab.presentation.simulation import CAVEAT_WIDTH, with_caveat


def test_a_caveat_sits_between_title_and_plot_clear_of_the_legend() -> None:
    """The caveat is drawn above the plot (the legend is below it), wrapped, with room made for it."""
    series = [FanSeries(f"policy {index}", [2025, 2026], {"0.5": [1.0, 2.0]}) for index in range(4)]
    figure = fan_chart(series, "Status holders waiting for a home", "persons", "en")
    plain_top = figure["layout"]["margin"]["t"]
    note = "Note: the model under-estimates this stock in 2021-2024 (see Backtest). " * 3
    with_caveat(figure, note)
    layout = figure["layout"]
    caveat = layout["annotations"][-1]
    assert caveat["yref"] == "paper" and caveat["y"] >= 1.0 and caveat["yanchor"] == "bottom"
    assert layout["legend"]["y"] < 0.0  # the legend stays below the plot
    lines = caveat["text"].split("<br>")
    assert len(lines) >= 3 and all(len(line) <= CAVEAT_WIDTH for line in lines)
    assert layout["margin"]["t"] > plain_top and layout["margin"]["t"] >= 16 * (
        len(lines) + 1
    )  # and the title
    assert layout["title"]["yanchor"] == "top"  # the title keeps the top of the chart
