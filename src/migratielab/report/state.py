"""The "State of migration" figures and report, in Dutch (default) or English.

The dashboard shows exactly these figures; ``migratielab report`` writes them into one
self-contained HTML file. Each figure comes with the sources of the numbers it shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import plotly.graph_objects as go

from migratielab.report.asylum import POLICY_COLOURS, format_number, rgba
from migratielab.report.html import Section, table_html, write_report
from migratielab.scenario import Scenario
from migratielab.service import web

Lang = Literal["nl", "en"]
LANGUAGES: tuple[Lang, ...] = ("nl", "en")

PANEL_TITLES: dict[str, tuple[str, str]] = {
    "immigration_by_motive": (
        "Immigratie van niet-Nederlanders naar motief (afgeleid)",
        "Immigration of non-Dutch nationals by motive (derived)",
    ),
    "asylum_inflow": ("Asielinstroom", "Asylum inflow"),
    "ind_backlog": ("Voorraad IND eerste aanleg (einde jaar)", "IND first-instance backlog (year end)"),
    "coa_occupancy": ("Bezetting COA-opvang (einde jaar)", "People in COA reception (year end)"),
    "holders_waiting": (
        "Statushouders in de opvang die wachten op een woning",
        "Status holders in reception waiting for a home",
    ),
    "departures": ("Vertrek van afgewezen asielzoekers", "Departures of rejected asylum seekers"),
}
PANEL_NOTES = {
    "derived": (
        "Afgeleid: totale immigratie (CBS) min Nederlanders, verdeeld met de motiefaandelen van 2018; "
        "tijdelijke bescherming (Oekraïne) apart. De aandelen verschilden per jaar.",
        "Derived: total immigration (CBS) minus Dutch nationals, split with the 2018 motive shares; "
        "temporary protection (Ukraine) separately. The shares varied between years.",
    ),
}
SERIES_LABELS: dict[str, tuple[str, str]] = {
    "labour_eu": ("arbeid (EU)", "labour (EU)"),
    "labour_non_eu": ("arbeid (buiten EU)", "labour (non-EU)"),
    "study": ("studie", "study"),
    "family": ("gezin", "family"),
    "asylum": ("asiel", "asylum"),
    "temporary_protection": ("tijdelijke bescherming", "temporary protection"),
    "other": ("overig", "other"),
    "asylum.first_applications": ("eerste aanvragen", "first applications"),
    "asylum.repeat_applications": ("herhaalde aanvragen", "repeat applications"),
    "asylum.family_followers": ("nareizigers", "follow-on family"),
    "ind.backlog": ("wachtend op een beslissing", "awaiting a decision"),
    "ind.backlog_overdue": ("over de beslistermijn", "past the decision term"),
    "coa.occupancy": ("totaal", "total"),
    "coa.occupancy_emergency": ("noodopvang COA", "COA emergency places"),
    "coa.outside_coa": ("crisisnoodopvang buiten COA", "crisis shelter outside COA"),
    "coa.status_holders_waiting": ("statushouders", "status holders"),
    "departures.independent": ("zelfstandig (DT&V)", "independent (DT&V)"),
    "departures.forced": ("gedwongen", "forced"),
    "departures.unsupervised": ("zonder toezicht", "unsupervised"),
}
UNITS: dict[str, tuple[str, str]] = {
    "persons per year": ("personen per jaar", "persons per year"),
    "applications (year end)": ("aanvragen (einde jaar)", "applications (year end)"),
    "persons (year end)": ("personen (einde jaar)", "persons (year end)"),
    "persons": ("personen", "persons"),
    "cases": ("zaken", "cases"),
    "persons per month": ("personen per maand", "persons per month"),
    "weeks": ("weken", "weeks"),
    "million EUR per month": ("miljoen euro per maand", "million EUR per month"),
    "person-nights per month": ("persoonsnachten per maand", "person-nights per month"),
    "share": ("aandeel", "share"),
    "place-years": ("plaatsjaren", "place-years"),
    "person-nights": ("persoonsnachten", "person-nights"),
    "EUR": ("euro", "EUR"),
    "EUR per applicant": ("euro per aanvrager", "EUR per applicant"),
    "persons (1 January)": ("personen (1 januari)", "persons (1 January)"),
    "65+ per 100 aged 20-64": ("65+ per 100 van 20-64 jaar", "65+ per 100 aged 20-64"),
}
FAN_TITLES: dict[str, tuple[str, str]] = {
    "occupancy_by_type": ("Bezetting naar soort opvang", "Occupancy by type of reception"),
    "in_chain": ("Mensen in de opvang (totaal)", "People in reception (total)"),
    "mean_wait_weeks": ("Gemiddelde wachttijd tot eerste beslissing", "Mean wait to a first decision"),
    "ind_backlog": ("Voorraad IND eerste aanleg", "IND first-instance backlog"),
    "cases_past_term": ("Zaken over de beslistermijn", "Cases past the decision term"),
    "nights_without_shelter": ("Persoonsnachten zonder goede opvang", "Person-nights without proper shelter"),
    "cost_meur": ("Kosten van de keten (incl. dwangsommen)", "Cost of the chain (incl. penalties)"),
    "holders_waiting": ("Statushouders wachtend op een woning", "Status holders waiting for a home"),
}
OCCUPANCY_TYPES: dict[str, tuple[str, str]] = {
    "regular_occupancy": ("reguliere opvang", "regular places"),
    "emergency_occupancy": ("noodopvang COA", "COA emergency places"),
    "crisis_occupancy": ("crisisnoodopvang", "crisis shelter"),
}
WORDS: dict[str, tuple[str, str]] = {
    "observed": ("waargenomen (einde jaar)", "observed (year end)"),
    "bands": (" (mediaan, 50%- en 90%-banden)", " (median, 50% and 90% bands)"),
    "humanitarian": ("humanitair", "humanitarian"),
    "social": ("maatschappelijk", "social"),
    "economic": ("economisch", "economic"),
    "indicator": ("indicator", "indicator"),
    "dimension": ("dimensie", "dimension"),
    "unit": ("eenheid", "unit"),
    "year": ("jaar", "year"),
}
INDICATOR_LABELS: dict[str, tuple[str, str, bool]] = {
    # name: (Dutch label, dimension, lower is better); the English label comes from the indicator
    "median_wait_weeks": ("Mediane wachttijd tot eerste beslissing", "humanitarian", True),
    "p90_wait_weeks": ("Wachttijd tot eerste beslissing, 90e percentiel", "humanitarian", True),
    "share_within_6_months": ("Aandeel beslist binnen 6 maanden", "humanitarian", False),
    "nights_without_shelter": ("Persoonsnachten zonder goede opvang", "humanitarian", True),
    "cases_past_term": ("Zaken over de wettelijke termijn", "social", True),
    "peak_occupancy": ("Piek van het aantal mensen in de opvang", "social", True),
    "emergency_place_years": ("Plaatsjaren nood- en crisisopvang", "social", True),
    "total_cost_eur": ("Totale kosten inclusief dwangsommen", "economic", True),
    "cost_per_applicant_eur": ("Kosten per aanvrager", "economic", True),
}
POPULATION_TITLES: dict[str, tuple[str, str, str]] = {
    "population": ("Bevolking op 1 januari", "Population on 1 January", "persons (1 January)"),
    "grey_pressure": ("Grijze druk", "Grey pressure", "65+ per 100 aged 20-64"),
    "potential_labour_force": ("Potentiële beroepsbevolking (20 tot AOW-leeftijd)",
                               "Potential labour force (20 to pension age)", "persons"),
    "employed": ("Werkenden", "Employed persons", "persons"),
    "households": ("Particuliere huishoudens", "Private households", "persons"),
}  # fmt: skip
POPULATION_SOURCES = (
    "CBS StatLine 7461BEV (population by sex and age, 1 January); CBS births and deaths by age "
    "(derived fertility and life tables); UN WPP 2024 (life expectancy); see the population parameters "
    "on the data page for every reference."
)


def pick(pair: tuple[str, str], lang: Lang) -> str:
    """The Dutch or English text of a (nl, en) pair."""
    return pair[0] if lang == "nl" else pair[1]


def unit_text(unit: str, lang: Lang) -> str:
    """A unit in the chosen language (unknown units unchanged)."""
    return pick(UNITS.get(unit, (unit, unit)), lang)


Figure = dict[str, Any]
"""A plotly figure as plain ``{"data": [...], "layout": {...}}`` (building ``go.Figure`` objects costs
about 0.1 s each because of template validation; these dicts cost microseconds and are valid plotly JSON)."""
GRID = {"gridcolor": "#ebf0f8", "zerolinecolor": "#ebf0f8"}


def figure(traces: list[dict[str, Any]], title: str, unit: str, **layout: Any) -> Figure:
    """A figure dict with the dashboard's layout: title, y-axis unit, white background, legend below."""
    return {
        "data": traces,
        "layout": {
            "title": {"text": title},
            "yaxis": {"title": {"text": unit}, **GRID},
            "xaxis": GRID,
            "plot_bgcolor": "white",
            "paper_bgcolor": "white",
            "height": 380,
            "legend": {"orientation": "h", "y": -0.2},
            "margin": {"l": 60, "r": 20, "t": 50, "b": 40},
            **layout,
        },
    }


