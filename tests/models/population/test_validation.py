"""Validation against published figures, with the tolerances stated in each test."""

from __future__ import annotations

import numpy as np

from migratielab.models import system
from migratielab.models.population import Paths
from migratielab.models.population.components import aow_age_path
from migratielab.models.population.data import load_base_data
from migratielab.params import default_parameters
from migratielab.service.population import project_net_migration

# Observed inputs 2020-2024. TFR: UN WPP 2024 (2020, 2021), CBS (2022: 1.49, 2023: 1.43);
# 2024 not found -> 1.43 carried forward. e0: UN WPP 2024 (2020-2023), CBS-derived 2024.
# Net migration incl. corrections: CBS 37296ned (2020, 2021), 85468NED (2022), 85848NED (2023),
# CBS via ANP (2024: 108k).
TFR = [1.545, 1.624, 1.49, 1.43, 1.43]
E0_MALE = [79.675, 79.687, 80.266, 80.539, 80.516]
E0_FEMALE = [83.079, 82.992, 83.519, 83.739, 83.274]
NET = [68_359, 107_198, 223_798, 137_366, 108_000]


def test_backtest_2021_2025_within_half_percent() -> None:
    """From 1 Jan 2020 with observed TFR, e0 and net migration: total population 2021-2025 within 0.5%."""
    data = load_base_data()
    default_e0 = project_net_migration(2020, 2025, TFR, None, NET, detail=False)
    paths = Paths(
        start=2020,
        tfr=np.array([TFR]),
        e0=np.array([[E0_MALE, E0_FEMALE]]),
        native_emigration_rate=np.zeros(1),
        departure_multiplier=np.ones(1),
        net_migration=np.array([NET], dtype=float),
    )
    part = system.population_part(paths, default_parameters("population"), detail=False)
    observed_path = system.run(system.System(2020, 12 * len(paths.flow_years), population=part)).population
    assert observed_path is not None
    for projection in (observed_path, default_e0):
        for year in range(2021, 2026):
            model = float(projection["population"].sel(year=year).isel(run=0))
            observed = float(data.population_at(year).sum())
            assert abs(model / observed - 1.0) < 0.005, (year, model, observed)


def test_cbs_forecast_like_assumptions_reach_19_million_around_2037() -> None:
    """CBS 2023/2024 forecasts: 19 million in 2037. Assumptions: net migration 82k/yr (CBS
    Kernprognose 2019 assumption to 2030), TFR 1.6 (near the 2010s level), default e0 gains.
    Tolerance: crossing year 2035-2039."""
    result = project_net_migration(2025, 2045, 1.6, None, 82_000, detail=False)
    population = result["population"].isel(run=0)
    crossing = int(population["year"].where(population >= 19e6, drop=True).min())
    assert 2035 <= crossing <= 2039


def test_staatscommissie_net_migration_band() -> None:
    """Staatscommissie DO2050: 40-60k net migration a year goes with roughly 19-20 million in 2050.
    Same TFR/e0 as above from 2025. Tolerance: 50k/yr gives 18.5-20.5 million in 2050 and the
    40k-60k band brackets 19 million from below/above by at most 0.6 million."""
    totals = {
        net: float(
            project_net_migration(2025, 2050, 1.6, None, net, detail=False)["population"].sel(year=2050)[0]
        )
        for net in (40_000, 50_000, 60_000)
    }
    assert 18.5e6 <= totals[50_000] <= 20.5e6
    assert totals[40_000] < totals[50_000] < totals[60_000]
    assert totals[40_000] > 18.4e6 and totals[60_000] > 19.0e6


def test_grey_pressure_matches_cbs_at_start() -> None:
    """Grey pressure from 7461BEV matches CBS 37296ned: 33.1 (2020) to 0.1, 34.1 (2022) to 0.6."""
    result = project_net_migration(2020, 2023, 1.5, None, 0, detail=False)
    assert abs(float(result["grey_pressure"].sel(year=2020)[0]) - 33.1) < 0.1
    assert abs(float(result["grey_pressure"].sel(year=2022)[0]) - 34.1) < 0.6


# CBS Kernprognose 2019-2060 (December 2019), its own assumptions and results:
# * e0 both sexes 82.10 in 2019 and 86.87 in 2050: CBS StatLine 84647NED (Prognose
#   periode-levensverwachting 2019-2060). Split by sex (derived, not a CBS figure): men 1.5 years
#   below and women 1.5 years above the both-sexes value (the 2019 gap was 3.1 years, UN WPP 2024).
# * TFR 1.59 in 2018 (CBS Statistische Trends, "Kernprognose 2019-2060", section 3.1), long-term 1.70
#   (nu.nl 6018305, Dec 2019, quoting CBS); the path between them (linear to 2030) is an assumption.
# * net migration on average 82,000 a year to 2030 (blikopnieuws.nl 278413, CBS press release,
#   Dec 2019); after 2030 not found: 58,000 a year (the figure, an assumption).
# * results: births on average 185,000 and deaths 163,000 a year over 2019-2030; deaths overtake
#   births from 2039 (nationalezorggids.nl, Dec 2019, quoting CBS); 19 million in 2039 and
#   19.6 million in 2060 (blikopnieuws.nl 278413). 2050 is not published: linear between 2039 and
#   2060 gives 19.31 million (derived).
KP2019_E0_2050 = (86.87 - 1.5, 86.87 + 1.5)
KP2019_NET = [82_000.0] * 11 + [58_000.0] * 20
KP2019_TFR = list(np.interp(np.arange(2019, 2050), [2018, 2030], [1.59, 1.70]))
KP2019_BIRTHS_2019_2030 = 185_000
KP2019_DEATHS_2019_2030 = 163_000
KP2019_POPULATION_2050 = 19.0e6 + (19.6e6 - 19.0e6) * (2050 - 2039) / (2060 - 2039)


