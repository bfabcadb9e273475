"""Tables of the integral scorecard, plans side by side and the plan finder, in Dutch or English.

The CLI, the dashboard and the reports draw these same rows; labels and units come from the
scorecard catalogue and the variable registry, texts from the catalogue, numbers from the formatter.
"""

from __future__ import annotations

from collections.abc import Sequence

from migratielab.analysis.scorecard import ROBUST_SHARE, Difference, Entry, EntryResult
from migratielab.models.variables import Language, lookup
from migratielab.presentation.catalogue import catalogue, text
from migratielab.presentation.charts import FanSeries, Figure, Series, fan_chart
from migratielab.presentation.formatting import MISSING, format_number, format_share
from migratielab.presentation.scenarios import scenario_name
from migratielab.presentation.simulation import variable_caveat, with_caveat
from migratielab.presentation.sources import citation_lines
from migratielab.scenario import Scenario
from migratielab.service.finder import FinderResult
from migratielab.service.plan_web import EXAMPLE_NAME, YOURS_NAME, PlanOutlook
from migratielab.service.scorecard import PlanComparison, Scorecard, entry_citations
from migratielab.service.web_models import YearFan

Table = tuple[list[str], list[list[str]]]
SHARE_UNITS = ("share", "share of completions")


def shown(value: float | None, entry: Entry, lang: Language) -> str:
    """A value of an entry in its shown unit (shares as percentages)."""
    if entry.result_unit.code in SHARE_UNITS:
        return format_share(value, lang)
    return format_number(None if value is None else value / entry.shown_scale, lang)


def unit_of(entry: Entry, lang: Language) -> str:
    """The unit an entry is shown in."""
    return "%" if entry.result_unit.code in SHARE_UNITS else entry.shown_unit.label(lang)


def negative_word(entry: Entry, lang: Language) -> str | None:
    """The word a negative value of the entry is read as (a backlog below zero is a lead: ``voorsprong``,
    ``ahead``), from the catalogue key ``negative.<registry key>`` of its one variable; None when the
    entry has no such reading (a ratio, a sum of variables, or a variable without the key)."""
    key = f"negative.{entry.variables[0]}"
    if len(entry.variables) > 1 or entry.per or entry.per_series or key not in catalogue():
        return None
    return text(key, lang)


def read(value: float, entry: Entry, lang: Language) -> str:
    """A value as the table reads it: a negative value of an entry with a ``negative_word`` as its size
    and that word (``505 voorsprong``, ``505 ahead``), any other value as ``shown``."""
    word = negative_word(entry, lang)
    return f"{shown(-value, entry, lang)} {word}" if word and value < 0 else shown(value, entry, lang)


def band(low: float, high: float, entry: Entry, lang: Language) -> str:
    """The 5-95% band ``[low – high]``; a band of leads only is written by size with one word
    (``[221 – 678 voorsprong]``), a band that crosses zero names the lead (``[300 voorsprong – 200]``)."""
    word = negative_word(entry, lang)
    if word and high < 0:
        return f"[{shown(-high, entry, lang)} – {shown(-low, entry, lang)} {word}]"
    return f"[{read(low, entry, lang)} – {read(high, entry, lang)}]"


def missing_reason(result: EntryResult, lang: Language) -> str:
    """Why an entry has no values, in the language: the pillars that did not run, or the horizon."""
    if result.reason is None:
        return result.missing or ""
    kind, detail = result.reason
    if kind == "pillars":
        detail = ", ".join(text(f"module.{pillar}", lang) for pillar in detail.split(", "))
    return text(f"scorecard.missing_{kind}", lang, detail=detail)


def cell(result: EntryResult, lang: Language) -> str:
    """``median [p5 – p95]`` (leads read as leads, see ``read``), or why the entry is missing."""
    if result.values is None:
        return text("scorecard.missing", lang, reason=missing_reason(result, lang))
    median, low, high = (result.quantile(q) for q in (0.5, 0.05, 0.95))
    if median is None or low is None or high is None:
        return MISSING
    return f"{read(median, result.entry, lang)} {band(low, high, result.entry, lang)}"


CAVEAT_MARK = "⚠"
"""Marks an indicator whose variable the model is known to get wrong (``entry_caveat``)."""


def _label_columns(entry: Entry, lang: Language) -> list[str]:
    label = entry.label(lang) + (f" {CAVEAT_MARK}" if entry_caveat(entry, lang) else "")
    return [text(f"group.{entry.group}", lang), label, text(f"theme.{entry.theme}", lang)]


def entry_caveat(entry: Entry, lang: Language) -> str | None:
    """The known weakness of the model in one of an entry's variables (the what-if chart's caveat)."""
    notes = (variable_caveat(key, lang) for key in entry.variables)
    return next((note for note in notes if note is not None), None)


def caveat_lines(results: Sequence[EntryResult], lang: Language) -> list[str]:
    """``⚠ label: caveat`` for every entry with a known weakness, to print under a scorecard."""
    return [
        f"{CAVEAT_MARK} {r.entry.label(lang)}: {note}"
        for r in results
        if (note := entry_caveat(r.entry, lang)) is not None
    ]


def scorecard_table(card: Scorecard, lang: Language) -> Table:
    """One row per entry: group, indicator, theme, median [band], unit, better direction."""
    header = [
        "",
        *(text(f"scorecard.{key}", lang) for key in ("indicator", "theme", "value", "unit", "better")),
    ]
    rows = [
        [
            *_label_columns(r.entry, lang),
            cell(r, lang),
            unit_of(r.entry, lang),
            text(f"better.{r.entry.better}", lang),
        ]
        for r in card.results
    ]
    return header, rows


