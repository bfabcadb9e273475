"""The JSON API as a client uses it: caps, validation messages, sources, and agreement with the services."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from typing import Any

import pytest
from fastapi.testclient import TestClient

from migratielab.api import routes
from migratielab.service import asylum
from migratielab.service import overview as panels
from migratielab.service import web as service
from migratielab.service import web_models as models
from migratielab.service.citations import Citation
from migratielab.service.web_models import Panel

SMALL = {"runs": 20, "end_year": 2027}
BUFFER_POLICY = {
    "name": "buffer",
    "reception": {"rule": "fixed_buffer", "base_places": 41000, "buffer_places": 15000},
    "staffing": {"rule": "stable", "fte": 1500},
}


def post(client: TestClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST JSON and return the decoded body of a 200 answer."""
    response = client.post(path, json=body)
    assert response.status_code == 200, response.text
    payload: dict[str, Any] = response.json()
    return payload


def test_health_states_the_caps(client: TestClient) -> None:
    """The health endpoint reports the server's ensemble and horizon caps."""
    body = client.get("/api/health").json()
    assert body["status"] == "ok"
    assert body["max_runs"] == models.MAX_RUNS
    assert body["max_horizon_years"] == models.MAX_HORIZON_YEARS


def test_scenarios_are_listed_and_shown_by_name(client: TestClient) -> None:
    """Bundled scenarios are listed; one is shown by name; an unknown name is a 404."""
    names = [item["id"] for item in client.get("/api/scenarios").json()]
    assert "default" in names
    shown = client.get("/api/scenarios/default").json()
    assert shown["scenario"]["asylum"]["policies"][0]["name"] == "forecast-linked"
    assert client.get("/api/scenarios/../../etc/passwd").status_code == 404
    assert client.get("/api/scenarios/nope").status_code == 404


def test_what_if_returns_fans_indicators_observed_and_sources(client: TestClient) -> None:
    """A what-if answers with monthly fans, indicators, observed history and cited sources."""
    body = post(client, "/api/whatif", {**SMALL, "policy": BUFFER_POLICY})
    result = body["results"][0]
    assert result["policy"]["name"] == "buffer"
    fan = result["fans"]["in_chain"]
    assert len(fan["time"]) == 36
    assert all(len(values) == 36 for values in fan["quantiles"].values())
    assert set(result["fans"]) >= {
        "emergency_occupancy",
        "mean_wait_weeks",
        "cost_meur",
        "nights_without_shelter",
    }
    assert {item["indicator"] for item in result["indicators"]} >= {"median_wait_weeks", "total_cost_eur"}
    assert body["observed"]["in_chain"]["series_id"] == "coa.occupancy"
    assert any("COA" in source for source in body["sources"])


def test_what_if_agrees_with_the_asylum_service(client: TestClient) -> None:
    """The API's indicators are those of service.asylum.evaluate_policy on the same scenario."""
    body = post(client, "/api/whatif", {**SMALL, "policy": BUFFER_POLICY})
    request = models.WhatIfRequest.model_validate({**SMALL, "policy": BUFFER_POLICY})
    assert request.policy is not None
    scenario = service.build_scenario(request, [request.policy])
    outcome = asylum.evaluate_policy(scenario, request.policy, keep_trajectories=False)
    api_median = next(
        i["median"] for i in body["results"][0]["indicators"] if i["indicator"] == "total_cost_eur"
    )
    assert api_median == outcome.indicators["total_cost_eur"].median()


def test_a_lever_changes_the_result(client: TestClient) -> None:
    """A bigger buffer changes emergency occupancy: the lever reaches the model."""
    small = post(client, "/api/whatif", {**SMALL, "policy": {**BUFFER_POLICY, "reception": {
        "rule": "fixed_buffer", "base_places": 20000, "buffer_places": 0}}})  # fmt: skip
    large = post(client, "/api/whatif", {**SMALL, "policy": BUFFER_POLICY})
    assert (
        small["results"][0]["fans"]["emergency_occupancy"]
        != large["results"][0]["fans"]["emergency_occupancy"]
    )


