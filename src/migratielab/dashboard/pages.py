"""Server-rendered dashboard pages (Dutch by default, ``?lang=en`` for English), static files, API docs.

Every page is plain HTML that works without JavaScript (forms submit with GET); ``dashboard.js``
draws the plotly figures and, on pages with levers, fetches ``<page>/results`` when a lever
changes and redraws the results without reloading. Both paths render the same templates from
the same service calls.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import plotly
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from migratielab.api.pool import Pending, Pool, SimulationPool
from migratielab.api.routes import WHAT_IF
from migratielab.dashboard.forms import (
    POPULATION_RUN_CHOICES,
    RUN_CHOICES,
    LeverForm,
    PlanForm,
    PopulationForm,
)
from migratielab.data import store
from migratielab.errors import InputError, RefusedOutcomeError
from migratielab.models.municipal.data import municipalities
from migratielab.models.variables import Language
from migratielab.params import default_parameters
from migratielab.presentation import labour as labour_rows
from migratielab.presentation import municipal as municipal_faces
from migratielab.presentation import overview, population, simulation
from migratielab.presentation import scorecard as scorecard_tables
from migratielab.presentation.catalogue import Translator, catalogue, text
from migratielab.presentation.charts import Figure
from migratielab.presentation.datapage import (
    SHARE_UNITS,
    citation,
    labour_table_title,
    parameter_description,
    parameter_value,
    series_description,
    unit_text,
)
from migratielab.presentation.formatting import format_number, format_share, missing_note
from migratielab.presentation.messages import refused_projection
from migratielab.presentation.series_chart import series_figure
from migratielab.presentation.sources import citation_lines, linked
from migratielab.service import data, municipal, plan_web, web, web_models
from migratielab.service import labour as labour_service
from migratielab.service import overview as panels
from migratielab.service.web_models import ParameterRow, SimulationResult

router = APIRouter(include_in_schema=False)
static_router = APIRouter(prefix="/static", include_in_schema=False)
TEMPLATES = Environment(
    loader=PackageLoader("migratielab.dashboard", "templates"), autoescape=select_autoescape()
)
TEMPLATES.filters["linked"] = lambda line: Markup(linked(line))  # source lines with their addresses as links
STATIC = Path(__file__).parent / "static"
SWAGGER_UI = Path(str(resources.files("swagger_ui"))) / "static"
STATIC_FILES = {
    "plotly.min.js": (Path(plotly.__file__).parent / "package_data" / "plotly.min.js", "text/javascript"),
    "swagger-ui-bundle.js": (SWAGGER_UI / "swagger-ui-bundle.js", "text/javascript"),
    "swagger-ui.css": (SWAGGER_UI / "swagger-ui.css", "text/css"),
    "favicon-32x32.png": (SWAGGER_UI / "favicon-32x32.png", "image/png"),
    "dashboard.js": (STATIC / "dashboard.js", "text/javascript"),
    "style.css": (STATIC / "style.css", "text/css"),
    "favicon.svg": (STATIC / "favicon.svg", "image/svg+xml"),
    # An empty base map: maps are drawn from bundled GeoJSON only, so plotly must not fetch its world map.
    "world_110m.json": (STATIC / "world_110m.json", "application/json"),
    # The municipal boundaries, once per page for every map layer (presentation.municipal.BOUNDARIES_URL).
    "gemeenten_2024.geojson": (
        Path(str(resources.files("migratielab.data"))) / "municipal" / "gemeenten_2024.geojson",
        "application/geo+json",
    ),
}
PAGE_WAIT_SECONDS = 8.0
"""A page (no JavaScript) waits this long for its results, then shows a page that reloads itself."""
FRAGMENT_WAIT_SECONDS = 4.0
"""A results fragment (JavaScript) waits this long, then answers 202 and the script asks again."""
NAVIGATION = (
    ("/overview", "nav_overview"),
    ("/whatif", "nav_whatif"),
    ("/compare", "nav_compare"),
    ("/data", "nav_data"),
    ("/long-term", "nav_longterm"),
    ("/municipalities", "nav_municipal"),
    ("/labour", "nav_labour"),
    ("/plan", "nav_plan"),
    ("/backtest", "nav_backtest"),
    ("/forecast", "nav_forecast"),
    ("/explorations", "nav_explorations"),
)


@dataclass
class View:
    """What a page or a results fragment shows: template values and plotly figures by id."""

    context: dict[str, Any]
    figures: dict[str, Figure] = field(default_factory=dict)


def figures_json(figures: dict[str, Figure]) -> str:
    """``{id: figure}`` as JSON text that is safe inside a <script> element."""
    return json.dumps(figures, separators=(",", ":"), allow_nan=False).replace("</", "<\\/")


def language_links(request: Request, lang: Language) -> dict[str, str]:
    """The current page's URL in the other language, and the language it switches to."""
    other: Language = "en" if lang == "nl" else "nl"
    url = request.url.include_query_params(lang=other)
    return {"href": f"{url.path}?{url.query}", "lang": other}


