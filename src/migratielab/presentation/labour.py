"""Rows of the labour faces (dashboard page, CLI, report): numbers through the formatter, column labels and
units of registered labour indicators from the variable registry, other words from the catalogue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from babel.numbers import format_decimal

from migratielab.models.labour.channels import CHANNELS
from migratielab.models.variables import Language, indicator, variable
from migratielab.presentation.catalogue import Translator
from migratielab.presentation.charts import GRID, Figure, Series, bar_chart, layout, wrapped
from migratielab.presentation.formatting import (
    LOCALES,
    format_number,
    format_range,
    format_share,
    format_value,
    unit_label,
)
from migratielab.presentation.palette import OBSERVED, colours
from migratielab.service.labour import (
    ChannelComparison,
    ChannelSummary,
    CoverageRow,
    IndicatorEvidence,
    OccupationAssessment,
    ShortageList,
    Spread,
    TableSource,
)


def _value(row: IndicatorEvidence, lang: Language) -> str:
    """An indicator value (yes/no for the 0/1 direction indicator)."""
    t = Translator(lang)
    if row.value is None:
        return t("labour_no_data")
    if row.name == "roa_direction":
        return t("labour_yes") if row.value >= 1 else t("labour_no")
    return format_number(row.value, lang)


def input_number(value: float, lang: Language) -> str:
    """A form field's value in the page's language, every digit kept, no grouping (nl ``0,829``)."""
    return str(format_decimal(value, format="0.##########", locale=LOCALES[lang]))


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
    """One ranked occupation: formatted columns (``shortage_figures``), verdict and reasons in words,
    and its evidence."""
    t = Translator(lang)
    score, unfilled, wage_ratio = shortage_figures(occupation, lang)
    return {
        "rank": str(occupation.rank),
        "code": occupation.code,
        "name": occupation.name,
        "score": score,
        "verdict_code": occupation.verdict,
        "verdict": t(f"verdict_{occupation.verdict}"),
        "reasons": [t(f"reason_{reason}") for reason in occupation.reasons],
        "unfilled": unfilled,
        "wage_ratio": wage_ratio,
        "evidence": evidence_rows(occupation, lang),
    }


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


CHANNEL_TABLES: dict[str, tuple[str, ...]] = {
    "labour_table_work": (
        "plan_per_year", "employment_year1", "employment_year5", "earnings_ratio", "shortage_share",
    ),
    "labour_table_stay": (
        "stay_year5", "cohort_present_10", "cohort_present_20", "cohort_present_30",
        "cohort_below_pension_30",
    ),
    "labour_table_costs": ("dwellings_per_person", "integration_cost"),
    "labour_table_fiscal": ("fiscal_10", "fiscal_20", "fiscal_30", "fiscal_lifetime"),
}  # fmt: skip
"""The channel comparison as three narrow tables (title key -> registered labour indicators)."""
FISCAL_KEYS = {"fiscal_10": "10", "fiscal_20": "20", "fiscal_30": "30", "fiscal_lifetime": "lifetime"}


@dataclass(frozen=True)
class TableSpec:
    """A table for any face: title, header and formatted rows."""

    title: str
    header: list[str]
    rows: list[list[str]]


def heading(name: str, lang: Language, with_unit: bool = True) -> str:
    """Column heading of a registered labour indicator: its label and the unit it is shown in."""
    entry = indicator("labour", name)
    label, unit = entry.label(lang), unit_label(entry, lang)
    return label if not with_unit or unit.lower() in label.lower() else f"{label} ({unit})"


def shared_unit(names: tuple[str, ...], lang: Language) -> str | None:
    """The unit all these indicators are shown in (not ``%``), else None."""
    shown = {unit_label(indicator("labour", name), lang) for name in names}
    return shown.pop() if len(shown) == 1 and "%" not in shown else None


def channel_figure(channel: ChannelSummary, name: str) -> float | Spread:
    """The value of registered indicator ``name`` for one channel (a spread over runs for fiscal ones)."""
    if name in FISCAL_KEYS:
        return channel.fiscal[FISCAL_KEYS[name]]
    values = {
        "plan_per_year": channel.plan_per_year,
        "employment_year1": channel.employment[1],
        "employment_year5": channel.employment[5],
        "earnings_ratio": channel.earnings_ratio,
        "shortage_share": channel.shortage_share,
        "stay_year5": channel.stay[5],
        "dwellings_per_person": channel.dwellings_per_person,
        "integration_cost": channel.integration_cost,
        **{f"cohort_present_{k}": v for k, v in channel.present.items()},
        **{f"cohort_below_pension_{k}": v for k, v in channel.below_pension.items()},
    }
    return values[name]


def figure_cell(value: float | Spread, name: str, lang: Language) -> str:
    """One cell in the indicator's shown unit; a spread as ``median [5% – 95%]``."""
    entry = indicator("labour", name)
    if isinstance(value, Spread):
        return format_range(value.median, value.p5, value.p95, entry, lang)
    return format_value(value, entry, lang)


