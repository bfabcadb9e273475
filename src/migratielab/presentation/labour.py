"""Rows of the labour faces (dashboard page, CLI): numbers through the formatter, words from the catalogue."""

from __future__ import annotations

from migratielab.models.variables import Language
from migratielab.presentation.catalogue import Translator
from migratielab.presentation.formatting import format_number, format_share
from migratielab.service.labour import ChannelComparison, IndicatorEvidence, OccupationAssessment, Spread


def _value(row: IndicatorEvidence, lang: Language) -> str:
    """An indicator value (yes/no for the 0/1 direction indicator)."""
    t = Translator(lang)
    if row.value is None:
        return t("labour_no_data")
    if row.name == "roa_direction":
        return t("labour_yes") if row.value >= 1 else t("labour_no")
    return format_number(row.value, lang)


def evidence_rows(occupation: OccupationAssessment, lang: Language) -> list[dict[str, str]]:
    """The indicator rows of one occupation: label, value, threshold, passes, weight, source."""
    t = Translator(lang)
    rows = []
    for row in occupation.indicators:
        sign = "≥" if row.passes_when == "at_least" else "≤"
        passes = "–" if row.passes is None else (t("labour_yes") if row.passes else t("labour_no"))
        rows.append(
            {
                "label": row.nl if lang == "nl" else row.en,
                "unit": row.unit_nl if lang == "nl" else row.unit_en,
                "value": _value(row, lang),
                "threshold": f"{sign} {format_number(row.threshold, lang)}",
                "passes": passes,
                "weight": format_number(row.weight, lang),
                "source": row.source,
            }
        )
    return rows


def occupation_row(occupation: OccupationAssessment, lang: Language) -> dict[str, object]:
    """One ranked occupation: formatted columns, verdict and reasons in words, and its evidence."""
    t = Translator(lang)
    return {
        "rank": str(occupation.rank),
        "code": occupation.code,
        "name": occupation.name,
        "score": format_share(occupation.score, lang),
        "verdict_code": occupation.verdict,
        "verdict": t(f"verdict_{occupation.verdict}"),
        "reasons": [t(f"reason_{reason}") for reason in occupation.reasons],
        "unfilled": format_number(occupation.unfilled_2030, lang),
        "wage_ratio": format_share(occupation.wage_ratio, lang)
        + (f" {t('labour_class_wage')}" if occupation.wage_basis == "class" else ""),
        "evidence": evidence_rows(occupation, lang),
    }


def spread_text(spread: Spread, lang: Language) -> str:
    """A median with its 5-95% range."""
    low, high = format_number(spread.p5, lang), format_number(spread.p95, lang)
    return f"{format_number(spread.median, lang)} ({low} – {high})"


def channel_rows(result: ChannelComparison, lang: Language) -> list[dict[str, str]]:
    """Channels on the broad-welfare themes, formatted."""
    t = Translator(lang)
    return [
        {
            "channel": t(f"channel_{c.channel}"),
            "plan": format_number(c.plan_per_year, lang),
            "employed_1": format_share(c.employment[1], lang),
            "employed_5": format_share(c.employment[5], lang),
            "earnings": format_share(c.earnings_ratio, lang),
            "stay_5": format_share(c.stay[5], lang),
            "dwellings": format_number(c.dwellings_per_person, lang),
            "integration": format_number(c.integration_cost, lang),
            "shortage_share": format_share(c.shortage_share, lang),
            **{f"fiscal_{key}": spread_text(value, lang) for key, value in c.fiscal.items()},
        }
        for c in result.channels
    ]


def coverage_lines(result: ChannelComparison, lang: Language) -> list[str]:
    """One sentence per coverage year and one for the levers."""
    t, lv = Translator(lang), result.levers
    lines = [
        t(
            "labour_coverage_line",
            year=year,
            gap=format_number(gap, lang),
            plan=format_number(lv.shortage_closed_by_plan[year], lang),
            levers=format_number(lv.shortage_closed_by_levers[year], lang),
        )
        for year, gap in lv.unfilled_total.items()
    ]
    lines.append(
        t(
            "labour_levers_line",
            recognition=format_share(lv.diploma_recognition, lang),
            guidance=format_share(lv.intensive_guidance, lang),
            workers=format_number(lv.extra_workers.median, lang),
            low=format_number(lv.extra_workers.p5, lang),
            high=format_number(lv.extra_workers.p95, lang),
            cost=format_number(lv.cost.median, lang),
        )
    )
    return lines