def page(request: Request, template: str, lang: Language, view: View, status_code: int = 200) -> HTMLResponse:
    """A full page: the template with navigation, language switch and embedded figures."""
    html = TEMPLATES.get_template(template).render(
        t=Translator(lang),
        lang=lang,
        fmt=lambda value: format_number(value, lang),
        path=request.url.path,
        navigation=NAVIGATION,
        nav_label=lambda key: text(f"{key}_short" if f"{key}_short" in catalogue() else key, lang),
        switch=language_links(request, lang),
        figures=figures_json(view.figures),
        **view.context,
    )
    return HTMLResponse(html, status_code=status_code)


def error_page(
    request: Request, status: int, message: str, links: list[tuple[str, str]] | None = None
) -> HTMLResponse:
    """A dashboard page (navigation, language switch) that says why a request was refused, with
    optional ``(address, label)`` links to pages the visitor may have meant."""
    lang: Language = "en" if request.query_params.get("lang") == "en" else "nl"
    context = {"message": message, "status": status, "links": links or []}
    return page(request, "error.html", lang, View(context), status)


async def page_or_pending(
    request: Request, template: str, lang: Language, view: Awaitable[View]
) -> HTMLResponse:
    """The page, or, while its computation goes on in the background, a page that reloads itself
    (202) with a link to the same address."""
    try:
        return page(request, template, lang, await view)
    except Pending as pending:
        link = f"{request.url.path}?{request.url.query}"
        done = pending.progress
        context = {"link": link, "done": done, "share": format_share(done or 0.0, lang, digits=0)}
        return page(request, "pending.html", lang, View(context), status_code=202)


def fragment(template: str, lang: Language, view: View) -> Response:
    """The results part of a page and its figures as JSON ``{"html": ..., "figures": {...}}``."""
    html = TEMPLATES.get_template(template).render(
        t=Translator(lang), lang=lang, fmt=lambda value: format_number(value, lang), **view.context
    )
    body = '{"html":' + json.dumps(html) + ',"figures":' + figures_json(view.figures) + "}"
    return Response(body, media_type="application/json")


def timed(view: View, started: float) -> View:
    """The view with the seconds since ``started`` (shown under the results, in the page's format)."""
    view.context["seconds"] = round(time.perf_counter() - started, 2)
    return view


# ------------------------------------------------------------------------------ views


def form_number(text: str) -> str:
    """A number typed in either language: with a comma, the comma is the decimal sign and dots group
    thousands (Dutch ``0,829``, ``1.000,5``); without one, the dot is the decimal sign (``0.829``).
    Anything else is passed on unchanged and refused by validation with the field's name."""
    text = text.strip().replace(" ", "")
    return text.replace(".", "").replace(",", ".") if "," in text else text


def labour_overrides(query: dict[str, str]) -> dict[str, object]:
    """Weights (``w_<name>``), thresholds (``t_<name>``) and ``cutoff`` from the page's form fields."""
    overrides: dict[str, object] = {"weights": {}, "thresholds": {}}
    for key, value in query.items():
        if key.startswith(("w_", "t_")) and value.strip() != "":
            group = "weights" if key[0] == "w" else "thresholds"
            overrides[group][key[2:]] = form_number(value)  # type: ignore[index]
    if query.get("cutoff", "").strip():
        overrides["shortage_cutoff"] = form_number(query["cutoff"])
    return overrides


