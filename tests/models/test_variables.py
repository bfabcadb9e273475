"""The variable registry: every pillar's variables are registered once, with units and both languages."""

from __future__ import annotations

import pytest

from migratielab.analysis.indicators import INDICATORS
from migratielab.models.asylum.chain import Flows
from migratielab.models.variables import (
    PILLARS,
    Better,
    all_variables,
    indicators,
    lookup,
    registry,
    variable,
)


def test_every_monthly_flow_of_the_chain_and_every_indicator_is_registered() -> None:
    stepped = {name for name, entry in registry("asylum").items() if not entry.derived}
    assert set(Flows.scalar_names()) == stepped
    assert [indicator.name for indicator in INDICATORS] == list(indicators("asylum"))


def test_every_variable_has_a_unit_both_labels_and_a_unique_hierarchical_name() -> None:
    entries = all_variables()
    assert all(entry.nl and entry.en and entry.unit.nl and entry.unit.en for entry in entries)
    assert len({entry.iamc for entry in entries}) == len(entries)
    assert len({entry.key for entry in entries}) == len(entries)
    assert {entry.pillar for entry in entries} == set(PILLARS)


def test_lookups_by_key_and_hierarchical_name_agree() -> None:
    emergency = variable("asylum", "emergency_occupancy")
    assert lookup("asylum.emergency_occupancy") == lookup("Reception|Occupancy|Emergency") == emergency
    assert emergency.unit.label("nl") == "personen" and emergency.better == Better.LOWER
    assert lookup("asylum.indicators.total_cost_eur").shown_unit.code == "EUR million"


def test_an_unknown_name_suggests_the_nearest() -> None:
    with pytest.raises(KeyError, match="emergency_occupancy"):
        variable("asylum", "emergency_ocupancy")
    with pytest.raises(KeyError, match="population"):
        registry("populaton")
