"""YAML input files: duplicate keys, encodings, sizes, huge numbers, NaN and misspelt keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from migratielab.errors import InputError
from migratielab.limits import MAX_FILE_BYTES
from migratielab.params import load_parameter_overrides
from migratielab.scenario import load_scenario

VALID = "name: x\npolicies:\n  - name: a\n"


def write(tmp_path: Path, content: str | bytes) -> Path:
    """A scenario file with ``content``."""
    path = tmp_path / "scenario.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("content", "key", "expected"),
    [
        ("name: x\nname: y\npolicies: [{name: a}]\n", "line 2", "duplicate key 'name'"),
        (b"name: caf\xe9\npolicies: [{name: a}]\n", "byte", "UTF-8"),
        ("name: x\nseed: " + "9" * 5000 + "\npolicies: [{name: a}]\n", "", "valid YAML"),
        ("name: x\nseed: " + "9" * 30 + "\npolicies: [{name: a}]\n", "seed", "less than or equal"),
        ("name: x\nruns: .nan\npolicies: [{name: a}]\n", "runs", "finite"),
        (VALID + "    reception: {rule: fixed_buffer, base_places: 1, bufer_places: 2}\n", "bufer_places",
         "did you mean 'buffer_places'"),
        (VALID + "inflow: {kind: path, per_year: {2026: .inf}}\n", "per_year", "finite"),
        (VALID + "inflow: {kind: path, per_year: {2026: -5}}\n", "per_year", "greater than or equal"),
        (VALID + "    reception: {rule: path, places: {2026: 99999999999999999999}}\n", "places", "less"),
        (VALID + "parameters: {remain_share: 0.9, departure_share_forced: 0.5}\n", "parameters", "at most 1"),
        (VALID + "parameters: {ter_apel_capacity: [1, 2]}\n", "parameters", "a single number"),
        (VALID + "parameters: {ter_apel_capasity: 1}\n", "parameters", "did you mean ter_apel_capacity"),
    ],
)  # fmt: skip
def test_bad_scenario_files_give_one_clear_message(
    tmp_path: Path, content: str | bytes, key: str, expected: str
) -> None:
    """Each bad file is one InputError naming the file, the key and the expectation."""
    path = write(tmp_path, content)
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert str(path) in message and key in message and expected in message


def test_oversized_files_are_refused_before_parsing(tmp_path: Path) -> None:
    """A file above the size cap is refused naming its size."""
    path = write(tmp_path, VALID + "#" * (MAX_FILE_BYTES + 1))
    with pytest.raises(InputError, match="at most"):
        load_scenario(path)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("values: {}", "at least 1"),
        ("value: .nan", "finite"),
        ("value: 1.5", "from 0 to 1"),
        ("value: []", "at least one number"),
    ],
)
def test_bad_parameter_files_give_one_clear_message(tmp_path: Path, body: str, expected: str) -> None:
    """Empty dated values, NaN, shares above 1 and empty lists are refused with the file named."""
    path = tmp_path / "parameters.yaml"
    path.write_text(
        "parameters:\n  remain_share:\n    description: d\n    unit: share\n    estimate: true\n"
        f"    reasoning: r\n    {body}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=expected) as caught:
        load_parameter_overrides(path, "asylum")
    assert str(path) in str(caught.value)


def test_every_further_problem_is_named_by_its_key(tmp_path: Path) -> None:
    """A file with several mistakes names the first in full and the keys of the others."""
    path = write(tmp_path, "name: x\nrunz: 3\nende: 2030\npolicies: [{name: a}]\n")
    with pytest.raises(InputError) as raised:
        load_scenario(path)
    message = str(raised.value)
    assert "runz" in message and "(and 1 more problem: ende)" in message


def test_a_misspelt_rule_names_the_choosing_key_and_the_nearest_choice(tmp_path: Path) -> None:
    """``rule: fixed_bufer`` read as pydantic's "Input tag ... does not match any of the expected tags"."""
    body = "name: x\npolicies: [{name: a, reception: {rule: fixed_bufer, base_places: 41000}}]\n"
    with pytest.raises(InputError) as raised:
        load_scenario(write(tmp_path, body))
    error = raised.value
    assert error.key.endswith("policies[a].reception.rule")
    assert "not 'fixed_bufer'; did you mean 'fixed_buffer'?" in error.expected
    assert "'forecast_linked'" in error.expected and "Input tag" not in str(error)
    far = body.replace("fixed_bufer", "zzz")
    with pytest.raises(InputError) as unrelated:
        load_scenario(write(tmp_path, far))
    assert "did you mean" not in str(unrelated.value) and "not 'zzz'" in str(unrelated.value)


def test_key_paths_name_list_items_as_the_file_does() -> None:
    """A list item by its name or id, else its position counted from 1; a key the file lacks
    (the scenario nests top-level asylum keys under ``asylum``) is left out."""
    from migratielab.yamlio import key_path

    content = {"policies": [{"name": "a"}, {"name": "buffer"}], "limits": [{"indicator": "x"}]}
    assert key_path(("asylum", "policies", 1, "reception"), content) == "policies[buffer].reception"
    assert key_path(("limits", 0, "indicator"), content) == "limits[item 1].indicator"
    assert key_path(("indicators", 2), {"indicators": [{}, {}, {"id": "wait"}]}) == "indicators[wait]"
    assert key_path(("asylum", "policies", 0), {"asylum": {"policies": [{}]}}) == "asylum.policies[item 1]"
    assert key_path(("runs",)) == "runs" and key_path(("policies", 3)) == "policies[item 4]"