def labour_view(query: dict[str, str], lang: Language) -> tuple[View, int]:
    """The ranked shortage list under the form's weights, the evidence, and the channel comparison
    (the CLI's and report's tables: registry labels and units, numbers in the page's language)."""
    error, status = None, 200
    try:
        result = labour_service.shortage_list_with(labour_overrides(query), "form")
    except InputError as problem:
        error, status = str(problem), 422
        result = labour_service.shortage_list()
    t = Translator(lang)
    controls = [
        {
            "name": row.name,
            "label": row.nl if lang == "nl" else row.en,
            "unit": row.unit_nl if lang == "nl" else row.unit_en,
            "sign": "≥" if row.passes_when == "at_least" else "≤",
            "weight": labour_rows.input_number(row.weight, lang),
            "threshold": labour_rows.input_number(row.threshold, lang),
            "source": row.source,
        }
        for row in result.occupations[0].indicators
    ]
    comparison = labour_service.bundled_channel_comparison()
    year = min(comparison.levers.unfilled_total)
    figures = {
        "tightness": labour_rows.tightness_figure(result, lang),
        "coverage": labour_rows.coverage_figure(comparison, year, lang),
        "fiscal": labour_rows.fiscal_figure(comparison, lang),
    }
    context = {
        "error": error,
        "controls": controls,
        "cutoff": labour_rows.input_number(result.cutoff, lang),
        "counts": [(t(f"verdict_{verdict}"), n) for verdict, n in result.counts().items()],
        "shortage_headings": labour_rows.shortage_headings(lang),
        "occupations": [labour_rows.occupation_row(o, lang) for o in result.occupations],
        "channel_tables": labour_rows.channel_tables(comparison, lang),
        "scenario_name": comparison.scenario,
        "coverage": labour_rows.coverage_lines(comparison, lang),
        "runs": comparison.runs,
        "coverage_rest": labour_rows.coverage_rest(comparison, year, lang),
        "plotted": len(labour_rows.tightness_points(result)),
        "groups": len(result.occupations),
        "sources": labour_rows.source_lines(labour_service.table_sources()),
    }
    return View(context, figures), status


def overview_view(lang: Language) -> View:
    """The headline figures (latest value and its year) and the overview panels with their figures,
    notes and sources."""
    shown = panels.overview()
    items = [
        {"key": p.key, "note": overview.panel_note(p, lang), "sources": citation_lines(p.citations, lang)}
        for p in shown
    ]
    headlines = [overview.headline(item, lang) for item in panels.headlines()]
    return View(
        {"panels": items, "headlines": headlines}, {p.key: overview.panel_figure(p, lang) for p in shown}
    )


def simulation_view(result: SimulationResult, form: LeverForm, started: float) -> View:
    """Scorecard, fan charts and sources of a what-if or comparison."""
    shown = simulation.translated(result, form.lang)
    figures = simulation.simulation_figures(shown, form.lang)
    scorecard = simulation.scorecard(shown, form.lang)
    context = {
        "form": form,
        "policies": [outcome.policy.name for outcome in shown.results],
        "scorecard": scorecard,
        "missing_note": missing_note([cell for row in scorecard for cell in row.cells], form.lang),
        "figure_ids": list(figures),
        "sources": citation_lines(shown.citations, form.lang),
        "band_note": "" if form.inflow == "stochastic" else text("band_note", form.lang),
    }
    return timed(View(context, figures), started)


async def what_if_view(form: LeverForm, pool: SimulationPool, wait: float) -> View:
    """Run (or reuse) the what-if for the form's levers, waiting at most ``wait`` seconds."""
    started = time.perf_counter()
    return simulation_view(await pool.run_batched(WHAT_IF, form.what_if(), wait=wait), form, started)


async def compare_view(form: LeverForm, pool: SimulationPool, wait: float) -> View:
    """Compare the form's levers with the scenario's policies (run or reused), waiting at most ``wait``."""
    started = time.perf_counter()
    return simulation_view(await pool.run(web.compare, form.compare(), wait=wait), form, started)


def series_sources(series_id: str) -> list[dict[str, str | None]]:
    """The sources of a stored series: citation text and address."""
    info = store.series_info(series_id)
    return [
        {"text": citation(item.publisher, item.title, item.date, item.table, item.via), "url": item.url}
        for item in info.sources.values()
    ]


