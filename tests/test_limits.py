"""One definition of every limit: the CLI, the scenario schema and the API accept exactly the same values."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from migratielab import limits
from migratielab.cli.project import check_variant_options
from migratielab.errors import InputError
from migratielab.scenario import Fertility, LifeExpectancy
from migratielab.service.web_models import VariantRequest

ANY_FLOAT = st.floats(allow_nan=True, allow_infinity=True) | st.floats(min_value=-1e6, max_value=1e6)


def cli_accepts(**options: float) -> bool:
    """True if ``project``'s option check accepts the options (defaults elsewhere)."""
    chosen = {
        "start": 2025,
        "end": 2050,
        "tfr": 1.5,
        "e0_female": 85.0,
        "e0_male": 83.0,
        "net_migration": 0.0,
    }
    try:
        check_variant_options(**{**chosen, **options})  # type: ignore[arg-type]
    except InputError:
        return False
    return True


def api_accepts(**fields: float) -> bool:
    """True if the API's variant request accepts the fields."""
    try:
        VariantRequest.model_validate({"end": 2050, **fields})
    except ValidationError:
        return False
    return True


def scenario_accepts(build: Callable[[], object]) -> bool:
    """True if building the scenario section does not raise a validation error."""
    try:
        build()
    except ValidationError:
        return False
    return True


@settings(max_examples=300, deadline=None)
@given(value=ANY_FLOAT)
def test_fertility_limits_agree(value: float) -> None:
    """TFR: CLI, API and scenario accept the same values: finite and inside ``limits.TFR``."""
    expected = math.isfinite(value) and limits.TFR.low <= value <= limits.TFR.high
    assert cli_accepts(tfr=value) == api_accepts(tfr=value) == expected
    assert scenario_accepts(lambda: Fertility(tfr=value, low=value, high=value)) == expected


@settings(max_examples=300, deadline=None)
@given(value=ANY_FLOAT)
def test_life_expectancy_limits_agree(value: float) -> None:
    """Life expectancy: the same range in CLI, API and scenario."""
    expected = limits.LIFE_EXPECTANCY.contains(value)
    assert cli_accepts(e0_male=value) == api_accepts(e0_male=value) == expected
    assert scenario_accepts(lambda: LifeExpectancy(male=value, female=85.0)) == expected


@settings(max_examples=300, deadline=None)
@given(value=ANY_FLOAT)
def test_net_migration_limits_agree(value: float) -> None:
    """Net migration: the same range in CLI and API."""
    assert (
        cli_accepts(net_migration=value)
        == api_accepts(net_migration=value)
        == limits.NET_MIGRATION.contains(value)
    )


@pytest.mark.parametrize("end", [2200, 2025, 1900])
def test_horizons_outside_the_limits_are_refused_everywhere(end: int) -> None:
    """An end year outside 2026-2100 is refused by the CLI and the API alike."""
    assert not cli_accepts(end=end)
    assert not api_accepts(end=end)


def test_share_groups_above_one_are_refused() -> None:
    """Departure shares that each lie in [0, 1] but sum above 1 are refused, naming the group."""
    with pytest.raises(InputError, match="summing to at most 1"):
        limits.check_share_groups(
            {"departure_share_independent": 0.6, "departure_share_forced": 0.5, "remain_share": 0.1}, "test"
        )
    limits.check_share_groups(
        {"departure_share_independent": 0.5, "departure_share_forced": 0.4, "remain_share": 0.1}, "test"
    )