def kp2019_projection() -> tuple[np.ndarray, np.ndarray, float]:
    """Births and deaths (2019-2049) and the 2050 population under the Kernprognose 2019 assumptions."""
    result = project_net_migration(2019, 2050, KP2019_TFR, KP2019_E0_2050, KP2019_NET, detail=False)
    births = result["births"].isel(run=0).sel(year=slice(2019, 2049)).to_numpy()
    deaths = result["deaths"].isel(run=0).sel(year=slice(2019, 2049)).to_numpy()
    return births, deaths, float(result["population"].isel(run=0).sel(year=2050))


def test_natural_increase_within_ten_percent_of_kernprognose_2019() -> None:
    """Births and deaths 2019-2030 each within 10% of CBS's averages; natural increase within 10%
    of CBS's (22,000 a year) in absolute terms of births; deaths overtake births 2035-2043 (CBS: 2039)."""
    births, deaths, _ = kp2019_projection()
    mean_births, mean_deaths = births[:12].mean(), deaths[:12].mean()
    assert abs(mean_births / KP2019_BIRTHS_2019_2030 - 1.0) < 0.10, mean_births
    assert abs(mean_deaths / KP2019_DEATHS_2019_2030 - 1.0) < 0.10, mean_deaths
    natural = mean_births - mean_deaths
    cbs_natural = KP2019_BIRTHS_2019_2030 - KP2019_DEATHS_2019_2030
    assert abs(natural - cbs_natural) < 0.10 * KP2019_BIRTHS_2019_2030, natural
    first_negative = 2019 + int(np.argmax(births - deaths < 0))
    assert 2035 <= first_negative <= 2043, first_negative


def test_population_2050_within_two_percent_of_kernprognose_2019() -> None:
    """1 January 2050 under the Kernprognose 2019 assumptions within 2% of 19.31 million (derived)."""
    _, _, population = kp2019_projection()
    assert abs(population / KP2019_POPULATION_2050 - 1.0) < 0.02, population


# CBS Bevolkingsprognose 2023-2070 (StatLine 85746NED): deaths 176,136 (2030), 198,463 (2040),
# 208,930 (2050). Its e0 path is not in the stored sources, so only the deaths, which depend
# mostly on the population already alive, are compared, with the default e0 gains.
BP2023_DEATHS = {2030: 176_136, 2040: 198_463, 2049: 208_930}


def test_deaths_follow_bevolkingsprognose_2023_within_ten_percent() -> None:
    """From 1 Jan 2024 with net migration 67,000 (the BP2023 2030 value) and default e0 gains:
    deaths in 2030, 2040 and 2049 within 10% of CBS's 2030, 2040 and 2050 values."""
    result = project_net_migration(2024, 2050, 1.5, None, 67_000, detail=False)
    for year, cbs in BP2023_DEATHS.items():
        model = float(result["deaths"].isel(run=0).sel(year=year))
        assert abs(model / cbs - 1.0) < 0.10, (year, model, cbs)


def test_aow_formula_reproduces_published_decisions() -> None:
    """Art. 7a AOW with CBS's published L: 2025 stays 67 (L 20.75), 2030 and 2031 stay 67.25
    (L 20.96 and about 21.0); 2028 rose to 67.25 with L just over 21 ("dik 21 jaar")."""
    params = default_parameters("population")
    rule = {
        "fixed": {2024: 67.0},
        "reference_e65": params.scalar("aow_reference_e65"),
        "share_of_gain": params.scalar("aow_share_of_gain"),
        "step": params.scalar("aow_step"),
    }
    years = np.array([2024, 2025])
    assert aow_age_path(years, np.array([[20.5, 20.75]]), **rule)[0, -1] == 67.0
    assert aow_age_path(years, np.array([[20.5, 21.05]]), **rule)[0, -1] == 67.25
    late = {**rule, "fixed": {2029: 67.25}}
    years = np.array([2029, 2030, 2031])
    assert np.all(aow_age_path(years, np.array([[20.9, 20.96, 21.0]]), **late) == 67.25)


def test_aow_age_rises_with_life_expectancy_after_2031() -> None:
    """With CBS's L rising about 0.1 year a year after 2031 the law's 2/3 link gives a first step
    after 2031 in the mid-2030s; the age never falls, moves in steps of 3 months and by 2050 is
    above 67.5 (the old model stayed at 67.25 until 2043)."""
    result = project_net_migration(2025, 2050, 1.6, None, 60_000, detail=False)
    aow = result["aow_age"].isel(run=0)
    steps = np.diff(aow.to_numpy())
    assert np.all(steps >= 0) and np.all(np.isin(np.round(steps, 6), [0.0, 0.25]))
    assert float(aow.sel(year=2031)) == 67.25
    first_rise = int(aow["year"].where(aow > 67.25, drop=True).min())
    assert 2033 <= first_rise <= 2040, first_rise
    assert float(aow.sel(year=2050)) > 67.5