def parameter_view(row: ParameterRow, value: object, lang: Language) -> dict[str, Any]:
    """One parameter as the data page shows it: description, value and unit in the language, and
    its reference (or, for an estimate, its reasoning as written, in English)."""
    parameter = default_parameters(row.module)[row.name]
    reference = parameter.reference
    return {
        "name": row.name,
        "description": parameter_description(row.module, row.name, row.description, lang),
        "value": parameter_value(value, row.unit, lang),
        "unit": unit_text(row.unit, lang),
        "source": None
        if reference is None
        else citation(reference.publisher, reference.title, reference.date, reference.table),
        "url": None if reference is None else reference.url,
        "reasoning": parameter.reasoning if reference is None else None,
        "date": row.date,
    }


def data_view(lang: Language) -> View:
    """Every series (linked to its own page), every parameter per model part and the sources of the
    labour pillar's bundled tables, in the language."""
    series = [
        {
            "id": summary.series_id,
            "description": series_description(summary.series_id, summary.description, lang),
            "unit": unit_text(summary.unit, lang),
            "span": summary.span,
            "sources": series_sources(summary.series_id),
        }
        for summary in data.list_series()
    ]
    modules = []
    for module in panels.PARAMETER_MODULES:
        values = panels.parameter_values(module)
        rows = [parameter_view(row, values[row.name], lang) for row in panels.parameter_rows(module)]
        modules.append({"key": module, "rows": rows})
    labour_tables = [
        {**row.model_dump(), "title": labour_table_title(row.file, row.title, lang)}
        for row in labour_service.table_sources()
    ]
    return View({"series": series, "modules": modules, "labour_tables": labour_tables})


def series_page_view(series_id: str, lang: Language) -> View:
    """One stored series: every value at its period as a chart (``series_figure``), every value with
    its source, the sources."""
    shown = data.show_series(series_id)
    info = shown.info
    description = series_description(series_id, info.description, lang)
    charted = [value for value in shown.values if "partial" not in value.flags]
    scale = 100.0 if info.unit in SHARE_UNITS else 1.0  # a share is drawn in percent, as its unit says
    figure = series_figure(
        [value.period for value in charted],
        [value.value * scale for value in charted],
        info.kind,
        unit_text(info.unit, lang),
        lang,
        ["lower_bound" in value.flags for value in charted],
    )
    share = info.unit in SHARE_UNITS
    values = [
        {
            "period": value.period,
            "value": format_share(value.value, lang) if share else format_number(value.value, lang, 6),
            "confidence": value.confidence,
            "source": value.source,
            "flags": [flag for flag in value.flags if not (value.note or "").startswith(f"{flag}:")],
            "note": value.note,
        }
        for value in shown.values
    ]
    context = {
        "series_id": series_id,
        "description": description,
        "unit": unit_text(info.unit, lang),
        "values": values,
        "sources": [
            {"key": key, **item} for key, item in zip(info.sources, series_sources(series_id), strict=True)
        ],
    }
    return View(context, {"series": figure} if figure is not None else {})


def projection_view(
    form: PopulationForm, table: tuple[list[str], list[list[str]]], figures: dict[str, Figure]
) -> dict[str, Any]:
    """Template values of the long-term results: summary table, figures and sources."""
    header, rows = table
    return {
        "form": form,
        "header": header,
        "rows": rows,
        "missing_note": text("population_missing_note", form.lang, end=str(form.end))
        if missing_note([cell for row in rows for cell in row], form.lang)
        else "",
        "figure_ids": list(figures),
        "sources": [text("population_sources", form.lang)],
    }


async def long_term_view(form: PopulationForm, pool: SimulationPool, wait: float) -> View:
    """Project the form's demographic variant (run or reused): fan charts and a five-yearly summary."""
    started = time.perf_counter()
    result = await pool.run(web.project, form.request(), wait=wait)
    figures = population.population_figures(result, form.lang)
    context = projection_view(form, population.projection_table(result, form.lang), figures)
    context["pyramid_note"] = population.pyramid_note(result.pyramid, form.lang)
    return timed(View(context, figures), started)


