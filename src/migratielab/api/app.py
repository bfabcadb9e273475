"""The FastAPI application: JSON API under ``/api``, the dashboard under ``/``, safe error pages.

Simulations run in a small pool of worker processes with a time limit (see ``api.pool``), so the
server keeps answering other requests while the model works. Errors never show a stack trace:
bad input gets 422 with the reason, unknown things 404, anything unexpected a plain 500 message
(the trace goes to the log).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

import migratielab
from migratielab.api.guards import RequestGuard
from migratielab.api.pool import Settings, SimulationPool
from migratielab.errors import InputError
from migratielab.models.variables import Language
from migratielab.presentation.messages import form_errors
from migratielab.service.web import warm

LOG = logging.getLogger("migratielab.api")


def wants_json(request: Request) -> bool:
    """True for API paths and dashboard result fragments, whose errors are JSON; pages get HTML."""
    return request.url.path.startswith("/api") or request.url.path.endswith("/results")


def error_response(
    request: Request, status: int, message: str, headers: Mapping[str, str] | None = None
) -> Response:
    """An error as JSON ``{"detail": ...}`` for the API or a small HTML page for the dashboard."""
    if wants_json(request):
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    from migratielab.dashboard.pages import error_page  # the dashboard is built on this module

    response = error_page(request, status, message)
    response.headers.update(headers or {})
    return response


async def http_error(request: Request, error: Exception) -> Response:
    """HTTP errors raised by routes or routing (404, 405, 503 ...)."""
    assert isinstance(error, StarletteHTTPException)
    return error_response(request, error.status_code, str(error.detail), error.headers)


async def validation_error(request: Request, error: Exception) -> Response:
    """Request validation: FastAPI's 422 JSON for the API; for the dashboard the reasons in the page's
    language (field label and expectation), as an HTML page or, for a results fragment that
    dashboard.js fetches, as JSON ``{"detail": message, "fields": [names]}``."""
    assert isinstance(error, RequestValidationError)
    lang: Language = "en" if request.query_params.get("lang") == "en" else "nl"
    if request.url.path.startswith("/api"):
        return JSONResponse({"detail": plain_errors(error)}, status_code=422)
    if wants_json(request):  # a dashboard fragment: the page's message, and the fields to mark
        fields = [str(e["loc"][-1]) for e in error.errors() if e.get("loc")]
        body = {"detail": form_errors(error.errors(), lang), "fields": fields}
        return JSONResponse(body, status_code=422)
    return error_response(request, 422, form_errors(error.errors(), lang))


def plain_errors(error: RequestValidationError) -> list[dict[str, object]]:
    """Validation errors as type, location and message only: the rejected input is not echoed (it may
    be large or hold NaN, which JSON cannot carry)."""
    return [{"type": e["type"], "loc": list(e["loc"]), "msg": str(e["msg"])} for e in error.errors()]


async def input_error(request: Request, error: Exception) -> Response:
    """Input the models reject after request validation: 422 with the reason."""
    return error_response(request, 422, str(error))


async def unexpected_error(request: Request, error: Exception) -> Response:
    """Anything else: log the trace, tell the client only that it failed."""
    LOG.error("unexpected error on %s", request.url.path, exc_info=error)
    return error_response(request, 500, "internal error; the server log has the details")


def create_app(settings: Settings | None = None) -> FastAPI:
    """The migratielab web application (API and dashboard) with the given limits."""
    from migratielab.api.routes import router
    from migratielab.dashboard.pages import router as dashboard_router
    from migratielab.dashboard.pages import static_router
    from migratielab.dashboard.results_pages import router as results_router

    chosen = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.pool.start(warm)
        yield
        app.state.pool.close()

    app = FastAPI(
        title="migratielab",
        version=migratielab.__version__,
        description="What-if simulations of the Dutch asylum chain, population projections and the "
        "sourced statistics behind them. Every figure names its source.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.pool = SimulationPool(chosen)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(InputError, input_error)
    app.add_exception_handler(Exception, unexpected_error)
    app.include_router(router)
    app.include_router(static_router)
    app.include_router(dashboard_router)
    app.include_router(results_router)
    app.add_middleware(RequestGuard, allowed_hosts=chosen.allowed_hosts, max_body_bytes=chosen.max_body_bytes)
    return app
