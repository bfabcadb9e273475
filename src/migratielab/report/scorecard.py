"""Reports of the integral trade-off: a scorecard, plans side by side, plans found; one page a minister's
staff can attach to a note (self-contained HTML, sources listed)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

from migratielab.analysis.scorecard import EntryResult
from migratielab.models.variables import Language
from migratielab.presentation.catalogue import text
from migratielab.presentation.formatting import format_number
from migratielab.presentation.scenarios import scenario_description, scenario_name
from migratielab.presentation.scorecard import (
    caveat_lines,
    comparison_table,
    finder_table,
    robust_rule,
    runs_text,
    scorecard_table,
    share_lines,
    source_lines,
)
from migratielab.report.html import Section, table_html, write_report
from migratielab.service.finder import FinderResult
from migratielab.service.scorecard import PlanComparison, Scorecard


def _sources(card: Scorecard, lang: Language) -> Section:
    return Section(
        text("scorecard.sources", lang),
        text("scorecard.not_modelled", lang),
        sources=source_lines(card.results, lang),
        sources_label=text("scorecard.sources", lang),
    )


def write_scorecard_report(path: Path, card: Scorecard, lang: Language = "en") -> Path:
    """The scorecard of one scenario, with definitions and sources."""
    header, rows = scorecard_table(card, lang)
    title = text("scorecard.title", lang, name=scenario_name(card.scenario, lang))
    intro = f"{scenario_description(card.scenario, lang)} {runs_text(card.scenario, lang)}".strip()
    table = table_html(header, rows, text_columns=(1, 2, 4, 5)) + caveat_notes(card.results, lang)
    main = Section(text("scorecard.table", lang), intro, tables_html=[table])
    return write_report(path, title, [main, _sources(card, lang)], lang)


def caveat_notes(results: Sequence[EntryResult], lang: Language) -> str:
    """The ⚠ notes of a scorecard (``caveat_lines``) as paragraphs under its table (HTML)."""
    return "".join(f"<p class='note'>{html.escape(line)}</p>" for line in caveat_lines(results, lang))


def write_comparison_report(path: Path, comparison: PlanComparison, lang: Language = "en") -> Path:
    """Plans side by side with robust differences marked, with definitions and sources."""
    header, rows = comparison_table(comparison, lang)
    first = comparison.scorecards[0]
    intro = f"{runs_text(first.scenario, lang)} {robust_rule(lang)}"
    title = text("compare.title", lang)
    table = table_html(header, rows, text_columns=(1, 2, 3)) + caveat_notes(first.results, lang)
    main = Section(text("scorecard.table", lang), intro, [table])
    return write_report(path, title, [main, _sources(first, lang)], lang)


def write_finder_report(path: Path, result: FinderResult, lang: Language = "en") -> Path:
    """The plans found (or why none), the binding limits and the channels at their band edges."""
    title = text("finder.title", lang)
    summary = text(
        "finder.search",
        lang,
        plans=result.evaluated,
        futures=result.spec.futures,
        rows=format_number(result.rows, lang, digits=9),
        seconds=format_number(result.seconds, lang),
        found=len(result.plans),
    )
    if result.diagnosis is not None:
        sections = [Section(title, f"{summary} {text('finder.none', lang)} {result.diagnosis.message}")]
        return write_report(path, title, sections, lang)
    header, rows = finder_table(result, lang)
    sections = [
        Section(title, summary, tables_html=[table_html(header, rows)]),
        Section(text("finder.binding", lang), "; ".join(share_lines(result.binding, lang))),
        Section(text("finder.edges", lang), "; ".join(share_lines(result.edges, lang))),
    ]
    return write_report(path, title, sections, lang)
