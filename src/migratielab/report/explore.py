"""HTML report of an exploration: fan charts, robustness and regret tables, sensitivity bars, PRIM boxes."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from migratielab.experiments.store import Manifest
from migratielab.models.variables import Language, Variable, outcome_variable, variable
from migratielab.presentation.charts import fan_chart, frame_fan, to_plotly
from migratielab.presentation.formatting import format_number, format_value, unit_label
from migratielab.report.html import Section, table_html, write_report

LANG: Language = "en"
SKETCH_NOTE = "Quantiles over runs from streaming log-histograms: within 1% (relative) of the exact value."


OUTCOME_COLUMNS = ("outcome", "output", "variable")
"""Columns that name a registered outcome variable (shown by its label, with its unit)."""
HEADERS = {"p5": "5th percentile", "p95": "95th percentile", "outcome": "outcome", "output": "outcome"}


def outcome_of(record: Mapping[Hashable, object]) -> tuple[str, Variable | None]:
    """The record's outcome column and its registered variable (None when there is none)."""
    for column in OUTCOME_COLUMNS:
        if column in record:
            return column, outcome_variable(str(record[column]))
    return "", None


def cell(value: object, entry: Variable | None) -> object:
    """A number in the shared format: in the outcome's shown unit (shares as %, euros in EUR
    million) when the row has a registered outcome, else three significant digits."""
    if not isinstance(value, float | int) or isinstance(value, bool):
        return value
    if entry is not None:
        return format_value(float(value), entry, LANG)
    return format_number(float(value), LANG)


def frame_table(frame: pd.DataFrame, numeric: tuple[str, ...] = ("p5", "median", "p95", "mean")) -> str:
    """An HTML table of a frame: outcomes by their label and unit, numbers in the shared format
    (never ``1.48e+10`` or a code name such as ``in_chain``)."""
    rows = []
    for record in frame.to_dict("records"):
        column, entry = outcome_of(record)
        shown = {
            key: (entry.label(LANG) if key == column and entry is not None else
                  cell(value, entry if key in numeric else None))
            for key, value in record.items()
        }  # fmt: skip
        if column:
            shown["unit"] = unit_label(entry, LANG) if entry is not None else ""
        rows.append(list(shown.values()))
    header = [HEADERS.get(str(name), str(name)) for name in frame.columns]
    if any(name in frame.columns for name in OUTCOME_COLUMNS):
        header.append("unit")
    return table_html(header, rows)


def variable_title(name: str) -> tuple[str, str]:
    """A summary variable's label and unit from the registry (the name itself when unregistered)."""
    try:
        entry = variable("asylum", name)
    except KeyError:
        return name, ""
    return entry.label(LANG), entry.shown_unit.label(LANG)


def fan_figure(summaries: pd.DataFrame, name: str) -> go.Figure:
    """Median and the stored quantile bands over runs per policy for one monthly variable."""
    own = summaries[summaries["variable"] == name]
    series = []
    for policy, rows in own.groupby("policy", sort=False):
        wide = rows.pivot(index="period", columns="quantile", values="value")
        series.append(frame_fan(str(policy), wide))
    title, unit = variable_title(name)
    return to_plotly(fan_chart(series, title, unit, LANG))


def sensitivity_figure(table: pd.DataFrame) -> go.Figure:
    """Bars of total-order Sobol indices (or Morris mu_star) with confidence intervals, per outcome."""
    scalar = table[table["period"] == "all"]
    value, error = ("ST", "ST_conf") if "ST" in scalar.columns else ("mu_star", "mu_star_conf")
    figure = go.Figure()
    for (policy, output), rows in scalar.groupby(["policy", "output"], sort=False):
        figure.add_trace(
            go.Bar(
                x=rows["input"],
                y=rows[value],
                error_y={"type": "data", "array": rows[error]},
                name=f"{output} ({policy})",
            )
        )
    figure.update_layout(title=f"{value} per input", barmode="group", height=420)
    return figure


def exploration_sections(
    manifest: Manifest, summaries: pd.DataFrame, tables: dict[str, pd.DataFrame]
) -> list[Section]:
    """Report sections of a stored exploration."""
    failed = f"{manifest.failed} of {manifest.runs} runs failed" if manifest.failed else "no run failed"
    sections = [
        Section(
            "Experiment",
            text=(
                f"{format_number(manifest.runs, LANG)} runs ({manifest.sampler}, size "
                f"{format_number(manifest.size, LANG)}, seed {manifest.seed}) on "
                f"{manifest.backend} in {manifest.wall_seconds:.1f} s; {failed}."
            ),
            tables_html=[frame_table(tables["outcomes"])] if not tables["outcomes"].empty else [],
            sources=[f"migratielab {manifest.code_version}"]
            + [f"{name} sha256 {digest[:12]}" for name, digest in manifest.parameter_hashes.items()],
        )
    ]
    if not summaries.empty:
        variables = list(dict.fromkeys(summaries["variable"]))
        sections.append(
            Section("Fan charts", text=SKETCH_NOTE, figures=[fan_figure(summaries, v) for v in variables])
        )
    robust = [frame_table(tables[name]) for name in ("robustness", "regret") if not tables[name].empty]
    if robust:
        sections.append(
            Section(
                "Robustness",
                text="Share of futures meeting each threshold; regret against the best policy per future.",
                tables_html=robust,
            )
        )
    indices = tables["sensitivity"]
    if not indices.empty:
        sections.append(
            Section(
                "Global sensitivity",
                text="SALib indices with 95% bootstrap confidence half-widths.",
                tables_html=[frame_table(indices.loc[indices["period"] == "all"])],
                figures=[sensitivity_figure(indices)],
            )
        )
    if not tables["prim"].empty:
        sections.append(
            Section(
                "Scenario discovery (PRIM)",
                text="Boxes of the uncertainty space where a policy misses at least one threshold.",
                tables_html=[frame_table(tables["prim"])],
            )
        )
    return sections


def exploration_report(
    path: Path, manifest: Manifest, summaries: pd.DataFrame, tables: dict[str, pd.DataFrame]
) -> Path:
    """Write the self-contained HTML report of an exploration; return its path."""
    return write_report(
        path, f"migratielab exploration: {manifest.name}", exploration_sections(manifest, summaries, tables)
    )
