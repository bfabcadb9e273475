"""The municipal monitor in headless Chromium: the offline map in Dutch and English, screenshots."""

from __future__ import annotations

from typing import Any

from tests.dashboard.test_browser import browser, page, pytestmark, screenshot, wait_for_figures

__all__ = ["browser", "page", "pytestmark"]


def test_the_map_is_drawn_offline_in_dutch(page: Any, server_url: str) -> None:
    page.goto(f"{server_url}/municipalities?lang=nl&indicator=housed_per_1000")
    wait_for_figures(page, 1)
    assert page.locator("h1").inner_text() == "Gemeenten"
    assert page.locator("#municipal-table tbody tr").count() == 342
    assert page.locator("div.figure path.choroplethlocation").count() >= 342
    screenshot(page, "municipal-map-nl")
    page.set_viewport_size({"width": 1400, "height": 900})
    page.screenshot(path="test-artifacts/municipal-map-nl-top.png")


def test_the_map_is_drawn_offline_in_english_for_another_indicator(page: Any, server_url: str) -> None:
    page.goto(f"{server_url}/municipalities?lang=en&indicator=reception_places")
    wait_for_figures(page, 1)
    assert page.locator("h1").inner_text() == "Municipalities"
    assert "Reception places under the Spreidingswet" in page.locator("h2").first.inner_text()
    screenshot(page, "municipal-map-en")
    page.set_viewport_size({"width": 1400, "height": 900})
    page.screenshot(path="test-artifacts/municipal-map-en-top.png")


def test_a_municipality_page_shows_peers(page: Any, server_url: str) -> None:
    page.goto(f"{server_url}/municipalities/GM0363?lang=nl")
    assert "Amsterdam" in page.locator("h2").first.inner_text()
    assert page.locator("#municipality-table tbody tr").count() >= 10
    screenshot(page, "municipality-amsterdam-nl")
