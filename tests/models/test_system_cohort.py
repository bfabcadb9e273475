"""A plan year's labour arrivals followed through the population pillar (``follow_plan_cohort``)."""

from __future__ import annotations

import numpy as np

from migratielab.models.labour import channels as ch
from migratielab.models.population.data import load_base_data
from migratielab.models.population.paths import plan_builder
from migratielab.models.population.projection import INFLOWS, MOTIVES
from migratielab.models.population.simulate import prepare, start_state, year_inputs
from migratielab.models.population.simulate import step as population_step
from migratielab.models.system import follow_plan_cohort
from migratielab.params import default_parameters
from migratielab.scenario import MigrationPlan

LABOUR, POPULATION = default_parameters("labour"), default_parameters("population")
START, YEARS = 2025, 11
LEVELS = {"labour_eu": 50000.0, "study": 30000.0, "labour_non_eu": 20000.0}


def population_pillar_slices() -> dict[str, np.ndarray]:
    """The population pillar's own projection of a plan: the first year's arrivals of each motive,
    read as the stock at duration k on 1 January of START + k + 1 (persons, k = 0..9)."""
    levels = {name: LEVELS.get(name, 0.0) for name in INFLOWS}
    plan = MigrationPlan.model_validate(
        {
            "inflows": {
                name: [{"from": START, "central": v, "low": v, "high": v}] for name, v in levels.items()
            }
        }
    )
    paths = plan_builder(plan, START, START + YEARS, POPULATION, sample=False)(np.zeros((1, 20)))
    projection = prepare(paths, POPULATION, load_base_data())
    state = start_state(projection, load_base_data())
    slices = {name: np.zeros(YEARS - 1) for name in LEVELS}
    for k in range(YEARS - 1):
        state, _ = population_step(state, projection, year_inputs(projection, k), k)
        for name in LEVELS:
            slices[name][k] = state.immigrants[0, MOTIVES.index(name), k].sum()
    return slices


def test_the_followed_cohort_is_the_population_pillars_own_arrival_year() -> None:
    """All ages: the share present equals the pillar's stock of that arrival year over its arrivals."""
    present, _ = follow_plan_cohort(LABOUR, POPULATION, START, YEARS, ages=(0, 105))
    slices = population_pillar_slices()
    for channel, name in (("labour_eu", "labour_eu"), ("study", "study"), ("knowledge", "labour_non_eu")):
        followed = present[ch.CHANNELS.index(channel), 1:]
        np.testing.assert_allclose(followed, slices[name] / LEVELS[name], rtol=1e-9)


def test_cohort_shrinks_ages_and_the_partnership_keeps_its_own_hazards() -> None:
    present, below = follow_plan_cohort(LABOUR, POPULATION, START, 50)
    assert (present[:, 0] == 1).all() and (np.diff(present, axis=1) <= 0).all()
    assert (below[:, :10] > 0.95).all()  # arrivals aged 18-64: few at the pension age soon
    assert (below[:, 49] < below[:, 20]).all()  # the cohort reaches the (rising) pension age
    knowledge, partnership = ch.CHANNELS.index("knowledge"), ch.CHANNELS.index("partnership")
    assert not np.allclose(present[knowledge], present[partnership])


def test_fiscal_sums_still_reproduce_their_sources_with_the_followed_cohort() -> None:
    years = int(LABOUR.scalar("fiscal_horizon_years"))
    cohort = ch.Cohort(*follow_plan_cohort(LABOUR, POPULATION, START, years))
    employment = ch.employment_curves(LABOUR, POPULATION, years)[None]
    pv = ch.present_values(LABOUR, POPULATION, employment, ch.FiscalDraws.central(LABOUR), cohort)[0, :, -1]
    source = POPULATION.vector("fiscal_net_contribution")
    for motive, channel in enumerate(LABOUR.vector("fiscal_reference_channel").astype(int)):
        assert abs(pv[channel] - source[motive]) < 1e-6 * abs(source[motive])
    hazards_only = ch.present_values(LABOUR, POPULATION, employment, ch.FiscalDraws.central(LABOUR))[0, :, -1]
    assert not np.allclose(pv, hazards_only)  # deaths and ageing change the non-reference channels
