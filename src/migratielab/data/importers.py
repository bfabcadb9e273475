"""Importers: read CBS StatLine CSV exports and add their series to the store.

A StatLine CSV export (e.g. table 83102NED) is semicolon-separated with quoted fields, one
column per dimension (``Geslacht``, ``Leeftijd``, ``Nationaliteit``, ``Perioden``, codes often
padded with spaces) and one per topic (e.g. ``EersteAsielverzoekenPersonen_2``). Period codes
are ``2015JJ00`` (year), ``2016HJ02`` (half-year), ``2015KW03`` (quarter) and ``2015MM10``
(month). Missing values are empty or ``.`` (also ``..`` and ``x``, CBS's marks for unknown or
secret); ``-`` is CBS's mark for nil and reads as 0. A decimal comma is accepted.

An import is validated completely before anything is written; it then lands in
``$MIGRATIELAB_HOME/imports/<source key>/`` in one directory rename, and the store is rebuilt.
Importing the same table again replaces the earlier import of that table.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from uuid import uuid4

import pandas as pd
import yaml
from pydantic import BaseModel

from migratielab.data import store
from migratielab.data.bundle import (
    IMPORTS_DIR,
    MANIFEST_FILE,
    VALUES_FILE,
    ImportManifest,
    assemble,
    import_dirs,
)
from migratielab.data.observations import COLUMNS, parse_number, read_rows
from migratielab.data.registry import SOURCE_KEY, SeriesMeta, Source
from migratielab.errors import InputError
from migratielab.limits import MAX_CSV_BYTES, MAX_CSV_FIELD_CHARACTERS
from migratielab.yamlio import read_text_file

STATLINE_PERIOD = re.compile(r"(1[89][0-9]{2}|2[01][0-9]{2})(JJ00|HJ0[12]|KW0[1-4]|MM(?:0[1-9]|1[0-2]))")
TOPIC_KEY = re.compile(r".+_\d+")
TABLE_ID = re.compile(r"\d{5}[A-Za-z]{3}")
MISSING_MARKS = frozenset({"", ".", "..", "x"})
NIL_MARKS = frozenset({"-"})
PERIOD_COLUMN = "Perioden"
TIDY_COLUMNS = ["series_id", "period", "value", "note"]


class ImportSummary(BaseModel):
    """What an import added: its source key, directory, and number of values per series."""

    source_key: str
    directory: str
    values: dict[str, int]
    new_series: list[str]


def statline_period(code: str) -> str:
    """Store notation of a StatLine period code (2015JJ00 -> 2015, 2015KW03 -> 2015-Q3, ...)."""
    match = STATLINE_PERIOD.fullmatch(code)
    if match is None:
        raise ValueError(
            "a StatLine period code like 2015JJ00, 2016HJ02, 2015KW03 or 2015MM10, year 1800-2199 "
            f"(got {code[:40]!r})"
        )
    year, part = match.groups()
    if part == "JJ00":
        return year
    suffix = {"HJ": "H", "KW": "Q"}.get(part[:2])
    return f"{year}-{suffix}{part[3]}" if suffix else f"{year}-{part[2:]}"


def _statline_value(text: str) -> float | None:
    """A cell as a number: None for CBS's missing marks, 0 for nil; ValueError otherwise."""
    if text in MISSING_MARKS:
        return None
    if text in NIL_MARKS:
        return 0.0
    value = parse_number(text)
    if value < 0:
        raise ValueError(f"{text!r} is negative")
    return value


def _cell_value(path: Path, line: int, column: str, text: str) -> float | None:
    """A topic cell as a number (None if missing); InputError naming file, row and column otherwise."""
    try:
        return _statline_value(text)
    except ValueError:
        expected = f"a non-negative number, '.' or empty for missing (got {text[:40]!r})"
        raise InputError(path, f"row {line}, column {column}", expected) from None


