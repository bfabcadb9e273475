"""Dashboard pages as served HTML: language, sources, levers, offline assets and error pages."""

from __future__ import annotations

import json
import re
import time

import httpx
import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from migratielab.data import store
from migratielab.presentation.datapage import dutch

PAGES = ("/overview", "/whatif?runs=20&end_year=2026", "/compare?runs=20&end_year=2026", "/data",
         "/long-term?runs=2&end=2030", "/labour")  # fmt: skip


def embedded_figures(html: str) -> dict[str, dict[str, object]]:
    """The figures a page embeds for dashboard.js, by id."""
    match = re.search(r'<script type="application/json" id="figures">(.*?)</script>', html, re.S)
    assert match is not None
    figures: dict[str, dict[str, object]] = json.loads(match.group(1))
    return figures


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_dutch_by_default_and_english_on_request(client: TestClient, path: str) -> None:
    """Each page answers in Dutch by default and in English with lang=en, with a working switch link."""
    dutch = client.get(path)
    english = client.get(path + ("&" if "?" in path else "?") + "lang=en")
    assert dutch.status_code == english.status_code == 200
    assert '<html lang="nl">' in dutch.text and "Staat van de migratie" in dutch.text
    assert '<html lang="en">' in english.text and "State of migration" in english.text
    assert "lang=en" in re.search(r'id="lang-switch"[^>]*href="([^"]*)"', dutch.text).group(1)  # type: ignore[union-attr]


@pytest.mark.parametrize("path", PAGES)
def test_pages_load_nothing_from_outside(client: TestClient, path: str) -> None:
    """Scripts and styles come from this server only (no CDN)."""
    html = client.get(path).text
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert sources and all(source.startswith("/static/") for source in sources)


def test_plotly_is_served_from_the_installed_package(client: TestClient) -> None:
    """plotly.js is the installed plotly package's bundle; other static names are 404."""
    import plotly.offline

    response = client.get("/static/plotly.min.js")
    assert response.status_code == 200
    assert response.text == plotly.offline.get_plotlyjs()
    assert client.get("/static/..%2Fpages.py").status_code == 404


def test_overview_shows_every_panel_with_sources(client: TestClient) -> None:
    """The overview has six figures, each followed by its sources."""
    html = client.get("/overview").text
    figures = embedded_figures(html)
    assert list(figures) == [
        "immigration_by_motive", "asylum_inflow", "ind_backlog",
        "coa_occupancy", "holders_waiting", "departures",
    ]  # fmt: skip
    assert html.count('<details class="sources"') == 6
    assert "COA" in html and "IND" in html and "DT&amp;V" in html


def test_dutch_overview_sources_name_series_by_their_dutch_description(client: TestClient) -> None:
    """A Dutch page cites ``coa.occupancy`` by its Dutch description, not by id and English text; the
    English page by its English description."""
    info = store.series_info("coa.occupancy")
    dutch_html, english_html = (client.get(f"/overview?lang={lang}").text for lang in ("nl", "en"))
    assert f"<li>{escape(dutch()['series']['coa.occupancy'])}: " in dutch_html
    assert f"<li>{escape(info.description)}: " in english_html
    for html in (dutch_html, english_html):
        assert "coa.occupancy (" not in html


def test_what_if_levers_reach_the_figures(client: TestClient) -> None:
    """Changing the buffer changes the emergency-occupancy fan in the results fragment."""
    base = "/whatif/results?runs=20&end_year=2027&reception=fixed_buffer&base_places=20000"
    small = client.get(base + "&buffer_places=0").json()
    large = client.get(base + "&buffer_places=30000").json()
    assert small["figures"]["occupancy_by_type"] != large["figures"]["occupancy_by_type"]
    assert "Scorekaart" in small["html"]


def test_what_if_page_shows_the_required_charts(client: TestClient) -> None:
    """Occupancy by type, waits, cases past term, nights without shelter and cost are all drawn."""
    figures = embedded_figures(client.get("/whatif?runs=20&end_year=2026&lang=en").text)
    assert {
        "occupancy_by_type",
        "mean_wait_weeks",
        "cases_past_term",
        "nights_without_shelter_total",
        "cost_meur_year",
        "capacity",
        "applications",
        "decisions_total",
    } <= set(figures)
    traces = figures["in_chain"]["data"]
    assert any(trace.get("name") == "observed" for trace in traces)  # type: ignore[attr-defined]


