"""The integral-trade-off page without JavaScript, and its API route."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from migratielab.dashboard.forms import PlanForm
from migratielab.models.variables import Language, lookup
from migratielab.presentation.catalogue import Translator
from migratielab.presentation.charts import TITLE_WIDTH, wrapped
from migratielab.service import plan_web
from tests.dashboard.test_dashboard import embedded_figures, reloaded


def test_plan_page_in_dutch_without_javascript(client: TestClient) -> None:
    """The GET form renders the scorecard of the edited plan next to the example, in Dutch."""
    response = client.get("/plan", params={"runs": 4, "end_year": 2028, "labour_non_eu": 90000})
    assert response.status_code == 200
    page = response.text
    for dutch in ("Integrale afweging", "Humanitair", "Economisch", "hier en nu", "Uw plan", "Voorbeeldplan"):
        assert dutch in page
    assert "robuust beter" in page  # three times the non-EU labour migration: labour force in every future
    assert 'value="90000"' in page


def test_plan_results_fragment_in_english(client: TestClient) -> None:
    """The live fragment (dashboard.js) carries the same table in English; the default plan is the example."""
    response = client.get("/plan/results", params={"runs": 3, "end_year": 2027, "lang": "en"})
    assert response.status_code == 200
    html = response.json()["html"]
    assert "Humanitarian" in html and "Your plan" in html and "equal in every future" in html


def test_api_plan_scorecard_and_bad_input(client: TestClient) -> None:
    """The API returns both plans per entry with the rule; bad input is a 422 naming the field."""
    body = {"runs": 3, "end_year": 2027, "levels": {"study": 20000}}
    response = client.post("/api/plans/scorecard", json=body)
    assert response.status_code == 200
    data = response.json()
    assert data["plans"] == ["example", "yours"] and "90%" in data["rule"]
    study = next(entry for entry in data["entries"] if entry["id"] == "labour_force_end")
    assert len(study["plans"]) == 2 and study["differences_to_first"][0]["verdict"] in ("worse", None)
    paths = data["paths"]
    assert list(paths) == list(plan_web.PLAN_PATHS)
    outlook = plan_web.plan_outlook(plan_web.PlanScorecardRequest.model_validate(body))
    for key, path in paths.items():
        assert path["unit"] == lookup(key).unit.code and path["iamc"] == lookup(key).iamc
        assert path["plans"]["yours"]["quantiles"] == outlook.paths[key]["yours"].quantiles
    for bad in ({"runs": 1000}, {"levels": {"studie": 1}}, {"fte": -1}, {"colour": "red"}):
        rejected = client.post("/api/plans/scorecard", json=bad)
        assert rejected.status_code == 422, bad


PLAN_QUERY = {"runs": 3, "end_year": 2029, "labour_non_eu": 90000, "asylum": 40000}


def median_lines(figure: dict[str, object]) -> dict[str, list[float | None]]:
    """The median lines of a fan chart by legend name (the named traces)."""
    data = figure["data"]
    assert isinstance(data, list)
    return {trace["name"]: trace["y"] for trace in data if "name" in trace}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_plan_page_draws_both_plans_paths_from_the_service(client: TestClient, lang: Language) -> None:
    """One fan chart per key path, titled with the registry label and unit in the page's language; its
    median lines are the service's medians of the same request (example plan, then the edited plan)."""
    html = client.get("/plan", params={**PLAN_QUERY, "lang": lang}).text
    figures = embedded_figures(html)
    outlook = plan_web.plan_outlook(PlanForm.model_validate(PLAN_QUERY).request())
    assert t(lang)("plan.paths_title") in html
    assert len(plan_web.PLAN_PATHS) == 4
    for key in plan_web.PLAN_PATHS:
        figure_id = key.replace(".", "_")
        assert f'data-figure="{figure_id}"' in html
        entry, figure = lookup(key), figures[figure_id]
        layout = figure["layout"]
        assert isinstance(layout, dict)
        assert layout["title"]["text"] == wrapped(entry.label(lang), TITLE_WIDTH)
        assert layout["yaxis"]["title"]["text"] == entry.shown_unit.label(lang)
        by_name = median_lines(figure)
        seen = by_name.pop(t(lang)("observed"), None)
        expected = [outlook.paths[key][name].quantiles["0.5"] for name in ("example", "yours")]
        assert list(by_name.values()) == expected
        names = " ".join(by_name)
        assert t(lang)("plan.example") in names and t(lang)("plan.yours") in names
        published = outlook.observed[key]  # the published values in the paths' years, drawn as points
        assert (seen is None) == (not published)
        if seen is not None:
            assert seen == [value / entry.display_scale for value in published.values()]
    assert outlook.observed["asylum.holders_waiting"].get(2025) == 18420.0  # COA count of 5 January 2026
    changed = outlook.paths["population.potential_labour_force"]
    assert changed["yours"].quantiles["0.5"][-1] > changed["example"].quantiles["0.5"][-1]  # 3x non-EU labour


def test_plan_page_caveats_and_sources_of_the_paths(client: TestClient) -> None:
    """Under the paths: what a year's value is (1 January, 31 December, over the year) and where each
    variable comes from; the English page has no Dutch caveat."""
    dutch = client.get("/plan", params=PLAN_QUERY).text
    english = client.get("/plan", params={**PLAN_QUERY, "lang": "en"}).text
    assert "31 december" in dutch and "voorsprong" in dutch and "31 December" in english
    assert "Municipal|National|Housing|Backlog" in dutch
    assert "op dezelfde toekomsten" not in english


def t(lang: Language) -> Translator:
    """The catalogue in one language."""
    return Translator(lang)


def test_a_slow_plan_shows_the_page_that_reloads_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    """A plan that takes longer than the page waits answers 202 with the Dutch waiting page (not an
    error page with an English message); reloading later shows the plan."""
    import threading

    from migratielab.api import Settings, create_app
    from migratielab.dashboard import pages

    release = threading.Event()
    real = plan_web.plan_outlook

    def slow(request: plan_web.PlanScorecardRequest) -> plan_web.PlanOutlook:
        release.wait(10)
        return real(request)

    monkeypatch.setattr(plan_web, "plan_outlook", slow)
    monkeypatch.setattr(pages, "PAGE_WAIT_SECONDS", 0.2)
    with TestClient(create_app(Settings(simulation_processes=0)), base_url="http://localhost") as slow_client:
        pending = slow_client.get("/plan?runs=2&end_year=2027")
        release.set()
        assert pending.status_code == 202 and "Nog bezig met rekenen" in pending.text
        done = reloaded(slow_client, "/plan?runs=2&end_year=2027")
    assert done.status_code == 200 and 'data-figure="municipal_total_backlog"' in done.text
