"""Run an experiment: build its design, stream chunks through a backend, store what lasts.

Only per-run scalars and fixed-size quantile sketches are kept while streaming, so memory does
not grow with the number of runs beyond the design table (a few floats per run).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from migratielab.analysis.indicators import FAN_QUANTILES
from migratielab.experiments.backends import Backend, InProcessBackend
from migratielab.experiments.evaluate import ChunkResult, ChunkTask, RunModel, SystemModel
from migratielab.experiments.sampling import Design, build_design
from migratielab.experiments.schema import Experiment
from migratielab.experiments.sketch import QuantileSketch
from migratielab.experiments.store import (
    Manifest,
    RunTableWriter,
    code_version,
    default_store,
    exploration_folder,
    new_exploration_id,
    parameter_hashes,
    text_hash,
    write_manifest,
)
from migratielab.models.asylum.record import month_index
from migratielab.results import write_parquet

DEFAULT_CHUNK_SIZE = 2000
SUMMARY_QUANTILES = (0.01, *FAN_QUANTILES, 0.99)
Progress = Callable[[int, int], None]


def value_columns(design: Design, experiment: Experiment | None) -> list[str]:
    """Design columns a model needs per run: uncertainties and per-run levers (all when no experiment)."""
    if experiment is None:
        return [str(name) for name in design.table.columns if name not in ("future", "policy")]
    return [u.name for u in experiment.uncertainties] + [lv.name for lv in experiment.levers if lv.per_run]


def chunk_tasks(design: Design, columns: list[str], chunk_size: int) -> Iterator[ChunkTask]:
    """Tasks of at most ``chunk_size`` runs, each within one policy, in run order."""
    table = design.table
    policy_of_run = table["policy"].to_numpy()
    futures = table["future"].to_numpy().astype(np.int64)
    values = {name: table[name].to_numpy(dtype=float) for name in columns}
    for policy_id, policy in enumerate(design.policies):
        runs = np.flatnonzero(policy_of_run == policy_id)
        for start in range(0, len(runs), chunk_size):
            part = runs[start : start + chunk_size]
            yield ChunkTask(
                policy_id=policy_id,
                policy=policy,
                runs=part.astype(np.int64),
                futures=futures[part],
                values={name: column[part] for name, column in values.items()},
            )


def stream(
    design: Design,
    model: RunModel,
    backend: Backend,
    chunk_size: int,
    sink: Callable[[ChunkResult], None],
    experiment: Experiment | None = None,
    progress: Progress | None = None,
) -> None:
    """Evaluate every run of ``design`` in chunks and hand each chunk result to ``sink``."""
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    tasks = chunk_tasks(design, value_columns(design, experiment), chunk_size)
    done = 0
    for result in backend.results(model, tasks):
        sink(result)
        done += len(result.runs) + len(result.failed_runs)
        if progress is not None:
            progress(done, design.runs)


@dataclass
class EnsembleSink:
    """Collects chunk results: rows to the run table, counts to one quantile sketch per policy."""

    writer: RunTableWriter
    variables: int
    months: int
    sketches: dict[int, QuantileSketch] = field(default_factory=dict)
    failed: int = 0

    def __call__(self, result: ChunkResult) -> None:
        """Store one chunk result."""
        self.writer.write(result)
        sketch = self.sketches.setdefault(result.policy_id, QuantileSketch(self.variables, self.months))
        sketch.add(result.counts)
        self.failed += len(result.failed_runs)


def summary_table(
    sketches: dict[int, QuantileSketch], policies: list[str], variables: list[str], experiment: Experiment
) -> pd.DataFrame:
    """Long table of quantiles over runs: policy, variable, period (YYYY-MM), quantile, value."""
    periods = month_index(experiment.start_year, experiment.months).strftime("%Y-%m").to_numpy()
    frames = []
    for policy_id, sketch in sorted(sketches.items()):
        values = sketch.quantiles(SUMMARY_QUANTILES)  # (quantile, variable, month)
        q_index, v_index, m_index = np.indices(values.shape).reshape(3, -1)
        frames.append(
            pd.DataFrame(
                {
                    "policy": policies[policy_id],
                    "variable": np.asarray(variables)[v_index],
                    "period": periods[m_index],
                    "quantile": np.asarray(SUMMARY_QUANTILES)[q_index],
                    "value": values.reshape(-1),
                }
            )
        )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


@dataclass(frozen=True)
class Exploration:
    """A finished exploration: its folder, manifest and design."""

    folder: Path
    manifest: Manifest
    design: Design


def run_experiment(
    experiment: Experiment,
    backend: Backend | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    store: Path | None = None,
    progress: Progress | None = None,
    model: RunModel | None = None,
) -> Exploration:
    """Evaluate the experiment and write its run table, summaries and manifest (not yet catalogued)."""
    chosen = backend if backend is not None else InProcessBackend()
    run_model = model if model is not None else SystemModel(experiment)
    started = time.perf_counter()
    design = build_design(experiment)
    exploration_id = new_exploration_id(experiment.name)
    folder = (store if store is not None else default_store()) / exploration_id
    with exploration_folder(folder):
        sink = stream_to_folder(folder, design, run_model, chosen, chunk_size, experiment, progress)
        manifest = write_results(folder, experiment, design, run_model, sink, chosen, chunk_size, started)
    return Exploration(folder=folder, manifest=manifest, design=design)


def stream_to_folder(
    folder: Path,
    design: Design,
    run_model: RunModel,
    backend: Backend,
    chunk_size: int,
    experiment: Experiment,
    progress: Progress | None,
) -> EnsembleSink:
    """Evaluate every run into ``runs.parquet`` of ``folder``; the sink keeps the quantile sketches."""
    writer = RunTableWriter(folder / "runs.parquet", design, run_model.outcome_names)
    sink = EnsembleSink(writer, len(run_model.summaries), run_model.months)
    try:
        stream(design, run_model, backend, chunk_size, sink, experiment, progress)
    except BaseException:
        writer.close(complete=False)
        raise
    writer.close()
    return sink


def write_results(
    folder: Path,
    experiment: Experiment,
    design: Design,
    run_model: RunModel,
    sink: EnsembleSink,
    chosen: Backend,
    chunk_size: int,
    started: float,
) -> Manifest:
    """Write the summaries and the manifest of a streamed exploration; return the manifest."""
    exploration_id = folder.name
    names = [policy.name for policy in design.policies]
    write_parquet(
        summary_table(sink.sketches, names, run_model.summaries, experiment), folder / "summaries.parquet"
    )
    experiment_json = experiment.model_dump(mode="json")
    manifest = Manifest(
        id=exploration_id,
        name=experiment.name,
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        code_version=code_version(),
        parameter_hashes=parameter_hashes(),
        experiment_hash=text_hash(experiment.model_dump_json()),
        seed=experiment.seed,
        sampler=experiment.sampler.kind,
        size=experiment.sampler.size,
        runs=design.runs,
        failed=sink.failed,
        policies=names,
        backend=chosen.name,
        workers=chosen.workers,
        chunk_size=chunk_size,
        wall_seconds=time.perf_counter() - started,
        experiment=experiment_json,
    )
    write_manifest(folder, manifest)
    return manifest
