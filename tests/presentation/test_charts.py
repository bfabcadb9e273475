"""The one fan chart: gaps stay gaps, every policy is visible through the others, one colour each."""

from __future__ import annotations

import re
from typing import Any

import pytest

from migratielab.presentation.charts import (
    FanSeries,
    Series,
    band_outline,
    bar_chart,
    fan_chart,
    line_chart,
    to_plotly,
    wrapped,
)
from migratielab.presentation.palette import PALETTE, colours

YEARS = [2025, 2026, 2027, 2028, 2029]


def fan(name: str, offset: float, gap: int | None = None) -> FanSeries:
    """A small fan with an optional missing year."""
    quantiles: dict[str, list[float | None]] = {
        key: [offset + shift + year - 2025 for year in YEARS]
        for key, shift in (("0.05", -2.0), ("0.25", -1.0), ("0.5", 0.0), ("0.75", 1.0), ("0.95", 2.0))
    }
    if gap is not None:
        for values in quantiles.values():
            values[gap] = None
    return FanSeries(name, YEARS, quantiles)


def alpha(colour: str) -> float:
    """The opacity of an ``rgba()`` colour."""
    match = re.fullmatch(r"rgba\(\d+,\d+,\d+,([0-9.]+)\)", colour)
    assert match is not None, colour
    return float(match.group(1))


def test_gaps_stay_gaps() -> None:
    """A missing year breaks the median line and the bands: nothing is drawn across it."""
    figure = fan_chart([fan("a", 10, gap=2)], "t", "persons", "en")
    median = next(trace for trace in figure["data"] if trace.get("showlegend") is not False)
    assert median["y"][2] is None and median["connectgaps"] is False
    for band in (trace for trace in figure["data"] if trace.get("fill") == "toself"):
        xs = band["x"]
        assert None in xs and 2027 not in xs
    xs, ys = band_outline([1, 2, 3], [1.0, None, 1.0], [2.0, None, 2.0])
    assert xs == [1, 1, None, 3, 3] and ys == [2.0, 1.0, None, 2.0, 1.0]


def test_every_policy_is_visible_in_its_own_colour() -> None:
    """Each policy has a median line in its own colour, one semi-transparent 50% band (opacity < 1)
    and its 90% band as two dotted lines, so three policies never merge into one filled area."""
    figure = fan_chart([fan("a", 10), fan("b", 11), fan("c", 12)], "t", "persons", "nl")
    data: list[dict[str, Any]] = figure["data"]
    medians = [trace for trace in data if trace.get("showlegend") is not False]
    assert [trace["legendgroup"] for trace in medians] == ["a", "b", "c"]
    assert len({trace["line"]["color"] for trace in medians}) == 3
    bands = [trace for trace in data if trace.get("fill") == "toself"]
    assert len(bands) == 3 and all(0 < alpha(trace["fillcolor"]) < 1 for trace in bands)
    dotted = [trace for trace in data if trace.get("line", {}).get("dash") == "dot"]
    assert len(dotted) == 6
    alone = fan_chart([fan("a", 10)], "t", "persons", "nl")["data"]
    assert len([trace for trace in alone if trace.get("fill") == "toself"]) == 2
    assert figure["layout"]["separators"] == ",."
    to_plotly(figure)  # valid plotly


def test_observed_values_are_points() -> None:
    """Observed values are drawn as points (no line drawn through missing years)."""
    observed = Series("observed", [2023, 2024], [9.0, 9.5])
    figure = fan_chart([fan("a", 10)], "t", "persons", "en", observed)
    assert figure["data"][-1]["mode"] == "markers" and figure["data"][-1]["name"] == "observed"


def test_palette_never_repeats_a_colour() -> None:
    """Every category gets its own colour; asking for more than the palette holds is an error."""
    assert len(set(PALETTE)) == len(PALETTE)
    assert len(set(colours(len(PALETTE)))) == len(PALETTE)
    with pytest.raises(ValueError, match="distinct colours"):
        colours(len(PALETTE) + 1)
    bars = bar_chart([Series(str(i), [1], [1.0]) for i in range(4)], "t", "u", "en")
    assert len({trace["marker"]["color"] for trace in bars["data"]}) == 4


