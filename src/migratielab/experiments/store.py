"""Explorations on disk: per-run Parquet written while streaming, quantile summaries, manifest, catalog.

Layout under the store folder (``$MIGRATIELAB_HOME/explorations`` unless given)::

    catalog.duckdb            one row per finished exploration
    <id>/manifest.json        code version, parameter file hashes, seed, sampler, size, wall time, failures
    <id>/runs.parquet         one row per run: design columns, outcomes, status, reason
    <id>/summaries.parquet    quantiles over runs per policy, variable and month (streaming sketches)
    <id>/<analysis>.parquet   robustness, regret, sensitivity and PRIM tables
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata, resources
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import BaseModel

from migratielab.experiments.evaluate import ChunkResult
from migratielab.experiments.sampling import Design
from migratielab.files import atomic_path
from migratielab.results import write_parquet

CATALOG_FILE = "catalog.duckdb"
RUNNING_FILE = ".running"
"""Present in an exploration's folder until it is catalogued; holds the process id writing it."""
LOCK_WAIT_SECONDS = 60.0
"""How long a catalog write or read waits for another process holding the DuckDB file lock."""
T = TypeVar("T")
CATALOG_COLUMNS = (
    "id VARCHAR PRIMARY KEY, name VARCHAR, created VARCHAR, runs BIGINT, failed BIGINT, "
    "sampler VARCHAR, size BIGINT, seed BIGINT, backend VARCHAR, wall_seconds DOUBLE, path VARCHAR"
)


def default_store() -> Path:
    """``$MIGRATIELAB_HOME/explorations`` (default home ``~/.cache/migratielab``)."""
    home = os.environ.get("MIGRATIELAB_HOME") or "~/.cache/migratielab"
    return Path(home).expanduser() / "explorations"


def new_exploration_id(name: str) -> str:
    """A unique, sortable, file-name-safe id: name slug, UTC time and a random suffix."""
    slug = "".join(char if char.isalnum() else "-" for char in name.lower()).strip("-")[:40] or "exploration"
    return f"{slug}-{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"


class Manifest(BaseModel):
    """What produced an exploration, so it can be cited and reproduced."""

    id: str
    name: str
    created: str
    code_version: str
    parameter_hashes: dict[str, str]  # file name -> sha256
    experiment_hash: str  # sha256 of the experiment as validated JSON
    seed: int
    sampler: str
    size: int
    runs: int
    failed: int
    policies: list[str]
    backend: str
    workers: int
    chunk_size: int
    wall_seconds: float
    experiment: dict[str, Any]  # the validated experiment, to rebuild its design


def code_version() -> str:
    """The installed migratielab version."""
    try:
        return metadata.version("migratielab")
    except metadata.PackageNotFoundError:
        return "unknown"


def parameter_hashes() -> dict[str, str]:
    """sha256 of each bundled parameter file."""
    folder = resources.files("migratielab.params")
    return {
        entry.name: hashlib.sha256(entry.read_bytes()).hexdigest()
        for entry in sorted(folder.iterdir(), key=lambda item: item.name)
        if entry.name.endswith(".yaml")
    }


def text_hash(text: str) -> str:
    """sha256 of a text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def run_schema(design: Design, outcome_names: list[str]) -> pa.Schema:
    """Columns of the per-run table: design columns, outcomes (float64), status and reason."""
    fields = [pa.field("run", pa.int64())]
    for name, dtype in design.table.dtypes.items():
        kind = (
            pa.int64()
            if pd.api.types.is_integer_dtype(dtype)
            else (pa.float64() if pd.api.types.is_float_dtype(dtype) else pa.string())
        )
        fields.append(pa.field(str(name), kind))
    fields += [pa.field(name, pa.float64()) for name in outcome_names]
    fields += [pa.field("status", pa.string()), pa.field("reason", pa.string())]
    return pa.schema(fields)


@dataclass
class RunTableWriter:
    """Appends the rows of finished chunks to ``runs.parquet`` (row groups in completion order)."""

    path: Path
    design: Design
    outcome_names: list[str]

    def __post_init__(self) -> None:
        self.schema = run_schema(self.design, self.outcome_names)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.partial = self.path.with_name(f".{self.path.name}.partial")
        self.writer = pq.ParquetWriter(self.partial, self.schema, compression="zstd")

    def rows(
        self, runs: np.ndarray, outcomes: dict[str, np.ndarray], status: str, reasons: list[str]
    ) -> pa.Table:
        """Rows for ``runs`` with their outcomes (NaN for failed runs)."""
        design = self.design.table.iloc[runs]
        columns: dict[str, Any] = {"run": runs}
        columns.update({str(name): design[name].to_numpy() for name in design.columns})
        columns.update({name: outcomes[name] for name in self.outcome_names})
        columns["status"] = np.full(len(runs), status, dtype=object)
        columns["reason"] = reasons if reasons else [None] * len(runs)
        return pa.Table.from_pydict(columns, schema=self.schema)

    def write(self, result: ChunkResult) -> None:
        """Append a chunk's successful and failed runs."""
        if len(result.runs):
            self.writer.write_table(self.rows(result.runs, result.outcomes, "ok", []))
        if len(result.failed_runs):
            missing = {name: np.full(len(result.failed_runs), np.nan) for name in self.outcome_names}
            self.writer.write_table(self.rows(result.failed_runs, missing, "failed", result.reasons))

    def close(self, complete: bool = True) -> None:
        """Finish the Parquet file; it appears under its name only when ``complete``."""
        self.writer.close()
        if complete:
            os.replace(self.partial, self.path)
        else:
            self.partial.unlink(missing_ok=True)


