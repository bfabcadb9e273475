"""Analyses: Sobol on Ishigami through the sample-evaluate-analyse pipeline, Morris, PRIM, robustness."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from migratielab.analysis.discovery import prim_box
from migratielab.analysis.robustness import Threshold, regret_table, robustness_table
from migratielab.analysis.sensitivity import sensitivity_table
from migratielab.experiments.backends import InProcessBackend
from migratielab.experiments.evaluate import ChunkResult, ChunkTask, ModelOutput
from migratielab.experiments.run import stream
from migratielab.experiments.sampling import Design, unit_sample
from migratielab.experiments.schema import Sampler
from migratielab.scenario import Policy

NAMES = ["x1", "x2", "x3"]
# Ishigami (a=7, b=0.1) analytic indices: Sobol & Levitan (1999); as tabulated in SALib's tests
ISHIGAMI_S1 = (0.3139, 0.4424, 0.0)
ISHIGAMI_ST = (0.5576, 0.4424, 0.2437)


@dataclass(frozen=True)
class Ishigami:
    """The Ishigami function of unit inputs mapped to [-pi, pi]; no monthly output."""

    @property
    def outcome_names(self) -> list[str]:
        return ["y"]

    @property
    def summaries(self) -> list[str]:
        return []

    @property
    def months(self) -> int:
        return 1

    def __call__(self, task: ChunkTask) -> ModelOutput:
        x = [np.pi * (2 * task.values[name] - 1) for name in NAMES]
        y = np.sin(x[0]) + 7 * np.sin(x[1]) ** 2 + 0.1 * x[2] ** 4 * np.sin(x[0])
        return ModelOutput(outcomes={"y": y}, monthly=np.empty((0, len(y), 1)))


def evaluate(unit: np.ndarray, chunk_size: int) -> pd.DataFrame:
    """Evaluate Ishigami on unit samples through the chunked pipeline; rows in sample order."""
    table = pd.DataFrame(unit, columns=NAMES)
    table.insert(0, "policy", 0)
    table.insert(0, "future", np.arange(len(table)))
    design = Design(table=table, policies=[Policy(name="none")], dimensions=NAMES, unit=unit)
    results: list[ChunkResult] = []
    stream(design, Ishigami(), InProcessBackend(), chunk_size, results.append)
    runs = np.concatenate([result.runs for result in results])
    values = np.concatenate([result.outcomes["y"] for result in results])
    return pd.DataFrame({"y": values}, index=runs).sort_index()


def test_sobol_recovers_ishigami_indices() -> None:
    unit = unit_sample(Sampler(kind="sobol", size=4096), NAMES, 11)
    indices = sensitivity_table("sobol", NAMES, unit, evaluate(unit, 5000), 4, 11)
    np.testing.assert_allclose(indices["S1"], ISHIGAMI_S1, atol=0.03)
    np.testing.assert_allclose(indices["ST"], ISHIGAMI_ST, atol=0.03)
    assert (indices["ST_conf"] > 0).all() and (indices["ST_conf"] < 0.05).all()


def test_morris_elementary_effects_of_a_linear_function() -> None:
    unit = unit_sample(Sampler(kind="morris", size=20, levels=4), NAMES, 3)
    outputs = pd.DataFrame({"y": unit @ np.array([3.0, -1.0, 0.0])})
    indices = sensitivity_table("morris", NAMES, unit, outputs, 4, 3)
    np.testing.assert_allclose(indices["mu_star"], [3.0, 1.0, 0.0], atol=1e-9)
    np.testing.assert_allclose(indices["sigma"], 0.0, atol=1e-9)


def test_prim_finds_a_planted_box() -> None:
    rng = np.random.default_rng(4)
    inputs = pd.DataFrame(rng.random((3000, 4)), columns=["a", "b", "c", "d"])
    planted = ((inputs["a"] > 0.6) & (inputs["c"] < 0.3)).to_numpy()
    box = prim_box(inputs, planted).set_index("input")
    assert set(box.index) == {"a", "c"}
    assert box.loc["a", "low"] == pytest.approx(0.6, abs=0.06)
    assert box.loc["c", "high"] == pytest.approx(0.3, abs=0.06)
    assert box["coverage"].iloc[0] > 0.9 and box["density"].iloc[0] >= 0.8


def test_robustness_and_regret_on_a_known_table() -> None:
    runs = pd.DataFrame(
        {
            "future": [0, 1, 0, 1],
            "policy": [0, 0, 1, 1],
            "status": ["ok"] * 4,
            "total_cost_eur": [10.0, 30.0, 20.0, 20.0],
            "share_within_6_months": [0.95, 0.5, 0.9, 0.92],
        }
    )
    thresholds = [Threshold(outcome="share_within_6_months", min=0.9)]
    robust = robustness_table(runs, ["a", "b"], thresholds).set_index("policy")
    assert robust.loc["a", "all thresholds"] == 0.5 and robust.loc["b", "all thresholds"] == 1.0
    regret = regret_table(runs, ["a", "b"], ["total_cost_eur", "share_within_6_months"])
    cost = regret[regret["outcome"] == "total_cost_eur"].set_index("policy")
    assert cost.loc["a", "max_regret"] == 10.0 and cost.loc["b", "max_regret"] == 10.0
    share = regret[regret["outcome"] == "share_within_6_months"].set_index("policy")
    assert share.loc["a", "max_regret"] == pytest.approx(0.42)
    assert share.loc["b", "mean_regret"] == pytest.approx(0.025)


def test_missing_ema_workbench_gives_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from migratielab.analysis import discovery

    monkeypatch.setitem(sys.modules, "ema_workbench.analysis", None)
    with pytest.raises(discovery.MissingDependencyError, match=r"migratielab\[discovery\]"):
        discovery.prim_module()