def test_ensemble_above_the_cap_is_a_clear_422(client: TestClient) -> None:
    """More runs than the cap is rejected with the reason, before anything runs."""
    response = client.post("/api/whatif", json={"runs": models.MAX_RUNS + 1})
    assert response.status_code == 422
    assert "less than or equal to 5000" in response.text


def test_horizon_above_the_cap_is_a_clear_422(client: TestClient) -> None:
    """A horizon beyond the cap is rejected with the allowed range."""
    response = client.post("/api/whatif", json={"end_year": 2060})
    assert response.status_code == 422
    last = models.bundled_scenario("default").scenario.start_year + models.MAX_HORIZON_YEARS - 1
    assert f"less than or equal to {last}" in response.text


def test_unknown_keys_and_bad_levers_are_422(client: TestClient) -> None:
    """The scenario models reject unknown keys and out-of-range levers with the key path."""
    unknown = client.post("/api/whatif", json={"policy": {**BUFFER_POLICY, "colour": "red"}})
    assert unknown.status_code == 422
    assert "colour" in unknown.text
    bad_term = client.post("/api/whatif", json={"policy": {**BUFFER_POLICY, "decision_term_months": 0}})
    assert bad_term.status_code == 422
    assert "decision_term_months" in bad_term.text


def test_no_file_path_is_accepted_as_scenario(client: TestClient) -> None:
    """A scenario is a bundled name only; a path is rejected, not read."""
    response = client.post("/api/whatif", json={"scenario": "/etc/passwd", "runs": 1})
    assert response.status_code == 422
    assert "unknown scenario" in response.text


def test_compare_scores_every_policy_on_the_same_futures(client: TestClient) -> None:
    """Comparing the scenario's policies gives one result per policy, in order."""
    body = post(client, "/api/compare", SMALL)
    assert [result["policy"]["name"] for result in body["results"]] == [
        "forecast-linked",
        "fixed base + iron buffer",
    ]


def test_compare_caps_the_number_of_policies(client: TestClient) -> None:
    """More policies than the cap is a 422."""
    policies = [{**BUFFER_POLICY, "name": f"p{i}"} for i in range(models.MAX_POLICIES + 1)]
    assert client.post("/api/compare", json={**SMALL, "policies": policies}).status_code == 422


def test_population_projection(client: TestClient) -> None:
    """A population variant answers with yearly medians and fans; more net migration, more people."""
    low = post(client, "/api/population/projection", {"end": 2035, "runs": 3, "net_migration": 0})
    high = post(client, "/api/population/projection", {"end": 2035, "runs": 3, "net_migration": 100000})
    assert [row["year"] for row in low["summary"]] == list(range(2025, 2036))
    assert high["summary"][-1]["population"] > low["summary"][-1]["population"]
    assert len(low["fans"]["population"]["years"]) == 11


def test_series_are_listed_and_shown_with_sources(client: TestClient) -> None:
    """Every series is listed; one is shown with its sources; an unknown id is a 404."""
    ids = [item["series_id"] for item in client.get("/api/series").json()]
    assert "coa.occupancy" in ids
    shown = client.get("/api/series/coa.occupancy").json()
    assert shown["info"]["sources"]
    assert all(value["source"] in shown["info"]["sources"] for value in shown["values"])
    assert client.get("/api/series/no.such").status_code == 404


def test_parameters_carry_a_reference_or_an_estimate(client: TestClient) -> None:
    """Each parameter row names a source with its date, or says it is an estimate."""
    rows = client.get("/api/parameters/asylum").json()
    assert rows
    assert all(row["source"] and (row["date"] or row["estimate"]) for row in rows)
    assert client.get("/api/parameters/other").status_code == 422


