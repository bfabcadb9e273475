"""Cells and headings of an exploration's analysis tables (outcomes, robustness, regret, sensitivity,
PRIM) in one language: the one formatting path of the CLI summary and the HTML report.

Figures in an outcome's unit (regret) are shown in that outcome's shown unit (shares as %, euros in
EUR million); shares of futures as percentages; thresholds (``total_cost_eur <= 2.5e+10``) by the
outcome's label, the comparison and the limit in the outcome's shown unit.
"""

from __future__ import annotations

import re
from collections.abc import Hashable

from migratielab.models.variables import Language, Variable, outcome_variable
from migratielab.presentation.catalogue import catalogue, text
from migratielab.presentation.formatting import format_number, format_share, format_value, unit_label

IN_OUTCOME_UNITS = (
    *("mean_regret", "p90_regret", "max_regret", "p5", "median", "p95", "mean"),
    *("mu_star", "mu_star_conf", "sigma"),
)
"""Columns of an analysis table in the unit of the row's outcome (shown in its display unit): regret,
outcome quantiles and Morris's elementary effects (Sobol indices have no unit)."""
SHARE_COLUMNS = ("share_best", "all thresholds", "coverage", "density", "mass")
"""Columns holding a share (0-1) of futures, shown as a percentage (PRIM's coverage, density and
mass are shares of futures too)."""
THRESHOLD = re.compile(r"(\w+(?:@\d+)?) (<=|>=) (\S+)")
"""One part of a robustness column name (``analysis.robustness.threshold_label``)."""
COMPARISONS = {"<=": "≤", ">=": "≥"}


def outcome_label(name: str, lang: Language) -> str:
    """An outcome's registry label with its year (``Population on 1 January, 2040``), or the name
    itself when it is not registered."""
    entry = outcome_variable(name)
    if entry is None:
        return name
    _, at, year = name.partition("@")
    return f"{entry.label(lang)}, {year}" if at else entry.label(lang)


def threshold_part(name: str, comparison: str, limit: float, lang: Language) -> str:
    """One threshold as ``label ≤ limit unit`` with the limit in the outcome's shown unit."""
    entry = outcome_variable(name)
    if entry is None:
        return f"{name} {COMPARISONS[comparison]} {format_number(limit, lang)}"
    unit = unit_label(entry, lang)
    shown = format_value(limit, entry, lang)
    suffix = "" if unit == "%" else f" {unit}"
    return f"{outcome_label(name, lang)} {COMPARISONS[comparison]} {shown}{suffix}"


def threshold_heading(column: str, lang: Language) -> str | None:
    """The readable heading of a robustness column (``nights_without_shelter <= 0 and …``), or None
    when the column is not a threshold."""
    parts = column.split(" and ")
    matches = [THRESHOLD.fullmatch(part) for part in parts]
    if not all(matches):
        return None
    shown = [threshold_part(m[1], m[2], float(m[3]), lang) for m in matches if m is not None]
    return f" {text('and', lang)} ".join(shown)


OUTCOME_COLUMNS = ("outcome", "output", "variable")
"""Columns that name a registered outcome variable (shown by its label, with its unit)."""


def column_heading(column: Hashable, lang: Language) -> str:
    """The heading of an analysis column: its catalogue text (``explore.column.<name>``), a threshold
    in words, or the name with spaces."""
    name = str(column)
    key = f"explore.column.{name}"
    if key in catalogue():
        return text(key, lang)
    return threshold_heading(name, lang) or name.replace("_", " ")


def is_share_column(column: Hashable) -> bool:
    """True for columns holding a share of futures (robustness thresholds, ``share_best``)."""
    name = str(column)
    return name in SHARE_COLUMNS or all(THRESHOLD.fullmatch(part) for part in name.split(" and "))


def analysis_cell(column: Hashable, value: object, entry: Variable | None, lang: Language) -> str:
    """One cell of an analysis table: outcome names by label; figures in the outcome's unit
    (``IN_OUTCOME_UNITS``) in its shown unit; shares of futures as %; other numbers compactly."""
    if column in OUTCOME_COLUMNS:
        return outcome_label(str(value), lang)
    if isinstance(value, bool) or not isinstance(value, float | int):
        return str(value)
    if entry is not None and column in IN_OUTCOME_UNITS:
        return format_value(float(value), entry, lang)
    if is_share_column(column):
        return format_share(float(value), lang)
    return format_number(float(value), lang)
