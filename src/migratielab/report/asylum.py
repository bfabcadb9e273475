"""Figures and the HTML report of an asylum-chain policy comparison."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from migratielab.analysis.indicators import INDICATORS
from migratielab.params import ParameterSet
from migratielab.report.html import Section, table_html, write_report

POLICY_COLOURS = ("#154273", "#d52b1e", "#39870c", "#e17000", "#8b4a9c", "#007bc7")
FAN_TITLES = {
    "in_chain": ("People in reception (incl. application centre and crisis shelter)", "persons"),
    "emergency_occupancy": ("People in COA emergency places", "persons"),
    "crisis_occupancy": ("People in crisis emergency shelter outside the COA", "persons"),
    "without_shelter": ("People without proper shelter at the application centre", "persons"),
    "ind_backlog": ("IND first-instance backlog", "cases"),
    "cases_past_term": ("Cases past the statutory decision term", "cases"),
    "holders_waiting": ("Status holders waiting for a municipal home", "persons"),
    "applications": ("Asylum applications (first and repeat)", "persons per month"),
}


def rgba(hex_colour: str, alpha: float) -> str:
    """A CSS rgba() string from a #rrggbb colour."""
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def fan_chart(
    variable: str,
    fans: dict[str, pd.DataFrame],
    observed: pd.Series | None = None,
    observed_label: str = "observed",
) -> go.Figure:
    """Median line with 50% and 90% bands per policy; ``fans`` maps policy to a (time x quantile) frame."""
    title, unit = FAN_TITLES.get(variable, (variable, ""))
    figure = go.Figure()
    for index, (policy, frame) in enumerate(fans.items()):
        colour = POLICY_COLOURS[index % len(POLICY_COLOURS)]
        times = list(frame.index)
        for low, high, alpha in ((0.05, 0.95, 0.12), (0.25, 0.75, 0.25)):
            figure.add_trace(
                go.Scatter(
                    x=times + times[::-1],
                    y=list(frame[high]) + list(frame[low])[::-1],
                    fill="toself",
                    fillcolor=rgba(colour, alpha),
                    line={"width": 0},
                    hoverinfo="skip",
                    showlegend=False,
                    legendgroup=policy,
                )
            )
        figure.add_trace(
            go.Scatter(
                x=times,
                y=frame[0.5],
                name=f"{policy} (median, 50% and 90% bands)",
                line={"color": colour, "width": 2},
                legendgroup=policy,
            )
        )
    if observed is not None and not observed.empty:
        figure.add_trace(
            go.Scatter(
                x=list(observed.index),
                y=list(observed.values),
                name=observed_label,
                mode="lines+markers",
                line={"color": "#333", "dash": "dot"},
            )
        )
    figure.update_layout(
        title=title,
        yaxis_title=unit,
        template="plotly_white",
        height=380,
        legend={"orientation": "h", "y": -0.2},
        margin={"l": 60, "r": 20, "t": 50, "b": 40},
    )
    return figure


def parameter_sources(parameters: ParameterSet) -> list[str]:
    """One line per parameter: value, unit and its reference or estimate reasoning."""
    lines = []
    for name, parameter in parameters.items():
        value = parameter.value if parameter.value is not None else parameter.values
        if parameter.reference is not None:
            ref = parameter.reference
            origin = f"{ref.publisher}, {ref.title} ({ref.date})"
        else:
            origin = f"estimate: {parameter.reasoning}"
        lines.append(f"{name} = {value} {parameter.unit}. {origin}")
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
    policies, table = summary_rows(summary)
    rows = [[f"{label} ({unit})", *cells] for label, unit, *cells in table]
    sections = [
        Section(
            title="Summary per policy",
            text=description + " Cells: median over runs [5th – 95th percentile].",
            tables_html=[table_html(["indicator", *policies], rows)],
        ),
        Section(
            title="Fan charts",
            text="Lines are medians over the ensemble; bands hold 50% and 90% of runs. "
            "Dotted lines are observed values where they exist.",
            figures=[
                fan_chart(variable, per_policy, observed.get(variable))
                for variable, per_policy in fans.items()
            ],
            sources=data_sources,
        ),
        Section(title="Parameters and their sources", sources=parameter_sources(parameters)),
    ]
    return write_report(path, title, sections)


def summary_rows(summary: pd.DataFrame) -> tuple[list[str], list[list[str]]]:
    """Policies and one row per indicator: label, shown unit, then "median [p5 – p95]" per policy."""
    scales = {indicator.name: indicator for indicator in INDICATORS}
    policies = list(dict.fromkeys(summary["policy"]))
    rows = []
    for name, group in summary.groupby("indicator", sort=False):
        indicator = scales[str(name)]
        cells = []
        for policy in policies:
            row = group[group["policy"] == policy].iloc[0]
            median, low, high = (row[key] / indicator.display_scale for key in ("median", "p5", "p95"))
            cells.append(f"{format_number(median)} [{format_number(low)} – {format_number(high)}]")
        rows.append([indicator.label, indicator.shown_unit, *cells])
    return policies, rows


def format_number(value: float) -> str:
    """Readable number: thousands separators, two decimals below ten."""
    if pd.isna(value):
        return "–"
    if abs(value) >= 10:
        return f"{value:,.0f}"
    return f"{value:.2f}"
