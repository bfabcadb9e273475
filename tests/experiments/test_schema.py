"""Experiment files: bundled examples load; bad files give one message naming file and key."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from migratielab.errors import InputError
from migratielab.experiments.schema import load_experiment
from tests.experiments.conftest import SMALL, write_yaml

BUNDLED = sorted((Path(__file__).parents[2] / "experiments").glob("*.yaml"))


@pytest.mark.parametrize("path", BUNDLED, ids=lambda path: path.name)
def test_bundled_experiments_load(path: Path) -> None:
    assert load_experiment(path).name


def changed(change: dict[str, Any]) -> dict[str, Any]:
    """The small experiment with top-level keys replaced."""
    content = copy.deepcopy(SMALL)
    content.update(change)
    return content


@pytest.mark.parametrize(
    ("change", "key", "fragment"),
    [
        ({"samples": 10}, "samples", "unknown key"),
        ({"sampler": {"kind": "sobol", "size": 1000}}, "sampler", "power of two"),
        ({"outcomes": ["happiness"]}, "", "unknown outcome"),
        (
            {
                "uncertainties": [
                    {"name": "x", "target": "weather", "distribution": "uniform", "low": 0, "high": 1}
                ]
            },
            "uncertainties[x]",
            "cannot vary per run",
        ),
        (
            {
                "uncertainties": [
                    {"name": "x", "target": "family_per_grant", "distribution": "normal", "low": 0}
                ]
            },
            "uncertainties[x]",
            "needs mean, sd",
        ),
        (
            {
                "policies": [],
                "levers": [{"name": "buf", "field": "reception.buffer_places", "options": [1000]}],
            },
            "levers",
            "not a field of this policy",
        ),
    ],
)
def test_bad_experiment_names_file_and_key(
    tmp_path: Path, change: dict[str, Any], key: str, fragment: str
) -> None:
    path = write_yaml(tmp_path, changed(change))
    with pytest.raises(InputError) as caught:
        load_experiment(path)
    assert caught.value.source == str(path)
    assert caught.value.key.startswith(key)
    assert fragment in caught.value.expected