def test_overview_panels_name_their_sources(client: TestClient) -> None:
    """Every overview panel has data and at least one source: ``sources`` the English lines (series by
    id), ``citations`` the same sources as data."""
    panels = client.get("/api/overview").json()
    assert panels[0]["key"] == "immigration_by_motive"
    assert all(panel["sources"] and panel["series"] for panel in panels)
    for panel in panels:
        citations = [Citation.model_validate(item) for item in panel["citations"]]
        assert panel["sources"] == [citation.line() for citation in citations]
        heads = [f"{c.key} (" for c in citations if c.kind == "series"]
        assert all(any(line.startswith(head) for line in panel["sources"]) for head in heads)
        if panel["key"] != "immigration_by_motive":  # a stored panel cites each series it draws
            assert [c.key for c in citations] == [series["key"] for series in panel["series"]]


def test_backtest_reports_records_and_errors(client: TestClient) -> None:
    """The backtest lists modelled against observed values and a MAPE per variable."""
    body = client.get("/api/backtest").json()
    assert {record["year"] for record in body["records"]} == set(range(2014, 2026))
    assert body["mape_percent"]["coa_occupancy_end"] is not None
    counts = body["counts"]
    holders = [c for c in counts if c["series_id"] == "coa.status_holders_waiting"]
    assert len(holders) == 17 and {c["period"] for c in holders} >= {"2018-03", "2024-11", "2025"}
    errors = [
        0.0 if c["lower_bound"] and c["modelled"] >= c["observed"] else abs(c["modelled"] / c["observed"] - 1)
        for c in holders
        if 2014 <= c["year"] <= 2024
    ]
    assert body["counts_mape_percent"]["coa.status_holders_waiting"] == pytest.approx(
        100 * sum(errors) / len(errors)
    )


def test_explorations_list_and_unknown_id(client: TestClient) -> None:
    """The exploration list is a JSON list; an unknown exploration is a 404."""
    assert isinstance(client.get("/api/explorations").json(), list)
    assert client.get("/api/explorations/no-such-id").status_code == 404


def test_unexpected_errors_show_no_stack_trace(client: TestClient, monkeypatch: Any) -> None:
    """An internal failure answers 500 with a plain message: no traceback, no exception text."""

    def broken() -> list[Panel]:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(panels, "overview", broken)
    with TestClient(client.app, raise_server_exceptions=False, base_url="http://localhost") as quiet:
        response = quiet.get("/api/overview")
        page = quiet.get("/overview")
    assert response.status_code == 500
    assert response.json() == {"detail": "internal error; the server log has the details"}
    assert page.status_code == 500
    for text in (response.text, page.text):
        assert "Traceback" not in text
        assert "secret internal detail" not in text


def test_request_time_limit_answers_pending_then_the_result(monkeypatch: Any) -> None:
    """A simulation that outlives the time limit answers 202 (still computing, Retry-After); the
    same request sent again after it finished gets the result, without a second computation."""
    import threading

    from migratielab.api import Settings, create_app

    release = threading.Event()
    calls: list[int] = []
    real = service.what_if_batch

    def slow(requests: Sequence[models.WhatIfRequest]) -> list[models.SimulationResult | Exception]:
        calls.extend(request.runs for request in requests)
        release.wait(5)
        return real(requests)

    monkeypatch.setattr(routes, "WHAT_IF", dataclasses.replace(routes.WHAT_IF, function=slow))
    try:
        limited_app = create_app(Settings(simulation_processes=0, time_limit_seconds=0.2))
        with TestClient(limited_app, base_url="http://localhost") as limited:
            pending = limited.post("/api/whatif", json={"runs": 2, "end_year": 2026})
            release.set()
            done = limited.post("/api/whatif", json={"runs": 2, "end_year": 2026})
            for _ in range(100):
                if done.status_code != 202:
                    break
                time.sleep(0.2)
                done = limited.post("/api/whatif", json={"runs": 2, "end_year": 2026})
    finally:
        release.set()
    assert pending.status_code == 202
    assert pending.headers["Retry-After"].isdigit()
    assert "same request again" in pending.json()["detail"]
    assert done.status_code == 200
    assert done.json()["results"][0]["fans"]
    assert calls == [2]
