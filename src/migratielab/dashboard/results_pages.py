"""Dashboard pages of stored and replayed results: the backtest (model against observations, per
variable), the applications forecast with its track record, and the stored explorations (with their
HTML reports)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from migratielab.api.pool import Pool
from migratielab.dashboard.pages import View, page, page_or_pending
from migratielab.errors import InputError
from migratielab.models.variables import Language
from migratielab.presentation.backtest import (
    backtest_figures,
    backtest_rows,
    backtest_window_label,
    count_rows,
)
from migratielab.presentation.forecast import evaluation_rows, forecast_figure
from migratielab.presentation.formatting import format_number
from migratielab.report.explore import render_exploration
from migratielab.service import asylum, explore, forecast

router = APIRouter(include_in_schema=False)


async def backtest_view(pool: Pool, lang: Language) -> View:
    """The replay of 2012-2024 against observed year-end values, one chart per variable."""
    records = await pool.run(asylum.backtest, wait=8.0)
    errors = {
        name: [
            asylum.mean_absolute_percentage_error(records, name, years)
            for years in asylum.BACKTEST_WINDOWS.values()
        ]
        for name in dict.fromkeys(record.variable for record in records)
    }
    figures = backtest_figures(records, lang)
    windows = [backtest_window_label(key, years, lang) for key, years in asylum.BACKTEST_WINDOWS.items()]
    summary = asylum.count_summary(await pool.run(asylum.count_backtest, wait=8.0))
    context = {
        "rows": backtest_rows(errors, asylum.BACKTEST_TARGETS, lang),
        "count_rows": count_rows(summary, lang),
        "figure_ids": list(figures),
        "windows": windows,
    }
    return View(context, figures)


@router.get("/backtest")
async def backtest_page(request: Request, pool: Pool, lang: Language = "nl") -> HTMLResponse:
    """How well the model replays history: modelled against observed, per variable."""
    return await page_or_pending(request, "backtest.html", lang, backtest_view(pool, lang))


async def forecast_view(pool: Pool, lang: Language) -> View:
    """The forecast fan after the observed months and the rolling-origin scores of every method
    (computed in the pool: the evaluation refits the models at 11 origins)."""
    report = await pool.run(forecast.forecast_report, wait=8.0)
    rows = evaluation_rows(report.summary, forecast.METHOD_KEYS, forecast.FORECAST_METHOD, lang)
    figure = forecast_figure(report.fan.observed, report.fan.quantiles, lang)
    return View({"rows": rows, "figure_ids": ["fan"]}, {"fan": figure})


@router.get("/forecast")
async def forecast_page(request: Request, pool: Pool, lang: Language = "nl") -> HTMLResponse:
    """The forecast of monthly asylum applications with its track record against naive forecasts."""
    return await page_or_pending(request, "forecast.html", lang, forecast_view(pool, lang))


@router.get("/explorations")
def explorations_page(request: Request, lang: Language = "nl") -> HTMLResponse:
    """The stored explorations, newest first, each with its report."""
    rows = [
        {
            "id": manifest.id,
            "name": manifest.name,
            "created": manifest.created[:16].replace("T", " "),
            "runs": format_number(manifest.runs, lang),
            "failed": format_number(manifest.failed, lang),
            "policies": len(manifest.policies),
            "sampler": manifest.sampler,
        }
        for manifest in explore.list_explorations()
    ]
    return page(request, "explorations.html", lang, View({"rows": rows}))


@router.get("/explorations/{exploration_id}/report")
def exploration_report(exploration_id: str, lang: Language = "nl") -> HTMLResponse:
    """The HTML report of one stored exploration in ``lang`` (404 when the id is unknown)."""
    try:
        view = explore.show_exploration(exploration_id)
    except InputError:
        raise HTTPException(404, f"no stored exploration {exploration_id!r}") from None
    return HTMLResponse(render_exploration(view.manifest, view.summaries, view.tables, lang))
