"""Assemble the store's contents: the bundled registry and CSV files plus user imports.

User imports live in ``$MIGRATIELAB_HOME/imports/<source key>/`` as two files: ``manifest.yaml``
(the source, any new series, and the existing series the import adds values to) and
``values.csv`` (same columns as the bundled CSV files). An imported value replaces a bundled
value of the same series and period. Directories whose name starts with ``.`` are ignored
(they are imports being written).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pydantic import Field

from migratielab.data.observations import Row, index_unique, read_rows_file, resolve
from migratielab.data.periods import ALLOWED_KINDS
from migratielab.data.registry import (
    SOURCE_KEY,
    SeriesEntry,
    SeriesInfo,
    SeriesMeta,
    Source,
    check_series_id,
    load_registry,
)
from migratielab.errors import InputError
from migratielab.yamlio import Strict, load_model

BUNDLE_DIR = Path(__file__).parent
REGISTRY_FILE = BUNDLE_DIR / "series.yaml"
VALUES_DIR = BUNDLE_DIR / "series"
IMPORTS_DIR = "imports"
MANIFEST_FILE = "manifest.yaml"
VALUES_FILE = "values.csv"


class ImportManifest(Strict):
    """What a user import adds: one source, new series and/or values for existing series."""

    source_key: str = Field(pattern=SOURCE_KEY.pattern)
    source: Source
    new_series: dict[str, SeriesMeta] = Field(default_factory=dict)
    extends: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class Contents:
    """Everything the store holds: resolved series (registry order) and checked value rows."""

    series: dict[str, SeriesInfo]
    rows: list[Row]


def import_dirs(home: Path) -> list[Path]:
    """Completed user-import directories under ``home``, in name order."""
    root = home / IMPORTS_DIR
    if not root.is_dir():
        return []
    return sorted(path for path in root.iterdir() if path.is_dir() and not path.name.startswith("."))


def input_files(imports: Sequence[Path]) -> list[Path]:
    """Every file the store is built from: bundled registry and CSVs, then each import's files."""
    bundled = [REGISTRY_FILE, *sorted(VALUES_DIR.glob("*.csv"))]
    return bundled + [directory / name for directory in imports for name in (MANIFEST_FILE, VALUES_FILE)]


def digest(files: Iterable[Path], salt: str) -> str:
    """SHA-256 over ``salt`` and each file's name and bytes (missing files count as empty)."""
    hasher = hashlib.sha256(salt.encode())
    for path in files:
        hasher.update(f"\0{path.parent.name}/{path.name}\0".encode())
        hasher.update(path.read_bytes() if path.is_file() else b"")
    return hasher.hexdigest()


@lru_cache(maxsize=2)
def _parsed_registry(content_digest: str) -> dict[str, SeriesInfo]:
    """The bundled registry, parsed once per process and content (YAML parsing is the slow part)."""
    return load_registry(REGISTRY_FILE)


def bundled_registry() -> dict[str, SeriesInfo]:
    """The bundled registry (a fresh dict; the entries are immutable)."""
    return dict(_parsed_registry(hashlib.sha256(REGISTRY_FILE.read_bytes()).hexdigest()))


def _bundled_rows() -> dict[tuple[str, str], Row]:
    """All bundled value rows keyed by (series id, period); a repeated key is an error."""
    rows = [row for path in sorted(VALUES_DIR.glob("*.csv")) for row in read_rows_file(path)]
    return index_unique(rows)


def _apply_manifest(
    series: dict[str, SeriesInfo], manifest: ImportManifest, path: Path
) -> dict[str, SeriesInfo]:
    """The registry after an import's new series and extensions are added."""
    known_keys = {key for info in series.values() for key in info.sources}
    if manifest.source_key in known_keys:
        raise InputError(path, "source_key", f"a key not used elsewhere (got {manifest.source_key!r})")
    updated = dict(series)
    for series_id, meta in manifest.new_series.items():
        check_series_id(path, f"new_series.{series_id}", series_id)
        if series_id in updated:
            raise InputError(path, f"new_series.{series_id}", "an id not yet in the store (use 'extends')")
        entry = SeriesEntry(**meta.model_dump(), sources=[manifest.source_key])
        updated[series_id] = SeriesInfo.resolve(series_id, entry, {manifest.source_key: manifest.source})
    for index, series_id in enumerate(manifest.extends):
        if series_id not in updated:
            raise InputError(path, f"extends.{index}", f"a series in the store (got {series_id!r})")
        updated[series_id] = updated[series_id].with_source(manifest.source_key, manifest.source)
    return updated


def _import_rows(directory: Path, manifest: ImportManifest) -> dict[tuple[str, str], Row]:
    """An import's value rows; each must belong to a series the manifest names."""
    allowed = set(manifest.new_series) | set(manifest.extends)
    keyed = index_unique(read_rows_file(directory / VALUES_FILE))
    for row in keyed.values():
        if row.series_id not in allowed:
            label = str(directory / MANIFEST_FILE)
            raise InputError(label, "new_series/extends", f"an entry for series {row.series_id!r}")
    return keyed


def _widen_frequencies(series: dict[str, SeriesInfo], rows: Iterable[Row]) -> dict[str, SeriesInfo]:
    """Mark a series 'mixed' when imported rows brought period kinds its frequency does not allow."""
    widened = dict(series)
    for row in rows:
        info = widened[row.series_id]
        if row.period.kind not in ALLOWED_KINDS[info.frequency]:
            widened[row.series_id] = info.model_copy(update={"frequency": "mixed"})
    return widened


def assemble(imports: Sequence[Path]) -> Contents:
    """Load, merge and check the bundled files and the given import directories."""
    series = bundled_registry()
    keyed = _bundled_rows()
    for directory in imports:
        manifest = load_model(directory / MANIFEST_FILE, ImportManifest)
        series = _apply_manifest(series, manifest, directory / MANIFEST_FILE)
        imported = _import_rows(directory, manifest)
        series = _widen_frequencies(series, imported.values())
        keyed.update(imported)
    rows = [resolve(row, series) for row in keyed.values()]
    covered = {row.series_id for row in rows}
    for series_id in series:
        if series_id not in covered:
            raise InputError(REGISTRY_FILE, f"series.{series_id}", "at least one value row in the CSV files")
    rows.sort(key=lambda row: (row.series_id, row.period.sort_key()))
    return Contents(series, rows)
