"""The simulation pool: identical requests share one computation; failures are not remembered."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from pydantic import BaseModel

from migratielab.api.pool import Settings, SimulationPool, request_key


class Echo(BaseModel):
    """A stand-in request."""

    value: int


CALLS: list[int] = []
LOCK = threading.Lock()


def slow_double(request: Echo) -> int:
    """Record the call, wait a little so callers overlap, and double the value."""
    with LOCK:
        CALLS.append(request.value)
    time.sleep(0.2)
    return request.value * 2


def failing(request: Echo) -> int:
    """Record the call and fail."""
    with LOCK:
        CALLS.append(request.value)
    raise ValueError("no")


async def gather_twice(pool: SimulationPool, function: object, request: Echo) -> list[object]:
    """Ask the pool for the same request twice at once."""
    return list(
        await asyncio.gather(
            pool.run(function, request),  # type: ignore[arg-type]
            pool.run(function, request),  # type: ignore[arg-type]
            return_exceptions=True,
        )
    )


def test_identical_requests_share_one_computation() -> None:
    """Two overlapping identical requests and a later one cause a single call."""
    CALLS.clear()
    pool = SimulationPool(Settings(simulation_processes=0))

    async def scenario() -> list[object]:
        answers = await gather_twice(pool, slow_double, Echo(value=3))
        answers.append(await pool.run(slow_double, Echo(value=3)))
        answers.append(await pool.run(slow_double, Echo(value=4)))
        return answers

    try:
        assert asyncio.run(scenario()) == [6, 6, 6, 8]
    finally:
        pool.close()
    assert CALLS == [3, 4]


def test_a_failure_is_not_remembered() -> None:
    """A failed computation reaches its callers and is tried again on the next request."""
    CALLS.clear()
    pool = SimulationPool(Settings(simulation_processes=0))

    async def scenario() -> None:
        for _ in range(2):
            with pytest.raises(ValueError, match="no"):
                await pool.run(failing, Echo(value=1))

    try:
        asyncio.run(scenario())
    finally:
        pool.close()
    assert CALLS == [1, 1]


def test_old_results_are_forgotten_beyond_the_limit() -> None:
    """Only the most recent ``remembered_results`` requests are kept."""
    CALLS.clear()
    pool = SimulationPool(Settings(simulation_processes=0, remembered_results=1))

    async def scenario() -> None:
        for value in (1, 2, 1):
            await pool.run(slow_double, Echo(value=value))

    try:
        asyncio.run(scenario())
    finally:
        pool.close()
    assert CALLS == [1, 2, 1]


def test_request_key_names_function_and_request() -> None:
    """Keys differ by function and by request content."""
    assert request_key(slow_double, (Echo(value=1),)) != request_key(failing, (Echo(value=1),))
    assert request_key(slow_double, (Echo(value=1),)) != request_key(slow_double, (Echo(value=2),))


def dies(request: Echo) -> int:
    """Kill the worker process running this call (a crash or the out-of-memory killer)."""
    import os

    os._exit(request.value)


def test_a_dead_worker_is_replaced_and_its_request_answered() -> None:
    """A worker that dies gives its request a clear 503; the pool starts fresh workers for the next."""
    from fastapi import HTTPException

    pool = SimulationPool(Settings(simulation_processes=1, time_limit_seconds=60))

    async def scenario() -> tuple[HTTPException, int]:
        with pytest.raises(HTTPException) as failure:
            await pool.run(dies, Echo(value=3))
        return failure.value, await pool.run(slow_double, Echo(value=21))

    try:
        error, answer = asyncio.run(scenario())
    finally:
        pool.close()
    assert error.status_code == 503 and "replaced" in str(error.detail)
    assert answer == 42


def test_close_terminates_busy_workers() -> None:
    """Closing the pool stops worker processes even while they compute."""
    pool = SimulationPool(Settings(simulation_processes=1))
    executor = pool.workers()
    executor.submit(time.sleep, 30)
    time.sleep(1.0)
    workers = list(getattr(executor, "_processes", {}).values())
    pool.close()
    assert workers and not any(worker.is_alive() for worker in workers)