def panel_figure(panel: web.Panel, lang: Lang) -> Figure:
    """An overview panel as lines or stacked bars."""
    traces = []
    for index, series in enumerate(panel.series):
        colour = POLICY_COLOURS[index % len(POLICY_COLOURS)]
        trace = {
            "x": series.years,
            "y": series.values,
            "name": pick(SERIES_LABELS.get(series.key, (series.key, series.key)), lang),
        }
        if panel.kind == "stacked":
            traces.append({**trace, "type": "bar", "marker": {"color": colour}})
        else:
            traces.append({**trace, "type": "scatter", "mode": "lines+markers", "line": {"color": colour}})
    title = pick(PANEL_TITLES[panel.key], lang)
    return figure(traces, title, unit_text(panel.unit, lang), barmode="stack")


def panel_note(panel: web.Panel, lang: Lang) -> str:
    """The explanatory note of a panel (empty when none)."""
    return pick(PANEL_NOTES[panel.note], lang) if panel.note else ""


def fan_traces(
    name: str, colour: str, x: list[Any], quantiles: dict[str, list[float | None]], lang: Lang
) -> list[dict[str, Any]]:
    """A median line with 50% and 90% bands (filled polygons) for one series."""
    traces: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "x": x + x[::-1],
            "y": quantiles[high] + quantiles[low][::-1],
            "fill": "toself",
            "fillcolor": rgba(colour, alpha),
            "line": {"width": 0},
            "hoverinfo": "skip",
            "showlegend": False,
            "legendgroup": name,
        }
        for low, high, alpha in (("0.05", "0.95", 0.12), ("0.25", "0.75", 0.25))
    ]
    label = f"{name}{pick(WORDS['bands'], lang)}".strip()
    line = {"color": colour, "width": 2}
    traces.append(
        {"type": "scatter", "x": x, "y": quantiles["0.5"], "name": label, "line": line, "legendgroup": name}
    )
    return traces


