"""The labour page: ranked list, evidence with sources, weight form without JavaScript, channels."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def ranked_codes(html: str) -> list[str]:
    """BRC codes in the order of the shortage table."""
    body = html.split('id="shortages"', 1)[1].split("</table>\n<h2>", 1)[0]
    return re.findall(r'<td class="value">\d+</td><td>(\d{4})</td>', body)


def test_labour_page_lists_all_groups_with_evidence_and_channels(client: TestClient) -> None:
    html = client.get("/labour").text
    assert len(ranked_codes(html)) == 114
    assert html.count("<details>") == 114
    assert "UWV spanningsindicator 2026Q1" in html and "CBS 85517NED" in html
    assert "Kennismigranten" in html and "Onvervuld tot 2030" in html
    english = client.get("/labour?lang=en").text
    assert "Knowledge migrants" in english and "case for labour migration" in english


def test_dutch_numbers_use_dutch_separators(client: TestClient) -> None:
    html = client.get("/labour").text
    assert re.search(r"\d\.\d{3}", html)  # thousands with a dot
    assert re.search(r"\d+%", html)


def test_form_weights_change_the_ranking_without_javascript(client: TestClient) -> None:
    default = ranked_codes(client.get("/labour").text)
    fields = "w_uwv_tightness=0&w_roa_direction=0&w_openings_rate=0&w_sector_vacancy_rate=0&w_wage_growth=0"
    future = ranked_codes(client.get(f"/labour?{fields}").text)
    assert default != future
    assert 'name="w_uwv_tightness" value="0"' in client.get(f"/labour?{fields}").text


def test_bad_form_weight_gives_422_with_a_clear_message(client: TestClient) -> None:
    response = client.get("/labour?w_uwv_tightness=-2")
    assert response.status_code == 422
    assert "at least 0" in response.text
    assert "Traceback" not in response.text


def test_form_fields_show_dutch_decimals_and_accept_both_languages(client: TestClient) -> None:
    page = client.get("/labour", params={"lang": "nl"}).text
    assert 'value="0,829"' in page and 'value="0,5"' in page  # threshold ITKB and cut-off, Dutch
    assert 'value="0.829"' in client.get("/labour", params={"lang": "en"}).text
    dutch = client.get("/labour", params={"lang": "nl", "cutoff": "0,9"})
    english = client.get("/labour", params={"lang": "nl", "cutoff": "0.9"})
    assert dutch.status_code == english.status_code == 200
    assert 'value="0,9"' in dutch.text and 'value="0,9"' in english.text
    assert dutch.text.count("verdict-not_in_shortage") > page.count("verdict-not_in_shortage")


def test_data_page_lists_labour_parameters_and_tables(client: TestClient) -> None:
    page = client.get("/data", params={"lang": "en"}).text
    assert (
        "Tables of the labour pillar" in page and "occupations.csv" in page and "uwv_tightness_2026q1" in page
    )
    assert "threshold_uwv_tightness" in page and "collective_goods_share" in page
