"""The Spreidingswet key: places add up to provincial and national targets; published totals reproduced."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from migratielab.models.municipal import spreiding
from migratielab.models.municipal.data import municipalities, provincial_targets, published_points


@settings(max_examples=30, deadline=None)
@given(national=st.integers(0, 250_000))
def test_places_add_up_to_provinces_and_the_nation(national: int) -> None:
    towns, targets = municipalities(), provincial_targets()
    provinces, places = spreiding.places(national, towns, targets)
    assert provinces.sum() == national and places.sum() == national
    assert np.all(places >= 0) and np.all(places == np.round(places))
    for p, code in enumerate(targets.codes):
        assert places[towns.province_codes == code].sum() == provinces[p]


def test_the_published_provincial_totals_are_reproduced() -> None:
    towns, targets = municipalities(), provincial_targets()
    provinces, _places = spreiding.places(targets.places.sum(), towns, targets)
    np.testing.assert_array_equal(provinces, targets.places)


def test_the_key_follows_population_corrected_by_ses() -> None:
    """Within a province, places per inhabitant rise with the (estimated) SES score."""
    towns, targets = municipalities(), provincial_targets()
    key = spreiding.key(towns, targets)
    per_inhabitant = key.weights / towns.population
    np.testing.assert_allclose(
        per_inhabitant / per_inhabitant.mean(), (1 + key.ses_estimate) / (1 + key.ses_estimate).mean()
    )
    assert abs(np.average(key.ses_estimate, weights=towns.population)) < 1e-9


def test_published_municipal_numbers_are_matched_within_a_quarter() -> None:
    """A check against the five published numbers (the proxies' two coefficients are fitted on them)."""
    towns, targets = municipalities(), provincial_targets()
    _, places = spreiding.places(96_000, towns, targets)
    points = published_points()
    index = np.searchsorted(towns.codes, points["gemeentecode"].to_numpy(dtype=str))
    ratio = places[index] / points["indicative_places"].to_numpy(dtype=float)
    assert np.all(np.abs(ratio - 1) < 0.25), dict(zip(points["gemeentenaam"], ratio.round(2), strict=True))


def test_small_locations_mean_more_locations_and_higher_cost() -> None:
    places = np.array([0.0, 150.0, 1_200.0])
    sizes, cost = (150.0, 600.0), 30_400.0
    large = spreiding.locations(places, np.zeros(3), sizes, cost, 0.2)
    small = spreiding.locations(places, np.ones(3), sizes, cost, 0.2)
    np.testing.assert_allclose(large.small_places + large.large_places, places)
    assert np.all(small.locations >= large.locations) and small.locations.sum() > large.locations.sum()
    assert small.cost_per_year.sum() > large.cost_per_year.sum()
