"""The migration-plan mode of the long-term page and of POST /api/population/plan."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from migratielab.models.population import INFLOWS
from migratielab.models.population.paths import plan_levels
from migratielab.scenario import load_scenario
from migratielab.service import web, web_models

PLAN = "/api/population/plan"
SMALL = {"end": 2035, "runs": 3}


def post(client: TestClient, body: dict[str, Any]) -> dict[str, Any]:
    """POST a plan request and return the decoded body of a 200 answer."""
    response = client.post(PLAN, json=body)
    assert response.status_code == 200, response.text
    payload: dict[str, Any] = response.json()
    return payload


def test_default_levels_are_the_example_plans_central_2025_levels() -> None:
    """The request defaults equal the central 2025 levels of scenarios/plan_example.yaml."""
    plan = load_scenario("scenarios/plan_example.yaml").population
    assert plan is not None
    example = plan_levels(plan, [2025])["central"][:, 0]
    central = dict(zip(INFLOWS, example, strict=True))
    defaults = web_models.PlanLevels()
    assert {c: getattr(defaults, c) for c in web_models.PLAN_CATEGORIES} == {
        c: central[c] for c in web_models.PLAN_CATEGORIES
    }
    assert defaults.asylum * web_models.asylum_family_per_asylum() == central["asylum_family"]


def test_plan_projection_has_medians_fans_and_the_variant(client: TestClient) -> None:
    """The answer holds yearly medians and fans of the plan, and the variant on the same demography."""
    result = post(client, SMALL)
    assert [record["year"] for record in result["summary"]] == list(range(2025, 2036))
    assert set(result["fans"]) == set(web.PLAN_FANS)
    fan = result["fans"]["population"]
    assert fan["years"][0] == 2025 and len(fan["quantiles"]["0.5"]) == 11
    assert fan["quantiles"]["0.05"][-1] <= fan["quantiles"]["0.5"][-1] <= fan["quantiles"]["0.95"][-1]
    assert result["variant"]["request"]["net_migration"] == 60000
    assert result["asylum_grants"] is None


def test_more_labour_migration_grows_the_labour_force(client: TestClient) -> None:
    """Raising labour migration raises the projected potential labour force (central levels, one run)."""
    low = post(client, {**SMALL, "runs": 1})
    high = post(client, {**SMALL, "runs": 1, "levels": {"labour_non_eu": 130000}})
    last = -1
    assert (
        high["summary"][last]["potential_labour_force"]
        > low["summary"][last]["potential_labour_force"] + 500_000
    )


def test_asylum_chain_supplies_the_asylum_numbers(client: TestClient) -> None:
    """With the checkbox the asylum chain's grants replace the asylum level (one per year)."""
    result = post(client, {**SMALL, "asylum_chain": True})
    assert result["asylum_grants"] is not None and len(result["asylum_grants"]) == 10
    assert all(value >= 0 for value in result["asylum_grants"])
    assert result["summary"] != post(client, SMALL)["summary"]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"runs": 201}, "less than or equal to 200"),
        ({"levels": {"study": -5}}, "greater than or equal to 0"),
        ({"levels": {"asylum_family": 1000}}, "Extra inputs are not permitted"),
        ({"end": 2200}, "less than or equal to 2100"),
        ({"start": 2025, "end": 2025}, "greater than or equal to 2026"),
        ({"asylum_chain": "yes"}, "valid boolean"),
    ],
)
def test_bad_plan_requests_are_422_with_the_reason(
    client: TestClient, body: dict[str, Any], reason: str
) -> None:
    """Caps, negative levels, unknown keys and wrong types are rejected with the reason."""
    response = client.post(PLAN, json=body)
    assert response.status_code == 422
    assert reason in response.text


def test_long_term_page_in_plan_mode(client: TestClient) -> None:
    """The page's plan mode shows the levels, the checkbox, four fans (plan next to variant) and a table."""
    html = client.get("/long-term?mode=plan&runs=2&end=2030&asylum=30000&asylum_chain=true").text
    assert 'name="labour_eu" value="45000"' in html and 'name="asylum" value="30000"' in html
    assert 'name="asylum_chain" value="true" checked' in html
    assert "Asielaantallen uit de asielketen" in html and "migratieplan" in html
    assert html.count('data-figure="') == 9 and "bevolking (constant saldo)" in html
    assert 'data-figure="pyramid"' in html and "Bevolkingspiramide 2025 en 2030: migratieplan" in html
    assert 'data-figure="arrivals"' in html and 'data-figure="asylum_grants"' in html
    english = client.get("/long-term?mode=plan&runs=2&end=2030&lang=en").text
    assert "Asylum numbers from the asylum chain" in english and "constant net migration" in english
    assert re.search(r'name="asylum_chain" value="true"(?! checked)[^>]*>', english)
    assert client.get("/long-term?mode=plan&runs=201").status_code == 422