def fan_figure(
    fans: dict[str, web.Fan | web.YearFan],
    title: str,
    unit: str,
    lang: Lang,
    observed: web.ObservedSeries | None = None,
) -> Figure:
    """Fans of several series (policies or types) in one chart, with observed values as a dotted line."""
    traces = []
    for index, (name, fan) in enumerate(fans.items()):
        x: list[Any] = list(fan.time) if isinstance(fan, web.Fan) else list(fan.years)
        traces += fan_traces(name, POLICY_COLOURS[index % len(POLICY_COLOURS)], x, fan.quantiles, lang)
    if observed is not None and observed.values:
        traces.append(
            {
                "type": "scatter",
                "x": observed.time,
                "y": observed.values,
                "name": pick(WORDS["observed"], lang),
                "mode": "lines+markers",
                "line": {"color": "#333", "dash": "dot"},
            }
        )
    return figure(traces, title, unit)


def policy_fan(result: web.SimulationResult, variable: str, lang: Lang) -> Figure:
    """Fans of one variable for every policy, with observed history where it exists."""
    fans: dict[str, web.Fan | web.YearFan] = {o.policy.name: o.fans[variable] for o in result.results}
    unit = unit_text(result.results[0].fans[variable].unit, lang)
    return fan_figure(fans, pick(FAN_TITLES[variable], lang), unit, lang, result.observed.get(variable))


def occupancy_fan(result: web.SimulationResult, lang: Lang) -> Figure:
    """Occupancy by type of reception for the last policy (one fan per type)."""
    outcome = result.results[-1]
    fans: dict[str, web.Fan | web.YearFan] = {
        pick(label, lang): outcome.fans[variable] for variable, label in OCCUPANCY_TYPES.items()
    }
    title = f"{pick(FAN_TITLES['occupancy_by_type'], lang)}: {outcome.policy.name}"
    return fan_figure(fans, title, unit_text("persons", lang), lang)


WHAT_IF_FANS = (
    "in_chain",
    "mean_wait_weeks",
    "ind_backlog",
    "cases_past_term",
    "nights_without_shelter",
    "cost_meur",
    "holders_waiting",
)


def simulation_figures(result: web.SimulationResult, lang: Lang) -> dict[str, Figure]:
    """The what-if / comparison fan charts keyed by a stable id."""
    figures = {"occupancy_by_type": occupancy_fan(result, lang)}
    figures.update({variable: policy_fan(result, variable, lang) for variable in WHAT_IF_FANS})
    return figures


@dataclass(frozen=True)
class ScoreRow:
    """A scorecard row: indicator, dimension, unit and one cell per policy (best marked)."""

    dimension: str
    label: str
    unit: str
    cells: list[str]
    best: list[bool]


