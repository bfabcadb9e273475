"""The integral-trade-off page without JavaScript, and its API route."""

from __future__ import annotations

from fastapi.testclient import TestClient


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
    for bad in ({"runs": 1000}, {"levels": {"studie": 1}}, {"fte": -1}, {"colour": "red"}):
        rejected = client.post("/api/plans/scorecard", json=bad)
        assert rejected.status_code == 422, bad