async def plan_view(form: PopulationForm, pool: SimulationPool, wait: float) -> View:
    """Project the form's migration plan next to its variant (run or reused)."""
    started = time.perf_counter()
    result = await pool.run(web.project_migration_plan, form.plan_request(), wait=wait)
    figures = population.plan_figures(result, form.lang)
    context = projection_view(form, population.plan_table(result, form.lang), figures)
    context["pyramid_note"] = population.pyramid_note(result.pyramid, form.lang)
    context["plan_note"] = form.asylum_chain
    context["employment_note"] = True
    return timed(View(context, figures), started)


POPULATION_LEVERS = ("net_migration", "tfr", "e0_male", "e0_female")
"""The long-term page's demographic levers a refusal names (a plan is shown next to its variant,
which has the form's net migration)."""


async def population_view(form: PopulationForm, pool: SimulationPool, wait: float) -> View:
    """The long-term page's results: the variant alone, or the migration plan next to it (422 in the
    page's language, naming the levers, when they drive some age group below zero)."""
    chosen = plan_view if form.mode == "plan" else long_term_view
    try:
        view = await chosen(form, pool, wait)
    except RefusedOutcomeError:
        levers = {name: float(getattr(form, name)) for name in POPULATION_LEVERS}
        raise HTTPException(422, refused_projection(levers, form.end, form.lang)) from None
    view.context["run_choices"] = list(POPULATION_RUN_CHOICES)
    return view


async def with_choices(view: Awaitable[View]) -> View:
    """The what-if or comparison view with the run choices of its form."""
    shown = await view
    shown.context["run_choices"] = list(RUN_CHOICES)
    return shown


async def integral_view(form: PlanForm, pool: SimulationPool, wait: float) -> View:
    """The form's plan next to the example plan: the key paths over time and the integral scorecard
    (run or reused, waiting at most ``wait`` seconds)."""
    started = time.perf_counter()
    outlook = await pool.run(plan_web.plan_outlook, form.request(), wait=wait)
    comparison, lang = outlook.comparison, form.lang
    names = scorecard_tables.plan_names(lang)
    header, rows = scorecard_tables.comparison_table(comparison, lang)
    header = [names.get(column, column) for column in header]
    scenario = comparison.scorecards[0].scenario
    figures = scorecard_tables.plan_path_figures(outlook, lang)
    context = {
        "form": form,
        "channels": list(web_models.PlanLevels.model_fields),
        "max_runs": plan_web.MAX_PLAN_RUNS,
        "figure_ids": list(figures),
        "header": header,
        "rows": rows,
        "groups": [result.entry.group for result in comparison.scorecards[0].results],
        "runs_note": scorecard_tables.runs_text(scenario, lang),
        "rule": scorecard_tables.robust_rule(lang),
        "missing_note": missing_note([cell for row in rows for cell in row], lang),
        "caveats": scorecard_tables.caveat_lines(comparison.scorecards[0].results, lang),
        "sources": scorecard_tables.source_lines(comparison.scorecards[0].results, lang),
        "path_sources": citation_lines(outlook.citations(), lang),
    }
    return timed(View(context, figures), started)


# ------------------------------------------------------------------------------ routes


@router.get("/docs")
def api_docs() -> HTMLResponse:
    """Swagger UI for the OpenAPI spec, with its files served here (swagger-ui-py package; no CDN)."""
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="migratielab API",
        swagger_js_url="/static/swagger-ui-bundle.js",
        swagger_css_url="/static/swagger-ui.css",
        swagger_favicon_url="/static/favicon-32x32.png",
    )


@router.get("/")
def home(lang: Language = "nl") -> RedirectResponse:
    """The overview page."""
    return RedirectResponse(f"/overview?lang={lang}")


@router.get("/overview")
def overview_page(request: Request, lang: Language = "nl") -> HTMLResponse:
    """Staat van de migratie: observed figures with sources."""
    return page(request, "overview.html", lang, overview_view(lang))


@router.get("/whatif")
async def what_if_page(request: Request, form: Annotated[LeverForm, Query()], pool: Pool) -> HTMLResponse:
    """The asylum-chain what-if: levers and fan charts."""
    return await page_or_pending(
        request, "whatif.html", form.lang, with_choices(what_if_view(form, pool, PAGE_WAIT_SECONDS))
    )


@router.get("/whatif/results")
async def what_if_results(form: Annotated[LeverForm, Query()], pool: Pool) -> Response:
    """The what-if results for new lever values (used by dashboard.js)."""
    return fragment(
        "simulation_results.html", form.lang, await what_if_view(form, pool, FRAGMENT_WAIT_SECONDS)
    )


