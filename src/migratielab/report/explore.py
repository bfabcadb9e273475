"""HTML report of an exploration: fan charts, robustness and regret tables, sensitivity bars, PRIM boxes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from migratielab.experiments.store import Manifest
from migratielab.models.variables import Language, variable
from migratielab.presentation.charts import fan_chart, frame_fan, to_plotly
from migratielab.presentation.formatting import format_number
from migratielab.report.html import Section, table_html, write_report

LANG: Language = "en"
SKETCH_NOTE = "Quantiles over runs from streaming log-histograms: within 1% (relative) of the exact value."


def frame_table(frame: pd.DataFrame) -> str:
    """An HTML table of a frame with numbers in the shared format (three significant digits)."""
    rows = [
        [format_number(value, LANG) if isinstance(value, float) else value for value in record]
        for record in frame.itertuples(index=False)
    ]
    return table_html([str(column) for column in frame.columns], rows)


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
                f"{manifest.runs} runs ({manifest.sampler}, size {manifest.size}, seed {manifest.seed}) on "
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
