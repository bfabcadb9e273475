"""Numbers, percentages and dates in the page's language (Babel): Dutch ``12.345`` and ``46%``.

Values are shown with ``SIGNIFICANT_DIGITS`` significant digits, but never fewer than all integer
digits (no ``1.48e+10``, no ``0.00`` for a small nonzero value). A missing value (None, NaN,
infinite) is shown as ``MISSING``; tables that show it add ``missing_note``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import date

from babel.dates import format_date as babel_date
from babel.numbers import (
    format_decimal,
    format_percent,
    format_scientific,
    get_decimal_symbol,
    get_group_symbol,
)

from migratielab.models.variables import Language, Variable
from migratielab.presentation.catalogue import text

LOCALES: dict[Language, str] = {"nl": "nl_NL", "en": "en_GB"}
SIGNIFICANT_DIGITS = 3
MISSING = "–"
RANGE = re.compile(r"(.+) \[(.+) – (.+)\]")
"""A ``format_range`` cell: median, low and high."""
SMALLEST_FIXED = 1e-6
LARGEST_FIXED = 1e18
"""Magnitudes outside [SMALLEST_FIXED, LARGEST_FIXED) are written with an exponent (1,5E20)."""
"""Below this magnitude numbers are shown in scientific notation (Babel's, e.g. ``1,2E-7``)."""


def is_missing(value: float | None) -> bool:
    """True for None, NaN and infinite values (shown as ``MISSING``)."""
    return value is None or not math.isfinite(value)


def decimals_for(value: float, digits: int = SIGNIFICANT_DIGITS) -> int:
    """Decimals that show ``digits`` significant digits of ``value`` (0 when the integer part has more)."""
    if value == 0:
        return 0
    return max(0, digits - 1 - math.floor(math.log10(abs(value))))


def format_number(value: float | None, lang: Language, digits: int = SIGNIFICANT_DIGITS) -> str:
    """A number with the language's separators: nl ``12.345`` / ``1,48``, en ``12,345`` / ``1.48``."""
    if value is None or is_missing(value):
        return MISSING
    if value != 0 and not SMALLEST_FIXED <= abs(value) < LARGEST_FIXED:
        return str(format_scientific(value, format="0.##E0", locale=LOCALES[lang]))
    places = decimals_for(value, digits)
    rounded = round(value, places)
    pattern = "#,##0" + ("." + "#" * places if places else "")
    return str(format_decimal(0.0 if rounded == 0 else rounded, format=pattern, locale=LOCALES[lang]))


def counted_en(count: int, singular: str, plural: str = "") -> str:
    """``count`` with the English noun for that many (``1 policy``, ``2 policies``, ``1,000 runs``);
    ``plural`` defaults to the singular with an ``s``."""
    return f"{count:,} {singular if count == 1 else plural or singular + 's'}"


def format_share(share: float | None, lang: Language, digits: int = 2) -> str:
    """A share (0-1) as a percentage: 0.46 is ``46%``; small shares keep ``digits`` significant digits."""
    if share is None or is_missing(share):
        return MISSING
    places = decimals_for(share * 100, digits)
    pattern = "#,##0" + ("." + "#" * places if places else "") + "%"
    return str(format_percent(share, format=pattern, locale=LOCALES[lang]))


def format_value(value: float | None, variable: Variable, lang: Language) -> str:
    """A value of a registered variable in its shown unit: shares as percentages, amounts divided by
    the variable's ``display_scale`` (e.g. euro shown as EUR million)."""
    if variable.unit.code == "share":
        return format_share(value, lang)
    return format_number(None if value is None else value / variable.display_scale, lang)


def format_range(
    median: float | None, low: float | None, high: float | None, variable: Variable, lang: Language
) -> str:
    """``median [low – high]`` in the variable's shown unit; a missing median is ``MISSING``."""
    if median is None or is_missing(median):
        return MISSING
    centre, bottom, top = (format_value(value, variable, lang) for value in (median, low, high))
    return f"{centre} [{bottom} – {top}]"


def unit_label(variable: Variable, lang: Language) -> str:
    """The unit a variable is shown in (``%`` for shares), in the page's language."""
    return "%" if variable.unit.code == "share" else variable.shown_unit.label(lang)


def format_date(day: date, lang: Language, style: str = "d MMMM y") -> str:
    """A date in the language (Babel pattern ``style``): nl ``1 januari 2030``, en ``1 January 2030``."""
    return str(babel_date(day, format=style, locale=LOCALES[lang]))


def plotly_separators(lang: Language) -> str:
    """Plotly's ``layout.separators`` (decimal then thousands) for the language: nl ``,.``, en ``.,``."""
    locale = LOCALES[lang]
    return str(get_decimal_symbol(locale)) + str(get_group_symbol(locale))


def missing_note(cells: Iterable[str], lang: Language) -> str:
    """The explanation of ``MISSING`` when any cell is missing or has a missing part (``– [1 – 2]``),
    else an empty string."""
    return text("missing_note", lang) if any(MISSING in cell_parts(cell) for cell in cells) else ""


def cell_parts(cell: str) -> tuple[str, ...]:
    """The values of a cell: the three of ``median [low – high]`` (``format_range``), else the cell."""
    matched = RANGE.fullmatch(cell)
    return matched.groups() if matched else (cell,)