def test_what_if_defaults_keep_todays_staff_and_say_bold_only_for_several_policies(
    client: TestClient,
) -> None:
    """The stable-staffing lever starts at the staff of the run's first month (so the default run
    does not cut the IND), and "bold = best" appears only where several policies are compared."""
    from migratielab.service import asylum, web_models

    start = asylum.decision_staff_at_start(web_models.bundled_scenario("default").scenario)
    whatif = client.get("/whatif?runs=20&end_year=2026&lang=en").text
    shown = float(re.search(r'name="fte"[^>]*value="([^"]+)"', whatif).group(1))  # type: ignore[union-attr]
    assert abs(shown - start) <= 25 and shown % 50 == 0
    staff = embedded_figures(whatif)["ind_staff"]["data"]
    median = next(trace for trace in staff if trace.get("name", "").startswith("your policy"))  # type: ignore[union-attr]
    assert min(median["y"]) >= shown - 1e-6  # type: ignore[index]
    assert "Bold:" not in whatif
    assert "Bold:" in client.get("/compare?runs=20&end_year=2026&lang=en").text


def test_long_legend_entries_wrap() -> None:
    """A legend entry longer than a line is broken with <br> (plotly would cut it at the edge)."""
    from migratielab.presentation.charts import LEGEND_WIDTH, FanSeries, fan_chart

    name = "Opvangplaatsen (regulier, buffer, nood- en crisisnoodopvang) en nog meer tekst"
    series = [FanSeries(name, [2025, 2026], {"0.05": [1.0, 2.0], "0.5": [2.0, 3.0], "0.95": [3.0, 4.0]})]
    series.append(FanSeries("b", [2025, 2026], {"0.05": [1.0, 2.0], "0.5": [2.0, 3.0], "0.95": [3.0, 4.0]}))
    names = [trace["name"] for trace in fan_chart(series, "t", "persons", "nl")["data"] if "name" in trace]
    assert all(len(line) <= LEGEND_WIDTH for label in names for line in label.split("<br>"))
    assert any("<br>" in label for label in names)


def test_compare_scorecard_has_three_policies(client: TestClient) -> None:
    """The scorecard puts your policy next to the scenario's two policies, for every indicator."""
    html = client.get("/compare?runs=20&end_year=2026&lang=en").text
    header = re.search(r'<table class="scorecard">\s*<thead>(.*?)</thead>', html, re.S).group(1)  # type: ignore[union-attr]
    policies = re.findall(r"<th>([^<]+)</th>", header)
    assert policies[-3:] == ["forecast-linked", "fixed base + iron buffer", "your policy"]
    assert html.count("<tr><td>") >= 9
    assert "humanitarian" in html and "economic" in html


def test_data_page_lists_every_series_and_parameter(client: TestClient) -> None:
    """Every series and every parameter appears with a source."""
    html = client.get("/data").text
    series = client.get("/api/series").json()
    assert all(f'href="/data/series/{item["series_id"]}?lang=nl"' in html for item in series)
    assert "<code>tfr_default</code>" in html and "COA" in html
    assert "{2014:" not in html and "vanaf 2014: 27.100" in html
    counts = re.findall(r"<summary>(\d+) (bron|bronnen)</summary>", html)
    assert counts and all((number == "1") == (noun == "bron") for number, noun in counts)
    assert "bron(nen)" not in html and "(s)</summary>" not in client.get("/data?lang=en").text


def test_every_series_and_parameter_has_a_dutch_description(client: TestClient) -> None:
    """The Dutch data page never falls back to an English description."""
    from migratielab.presentation.datapage import dutch
    from migratielab.service import overview as panels

    series = {item["series_id"] for item in client.get("/api/series").json()}
    assert series <= set(dutch()["series"])
    names = {f"{row.module}.{row.name}" for m in panels.PARAMETER_MODULES for row in panels.parameter_rows(m)}
    assert names <= set(dutch()["parameters"])


def test_bad_lever_value_is_422_in_html_without_trace(client: TestClient) -> None:
    """An out-of-range lever on a page gives a 422 with the reason and no stack trace."""
    response = client.get("/whatif?runs=999999")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert "Aantal simulaties: ten hoogste 2.000" in response.text
    english = client.get("/whatif?runs=999999&lang=en")
    assert "Number of runs: at most 2,000" in english.text
    assert "Traceback" not in response.text