def channel_table(result: ChannelComparison, key: str, lang: Language) -> TableSpec:
    """One of ``CHANNEL_TABLES``: a row per channel, a column per indicator (a unit they share goes
    into the title)."""
    t = Translator(lang)
    names = CHANNEL_TABLES[key]
    unit = shared_unit(names, lang)
    header = [t("labour_channel"), *(heading(name, lang, unit is None) for name in names)]
    rows = [
        [t(f"channel_{c.channel}"), *(figure_cell(channel_figure(c, name), name, lang) for name in names)]
        for c in result.channels
    ]
    return TableSpec(t(key) if unit is None else f"{t(key)}; {unit}", header, rows)


def channel_tables(result: ChannelComparison, lang: Language) -> list[TableSpec]:
    """Every table of ``CHANNEL_TABLES``, in order (the dashboard page shows them all)."""
    return [channel_table(result, key, lang) for key in CHANNEL_TABLES]


SHORTAGE_FIGURES = ("shortage_score", "unfilled_2030", "wage_ratio")


def shortage_headings(lang: Language) -> list[str]:
    """Column headings of ``SHORTAGE_FIGURES`` (registry label and shown unit)."""
    return [heading(name, lang) for name in SHORTAGE_FIGURES]


def shortage_figures(occupation: OccupationAssessment, lang: Language) -> list[str]:
    """The ``SHORTAGE_FIGURES`` of one occupation in their shown units (a class-level wage marked)."""
    score, unfilled, wage = (
        format_value(value, indicator("labour", name), lang)
        for name, value in zip(
            SHORTAGE_FIGURES,
            (occupation.score, occupation.unfilled_2030, occupation.wage_ratio),
            strict=True,
        )
    )
    if occupation.wage_basis == "class":
        wage += f" {Translator(lang)('labour_class_wage')}"
    return [score, unfilled, wage]


def shortage_table(result: ShortageList, lang: Language, top: int | None = None) -> TableSpec:
    """Header and rows of the ranked shortage list: rank, occupation, score, verdict, gap, relative wage."""
    t = Translator(lang)
    score, unfilled, wage = shortage_headings(lang)
    header = [t("labour_rank"), t("labour_occupation"), score, t("labour_verdict"), unfilled, wage]
    rows = []
    for o in result.occupations[:top]:
        figures = shortage_figures(o, lang)
        rows.append([str(o.rank), f"{o.code} {o.name}", figures[0], t(f"verdict_{o.verdict}"), *figures[1:]])
    return TableSpec(t("labour_title"), header, rows)


COVERAGE_ROWS = 15
"""Occupations with the largest gap shown in a coverage table."""


def coverage_table(result: ChannelComparison, year: int, lang: Language) -> TableSpec:
    """The occupations with the largest gap in ``year``: the gap, what each channel and the levers
    fill and what remains (persons, medians over runs)."""
    t = Translator(lang)
    gap = variable("labour", "unfilled_cumulative")
    header = [
        t("labour_occupation"),
        f"{gap.label(lang)} ({unit_label(gap, lang)})",
        *(t(f"channel_{name}") for name in CHANNELS),
        t("labour_levers_short"),
        t("labour_remaining"),
    ]
    rows = [
        [
            f"{row.code} {row.name}",
            format_number(row.unfilled, lang),
            *(format_number(row.by_channel[name], lang) for name in CHANNELS),
            format_number(row.levers, lang),
            format_number(row.remaining, lang),
        ]
        for row in [row for row in result.coverage if row.year == year][:COVERAGE_ROWS]
    ]
    return TableSpec(t("labour_coverage", year=year), header, rows)


def fiscal_figure(result: ChannelComparison, lang: Language) -> Figure:
    """Net fiscal contribution per arrival by channel after 10, 20, 30 years and over a lifetime:
    medians as bars with the 5-95% range over runs as error bars (registry unit)."""
    t = Translator(lang)
    names = CHANNEL_TABLES["labour_table_fiscal"]
    scale = indicator("labour", names[0]).display_scale
    x = [t(f"channel_{c.channel}") for c in result.channels]
    spreads = {name: [c.fiscal[FISCAL_KEYS[name]] for c in result.channels] for name in names}
    series = [
        Series(heading(name, lang, False), x, [s.median / scale for s in spreads[name]]) for name in names
    ]
    figure = bar_chart(
        series, t("labour_table_fiscal"), unit_label(indicator("labour", names[0]), lang), lang, False
    )
    for trace, name in zip(figure["data"], names, strict=True):
        trace["error_y"] = {
            "type": "data", "symmetric": False, "color": "#555",
            "array": [(s.p95 - s.median) / scale for s in spreads[name]],
            "arrayminus": [(s.median - s.p5) / scale for s in spreads[name]],
        }  # fmt: skip
    return figure


