"""The labour page in headless Chromium: screenshots in Dutch and English, the weight form submitted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed"),
]


@pytest.fixture(scope="module")
def page(server_url: str) -> Iterator[Any]:
    """One page at 1400x900 in headless Chromium."""
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        opened = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
        opened.set_default_timeout(120_000)
        yield opened
        browser.close()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_labour_page_screenshots(page: Any, server_url: str, lang: str) -> None:
    page.goto(f"{server_url}/labour?lang={lang}")
    page.locator("#shortages details").first.click()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"labour-{lang}.png"))
    page.locator("#channels").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"labour-channels-{lang}.png"))
    assert page.locator("#shortages > tbody > tr").count() == 114


def test_weight_form_submits_and_reranks(page: Any, server_url: str) -> None:
    page.goto(f"{server_url}/labour?lang=en")
    first = page.locator("#shortages > tbody > tr").first.inner_text()
    for name in ("uwv_tightness", "roa_direction", "openings_rate", "sector_vacancy_rate", "wage_growth"):
        page.fill(f"#w_{name}", "0")
    page.click("#weights-form button[type=submit]")
    page.wait_for_url("**w_uwv_tightness=0**")
    assert page.locator("#shortages > tbody > tr").first.inner_text() != first


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_labour_and_data_pages_at_1280x720(page: Any, server_url: str, lang: str) -> None:
    """The smaller laptop screen: form fields in the page's decimals, the labour tables on the data page."""
    page.set_viewport_size({"width": 1280, "height": 720})
    try:
        page.goto(f"{server_url}/labour?lang={lang}")
        page.screenshot(path=str(ARTIFACTS / f"labour-{lang}-1280.png"))
        expected = "0,829" if lang == "nl" else "0.829"
        assert page.locator("input[name=t_future_bottleneck]").input_value() == expected
        page.goto(f"{server_url}/data?lang={lang}")
        page.locator("#labour-tables-block > summary").click()
        page.locator("#labour-tables").scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"data-labour-tables-{lang}-1280.png"))
        assert page.locator("#labour-tables > tbody > tr").count() >= 10
    finally:
        page.set_viewport_size({"width": 1400, "height": 900})
