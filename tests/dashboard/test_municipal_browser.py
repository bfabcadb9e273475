"""The municipal monitor in headless Chromium: the offline map in Dutch and English, screenshots."""

from __future__ import annotations

from typing import Any

import pytest

from tests.dashboard.test_browser import browser, page, pytestmark, screenshot, wait_for_figures

__all__ = ["browser", "page", "pytestmark"]
SIZES = ((1400, 900), (1280, 720))
BOUNDARIES_BYTES = 500_000


def map_screenshots(page: Any, name: str) -> None:
    """The whole page, and the top of it at each size an analyst uses."""
    screenshot(page, name)
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(300)  # the responsive map redraws
        page.screenshot(path=f"test-artifacts/{name}-{width}x{height}.png")


def test_the_map_is_drawn_offline_in_dutch(page: Any, server_url: str) -> None:
    response = page.goto(f"{server_url}/municipalities?lang=nl&indicator=housed_per_1000")
    assert len(response.body()) < BOUNDARIES_BYTES  # the boundaries come once, as their own file
    wait_for_figures(page, 1)
    assert page.locator("h1").inner_text() == "Gemeenten"
    assert page.locator("#municipal-table tbody tr").count() == 342
    assert page.locator("div.figure path.choroplethlocation").count() >= 342
    map_screenshots(page, "municipal-map-nl")


@pytest.mark.parametrize("indicator", ["reception_places", "realisation_share"])
def test_the_map_is_drawn_offline_in_english(page: Any, server_url: str, indicator: str) -> None:
    page.goto(f"{server_url}/municipalities?lang=en&indicator={indicator}")
    wait_for_figures(page, 1)
    assert page.locator("h1").inner_text() == "Municipalities"
    ticks = page.locator("div.figure .colorbar .cbaxis text").all_text_contents()
    big = [tick for tick in ticks if len(tick.replace(",", "").replace("%", "")) >= 4]
    assert ticks and all("," in tick for tick in big), ticks  # thousands grouped, also with four digits
    map_screenshots(page, f"municipal-map-en-{indicator}")


def test_the_table_links_to_a_page_per_municipality(page: Any, server_url: str) -> None:
    page.goto(f"{server_url}/municipalities?lang=en")
    page.locator("#municipal-table a", has_text="Amsterdam").first.click()
    page.wait_for_url("**/municipalities/GM0363?lang=en")
    assert "Amsterdam" in page.locator("h2").first.inner_text()
    assert page.locator("#municipality-table tbody tr").count() >= 10
    screenshot(page, "municipality-amsterdam-en")
    page.goto(f"{server_url}/municipalities/GM0363?lang=nl")
    screenshot(page, "municipality-amsterdam-nl")
