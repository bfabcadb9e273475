"""Channels: fiscal sums reproduce their sources at the defaults; curves follow the CBS cohort figures."""

from __future__ import annotations

import numpy as np

from migratielab.models.labour import channels as ch
from migratielab.params import default_parameters

LABOUR, POPULATION = default_parameters("labour"), default_parameters("population")
YEARS = int(LABOUR.scalar("fiscal_horizon_years"))


def lifetime(labour=LABOUR, draws=None) -> np.ndarray:  # type: ignore[no-untyped-def]
    employment = ch.employment_curves(labour, POPULATION, YEARS)[None]
    return ch.present_values(labour, POPULATION, employment, draws or ch.FiscalDraws.central(labour))[
        0, :, -1
    ]


def test_reference_channels_reproduce_grenzeloze_verzorgingsstaat_at_defaults() -> None:
    """labour_eu +125k, study -75k, family -275k, asylum -475k (lifetime present value per migrant)."""
    pv = lifetime()
    source = POPULATION.vector("fiscal_net_contribution")
    for motive, channel in enumerate(LABOUR.vector("fiscal_reference_channel").astype(int)):
        assert abs(pv[channel] - source[motive]) < 1e-6 * abs(source[motive])


def test_less_collective_goods_cost_raises_every_channel() -> None:
    central = ch.FiscalDraws.central(LABOUR)
    half = ch.FiscalDraws(central.per_employed, central.per_nonemployed, central.collective_share * 0.5)
    assert (lifetime(draws=half) > lifetime()).all()


def test_higher_employment_raises_the_fiscal_contribution() -> None:
    employment = ch.employment_curves(LABOUR, POPULATION, YEARS)
    central = ch.FiscalDraws.central(LABOUR)
    base = ch.present_values(LABOUR, POPULATION, employment[None], central)[0, :, -1]
    shifted = employment + ch.lever_shift(LABOUR, YEARS, 1.0, 1.0)
    levered = ch.present_values(LABOUR, POPULATION, shifted[None], central)[0, :, -1]
    assert (levered[ch.LEVER_CHANNELS] > base[ch.LEVER_CHANNELS]).all()
    assert np.array_equal(levered[~ch.LEVER_CHANNELS], base[~ch.LEVER_CHANNELS])


def test_horizon_sums_are_cumulative() -> None:
    employment = ch.employment_curves(LABOUR, POPULATION, YEARS)[None]
    pv = ch.present_values(LABOUR, POPULATION, employment, ch.FiscalDraws.central(LABOUR))[0]
    asylum = ch.CHANNELS.index("asylum")
    assert pv[asylum, 0] > pv[asylum, 1] > pv[asylum, 2] > pv[asylum, 3]  # costs accumulate


def test_status_holder_curve_matches_cbs_2014_cohort() -> None:
    """CBS: 2014 permit cohort 11% working at 30 months, 19% after 3, 43% after ~6, 47% after 9 years."""
    curve = ch.employment_curves(LABOUR, POPULATION, 12)[ch.CHANNELS.index("asylum")]
    points = POPULATION.vector("asylum_employment_curve").reshape(-1, 2)
    at = dict(zip(points[:, 0], points[:, 1], strict=True))
    assert curve[3] == at[3.0] == 0.19
    assert curve[6] == at[6.0] == 0.43
    assert curve[9] == at[9.0] == 0.47
    assert abs(np.interp(2.5, np.arange(12), curve) - 0.11) < 0.05
    assert (np.diff(curve) >= 0).all()


def test_stay_curves_follow_the_population_departure_hazards() -> None:
    """CBS: about 60% of 2005-07 family migrants still here after 10 years; EU labour: 61% left within 5."""
    stay = ch.stay_curves(LABOUR, POPULATION, 11)
    assert abs(stay[ch.CHANNELS.index("family"), 10] - 0.60) < 0.01
    assert abs(stay[ch.CHANNELS.index("labour_eu"), 5] - 0.39) < 0.01
