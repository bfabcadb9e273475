"""The statistics store: sourced series in an embedded DuckDB database.

The database is a cache of the bundled files (``series.yaml`` and ``series/*.csv``) plus any
user imports. It lives at ``$MIGRATIELAB_HOME/store.duckdb`` (default
``~/.cache/migratielab/store.duckdb``), is built on first use and rebuilt whenever a SHA-256
digest of its input files changes. A build writes a uniquely named temporary file and renames
it into place, so concurrent processes never see a half-written store; readers open it
read-only. Each process keeps one read-only connection per store and hands out cursors.

Tables: ``meta(key, value)``, ``series(series_id, position, info)`` with the registry entry as
JSON, and ``observations(series_id, period, period_kind, kind_rank, period_start, period_end,
value, source, confidence, flags, note, origin)``.

Units are those of each series' registry entry (``SeriesInfo.unit``): persons, cases, places,
shares between 0 and 1, euros.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import date
from pathlib import Path
from typing import Any, cast
from uuid import uuid4

import duckdb
import pandas as pd

from migratielab.data.bundle import Contents, assemble, digest, import_dirs, input_files
from migratielab.data.observations import close_matches, split_flags
from migratielab.data.periods import PERIOD_KINDS, parse_period
from migratielab.data.registry import SeriesInfo
from migratielab.errors import InputError

__all__ = [
    "SeriesInfo",
    "annual",
    "close",
    "connect",
    "get_series",
    "list_series",
    "rebuild",
    "series_info",
    "store_home",
    "store_path",
]

SCHEMA_VERSION = "migratielab-store-1"
DB_NAME = "store.duckdb"
DEFAULT_HOME = "~/.cache/migratielab"
VALUE_COLUMNS = ["period", "value", "confidence", "flags", "source", "note"]

_SCHEMA = """
CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
CREATE TABLE series (series_id VARCHAR PRIMARY KEY, position INTEGER NOT NULL, info JSON NOT NULL);
CREATE TABLE observations (
    series_id VARCHAR NOT NULL REFERENCES series (series_id),
    period VARCHAR NOT NULL,
    period_kind VARCHAR NOT NULL,
    kind_rank INTEGER NOT NULL,
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    value DOUBLE NOT NULL,
    source VARCHAR NOT NULL,
    confidence VARCHAR NOT NULL,
    flags VARCHAR NOT NULL,
    note VARCHAR NOT NULL,
    origin VARCHAR NOT NULL,
    PRIMARY KEY (series_id, period)
);
"""


def store_home() -> Path:
    """Directory of the store and user imports: ``$MIGRATIELAB_HOME`` or ``~/.cache/migratielab``."""
    return Path(os.environ.get("MIGRATIELAB_HOME") or DEFAULT_HOME).expanduser()


def store_path() -> Path:
    """Path of the DuckDB database file."""
    return store_home() / DB_NAME


def _expected_digest(home: Path) -> str:
    """Digest of every input file the store at ``home`` is built from."""
    return digest(input_files(import_dirs(home)), SCHEMA_VERSION)


def _stored_digest(path: Path) -> str | None:
    """The digest recorded in the database at ``path``; None if missing or unreadable."""
    if not path.is_file():
        return None
    try:
        with closing(duckdb.connect(str(path), read_only=True)) as con:
            row = con.execute("SELECT value FROM meta WHERE key = 'digest'").fetchone()
    except duckdb.Error:
        return None
    return str(row[0]) if row else None


def _observation_frame(contents: Contents) -> pd.DataFrame:
    """The value rows as a frame matching the ``observations`` table."""
    records = [
        {
            "series_id": row.series_id,
            "period": row.period.text,
            "period_kind": row.period.kind,
            "kind_rank": PERIOD_KINDS.index(row.period.kind),
            "period_start": row.period.start.isoformat(),
            "period_end": row.period.end.isoformat(),
            "value": row.value,
            "source": row.source,
            "confidence": row.confidence,
            "flags": "|".join(row.flags),
            "note": row.note,
            "origin": row.origin,
        }
        for row in contents.rows
    ]
    return pd.DataFrame.from_records(records)


def _write_database(path: Path, contents: Contents, content_digest: str) -> None:
    """Create a database file at ``path`` holding ``contents`` (one transaction)."""
    series = pd.DataFrame.from_records(
        [
            {"series_id": series_id, "position": position, "info": info.model_dump_json()}
            for position, (series_id, info) in enumerate(contents.series.items())
        ]
    )
    incoming = _observation_frame(contents)
    with closing(duckdb.connect(str(path))) as con:
        con.execute("BEGIN TRANSACTION")
        con.execute(_SCHEMA)
        con.execute("INSERT INTO meta VALUES ('digest', ?), ('schema', ?)", [content_digest, SCHEMA_VERSION])
        con.register("incoming_series", series)
        con.execute("INSERT INTO series SELECT series_id, position, info FROM incoming_series")
        con.register("incoming", incoming)
        con.execute(
            "INSERT INTO observations SELECT series_id, period, period_kind, kind_rank, "
            "CAST(period_start AS DATE), CAST(period_end AS DATE), value, source, confidence, "
            "flags, note, origin FROM incoming"
        )
        con.execute("COMMIT")
        con.execute("CHECKPOINT")


def rebuild() -> Path:
    """Build the store from the bundled files and user imports now; return the database path.

    Raises InputError if any input file is invalid; the previous database is then left as it was.
    """
    home = store_home()
    home.mkdir(parents=True, exist_ok=True)
    directories = import_dirs(home)
    content_digest = digest(input_files(directories), SCHEMA_VERSION)
    contents = assemble(directories)
    temporary = home / f".{DB_NAME}.{os.getpid()}.{uuid4().hex}.tmp"
    try:
        _write_database(temporary, contents, content_digest)
        os.replace(temporary, home / DB_NAME)
    finally:
        for leftover in (temporary, temporary.with_name(temporary.name + ".wal")):
            leftover.unlink(missing_ok=True)
    return home / DB_NAME


_OPEN: dict[Path, tuple[str, duckdb.DuckDBPyConnection]] = {}
_OPEN_LOCK = threading.Lock()


def _open_current(home: Path) -> duckdb.DuckDBPyConnection:
    """The process-wide read-only connection to an up-to-date store at ``home`` (call under the lock)."""
    path = home / DB_NAME
    expected = _expected_digest(home)
    cached = _OPEN.get(path)
    if cached is not None and cached[0] == expected:
        return cached[1]
    if cached is not None:
        cached[1].close()
        del _OPEN[path]
    if _stored_digest(path) != expected:
        rebuild()
    con = duckdb.connect(str(path), read_only=True)
    row = con.execute("SELECT value FROM meta WHERE key = 'digest'").fetchone()
    if row is None or row[0] != expected:
        con.close()
        raise RuntimeError(f"{path} is held open by an older connection; close connections from connect()")
    _OPEN[path] = (expected, con)
    return con


def connect() -> duckdb.DuckDBPyConnection:
    """A read-only connection to the store, (re)built first if its input files changed.

    The connection is a cursor on one process-wide database connection; close it after use.
    """
    with _OPEN_LOCK:
        return _open_current(store_home()).cursor()


def close() -> None:
    """Close the process-wide store connections (e.g. before removing ``$MIGRATIELAB_HOME``) and
    forget remembered answers."""
    with _OPEN_LOCK:
        for _, con in _OPEN.values():
            con.close()
        _OPEN.clear()
    with _MEMO_LOCK:
        _MEMO.clear()


@contextmanager
def _session() -> Iterator[duckdb.DuckDBPyConnection]:
    """A store connection that is closed on exit."""
    con = connect()
    try:
        yield con
    finally:
        con.close()


def _unknown(series_id: str, known: list[str]) -> InputError:
    """The error for an unknown series id, suggesting close matches."""
    hint = close_matches(series_id, known)
    return InputError(
        "statistics store", f"series {series_id!r}", f"a known series id (see 'migratielab data list').{hint}"
    )


def _info(con: duckdb.DuckDBPyConnection, series_id: str) -> SeriesInfo:
    """The registry entry of ``series_id`` read through ``con``."""
    row = con.execute("SELECT info FROM series WHERE series_id = ?", [series_id]).fetchone()
    if row is None:
        known = [str(name) for (name,) in con.execute("SELECT series_id FROM series").fetchall()]
        raise _unknown(series_id, known)
    return SeriesInfo.model_validate_json(str(row[0]))


def list_series() -> list[SeriesInfo]:
    """Every series in the store, in registry order (user-imported series last)."""
    with _session() as con:
        rows = con.execute("SELECT info FROM series ORDER BY position").fetchall()
    return [SeriesInfo.model_validate_json(str(info)) for (info,) in rows]


_MEMO: dict[tuple[str, str, str, bool], Any] = {}
"""Answers of ``series_info`` and ``annual`` by (store digest, function, series id, flag): a
simulation server asks for the same observed series on every request."""
_MEMO_LOCK = threading.Lock()
MEMO_SIZE = 1_000


def _memo_key(name: str, series_id: str, flag: bool = False) -> tuple[str, str, str, bool]:
    """The memo key for the store's current input files (a changed or imported file is a new key)."""
    home = store_home()
    return (f"{home}:{_expected_digest(home)}", name, series_id, flag)