@router.get("/compare")
async def compare_page(request: Request, form: Annotated[LeverForm, Query()], pool: Pool) -> HTMLResponse:
    """The scorecard of your policy next to the scenario's policies."""
    return await page_or_pending(
        request, "compare.html", form.lang, with_choices(compare_view(form, pool, PAGE_WAIT_SECONDS))
    )


@router.get("/compare/results")
async def compare_results(form: Annotated[LeverForm, Query()], pool: Pool) -> Response:
    """The comparison results for new lever values (used by dashboard.js)."""
    return fragment(
        "simulation_results.html", form.lang, await compare_view(form, pool, FRAGMENT_WAIT_SECONDS)
    )


@router.get("/data")
def data_page(request: Request, lang: Language = "nl") -> HTMLResponse:
    """Every series and parameter with its reference and date."""
    return page(request, "data.html", lang, data_view(lang))


@router.get("/data/series/{series_id}")
def series_page(request: Request, series_id: str, lang: Language = "nl") -> HTMLResponse:
    """One stored series: chart, values and sources (404 for an unknown series)."""
    try:
        view = series_page_view(series_id, lang)
    except InputError as error:
        raise HTTPException(404, str(error)) from None
    return page(request, "series.html", lang, view)


@router.get("/labour")
def labour_page(request: Request, lang: Language = "nl") -> HTMLResponse:
    """Shortage list with weight controls (plain GET form), evidence per occupation, channels compared."""
    view, status = labour_view(dict(request.query_params), lang)
    response = page(request, "labour.html", lang, view)
    response.status_code = status
    return response


@router.get("/long-term")
async def long_term_page(
    request: Request, form: Annotated[PopulationForm, Query()], pool: Pool
) -> HTMLResponse:
    """The population projection."""
    return await page_or_pending(
        request, "longterm.html", form.lang, population_view(form, pool, PAGE_WAIT_SECONDS)
    )


@router.get("/long-term/results")
async def long_term_results(form: Annotated[PopulationForm, Query()], pool: Pool) -> Response:
    """The projection for new inputs (used by dashboard.js)."""
    return fragment(
        "longterm_results.html", form.lang, await population_view(form, pool, FRAGMENT_WAIT_SECONDS)
    )


@router.get("/plan")
async def plan_page(request: Request, form: Annotated[PlanForm, Query()], pool: Pool) -> HTMLResponse:
    """The integral trade-off: edit a plan and see its scorecard next to the example plan."""
    return await page_or_pending(
        request, "plan.html", form.lang, integral_view(form, pool, PAGE_WAIT_SECONDS)
    )


@router.get("/plan/results")
async def plan_results(form: Annotated[PlanForm, Query()], pool: Pool) -> Response:
    """The scorecard for new plan values (used by dashboard.js)."""
    return fragment("plan_results.html", form.lang, await integral_view(form, pool, FRAGMENT_WAIT_SECONDS))


@static_router.get("/{name}")
def static_file(name: str) -> Response:
    """One of the dashboard's static files (a fixed list; plotly.js comes from the plotly package)."""
    if name not in STATIC_FILES:
        return Response("not found", status_code=404, media_type="text/plain")
    path, media_type = STATIC_FILES[name]
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "public, max-age=86400"})


# ------------------------------------------------------------------------ municipalities


def municipal_tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The default municipal run after disclosure control, its flags, and the peers' medians."""
    raw = municipal.raw_frame(municipal.default_run())
    shown, flags = municipal.protected_frame(raw)
    return shown, flags, municipal.benchmarks(raw, shown)


