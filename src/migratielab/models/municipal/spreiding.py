"""The Spreidingswet: a national reception target spread over provinces and municipalities by the legal key.

The rule (Wet gemeentelijke taak mogelijk maken asielopvangvoorzieningen, key of Stcrt. 2024-3320 as
described by the ministry and Binnenlands Bestuur): a municipality's share is its share of the national
population, corrected by its CBS socio-economic status score SES-WOA (below average: fewer places);
municipal numbers add up to the provincial target. The form used here is
``weight_i = population_i x (1 + SES_i)``, shares rescaled to the total (a hypothesis consistent with
the published Amsterdam number: SES-WOA -0.100 and 4,479 places = 0.90 x its population share).

Inputs: population per municipality (CBS, sourced) and the published provincial totals (sourced, M).
The SES-WOA score per municipality is NOT bundled (not found): it is estimated as a provincial level
(the level that reproduces the published provincial total, i.e. calibrated) plus a within-province
deviation from two sourced proxies (household size and the share of non-European origin), whose two
coefficients are fitted to the five published municipal numbers. All counts in places.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from migratielab.models.municipal.data import Municipalities, ProvincialTargets, published_points

MIN_WEIGHT_FACTOR = 0.2
"""Lowest ``1 + SES`` allowed, so that no municipality gets a negative or zero share."""


def largest_remainder(total: float, weights: np.ndarray) -> np.ndarray:
    """Whole numbers proportional to ``weights`` (last axis) that add up exactly to ``total``.

    ``total`` must be a whole number; leading axes are independent groups sharing the same total.
    """
    exact = total * weights / weights.sum(axis=-1, keepdims=True)
    whole = np.floor(exact)
    short = np.rint(total - whole.sum(axis=-1)).astype(int)
    order = np.argsort(-(exact - whole), axis=-1, kind="stable")
    ranks = np.argsort(order, axis=-1, kind="stable")
    return whole + (ranks < np.expand_dims(short, -1))


def _group_means(values: np.ndarray, weights: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Weighted mean of ``values`` within each group, returned per element."""
    codes, index = np.unique(groups, return_inverse=True)
    sums = np.bincount(index, weights=values * weights, minlength=codes.size)
    totals = np.bincount(index, weights=weights, minlength=codes.size)
    return (sums / totals)[index]


def proxies(towns: Municipalities) -> np.ndarray:
    """Within-province deviations of the two SES proxies (M, 2): household size and non-European share.

    Each is centred on its population-weighted provincial mean and scaled by its national sd.
    """
    raw = np.stack([towns.population / towns.households, towns.share_non_european], axis=1)
    centred = raw - np.stack(
        [_group_means(raw[:, k], towns.population, towns.province_codes) for k in range(2)], axis=1
    )
    return centred / raw.std(axis=0)


def provincial_factors(towns: Municipalities, targets: ProvincialTargets) -> np.ndarray:
    """Per municipality, its province's target relative to its population share (the SES level + 1)."""
    target_share = targets.places / targets.places.sum()
    population = np.array([towns.population[towns.province_codes == c].sum() for c in targets.codes])
    factor = target_share / (population / population.sum())
    return factor[np.searchsorted(targets.codes, towns.province_codes)]


def _weights(towns: Municipalities, factor: np.ndarray, coefficients: np.ndarray) -> np.ndarray:
    """``population x max(1 + SES, MIN_WEIGHT_FACTOR)`` with SES = provincial level + proxy deviation."""
    return towns.population * np.maximum(factor + proxies(towns) @ coefficients, MIN_WEIGHT_FACTOR)


def fit_coefficients(towns: Municipalities, targets: ProvincialTargets) -> np.ndarray:
    """Least-squares coefficients of the proxies that best reproduce the published municipal numbers."""
    points = published_points()
    index = np.searchsorted(towns.codes, points["gemeentecode"].to_numpy(dtype=str))
    factor = provincial_factors(towns, targets)
    share = towns.population[index] / towns.population.sum()
    wanted = points["indicative_places"].to_numpy(dtype=float) / (share * targets.places.sum())
    coefficients, *_ = np.linalg.lstsq(proxies(towns)[index], wanted - factor[index], rcond=None)
    return np.asarray(coefficients, dtype=float)


@dataclass(frozen=True)
class Key:
    """The Spreidingswet key: a weight per municipality and the provincial totals it reproduces."""

    weights: np.ndarray  # (M,) population x (1 + SES estimate)
    ses_estimate: np.ndarray  # (M,) implied SES-WOA (estimate, national population-weighted mean 0)
    province_shares: np.ndarray  # (12,) share of the national target per province (published)


def key(towns: Municipalities, targets: ProvincialTargets) -> Key:
    """The key from population, published provincial totals and the estimated SES deviations."""
    weights = _weights(towns, provincial_factors(towns, targets), fit_coefficients(towns, targets))
    in_province = np.searchsorted(targets.codes, towns.province_codes)
    totals = np.bincount(in_province, weights=weights, minlength=targets.codes.size)
    shares = targets.places / targets.places.sum()
    scaled = weights * (shares / totals)[in_province]  # each province exactly its published share
    return Key(
        weights=scaled,
        ses_estimate=scaled / towns.population_share - 1.0,
        province_shares=shares,
    )


def places(
    national: float, towns: Municipalities, targets: ProvincialTargets
) -> tuple[np.ndarray, np.ndarray]:
    """Whole places per province (12,) and per municipality (M,) for a national target (places).

    The national target goes to provinces by their published shares, then within each province to
    municipalities by the key; both steps by largest remainder, so all totals add up exactly.
    """
    spread = key(towns, targets)
    provinces = largest_remainder(float(round(national)), spread.province_shares)
    in_province = np.searchsorted(targets.codes, towns.province_codes)
    municipal = np.zeros(towns.size)
    for p in range(targets.codes.size):  # twelve provinces, not municipalities
        members = in_province == p
        municipal[members] = largest_remainder(provinces[p], spread.weights[members])
    return provinces, municipal


@dataclass(frozen=True)
class Locations:
    """What a choice of location size means per municipality: places, locations and cost per year."""

    small_places: np.ndarray  # (M,) places in small locations
    large_places: np.ndarray  # (M,) places in large locations
    locations: np.ndarray  # (M,) locations (fractional: large locations may be shared between municipalities)
    cost_per_year: np.ndarray  # (M,) EUR per year at full occupancy


def locations(
    places_per_municipality: np.ndarray,
    share_small: np.ndarray,
    sizes: tuple[float, float],
    cost_large: float,
    small_premium: float,
) -> Locations:
    """Split places into small and large locations (``share_small`` per municipality, 0..1).

    ``sizes`` = (places per small location, places per large location); a small location costs
    ``small_premium`` more per place than a large one (``cost_large``, EUR per place per year).
    """
    small = places_per_municipality * share_small
    large = places_per_municipality - small
    return Locations(
        small_places=small,
        large_places=large,
        locations=np.ceil(small / sizes[0]) + large / sizes[1],
        cost_per_year=cost_large * (large + small * (1.0 + small_premium)),
    )
