"""Simulation pool: model runs in worker processes, shared and memoised per request, with a time limit.

The model is CPU-bound Python and numpy; in threads it would starve the event loop of the GIL, so
the server runs it in a small process pool (``Settings.simulation_processes``; 0 uses threads, for
tests that patch service functions). Identical requests in flight or recently answered share one
result: the model is deterministic for a given request (its seed is part of it).
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar, cast

from fastapi import Depends, HTTPException, Request
from pydantic import BaseModel

from migratielab.api.guards import LOOPBACK_HOSTS
from migratielab.limits import MAX_REQUEST_BYTES
from migratielab.processes import die_with_parent, terminate_pool

Result = TypeVar("Result")


@dataclass(frozen=True)
class Settings:
    """Server limits: simulation workers, remembered results, the time a request may take, the host
    names the server answers to ("*": any) and the largest request body in bytes."""

    simulation_processes: int = 2
    remembered_results: int = 128
    time_limit_seconds: float = 30.0
    allowed_hosts: tuple[str, ...] = LOOPBACK_HOSTS
    max_body_bytes: int = MAX_REQUEST_BYTES


def request_key(function: Callable[..., Any], args: tuple[BaseModel, ...]) -> str:
    """A key naming the function and the exact validated request."""
    return f"{function.__module__}.{function.__qualname__}:" + "|".join(arg.model_dump_json() for arg in args)


RETRY_AFTER_SECONDS = 3


class Pending(HTTPException):
    """The answer is still being computed in the background: 202, send the same request again."""

    def __init__(self) -> None:
        super().__init__(
            202,
            "still computing; the computation goes on in the background: send the same request "
            f"again in {RETRY_AFTER_SECONDS} s for the answer",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )


class SimulationPool:
    """Runs deterministic service calls in workers, once per distinct request, with a time limit.

    The workers start on first use and stop with the app (they restart if used again).
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.executor: Executor | None = None
        self.results: OrderedDict[str, asyncio.Future[Any]] = OrderedDict()

    def workers(self) -> Executor:
        """The process (or thread) pool, started on first use."""
        if self.executor is None:
            processes = self.settings.simulation_processes
            self.executor = (
                ProcessPoolExecutor(
                    processes, mp_context=multiprocessing.get_context("spawn"), initializer=die_with_parent
                )
                if processes > 0
                else ThreadPoolExecutor(2, thread_name_prefix="simulation")
            )
        return self.executor

    def start(self, warm: Callable[[], None]) -> None:
        """Start the workers and let each load what every simulation needs (best effort, not awaited)."""
        executor = self.workers()
        for _ in range(max(self.settings.simulation_processes, 1)):
            executor.submit(warm)

    def shared(self, function: Callable[..., Result], args: tuple[BaseModel, ...]) -> asyncio.Future[Result]:
        """The running or finished computation of ``function(*args)``, started if there is none."""
        key = request_key(function, args)
        future = self.results.get(key)
        if future is None or (future.done() and (future.cancelled() or future.exception() is not None)):
            future = asyncio.wrap_future(self.workers().submit(function, *args))
            self.results[key] = future
            while len(self.results) > self.settings.remembered_results:
                self.results.popitem(last=False)
        else:
            self.results.move_to_end(key)
        return cast("asyncio.Future[Result]", future)

    async def run(
        self, function: Callable[..., Result], *args: BaseModel, wait: float | None = None
    ) -> Result:
        """``function(*args)`` in a worker, waiting at most ``wait`` seconds (default: the time limit).

        A longer computation goes on in the background and is remembered: ``Pending`` (202 with
        ``Retry-After``) asks the client to send the same request again for the answer. A worker
        process that died gives 503 (the pool is replaced, so the next request finds fresh workers).
        """
        future = self.shared(function, args)
        limit = self.settings.time_limit_seconds if wait is None else wait
        try:
            return await asyncio.wait_for(asyncio.shield(future), limit)
        except TimeoutError:
            raise Pending() from None
        except BrokenProcessPool:
            self.replace_workers()
            raise HTTPException(
                503,
                "a simulation worker stopped unexpectedly (killed or out of memory) and has been "
                "replaced; send the request again",
            ) from None

    def replace_workers(self) -> None:
        """Drop a broken process pool and every result it still owed; new workers start on next use."""
        broken = self.executor
        self.executor = None
        for key, future in list(self.results.items()):
            if not future.done() or future.exception() is not None:
                del self.results[key]
        if isinstance(broken, ProcessPoolExecutor):
            terminate_pool(broken)

    def close(self) -> None:
        """Stop the workers now (running simulations are terminated); forget remembered results."""
        if isinstance(self.executor, ProcessPoolExecutor):
            terminate_pool(self.executor)
        elif self.executor is not None:
            self.executor.shutdown(wait=False, cancel_futures=True)
        self.executor = None
        self.results.clear()


def simulation_pool(request: Request) -> SimulationPool:
    """The app's simulation pool (a FastAPI dependency)."""
    found: SimulationPool = request.app.state.pool
    return found


Pool = Annotated[SimulationPool, Depends(simulation_pool)]
