"""The HTML report of an asylum-chain policy comparison (``migratielab run``), in English.

Labels and units come from the variable registry, figures from ``presentation.charts``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from migratielab.models.variables import Language, indicator, variable
from migratielab.params import ParameterSet
from migratielab.presentation.catalogue import text
from migratielab.presentation.charts import Figure, Series, fan_chart, frame_fan, to_plotly
from migratielab.presentation.formatting import format_range, unit_label
from migratielab.report.html import Section, table_html, write_report
from migratielab.service.citations import parameter_origin

LANG: Language = "en"


def comparison_fan(name: str, fans: dict[str, pd.DataFrame], observed: pd.Series | None) -> Figure:
    """Fans of one registered variable per policy, with observed year ends where they exist."""
    entry = variable("asylum", name)
    points = None
    if observed is not None and not observed.empty:
        times = [str(pd.Timestamp(t).date()) for t in observed.index]
        points = Series(text("observed", LANG), times, [float(v) for v in observed])
    series = [frame_fan(policy, frame) for policy, frame in fans.items()]
    return fan_chart(series, entry.label(LANG), entry.shown_unit.label(LANG), LANG, points)


def parameter_sources(parameters: ParameterSet) -> list[str]:
    """One line per parameter: value, unit and its reference or estimate reasoning."""
    lines = []
    for name, parameter in parameters.items():
        value = parameter.value if parameter.value is not None else parameter.values
        lines.append(f"{name} = {value} {parameter.unit}. {parameter_origin(parameter)}")
    return lines


def comparison_report(
    path: Path,
    title: str,
    description: str,
    summary: pd.DataFrame,
    fans: dict[str, dict[str, pd.DataFrame]],
    observed: dict[str, pd.Series],
    parameters: ParameterSet,
    data_sources: list[str],
) -> Path:
    """Write the self-contained HTML report of a comparison; ``fans`` maps variable -> policy -> frame."""
    policies, table = summary_rows(summary, LANG)
    rows = [[f"{label} ({unit})", *cells] for label, unit, *cells in table]
    sections = [
        Section(
            title=text("report.summary_per_policy", LANG),
            text=f"{description} {text('scorecard_note', LANG)}",
            tables_html=[table_html([text("indicator", LANG), *policies], rows)],
        ),
        Section(
            title=text("report.fan_charts", LANG),
            text=text("fans_note", LANG),
            figures=[
                to_plotly(comparison_fan(name, per_policy, observed.get(name)))
                for name, per_policy in fans.items()
            ],
            sources=data_sources,
        ),
        Section(title=text("report.parameters", LANG), sources=parameter_sources(parameters)),
    ]
    return write_report(path, title, sections)


def summary_rows(summary: pd.DataFrame, lang: Language) -> tuple[list[str], list[list[str]]]:
    """Policies and one row per indicator: label, shown unit, then "median [p5 – p95]" per policy."""
    policies = list(dict.fromkeys(summary["policy"]))
    rows = []
    for name, group in summary.groupby("indicator", sort=False):
        entry = indicator("asylum", str(name))
        by_policy = group.set_index("policy")
        cells = []
        for policy in policies:
            median, low, high = (float(by_policy.loc[policy, key]) for key in ("median", "p5", "p95"))
            cells.append(format_range(median, low, high, entry, lang))
        rows.append([entry.label(lang), unit_label(entry, lang), *cells])
    return policies, rows