@router.get("/municipalities")
def municipal_page(
    request: Request, lang: Language = "nl", indicator: str = "housed_per_1000", sort: str = "value"
) -> HTMLResponse:
    """The municipal monitor: a map of the chosen indicator and the benchmark table (sorted by the
    indicator's value, highest first, or by name)."""
    if indicator not in municipal.MONITOR_COLUMNS:
        indicator = "housed_per_1000"
    sort = sort if sort in municipal_faces.SORTS else "value"
    shown, flags, peers = municipal_tables()
    result = municipal.default_run()
    scenario = result.scenario
    covers = municipal_faces.period(indicator, lang, scenario.start_year, scenario.end_year)
    rows = municipal_faces.table_rows(
        municipal_faces.ordered(shown, indicator, sort), flags, peers, indicator, lang
    )
    context = {
        "options": municipal_faces.indicator_options(lang),
        "indicator": indicator,
        "heading": municipal_faces.heading(indicator, lang),
        "period": covers,
        "sort": sort,
        "per_1000": municipal_faces.peers_per_1000(peers, indicator),
        "peers": municipal_faces.has_peers(peers, indicator),
        "map_note": municipal_faces.map_note(shown, indicator, lang),
        "national": municipal_faces.national_note(
            municipal.national_per_year(result, indicator), indicator, lang
        ),
        "balance": municipal_faces.balance_note(result, lang)
        if indicator in municipal_faces.BALANCE_INDICATORS
        else "",
        "pass_note": municipal_faces.pass_rate_note(result, lang)
        if indicator in municipal_faces.PASS_INDICATORS
        else "",
        "rows": rows,
        "runs": scenario.runs,
        "start": scenario.start_year,
        "end": scenario.end_year,
    }
    figure = municipal_faces.map_figure(shown, indicator, lang, covers)
    return page(request, "municipal.html", lang, View(context, {"map": figure}))


@router.get("/municipalities.csv")
def municipal_csv() -> Response:
    """Every municipality and indicator after disclosure control, with a flag column per value; the
    file name states the period (counts and amounts per year, the mean over the horizon)."""
    shown, flags, _ = municipal_tables()
    body = shown.join(flags.add_suffix("_flag")).to_csv(index=False)
    scenario = municipal.default_run().scenario
    name = f"municipalities_per_year_{scenario.start_year}-{scenario.end_year}.csv"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(body, media_type="text/csv", headers=headers)


def similar_towns(wanted: str, count: int = 5) -> list[tuple[str, str]]:
    """Up to ``count`` municipalities whose names resemble ``wanted`` (difflib, case-insensitive), as
    ``(code, name)``, most similar first; none for an unknown code (similar code numbers are not
    related places)."""
    towns = municipalities()
    nearest = towns.nearest(wanted, count, cutoff=0.6, codes=False)
    return [(str(towns.codes[i]), str(towns.names[i])) for i in nearest]


@router.get("/municipalities/{code}")
def municipality_page(request: Request, code: str, lang: Language = "nl") -> HTMLResponse:
    """One municipality: every indicator with the period it covers, per 1,000 inhabitants (counts)
    and next to the median of similar municipalities."""
    try:
        position = municipal.find(code)
    except InputError:
        similar = similar_towns(code)
        links = [(f"/municipalities/{town}?lang={lang}", f"{name} ({town})") for town, name in similar]
        message = text("municipality_unknown", lang, code=code)
        return error_page(request, 404, message + (" " + text("did_you_mean", lang) if links else ""), links)
    shown, flags, peers = municipal_tables()
    result = municipal.default_run()
    scenario = result.scenario
    code = str(shown.index[position])
    rows = []
    for name in municipal.MONITOR_COLUMNS:  # indicators, not municipalities
        row = municipal_faces.table_rows(shown.iloc[[position]], flags, peers, name, lang)[0]
        per_1000 = municipal_faces.peers_per_1000(peers, name)
        rows.append(
            {
                **row,
                "name": name,
                "heading": municipal_faces.heading(name, lang),
                "period": municipal_faces.period(name, lang, scenario.start_year, scenario.end_year),
                "per_1000": row["per_1000"] if per_1000 else "",
                "peers": row["peers"] if municipal_faces.has_peers(peers, name) else "",
            }
        )
    town = {
        **shown.loc[code].to_dict(),
        "code": code,
        "size_label": municipal_faces.size_label(str(shown.at[code, "size_class"]), lang),
        "urbanity_label": municipal_faces.urbanity_label(shown.at[code, "urbanity"], lang),
    }
    pass_note = municipal_faces.pass_rate_note(result, lang)
    balance = municipal_faces.balance_note(result, lang)
    return page(
        request,
        "municipality.html",
        lang,
        View({"town": town, "rows": rows, "balance": balance, "pass_note": pass_note}),
    )
