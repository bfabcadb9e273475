"""Importer for Eurostat asylum statistics: the TSV bulk download of e.g. ``migr_asyappctzm``.

A Eurostat TSV file has one row per combination of dimensions and one column per period. The
first header cell names the dimensions and, after a backslash, the time axis
(``freq,unit,citizen,sex,age,applicant,geo\\TIME_PERIOD``); periods are ``2024-01`` (month),
``2024-Q1`` or ``2024``. A cell holds a number, ``:`` (not available) and optionally a flag
after a space (``1234 p`` provisional, ``: c`` confidential). The reader keeps the rows matching
``filters`` (dimension codes), and returns the tidy frame of the CBS importer
(``series_id, period, value, note``) ready for ``importers.import_into_store``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path

import pandas as pd

from migratielab.data.importers import TIDY_COLUMNS, unmatched_filters
from migratielab.data.registry import Source
from migratielab.errors import InputError
from migratielab.limits import MAX_CSV_BYTES
from migratielab.yamlio import read_text_file

DATASET = re.compile(r"[a-z][a-z0-9_]{2,39}")

PERIOD = re.compile(r"(\d{4})(?:-(0[1-9]|1[0-2])|-Q([1-4]))?")
CELL = re.compile(r"(:|-?\d+(?:\.\d+)?)(?:\s+([a-z]+))?")


def store_period(text: str) -> str:
    """The store's period notation of a Eurostat period (``2024-01``, ``2024-Q1`` or ``2024``)."""
    match = PERIOD.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"a Eurostat period like 2024-01, 2024-Q1 or 2024 (got {text.strip()!r})")
    year, month, quarter = match.groups()
    return f"{year}-{month}" if month else f"{year}-Q{quarter}" if quarter else year


def parse_cell(path: Path, line: int, period: str, text: str) -> tuple[float | None, str]:
    """A cell's value (None if not available) and flags; InputError naming file, row and period."""
    match = CELL.fullmatch(text.strip())
    if match is None:
        raise InputError(
            path, f"row {line}, period {period}", f"a number or ':' with an optional flag (got {text!r})"
        )
    value, flags = match.groups()
    return (None if value == ":" else float(value)), flags or ""


def header_of(path: Path, first: str) -> tuple[list[str], list[str]]:
    """Dimension names and periods (store notation) from the header line."""
    cells = first.rstrip("\n").split("\t")
    if "\\" not in cells[0]:
        raise InputError(path, "header", "a Eurostat TSV header like 'freq,unit,...,geo\\TIME_PERIOD'")
    dimensions = cells[0].split("\\")[0].split(",")
    try:
        periods = [store_period(cell) for cell in cells[1:]]
    except ValueError as exc:
        raise InputError(path, "header", str(exc)) from None
    return dimensions, periods


def read_eurostat_tsv(
    path: str | Path, dataset: str, series_id: str, filters: Mapping[str, str]
) -> pd.DataFrame:
    """Read the rows of a Eurostat TSV matching ``filters`` into a tidy frame for ``series_id``.

    ``filters`` must select exactly one row (e.g. ``{"geo": "NL", "citizen": "TOTAL", "sex": "T",
    "age": "TOTAL", "applicant": "NASY_APP", "unit": "PER"}``); values not available are left out.
    """
    file = Path(path)
    if not DATASET.fullmatch(dataset):
        raise InputError(file, "dataset", f"a Eurostat dataset code like migr_asyappctzm (got {dataset!r})")
    if not filters:
        raise InputError(file, "filters", "DIMENSION=CODE pairs selecting one row, e.g. geo=NL")
    lines = read_text_file(file, MAX_CSV_BYTES).removeprefix("\ufeff").splitlines()
    if not lines:
        raise InputError(file, "", "a Eurostat TSV file with a header line")
    dimensions, periods = header_of(file, lines[0])
    unknown = [name for name in filters if name not in dimensions]
    if unknown:
        raise InputError(file, f"filter {unknown[0]!r}", f"one of the dimensions {', '.join(dimensions)}")
    matching = []
    rows = []
    for line, text in enumerate(lines[1:], start=2):
        cells = text.split("\t")
        codes = dict(zip(dimensions, cells[0].split(","), strict=False))
        rows.append(codes)
        if all(codes.get(name) == code for name, code in filters.items()):
            matching.append((line, cells[1:]))
    if not matching:
        raise unmatched_filters(
            file, filters, {name: [row.get(name, "") for row in rows] for name in filters}
        )
    if len(matching) != 1:
        raise InputError(file, "filters", f"exactly one matching row (found {len(matching)})")
    line, cells = matching[0]
    if len(cells) != len(periods):
        raise InputError(file, f"row {line}", f"{len(periods)} period cells (found {len(cells)})")
    records = []
    for period, text in zip(periods, cells, strict=True):
        value, flags = parse_cell(file, line, period, text)
        if value is not None:
            note = f"Eurostat {dataset}" + (f", flag {flags}" if flags else "")
            records.append({"series_id": series_id, "period": period, "value": value, "note": note})
    if not records:
        raise InputError(file, f"row {line}", "at least one available value (every cell is ':')")
    return pd.DataFrame.from_records(records, columns=TIDY_COLUMNS).astype({"value": float})


def eurostat_source(dataset: str, file_name: str, retrieved: date | None = None) -> Source:
    """The catalogue entry for figures imported from a Eurostat dataset (dated by retrieval)."""
    day = (retrieved or date.today()).isoformat()
    return Source(
        publisher="Eurostat",
        title=f"Eurostat dataset {dataset}",
        table=dataset,
        url=f"https://ec.europa.eu/eurostat/databrowser/view/{dataset}/default/table",
        date=day,
        date_basis="retrieved",
        confidence="H",
        note=f"Imported by the user from {file_name} on {day}.",
    )
