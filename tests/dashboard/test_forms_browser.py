"""Refused lever values in headless Chromium: the message in the page's language beside the button and
in view, the refused field marked, the old results dimmed until a valid change; Back undoes a change."""

from __future__ import annotations

from typing import Any

import pytest

from tests.dashboard.test_browser import ARTIFACTS, UPDATE_TIMEOUT_MS, browser, change_lever, page, pytestmark

__all__ = ["browser", "page", "pytestmark"]
LEVEL_MESSAGE = {
    "nl": "Niveau instroom (× lange-termijngemiddelde): ten minste 0,25",
    "en": "Inflow level (× long-run mean): at least 0.25",
}
CASES = [
    ("/whatif", "nl", (1400, 900)),
    ("/whatif", "en", (1280, 720)),
    ("/compare", "nl", (1280, 720)),
    ("/compare", "en", (1400, 900)),
]


def submit_and_wait(opened: Any, state: str) -> None:
    """Press the button and wait until the status reports ``state`` (ready or failed)."""
    opened.click("#levers button[type=submit]")
    opened.wait_for_function(
        f"document.getElementById('status').dataset.state === '{state}'", timeout=UPDATE_TIMEOUT_MS
    )


def in_view(opened: Any, selector: str) -> bool:
    """True when the element lies wholly inside the viewport."""
    return bool(
        opened.evaluate(
            f"(() => {{ const box = document.querySelector('{selector}').getBoundingClientRect();"
            " return box.top >= 0 && box.bottom <= window.innerHeight && box.height > 0; })()"
        )
    )


@pytest.mark.parametrize(("path", "lang", "size"), CASES)
def test_a_refused_lever_is_explained_beside_the_button_and_the_results_go_stale(
    browser: Any, server_url: str, path: str, lang: str, size: tuple[int, int]
) -> None:
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height})
    opened = context.new_page()
    try:
        opened.goto(f"{server_url}{path}?lang={lang}&runs=20&end_year=2027")
        opened.fill("input[name=level]", "-5")
        submit_and_wait(opened, "failed")
        status = opened.locator("#status").inner_text()
        assert LEVEL_MESSAGE[lang] in status and "Input should" not in status
        assert in_view(opened, "#status")
        assert opened.get_attribute("input[name=level]", "aria-invalid") == "true"
        assert "stale" in (opened.get_attribute("#results", "class") or "")
        assert opened.locator("#stale-note").is_visible()
        name = f"{path.strip('/')}-refused-{lang}-{width}x{height}"
        opened.screenshot(path=str(ARTIFACTS / f"{name}.png"))
        opened.fill("input[name=level]", "1")
        submit_and_wait(opened, "ready")
        assert opened.locator("#stale-note").count() == 0
        assert "stale" not in (opened.get_attribute("#results", "class") or "")
        assert opened.get_attribute("input[name=level]", "aria-invalid") is None
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_levers_that_empty_the_population_are_refused_live(browser: Any, server_url: str, lang: str) -> None:
    """Every long-term lever at its minimum: the refusal in the page's language, naming the levers."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    opened = context.new_page()
    try:
        opened.goto(f"{server_url}/long-term?lang={lang}&runs=50")
        for name, value in (("net_migration", "-200000"), ("tfr", "0.6"), ("e0_female", "70"),
                            ("e0_male", "70"), ("end", "2100")):  # fmt: skip
            opened.fill(f"input[name={name}]", value)
        submit_and_wait(opened, "failed")
        status = opened.locator("#status").inner_text()
        expected = "onder nul" if lang == "nl" else "below zero"
        assert expected in status and "2100" in status and "would number" not in status
        assert in_view(opened, "#status") and opened.locator("#stale-note").is_visible()
        opened.screenshot(path=str(ARTIFACTS / f"longterm-refused-{lang}-1400x900.png"))
    finally:
        context.close()


def test_back_undoes_a_lever_change(page: Any, server_url: str) -> None:
    """After a change, Back shows the levers (and the address) before it; Forward shows it again."""
    page.goto(f"{server_url}/whatif?runs=20&end_year=2027")
    change_lever(page, "input[name=base_places]", "20000")
    assert "base_places=20000" in page.url
    page.go_back()
    page.wait_for_function("document.querySelector('input[name=base_places]').value === '41000'")
    assert "base_places=20000" not in page.url
    assert page.url.startswith(f"{server_url}/whatif")
    page.go_forward()
    page.wait_for_function("document.querySelector('input[name=base_places]').value === '20000'")