def remember(key: tuple[str, str, str, bool], value: object) -> None:
    """Keep an answer; answers of older store contents go once the memo holds ``MEMO_SIZE``."""
    with _MEMO_LOCK:
        if len(_MEMO) >= MEMO_SIZE:
            _MEMO.clear()
        _MEMO[key] = value


def series_info(series_id: str) -> SeriesInfo:
    """The registry entry (description, unit, sources, ...) of one series.

    An unknown id raises :class:`migratielab.errors.InputError` suggesting close matches.
    """
    key = _memo_key("info", series_id)
    with _MEMO_LOCK:
        found = _MEMO.get(key)
    if found is None:
        with _session() as con:
            found = _info(con, series_id)
        remember(key, found)
    return cast(SeriesInfo, found).model_copy(deep=True)


def _values(con: duckdb.DuckDBPyConnection, info: SeriesInfo) -> pd.DataFrame:
    """The value rows of a known series as a frame (see :func:`get_series`)."""
    order = "period_end, kind_rank" if info.kind == "stock" else "kind_rank, period_start, period_end"
    rows = con.execute(
        f"SELECT {', '.join(VALUE_COLUMNS)} FROM observations WHERE series_id = ? ORDER BY {order}",
        [info.series_id],
    ).fetchall()
    frame = pd.DataFrame.from_records(rows, columns=VALUE_COLUMNS)
    return frame.astype({"period": str, "value": float})


