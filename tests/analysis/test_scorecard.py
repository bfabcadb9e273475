"""The scorecard catalogue (data validated by a schema), its reductions and the paired comparison rule."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from migratielab.analysis.scorecard import (
    ROBUST_SHARE,
    Catalogue,
    Reduce,
    catalogue,
    entry_values,
    paired_difference,
    reduce_values,
    yearly,
)
from migratielab.errors import InputError
from migratielab.models.variables import Better, Kind, lookup, units
from migratielab.yamlio import validate_mapping

YEARS = [2025, 2026, 2027]


def test_every_entry_names_registered_variables_units_and_a_theme() -> None:
    """The bundled catalogue is valid: variables in the registry, units known, groups and themes set."""
    entries = catalogue().indicators
    assert {entry.group for entry in entries} == {"humanitarian", "social", "economic"}
    assert {entry.theme for entry in entries} == {"hier_en_nu", "later", "elders"}
    for entry in entries:
        assert entry.better == lookup(entry.variables[0]).better
        assert entry.result_unit.code in units()
        assert entry.nl != entry.en


def _catalogue(**entry: object) -> dict[str, object]:
    base = {"id": "x", "group": "social", "theme": "later", "nl": "x", "en": "y"}
    return {"indicators": [{**base, **entry}]}


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (
            {"variables": ["population.potential_labor_force"], "reduce": {"how": "at", "year": 2040}},
            "did you mean",
        ),
        ({"variables": ["asylum.indicators.total_cost_eur"], "reduce": {"how": "sum"}}, "how: value"),
        ({"variables": ["population.households"], "reduce": {"how": "value"}}, "how: value"),
        ({"variables": ["population.households"], "reduce": {"how": "at"}}, "reduce.year"),
        ({"variables": ["population.households"], "reduce": {"how": "mean"}, "colour": "red"}, "unknown key"),
        (
            {"variables": ["population.households"], "reduce": {"how": "mean"}, "unit": "parsecs"},
            "unknown unit",
        ),
    ],
)
def test_bad_catalogue_entries_get_one_clear_message(entry: dict[str, object], expected: str) -> None:
    """A catalogue typo names the file, the key path and what was expected."""
    with pytest.raises(InputError, match=expected) as raised:
        validate_mapping(_catalogue(**entry), Catalogue, "scorecard.yaml")
    assert "scorecard.yaml: indicators[x]" in str(raised.value)


def test_unknown_entry_id_suggests_the_nearest() -> None:
    """Asking for an entry that does not exist names the nearest ids."""
    with pytest.raises(InputError, match="labour_force_2040"):
        catalogue().entry("labour_force_2004")


def test_monthly_values_become_yearly_by_kind() -> None:
    """Flows are summed over the calendar year; stocks are taken at December."""
    time = pd.date_range("2025-01-01", periods=24, freq="MS")
    data = xr.DataArray(np.arange(48.0).reshape(2, 24), dims=("run", "time"), coords={"time": time})
    flows = yearly(data, Kind.FLOW)
    stocks = yearly(data, Kind.STOCK)
    assert flows.sel(year=2026).values.tolist() == [sum(range(12, 24)), sum(range(36, 48))]
    assert stocks.sel(year=2025).values.tolist() == [11.0, 35.0]


@pytest.mark.parametrize(
    ("reduce", "expected"),
    [
        (Reduce(how="at", year=2026), [2.0, 20.0]),
        (Reduce(how="at", year="end"), [3.0, 30.0]),
        (Reduce(how="sum"), [6.0, 60.0]),
        (Reduce(how="mean", first=2026), [2.5, 25.0]),
        (Reduce(how="max"), [3.0, 30.0]),
        (Reduce(how="change"), [1.0, 10.0]),
    ],
)
def test_reductions_over_years(reduce: Reduce, expected: list[float]) -> None:
    """Each reduction over the window of years, checked on values 1, 2, 3 (and ten times that)."""
    data = xr.DataArray([[1.0, 2.0, 3.0], [10.0, 20.0, 30.0]], dims=("run", "year"), coords={"year": YEARS})
    assert reduce_values(data, reduce, YEARS).tolist() == expected


def test_sums_ratios_selections_and_series_denominator() -> None:
    """Variables are summed, divided by ``per``, extra dimensions selected, then by the series value."""
    time = pd.date_range("2025-01-01", periods=12, freq="MS")
    monthly = xr.Dataset(
        {
            "grants_first_instance": (("run", "time"), np.full((2, 12), 2.0)),
            "grants_appeal": (("run", "time"), np.full((2, 12), 1.0)),
            "housed": (("run", "time"), np.array([np.full(12, 4.0), np.zeros(12)])),
        },
        coords={"time": time},
    )
    granted = catalogue().entry("protection_granted")
    assert entry_values(granted, {"asylum": monthly}, [2025]).tolist() == [36.0, 36.0]
    ratio = granted.model_copy(update={"per": ["asylum.housed"]})
    values = entry_values(ratio, {"asylum": monthly}, [2025], denominator=2.0)
    assert values[0] == pytest.approx(36.0 / 48.0 / 2.0) and np.isnan(values[1])
    arrivals = xr.Dataset(
        {"fiscal_contribution": (("run", "year", "inflow"), np.ones((1, 1, 3)))},
        coords={"year": [2025], "inflow": ["labour_eu", "other", "study"]},
    )
    fiscal = catalogue().entry("fiscal_contribution")
    selected = fiscal.model_copy(update={"select": {"inflow": ["labour_eu", "study"]}})
    assert entry_values(selected, {"population": arrivals}, [2025]).tolist() == [2.0]


def test_paired_difference_is_robust_only_when_nearly_every_future_agrees() -> None:
    """Lower is better: a plan lower in every paired run is robustly better; a mixed one is not."""
    reference = np.arange(20.0)
    lower = paired_difference(Better.LOWER, reference, reference - 1.0)
    assert lower.verdict == "better" and lower.share_lower == 1.0 and lower.median == -1.0
    flips = np.where(np.arange(20) < 3, 1.0, -1.0)  # 3 of 20 runs higher: 85% lower < 90%
    assert ROBUST_SHARE > 1 - 3 / 20
    assert paired_difference(Better.LOWER, reference, reference + flips).verdict is None
    assert paired_difference(Better.NEUTRAL, reference, reference + 5.0).verdict == "higher"
    assert paired_difference(Better.HIGHER, reference, reference).verdict is None