def test_cumulative_nights_without_shelter_end_at_the_scorecard_indicator() -> None:
    """The chart's cumulative person-nights without shelter end, per run, at the scorecard's total;
    so the chart's 95th percentile at the end equals the indicator's 95th percentile."""
    from migratielab.service import web
    from migratielab.service.web_models import WhatIfRequest

    request = WhatIfRequest.model_validate(
        {"runs": 60, "end_year": 2027, "inflow": {"kind": "stochastic", "level_multiplier": 2.5}},
        strict=False,
    )
    result = web.what_if(request).results[0]
    total = next(v for v in result.indicators if v.indicator == "nights_without_shelter")
    fan = result.fans["nights_without_shelter_total"].quantiles
    assert fan["0.95"][-1] == pytest.approx(total.p95, rel=1e-6, abs=1e-3)
    high = [value for value in fan["0.95"] if value is not None]
    assert len(high) == len(fan["0.95"]) and high == sorted(high)


def test_annual_cost_is_the_sum_of_the_months_and_budgets_are_shown() -> None:
    """With one run, each year's cost (EUR million) is the sum of its monthly costs; the planned COA
    and IND budgets are drawn next to it, and applications get their observed monthly averages."""
    from migratielab.service import web
    from migratielab.service.web_models import WhatIfRequest

    result = web.what_if(WhatIfRequest.model_validate({"runs": 1, "end_year": 2026}, strict=False))
    fans = result.results[0].fans
    monthly = fans["cost_meur"].quantiles["0.5"]
    yearly = fans["cost_meur_year"].quantiles["0.5"]
    assert len(yearly) == 2
    assert yearly[0] == pytest.approx(sum(v for v in monthly[:12] if v is not None), rel=1e-3)
    assert result.observed["cost_meur_year"].values[0] > 1_000  # EUR million
    assert 0 < result.observed["applications"].values[-1] < 10_000  # persons per month


@pytest.mark.parametrize("mode", ["variant", "plan"])
def test_pyramid_has_both_sexes_and_adds_up_to_the_population(mode: str) -> None:
    """The pyramid's age groups of men and women add up to the mean population of the first and the
    last year over the runs; both sexes have people in every age group below 90."""
    from migratielab.service import population, web, web_models

    request = web_models.VariantRequest(runs=3, end=2045, net_migration=80_000.0)
    if mode == "variant":
        result = web.project(request)
        expected = population.project_variant(
            request.start, request.end, request.tfr, request.e0_female, request.e0_male,
            request.net_migration, request.runs, request.seed,
        )["population"]  # fmt: skip
        pyramid = result.pyramid
    else:
        plan = web_models.PlanRequest.model_validate({**request.model_dump(), "levels": {}})
        answer = web.project_migration_plan(plan)
        expected = population.project_plan(plan.plan())["population"]
        pyramid = answer.pyramid
    assert pyramid is not None
    assert [year.year for year in pyramid.years] == [request.start, request.end]
    assert pyramid.age_groups[0] == "0-4" and pyramid.age_groups[-1].endswith("+")
    for year, mean in zip(pyramid.years, expected.isel(year=[0, -1]).mean("run").to_numpy(), strict=True):
        assert len(year.male) == len(year.female) == len(pyramid.age_groups)
        assert sum(year.male) + sum(year.female) == pytest.approx(float(mean), rel=1e-6)
        assert min(year.male[:18]) > 0 and min(year.female[:18]) > 0
    assert pyramid.years[0].male != pyramid.years[1].male


def test_population_fans_keep_a_year_without_values_as_a_gap_without_warning() -> None:
    """A year in which no run has a value (a flow of the last year) has no fan, and no numpy warning."""
    import warnings

    import numpy as np
    import xarray as xr

    runs, years = 4, [2025, 2026, 2027]
    values = np.arange(runs * len(years), dtype=float).reshape(runs, len(years))
    gap = values.copy()
    gap[:, -1] = np.nan
    gap[0, 0] = np.nan  # one missing run is skipped, not a gap
    result = xr.Dataset(
        {name: (("run", "year"), gap if name == "net_migration" else values) for name in web.POPULATION_FANS},
        coords={"year": years},
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fans = web.projection_fans(result)
    assert all(row[-1] is None for row in fans["net_migration"].quantiles.values())
    assert fans["net_migration"].quantiles["0.5"][0] == float(np.median(values[1:, 0]))
    assert fans["population"].quantiles["0.5"] == [float(v) for v in np.median(values, axis=0)]
