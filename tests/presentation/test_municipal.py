"""The municipal faces: colour scales over the values shown, one rule for figures per 1,000
inhabitants, size classes and urbanity classes in the page's language."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from migratielab.models.municipal.data import SIZE_CLASSES
from migratielab.presentation import municipal as faces


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1e4, 1e4), min_size=1, max_size=40))
def test_the_colour_scale_covers_the_values_and_centres_signed_ones(values: list[float]) -> None:
    series = pd.Series(values)
    low, high = faces.scale_range(series)
    assert low < high and low <= series.min() and series.max() <= high
    if series.min() < 0:
        assert low == -high  # diverging around 0
    elif series.max() > series.min():
        assert (low, high) == (series.min(), series.max())  # not from 0: the range of the data


def test_shares_near_one_are_not_drawn_from_zero() -> None:
    low, high = faces.scale_range(pd.Series([0.907, 0.95, 1.0]))
    assert (low, high) == (0.907, 1.0)


@pytest.mark.parametrize(("value", "nl"), [(0.96, "0,96"), (0.956, "0,96"), (1.0, "1,00")])
def test_figures_per_1000_have_one_number_of_decimals(value: float, nl: str) -> None:
    assert faces.per_1000_text(value, "nl") == nl
    assert faces.per_1000_text(0.004, "nl") == "0,004"  # nonzero stays nonzero
    assert faces.per_1000_text(math.nan, "nl") == "–"


def test_size_and_urbanity_classes_speak_the_page_language() -> None:
    labels = {lang: [faces.size_label(label, lang) for *_, label in SIZE_CLASSES] for lang in ("nl", "en")}
    assert labels["nl"][0] == "minder dan 20.000 inw." and labels["nl"][-1] == "100.000 inw. of meer"
    assert labels["en"][1] == "20,000-50,000 inhabitants"
    assert not any("k" in label.split()[0] for label in labels["nl"])
    assert faces.urbanity_label(1, "nl") == "1 (zeer sterk stedelijk)"
    assert faces.urbanity_label("5", "en") == "5 (not urban)"


def test_amounts_in_millions_line_up() -> None:
    cells = [faces.cell(value, "cost_eur", "", "nl") for value in (800_000.0, 1_750_000.0, 16_112_000.0)]
    assert cells == ["0,80", "1,75", "16,11"]


def test_the_colour_bar_follows_the_unit_rule() -> None:
    assert faces.colorbar(faces.variable_of("housed_per_1000"), "nl")["tickformat"] == ".2f"
    assert faces.colorbar(faces.variable_of("pass_rate"), "nl")["tickformat"] == ".0%"
