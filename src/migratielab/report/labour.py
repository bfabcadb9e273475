"""The labour report: the shortage list with its evidence and sensible-test verdicts, the channels
compared on broad welfare with uncertainty bands, and a plan's shortage coverage by 2030 and 2035.

Dutch (default) or English; one self-contained HTML file (plotly embedded once), written atomically.
Rows and headings come from ``presentation.labour`` (labels and units from the variable registry).
"""

from __future__ import annotations

import html
from pathlib import Path

from migratielab.models.labour.shortage import VERDICTS
from migratielab.models.variables import Language
from migratielab.presentation.catalogue import Translator
from migratielab.presentation.charts import to_plotly
from migratielab.presentation.formatting import format_share
from migratielab.presentation.labour import (
    CHANNEL_TABLES,
    channel_table,
    coverage_lines,
    coverage_table,
    evidence_rows,
    fiscal_figure,
    shortage_table,
    source_lines,
)
from migratielab.report.html import Section, table_html, write_report
from migratielab.service.labour import (
    ChannelComparison,
    OccupationAssessment,
    ShortageList,
    table_sources,
)

EVIDENCE_SHOWN = 25
"""Occupations in shortage whose evidence the report lists one by one (by rank)."""


def shortage_sections(result: ShortageList, lang: Language) -> list[Section]:
    """The ranked list of occupations in shortage, the verdict counts and the evidence per occupation."""
    t = Translator(lang)
    spec = shortage_table(result, lang)
    in_shortage = [o for o in result.occupations if o.in_shortage]
    reasons = [", ".join(t(f"reason_{r}") for r in o.reasons) or "–" for o in in_shortage]
    rows = [[*row, why] for row, why in zip(spec.rows, reasons, strict=False)]
    counts = result.counts()
    header = [t("labour_verdict"), t("report_labour_groups"), t("report_labour_meaning")]
    verdicts = [[t(f"verdict_{v}"), str(counts[v]), t(f"report_labour_verdict_{v}")] for v in VERDICTS]
    evidence = [_evidence(o, lang) for o in in_shortage[:EVIDENCE_SHOWN]]
    return [
        Section(
            title=t("report_labour_shortages"),
            text=t(
                "report_labour_shortages_text", cutoff=format_share(result.cutoff, lang), n=len(in_shortage)
            ),
            tables_html=[table_html([*spec.header, t("report_labour_why")], rows, (1, 3, 6))],
        ),
        Section(
            title=t("report_labour_sensible"),
            text=t("report_labour_sensible_text"),
            tables_html=[table_html(header, verdicts, (2,))],
        ),
        Section(
            title=t("labour_evidence"),
            text=t("report_labour_evidence_text", n=min(EVIDENCE_SHOWN, len(in_shortage))),
            tables_html=evidence,
            sources=sorted({row.source for o in in_shortage for row in o.indicators}),
            sources_label=t("sources"),
        ),
    ]


def _evidence(occupation: OccupationAssessment, lang: Language) -> str:
    """The indicator rows of one occupation as a collapsible HTML table under its rank and verdict."""
    t = Translator(lang)
    keys = ("label", "unit", "value", "threshold", "passes", "weight", "source")
    header = [t("labour_indicator"), t("unit"), *(t(f"labour_{k}") for k in keys[2:])]
    rows = [[row[k] for k in keys] for row in evidence_rows(occupation, lang)]
    table = table_html(header, rows, (1, 4, 6))
    verdict = t(f"verdict_{occupation.verdict}")
    summary = html.escape(f"{occupation.rank}. {occupation.code} {occupation.name} – {verdict}")
    return f"<details><summary>{summary}</summary>{table}</details>"


def channel_sections(result: ChannelComparison, lang: Language) -> list[Section]:
    """The channels on broad welfare (tables and the fiscal chart with bands) and the plan's coverage."""
    t = Translator(lang)
    tables = []
    for key in CHANNEL_TABLES:
        spec = channel_table(result, key, lang)
        tables.append(f"<h3>{html.escape(spec.title)}</h3>" + table_html(spec.header, spec.rows))
    coverage = []
    for year in result.levers.unfilled_total:
        spec = coverage_table(result, year, lang)
        table = table_html(spec.header, spec.rows, (0,))
        coverage.append(f"<h3>{html.escape(spec.title)}</h3><div class='wide'>{table}</div>")
    return [
        Section(
            title=t("labour_channels_title"),
            text=t("report_labour_channels_text", scenario=result.scenario, runs=result.runs),
            tables_html=tables,
            figures=[to_plotly(fiscal_figure(result, lang))],
        ),
        Section(
            title=t("report_labour_coverage"),
            text=" ".join(coverage_lines(result, lang)),
            tables_html=coverage,
        ),
    ]


def write_labour_report(
    path: Path, shortages: ShortageList, channels: ChannelComparison, lang: Language = "nl"
) -> Path:
    """Write the self-contained labour report (atomically: a failed write leaves no file)."""
    t = Translator(lang)
    sections = [
        Section(title=t("report_labour_method"), text=t("report_labour_method_text")),
        *shortage_sections(shortages, lang),
        *channel_sections(channels, lang),
        Section(
            title=t("report_labour_data"),
            sources=source_lines(table_sources()),
            sources_label=t("sources"),
        ),
    ]
    return write_report(path, t("report_labour_title"), sections, lang=lang)
