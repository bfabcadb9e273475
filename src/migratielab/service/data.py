"""Statistics use cases: list the store's series, show one with its sources, import a CBS export.

The CLI (``migratielab data ...``) and the HTTP API call these functions; the returned models
serialise to JSON as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import closing
from datetime import date
from pathlib import Path

from pydantic import BaseModel

from migratielab.data import store
from migratielab.data.importers import ImportSummary, cbs_source, import_into_store, read_cbs_statline_csv
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
            flags=[flag for flag in str(row["flags"]).split("|") if flag],
            source=str(row["source"]),
            note=str(row["note"]) or None,
        )
        for row in frame.to_dict("records")
    ]
    return SeriesView(info=info, values=values)


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
    new_series = {}
    for column, series_id in columns.items():
        kinds = [
            parse_period(str(period)).kind for period in frame.loc[frame["series_id"] == series_id, "period"]
        ]
        new_series[series_id] = SeriesMeta(
            description=f"CBS StatLine {table_id.upper()}: {column}",
            unit=unit or "as published by CBS",
            frequency=frequency_of(kinds) if kinds else "mixed",
            kind=kind,
            confidence="H",
            definition=f"Column {column} of CBS StatLine table {table_id.upper()}{selection}.",
        )
    source = cbs_source(table_id, Path(path).name, retrieved)
    return import_into_store(frame, source, source_key=f"cbs-{table_id.lower()}", new_series=new_series)
