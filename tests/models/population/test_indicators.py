"""Employment with and without the origin split (``models/population/indicators.py``)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from migratielab.models.population import indicators
from migratielab.models.population.projection import MOTIVES
from migratielab.service import web
from migratielab.service.web_models import PlanRequest


def test_plan_and_variant_start_with_the_same_employment() -> None:
    """In the first year both modes have the same population, labour force and employed persons."""
    result = web.project_migration_plan(PlanRequest.model_validate({"runs": 3, "end": 2030}, strict=False))
    plan, variant = result.summary[0], result.variant.summary[0]
    for name in ("population", "potential_labour_force", "employed"):
        assert plan[name] is not None and variant[name] is not None
        assert abs(plan[name] - variant[name]) <= 1e-9 * variant[name], name


@settings(max_examples=40, deadline=None)
@given(
    st.floats(0.05, 0.99),
    st.floats(0.0, 0.6),
    st.lists(st.floats(0.05, 1.0), min_size=len(MOTIVES), max_size=len(MOTIVES)),
)
def test_origin_rates_keep_each_group_total(
    rate: float, immigrant_share: float, relative: list[float]
) -> None:
    """Residents and immigrants together work as many as the whole group at the age-sex rate,
    with no resident rate above 1."""
    rates = np.full((2, 106), rate)
    population = np.full((2, 106), 1_000.0)
    immigrants = np.zeros((len(MOTIVES), 11, 2, 106))
    immigrants[:, 0] = population * immigrant_share / len(MOTIVES)
    factors = np.repeat(np.asarray(relative)[:, None], 11, axis=1)
    resident, immigrant = indicators.origin_rates(rates, factors, population, immigrants)
    residents = population - immigrants.sum(axis=(0, 1))
    working = residents * resident + np.einsum("mdsa,sa,md->sa", immigrants, immigrant, factors)
    np.testing.assert_allclose(working, population * rates, rtol=1e-9, atol=1e-9)
    assert resident.max() <= 1.0
