"""Scorecard cells: a backlog below zero reads as a lead (Dutch and English); other values keep their sign."""

from __future__ import annotations

import numpy as np
import pytest

from migratielab.analysis.scorecard import EntryResult, catalogue
from migratielab.models.variables import Language
from migratielab.presentation.formatting import format_number
from migratielab.presentation.scorecard import cell

WORDS = {"nl": "voorsprong", "en": "ahead"}


def result(entry_id: str, values: list[float]) -> EntryResult:
    """A scorecard line of the catalogue entry ``entry_id`` with these values per run."""
    return EntryResult(catalogue().entry(entry_id), np.asarray(values, dtype=float))


def size(line: EntryResult, q: float, lang: Language) -> str:
    """The size of a quantile of the line, formatted in the language (no sign)."""
    value = line.quantile(q)
    assert value is not None
    return format_number(abs(value), lang)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_lead_in_housing_is_shown_as_a_lead_not_as_a_negative_backlog(lang: Language) -> None:
    """The old cell was ``-505 [-678 – -221]``: every value of a band of leads is now a size with the word."""
    line = result("housing_backlog_end", list(np.linspace(-700.0, -200.0, 21)))
    shown = cell(line, lang)
    word = WORDS[lang]
    assert "-" not in shown
    assert (
        shown
        == f"{size(line, 0.5, lang)} {word} [{size(line, 0.95, lang)} – {size(line, 0.05, lang)} {word}]"
    )


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_band_across_zero_names_the_lead_and_a_backlog_stays_a_number(lang: Language) -> None:
    """Runs with a lead and runs with a backlog: the lead is named, the backlog is a plain number."""
    line = result("housing_backlog_end", list(np.linspace(-300.0, 200.0, 21)))
    low, high = size(line, 0.05, lang), size(line, 0.95, lang)
    assert cell(line, lang).endswith(f"[{low} {WORDS[lang]} – {high}]")
    backlog = result("housing_backlog_end", [100.0, 250.0, 400.0])
    assert WORDS[lang] not in cell(backlog, lang) and "-" not in cell(backlog, lang)


def test_other_entries_keep_their_minus_sign() -> None:
    """A net fiscal contribution below zero is a cost, not a lead: its sign stays."""
    from migratielab.presentation.scorecard import negative_word

    entry = catalogue().entry("fiscal_contribution")
    assert negative_word(entry, "nl") is None
    assert cell(result("fiscal_contribution", [-2.0e10, -1.0e10, -0.5e10]), "nl").startswith("-")
    assert negative_word(catalogue().entry("housing_backlog_end"), "en") == "ahead"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_known_weakness_in_status_holders_is_marked_wherever_the_scorecard_shows_them(
    lang: Language,
) -> None:
    """The what-if chart warns that the waiting list falls too fast; the scorecard's line and the
    plan page's path of the same variable now carry that warning too, and only they."""
    from migratielab.presentation.catalogue import text
    from migratielab.presentation.scorecard import CAVEAT_MARK, caveat_lines, entry_caveat, plan_path_figures
    from migratielab.service.plan_web import PlanOutlook
    from migratielab.service.web_models import YearFan

    holders, wait = result("holders_waiting", [3000.0, 3300.0]), result("decision_wait", [40.0, 50.0])
    warning = text("caveat.holders_waiting", lang)
    assert entry_caveat(holders.entry, lang) == warning and entry_caveat(wait.entry, lang) is None
    assert caveat_lines([wait, holders], lang) == [f"{CAVEAT_MARK} {holders.entry.label(lang)}: {warning}"]
    quantiles: dict[str, list[float | None]] = {
        q: [1.0, 2.0] for q in ("0.05", "0.25", "0.5", "0.75", "0.95")
    }
    fan = YearFan(variable="x", years=[2025, 2026], quantiles=quantiles)
    paths = {"asylum.holders_waiting": {"a": fan}, "labour.unfilled_total": {"a": fan}}
    outlook = PlanOutlook(comparison=None, paths=paths)  # type: ignore[arg-type]
    figures = plan_path_figures(outlook, lang)
    notes = [a["text"] for a in figures["asylum_holders_waiting"]["layout"].get("annotations", [])]
    assert any(warning.split()[0] in note for note in notes)
    assert not figures["labour_unfilled_total"]["layout"].get("annotations")