def source_lines(sources: list[TableSource]) -> list[str]:
    """One line per bundled table (or column): publisher, table, date and confidence."""
    return [
        f"{f'{row.file} {row.column}'.strip()}: {row.publisher}, {row.table}, {row.date} "
        f"(confidence {row.confidence})"
        for row in sources
    ]


COVERAGE_BARS = 15
"""Occupation groups with the largest gap drawn one by one in the coverage chart; the rest in one line."""
COVERAGE_PARTS = ("closed_by_plan", "closed_by_levers", "remaining")
"""The parts of a gap in the coverage chart, left to right (fields of ``CoverageRow``)."""
NAME_WIDTH = 36
"""Characters per line of an occupation group's name on a chart axis."""


LEGEND_ON_TOP: dict[str, Any] = {
    "legend": {"orientation": "h", "x": 0, "y": 1.01, "yanchor": "bottom", "traceorder": "normal"},
    "margin": {"l": 70, "r": 20, "t": 100, "b": 50},
}
"""Layout of a tall chart whose legend sits between its title and the plot (below, it would meet the
axis title)."""
WIDE_TITLE = 90
"""Characters per title line of a chart that spans the page (the shared layout wraps at 48)."""


def coverage_rows(result: ChannelComparison, year: int) -> tuple[list[CoverageRow], list[CoverageRow]]:
    """The groups with a gap in ``year``, largest first: the ``COVERAGE_BARS`` drawn, and the rest."""
    rows = [row for row in result.coverage if row.year == year]
    return rows[:COVERAGE_BARS], rows[COVERAGE_BARS:]


def channel_hover(row: CoverageRow, lang: Language) -> str:
    """The plan's migrants working in a group by channel (medians), one line per channel."""
    t = Translator(lang)
    return "<br>".join(
        f"{t(f'channel_{name}')}: {format_number(row.by_channel[name], lang)}" for name in CHANNELS
    )


def coverage_rest(result: ChannelComparison, year: int, lang: Language) -> str:
    """The groups not drawn in the coverage chart, summed (medians summed): gap and its parts; "" if none."""
    rest = coverage_rows(result, year)[1]
    if not rest:
        return ""
    total = {
        part: format_number(sum(getattr(row, part) for row in rest), lang)
        for part in (*COVERAGE_PARTS, "unfilled")
    }
    return Translator(lang)("labour_chart_rest", count=len(rest), year=year, **total)


def coverage_figure(result: ChannelComparison, year: int, lang: Language) -> Figure:
    """The groups with the largest shortage to ``year`` as ranked horizontal bars, largest on top, split
    into what the plan's migrants fill, what the levers fill and what remains (medians over runs), with
    the gap (median) marked; the other groups are in ``coverage_rest``."""
    t = Translator(lang)
    rows = coverage_rows(result, year)[0]
    names = [wrapped(row.name, NAME_WIDTH) for row in rows]
    gaps = [row.unfilled for row in rows]
    traces: list[dict[str, object]] = [
        {"type": "bar", "orientation": "h", "name": t(f"labour_chart_{part}"), "y": names,
         "x": [getattr(row, part) for row in rows], "marker": {"color": colour},
         "customdata": [channel_hover(row, lang) for row in rows],
         "hovertemplate": "%{x:,.0f}<br>%{customdata}<extra>%{fullData.name}</extra>"}
        for part, colour in zip(COVERAGE_PARTS, (*colours(2), "#c9d3e3"), strict=True)
    ]  # fmt: skip
    traces.append(
        {"type": "scatter", "mode": "markers", "name": t("labour_chart_gap"), "y": names, "x": gaps,
         "marker": {"symbol": "line-ns-open", "size": 18, "color": OBSERVED, "line": {"width": 2}},
         "hovertemplate": "%{x:,.0f}<extra>%{fullData.name}</extra>"}
    )  # fmt: skip
    shown = layout(
        t("labour_chart_coverage_title", year=year), "", lang, gaps, barmode="stack", hovermode="closest",
        height=170 + 34 * len(names), **LEGEND_ON_TOP,
    )  # fmt: skip
    shown["title"]["text"] = wrapped(t("labour_chart_coverage_title", year=year), WIDE_TITLE)
    gap = variable("labour", "unfilled_cumulative")
    shown["yaxis"] = {"automargin": True, "type": "category", "autorange": "reversed", **GRID}
    axis = {"separatethousands": True, "exponentformat": "none", "rangemode": "tozero"}
    shown["xaxis"] |= {"title": {"text": f"{gap.label(lang)} ({unit_label(gap, lang)})"}, **axis}
    return {"data": traces, "layout": shown}


