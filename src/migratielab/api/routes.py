"""JSON endpoints under ``/api``: scenarios, what-if, comparison, population, data, backtest, explorations.

Every endpoint calls the same service function as the CLI and the dashboard. No endpoint takes
a file path: scenarios are chosen by bundled name, series by id.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response
from pydantic import BaseModel, Field

import migratielab
from migratielab import limits
from migratielab.api.pool import Batched, Pool
from migratielab.errors import InputError
from migratielab.experiments.store import Manifest
from migratielab.scenario import bundled_scenario_names
from migratielab.service import asylum, data, explore, plan_web, web
from migratielab.service import labour as labour_service
from migratielab.service import overview as panels
from migratielab.service import web_models as models
from migratielab.service.chain_runs import CHUNK_RUNS
from migratielab.service.scorecard import comparison_records
from migratielab.service.web_models import REQUEST_CONFIG

router = APIRouter(prefix="/api")
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "not found"}}
SLOW: dict[int | str, dict[str, Any]] = {
    400: {"description": "the body is not valid JSON"},
    202: {"description": "still computing in the background: send the same request again (Retry-After)"},
}
BACKTEST_MAPE_YEARS = (2014, 2024)


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
    sample: str = Field(description="'in': a year of the calibration window (2012-2019); 'out': after it")


class CountRecord(BaseModel):
    """One dated count of a stock next to the free replay's value at the end of its month."""

    period: str = Field(description="as published: a year (its year-end level), a month or a day")
    year: int
    series_id: str
    modelled: float
    observed: float
    lower_bound: bool = Field(description="published as 'more than': a modelled value above it is no error")
    sample: str


class Backtest(BaseModel):
    """The replay of 2014-2024 against observed values, with the mean absolute percentage errors;
    and every dated count of occupancy, backlog and status holders with their mean error per stock."""

    records: list[BacktestRecord]
    mape_percent: dict[str, float | None]
    counts: list[CountRecord]
    counts_mape_percent: dict[str, float | None]


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


def runs_of(request: models.WhatIfRequest) -> int:
    """A what-if's share of a batched call: its ensemble size."""
    return request.runs


WHAT_IF: Batched[models.WhatIfRequest, models.SimulationResult] = Batched(
    web.what_if_batch, web.what_if_batch_key, runs_of, CHUNK_RUNS
)
"""What-ifs that arrive while the workers are busy are simulated together (``api.pool``)."""


@router.post("/whatif", responses=SLOW, response_model=models.SimulationResult)
async def what_if(request: models.WhatIfRequest, pool: Pool) -> Response:
    """Simulate one policy (lever overrides on a bundled scenario): fans, indicators, observed history."""
    result = await pool.run_batched(WHAT_IF, request)
    return Response(result.model_dump_json(), media_type="application/json")


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


@router.post("/plans/scorecard", responses=SLOW)
async def plan_scorecard(request: plan_web.PlanScorecardRequest, pool: Pool) -> dict[str, Any]:
    """The integral scorecard of a plan (levels per channel, asylum policy) next to the example plan on
    the same futures: median and 5-95% band per indicator, paired differences marked when robust, and
    the yearly paths the dashboard draws (quantiles over runs per plan, ``paths``)."""
    outlook = await pool.run(plan_web.plan_outlook, request)
    return {**comparison_records(outlook.comparison), "paths": outlook.path_records()}


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
    counts = await pool.run(asylum.count_backtest)
    count_mape = {
        series_id: web.finite(asylum.mean_count_error(counts, series_id, BACKTEST_MAPE_YEARS))
        for series_id in asylum.SNAPSHOT_VARIABLES
    }
    return Backtest(
        records=[BacktestRecord(**asdict(record)) for record in records],
        mape_percent=mape,
        counts=[CountRecord(**asdict(count)) for count in counts],
        counts_mape_percent=count_mape,
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


MUNICIPAL_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"description": "unknown municipality code or name (the nearest matches are named)"}
}


@router.get("/municipalities")
def municipalities() -> list[dict[str, Any]]:
    """The municipal monitor after disclosure control: one record per municipality (null = suppressed),
    with the disclosure flag of every affected cell (``r`` rounded, ``s`` suppressed, ``s2`` suppressed
    to protect another cell). Counts of persons and amounts are per year (the mean over the horizon's
    years), the backlog is at the end of the horizon."""
    from migratielab.service import municipal  # the municipal run is heavy; import on first use

    shown, flags = municipal.protected_frame(municipal.raw_frame(municipal.default_run()))
    return municipal.records(shown, flags)


@router.get("/municipalities/{code}", responses=MUNICIPAL_ERRORS)
def municipality(code: str) -> dict[str, Any]:
    """One municipality after disclosure control, with its disclosure flags and its peers' medians."""
    from migratielab.service import municipal

    try:
        position = municipal.find(code)
    except InputError as error:
        raise HTTPException(status_code=404, detail=str(error)) from None
    raw = municipal.raw_frame(municipal.default_run())
    shown, flags = municipal.protected_frame(raw)
    record: dict[str, Any] = json.loads(shown.iloc[position].to_json())
    record["disclosure"] = {k: v for k, v in flags.iloc[position].items() if v}
    record["peers_median"] = json.loads(municipal.benchmarks(raw).iloc[position].to_json())
    return record


Weight = Annotated[float, Field(ge=limits.SHORTAGE_WEIGHT.low, le=limits.SHORTAGE_WEIGHT.high)]
"""A shortage indicator's relative weight."""
INDICATOR_KEYS: dict[str, Any] = {"propertyNames": {"enum": list(labour_service.shortage_indicators())}}
"""JSON Schema of the keys of weights and thresholds: the shortage indicators' names."""


class LabourWeights(BaseModel):
    """Weights, thresholds and cut-off of the shortage assessment (indicator names as in the list)."""

    model_config = REQUEST_CONFIG

    weights: dict[
        str, Annotated[float, Field(ge=limits.SHORTAGE_WEIGHT.low, le=limits.SHORTAGE_WEIGHT.high)]
    ] = Field(default_factory=dict, json_schema_extra=INDICATOR_KEYS)
    thresholds: dict[str, float] = Field(default_factory=dict, json_schema_extra=INDICATOR_KEYS)
    shortage_cutoff: float | None = Field(None, gt=0, le=1)


@router.get("/labour/shortages")
def labour_shortages() -> labour_service.ShortageList:
    """The 114 occupation groups ranked under the default weights, with evidence and the sensible test."""
    return labour_service.shortage_list()


@router.post(
    "/labour/shortages/weighted",
    responses={400: SLOW[400], 422: {"description": "unknown indicator or bad weight"}},
)
def labour_shortages_weighted(body: LabourWeights) -> labour_service.ShortageList:
    """The ranked list under the given weights and thresholds (422 names the key and expectation)."""
    try:
        return labour_service.shortage_list_with(body.model_dump(exclude_none=True), "body")
    except InputError as error:
        raise HTTPException(status_code=422, detail=str(error)) from None


@router.get("/labour/channels", responses=NOT_FOUND)
def labour_channels(scenario: str = "labour") -> labour_service.ChannelComparison:
    """Migration channels compared on broad welfare for a bundled scenario with a labour section."""
    if scenario not in bundled_scenario_names():
        raise HTTPException(status_code=404, detail=f"unknown bundled scenario {scenario!r}")
    try:
        return labour_service.bundled_channel_comparison(scenario)
    except InputError as error:
        raise HTTPException(status_code=422, detail=str(error)) from None
