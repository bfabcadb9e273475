"""Exploration use cases: run an experiment, analyse it, list and show stored explorations.

The CLI, the HTTP API and the dashboard call these functions, so they always agree. They return
pydantic models or pandas frames and hold no presentation logic.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from migratielab.analysis.discovery import prim_box
from migratielab.analysis.robustness import meets_all, regret_table, robustness_table
from migratielab.analysis.sensitivity import sensitivity_table
from migratielab.errors import InputError
from migratielab.experiments import store as stores
from migratielab.experiments.backends import BackendName, make_backend
from migratielab.experiments.evaluate import SystemModel
from migratielab.experiments.run import DEFAULT_CHUNK_SIZE, Exploration, Progress, run_experiment
from migratielab.experiments.sampling import Design
from migratielab.experiments.schema import Experiment
from migratielab.experiments.store import Manifest

ANALYSES = ("outcomes", "robustness", "regret", "sensitivity", "prim")
SUMMARY_LEVELS = (0.05, 0.5, 0.95)


def store_folder(store: Path | None) -> Path:
    """The given store folder or the default one."""
    return store if store is not None else stores.default_store()


def explore(
    experiment: Experiment,
    backend: BackendName = "inprocess",
    workers: int = 2,
    scheduler: str | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    store: Path | None = None,
    progress: Progress | None = None,
) -> Manifest:
    """Run, analyse, store and catalogue an experiment; return its manifest."""
    folder = store_folder(store)
    exploration = run_experiment(
        experiment, make_backend(backend, workers, scheduler), chunk_size, folder, progress
    )
    try:
        if exploration.manifest.failed == exploration.manifest.runs:
            raise NoRunSucceededError(exploration.manifest.runs, first_failure(exploration.folder))
        for name, table in analyse(experiment, exploration).items():
            stores.write_table(exploration.folder, name, table)
        stores.register(folder, exploration.manifest)
    except BaseException:
        shutil.rmtree(exploration.folder, ignore_errors=True)  # nothing half-stored
        raise
    return exploration.manifest


class NoRunSucceededError(RuntimeError):
    """Every run of an exploration failed: nothing is stored, and the first reason is given."""

    def __init__(self, runs: int, reason: str) -> None:
        super().__init__(
            f"none of the {runs:,} runs succeeded, so nothing was stored; the first failure: {reason}"
        )


def first_failure(folder: Path) -> str:
    """The reason of the first failed run in an exploration's run table."""
    reasons = stores.read_runs(folder, ["reason"])["reason"].dropna()
    return str(reasons.iloc[0]) if len(reasons) else "unknown"


def interrupted_explorations(store: Path | None = None) -> dict[Path, str]:
    """Folders of explorations not in the catalog: ``running`` or ``interrupted`` (not resumable)."""
    return stores.uncatalogued(store_folder(store))


def clean_explorations(store: Path | None = None) -> list[Path]:
    """Remove the folders of interrupted explorations; return them."""
    return stores.clean_interrupted(store_folder(store))


def outcome_table(runs: pd.DataFrame, policies: list[str], outcomes: list[str]) -> pd.DataFrame:
    """P5, median and P95 over successful runs per policy and outcome (outcome units)."""
    succeeded = runs[runs["status"] == "ok"]
    rows = []
    for policy_id, name in enumerate(policies):
        own = succeeded[succeeded["policy"] == policy_id]
        for outcome in outcomes:
            values = own[outcome].to_numpy(dtype=float)
            low, median, high = np.quantile(values, SUMMARY_LEVELS) if len(values) else (np.nan,) * 3
            rows.append({"policy": name, "outcome": outcome, "p5": low, "median": median, "p95": high})
    return pd.DataFrame(rows)


