"""Validation against published figures, with the tolerances stated in each test."""

from __future__ import annotations

import numpy as np

from migratielab.models import system
from migratielab.models.population import Paths
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