def difference_text(difference: Difference | None, entry: Entry, lang: Language) -> str:
    """The paired verdict and median difference of a plan against the first plan."""
    if difference is None or difference.median is None:
        return ""
    if difference.share_higher == 0 and difference.share_lower == 0:
        return text("verdict.equal", lang)
    sign = "+" if difference.median > 0 else ""
    value = text("compare.difference", lang, value=sign + shown(difference.median, entry, lang))
    verdict = text("verdict." + (difference.verdict or "none"), lang)
    return f"{verdict}; {value}"


def comparison_table(comparison: PlanComparison, lang: Language) -> Table:
    """One row per entry; a column per plan, later plans with their paired verdict against the first."""
    names = [scenario_name(card.scenario, lang) for card in comparison.scorecards]
    header = [
        "",
        text("scorecard.indicator", lang),
        text("scorecard.theme", lang),
        text("scorecard.unit", lang),
        *names,
    ]
    rows = []
    for index, result in enumerate(comparison.scorecards[0].results):
        entry = result.entry
        cells = [cell(result, lang)]
        for card, differences in zip(comparison.scorecards[1:], comparison.differences, strict=True):
            verdict = difference_text(differences.get(entry.id), entry, lang)
            cells.append(cell(card.results[index], lang) + (f" ({verdict})" if verdict else ""))
        rows.append([*_label_columns(entry, lang), unit_of(entry, lang), *cells])
    return header, rows


def runs_text(scenario: Scenario, lang: Language) -> str:
    """The ensemble behind a scorecard: runs, years and seed, in the language."""
    return text(
        "scorecard.runs",
        lang,
        runs=scenario.runs,
        start=scenario.start_year,
        end=scenario.end_year,
        seed=scenario.seed,
    )


def robust_rule(lang: Language) -> str:
    """The rule that marks a difference robust."""
    return text("compare.rule", lang, share=format_share(ROBUST_SHARE, lang))


def _limit_cell(search: float, fresh: float, lang: Language) -> str:
    """Share of the search futures / of the fresh futures meeting a limit."""
    return f"{format_share(search, lang)} / {format_share(fresh, lang)}"


def finder_table(result: FinderResult, lang: Language) -> Table:
    """One row per plan found: levels, objective medians, share of futures meeting each limit
    (search / fresh futures) and whether every limit holds on the fresh futures."""
    spec = result.spec
    levers = [*spec.channels, *spec.policy]
    header = [
        "",
        *(text(name, lang) if name in spec.channels else name for name in levers),
        *(o.indicator for o in spec.objectives),
        *(limit.name for limit in spec.limits),
        text("finder.fresh", lang, seed=result.fresh_seed),
    ]
    rows = []
    for number, plan in enumerate(result.plans, start=1):
        rows.append(
            [
                text("finder.plan", lang, number=number),
                *(format_number(plan.levels[name], lang, digits=6) for name in levers),
                *(format_number(plan.medians[o.indicator], lang) for o in spec.objectives),
                *(
                    _limit_cell(plan.shares[limit.name], plan.fresh_shares[limit.name], lang)
                    for limit in spec.limits
                ),
                text(f"answer.{'yes' if plan.holds_on_fresh_futures else 'no'}", lang),
            ]
        )
    return header, rows


def share_lines(shares: dict[str, float], lang: Language) -> list[str]:
    """``name: 40%`` lines (binding limits, channels at band edges)."""
    return [f"{name}: {format_share(share, lang)}" for name, share in shares.items()]


def source_lines(results: Sequence[EntryResult], lang: Language) -> list[str]:
    """Per entry: its label, then its variables (in the language), series and parameter references."""
    return [
        f"{r.entry.label(lang)}: " + "; ".join(citation_lines(entry_citations(r.entry), lang))
        for r in results
    ]


def plan_names(lang: Language) -> dict[str, str]:
    """The names of the plan page's two plans in the language (example plan, your plan)."""
    return {EXAMPLE_NAME: text("plan.example", lang), YOURS_NAME: text("plan.yours", lang)}


def scaled(fan: YearFan, scale: float) -> dict[str, list[float | None]]:
    """A fan's quantiles divided by ``scale`` (the registry's display scale); gaps stay gaps."""
    return {q: [None if v is None else v / scale for v in values] for q, values in fan.quantiles.items()}


def plan_path_figures(outlook: PlanOutlook, lang: Language) -> dict[str, Figure]:
    """One fan chart per path of the outlook (``service.plan_web.PLAN_PATHS``): both plans' medians with
    their bands per year, titled with the registry label and drawn in its shown unit."""
    names = plan_names(lang)
    figures = {}
    for key, fans in outlook.paths.items():
        entry = lookup(key)
        series = [
            FanSeries(names.get(name, name), fan.years, scaled(fan, entry.display_scale))
            for name, fan in fans.items()
        ]
        title, unit = entry.label(lang), entry.shown_unit.label(lang)
        seen = outlook.observed.get(key, {})
        observed = Series(
            text("observed", lang), list(seen), [v / entry.display_scale for v in seen.values()]
        )
        figure = fan_chart(series, title, unit, lang, observed if seen else None)
        if (note := variable_caveat(key, lang)) is not None:
            with_caveat(figure, note)
        figures[key.replace(".", "_")] = figure
    return figures