def test_a_bad_choice_names_the_options_in_the_pages_language_on_a_dashboard_page(client: TestClient) -> None:
    """A choice that does not exist: the options as the form shows them, joined with "of" in Dutch,
    on a page with the dashboard's navigation."""
    dutch = client.get("/whatif?inflow=band")
    assert dutch.status_code == 422 and 'id="lang-switch"' in dutch.text and "<nav>" in dutch.text
    assert "midden (medium) of hoog (high)" in dutch.text and " or " not in dutch.text
    english = client.get("/whatif?inflow=band&lang=en")
    assert "medium (medium) or high (high)" in english.text


def test_unknown_page_is_an_html_404(client: TestClient) -> None:
    """Unknown dashboard paths answer with a small HTML page."""
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")


def test_api_docs_load_swagger_ui_from_this_server(client: TestClient) -> None:
    """/docs is Swagger UI with its script and style served here, and the spec lists the endpoints."""
    html = client.get("/docs").text
    assert '"/static/swagger-ui-bundle.js"' in html and '"/static/swagger-ui.css"' in html
    assert "cdn" not in html
    assert client.get("/static/swagger-ui-bundle.js").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/whatif", "/api/compare", "/api/series/{series_id}", "/api/explorations"} <= set(paths)


def test_dutch_pages_show_dutch_units_from_the_registry(client: TestClient) -> None:
    """Units on Dutch pages are the registry's Dutch names ("personen", not "persons"), English on request."""
    dutch = client.get("/whatif?runs=20&end_year=2026").text
    figures = embedded_figures(dutch)
    axis = {key: figure["layout"]["yaxis"]["title"]["text"] for key, figure in figures.items()}  # type: ignore[index]
    assert axis["in_chain"] == "personen" and axis["ind_backlog"] == "zaken"
    assert axis["cost_meur_year"] == "miljoen euro per jaar" and axis["mean_wait_weeks"] == "weken"
    scorecard = dutch.split('<table class="scorecard">')[1].split("</table>")[0]
    assert "<td>miljoen euro</td>" in scorecard and "<td>weken</td>" in scorecard
    assert "persons" not in scorecard and "weeks" not in scorecard
    english = embedded_figures(client.get("/whatif?runs=20&end_year=2026&lang=en").text)
    assert english["in_chain"]["layout"]["yaxis"]["title"]["text"] == "persons"  # type: ignore[index]


def test_dutch_pages_write_numbers_the_dutch_way(client: TestClient) -> None:
    """Dutch tables group thousands with a dot (12.345) and charts get Dutch separators; English a comma."""
    dutch = client.get("/long-term?runs=2&end=2030").text
    assert (
        re.search(r'<td class="number">\d{1,3}(\.\d{3}){2}</td>', dutch)
        and "Bevolking op 1 januari (personen)" in dutch
    )
    assert embedded_figures(dutch)["population"]["layout"]["separators"] == ",."  # type: ignore[index]
    english = client.get("/long-term?runs=2&end=2030&lang=en").text
    assert re.search(r'<td class="number">\d{1,3}(,\d{3}){2}</td>', english)
    assert "Population on 1 January (persons)" in english


def test_backtest_page_compares_model_and_observations(client: TestClient) -> None:
    """The backtest page shows a chart per variable (model and observed) and the mean errors."""
    html = client.get("/backtest?lang=en").text
    figures = embedded_figures(html)
    # occupancy, backlog, holders, wait, penalties, departures in total and by type, permits granted
    assert len(figures) == 10
    assert "Mean absolute percentage error over every dated count" in html
    assert "Status holders in COA reception waiting for municipal housing (17 counts)" in html
    dutch = client.get("/backtest").text
    assert "over elke gedateerde telling" in dutch and "(21 tellingen)" in dutch
    occupancy = figures["coa_occupancy_end"]["data"]  # type: ignore[index]
    assert [trace["name"] for trace in occupancy] == ["model", "observed"]  # type: ignore[index]
    headings = [
        "in sample (years 2014-2019)",
        "out of sample 2020-2024",
        "out of sample 2025",
        "target window 2014-2024",
    ]
    assert all(f"<th>{heading}</th>" in html for heading in headings)
    occupancy_row = html.split("People in COA reception (year end)</td>", 1)[1].split("</tr>", 1)[0]
    assert occupancy_row.count('<td class="number">') == len(headings) + 1 and "%</td>" in occupancy_row
    assert occupancy_row.endswith('<td class="number">≤ 10% ✗</td>')  # the target beside the errors, missed
    assert "<th>target (target window)</th>" in html


