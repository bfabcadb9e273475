"""Self-contained reports: readable by others, plotly.js embedded once and compressed, figures drawn."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import plotly.graph_objects as go
import pytest

from migratielab.report.html import Section, write_report

CHROMIUM = Path("/usr/bin/chromium")


def a_report(path: Path, figures: int = 3) -> Path:
    """A report with ``figures`` small line charts."""
    charts = [go.Figure(go.Scatter(x=[2024, 2025], y=[1, figure + 2])) for figure in range(figures)]
    return write_report(path, "Rapport", [Section("Deel", "tekst", figures=charts)], "nl")


def test_reports_get_the_usual_file_mode_and_stay_small(tmp_path: Path) -> None:
    """A report is readable like any new file (not 0600) and weighs well under plotly.js's 4.8 MB."""
    mask = os.umask(0o022)
    try:
        path = a_report(tmp_path / "report.html")
    finally:
        os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert path.stat().st_size < 2_000_000
    assert path.read_text("utf-8").count("id='plotly-gzip'") == 1


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed")
def test_report_figures_are_drawn_offline(tmp_path: Path) -> None:
    """Opened from disk in Chromium, the report unpacks plotly.js and draws every figure."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    path = a_report(tmp_path / "report.html")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(path.as_uri())
        page.wait_for_function("document.body.dataset.drawn === 'true'", timeout=30_000)
        assert page.locator("div.report-figure .main-svg").count() >= 3
        browser.close()
    assert not errors


def test_web_addresses_in_source_lines_become_links_without_the_citation_punctuation() -> None:
    from migratielab.presentation.sources import linked

    line = "CBS, X (2024). https://cbs.nl/a?b=1&c=2; IND <Y> (2020). https://ind.nl/x.aspx"
    shown = linked(line)
    assert "<a href='https://cbs.nl/a?b=1&amp;c=2' target='_blank'>" in shown
    assert "</a>; IND &lt;Y&gt;" in shown  # the separator stays outside, the rest is escaped
    assert shown.endswith("<a href='https://ind.nl/x.aspx' target='_blank'>https://ind.nl/x.aspx</a>")
