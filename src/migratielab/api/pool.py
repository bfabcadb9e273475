"""Simulation pool: model runs in worker processes, shared and memoised per request, with a time limit.

The model is CPU-bound Python and numpy; in threads it would starve the event loop of the GIL, so
the server runs it in a small process pool (``Settings.simulation_processes``; 0 uses threads, for
tests that patch service functions). Identical requests in flight or recently answered share one
result: the model is deterministic for a given request (its seed is part of it).

Batched service functions (``Batched``: the what-if) answer several requests in one worker call:
while every worker is busy, new requests wait in the pool, and the next free worker takes all
waiting requests that share a batch key (up to a weight limit). An idle server answers a lone
request at once; a loaded one spends its per-call overhead once per batch.

Workers report the fraction done of each computation (``migratielab.progress``) through a queue;
a 202 answer carries it (``X-Progress`` header and the detail text).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Annotated, Any, Generic, Protocol, TypeVar, cast

from fastapi import Depends, HTTPException, Request
from pydantic import BaseModel

from migratielab import progress
from migratielab.api.guards import LOOPBACK_HOSTS
from migratielab.limits import MAX_REQUEST_BYTES
from migratielab.processes import die_with_parent, terminate_pool

Result = TypeVar("Result")
Asked = TypeVar("Asked", bound=BaseModel)
PROGRESS_STEP = 0.02
"""Workers report progress when it grew by at least this fraction ..."""
PROGRESS_AFTER_SECONDS = 0.5
"""... and only once a computation has run this long (short ones finish before anyone asks)."""


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
    """The answer is still being computed in the background: 202, send the same request again.

    ``progress`` is the fraction done the worker reported (None before its first report).
    """

    def __init__(self, done: float | None = None) -> None:
        share = "" if done is None else f" ({done:.0%} done)"
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        if done is not None:
            headers["X-Progress"] = f"{done:.2f}"
        super().__init__(
            202,
            f"still computing{share}; the computation goes on in the background: send the same "
            f"request again in {RETRY_AFTER_SECONDS} s for the answer",
            headers=headers,
        )
        self.progress = done


class ProgressQueue(Protocol):
    """Where workers put ``(request keys, fraction done)``: a multiprocessing or a thread queue."""

    def put(self, item: tuple[tuple[str, ...], float]) -> None:
        """Add an item."""

    def get(self, block: bool = True, timeout: float | None = None) -> tuple[tuple[str, ...], float]:
        """Take an item."""


WORKER_PROGRESS: list[ProgressQueue] = []
"""The progress queue of this worker process (set by ``start_worker``; the pool's own in threads)."""


def start_worker(parent: int, reports: ProgressQueue) -> None:
    """Pool initializer: die with the parent (process id ``parent``) and report progress to ``reports``."""
    die_with_parent(parent)
    WORKER_PROGRESS[:] = [reports]


def tracked(keys: tuple[str, ...], function: Callable[..., Result], *args: Any) -> Result:
    """``function(*args)`` in a worker, reporting its progress for every request key in ``keys``."""
    if not WORKER_PROGRESS:
        return function(*args)
    reports = WORKER_PROGRESS[0]
    sent = [0.0]
    started = time.monotonic()

    def report(done: float) -> None:
        if done - sent[0] >= PROGRESS_STEP and time.monotonic() - started >= PROGRESS_AFTER_SECONDS:
            sent[0] = done
            reports.put((keys, done))

    with progress.reporting(report):
        return function(*args)


@dataclass(frozen=True)
class Batched(Generic[Asked, Result]):
    """A service function that answers several requests in one call (one answer or error each, in
    order); requests with equal ``key`` may share a call, up to ``limit`` total ``weight``."""

    function: Callable[[Sequence[Asked]], list[Result | Exception]]
    key: Callable[[Asked], str]
    weight: Callable[[Asked], int]
    limit: int


@dataclass
class Waiting:
    """Requests of one batch key waiting for a free worker, with the futures their callers await."""

    batched: Batched[Any, Any]
    items: list[tuple[str, BaseModel, asyncio.Future[Any]]] = field(default_factory=list)


class SimulationPool:
    """Runs deterministic service calls in workers, once per distinct request, with a time limit.

    The workers start on first use and stop with the app (they restart if used again).
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.executor: Executor | None = None
        self.results: OrderedDict[str, asyncio.Future[Any]] = OrderedDict()
        self.waiting: OrderedDict[str, Waiting] = OrderedDict()
        self.in_flight: set[Future[Any]] = set()
        self.progress: dict[str, float] = {}
        self.reports: ProgressQueue | None = None
        self.listening = threading.Event()

    @property
    def capacity(self) -> int:
        """How many computations run at once."""
        return max(self.settings.simulation_processes, 1) if self.settings.simulation_processes else 2

    def workers(self) -> Executor:
        """The process (or thread) pool, started on first use, and the thread that reads its progress."""
        if self.executor is None:
            processes = self.settings.simulation_processes
            if processes > 0:
                context = multiprocessing.get_context("spawn")
                self.reports = cast(ProgressQueue, context.Queue())
                self.executor = ProcessPoolExecutor(
                    processes,
                    mp_context=context,
                    initializer=start_worker,
                    initargs=(os.getpid(), self.reports),
                )
            else:
                self.reports = cast(ProgressQueue, queue.SimpleQueue())
                WORKER_PROGRESS[:] = [self.reports]
                self.executor = ThreadPoolExecutor(2, thread_name_prefix="simulation")
            self.listen(self.reports)
        return self.executor

    def listen(self, reports: ProgressQueue) -> None:
        """Keep the latest fraction done per request key from ``reports`` (a daemon thread)."""
        self.listening.set()
        listening = self.listening

        def read() -> None:
            while listening.is_set():
                try:
                    keys, done = reports.get(timeout=0.5)
                except (queue.Empty, OSError, EOFError, ValueError):
                    continue
                self.progress.update(dict.fromkeys(keys, done))

        threading.Thread(target=read, name="simulation-progress", daemon=True).start()

    def start(self, warm: Callable[[], None]) -> None:
        """Start the workers and let each load what every simulation needs (best effort, not awaited)."""
        executor = self.workers()
        for _ in range(self.capacity):
            executor.submit(warm)

    def shared(self, function: Callable[..., Result], args: tuple[BaseModel, ...]) -> asyncio.Future[Result]:
        """The running or finished computation of ``function(*args)``, started if there is none."""
        key = request_key(function, args)
        return self.remembered(
            key, lambda: asyncio.wrap_future(self.workers().submit(tracked, (key,), function, *args))
        )

    def remembered(self, key: str, start: Callable[[], asyncio.Future[Any]]) -> asyncio.Future[Any]:
        """The running or finished computation under ``key``, started with ``start`` if there is none
        (or if the remembered one failed)."""
        future = self.results.get(key)
        if future is None or (future.done() and (future.cancelled() or future.exception() is not None)):
            future = start()
            self.results[key] = future
            while len(self.results) > self.settings.remembered_results:
                forgotten, _ = self.results.popitem(last=False)
                self.progress.pop(forgotten, None)
        else:
            self.results.move_to_end(key)
        return future

    def shared_batched(self, batched: Batched[Asked, Result], request: Asked) -> asyncio.Future[Result]:
        """The running or finished answer to ``request``, queued for a batched call if there is none."""
        key = request_key(batched.function, (request,))

        def enqueue() -> asyncio.Future[Any]:
            future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
            group = f"{batched.function.__module__}.{batched.function.__qualname__}:{batched.key(request)}"
            self.waiting.setdefault(group, Waiting(batched)).items.append((key, request, future))
            self.dispatch()
            return future

        return self.remembered(key, enqueue)

    def dispatch(self) -> None:
        """Give waiting requests to free workers: each call takes its share of the waiting requests of
        the oldest request's service function (requests of one batch key together, oldest key first),
        up to the weight limit, so that no request waits longer than one call."""
        while self.waiting and len(self.in_flight) < self.capacity:
            batched = next(iter(self.waiting.values())).batched
            groups = [group for group, waiting in self.waiting.items() if waiting.batched is batched]
            count = sum(len(self.waiting[group].items) for group in groups)
            share = -(-count // (self.capacity - len(self.in_flight)))
            taken = self.take(groups, share, batched)
            keys = tuple(key for key, _, _ in taken)
            call = self.workers().submit(tracked, keys, batched.function, tuple(r for _, r, _ in taken))
            self.in_flight.add(call)
            self.when_done(call, taken)

    def take(
        self, groups: list[str], share: int, batched: Batched[Any, Any]
    ) -> list[tuple[str, BaseModel, asyncio.Future[Any]]]:
        """Up to ``share`` waiting requests from ``groups`` in order, within the weight limit (at least
        one)."""
        taken: list[tuple[str, BaseModel, asyncio.Future[Any]]] = []
        weight = 0
        for group in groups:
            waiting = self.waiting[group]
            while waiting.items and len(taken) < share:
                next_weight = batched.weight(waiting.items[0][1])
                if taken and weight + next_weight > batched.limit:
                    return taken
                taken.append(waiting.items.pop(0))
                weight += next_weight
            if not waiting.items:
                del self.waiting[group]
        return taken

    def when_done(self, call: Future[Any], taken: list[tuple[str, BaseModel, asyncio.Future[Any]]]) -> None:
        """Call ``finish`` in the event loop when the worker call is done."""
        loop = asyncio.get_running_loop()
        call.add_done_callback(lambda done: loop.call_soon_threadsafe(self.finish, done, taken))

    def finish(self, call: Future[Any], taken: list[tuple[str, BaseModel, asyncio.Future[Any]]]) -> None:
        """Hand each caller of a finished batched call its answer or error; start the next call."""
        self.in_flight.discard(call)
        failure = call.exception() if not call.cancelled() else asyncio.CancelledError()
        answers = [failure] * len(taken) if failure is not None else call.result()
        for (_, _, future), answer in zip(taken, answers, strict=True):
            if future.done():
                continue
            if isinstance(answer, BaseException):
                future.set_exception(answer)
            else:
                future.set_result(answer)
        self.dispatch()

    async def run(
        self, function: Callable[..., Result], *args: BaseModel, wait: float | None = None
    ) -> Result:
        """``function(*args)`` in a worker, waiting at most ``wait`` seconds (default: the time limit).

        A longer computation goes on in the background and is remembered: ``Pending`` (202 with
        ``Retry-After`` and the fraction done) asks the client to send the same request again for the
        answer. A worker process that died gives 503 (the pool is replaced, so the next request finds
        fresh workers).
        """
        return await self.awaited(request_key(function, args), self.shared(function, args), wait)

    async def run_batched(
        self, batched: Batched[Asked, Result], request: Asked, wait: float | None = None
    ) -> Result:
        """The answer to ``request`` from a batched call, waiting as ``run`` does."""
        key = request_key(batched.function, (request,))
        return await self.awaited(key, self.shared_batched(batched, request), wait)

    async def awaited(self, key: str, future: asyncio.Future[Result], wait: float | None) -> Result:
        """The future's result within ``wait`` seconds, or Pending with the progress of ``key``."""
        limit = self.settings.time_limit_seconds if wait is None else wait
        try:
            return await asyncio.wait_for(asyncio.shield(future), limit)
        except TimeoutError:
            raise Pending(self.progress.get(key)) from None
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
        self.in_flight.clear()
        self.listening.clear()
        self.listening = threading.Event()
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
        self.waiting.clear()
        self.in_flight.clear()
        self.listening.clear()
        self.listening = threading.Event()


def simulation_pool(request: Request) -> SimulationPool:
    """The app's simulation pool (a FastAPI dependency)."""
    found: SimulationPool = request.app.state.pool
    return found


Pool = Annotated[SimulationPool, Depends(simulation_pool)]
