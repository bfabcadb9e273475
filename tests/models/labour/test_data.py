"""The bundled labour tables against the figures their publishers report."""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd

from migratielab.models.labour.data import load_labour_data


def _roa_totals() -> pd.Series:
    resource = resources.files("migratielab.data").joinpath("labour/roa_totals.csv")
    with resources.as_file(resource) as path:
        return pd.read_csv(path, comment="#").set_index("measure")["persons"]


def test_114_occupation_groups_with_unique_codes() -> None:
    data = load_labour_data()
    assert data.size == 114
    assert len(set(data.codes)) == 114


def test_job_openings_sum_to_roa_published_total_within_missing_codes() -> None:
    """ROA publishes 2,072,100 openings 2025-2030; six BRC codes are absent from the extract."""
    data, totals = load_labour_data(), _roa_totals()
    assert totals["openings"] == 2_072_100
    share = data.openings_6y.sum() / totals["openings"]
    assert 0.98 < share <= 1.0
    assert data.replacement_6y.sum() / totals["replacement"] > 0.98


def test_uwv_tight_and_very_tight_counts_in_2026q1() -> None:
    """UWV 2026Q1 via ROA: 89 groups published; 56 very tight (>= 4), 27 tight (1.5-4), 6 below 1.5."""
    tightness = load_labour_data().uwv_tightness
    published = tightness[~np.isnan(tightness)]
    assert published.size == 89
    assert (published >= 4).sum() == 56
    assert ((published >= 1.5) & (published < 4)).sum() == 27
    assert (published < 1.5).sum() == 6
    assert published.max() == 16  # the indicator's top code


def test_derived_employment_matches_the_published_openings_share() -> None:
    """Openings are 21% of employment (ROA): derived employment lies within 3% of 2,072,100 / 0.21."""
    data, totals = load_labour_data(), _roa_totals()
    implied = totals["openings"] / 0.21
    assert abs(data.employment.sum() / implied - 1) < 0.03
    assert (data.employment >= 0).all()


def test_wage_growth_and_vacancy_rate_reproduce_cbs() -> None:
    data = load_labour_data()
    assert data.national_wage == 22.20
    assert abs(data.national_wage_growth - 100 * (22.20 / 21.40 - 1)) < 1e-9
    assert data.national_vacancy_rate == 46
    assert not np.isnan(data.sector_vacancy_rate).any()
