"""The labour page: ranked list, evidence with sources, weight form without JavaScript, channels."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from migratielab.models.variables import indicator


def ranked_codes(html: str) -> list[str]:
    """BRC codes in the order of the shortage table."""
    body = html.split('id="shortages"', 1)[1].split("</table>\n<h2>", 1)[0]
    return re.findall(r'<td class="value">\d+</td><td>(\d{4})</td>', body)


def test_labour_page_lists_all_groups_with_evidence_and_channels(client: TestClient) -> None:
    html = client.get("/labour").text
    assert len(ranked_codes(html)) == 114
    assert html.count("<details>") == 114
    assert "UWV spanningsindicator 2026Q1" in html and "CBS 85517NED" in html
    assert "Kennismigranten" in html and "Onvervuld 2025-2030 (schatting)" in html
    english = client.get("/labour?lang=en").text
    assert "Knowledge migrants" in english and "case for labour migration" in english


def test_dutch_numbers_use_dutch_separators(client: TestClient) -> None:
    html = client.get("/labour").text
    assert re.search(r"\d\.\d{3}", html)  # thousands with a dot
    assert re.search(r"\d+%", html)


def channel_section(html: str) -> str:
    """The channel tables of the page."""
    return html.split('<div id="channels">', 1)[1].split("</div>", 1)[0]


def test_channel_columns_use_registry_labels_units_and_dutch_numbers(client: TestClient) -> None:
    """The channel columns are registry labels with their shown unit; the fiscal figures are in the
    registry's display unit (thousand euro per arrival), Dutch-formatted on the Dutch page."""
    cost, fiscal = indicator("labour", "integration_cost"), indicator("labour", "fiscal_30")
    dutch = channel_section(client.get("/labour").text)
    assert f"<th>{cost.label('nl')} ({cost.shown_unit.label('nl')})</th>" in dutch
    assert "<th>Integratiekosten (euro per persoon)</th>" in dutch
    assert f"<th>{fiscal.label('nl')}</th>" in dutch and fiscal.shown_unit.label("nl") in dutch
    assert "duizend euro per aankomst (prijzen 2016)" in dutch
    assert '<td class="value">40.000</td>' in dutch  # plan per year: thousands with a dot
    assert re.search(r'<td class="value">\d+,\d+</td>', dutch)  # dwellings per person: decimal comma
    fiscal_table = dutch.split(fiscal.shown_unit.label("nl"), 1)[1]
    cells = re.findall(r'<td class="value">([^<]+)</td>', fiscal_table)
    assert cells and all(re.fullmatch(r"-?[\d,]+ \[-?[\d,]+ – -?[\d,]+\]", cell) for cell in cells)
    assert not any(re.search(r"\d\.\d{3}", cell) for cell in cells)  # thousands, not full euros
    english = channel_section(client.get("/labour?lang=en").text)
    assert "<th>Integration cost (euro per person)</th>" in english
    assert f"<th>{fiscal.label('en')}</th>" in english and "thousand euro per arrival" in english
    assert '<td class="value">40,000</td>' in english
    assert cost.label("nl") not in english


def test_shortage_columns_use_registry_labels(client: TestClient) -> None:
    dutch, english = client.get("/labour").text, client.get("/labour?lang=en").text
    for name in ("shortage_score", "unfilled_2030", "wage_ratio"):
        entry = indicator("labour", name)
        assert f"<th>{entry.label('nl')}" in dutch and f"<th>{entry.label('en')}" in english


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
