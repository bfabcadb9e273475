"""The dashboard in real headless Chromium (Debian ``chromium`` driven by Playwright for Python).

Each test opens a page served by a real uvicorn server on 127.0.0.1, acts as a user would and
saves a screenshot into ``test-artifacts/``. Every request the page makes must stay on the
server (no CDN).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
UPDATE_TIMEOUT_MS = 60_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian chromium is not installed (scripts/ensure-chromium.sh)"
    ),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module."""
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, server_url: str) -> Iterator[Any]:
    """A fresh page that records every host it contacts; the test fails if it leaves the server."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    opened = context.new_page()
    hosts: set[str] = set()
    opened.on("request", lambda request: hosts.add(urlparse(request.url).netloc))
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert hosts <= {urlparse(server_url).netloc}, f"the page contacted other hosts: {hosts}"
    assert not errors, f"JavaScript errors: {errors}"


def screenshot(page: Any, name: str) -> None:
    """Save a full-page PNG into test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def wait_for_figures(page: Any, count: int) -> None:
    """Wait until ``count`` plotly figures have been drawn."""
    page.wait_for_function(f"document.querySelectorAll('div.figure .main-svg').length >= {count}")


def trace_data(page: Any, figure_id: str) -> str:
    """The drawn data of a plotly figure, as JSON text."""
    return str(page.evaluate(f"JSON.stringify(document.getElementById('figure-{figure_id}').data)"))


def change_lever(page: Any, selector: str, value: str) -> None:
    """Set a lever as a user would and wait until the results have been redrawn."""
    status = page.locator("#status")
    before = int(status.get_attribute("data-revision"))
    if page.locator(selector).evaluate("element => element.tagName") == "SELECT":
        page.select_option(selector, value)
    else:
        page.fill(selector, value)
        page.locator(selector).dispatch_event("change")
    page.wait_for_function(
        f"document.getElementById('status').dataset.revision === '{before + 1}'", timeout=UPDATE_TIMEOUT_MS
    )
    assert status.get_attribute("data-state") == "ready"


def test_overview_draws_every_panel_with_sources(page: Any, server_url: str) -> None:
    """The overview draws six charts, each with a list of sources."""
    page.goto(f"{server_url}/overview")
    wait_for_figures(page, 6)
    assert page.locator("h1").inner_text() == "Staat van de migratie"
    assert page.locator("details.sources").count() == 6
    assert "IND" in page.locator("details.sources").nth(2).text_content()
    screenshot(page, "overview-nl")
    page.click("#lang-switch")
    page.wait_for_url("**lang=en**")
    wait_for_figures(page, 6)
    assert page.locator("h1").inner_text() == "State of migration"
    screenshot(page, "overview-en")


def test_what_if_lever_changes_the_chart(page: Any, server_url: str) -> None:
    """Shrinking the fixed base and the buffer changes the occupancy-by-type chart in place."""
    page.goto(f"{server_url}/whatif?runs=200")
    wait_for_figures(page, 8)
    screenshot(page, "whatif-before")
    before = trace_data(page, "occupancy_by_type")
    change_lever(page, "input[name=base_places]", "20000")
    change_lever(page, "input[name=buffer_places]", "0")
    after = trace_data(page, "occupancy_by_type")
    assert before != after
    assert "base_places=20000" in page.url
    screenshot(page, "whatif-after")


def test_language_switch_keeps_the_levers(page: Any, server_url: str) -> None:
    """Switching to English after moving a lever shows the English page with the same lever values."""
    page.goto(f"{server_url}/whatif?runs=100")
    wait_for_figures(page, 8)
    change_lever(page, "input[name=term]", "3")
    page.click("#lang-switch")
    page.wait_for_url("**lang=en**")
    wait_for_figures(page, 8)
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "What if? Asylum chain"
    assert page.input_value("input[name=term]") == "3"
    figure = json.loads(trace_data(page, "mean_wait_weeks"))
    assert any("median, 50% and 90% bands" in trace.get("name", "") for trace in figure)
    screenshot(page, "whatif-en")
    page.click("#lang-switch")
    page.wait_for_url("**lang=nl**")
    assert page.locator("h1").inner_text() == "Wat als? Asielketen"


def test_compare_scorecard_follows_the_levers(page: Any, server_url: str) -> None:
    """The scorecard shows three policies; a stricter staffing level changes your policy's column."""
    page.goto(f"{server_url}/compare?runs=100&lang=en")
    wait_for_figures(page, 8)
    headers = page.locator("table.scorecard thead th").all_inner_texts()
    assert headers[-3:] == ["forecast-linked", "fixed base + iron buffer", "your policy"]
    before = page.locator("table.scorecard tbody").inner_text()
    change_lever(page, "input[name=fte]", "600")
    assert page.locator("table.scorecard tbody").inner_text() != before
    screenshot(page, "compare-en")


def test_data_page_lists_sources(page: Any, server_url: str) -> None:
    """The data page lists every series and parameter with a source."""
    page.goto(f"{server_url}/data")
    assert page.locator("#series tbody tr").count() >= 30
    assert page.locator("#parameters tbody tr").count() >= 30
    assert page.locator("#series td.citation").first.inner_text().strip()
    screenshot(page, "data-nl")


def test_long_term_projection_responds_to_net_migration(page: Any, server_url: str) -> None:
    """More net migration moves the population fan."""
    page.goto(f"{server_url}/long-term?runs=5&end=2040")
    wait_for_figures(page, 5)
    before = trace_data(page, "population")
    change_lever(page, "input[name=net_migration]", "150000")
    assert trace_data(page, "population") != before
    screenshot(page, "long-term-nl")
    page.click("#lang-switch")
    page.wait_for_url("**lang=en**")
    wait_for_figures(page, 5)
    assert "Population on 1 January" in page.locator("#results").inner_text()
    screenshot(page, "long-term-en")


def test_long_term_plan_mode_responds_to_labour_migration(page: Any, server_url: str) -> None:
    """In migration-plan mode, more labour migration moves the plan's labour-force fan."""
    page.goto(f"{server_url}/long-term?mode=plan&runs=5&end=2040")
    wait_for_figures(page, 4)
    before = trace_data(page, "potential_labour_force")
    change_lever(page, "input[name=labour_non_eu]", "90000")
    assert trace_data(page, "potential_labour_force") != before
    screenshot(page, "long-term-plan-nl")


def test_api_docs_render_offline(page: Any, server_url: str) -> None:
    """Swagger UI renders the API's operations without any outside request."""
    page.goto(f"{server_url}/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=UPDATE_TIMEOUT_MS)
    assert "/api/whatif" in page.locator(".opblock-summary-path").all_inner_texts()
    screenshot(page, "api-docs")


def test_plan_page_scorecard_changes_with_the_plan(page: Any, server_url: str) -> None:
    """Raising non-EU labour migration redraws the scorecard: the labour force becomes robustly better."""
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(f"{server_url}/plan?runs=12&end_year=2040")
    assert page.locator("h1").inner_text() == "Integrale afweging"
    before = page.locator("table.scorecard").inner_text()
    change_lever(page, "input[name=labour_non_eu]", "80000")
    after = page.locator("table.scorecard").inner_text()
    assert before != after and "robuust beter" in after
    screenshot(page, "plan-nl")
    page.click("#lang-switch")
    page.wait_for_url("**lang=en**")
    assert page.locator("h1").inner_text() == "Integral trade-off"
    assert "robustly better" in page.locator("table.scorecard").inner_text()
    screenshot(page, "plan-en")