def test_missing_years_break_a_line() -> None:
    """A year absent from an annual series is a gap in its line, and year ticks are whole years."""
    figure = line_chart([Series("backlog", [2018, 2021, 2022], [1.0, 2.0, 3.0])], "t", "cases", "nl")
    trace = figure["data"][0]
    assert trace["x"] == [2018, 2019, 2020, 2021, 2022] and trace["y"] == [1.0, None, None, 2.0, 3.0]
    assert figure["layout"]["xaxis"]["tickformat"] == "d"


def test_all_zero_values_get_a_zero_to_one_axis_and_a_note() -> None:
    """A fan that is 0 in every percentile is not drawn on an axis from -1 to 1 without comment."""
    zero = FanSeries("a", [2025, 2026], {"0.05": [0.0, 0.0], "0.5": [0.0, 0.0], "0.95": [0.0, 0.0]})
    figure = fan_chart([zero], "t", "persons", "nl")
    assert figure["layout"]["yaxis"]["range"] == [0, 1]
    assert "0 in alle" in figure["layout"]["annotations"][0]["text"]
    some = FanSeries("a", [2025, 2026], {"0.05": [0.0, 0.0], "0.5": [0.0, 0.0], "0.95": [0.0, 5.0]})
    assert "range" not in fan_chart([some], "t", "persons", "nl")["layout"]["yaxis"]


def test_a_single_value_is_labelled_on_an_axis_from_zero() -> None:
    """One observed value is a labelled point on an axis from 0, not a dot between 11,999 and 12,001."""
    figure = line_chart([Series("s", [2021], [12_000.0])], "t", "persons", "nl")
    assert figure["layout"]["yaxis"]["rangemode"] == "tozero"
    assert figure["data"][0]["text"] == ["12.000"]


def test_a_rise_is_drawn_from_zero_and_a_narrow_band_around_its_level() -> None:
    """A stock from 12,000 to 20,000 is drawn from 0; a population of 18-20 million around its level."""
    rise = line_chart([Series("s", [2021, 2024], [12_000.0, 20_000.0])], "t", "persons", "nl")
    level = line_chart([Series("s", [2025, 2050], [18.0e6, 20.0e6])], "t", "persons", "nl")
    assert rise["layout"]["yaxis"]["rangemode"] == "tozero"
    assert level["layout"]["yaxis"]["rangemode"] == "normal"


def test_a_missing_year_in_bars_is_named() -> None:
    """A year without any value inside a bar chart's span gets a "no figure" note, not silence."""
    figure = bar_chart([Series("a", [2021, 2022, 2024], [1.0, 2.0, 3.0])], "t", "persons", "nl")
    notes = figure["layout"]["annotations"]
    assert [note["x"] for note in notes] == [2023] and notes[0]["text"] == "geen cijfer"


def test_long_titles_wrap() -> None:
    """Titles longer than a line wrap instead of being cut off by the chart's edge."""
    title = "Statushouders in de opvang die wachten op een woning (einde jaar)"
    figure = line_chart([Series("s", [2021, 2022], [1.0, 2.0])], title, "persons", "nl")
    assert "<br>" in figure["layout"]["title"]["text"]


def test_a_band_in_brackets_stays_on_one_line() -> None:
    """A wrapped text breaks between words but never inside ``[5% – 95%]`` (seen cut as ``[5% –`` /
    ``95%]`` in the fiscal chart's title)."""
    title = "Kanalen: netto fiscale bijdrage, mediaan [5% – 95%]"
    lines = wrapped(title, 48).split("<br>")
    assert len(lines) == 2 and any("[5% – 95%]" in line for line in lines)
    assert wrapped(title, 48).replace("<br>", " ") == title


@pytest.mark.parametrize("last", [2030, 2040, 2050, 2075, 2100])
def test_year_axes_keep_about_twelve_labels(last: int) -> None:
    """A line over 2025-``last`` labels whole years, at most thirteen of them, evenly spaced."""
    from migratielab.presentation.charts import Series, line_chart

    years = list(range(2025, last + 1))
    figure = line_chart([Series("a", years, [1.0] * len(years))], "t", "u", "nl")
    axis = figure["layout"]["xaxis"]
    assert axis["tickformat"] == "d"
    assert (last - 2025) / axis["dtick"] + 1 <= 13