def test_explorations_page_lists_stored_explorations(client: TestClient) -> None:
    """The explorations page answers with or without stored explorations; an unknown report is 404."""
    html = client.get("/explorations").text
    assert "Verkenningen" in html
    assert client.get("/explorations/no-such-id/report").status_code == 404


def test_deterministic_inflow_bands_are_explained(client: TestClient) -> None:
    """A fixed inflow band gives equal percentiles; the page says why, the uncertain inflow does not."""
    band = client.get("/whatif?inflow=high&runs=5&end_year=2026").text
    assert "vallen samen met de mediaan" in band
    assert "vallen samen met de mediaan" not in client.get("/whatif?runs=5&end_year=2026").text


def test_a_long_computation_shows_a_page_that_reloads_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    """A page whose results take longer than it waits answers 202 with a self-reloading page and a
    link to the same address (the computation goes on); reloading later shows the results."""
    import threading

    from migratielab.api import Settings, create_app
    from migratielab.dashboard import pages
    from migratielab.service import web

    release = threading.Event()
    real = web.project

    def slow(request: object) -> object:
        release.wait(10)
        return real(request)  # type: ignore[arg-type]

    monkeypatch.setattr(web, "project", slow)
    monkeypatch.setattr(pages, "PAGE_WAIT_SECONDS", 0.2)
    app = create_app(Settings(simulation_processes=0))
    with TestClient(app, base_url="http://localhost") as slow_client:
        pending = slow_client.get("/long-term?runs=2&end=2030")
        release.set()
        assert pending.status_code == 202
        assert (
            'http-equiv="refresh"' in pending.text and 'href="/long-term?runs=2&amp;end=2030"' in pending.text
        )
        assert "Nog bezig met rekenen" in pending.text
        done = reloaded(slow_client, "/long-term?runs=2&end=2030")
    assert done.status_code == 200 and 'data-figure="population"' in done.text


def reloaded(client: TestClient, url: str) -> httpx.Response:
    """The page at ``url`` once it is no longer pending (asked again every 0.1 s, at most 100 times)."""
    for _ in range(100):
        done = client.get(url)
        if done.status_code == 200:
            break
        time.sleep(0.1)
    return done


def test_the_waiting_page_shows_growing_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    """While a long-term projection computes, each reload of the waiting page shows the fraction done
    the worker reported, as a progress bar and a Dutch percentage, growing between reloads."""
    from migratielab import progress
    from migratielab.api import Settings, create_app
    from migratielab.dashboard import pages
    from migratielab.service import web

    real = web.project

    def stepping(request: object) -> object:
        report = progress.current()
        for step in range(1, 31):
            time.sleep(0.05)
            if report is not None:
                report(step, 30)
        return real(request)  # type: ignore[arg-type]

    monkeypatch.setattr(web, "project", stepping)
    monkeypatch.setattr(pages, "PAGE_WAIT_SECONDS", 0.15)
    app = create_app(Settings(simulation_processes=0))
    seen: list[float] = []
    with TestClient(app, base_url="http://localhost") as slow_client:
        for _ in range(40):
            answer = slow_client.get("/long-term?runs=2&end=2030")
            if answer.status_code == 200:
                break
            found = re.search(r'<progress id="pending-progress" value="([0-9.]+)"', answer.text)
            if found:
                seen.append(float(found.group(1)))
                assert re.search(r"\d+% berekend", answer.text)
    assert answer.status_code == 200
    assert len(seen) >= 2 and seen == sorted(seen) and seen[-1] > seen[0]


def test_a_projection_reports_growing_progress() -> None:
    """The population projection reports its months done: fractions rise to 1."""
    from migratielab import progress
    from migratielab.service import web, web_models

    seen: list[float] = []
    with progress.reporting(seen.append):
        web.project(web_models.VariantRequest(runs=2, end=2030))
    assert len(seen) >= 5 and seen == sorted(seen) and seen[-1] == pytest.approx(1.0)
