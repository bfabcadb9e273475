"""Robustness of policies across futures: share of futures meeting thresholds, and regret.

Satisficing (share of futures in which a policy meets every stated threshold) and minimax-regret
(how far a policy falls behind the best policy in the same future) are the two usual robustness
measures of decision making under deep uncertainty (e.g. EMA Workbench, Kwakkel 2017).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from pydantic import model_validator

from migratielab.analysis.indicators import INDICATORS
from migratielab.models.variables import Better, outcome_variable
from migratielab.yamlio import Strict


def higher_is_better(outcome: str) -> bool:
    """True when the variable registry says more of ``outcome`` is better (else lower is better)."""
    entry = outcome_variable(outcome)
    return entry is not None and entry.better == Better.HIGHER


INDICATOR_NAMES = tuple(indicator.name for indicator in INDICATORS)


class Threshold(Strict):
    """A requirement on an outcome per future: ``min`` and/or ``max`` (in the indicator's unit)."""

    outcome: str
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _check(self) -> Threshold:
        if self.outcome not in INDICATOR_NAMES:
            raise ValueError(f"unknown outcome {self.outcome!r}; known: {', '.join(INDICATOR_NAMES)}")
        if self.min is None and self.max is None:
            raise ValueError("give min and/or max")
        return self


def threshold_label(threshold: Threshold) -> str:
    """A readable label such as ``share_within_6_months >= 0.9``."""
    parts = []
    if threshold.min is not None:
        parts.append(f"{threshold.outcome} >= {threshold.min:g}")
    if threshold.max is not None:
        parts.append(f"{threshold.outcome} <= {threshold.max:g}")
    return " and ".join(parts)


def meets(runs: pd.DataFrame, threshold: Threshold) -> np.ndarray:
    """Per run: True when the outcome satisfies the threshold (NaN never does)."""
    values = runs[threshold.outcome].to_numpy(dtype=float)
    ok = ~np.isnan(values)
    if threshold.min is not None:
        ok &= values >= threshold.min
    if threshold.max is not None:
        ok &= values <= threshold.max
    return ok


def meets_all(runs: pd.DataFrame, thresholds: Sequence[Threshold]) -> np.ndarray:
    """Per run: True when every threshold is met."""
    ok = np.ones(len(runs), dtype=bool)
    for threshold in thresholds:
        ok &= meets(runs, threshold)
    return ok


def robustness_table(
    runs: pd.DataFrame, policies: Sequence[str], thresholds: Sequence[Threshold]
) -> pd.DataFrame:
    """Share of successful runs per policy meeting each threshold and all of them (shares 0..1).

    ``runs`` needs columns ``policy`` (index into ``policies``), ``status`` and the outcomes.
    """
    rows = []
    succeeded = runs[runs["status"] == "ok"]
    for policy_id, name in enumerate(policies):
        own = succeeded[succeeded["policy"] == policy_id]
        row: dict[str, object] = {"policy": name, "futures": len(own)}
        for threshold in thresholds:
            row[threshold_label(threshold)] = float(meets(own, threshold).mean()) if len(own) else np.nan
        row["all thresholds"] = float(meets_all(own, thresholds).mean()) if len(own) else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def regret_table(runs: pd.DataFrame, policies: Sequence[str], outcomes: Sequence[str]) -> pd.DataFrame:
    """Regret per policy and outcome: distance to the best policy in the same future (outcome's unit).

    Only futures in which every policy succeeded count. Returns mean, 90th percentile and maximum
    regret, and the share of futures in which the policy is the best (ties count for each).
    """
    succeeded = runs[runs["status"] == "ok"]
    rows = []
    for outcome in outcomes:
        table = succeeded.pivot_table(index="future", columns="policy", values=outcome, aggfunc="first")
        table = table.dropna()
        if table.shape[1] < len(policies) or table.empty:
            continue
        values = table.to_numpy(dtype=float)
        best = values.max(axis=1) if higher_is_better(outcome) else values.min(axis=1)
        regret = np.abs(values - best[:, None])
        for column, policy_id in enumerate(table.columns):
            rows.append(
                {
                    "policy": policies[int(policy_id)],
                    "outcome": outcome,
                    "futures": len(table),
                    "mean_regret": float(regret[:, column].mean()),
                    "p90_regret": float(np.quantile(regret[:, column], 0.9)),
                    "max_regret": float(regret[:, column].max()),
                    "share_best": float((regret[:, column] == 0).mean()),
                }
            )
    return pd.DataFrame(rows)
