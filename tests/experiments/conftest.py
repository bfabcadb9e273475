"""Small experiments shared by the exploration tests (a few dozen runs over three years)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from migratielab.experiments.schema import Experiment

SMALL = {
    "name": "small test",
    "start_year": 2025,
    "end_year": 2027,
    "seed": 7,
    "uncertainties": [
        {
            "name": "inflow_level",
            "target": "inflow.level_multiplier",
            "distribution": "uniform",
            "low": 0.6,
            "high": 1.8,
        },
        {"name": "family_per_grant", "target": "family_per_grant", "distribution": "registry"},
    ],
    "policies": [
        {"name": "forecast-linked"},
        {
            "name": "buffer",
            "reception": {"rule": "fixed_buffer", "base_places": 41000, "buffer_places": 15000},
            "staffing": {"rule": "stable", "fte": 1500},
        },
    ],
    "sampler": {"kind": "latin_hypercube", "size": 12},
    "outcomes": ["nights_without_shelter", "share_within_6_months", "total_cost_eur"],
    "thresholds": [{"outcome": "share_within_6_months", "min": 0.9}],
    "summaries": ["in_chain", "without_shelter"],
    "yearly": ["ind_backlog"],
}


@pytest.fixture
def small() -> Experiment:
    """Two policies on twelve futures over three years."""
    return Experiment.model_validate(SMALL)


def write_yaml(folder: Path, content: dict[str, object], name: str = "experiment.yaml") -> Path:
    """Write an experiment mapping as YAML; return the path."""
    path = folder / name
    path.write_text(yaml.safe_dump(content, sort_keys=False), encoding="utf-8")
    return path