def sensitivity(
    experiment: Experiment, design: Design, runs: pd.DataFrame, outputs: list[str]
) -> pd.DataFrame:
    """Sobol or Morris indices per policy (cross) or over all runs (sampled); empty for other samplers."""
    method = experiment.sampler.kind
    if method not in ("sobol", "morris"):
        return pd.DataFrame()
    groups = (
        [(name, runs[runs["policy"] == number]) for number, name in enumerate(policy_names(design))]
        if experiment.combine == "cross"
        else [("all policies", runs)]
    )
    frames = []
    for name, group in groups:
        ordered = group.sort_values("future")
        table = sensitivity_table(
            method,
            design.dimensions,
            design.unit,
            ordered[outputs],
            experiment.sampler.levels,
            experiment.seed,
        )
        table.insert(0, "policy", name)
        frames.append(table)
    return pd.concat(frames, ignore_index=True)


def policy_names(design: Design) -> list[str]:
    """Policy names in design order."""
    return [policy.name for policy in design.policies]


def discovery(experiment: Experiment, design: Design, runs: pd.DataFrame) -> pd.DataFrame:
    """PRIM boxes of the inputs in which each policy misses at least one threshold."""
    if not experiment.thresholds:
        return pd.DataFrame()
    inputs = [u.name for u in experiment.uncertainties] + [lv.name for lv in experiment.levers if lv.per_run]
    succeeded = runs[runs["status"] == "ok"]
    frames = []
    for number, name in enumerate(policy_names(design)):
        own = succeeded[succeeded["policy"] == number]
        box = prim_box(own[inputs].astype(float), ~meets_all(own, experiment.thresholds))
        box.insert(0, "policy", name)
        frames.append(box)
    return pd.concat(frames, ignore_index=True)


def analyse(experiment: Experiment, exploration: Exploration) -> dict[str, pd.DataFrame]:
    """Every analysis table of a finished exploration, keyed by name (see ANALYSES)."""
    design = exploration.design
    runs = stores.read_runs(exploration.folder)
    names = policy_names(design)
    outputs = [name for name in SystemModel(experiment).outcome_names if name in runs.columns]
    return {
        "outcomes": outcome_table(runs, names, list(experiment.outcomes)),
        "robustness": robustness_table(runs, names, experiment.thresholds),
        "regret": regret_table(runs, names, experiment.outcomes)
        if experiment.combine == "cross"
        else pd.DataFrame(),
        "sensitivity": sensitivity(experiment, design, runs, outputs),
        "prim": discovery(experiment, design, runs),
    }


def list_explorations(store: Path | None = None) -> list[Manifest]:
    """Manifests of the catalogued explorations, newest first."""
    folder = store_folder(store)
    return [stores.read_manifest(Path(path)) for path in stores.catalog(folder).get("path", [])]


@dataclass(frozen=True)
class ExplorationView:
    """A stored exploration: its manifest, quantile summaries and analysis tables."""

    manifest: Manifest
    folder: Path
    summaries: pd.DataFrame  # policy, variable, period, quantile, value
    tables: dict[str, pd.DataFrame]  # keyed by ANALYSES


def exploration_folder(exploration_id: str, store: Path | None = None) -> Path:
    """The folder of a catalogued exploration (InputError if unknown)."""
    folder = store_folder(store)
    known = stores.catalog(folder)
    match = known[known["id"] == exploration_id]
    if match.empty:
        hint = ", ".join(known["id"].head(5)) or "none stored yet"
        raise InputError(folder, exploration_id, f"a known exploration id ({hint})")
    return Path(str(match["path"].iloc[0]))


def show_exploration(exploration_id: str, store: Path | None = None) -> ExplorationView:
    """Everything stored about one exploration."""
    folder = exploration_folder(exploration_id, store)
    return ExplorationView(
        manifest=stores.read_manifest(folder),
        folder=folder,
        summaries=stores.read_table(folder, "summaries"),
        tables={name: stores.read_table(folder, name) for name in ANALYSES},
    )


def exploration_runs(exploration_id: str, store: Path | None = None) -> pd.DataFrame:
    """The per-run table of an exploration (design, outcomes, status, reason), sorted by run."""
    return stores.read_runs(exploration_folder(exploration_id, store))
