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
    assert page.locator("table.parameters tbody tr").count() >= 30
    page.locator("#series td.citation summary").first.click()
    assert page.locator("#series td.citation li").first.inner_text().strip()
    series_height = page.evaluate("document.querySelector('#series').getBoundingClientRect().height")
    assert page.evaluate("document.body.scrollHeight") < series_height + 1_500  # the rest stays folded
    screenshot(page, "data-nl")
    page.locator("#series a").first.click()
    page.wait_for_url("**/data/series/**")
    wait_for_figures(page, 1)
    assert page.locator("table.numbers tbody tr").count() >= 5
    screenshot(page, "series-nl")


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


FORMS = (
    ("/whatif", "/whatif?term=3&buffer_places=0", "occupancy_by_type"),
    ("/compare", "/compare?fte=800", "mean_wait_weeks"),
    ("/long-term", "/long-term?net_migration=150000", "population"),
    ("/long-term?mode=plan", "/long-term?mode=plan&labour_non_eu=90000", "potential_labour_force"),
    (
        "/plan?runs=4&end_year=2032",
        "/plan?runs=4&end_year=2032&labour_non_eu=90000",
        "population_potential_labour_force",
    ),
)
"""(page with its defaults, the same page with a lever moved, a figure the lever changes)."""


def form_values(page: Any) -> dict[str, str]:
    """The values of the lever form's enabled fields (what a submission sends)."""
    return dict(page.evaluate("[...new FormData(document.getElementById('levers'))]"))


