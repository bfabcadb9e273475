"""The shared formatter: Dutch and English separators, percentages, significant digits, missing values."""

from __future__ import annotations

import math
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from migratielab.models.variables import Language, indicator
from migratielab.presentation.formatting import (
    MISSING,
    format_date,
    format_number,
    format_range,
    format_share,
    missing_note,
    plotly_separators,
)


@pytest.mark.parametrize(
    ("value", "dutch", "english"),
    [
        (12345.0, "12.345", "12,345"),
        (12345.6, "12.346", "12,346"),
        (1.48e10, "14.800.000.000", "14,800,000,000"),
        (3.14159, "3,14", "3.14"),
        (0.000123, "0,000123", "0.000123"),
        (0.0, "0", "0"),
        (-2500.4, "-2.500", "-2,500"),
    ],
)
def test_numbers_follow_the_language(value: float, dutch: str, english: str) -> None:
    """Thousands and decimal separators follow the language; three significant digits, no exponent."""
    assert format_number(value, "nl") == dutch
    assert format_number(value, "en") == english


def test_small_nonzero_values_never_show_as_zero() -> None:
    """A small but nonzero value keeps its significant digits (no ``0.00``)."""
    for value in (0.004, 1.5e-5, 2e-9):
        assert format_number(value, "en") not in ("0", "0.00", "-0")
        assert "e+" not in format_number(value * 1e15, "en")


@given(value=st.floats(allow_nan=False, allow_infinity=False), lang=st.sampled_from(["nl", "en"]))
def test_every_finite_number_is_written(value: float, lang: Language) -> None:
    """Any finite value, however large or small, is written (an exponent beyond the fixed range)."""
    written = format_number(value, lang)
    assert written and written != MISSING
    if abs(value) >= 1e18:
        assert "E" in written


@pytest.mark.parametrize("value", [None, math.nan, math.inf])
def test_missing_values_are_a_dash_with_a_note(value: float | None) -> None:
    """None, NaN and infinity are shown as a dash (never ``nan``); a table that shows one gets a note."""
    for lang in ("nl", "en"):
        shown = format_number(value, lang)  # type: ignore[arg-type]
        assert shown == MISSING and "nan" not in shown.lower()
        assert format_share(value, lang) == MISSING  # type: ignore[arg-type]
    assert missing_note(["12", MISSING], "nl").startswith("–")
    assert "geen waarde" in missing_note([MISSING], "nl") and "no value" in missing_note([MISSING], "en")
    assert missing_note(["12", "3 [1 – 4]"], "en") == ""
    assert missing_note(["– [– – –]"], "en") != ""


def test_shares_are_percentages() -> None:
    """0,46 is shown as 46% in both languages; small shares keep two significant digits."""
    assert format_share(0.46, "nl") == "46%" and format_share(0.46, "en") == "46%"
    assert format_share(0.0046, "nl") == "0,46%" and format_share(0.0046, "en") == "0.46%"


def test_euro_amounts_use_the_registry_display_scale() -> None:
    """Total cost is registered in euro and shown in EUR million; shares of an indicator as percent."""
    cost = indicator("asylum", "total_cost_eur")
    assert format_range(1.48e10, 1.2e10, 1.9e10, cost, "nl") == "14.800 [12.000 – 19.000]"
    share = indicator("asylum", "share_within_6_months")
    assert format_range(0.46, 0.3, 0.61, share, "nl") == "46% [30% – 61%]"
    assert format_range(math.nan, 0.3, 0.61, share, "en") == MISSING


def test_dates_and_chart_separators_follow_the_language() -> None:
    """Dates are written out in the language; plotly gets the language's separators."""
    assert format_date(date(2030, 1, 1), "nl") == "1 januari 2030"
    assert format_date(date(2030, 1, 1), "en") == "1 January 2030"
    assert plotly_separators("nl") == ",." and plotly_separators("en") == ".,"
