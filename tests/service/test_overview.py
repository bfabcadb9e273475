"""Headline figures of the overview: the latest observation, with its date."""

from __future__ import annotations

import pandas as pd

from migratielab.data import store
from migratielab.models.asylum.history import snapshot_month
from migratielab.presentation.overview import headline
from migratielab.service.overview import STOCK_HEADLINES, Headline, headline_of


def latest_dated(series_id: str) -> tuple[pd.Timestamp, float]:
    """The store's latest observation of a stock by its stock month (test's own reading)."""
    frame = store.get_series(series_id)
    months = [
        (snapshot_month(str(p)), float(v)) for p, v in zip(frame["period"], frame["value"], strict=True)
    ]
    return max(((m, v) for m, v in months if m is not None), key=lambda item: item[0])


def test_a_stock_headline_is_its_latest_dated_observation() -> None:
    """Reception and backlog show the latest observation, with its month when it is not a year end."""
    for series_id in STOCK_HEADLINES:
        month, value = latest_dated(series_id)
        shown = headline_of(series_id)
        assert shown.value == value and shown.year == month.year
        assert shown.month == (None if month.month == 12 else month.month)  # December: the year end
    occupancy = headline_of("coa.occupancy")
    if occupancy.month is not None:
        when = headline(occupancy, "nl")["when"]
        assert when.startswith("eind ") and str(occupancy.year) in when and any(c.isalpha() for c in when[5:])


def test_a_flow_headline_is_its_latest_annual_total() -> None:
    """Applications in a year are the latest annual total, labelled with the year."""
    annual = store.annual("asylum.first_applications")
    shown = headline_of("asylum.first_applications")
    assert (shown.value, shown.year, shown.month) == (float(annual.iloc[-1]), int(annual.index[-1]), None)
    assert headline(shown, "en")["when"] == f"in {shown.year}"


def test_a_headline_carries_the_confidence_and_flags_of_its_value() -> None:
    """A lower bound reads as one, and a value of low confidence says so, in both languages."""
    for series_id in ("asylum.first_applications", *sorted(STOCK_HEADLINES)):
        shown = headline_of(series_id)
        frame = store.get_series(series_id)
        rows = frame[frame["value"].astype(float) == shown.value]
        assert not rows.empty and shown.confidence in set(rows["confidence"].astype(str))
        flags = {flag for text in rows["flags"].astype(str) for flag in text.split("|") if flag}
        assert set(shown.flags) <= flags
        for lang, bound, low in (
            ("nl", "ondergrens", "lage betrouwbaarheid"),
            ("en", "lower bound", "low confidence"),
        ):
            page = headline(shown, lang)
            assert page["value"].startswith("≥ ") == ("lower_bound" in shown.flags)
            assert (bound in page["quality"]) == ("lower_bound" in shown.flags)
            assert (low in page["quality"]) == (shown.confidence == "L")


def test_a_headline_without_flags_shows_the_bare_value() -> None:
    """A value of high confidence without flags gets neither a mark nor a quality line."""
    plain = Headline("asylum.first_applications", 38_000.0, 2023, "persons", "CBS", None, "H", ())
    assert headline(plain, "nl")["quality"] == "" and headline(plain, "nl")["value"][0].isdigit()


def test_a_headline_credits_the_publication_of_its_own_value() -> None:
    """The 2025 first applications come from one news item (low confidence): the headline names
    that publisher and outlet, not the dozen publishers of the whole series."""
    from migratielab.data import store
    from migratielab.service.overview import headline_of

    item = headline_of("asylum.first_applications")
    frame = store.get_series("asylum.first_applications")
    row = frame[frame["period"].astype(str) == str(item.year)].iloc[-1]
    source = store.series_info("asylum.first_applications").sources[str(row["source"])]
    assert item.source.startswith(source.publisher.split(" (")[0])
    assert source.via is not None and f"via {source.via.split(' (')[0]}" in item.source
    assert "+" not in item.source and item.confidence == str(row["confidence"])