@pytest.mark.parametrize(("default", "moved", "figure_id"), FORMS)
def test_every_form_submits_its_defaults_with_the_button(
    page: Any, server_url: str, default: str, moved: str, figure_id: str
) -> None:
    """Every form's default values are valid in the browser: from a page with a lever moved, setting
    every field back to its default and clicking the button redraws the charts with the defaults."""
    page.goto(f"{server_url}{default}")
    wait_for_figures(page, 1)
    defaults = form_values(page)
    default_chart = trace_data(page, figure_id)
    assert page.evaluate("document.getElementById('levers').checkValidity()")
    page.goto(f"{server_url}{moved}")
    wait_for_figures(page, 1)
    moved_chart = trace_data(page, figure_id)
    assert moved_chart != default_chart
    for name, value in defaults.items():
        field = page.locator(f"#levers [name={name}]")
        if field.get_attribute("type") in ("hidden", "checkbox"):
            continue
        if field.evaluate("element => element.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    assert page.evaluate("document.getElementById('levers').checkValidity()")
    page.wait_for_timeout(400)  # let updates started by editing the fields finish first
    page.wait_for_function("document.getElementById('status').dataset.state !== 'busy'")
    status = page.locator("#status")
    before = int(status.get_attribute("data-revision"))
    page.click("#levers button[type=submit]")
    page.wait_for_function(
        f"Number(document.getElementById('status').dataset.revision) > {before}"
        " && document.getElementById('status').dataset.state === 'ready'",
        timeout=UPDATE_TIMEOUT_MS,
    )
    assert trace_data(page, figure_id) != moved_chart
    assert trace_data(page, figure_id) == default_chart


def test_forms_work_without_javascript(browser: Any, server_url: str) -> None:
    """With JavaScript off, the button submits the form and the server answers a full result page."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 720})
    page = context.new_page()
    try:
        page.goto(f"{server_url}/whatif")
        page.fill("input[name=term]", "3")
        page.click("#levers button[type=submit]")
        page.wait_for_url("**term=3**")
        assert page.locator("table.scorecard tbody tr").count() >= 9
        assert page.input_value("input[name=term]") == "3"
        assert "grafieken hebben JavaScript nodig" in page.locator("main").inner_text()
        screenshot(page, "whatif-no-javascript")
        page.goto(f"{server_url}/long-term?lang=en")
        page.select_option("select[name=mode]", "plan")
        page.click("#levers button[type=submit]")
        page.wait_for_url("**mode=plan**")
        assert "migration plan" in page.locator("#results").inner_text()
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("size", [(1400, 900), (1280, 720)])
def test_a_chart_is_in_view_without_scrolling(browser: Any, server_url: str, lang: str, size: Any) -> None:
    """On the what-if, comparison, long-term, plan and labour pages a chart starts within the first screen."""
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        for path in ("/whatif", "/compare", "/long-term", "/plan", "/labour"):
            page.goto(f"{server_url}{path}?lang={lang}")
            wait_for_figures(page, 1)
            top = page.evaluate("document.querySelector('div.figure .main-svg').getBoundingClientRect().top")
            assert top < height - 150, f"{path}: the first chart starts at {top} px"
            name = path.strip("/").replace("-", "")
            page.screenshot(path=str(ARTIFACTS / f"{name}-{lang}-{width}x{height}.png"))
    finally:
        context.close()


@pytest.mark.parametrize("width,height", [(1280, 720), (1400, 900)])
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_navigation_fits_on_one_line(
    browser: Any, server_url: str, width: int, height: int, lang: str
) -> None:
    """At laptop widths every navigation link sits on the same line (the header does not wrap)."""
    context = browser.new_context(viewport={"width": width, "height": height})
    opened = context.new_page()
    try:
        opened.goto(f"{server_url}/data?lang={lang}")
        tops = opened.evaluate(
            "[...document.querySelectorAll('header nav a, header .brand, #lang-switch')]"
            ".map(a => Math.round(a.getBoundingClientRect().top + a.getBoundingClientRect().height / 2))"
        )
        link_height = opened.evaluate("document.querySelector('header nav a').getBoundingClientRect().height")
        nav_height = opened.evaluate("document.querySelector('header nav').getBoundingClientRect().height")
        screenshot(opened, f"navigation-{lang}-{width}")
    finally:
        context.close()
    assert len(tops) >= 10
    assert max(tops) - min(tops) <= 4, f"links at different heights: {tops}"
    assert nav_height < 1.5 * link_height


def test_long_term_page_draws_the_pyramid(page: Any, server_url: str) -> None:
    """The long-term page draws a population pyramid: men and women, the first and the last year."""
    page.goto(f"{server_url}/long-term?runs=5&end=2040")
    wait_for_figures(page, 7)
    names = json.loads(
        page.evaluate("JSON.stringify(document.getElementById('figure-pyramid').data.map(t => t.name))")
    )
    assert sorted(names) == ["Mannen 2025", "Mannen 2040", "Vrouwen 2025", "Vrouwen 2040"]
    screenshot(page, "long-term-pyramid-nl")


BOXES = """(element) => {
  const box = (node) => { if (!node) return null; const r = node.getBoundingClientRect();
    return r.width ? [r.left, r.top, r.right, r.bottom] : null; };
  return {figure: box(element), legend: box(element.querySelector('g.legend')),
          xtitle: box(element.querySelector('g.g-xtitle')),
          title: element.querySelector('g.g-gtitle')?.textContent};
}"""
"""A drawn figure's boxes (left, top, right, bottom): the whole chart, its legend and x-axis title."""


def overlaps(one: list[float] | None, other: list[float] | None) -> bool:
    """Whether two boxes share area (False when either is missing)."""
    if one is None or other is None:
        return False
    return one[0] < other[2] and other[0] < one[2] and one[1] < other[3] and other[1] < one[3]


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("size", [(1400, 900), (1280, 720)])
def test_plan_and_labour_charts_keep_legends_whole(
    browser: Any, server_url: str, lang: str, size: Any
) -> None:
    """The plan page's four paths and the labour page's three charts are drawn with a title; every legend
    lies inside its chart and clear of the x-axis title."""
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        for path, count in (("/plan?runs=4&end_year=2032&labour_non_eu=90000", 4), ("/labour", 3)):
            page.goto(f"{server_url}{path}&lang={lang}" if "?" in path else f"{server_url}{path}?lang={lang}")
            wait_for_figures(page, count)
            for element in page.query_selector_all("div.figure[data-figure]"):
                boxes = element.evaluate(BOXES)
                assert boxes["title"], element.get_attribute("data-figure")
                legend, chart = boxes["legend"], boxes["figure"]
                assert legend[0] >= chart[0] - 1 and legend[2] <= chart[2] + 1, boxes
                assert not overlaps(legend, boxes["xtitle"]), boxes
            name = path.strip("/").split("?")[0]
            page.screenshot(
                path=str(ARTIFACTS / f"{name}-charts-{lang}-{width}x{height}.png"), full_page=True
            )
    finally:
        context.close()
