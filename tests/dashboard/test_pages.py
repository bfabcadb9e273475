"""A series page (``dashboard/pages.py``) shows each value's flags in the language and its note."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


def test_series_page_shows_flags_and_notes(client: TestClient) -> None:
    dutch = client.get("/data/series/ind.penalty_payments").text
    english = client.get("/data/series/ind.penalty_payments?lang=en").text
    assert "deel van de periode (niet in de grafiek)" in dutch
    assert "paid up to mid-December 2020 only" in dutch
    assert "part of the period (not in the chart)" in english
    assert "ongeveer" in client.get("/data/series/coa.occupancy").text


def test_a_flag_the_note_already_names_is_not_repeated(client: TestClient) -> None:
    english = client.get("/data/series/ind.decision_wait?lang=en").text
    assert "derived: 2024 (53 weeks)" in english and "derived; derived" not in english


def test_series_page_charts_half_years_and_dated_counts_not_only_years(client: TestClient) -> None:
    """The quota is set per half-year and the waiting list is counted on dates: each value is drawn
    (the chart used to show only the values of whole years)."""
    from migratielab.data import store
    from tests.dashboard.test_dashboard import embedded_figures

    quota = embedded_figures(client.get("/data/series/municipal.housing_quota?lang=en").text)["series"]
    half_years = next(trace for trace in quota["data"] if trace["name"] == "per half-year")  # type: ignore[index]
    stored = store.get_series("municipal.housing_quota")
    assert sorted(v for v in half_years["y"] if v is not None) == sorted(
        float(v) for p, v in zip(stored["period"], stored["value"], strict=True) if "-H" in str(p)
    )
    holders = embedded_figures(client.get("/data/series/coa.status_holders_waiting").text)["series"]
    (levels,) = holders["data"]  # type: ignore[index]
    assert sum(v is not None for v in levels["y"]) == len(store.get_series("coa.status_holders_waiting"))


def test_a_share_series_is_charted_in_percent_like_its_axis(client: TestClient) -> None:
    """The recognition rate is stored as a share (0-1) and its axis says %: the points are percent."""
    from migratielab.data import store
    from tests.dashboard.test_dashboard import embedded_figures

    figure = embedded_figures(client.get("/data/series/ind.recognition_rate").text)["series"]
    drawn = sorted(v for trace in figure["data"] for v in trace["y"] if v is not None)  # type: ignore[index]
    stored = store.get_series("ind.recognition_rate")
    kept = stored[~stored["flags"].astype(str).str.contains("partial")]
    assert drawn == pytest.approx(sorted(100.0 * kept["value"].astype(float)))
    assert figure["layout"]["yaxis"]["title"]["text"] == "%"  # type: ignore[index]


def test_source_lists_link_their_web_addresses(client: TestClient) -> None:
    """A source's address is a link on the dashboard, as it is on the data pages."""
    import re

    html = client.get("/").text
    sources = re.findall(r'<details class="sources">.*?</details>', html, re.S)
    assert sources and all("<script" not in block for block in sources)
    hrefs = [
        href
        for block in sources
        for href in re.findall(r"<a href='(https?://[^']+)' target='_blank'>", block)
    ]
    assert len(hrefs) > 10
    assert not [
        href for href in hrefs if href.endswith((";", ".", ",", ")"))
    ]  # the citation's end stays outside
