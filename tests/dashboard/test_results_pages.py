"""The forecast page (``dashboard/results_pages.py``): fan after the observed months, track-record table."""

from __future__ import annotations

import re
import time

from fastapi.testclient import TestClient

from tests.dashboard.test_dashboard import embedded_figures

WAIT_SECONDS = 120.0


def forecast_html(client: TestClient, lang: str) -> str:
    """The forecast page once computed (the first request may get the page that reloads itself)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        response = client.get(f"/forecast?lang={lang}")
        if response.status_code == 200 or time.monotonic() > deadline:
            assert response.status_code == 200
            return response.text
        time.sleep(1.0)


def test_forecast_page_in_dutch_and_english(client: TestClient) -> None:
    """Both languages: the navigation links the page, the table has a row per method with Dutch or
    English number formatting, and the fan continues the observed line."""
    dutch, english = forecast_html(client, "nl"), forecast_html(client, "en")
    assert re.search(r'href="/forecast\?lang=nl"[^>]*aria-current="page">Prognose<', dutch)
    assert re.search(r'href="/forecast\?lang=en"[^>]*aria-current="page">Forecast<', english)
    for html, used in ((dutch, "(gebruikt)"), (english, "(used)")):
        table = re.search(r'<table class="numbers" id="forecast-evaluation">(.*?)</table>', html, re.S)
        assert table is not None and table.group(1).count("<tr>") == 7 and used in table.group(1)
    assert re.search(r"<td class=\"number\">\d\.\d{3}</td>", dutch)  # 7.319, not 7,319
    assert re.search(r"<td class=\"number\">\d,\d{3}</td>", english)
    fan = embedded_figures(dutch)["fan"]
    traces: list[dict[str, list[str | None]]] = fan["data"]  # type: ignore[assignment]
    observed = [trace for trace in traces if trace.get("name") == "waargenomen"]
    forecast = [x for trace in traces if trace not in observed for x in trace["x"] if x is not None]
    assert len(observed) == 1 and observed[0]["mode"] == "lines+markers"
    assert max(x for x in observed[0]["x"] if x) == min(forecast)  # the fan starts at the last observation
