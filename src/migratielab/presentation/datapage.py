"""The data page's texts and values: series and parameter descriptions and units in Dutch or English,
parameter values written the language's way (never a Python dict), shares as percentages."""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml

from migratielab.models.variables import Language
from migratielab.presentation.catalogue import text
from migratielab.presentation.formatting import format_number, format_share
from migratielab.yamlio import SAFE_LOADER

PARAMETER_DIGITS = 4
"""Significant digits of parameter values (enough to show every figure as published)."""
SHARE_UNITS = frozenset({"share", "fraction", "share (0-1)", "fraction of population"})
"""Units whose values are shares between 0 and 1: shown as percentages."""


@cache
def dutch() -> dict[str, dict[str, str]]:
    """The Dutch descriptions (``series``, ``parameters``), units (``units``) and titles of the labour
    pillar's bundled tables (``labour_tables``) of the data page."""
    source = resources.files("migratielab.presentation").joinpath("descriptions_nl.yaml").read_text("utf-8")
    loaded: dict[str, dict[str, str]] = yaml.load(source, Loader=SAFE_LOADER)
    return loaded


def series_description(series_id: str, english: str, lang: Language) -> str:
    """A series' description in the language (the registry's English text for ``en``)."""
    return dutch()["series"].get(series_id, english) if lang == "nl" else english


def parameter_description(module: str, name: str, english: str, lang: Language) -> str:
    """A parameter's description in the language (the parameter file's English text for ``en``)."""
    return dutch()["parameters"].get(f"{module}.{name}", english) if lang == "nl" else english


def labour_table_title(file: str, english: str, lang: Language) -> str:
    """The title of a bundled labour table (by file name) in the language (the registry's English
    title for ``en``)."""
    return dutch()["labour_tables"].get(file, english) if lang == "nl" else english


def unit_text(unit: str, lang: Language) -> str:
    """A free-text unit of a series or parameter in the language; shares show as ``%``."""
    if unit in SHARE_UNITS:
        return "%"
    return dutch()["units"].get(unit, unit) if lang == "nl" else unit


def one_value(value: object, unit: str, lang: Language) -> str:
    """One number (a share as a percentage) or a list of numbers, separated by ``;`` (the Dutch
    decimal sign is a comma)."""
    if isinstance(value, list):
        return "[" + "; ".join(one_value(item, unit, lang) for item in value) + "]"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if unit in SHARE_UNITS:
        return format_share(float(value), lang, digits=PARAMETER_DIGITS)
    return format_number(float(value), lang, digits=PARAMETER_DIGITS)


def parameter_value(value: object, unit: str, lang: Language) -> str:
    """A parameter's value the language's way: dated values as ``vanaf 2014: 27.100; vanaf 2023:
    30.400``, lists as ``[0,61; 0,77]``, shares as percentages."""
    if isinstance(value, dict):
        return "; ".join(
            f"{text('from_year', lang, year=year)}: {one_value(item, unit, lang)}"
            for year, item in sorted(value.items())
        )
    return one_value(value, unit, lang)


def citation(publisher: str, title: str, date: str, table: str | None = None, via: str | None = None) -> str:
    """``publisher, title, table, via outlet (date)``: names and titles as published, in any language."""
    parts = (publisher, title, table, f"via {via}" if via else None)
    return ", ".join(part for part in parts if part) + f" ({date})"
