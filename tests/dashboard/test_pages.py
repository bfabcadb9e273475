"""A series page (``dashboard/pages.py``) shows each value's flags in the language and its note."""

from __future__ import annotations

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
