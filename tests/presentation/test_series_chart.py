"""The data page's chart of one series (``presentation/series_chart.py``): every value at its period."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from migratielab.presentation.series_chart import STOCK_GAP_DAYS, series_figure


def test_whole_years_stay_a_year_axis_with_missing_years_as_gaps() -> None:
    figure = series_figure(["2016", "2014", "2015", "2018"], [3.0, 1.0, 2.0, 5.0], "flow", "persons", "en")
    assert figure is not None
    (trace,) = figure["data"]
    assert trace["x"] == [2014, 2015, 2016, 2017, 2018] and trace["y"] == [1.0, 2.0, 3.0, None, 5.0]
    assert figure["layout"]["title"]["text"] == "Annual values"


def test_half_years_are_drawn_at_their_middle_and_apart_from_a_year() -> None:
    periods = ["2019-H1", "2019-H2", "2020", "2021-H2", "2022-H1"]
    figure = series_figure(periods, [6000, 6000, 12000, 11000, 9979], "flow", "personen", "nl")
    assert figure is not None
    by_name = {trace["name"]: trace for trace in figure["data"]}
    half = by_name["per half jaar"]
    assert half["x"] == ["2019-04-01", "2019-09-30", "2019-12-31", "2021-09-30", "2022-04-01"]
    assert half["y"] == [6000, 6000, None, 11000, 9979]  # 2020-H1 to 2021-H1 are missing: a gap
    assert by_name["per jaar"]["x"] == ["2020-07-01"] and by_name["per jaar"]["y"] == [12000]
    assert [label for label, _ in half["customdata"]] == ["2019-H1", "2019-H2", "", "2021-H2", "2022-H1"]
    assert by_name["per jaar"]["customdata"] == [["2020", ""]]
    assert half["line"]["dash"] == "dash" and by_name["per jaar"]["line"]["dash"] == "solid"


def test_stock_counts_sit_on_their_day_and_a_year_without_counts_breaks_the_line() -> None:
    periods = ["2022", "2023-04", "2024-07", "2024-11-30", "2025"]
    figure = series_figure(periods, [16750, 16000, 16000, 19000, 18420], "stock", "persons", "en")
    assert figure is not None
    (trace,) = figure["data"]
    assert trace["x"] == ["2022-12-31", "2023-04-30", "2023-05-01", "2024-07-31", "2024-11-30", "2025-12-31"]
    assert trace["y"] == [16750, 16000, None, 16000, 19000, 18420]
    # the hover names the period as published, a year's level as its year end (not "Dec 2022")
    labels = [label for label, _ in trace["customdata"]]
    assert labels == ["end 2022", "2023-04", "", "2024-07", "2024-11-30", "end 2025"]
    assert "%{customdata[0]}" in trace["hovertemplate"] and figure["layout"]["hovermode"] == "closest"


@settings(max_examples=60, deadline=None)
@given(days=st.lists(st.dates(min_value=date(2000, 1, 1)), min_size=1, max_size=30, unique=True))
def test_every_stock_count_is_drawn_once_and_only_long_silences_break_the_line(days: list) -> None:
    periods = [day.isoformat() for day in days]
    figure = series_figure(periods, [float(i) for i in range(len(days))], "stock", "persons", "en")
    assert figure is not None
    (trace,) = figure["data"]
    drawn = [(x, y) for x, y in zip(trace["x"], trace["y"], strict=True) if y is not None]
    assert sorted(x for x, _ in drawn) == sorted(periods) == [x for x, _ in drawn]
    ordered = sorted(days)
    silences = sum((b - a).days > STOCK_GAP_DAYS for a, b in pairwise(ordered))
    assert trace["y"].count(None) == silences


def test_no_values_no_chart() -> None:
    assert series_figure([], [], "flow", "persons", "en") is None


def test_a_lower_bound_is_an_open_triangle_and_reads_at_least() -> None:
    """ "Ruim 19.000" in November 2024 is a lower bound: drawn differently, read as ≥ in the hover."""
    periods, values = ["2024-07", "2024-11", "2024-12"], [16000.0, 19000.0, 20000.0]
    figure = series_figure(periods, values, "stock", "personen", "nl", [False, True, False])
    assert figure is not None
    (trace,) = figure["data"]
    assert trace["marker"]["symbol"] == ["circle", "triangle-up-open", "circle"]
    assert [prefix for _, prefix in trace["customdata"]] == ["", "≥ ", ""]
    plain = series_figure(periods, values, "stock", "personen", "nl")
    assert plain is not None and "symbol" not in plain["data"][0]["marker"]
    yearly = series_figure(["2022", "2023"], [52000.0, 63000.0], "stock", "persons", "en", [True, False])
    assert yearly is not None and yearly["data"][0]["marker"]["symbol"] == ["triangle-up-open", "circle"]
