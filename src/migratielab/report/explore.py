"""HTML report of an exploration: fan charts, robustness and regret tables, sensitivity bars, PRIM boxes."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from migratielab.experiments.store import Manifest
from migratielab.models.variables import Language, Variable, outcome_variable, variable
from migratielab.presentation.catalogue import text
from migratielab.presentation.charts import fan_chart, frame_fan, to_plotly
from migratielab.presentation.exploration import (
    IN_OUTCOME_UNITS,
    OUTCOME_COLUMNS,
    analysis_cell,
    column_heading,
)
from migratielab.presentation.formatting import format_number, plotly_separators, unit_label
from migratielab.report.html import Section, render_report, table_html, write_report


def outcome_of(record: Mapping[Hashable, object]) -> Variable | None:
    """The registered variable of the record's outcome column (None when there is none)."""
    for column in OUTCOME_COLUMNS:
        if column in record:
            return outcome_variable(str(record[column]))
    return None


def frame_table(frame: pd.DataFrame, lang: Language) -> str:
    """An HTML table of an analysis frame, cells and headings as the CLI shows them
    (``presentation.exploration``) in ``lang``, plus the unit of each row's outcome when the table
    has figures in that unit (not for unitless Sobol indices)."""
    has_outcome = any(name in frame.columns for name in OUTCOME_COLUMNS) and any(
        name in frame.columns for name in IN_OUTCOME_UNITS
    )
    rows = []
    for record in frame.to_dict("records"):
        entry = outcome_of(record)
        shown: list[object] = [analysis_cell(key, value, entry, lang) for key, value in record.items()]
        if has_outcome:
            shown.append(unit_label(entry, lang) if entry is not None else "")
        rows.append(shown)
    header = [column_heading(name, lang) for name in frame.columns]
    words = [i for i, name in enumerate(frame.columns) if not pd.api.types.is_numeric_dtype(frame[name])]
    if has_outcome:
        header.append(column_heading("unit", lang))
        words.append(len(header) - 1)
    return table_html(header, rows, text_columns=words)


def variable_title(name: str, lang: Language) -> tuple[str, str]:
    """A summary variable's label and unit from the registry (the name itself when unregistered)."""
    try:
        entry = variable("asylum", name)
    except KeyError:
        return name, ""
    return entry.label(lang), entry.shown_unit.label(lang)


def fan_figure(summaries: pd.DataFrame, name: str, lang: Language) -> go.Figure:
    """Median and the stored quantile bands over runs per policy for one monthly variable."""
    own = summaries[summaries["variable"] == name]
    series = []
    for policy, rows in own.groupby("policy", sort=False):
        wide = rows.pivot(index="period", columns="quantile", values="value")
        series.append(frame_fan(str(policy), wide))
    title, unit = variable_title(name, lang)
    return to_plotly(fan_chart(series, title, unit, lang))


def sensitivity_figure(table: pd.DataFrame, lang: Language) -> go.Figure:
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
                name=f"{analysis_cell('output', output, None, lang)} ({policy})",
            )
        )
    title = text("explore.sensitivity_figure", lang, index=value)
    figure.update_layout(title=title, barmode="group", height=420, separators=plotly_separators(lang))
    return figure


def experiment_section(manifest: Manifest, outcomes: pd.DataFrame, lang: Language) -> Section:
    """What was run (runs, sampler, backend, failures), the outcome table and the code and
    parameter versions."""
    runs = format_number(manifest.runs, lang)
    failed = (
        text("explore.failed", lang, failed=format_number(manifest.failed, lang), runs=runs)
        if manifest.failed
        else text("explore.none_failed", lang)
    )
    summary = text(
        "explore.experiment_text", lang, runs=runs, sampler=manifest.sampler,
        size=format_number(manifest.size, lang), seed=manifest.seed, backend=manifest.backend,
        seconds=format_number(manifest.wall_seconds, lang), failed=failed,
    )  # fmt: skip
    return Section(
        text("explore.experiment", lang),
        text=summary,
        tables_html=[frame_table(outcomes, lang)] if not outcomes.empty else [],
        sources=[f"migratielab {manifest.code_version}"]
        + [f"{name} sha256 {digest[:12]}" for name, digest in manifest.parameter_hashes.items()],
        sources_label=text("sources", lang),
    )


def analysis_sections(tables: dict[str, pd.DataFrame], lang: Language) -> list[Section]:
    """The robustness (with regret), sensitivity and PRIM sections of the tables that are not empty."""
    sections = []
    robust = [frame_table(tables[name], lang) for name in ("robustness", "regret") if not tables[name].empty]
    if robust:
        sections.append(
            Section(text("explore.robustness", lang), text("explore.robustness_text", lang), robust)
        )
    indices = tables["sensitivity"]
    if not indices.empty:
        sections.append(
            Section(
                text("explore.sensitivity", lang),
                text=text("explore.sensitivity_text", lang),
                tables_html=[frame_table(indices.loc[indices["period"] == "all"], lang)],
                figures=[sensitivity_figure(indices, lang)],
            )
        )
    if not tables["prim"].empty:
        sections.append(
            Section(
                text("explore.prim", lang),
                text("explore.prim_text", lang),
                [frame_table(tables["prim"], lang)],
            )
        )
    return sections


def exploration_sections(
    manifest: Manifest, summaries: pd.DataFrame, tables: dict[str, pd.DataFrame], lang: Language
) -> list[Section]:
    """Report sections of a stored exploration in ``lang``."""
    sections = [experiment_section(manifest, tables["outcomes"], lang)]
    if not summaries.empty:
        figures = [fan_figure(summaries, name, lang) for name in dict.fromkeys(summaries["variable"])]
        sections.append(
            Section(text("explore.fans", lang), text("explore.sketch_note", lang), figures=figures)
        )
    return sections + analysis_sections(tables, lang)


def exploration_title(manifest: Manifest, lang: Language) -> str:
    """The report's title: the experiment's name."""
    return text("explore.title", lang, name=manifest.name)


def render_exploration(
    manifest: Manifest, summaries: pd.DataFrame, tables: dict[str, pd.DataFrame], lang: Language
) -> str:
    """The self-contained HTML text of an exploration's report in ``lang`` (served by the dashboard)."""
    sections = exploration_sections(manifest, summaries, tables, lang)
    return render_report(exploration_title(manifest, lang), sections, lang)


def exploration_report(
    path: Path,
    manifest: Manifest,
    summaries: pd.DataFrame,
    tables: dict[str, pd.DataFrame],
    lang: Language = "en",
) -> Path:
    """Write the self-contained HTML report of an exploration in ``lang``; return its path."""
    sections = exploration_sections(manifest, summaries, tables, lang)
    return write_report(path, exploration_title(manifest, lang), sections, lang)