def scorecard(result: web.SimulationResult, lang: Lang) -> list[ScoreRow]:
    """Indicators per policy, grouped by humanitarian, social and economic dimension."""
    rows = []
    for name, (dutch, dimension, lower_is_better) in INDICATOR_LABELS.items():
        values = [next(v for v in outcome.indicators if v.indicator == name) for outcome in result.results]
        medians = [value.median for value in values]
        known = [m for m in medians if m is not None]
        target = (min(known) if lower_is_better else max(known)) if known else None
        rows.append(
            ScoreRow(
                dimension=pick(WORDS[dimension], lang),
                label=dutch if lang == "nl" else values[0].label,
                unit=unit_text(values[0].unit, lang),
                cells=[score_cell(value) for value in values],
                best=[len(result.results) > 1 and m is not None and m == target for m in medians],
            )
        )
    return rows


def score_cell(value: web.IndicatorValue) -> str:
    """``median [p5 – p95]`` with readable numbers."""
    if value.median is None:
        return "–"
    return f"{format_number(value.median)} [{format_number(value.p5 or 0)} – {format_number(value.p95 or 0)}]"


def scorecard_table(result: web.SimulationResult, lang: Lang) -> str:
    """The scorecard as an HTML table (for the report)."""
    header = [pick(WORDS["dimension"], lang), pick(WORDS["indicator"], lang), pick(WORDS["unit"], lang)]
    header += [outcome.policy.name for outcome in result.results]
    rows = [[row.dimension, row.label, row.unit, *row.cells] for row in scorecard(result, lang)]
    return table_html(header, rows)


def population_figures(result: web.ProjectionResult, lang: Lang) -> dict[str, Figure]:
    """Fan charts of the population projection (median with 50% and 90% bands per year)."""
    return {
        variable: fan_figure(
            {"": result.fans[variable]}, pick((dutch, english), lang), unit_text(unit, lang), lang
        )
        for variable, (dutch, english, unit) in POPULATION_TITLES.items()
    }


REPORT_TEXT: dict[str, tuple[str, str]] = {
    "title": ("Staat van de migratie", "State of migration"),
    "overview": ("Hoe staat het ervoor?", "Where do we stand?"),
    "overview_text": (
        "Waargenomen jaarcijfers uit de gebundelde statistieken; elke figuur noemt haar bronnen.",
        "Observed annual figures from the bundled statistics; every figure names its sources.",
    ),
    "scorecard": ("Beleid naast elkaar", "Policies side by side"),
    "scorecard_text": (
        "Scenario {name}: {runs} runs, {start}-{end}. Cellen: mediaan over runs [5e – 95e percentiel]. ",
        "Scenario {name}: {runs} runs, {start}-{end}. Cells: median over runs [5th – 95th percentile]. ",
    ),
    "fans": ("Vooruitblik met onzekerheid", "Outlook with uncertainty"),
    "sources": ("Bronnen", "Sources"),
    "fans_text": (
        "Lijnen zijn medianen; banden bevatten 50% en 90% van de runs. Stippellijnen zijn waarnemingen.",
        "Lines are medians; bands hold 50% and 90% of runs. Dotted lines are observations.",
    ),
}


def state_sections(result: web.SimulationResult, lang: Lang) -> list[Section]:
    """The report's sections: one per overview panel, then the scorecard and the fan charts."""
    sections = [
        Section(
            title=pick(PANEL_TITLES[panel.key], lang),
            text=panel_note(panel, lang),
            figures=[go.Figure(panel_figure(panel, lang))],
            sources=panel.sources,
            sources_label=pick(REPORT_TEXT["sources"], lang),
        )
        for panel in web.overview()
    ]
    scenario = result.scenario
    text = pick(REPORT_TEXT["scorecard_text"], lang).format(
        name=scenario.name, runs=f"{scenario.runs:,}", start=scenario.start_year, end=scenario.end_year
    )
    sections.append(
        Section(
            title=pick(REPORT_TEXT["scorecard"], lang),
            text=text + scenario.description,
            tables_html=[scorecard_table(result, lang)],
        )
    )
    sections.append(
        Section(
            title=pick(REPORT_TEXT["fans"], lang),
            text=pick(REPORT_TEXT["fans_text"], lang),
            figures=[go.Figure(item) for item in simulation_figures(result, lang).values()],
            sources=result.sources,
            sources_label=pick(REPORT_TEXT["sources"], lang),
        )
    )
    return sections


def write_state_report(path: Path, scenario: Scenario, lang: Lang = "nl") -> Path:
    """Simulate the scenario's policies and write the self-contained "State of migration" report."""
    result = web.simulate(scenario)
    return write_report(path, pick(REPORT_TEXT["title"], lang), state_sections(result, lang), lang=lang)
