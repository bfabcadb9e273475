"""The series registry: what each bundled statistic means and who published it.

``series.yaml`` has two sections. ``sources`` is a catalogue of publications (publisher,
document or table, URL, date, confidence); ``series`` describes each series and lists the
catalogue keys its values come from, the primary source first. Every value row in the CSV
files names one of its series' sources, so each figure can be traced to a publication.

Dates follow ``date_basis``: ``published`` (printed on the source), ``inferred`` (the source
is undated; the date is the earliest consistent with its content, e.g. the year after the
year an annual total covers) or ``retrieved`` (the day a user imported the figures).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import Field

from migratielab.data.periods import Frequency
from migratielab.errors import InputError
from migratielab.yamlio import Strict, load_model

Confidence = Literal["H", "M", "L"]
Kind = Literal["flow", "stock", "ratio"]
DateBasis = Literal["published", "inferred", "retrieved"]

SERIES_ID = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)+")
SOURCE_KEY = re.compile(r"^[a-z0-9][a-z0-9-]*$")
DATE_TEXT = r"^\d{4}(-\d{2}(-\d{2})?)?$"


class Source(Strict):
    """One publication that figures come from."""

    publisher: str = Field(description="the body that produced the figures (IND, CBS, COA, ...)")
    title: str = Field(description="document, news item or web page")
    table: str | None = Field(default=None, description="table or document id, e.g. 83102NED")
    url: str | None = None
    date: str = Field(pattern=DATE_TEXT, description="YYYY, YYYY-MM or YYYY-MM-DD")
    date_basis: DateBasis = "published"
    confidence: Confidence = Field(description="H official, M news quoting an official source, L other")
    via: str | None = Field(default=None, description="outlet that reported the publisher's figures")
    note: str | None = None

    def citation(self, basis_words: Mapping[str, str] | None = None) -> str:
        """One-line citation: ``publisher, title, table, via outlet (date). url``; a date that is not
        the publication date says how it was found (``basis_words`` words it, e.g. in Dutch)."""
        basis = (basis_words or {}).get(self.date_basis, self.date_basis)
        dated = self.date if self.date_basis == "published" else f"{self.date}, {basis}"
        via = f"via {self.via}" if self.via else None
        text = ", ".join(part for part in (self.publisher, self.title, self.table, via) if part)
        return f"{text} ({dated})" + (f". {self.url}" if self.url else "")


class SeriesMeta(Strict):
    """What a series measures (everything except where its values come from)."""

    description: str
    unit: str
    frequency: Frequency
    kind: Kind = Field(description="flow (per period), stock (level at a moment) or ratio")
    confidence: Confidence = Field(description="overall confidence; each value row may differ")
    definition: str = Field(description="definition notes and comparability warnings")


class SeriesEntry(SeriesMeta):
    """A series as written in the registry file: its meaning plus its source keys."""

    sources: list[str] = Field(min_length=1, description="catalogue keys, primary source first")


class RegistryFile(Strict):
    """The top level of ``series.yaml``."""

    sources: dict[str, Source]
    series: dict[str, SeriesEntry]


class SeriesInfo(Strict):
    """A registered series with its sources resolved (what the store's API returns).

    ``publisher`` lists every publisher the series' values come from (primary first);
    ``table``, ``url`` and ``date`` are those of the primary source; ``sources`` holds every
    source by the key that value rows use.
    """

    series_id: str
    description: str
    unit: str
    frequency: Frequency
    kind: Kind
    publisher: str
    table: str
    url: str | None = None
    date: str
    confidence: Confidence
    definition: str
    sources: dict[str, Source]

    @classmethod
    def resolve(cls, series_id: str, entry: SeriesEntry, catalogue: Mapping[str, Source]) -> SeriesInfo:
        """Combine a registry entry with the catalogue sources it names."""
        sources = {key: catalogue[key] for key in entry.sources}
        primary = sources[entry.sources[0]]
        return cls(
            series_id=series_id,
            publisher=_publishers(sources),
            table=primary.table or primary.title,
            url=primary.url,
            date=primary.date,
            sources=sources,
            **entry.model_dump(exclude={"sources"}),
        )

    def with_source(self, key: str, source: Source) -> SeriesInfo:
        """A copy that also draws values from ``source`` (used for user imports)."""
        sources = {**self.sources, key: source}
        return self.model_copy(update={"sources": sources, "publisher": _publishers(sources)})


def _publishers(sources: Mapping[str, Source]) -> str:
    """Distinct publishers of ``sources`` in order, comma-separated."""
    return ", ".join(dict.fromkeys(source.publisher for source in sources.values()))


def check_series_id(source: str | Path, key: str, series_id: str) -> None:
    """Raise InputError at ``key`` unless ``series_id`` looks like 'coa.occupancy'."""
    if not SERIES_ID.fullmatch(series_id):
        raise InputError(source, key, "an id like 'coa.occupancy' (lowercase words, dotted)")


def check_catalogue(source: str | Path, parsed: RegistryFile) -> None:
    """Check ids and source references that pydantic cannot; raise InputError on the first problem."""
    for key in parsed.sources:
        if not SOURCE_KEY.fullmatch(key):
            raise InputError(source, f"sources.{key}", "a key of lowercase letters, digits and '-'")
    for series_id, entry in parsed.series.items():
        check_series_id(source, f"series.{series_id}", series_id)
        for index, key in enumerate(entry.sources):
            if key not in parsed.sources:
                raise InputError(
                    source, f"series.{series_id}.sources.{index}", f"a key under 'sources' (got {key!r})"
                )
        if len(set(entry.sources)) != len(entry.sources):
            raise InputError(source, f"series.{series_id}.sources", "each source listed once")


def load_registry(path: str | Path) -> dict[str, SeriesInfo]:
    """Load and validate a registry file; return resolved series keyed by id."""
    parsed = load_model(path, RegistryFile)
    check_catalogue(path, parsed)
    return {
        series_id: SeriesInfo.resolve(series_id, entry, parsed.sources)
        for series_id, entry in parsed.series.items()
    }
