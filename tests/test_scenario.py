"""One scenario schema: sections per pillar, older file formats read transparently, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from migratielab.errors import InputError
from migratielab.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]


def write(tmp_path: Path, content: object) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(content, sort_keys=False), encoding="utf-8")
    return path


def test_an_asylum_scenario_without_sections_reads_as_its_asylum_section() -> None:
    old = load_scenario(ROOT / "scenarios" / "default.yaml")
    assert old.asylum is not None and old.population is None
    assert [policy.name for policy in old.asylum.policies] == ["forecast-linked", "fixed base + iron buffer"]


def test_a_stand_alone_plan_file_reads_as_a_population_section() -> None:
    plan = load_scenario(ROOT / "scenarios" / "plan_example.yaml")
    assert plan.population is not None and plan.asylum is None
    assert (plan.start_year, plan.end_year) == (2025, 2049)  # the plan's end (2050) is its last 1 January
    assert plan.population.inflows.asylum[1].from_year == 2030


def test_the_sectioned_example_has_both_pillars_coupled() -> None:
    scenario = load_scenario(ROOT / "scenarios" / "integral_example.yaml")
    assert scenario.asylum is not None and scenario.population is not None
    assert scenario.population.asylum_from_chain


def test_old_and_sectioned_asylum_files_give_the_same_scenario(tmp_path: Path) -> None:
    content = yaml.safe_load((ROOT / "scenarios" / "default.yaml").read_text(encoding="utf-8"))
    sectioned = {key: value for key, value in content.items() if key not in ("inflow", "policies")}
    sectioned["asylum"] = {"inflow": content["inflow"], "policies": content["policies"]}
    assert load_scenario(write(tmp_path, sectioned)) == load_scenario(ROOT / "scenarios" / "default.yaml")


@pytest.mark.parametrize(
    ("content", "key", "fragment"),
    [
        ({"name": "x"}, "", "at least one section"),
        ({"name": "x", "asylum": {"policies": [{"name": "a"}]}, "labor": {}}, "labor", "unknown key"),
        (
            {"name": "x", "asylum": {"policies": [{"name": "a", "bufer_places": 1}]}},
            "asylum.policies[a]",
            "unknown",
        ),
        ({"name": "x", "asylum": {"policies": [{"name": "a"}, {"name": "a"}]}}, "asylum", "unique"),
        (
            {"name": "x", "start_year": 2030, "population": {"inflows": {}}},
            "population.inflows",
            "Field required",
        ),
        (
            {
                "name": "x",
                "population": {
                    "asylum_from_chain": True,
                    "inflows": yaml.safe_load(
                        (ROOT / "scenarios" / "plan_example.yaml").read_text(encoding="utf-8")
                    )["inflows"],
                },
            },
            "",
            "needs an asylum section",
        ),
    ],
)
def test_bad_scenarios_name_file_key_and_expectation(
    tmp_path: Path, content: dict[str, object], key: str, fragment: str
) -> None:
    path = write(tmp_path, content)
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    assert caught.value.source == str(path)
    assert caught.value.key.startswith(key)
    assert fragment in str(caught.value)


@settings(max_examples=40, deadline=None)
@given(
    key=st.sampled_from(["name", "start_year", "end_year", "runs", "seed", "asylum", "population"]),
    value=st.one_of(
        st.none(), st.integers(-10, 10**6), st.text(max_size=5), st.lists(st.integers(), max_size=2)
    ),
)
def test_any_mutated_scenario_is_valid_or_an_input_error(tmp_path_factory: pytest.TempPathFactory, key: str,
                                                          value: object) -> None:  # fmt: skip
    content = yaml.safe_load((ROOT / "scenarios" / "integral_example.yaml").read_text(encoding="utf-8"))
    content[key] = value
    path = write(tmp_path_factory.mktemp("mutated"), content)
    try:
        scenario = load_scenario(path)
    except InputError as error:
        assert str(path) in str(error)
        return
    assert scenario.start_year <= scenario.end_year