def _read_statline_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (line number, cells) of a semicolon-separated file, cells stripped."""
    text = read_text_file(path, MAX_CSV_BYTES).removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text), delimiter=";", quotechar='"')
    try:
        lines = [(reader.line_num, [cell.strip() for cell in cells]) for cells in reader if any(cells)]
    except csv.Error as exc:
        raise InputError(
            path, f"row {reader.line_num}", f"valid semicolon-separated fields ({exc})"
        ) from None
    for line, cells in lines:
        if any(len(cell) > MAX_CSV_FIELD_CHARACTERS for cell in cells):
            raise InputError(
                path, f"row {line}", f"fields of at most {MAX_CSV_FIELD_CHARACTERS:,} characters"
            )
    if not lines:
        raise InputError(path, "", "a StatLine CSV export with a header row")
    (_, header), body = lines[0], lines[1:]
    for line, cells in body:
        if len(cells) != len(header):
            raise InputError(
                path, f"row {line}", f"{len(header)} fields separated by ';' (found {len(cells)})"
            )
    return header, body


def _require_columns(path: Path, header: Sequence[str], needed: Sequence[str]) -> None:
    """Raise InputError naming the first column of ``needed`` missing from ``header``."""
    for column in needed:
        if column not in header:
            raise InputError(path, "header", f"a column {column!r} (found: {', '.join(header)})")


def _duplicate_period(
    path: Path,
    header: Sequence[str],
    column_map: Mapping[str, str],
    first: tuple[int, list[str]],
    again: tuple[int, list[str]],
) -> InputError:
    """The error for two rows of one period, naming the dimension columns in which they differ.

    Topic columns (mapped ones, and StatLine's ``Name_N`` topic keys) are not dimensions.
    """
    differing = [
        name
        for index, name in enumerate(header)
        if name not in column_map
        and name != "ID"
        and not TOPIC_KEY.fullmatch(name)
        and first[1][index] != again[1][index]
    ]
    columns = ", ".join(differing) or "the dimension columns"
    example = differing[0] if differing else "DIMENSION"
    expected = (
        f"one row per period ({again[1][header.index(PERIOD_COLUMN)]} also on row {first[0]}); keep one "
        f"code of {columns} with filters (on the command line: --where {example}=CODE)"
    )
    return InputError(path, f"row {again[0]}", expected)


SHOWN_CODES = 8
"""How many of a column's codes an error about a filter lists."""


def unmatched_filters(
    file: Path, filters: Mapping[str, str], codes: Mapping[str, Iterable[str]]
) -> InputError:
    """The error for filters (``--where COLUMN=CODE`` on the command line) that match no row: the
    first filter whose code its column never has, with a few of the codes it does have; otherwise
    every filter, as they match rows one by one but never together. ``codes`` are each filtered
    column's codes, row by row."""
    for column, code in filters.items():
        found = sorted(set(codes[column]))
        if code.strip() not in found:
            shown = ", ".join(found[:SHOWN_CODES]) + (
                f" and {len(found) - SHOWN_CODES} more" if len(found) > SHOWN_CODES else ""
            )
            return InputError(file, f"--where {column}={code}", f"a code of column {column} (found: {shown})")
    together = " ".join(f"--where {column}={code}" for column, code in filters.items())
    return InputError(
        file, together, "filters that match at least one row together (each matches rows alone)"
    )


def read_cbs_statline_csv(
    path: str | Path,
    table_id: str,
    column_map: Mapping[str, str],
    filters: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Read a CBS StatLine CSV export into a tidy frame.

    ``column_map`` maps topic columns to store series ids; ``filters`` keeps only rows whose
    dimension column equals a code (e.g. ``{"Nationaliteit": "T001059"}`` for the total over
    nationalities; codes are compared without padding). Returns columns ``series_id``,
    ``period`` (store notation), ``value`` (float, in the table's unit) and ``note``; missing
    values are left out. Raises InputError naming the file, row and column of the first problem,
    including more than one row per period after filtering.
    """
    file = Path(path)
    if not TABLE_ID.fullmatch(table_id):
        raise InputError(file, "table", f"a StatLine table id like 83102NED (got {table_id!r})")
    if not column_map:
        raise InputError(file, "columns", "at least one column mapped to a series id")
    wanted = dict(filters or {})
    header, body = _read_statline_rows(file)
    _require_columns(file, header, [PERIOD_COLUMN, *column_map, *wanted])
    position = {name: index for index, name in enumerate(header)}
    records: list[dict[str, object]] = []
    seen: dict[tuple[str, str], tuple[int, list[str]]] = {}
    for line, cells in body:
        if any(cells[position[column]] != code.strip() for column, code in wanted.items()):
            continue
        code = cells[position[PERIOD_COLUMN]]
        try:
            period = statline_period(code)
        except ValueError as exc:
            raise InputError(file, f"row {line}, column {PERIOD_COLUMN}", str(exc)) from None
        for column, series_id in column_map.items():
            if (series_id, period) in seen:
                raise _duplicate_period(file, header, column_map, seen[(series_id, period)], (line, cells))
            seen[(series_id, period)] = (line, cells)
            value = _cell_value(file, line, column, cells[position[column]])
            if value is not None:
                note = f"CBS StatLine {table_id.upper()}, column {column}, period {code}"
                records.append({"series_id": series_id, "period": period, "value": value, "note": note})
    if not seen and wanted:
        raise unmatched_filters(
            file, wanted, {name: [cells[position[name]] for _, cells in body] for name in wanted}
        )
    if not records:
        raise InputError(file, "", "at least one value in the mapped columns after filtering")
    return pd.DataFrame.from_records(records, columns=TIDY_COLUMNS).astype({"value": float})


def cbs_source(table_id: str, file_name: str, retrieved: date | None = None) -> Source:
    """The catalogue entry for figures imported from a StatLine table (dated by retrieval)."""
    day = (retrieved or date.today()).isoformat()
    return Source(
        publisher="CBS",
        title=f"StatLine table {table_id.upper()}",
        table=table_id.upper(),
        url=f"https://opendata.cbs.nl/statline/#/CBS/nl/dataset/{table_id.upper()}",
        date=day,
        date_basis="retrieved",
        confidence="H",
        note=f"Imported by the user from {file_name} on {day}.",
    )


def _values_csv(frame: pd.DataFrame, source_key: str) -> str:
    """The store's CSV text for a tidy frame, every row citing ``source_key``."""
    missing = [column for column in ("series_id", "period", "value") if column not in frame.columns]
    if missing:
        raise InputError(
            f"import {source_key}", "frame", f"columns series_id, period, value (missing {missing})"
        )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    notes = frame["note"] if "note" in frame.columns else [""] * len(frame)
    for series_id, period, value, note in zip(
        frame["series_id"], frame["period"], frame["value"], notes, strict=True
    ):
        writer.writerow([series_id, period, repr(float(value)), source_key, "", "", note or ""])
    return buffer.getvalue()


def _write_import(directory: Path, manifest: ImportManifest, values_csv: str) -> None:
    """Write an import's manifest and values into a new directory."""
    directory.mkdir(parents=True)
    content = manifest.model_dump(mode="json", exclude_none=True)
    (directory / MANIFEST_FILE).write_text(
        yaml.safe_dump(content, sort_keys=False, allow_unicode=True), "utf-8"
    )
    (directory / VALUES_FILE).write_text(values_csv, encoding="utf-8")


def _install(staging: Path, final: Path) -> Path | None:
    """Move ``staging`` to ``final``; return where an earlier import was moved (or None)."""
    previous = None
    if final.exists():
        previous = final.with_name(f".replaced-{final.name}-{uuid4().hex}")
        final.rename(previous)
    try:
        staging.rename(final)
    except OSError:
        if previous is not None:
            previous.rename(final)
        raise
    return previous


def import_into_store(
    frame: pd.DataFrame,
    source: Source,
    *,
    source_key: str,
    new_series: Mapping[str, SeriesMeta] | None = None,
) -> ImportSummary:
    """Add a tidy frame (``series_id, period, value[, note]``) from ``source`` to the store.

    Series already in the store gain the values (replacing values of the same period);
    ``new_series`` gives the description, unit, ... of series ids not yet in the store
    (entries for existing ids are ignored). Everything is validated before anything is
    written; a problem raises InputError and leaves the store as it was.
    """
    if not SOURCE_KEY.fullmatch(source_key):
        raise InputError(f"import {source_key}", "source_key", "lowercase letters, digits and '-'")
    home = store.store_home()
    final = home / IMPORTS_DIR / source_key
    others = [directory for directory in import_dirs(home) if directory != final]
    values_csv = _values_csv(frame, source_key)
    ids = list(dict.fromkeys(row.series_id for row in read_rows(values_csv, f"import {source_key}")))
    existing = assemble(others).series
    missing = [
        series_id for series_id in ids if series_id not in existing and series_id not in (new_series or {})
    ]
    if missing:
        raise InputError(
            f"import {source_key}", f"series {missing[0]!r}", "a series in the store or its description"
        )
    manifest = ImportManifest(
        source_key=source_key,
        source=source,
        new_series={
            series_id: (new_series or {})[series_id] for series_id in ids if series_id not in existing
        },
        extends=[series_id for series_id in ids if series_id in existing],
    )
    staging = home / IMPORTS_DIR / f".staging-{source_key}-{uuid4().hex}"
    try:
        _write_import(staging, manifest, values_csv)
        assemble([*others, staging])
        previous = _install(staging, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if previous is not None:
        shutil.rmtree(previous, ignore_errors=True)
    store.rebuild()
    counts = {series_id: int((frame["series_id"] == series_id).sum()) for series_id in ids}
    return ImportSummary(
        source_key=source_key, directory=str(final), values=counts, new_series=list(manifest.new_series)
    )
