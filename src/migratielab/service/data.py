"""Statistics use cases: list the store's series, show one with its sources, import a CBS export.

The CLI (``migratielab data ...``) and the HTTP API call these functions; the returned models
serialise to JSON as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import closing
from datetime import date
from pathlib import Path

import pandas as pd
from pydantic import BaseModel

from migratielab.data import store
from migratielab.data.eurostat import eurostat_source, read_eurostat_tsv
from migratielab.data.importers import ImportSummary, cbs_source, import_into_store, read_cbs_statline_csv
from migratielab.data.observations import split_flags
from migratielab.data.periods import frequency_of, parse_period, span
from migratielab.data.registry import Confidence, Kind, SeriesInfo, SeriesMeta


class SeriesSummary(BaseModel):
    """One line of the series list: what, in which unit, from whom, over which years."""

    series_id: str
    description: str
    unit: str
    frequency: str
    publisher: str
    confidence: Confidence
    span: str
    values: int


class Value(BaseModel):
    """One value of a series with its provenance (``source`` is a key of the series' sources)."""

    period: str
    value: float
    confidence: Confidence
    flags: list[str]
    source: str
    note: str | None


class SeriesView(BaseModel):
    """A series' registry entry (with its sources) and all its values."""

    info: SeriesInfo
    values: list[Value]


def _periods_by_series() -> dict[str, list[str]]:
    """The periods of every series in the store (one query)."""
    with closing(store.connect()) as con:
        rows = con.execute("SELECT series_id, list(period) FROM observations GROUP BY series_id").fetchall()
    return {str(series_id): [str(period) for period in periods] for series_id, periods in rows}


def list_series() -> list[SeriesSummary]:
    """Every series in the store with the years its values span."""
    periods_of = _periods_by_series()
    summaries = []
    for info in store.list_series():
        periods = periods_of.get(info.series_id, [])
        summaries.append(
            SeriesSummary(
                series_id=info.series_id,
                description=info.description,
                unit=info.unit,
                frequency=info.frequency,
                publisher=info.publisher,
                confidence=info.confidence,
                span=span(periods),
                values=len(periods),
            )
        )
    return summaries


def show_series(series_id: str) -> SeriesView:
    """A series with its sources and values; an unknown id raises InputError with suggestions."""
    info = store.series_info(series_id)
    frame = store.get_series(series_id)
    values = [
        Value(
            period=str(row["period"]),
            value=float(row["value"]),
            confidence=row["confidence"],
            flags=list(split_flags(row["flags"])),
            source=str(row["source"]),
            note=str(row["note"]) or None,
        )
        for row in frame.to_dict("records")
    ]
    return SeriesView(info=info, values=values)


def _imported_series(
    frame: pd.DataFrame, series_id: str, description: str, unit: str, kind: Kind, definition: str
) -> SeriesMeta:
    """The registry entry of a series new to the store, from the periods an import gives it."""
    kinds = [
        parse_period(str(period)).kind for period in frame.loc[frame["series_id"] == series_id, "period"]
    ]
    return SeriesMeta(
        description=description,
        unit=unit,
        frequency=frequency_of(kinds) if kinds else "mixed",
        kind=kind,
        confidence="H",
        definition=definition,
    )


def import_cbs(
    path: Path,
    table_id: str,
    columns: Mapping[str, str],
    filters: Mapping[str, str] | None = None,
    *,
    unit: str | None = None,
    kind: Kind = "flow",
    retrieved: date | None = None,
) -> ImportSummary:
    """Import columns of a CBS StatLine CSV export into the store.

    ``columns`` maps StatLine topic columns to series ids. Values for series already in the
    store replace those of the same period; other ids become new series described from the
    table and column (``unit`` defaults to "as published by CBS").
    """
    frame = read_cbs_statline_csv(path, table_id, columns, filters)
    selection = "".join(f", {column}={code}" for column, code in (filters or {}).items())
    new_series = {
        series_id: _imported_series(
            frame,
            series_id,
            f"CBS StatLine {table_id.upper()}: {column}",
            unit or "as published by CBS",
            kind,
            f"Column {column} of CBS StatLine table {table_id.upper()}{selection}.",
        )
        for column, series_id in columns.items()
    }
    source = cbs_source(table_id, Path(path).name, retrieved)
    return import_into_store(frame, source, source_key=f"cbs-{table_id.lower()}", new_series=new_series)


def import_eurostat(
    path: Path,
    dataset: str,
    series_id: str,
    filters: Mapping[str, str],
    *,
    unit: str | None = None,
    kind: Kind = "flow",
    retrieved: date | None = None,
) -> ImportSummary:
    """Import the one row of a Eurostat TSV bulk download that ``filters`` select as ``series_id``.

    Values for a series already in the store replace those of the same period; a new id becomes a
    series described from the dataset and the selection (``unit`` defaults to "as published by
    Eurostat"). Raises InputError naming the file and the key of the first problem.
    """
    frame = read_eurostat_tsv(path, dataset, series_id, filters)
    selection = ", ".join(f"{name}={code}" for name, code in filters.items())
    meta = _imported_series(
        frame,
        series_id,
        f"Eurostat {dataset}: {selection}",
        unit or "as published by Eurostat",
        kind,
        f"The row {selection} of Eurostat dataset {dataset}.",
    )
    source = eurostat_source(dataset, Path(path).name, retrieved)
    key = "eurostat-" + dataset.replace("_", "-")
    return import_into_store(frame, source, source_key=key, new_series={series_id: meta})
