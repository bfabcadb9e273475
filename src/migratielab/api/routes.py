"""JSON endpoints under ``/api``: scenarios, what-if, comparison, population, data, backtest, explorations.

Every endpoint calls the same service function as the CLI and the dashboard. No endpoint takes
a file path: scenarios are chosen by bundled name, series by id.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any, Literal

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel

import migratielab
from migratielab.api.pool import Pool
from migratielab.errors import InputError
from migratielab.experiments.store import Manifest
from migratielab.service import asylum, data, explore, web
from migratielab.service import overview as panels
from migratielab.service import web_models as models

router = APIRouter(prefix="/api")
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "not found"}}
SLOW: dict[int | str, dict[str, Any]] = {
    400: {"description": "the body is not valid JSON"},
    202: {"description": "still computing in the background: send the same request again (Retry-After)"},
}
BACKTEST_MAPE_YEARS = (2014, 2023)


class Health(BaseModel):
    """The server is up; which version it runs and its caps."""

    status: Literal["ok"]
    version: str
    max_runs: int
    max_horizon_years: int
    max_policies: int


class BacktestRecord(BaseModel):
    """One modelled-versus-observed year-end value."""

    year: int
    variable: str
    modelled: float
    observed: float | None


class Backtest(BaseModel):
    """The replay of 2014-2024 against observed values, with the mean absolute percentage errors."""

    records: list[BacktestRecord]
    mape_percent: dict[str, float | None]


@router.get("/health")
def health() -> Health:
    """Liveness and the server's caps."""
    return Health(
        status="ok",
        version=migratielab.__version__,
        max_runs=models.MAX_RUNS,
        max_horizon_years=models.MAX_HORIZON_YEARS,
        max_policies=models.MAX_POLICIES,
    )


@router.get("/scenarios")
def list_scenarios() -> list[models.ScenarioInfo]:
    """The bundled scenarios (their names are the ``scenario`` of simulation requests)."""
    return web.bundled_scenarios()


@router.get("/scenarios/{name}", responses=NOT_FOUND)
def show_scenario(name: str) -> models.ScenarioInfo:
    """One bundled scenario."""
    try:
        return models.bundled_scenario(name)
    except KeyError:
        raise HTTPException(404, f"no bundled scenario {name!r}") from None


@router.post("/whatif", responses=SLOW)
async def what_if(request: models.WhatIfRequest, pool: Pool) -> models.SimulationResult:
    """Simulate one policy (lever overrides on a bundled scenario): fans, indicators, observed history."""
    return await pool.run(web.what_if, request)


@router.post("/compare", responses=SLOW)
async def compare(request: models.CompareRequest, pool: Pool) -> models.SimulationResult:
    """Compare policies on the same inflow futures: indicators and fans per policy."""
    return await pool.run(web.compare, request)


@router.post("/population/projection", responses=SLOW)
async def population_projection(request: models.VariantRequest, pool: Pool) -> models.ProjectionResult:
    """Project the population under constant fertility, life-expectancy target and net migration."""
    return await pool.run(web.project, request)


@router.post("/population/plan", responses=SLOW)
async def population_plan(request: models.PlanRequest, pool: Pool) -> models.PlanProjectionResult:
    """Project a migration plan (gross immigration per category, optionally with asylum numbers from
    the asylum chain) next to the constant-net-migration variant: yearly medians and fans of both."""
    return await pool.run(web.project_migration_plan, request)


@router.get("/overview")
def overview() -> list[models.Panel]:
    """The "State of migration" panels with the sources of every figure."""
    return panels.overview()


@router.get("/series")
def list_series() -> list[data.SeriesSummary]:
    """Every statistics series with unit, publisher and span."""
    return data.list_series()


@router.get("/series/{series_id}", responses=NOT_FOUND)
def show_series(series_id: str) -> data.SeriesView:
    """One series with its sources and every value."""
    try:
        return data.show_series(series_id)
    except InputError as error:
        raise HTTPException(404, str(error)) from None


@router.get("/parameters/{module}")
def parameters(module: Literal["asylum", "population"]) -> list[models.ParameterRow]:
    """The default parameters of a model module with value, unit, reference and date."""
    return panels.parameter_rows(module)


@router.get("/backtest", responses={202: SLOW[202]})
async def backtest(pool: Pool) -> Backtest:
    """Replay the chain with observed inputs and compare with observed year-end values."""
    records = await pool.run(asylum.backtest)
    mape = {
        variable: web.finite(asylum.mean_absolute_percentage_error(records, variable, BACKTEST_MAPE_YEARS))
        for variable in dict.fromkeys(record.variable for record in records)
    }
    return Backtest(
        records=[BacktestRecord(**asdict(record)) for record in records],
        mape_percent=mape,
    )


class ExplorationDetail(BaseModel):
    """A stored exploration: its manifest and its analysis tables (one record per row)."""

    manifest: Manifest
    tables: dict[str, list[dict[str, Any]]]


@router.get("/explorations")
def list_explorations() -> list[Manifest]:
    """Manifests of the stored explorations (ensemble experiments), newest first."""
    return explore.list_explorations()


@router.get("/explorations/{exploration_id}", responses=NOT_FOUND)
def show_exploration(exploration_id: str) -> ExplorationDetail:
    """One stored exploration: manifest plus outcome, robustness, regret, sensitivity and PRIM tables."""
    try:
        view = explore.show_exploration(exploration_id)
    except InputError:
        raise HTTPException(404, f"no stored exploration {exploration_id!r}") from None
    tables = {name: json.loads(table.to_json(orient="records")) for name, table in view.tables.items()}
    return ExplorationDetail(manifest=view.manifest, tables=tables)