TIGHTNESS_AXES = ("uwv_tightness", "future_bottleneck")
"""The shortage indicators on the x axis (tightness now) and y axis (bottleneck in 2030) of the scatter."""


def evidence_of(occupation: OccupationAssessment, name: str) -> IndicatorEvidence:
    """One indicator's evidence for an occupation group (KeyError if the list has no such indicator)."""
    for row in occupation.indicators:
        if row.name == name:
            return row
    raise KeyError(name)


def axis_title(row: IndicatorEvidence, lang: Language) -> str:
    """An indicator's label over its unit, for a chart axis."""
    label, unit = (row.nl, row.unit_nl) if lang == "nl" else (row.en, row.unit_en)
    return f"{label}<br>{unit}"


def tightness_points(result: ShortageList) -> list[tuple[OccupationAssessment, float, float]]:
    """The groups with a value on both ``TIGHTNESS_AXES``, with those two values."""
    points = []
    for occupation in result.occupations:
        x, y = (evidence_of(occupation, name).value for name in TIGHTNESS_AXES)
        if x is not None and y is not None:
            points.append((occupation, x, y))
    return points


def threshold_lines(x: float, y: float) -> list[dict[str, object]]:
    """Dashed lines across a chart at ``x`` (vertical) and ``y`` (horizontal): a form's thresholds."""
    style = {"color": "#777", "dash": "dash", "width": 1}
    return [
        {"type": "line", "xref": "x", "yref": "paper", "x0": x, "x1": x, "y0": 0, "y1": 1, "line": style},
        {"type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1, "y0": y, "y1": y, "line": style},
    ]


NOT_IN_SHORTAGE = "#b4b9c2"
"""Groups without a shortage in grey, so the verdicts on shortages stand out."""


def verdict_colours(result: ShortageList) -> dict[str, str]:
    """A colour per verdict: palette colours from the case for labour migration back (the verdicts' order
    reversed), grey for no shortage."""
    shortages = [verdict for verdict in reversed(result.counts()) if verdict != "not_in_shortage"]
    return {**dict(zip(shortages, colours(len(shortages)), strict=True)), "not_in_shortage": NOT_IN_SHORTAGE}


def tightness_figure(result: ShortageList, lang: Language) -> Figure:
    """Every occupation group with both values: tightness now against the bottleneck expected in 2030
    (y axis downwards: lower is a larger bottleneck), one colour per verdict, the thresholds dashed."""
    t = Translator(lang)
    points = tightness_points(result)
    verdicts = verdict_colours(result)
    traces = [
        {
            "type": "scatter",
            "mode": "markers",
            "name": t(f"verdict_{verdict}"),
            "x": [x for o, x, _ in points if o.verdict == verdict],
            "y": [y for o, _, y in points if o.verdict == verdict],
            "text": [f"{o.code} {o.name}" for o, _, _ in points if o.verdict == verdict],
            "marker": {"color": colour, "size": 9, "opacity": 0.85, "line": {"width": 0.5, "color": "white"}},
            "hovertemplate": "%{text}<br>%{x:.3~r} · %{y:.3~r}<extra>%{fullData.name}</extra>",
        }
        for verdict, colour in verdicts.items()
        if any(o.verdict == verdict for o, _, _ in points)
    ]
    x_row, y_row = (evidence_of(result.occupations[0], name) for name in TIGHTNESS_AXES)
    lines = threshold_lines(*(result.thresholds[name] for name in TIGHTNESS_AXES))
    shown = layout(
        t("labour_chart_tightness_title"),
        axis_title(y_row, lang),
        lang,
        [y for _, _, y in points],
        hovermode="closest",
        shapes=lines,
        height=560,
        **LEGEND_ON_TOP,
    )
    shown["title"]["text"] = wrapped(t("labour_chart_tightness_title"), WIDE_TITLE)
    shown["yaxis"] |= {"autorange": "reversed", "rangemode": "normal"}
    shown["xaxis"] |= {"title": {"text": axis_title(x_row, lang)}, "separatethousands": True}
    return {"data": traces, "layout": shown}
