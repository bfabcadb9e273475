"""The municipal pages as a reader meets them: figures that say which period they cover and add up to
the national figures, a peers' median where one exists, a visible row order, a map scale over the
values shown, each unit once, Dutch words and numbers on Dutch pages."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from migratielab.presentation import municipal as faces
from migratielab.presentation.catalogue import text
from migratielab.presentation.formatting import MISSING, format_value, unit_label
from migratielab.service import municipal
from tests.dashboard.test_language import (
    ENGLISH_DECIMAL,
    ENGLISH_THOUSANDS,
    chart_texts,
    english_words,
    visible_text,
)


@pytest.fixture(scope="module")
def small_run() -> municipal.MunicipalRun:
    return municipal.run(municipal.default_scenario(runs=3, end_year=2027))


@pytest.fixture()
def small_default(small_run: municipal.MunicipalRun, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The dashboard's default run replaced by the small run (the pages read it through the service)."""
    monkeypatch.setattr(municipal, "default_run", lambda runs=municipal.DEFAULT_RUNS: small_run)
    yield


def table_column(html: str, table: str, column: int) -> list[str]:
    """The texts of one column of a table on the page (HTML tags left out)."""
    body = html.split(f'id="{table}"', 1)[1].split("</table>", 1)[0].split("<tbody>", 1)[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [
        re.sub(r"<[^>]+>", "", re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[column]).strip() for row in rows
    ]


def test_the_csv_adds_up_to_the_national_figures_per_year(
    small_default: None, small_run: municipal.MunicipalRun, client: TestClient
) -> None:
    response = client.get("/municipalities.csv")
    assert "per_year_2025-2027" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    national = small_run.dataset
    for name in ("task", "housed", "obliged_started"):
        per_year = float(national[f"total_{name}"].mean(["run", "year"]))
        shown = sum(float(row[name]) for row in rows if row[name])
        hidden = sum(1 for row in rows if not row[name])
        # rounded to 5 per municipality, small (< 10) cells left out: within that of the national figure
        assert abs(shown - per_year) <= 2.5 * len(rows) + 10 * hidden, name


def test_the_list_shows_peers_sorted_by_value_with_its_period(
    small_default: None, client: TestClient
) -> None:
    html = client.get("/municipalities?lang=nl").text
    assert text("municipal_period.per_year", "nl", start=2025, end=2027) in html
    assert text("municipal_sorted.value", "nl") in html
    peers = table_column(html, "municipal-table", 5)
    assert sum(cell != MISSING for cell in peers) > len(peers) / 2  # the default indicator has peers
    values = [
        float(v.replace(".", "").replace(",", "."))
        for v in table_column(html, "municipal-table", 4)
        if re.fullmatch(r"[\d.,]+", v)
    ]
    assert values == sorted(values, reverse=True) and len(values) > 100


def test_sorting_by_name_and_no_empty_peer_column(small_default: None, client: TestClient) -> None:
    html = client.get("/municipalities?lang=en&indicator=reception_locations&sort=name").text
    names = table_column(html, "municipal-table", 0)
    assert names == sorted(names, key=str.lower)
    assert text("municipal_peers", "en") not in html  # no median for this indicator: no column of dashes


def test_the_map_scale_spans_the_values_shown_and_states_them(
    small_default: None, client: TestClient
) -> None:
    shown, _ = municipal.protected_frame(municipal.raw_frame(municipal.default_run()))
    values = shown["housed_per_1000"].dropna()
    html = client.get("/municipalities?lang=en&indicator=housed_per_1000").text
    low = re.search(r'"zmin":\s*([-\d.e]+)', html)
    high = re.search(r'"zmax":\s*([-\d.e]+)', html)
    assert low and high and float(low.group(1)) == pytest.approx(values.min())
    assert float(high.group(1)) == pytest.approx(values.max()) and values.min() > 0  # not from 0
    lightest, darkest = (faces.per_1000_text(v, "en") for v in (values.min(), values.max()))
    assert f"lightest {lightest}, darkest {darkest}" in html


def test_every_unit_is_shown_once(small_default: None, client: TestClient) -> None:
    for lang in ("nl", "en"):
        for path in ("/municipalities?indicator=housed_per_1000", "/municipalities/GM0014?x=1"):
            html = client.get(f"{path}&lang={lang}").text
            for name in municipal.MONITOR_COLUMNS:
                unit = unit_label(municipal.variable_of(name), lang)
                assert f"{unit} ({unit})" not in html, (path, unit)
        assert faces.heading("housed_per_1000", lang) == municipal.variable_of("housed_per_1000").label(lang)


def test_a_municipality_names_the_period_of_every_figure(small_default: None, client: TestClient) -> None:
    html = client.get("/municipalities/GM0014?lang=nl").text
    periods = table_column(html, "municipality-table", 1)
    assert len(periods) == len(municipal.MONITOR_COLUMNS) and all(periods)
    assert text("municipal_period.end", "nl", start=2025, end=2027) in periods  # the backlog
    assert text("municipal_period.national", "nl", start=2025, end=2027) in periods  # months to pass


@pytest.mark.parametrize(
    "path", ["/municipalities", "/municipalities?indicator=task", "/municipalities/GM0014"]
)
def test_dutch_municipal_pages_speak_dutch(small_default: None, client: TestClient, path: str) -> None:
    html = client.get(path).text
    words = (visible_text(html) + " " + chart_texts(html)).replace("CC BY 4.0", "")  # a licence
    assert not english_words(words), sorted(english_words(words))
    for pattern in (ENGLISH_THOUSANDS, ENGLISH_DECIMAL):
        assert not pattern.search(words), pattern.search(words)


def test_the_list_names_the_national_figure_of_every_year(
    small_default: None, small_run: municipal.MunicipalRun, client: TestClient
) -> None:
    html = client.get("/municipalities?lang=nl&indicator=task").text
    per_year = small_run.dataset["total_task"].mean("run")
    variable = municipal.variable_of("task")
    for year in (2025, 2027):
        assert f"{year}: {format_value(float(per_year.sel(year=year)), variable, 'nl')}" in html
    no_total = client.get("/municipalities?lang=nl&indicator=pass_rate").text
    assert 'id="national"' not in no_total


def test_a_municipality_shows_one_figure_per_1000_one_way(small_default: None, client: TestClient) -> None:
    html = client.get("/municipalities/GM0935?lang=nl").text
    names = list(municipal.MONITOR_COLUMNS)
    values, per_1000 = (
        table_column(html, "municipality-table", 2),
        table_column(html, "municipality-table", 3),
    )
    assert values[names.index("housed_per_1000")] == per_1000[names.index("housed")]  # the same quantity
    figures = [cell for cell in per_1000 if cell and cell not in faces.MARKS.values()]
    assert figures and all(re.fullmatch(r"-?\d+,\d{2}", cell) for cell in figures)  # one rule: 2 decimals


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_size_classes_urbanity_and_the_pass_rate_are_explained(
    small_default: None, client: TestClient, lang: str
) -> None:
    page = re.sub(r"<[^>]+>", " ", client.get(f"/municipalities/GM0935?lang={lang}").text)
    listing = re.sub(r"<[^>]+>", " ", client.get(f"/municipalities?lang={lang}&indicator=pass_rate").text)
    assert "100k" not in page + listing and "20k" not in listing
    bound = "100.000 inw." if lang == "nl" else "100,000 inhabitants"
    assert bound in page and bound in listing
    urban = "zeer sterk stedelijk" if lang == "nl" else "very strongly urban"
    density = "2.500" if lang == "nl" else "2,500"
    assert f"1 ({urban})" in page and density in page
    lag = "instroomgroep" if lang == "nl" else "intake cohort"
    assert lag in page and lag in listing
