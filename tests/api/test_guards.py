"""Hostile and careless requests: Host allow-list, body cap, NaN literals, infeasible projections."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from migratielab.api.guards import host_name
from migratielab.limits import NET_MIGRATION


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("localhost:8000", "localhost"),
        ("[::1]:8000", "::1"),
        ("127.0.0.1", "127.0.0.1"),
        ("Evil.Example.", "evil.example"),
    ],
)
def test_host_name_strips_port_brackets_and_case(header: str, expected: str) -> None:
    """The host part of a Host header, as compared with the allow-list."""
    assert host_name(header) == expected


def test_a_foreign_host_header_is_refused(client: TestClient) -> None:
    """A DNS-rebinding request (a foreign name resolving to the loopback server) gets 400, not data."""
    response = client.get("/api/health", headers={"host": "attacker.example"})
    assert response.status_code == 400
    assert "Host" in response.json()["detail"]
    assert client.get("/api/health", headers={"host": "[::1]:8000"}).status_code == 200


def test_a_large_body_is_refused_without_echo(client: TestClient) -> None:
    """A body over the cap is answered 413 before the app reads it; the answer does not echo it."""
    body = b'{"runs": 1, "padding": "' + b"x" * 2_000_000 + b'"}'
    response = client.post("/api/whatif", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert len(response.content) < 1000


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_json_literals_are_a_422(client: TestClient, literal: str) -> None:
    """``NaN`` in a JSON body is refused with 422 (the answer itself stays valid JSON)."""
    body = f'{{"tfr": {literal}, "end": 2030, "runs": 1}}'
    response = client.post(
        "/api/population/projection", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert json.loads(response.text)["detail"][0]["loc"][-1] == "tfr"


def test_a_population_that_runs_out_is_a_422_naming_the_inputs(client: TestClient) -> None:
    """Net migration at the lower limit over a long horizon empties age groups: 422, not 500."""
    request = {"start": 2020, "end": 2100, "net_migration": NET_MIGRATION.low, "runs": 1}
    response = client.post("/api/population/projection", json=request)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "population runs out" in detail and "net migration" in detail
    plan = client.post("/api/population/plan", json={**request, "levels": {"labour_eu": 0}})
    assert plan.status_code in (200, 422)


def test_the_next_request_after_a_refusal_is_answered(client: TestClient) -> None:
    """A refused request leaves the connection usable."""
    client.post(
        "/api/population/projection", content=b'{"tfr": NaN}', headers={"content-type": "application/json"}
    )
    assert client.get("/api/health").status_code == 200
