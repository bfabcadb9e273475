"""The labour page: ranked list, evidence with sources, weight form without JavaScript, channels."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from migratielab.models.variables import Language, indicator
from migratielab.presentation.catalogue import Translator
from migratielab.service import labour as labour_service
from tests.dashboard.test_dashboard import embedded_figures


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


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_labour_page_charts_carry_the_services_numbers_with_titles_in_the_language(
    client: TestClient, lang: Language
) -> None:
    """Tightness against the 2030 bottleneck for every group with both values (coloured by verdict), the
    largest shortages with what migration fills, and the channels' fiscal contribution: titles in the
    page's language, points and bars equal to the service's numbers."""
    html = client.get("/labour", params={"lang": lang}).text
    figures = embedded_figures(html)
    assert set(figures) == {"tightness", "coverage", "fiscal"}
    t = Translator(lang)
    shortages, comparison = labour_service.shortage_list(), labour_service.bundled_channel_comparison()
    points = figures["tightness"]["data"]
    assert isinstance(points, list)
    plotted = {(x, y) for trace in points for x, y in zip(trace["x"], trace["y"], strict=True)}
    expected = {
        (row.value, other.value)
        for o in shortages.occupations
        for row in o.indicators
        for other in o.indicators
        if row.name == "uwv_tightness" and other.name == "future_bottleneck"
        if row.value is not None and other.value is not None
    }
    assert plotted == expected and len(expected) < len(shortages.occupations)
    assert {trace["name"] for trace in points} <= {t(f"verdict_{v}") for v in shortages.counts()}
    year = min(comparison.levers.unfilled_total)
    rows = [row for row in comparison.coverage if row.year == year]
    bars = figures["coverage"]["data"]
    assert isinstance(bars, list)
    assert bars[0]["name"] == t("labour_chart_closed_by_plan") and bars[-1]["name"] == t("labour_chart_gap")
    assert bars[0]["x"] == [row.closed_by_plan for row in rows[: len(bars[0]["x"])]]
    assert bars[-1]["x"] == [row.unfilled for row in rows[: len(bars[-1]["x"])]]
    assert bars[-1]["x"] == sorted(bars[-1]["x"], reverse=True)  # ranked, the largest gap first
    for key, title in (
        ("tightness", "labour_chart_tightness_title"),
        ("coverage", "labour_chart_coverage_title"),
    ):
        text = figures[key]["layout"]["title"]["text"]  # type: ignore[index]
        assert text.replace("<br>", " ") == t(title, year=year)
    rest = len(rows) - len(bars[0]["x"])
    assert t("labour_chart_rest", count=rest, year=year, unfilled="", closed_by_plan="", closed_by_levers="",
             remaining="").split(":")[0] in html  # fmt: skip


def test_coverage_parts_add_up_to_the_gap_in_every_run() -> None:
    """What the plan fills, what the levers fill and what remains add up to each group's gap in every run,
    so their medians come within 15% of the gap's median; the plan never fills more than the gap."""
    comparison = labour_service.bundled_channel_comparison()
    for row in comparison.coverage:
        parts = row.closed_by_plan + row.closed_by_levers + row.remaining
        assert 0 <= row.closed_by_plan <= row.unfilled + 1e-9
        assert abs(parts - row.unfilled) <= 0.15 * row.unfilled


def test_the_labour_page_has_no_english_chart_words_in_dutch(client: TestClient) -> None:
    """The Dutch page's chart titles, legends and axes are Dutch; the sources of the tables are listed."""
    figures = embedded_figures(client.get("/labour").text)
    words = json.dumps(figures)
    for english in ("filled by", "remains unfilled", "Tightness now", "case for labour migration"):
        assert english not in words
    assert "UWV" in client.get("/labour").text.split('class="sources"', 1)[1]
