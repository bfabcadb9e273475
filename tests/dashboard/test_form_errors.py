"""Refused dashboard input as the visitor meets it: the same message in the page's language on the
live path (results fragments fetched by dashboard.js) as on the URL path, refusals of valid levers that
empty the population, unknown municipalities on the dashboard's error page."""

from __future__ import annotations

import re
import time

import pytest
from fastapi.testclient import TestClient
from httpx import Response

EXTREME = "net_migration=-200000&tfr=0.6&e0_female=70&e0_male=70&end=2100&runs=1"


def answered(client: TestClient, url: str) -> Response:
    """The answer once the computation is done (the dashboard answers 202 while it goes on)."""
    response = client.get(url)
    for _ in range(300):
        if response.status_code != 202:
            return response
        time.sleep(1)
        response = client.get(url)
    raise AssertionError(f"{url} still computing")


def intro(html: str) -> str:
    """The message of an error page."""
    match = re.search(r'<p class="intro">(.*?)</p>', html, re.S)
    assert match is not None
    return match.group(1)


@pytest.mark.parametrize("path", ["/whatif", "/compare"])
@pytest.mark.parametrize(
    ("lang", "message"),
    [("nl", "Niveau instroom (× lange-termijngemiddelde): ten minste 0,25"),
     ("en", "Inflow level (× long-run mean): at least 0.25")],
)  # fmt: skip
def test_live_refusal_is_the_url_paths_message_with_the_field(
    client: TestClient, path: str, lang: str, message: str
) -> None:
    """A results fragment refuses a bad lever with the page's message (label and limit in the page's
    language) and names the field to mark; the page at the same address says the same."""
    fragment = client.get(f"{path}/results?level=-5&lang={lang}")
    assert fragment.status_code == 422
    assert fragment.json() == {"detail": message, "fields": ["level"]}
    assert message in client.get(f"{path}?level=-5&lang={lang}").text


def test_the_api_keeps_its_structured_validation_errors(client: TestClient) -> None:
    """The JSON API's 422 stays FastAPI's list of errors with their locations."""
    response = client.post("/api/population/projection", json={"tfr": -1})
    assert response.status_code == 422
    assert [error["loc"][-1] for error in response.json()["detail"]] == ["tfr"]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_levers_that_empty_the_population_are_refused_in_the_pages_language(
    client: TestClient, lang: str
) -> None:
    """Every lever at its minimum: 422 on the page and the fragment, naming the levers in the page's
    language, without the model's English trace of run and age group."""
    opening = "Deze combinatie laat de bevolking" if lang == "nl" else "This combination drives"
    fragment = answered(client, f"/long-term/results?{EXTREME}&lang={lang}")
    assert fragment.status_code == 422
    assert fragment.json()["detail"].startswith(opening)
    page = answered(client, f"/long-term?{EXTREME}&lang={lang}")
    assert page.status_code == 422 and "<nav>" in page.text
    shown = intro(page.text)
    assert shown.startswith(opening) and "2100" in shown
    assert "would number" not in shown and "run 0" not in shown


def test_the_api_refuses_the_same_levers_with_422_and_the_reason(client: TestClient) -> None:
    body = {"end": 2100, "tfr": 0.6, "e0_female": 70, "e0_male": 70, "net_migration": -200_000, "runs": 1}
    response = client.post("/api/population/projection", json=body)
    for _ in range(300):
        if response.status_code != 202:
            break
        time.sleep(1)
        response = client.post("/api/population/projection", json=body)
    assert response.status_code == 422
    assert "population runs out" in response.json()["detail"]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_unknown_municipality_is_the_dashboards_404_page(client: TestClient, lang: str) -> None:
    """An unknown code: the error page with navigation in the page's language, and no suggestions
    by neighbouring code numbers (they are unrelated places)."""
    response = client.get(f"/municipalities/GM9999?lang={lang}")
    assert response.status_code == 404
    assert "<nav>" in response.text and 'id="lang-switch"' in response.text
    assert f'<html lang="{lang}"' in response.text
    assert "GM9999" in intro(response.text)
    assert not re.search(r"GM99\d\d|nearest", response.text.replace("GM9999", ""))


def test_a_misspelt_municipality_name_suggests_similar_names(client: TestClient) -> None:
    response = client.get("/municipalities/Amsterdm?lang=nl")
    assert response.status_code == 404
    links = re.findall(r'<li><a href="(/municipalities/GM\d{4}\?lang=nl)">([^<]*)</a></li>', response.text)
    assert links[0] == ("/municipalities/GM0363?lang=nl", "Amsterdam (GM0363)")
    assert "Bedoelde u:" in intro(response.text)


def test_long_term_missing_values_are_explained_for_the_population(client: TestClient) -> None:
    """The last year has no flows (the projection ends on 1 January): the note says so, in population
    words, not the asylum chain's "no decisions"."""
    html = answered(client, "/long-term?runs=1&end=2030").text
    assert "–" in html
    assert "geen beslissingen" not in html
    assert "1 januari 2030" in html and "migratiesaldo" in html
