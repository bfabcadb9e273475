"""The labour endpoints under /api."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_shortages_default_and_weighted(client: TestClient) -> None:
    default = client.get("/api/labour/shortages").json()
    assert len(default["occupations"]) == 114
    body = {"weights": {"uwv_tightness": 0, "roa_direction": 0, "openings_rate": 0}}
    weighted = client.post("/api/labour/shortages/weighted", json=body).json()
    assert weighted["weights"]["uwv_tightness"] == 0
    assert [o["code"] for o in weighted["occupations"]] != [o["code"] for o in default["occupations"]]


def test_bad_weights_are_422_naming_the_key(client: TestClient) -> None:
    response = client.post("/api/labour/shortages/weighted", json={"weights": {"uwv_tightnes": 1}})
    assert response.status_code == 422
    assert "uwv_tightness" in response.text


def test_channels_of_the_bundled_scenario(client: TestClient) -> None:
    data = client.get("/api/labour/channels").json()
    assert len(data["channels"]) == 7 and data["population_coupled"]
    assert client.get("/api/labour/channels?scenario=nope").status_code == 404
