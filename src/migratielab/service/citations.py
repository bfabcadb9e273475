"""Where a figure comes from, as data: a statistics series, a model parameter or a registry variable
with its English label and its citation as published (the faces word the label in their language)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

from migratielab.data import store
from migratielab.data.registry import Source
from migratielab.models.variables import Variable, lookup
from migratielab.params import Parameter, default_parameters

CitationKind = Literal["series", "parameter", "variable"]


class Citation(BaseModel):
    """One cited series, parameter or registry variable.

    ``key`` is the series id, ``module.name`` of a parameter or the variable key; ``label`` and
    ``unit`` are the English description and unit (a series' unit is not shown: empty); ``text`` is
    the citation as published (``publisher, title, table (date). url``), the reasoning of an
    ``estimate`` (English), or a variable's IAMC name."""

    model_config = ConfigDict(frozen=True)

    kind: CitationKind
    key: str = Field(description="series id, module.name of a parameter, or registry variable key")
    label: str = Field(description="English description of the series, parameter or variable")
    unit: str = Field(default="", description="English unit of a parameter or variable")
    text: str = Field(description="the citation as published, or why the parameter is an estimate")
    estimate: bool = Field(default=False, description="a parameter without a source: text is the reasoning")
    published: tuple[Source, ...] = Field(
        default=(), description="a series' sources as registered (``text`` cites them in English)"
    )

    def line(self) -> str:
        """The English source line: ``id (description): text`` for a series, ``name (unit): text``
        for a parameter, ``IAMC (key, unit): pillar pillar variable`` for a variable."""
        if self.kind == "series":
            return f"{self.key} ({self.label}): {self.text}"
        if self.kind == "parameter":
            return f"{self.key.split('.', 1)[1]} ({self.unit}): {origin(self.text, self.estimate)}"
        return f"{self.text} ({self.key}, {self.unit}): {lookup(self.key).pillar} pillar variable"


class Cited(BaseModel):
    """A result that names where its figures come from: ``citations`` as data, and (in JSON too)
    ``sources``, the same citations as English lines."""

    citations: list[Citation]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def sources(self) -> list[str]:
        """The citations as English lines (``Citation.line``)."""
        return [citation.line() for citation in self.citations]


def series_citation(series_id: str) -> Citation:
    """A stored series with the citation of each of its sources (``; ``-separated)."""
    info = store.series_info(series_id)
    text = "; ".join(source.citation() for source in info.sources.values())
    published = tuple(info.sources.values())
    return Citation(kind="series", key=series_id, label=info.description, text=text, published=published)


def origin(text: str, estimate: bool) -> str:
    """The English origin of a parameter: its reference, or ``estimate: reasoning``."""
    return f"estimate: {text}" if estimate else text


def parameter_source(parameter: Parameter) -> tuple[str, bool]:
    """A parameter's reference with date (and URL) and False, or its reasoning and True (an estimate)."""
    reference = parameter.reference
    if reference is None:
        return parameter.reasoning or "", True
    published = f"{reference.publisher}, {reference.title} ({reference.date})"
    return published + (f". {reference.url}" if reference.url else ""), False


def parameter_origin(parameter: Parameter) -> str:
    """Where a parameter comes from: its reference with date (and URL), or why it is an estimate."""
    return origin(*parameter_source(parameter))


def parameter_citation(module: str, name: str, parameter: Parameter | None = None) -> Citation:
    """A parameter of a model module (its default unless ``parameter`` is given) with its origin."""
    shown = parameter or default_parameters(module)[name]
    text, estimate = parameter_source(shown)
    return Citation(
        kind="parameter",
        key=f"{module}.{name}",
        label=shown.description,
        unit=shown.unit,
        text=text,
        estimate=estimate,
    )


def variable_citation(variable: Variable) -> Citation:
    """A registry variable: English label and unit, its IAMC name as the text."""
    return Citation(
        kind="variable",
        key=variable.key,
        label=variable.label("en"),
        unit=variable.unit.en,
        text=variable.iamc,
    )