def get_series(series_id: str) -> pd.DataFrame:
    """All values of a series, one row per period, in the series' unit.

    Columns: ``period`` (str, store notation), ``value`` (float), ``confidence`` (H/M/L of
    this value), ``flags`` (``|``-separated: approx, lower_bound, derived, provisional,
    partial; empty if none), ``source`` (a key of ``series_info(series_id).sources``) and
    ``note``. Stock series are ordered by the date each level refers to (a year's value is its
    year-end); other series by kind (annual, half-year, quarterly, monthly) and then
    chronologically. Gaps are simply absent.
    """
    with _session() as con:
        return _values(con, _info(con, series_id))


def _yearly_rows(frame: pd.DataFrame, stock: bool) -> dict[int, int]:
    """The row (position in ``frame``) whose value each year takes: its ``"YYYY"`` row; for stocks,
    where there is none, the year-end level (the latest December snapshot, else the December month)."""
    periods = [parse_period(str(text)) for text in frame["period"]]
    yearly = {period.year: row for row, period in enumerate(periods) if period.kind == "annual"}
    if not stock:
        return yearly
    year_end: dict[int, tuple[tuple[bool, date], int]] = {}
    for row, period in enumerate(periods):
        if period.kind in ("snapshot", "monthly") and period.start.month == 12 and period.year not in yearly:
            rank = (period.kind == "snapshot", period.end)
            if period.year not in year_end or rank > year_end[period.year][0]:
                year_end[period.year] = (rank, row)
    return yearly | {year: row for year, (_, row) in year_end.items()}


def _yearly_values(frame: pd.DataFrame, stock: bool) -> dict[int, float]:
    """Values of ``"YYYY"`` periods by year; for stocks, year-end levels fill the other years."""
    values = frame["value"].tolist()
    return {year: float(values[row]) for year, row in _yearly_rows(frame, stock).items()}


def _annual_frame(series_id: str, include_partial: bool) -> tuple[pd.DataFrame, bool]:
    """The values ``annual`` chooses from (``partial`` ones left out unless asked for), and whether the
    series is a stock."""
    with _session() as con:
        info = _info(con, series_id)
        frame = _values(con, info)
    if not include_partial:
        frame = frame[frame["flags"].map(lambda flags: "partial" not in split_flags(flags))]
    return frame, info.kind == "stock"


def annual_period(series_id: str, year: int) -> str | None:
    """The period whose value ``annual`` gives for ``year`` (``"2024"``, or a stock's December count
    such as ``"2024-12"``); None where the year has no value."""
    frame, stock = _annual_frame(series_id, include_partial=False)
    row = _yearly_rows(frame, stock).get(year)
    return None if row is None else str(frame["period"].iloc[row])


def annual(series_id: str, *, include_partial: bool = False) -> pd.Series:
    """One value per calendar year: index ``year`` (int), float values in the series' unit.

    Rule: the value of period ``"YYYY"``. For stock series (``kind == "stock"``, e.g.
    ``coa.occupancy``, where ``"YYYY"`` means the year-end level) a year without a ``"YYYY"``
    value takes the latest dated snapshot in December of that year (``"YYYY-12-DD"``), else
    the monthly value ``"YYYY-12"``. Values flagged ``partial`` (e.g. a total covering
    January-October only) are left out unless ``include_partial`` is true. Years without a
    value are absent (no interpolation).
    """
    key = _memo_key("annual", series_id, include_partial)
    with _MEMO_LOCK:
        found = _MEMO.get(key)
    if found is None:
        found = _annual(series_id, include_partial)
        remember(key, found)
    return cast(pd.Series, found).copy()


def _annual(series_id: str, include_partial: bool) -> pd.Series:
    """``annual`` read from the store."""
    frame, stock = _annual_frame(series_id, include_partial)
    yearly = _yearly_values(frame, stock)
    years = sorted(yearly)
    index = pd.Index(years, dtype="int64", name="year")
    return pd.Series([yearly[year] for year in years], index=index, dtype=float, name=series_id)
