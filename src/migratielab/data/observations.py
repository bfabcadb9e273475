"""Value rows of the statistics store: tidy CSV files checked against the registry.

A CSV file has the header ``series_id,period,value,source,confidence,flags,note``; only the first
three columns are required. ``source`` is a key of the series' sources (it may be empty when the
series has one source); ``confidence`` is empty to inherit the source's; ``flags`` holds zero or
more of the words below, separated by ``|``:

- ``approx``: the publication gives an approximate figure ("about", "≈", "almost");
- ``lower_bound``: the publication says "more than" (the value is a lower bound);
- ``derived``: arithmetic on published figures (the note shows the sum);
- ``provisional``: the publisher marked the figure as provisional;
- ``partial``: the value covers only part of the period (the note says which part).
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal, get_args

from migratielab.data.periods import ALLOWED_KINDS, Period, parse_period
from migratielab.data.registry import SeriesInfo
from migratielab.errors import InputError
from migratielab.limits import MAX_STATISTIC

Flag = Literal["approx", "lower_bound", "derived", "provisional", "partial"]
FLAGS: tuple[str, ...] = get_args(Flag)
COLUMNS = ("series_id", "period", "value", "source", "confidence", "flags", "note")
REQUIRED_COLUMNS = COLUMNS[:3]


@dataclass(frozen=True)
class Row:
    """One value row. As read, ``source`` and ``confidence`` may be empty; :func:`resolve`
    fills them in from the registry. ``origin`` is ``file:line``."""

    series_id: str
    period: Period
    value: float
    source: str
    confidence: str
    flags: tuple[str, ...]
    note: str
    origin: str


def split_flags(text: object) -> tuple[str, ...]:
    """The flags of a stored value: ``"approx|lower_bound"`` is ``("approx", "lower_bound")``."""
    return tuple(flag for flag in str(text or "").split("|") if flag)


def close_matches(name: str, candidates: Iterable[str]) -> str:
    """A ' Did you mean ...?' hint listing up to three close matches ('' if none)."""
    matches = difflib.get_close_matches(name, list(candidates), n=3, cutoff=0.6)
    return f" Did you mean {', '.join(repr(match) for match in matches)}?" if matches else ""


NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?", re.ASCII)
"""A decimal number in ASCII digits, optionally with an exponent."""


def parse_number(text: str) -> float:
    """A finite float of at most ``MAX_STATISTIC`` in size from text written with ASCII digits; a
    decimal comma is accepted when no decimal point is present (then points group thousands).
    Underscores, other scripts' digits, ``nan`` and ``inf`` are refused (ValueError)."""
    cleaned = text.strip().replace(" ", "")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    if not NUMBER.fullmatch(cleaned):
        raise ValueError(f"{text!r} is not a number written with the digits 0-9")
    value = float(cleaned)
    if not (math.isfinite(value) and abs(value) <= MAX_STATISTIC):
        raise ValueError(f"{text!r} is not a finite number of at most {MAX_STATISTIC:g} in size")
    return value


def _check_header(fieldnames: Sequence[str] | None, label: str) -> None:
    """Require the store's columns in the header; reject unknown ones."""
    found = list(fieldnames or [])
    missing = [column for column in REQUIRED_COLUMNS if column not in found]
    unknown = [column for column in found if column not in COLUMNS]
    if missing or unknown:
        problem = f"missing {missing}" if missing else f"unknown {unknown}"
        raise InputError(label, "header", f"columns from {list(COLUMNS)} ({problem})")


def _parse_row(raw: Mapping[str, str | None], label: str, line: int) -> Row:
    """Turn one CSV record into a Row; raise InputError naming file, row and column."""

    def cell(column: str) -> str:
        return (raw.get(column) or "").strip()

    where = f"{label}:{line}"
    if not cell("series_id"):
        raise InputError(label, f"row {line}, column series_id", "a series id")
    try:
        period = parse_period(cell("period"))
    except ValueError as exc:
        raise InputError(label, f"row {line}, column period", str(exc)) from None
    try:
        value = parse_number(cell("value"))
    except ValueError:
        raise InputError(label, f"row {line}, column value", f"a number (got {cell('value')!r})") from None
    flags = split_flags(cell("flags"))
    for flag in flags:
        if flag not in FLAGS:
            raise InputError(label, f"row {line}, column flags", f"flags from {list(FLAGS)} (got {flag!r})")
    confidence = cell("confidence")
    if confidence not in ("", "H", "M", "L"):
        raise InputError(label, f"row {line}, column confidence", f"H, M, L or empty (got {confidence!r})")
    return Row(cell("series_id"), period, value, cell("source"), confidence, flags, cell("note"), where)


def read_rows(text: str, label: str | Path) -> list[Row]:
    """Parse the text of a value CSV file (comma-separated, header row first)."""
    name = str(label)
    reader = csv.DictReader(io.StringIO(text))
    _check_header(reader.fieldnames, name)
    rows = []
    for raw in reader:
        if None in raw:
            raise InputError(name, f"row {reader.line_num}", f"at most {len(reader.fieldnames or [])} fields")
        rows.append(_parse_row(raw, name, reader.line_num))
    return rows


def read_rows_file(path: Path) -> list[Row]:
    """Read a value CSV file from disk."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, "", f"a readable UTF-8 CSV file ({exc})") from None
    return read_rows(text, path)


def _fail(row: Row, column: str, expected: str) -> InputError:
    """An InputError pointing at ``column`` of the row's origin (``file:line``)."""
    label, _, line = row.origin.rpartition(":")
    return InputError(label, f"row {line}, column {column}", expected)


def resolve(row: Row, registry: Mapping[str, SeriesInfo]) -> Row:
    """Check a row against its series' registry entry and resolve source and confidence."""
    info = registry.get(row.series_id)
    if info is None:
        hint = close_matches(row.series_id, registry)
        raise _fail(row, "series_id", f"a series in the registry (got {row.series_id!r}).{hint}")
    source = row.source
    if not source:
        if len(info.sources) != 1:
            raise _fail(row, "source", f"one of {sorted(info.sources)} (the series has several)")
        (source,) = info.sources
    if source not in info.sources:
        raise _fail(row, "source", f"one of the series' sources {sorted(info.sources)} (got {source!r})")
    if row.period.kind not in ALLOWED_KINDS[info.frequency]:
        allowed = sorted(ALLOWED_KINDS[info.frequency])
        raise _fail(row, "period", f"a period of kind {allowed} for a {info.frequency} series")
    return replace(row, source=source, confidence=row.confidence or info.sources[source].confidence)


def index_unique(rows: Iterable[Row]) -> dict[tuple[str, str], Row]:
    """Rows keyed by (series id, period); a repeated key raises InputError naming both rows."""
    keyed: dict[tuple[str, str], Row] = {}
    for row in rows:
        key = (row.series_id, row.period.text)
        if key in keyed:
            raise _fail(row, "period", f"one value per series and period ({key} also at {keyed[key].origin})")
        keyed[key] = row
    return keyed