def write_manifest(folder: Path, manifest: Manifest) -> Path:
    """Write ``manifest.json`` atomically."""
    path = folder / "manifest.json"
    with atomic_path(path) as temporary:
        temporary.write_text(manifest.model_dump_json(indent=2), encoding="utf-8")
    return path


def read_manifest(folder: Path) -> Manifest:
    """Read an exploration's manifest."""
    return Manifest.model_validate(json.loads((folder / "manifest.json").read_text(encoding="utf-8")))


def with_catalog_lock(action: Callable[[], T], wait: float = LOCK_WAIT_SECONDS) -> T:
    """Run a catalog action, retrying while another process holds DuckDB's file lock (up to ``wait`` s)."""
    deadline = time.monotonic() + wait
    pause = 0.05
    while True:
        try:
            return action()
        except duckdb.IOException as error:
            if "lock" not in str(error).lower() or time.monotonic() > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 1.0)


def register(store: Path, manifest: Manifest) -> None:
    """Add (or replace) an exploration in the store's DuckDB catalog (waiting for a concurrent writer)
    and mark its folder complete."""
    store.mkdir(parents=True, exist_ok=True)
    with_catalog_lock(lambda: _insert(store, manifest))
    (store / manifest.id / RUNNING_FILE).unlink(missing_ok=True)


def _insert(store: Path, manifest: Manifest) -> None:
    """One catalog write: the manifest's row replaces any row with its id."""
    with duckdb.connect(str(store / CATALOG_FILE)) as connection:
        connection.execute(f"CREATE TABLE IF NOT EXISTS explorations ({CATALOG_COLUMNS})")
        connection.execute("DELETE FROM explorations WHERE id = ?", [manifest.id])
        connection.execute(
            "INSERT INTO explorations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                manifest.id,
                manifest.name,
                manifest.created,
                manifest.runs,
                manifest.failed,
                manifest.sampler,
                manifest.size,
                manifest.seed,
                manifest.backend,
                manifest.wall_seconds,
                str(store / manifest.id),
            ],
        )


def catalog(store: Path) -> pd.DataFrame:
    """All explorations in the store's catalog, newest first (empty frame when there are none)."""
    path = store / CATALOG_FILE
    if not path.is_file():
        return pd.DataFrame(columns=["id", "name", "created", "runs", "failed", "sampler", "wall_seconds"])

    def read() -> pd.DataFrame:
        with duckdb.connect(str(path), read_only=True) as connection:
            return connection.execute("SELECT * FROM explorations ORDER BY created DESC, id DESC").df()

    return with_catalog_lock(read)


@contextmanager
def exploration_folder(folder: Path) -> Iterator[Path]:
    """A new exploration's folder, marked running (with this process id) until it is catalogued;
    removed with everything in it if the block fails or is interrupted (Ctrl+C included)."""
    folder.mkdir(parents=True, exist_ok=False)
    (folder / RUNNING_FILE).write_text(str(os.getpid()), encoding="utf-8")
    try:
        yield folder
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def process_alive(pid: int) -> bool:
    """True if a process with this id exists (and is not a zombie, where /proc can tell)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.is_file() and stat.read_text().rsplit(")", 1)[-1].split()[:1] == ["Z"])


def uncatalogued(store: Path) -> dict[Path, str]:
    """Folders of the store that are not in the catalog: ``running`` (its process is alive) or
    ``interrupted`` (killed before it was catalogued; not resumable, ``clean_interrupted`` removes it)."""
    if not store.is_dir():
        return {}
    known = {Path(str(path)).name for path in catalog(store).get("path", [])}
    found: dict[Path, str] = {}
    for folder in sorted(store.iterdir()):
        if not folder.is_dir() or folder.name in known:
            continue
        marker = folder / RUNNING_FILE
        pid = marker.read_text(encoding="utf-8").strip() if marker.is_file() else ""
        found[folder] = "running" if pid.isdigit() and process_alive(int(pid)) else "interrupted"
    return found


def clean_interrupted(store: Path) -> list[Path]:
    """Remove the folders of interrupted explorations; return them."""
    removed = [folder for folder, state in uncatalogued(store).items() if state == "interrupted"]
    for folder in removed:
        shutil.rmtree(folder, ignore_errors=True)
    return removed


def write_table(folder: Path, name: str, table: pd.DataFrame) -> Path:
    """Write an analysis table as ``<name>.parquet``."""
    return write_parquet(table, folder / f"{name}.parquet")


def read_table(folder: Path, name: str) -> pd.DataFrame:
    """Read ``<name>.parquet`` (an empty frame if the exploration has none)."""
    path = folder / f"{name}.parquet"
    return pd.read_parquet(path) if path.is_file() else pd.DataFrame()


def read_runs(folder: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """The per-run table sorted by run (``runs.parquet`` rows are in completion order)."""
    with duckdb.connect() as connection:
        selected = ", ".join(f'"{column}"' for column in columns) if columns else "*"
        path = str(folder / "runs.parquet").replace("'", "''")
        return connection.execute(f"SELECT {selected} FROM read_parquet('{path}') ORDER BY run").df()
