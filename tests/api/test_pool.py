"""The simulation pool: identical requests share one computation; failures are not remembered."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Sequence
from multiprocessing.process import BaseProcess

import pytest
from pydantic import BaseModel

from migratielab import progress
from migratielab.api.pool import Batched, Pending, Settings, SimulationPool, request_key


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
    assert workers and all(stopped_within(worker, seconds=10.0) for worker in workers)


def stopped_within(worker: BaseProcess, seconds: float) -> bool:
    """Whether ``worker`` has exited within ``seconds``.

    Polled rather than read once: the executor's own management thread may reap the process at the
    same moment as ``is_alive`` asks, and then one read says "alive" for a process already gone.
    """
    deadline = time.monotonic() + seconds
    while worker.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    return not worker.is_alive()


BATCHES: list[list[int]] = []
GATE = threading.Event()


def doubled_together(requests: Sequence[Echo]) -> list[int | Exception]:
    """A batched stand-in: record the batch, wait for the gate, double each value (odd ones refused)."""
    with LOCK:
        BATCHES.append([request.value for request in requests])
    GATE.wait(5)
    return [ValueError("odd") if request.value % 2 else request.value * 2 for request in requests]


def parity(request: Echo) -> str:
    """Values of one parity may share a call."""
    return str(request.value % 2)


def test_requests_waiting_for_busy_workers_share_one_call() -> None:
    """While both workers are busy, six requests queue and then share two calls (each within the
    weight limit); each caller gets its own answer or its own error."""
    BATCHES.clear()
    GATE.clear()
    pool = SimulationPool(Settings(simulation_processes=0))
    batched: Batched[Echo, int] = Batched(doubled_together, parity, lambda request: 1, limit=4)

    async def scenario() -> list[object]:
        first = [asyncio.ensure_future(pool.run_batched(batched, Echo(value=v))) for v in (100, 1)]
        await asyncio.sleep(0.2)  # both workers now wait at the gate
        rest = [asyncio.ensure_future(pool.run_batched(batched, Echo(value=v))) for v in (2, 4, 6, 8, 10, 3)]
        await asyncio.sleep(0.2)
        GATE.set()
        return list(await asyncio.gather(*first, *rest, return_exceptions=True))

    try:
        answers = asyncio.run(scenario())
    finally:
        GATE.set()
        pool.close()
    assert answers[0] == 200 and isinstance(answers[1], ValueError)
    assert answers[2:7] == [4, 8, 12, 16, 20] and isinstance(answers[7], ValueError)
    assert sorted(value for batch in BATCHES for value in batch) == [1, 2, 3, 4, 6, 8, 10, 100]
    assert len(BATCHES) == 4 and max(map(len, BATCHES)) == 4  # two waiting calls, within the limit


def reports_progress(request: Echo) -> int:
    """Report progress in twenty steps over two seconds."""
    report = progress.current()
    for step in range(1, 21):
        time.sleep(0.1)
        if report is not None:
            report(step, 20)
    return request.value


def test_pending_answers_carry_growing_progress() -> None:
    """A long computation answers Pending with the fraction done its worker reported, growing."""
    pool = SimulationPool(Settings(simulation_processes=0, time_limit_seconds=0.25))

    async def scenario() -> list[float | None]:
        seen = []
        for _ in range(6):
            with pytest.raises(Pending) as pending:
                await pool.run(reports_progress, Echo(value=5))
            seen.append(pending.value.progress)
        return seen

    try:
        seen = asyncio.run(scenario())
    finally:
        pool.close()
    known = [value for value in seen if value is not None]
    assert len(known) >= 2 and known == sorted(known) and known[-1] > known[0]
    assert all(0 < value < 1 for value in known)
