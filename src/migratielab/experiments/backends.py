"""Where chunks run: in this process, in local processes, or on a Dask distributed cluster.

Every backend maps ``evaluate_chunk(model, task)`` over the tasks and yields results as they
complete, with at most ``2 x workers`` chunks in flight, so memory stays bounded however many
chunks an experiment has. Results do not depend on the backend: a run's inputs depend only on its
run id and future id (see ``migratielab.experiments.evaluate``).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor
from concurrent.futures import wait as wait_futures
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from migratielab.experiments.evaluate import ChunkResult, ChunkTask, RunModel, evaluate_chunk
from migratielab.processes import die_with_parent, terminate_pool

BackendName = Literal["inprocess", "processes", "dask"]
IN_FLIGHT_PER_WORKER = 2


class Backend(Protocol):
    """Maps chunk evaluation over tasks, yielding results in completion order."""

    name: str
    workers: int

    def results(self, model: RunModel, tasks: Iterable[ChunkTask]) -> Iterator[ChunkResult]:
        """Evaluate every task; yield each result as soon as it is ready."""


@dataclass
class InProcessBackend:
    """Chunks one after another in this process (no start-up cost; one core)."""

    name: str = "inprocess"
    workers: int = 1

    def results(self, model: RunModel, tasks: Iterable[ChunkTask]) -> Iterator[ChunkResult]:
        """Evaluate every task in order."""
        for task in tasks:
            yield evaluate_chunk(model, task)


def bounded_map(
    submit: Callable[[ChunkTask], Any],
    wait_first: Callable[[set[Any]], tuple[set[Any], set[Any]]],
    tasks: Iterable[ChunkTask],
    in_flight: int,
) -> Iterator[ChunkResult]:
    """Submit tasks keeping at most ``in_flight`` pending; yield results in completion order."""
    pending: set[Any] = set()
    for task in tasks:
        pending.add(submit(task))
        while len(pending) >= in_flight:
            done, pending = wait_first(pending)
            yield from (future.result() for future in done)
    while pending:
        done, pending = wait_first(pending)
        yield from (future.result() for future in done)


def wait_concurrent(pending: set[Any]) -> tuple[set[Any], set[Any]]:
    """Wait for the first of some concurrent.futures futures."""
    done, not_done = wait_futures(pending, return_when=FIRST_COMPLETED)
    return set(done), set(not_done)


@dataclass
class ProcessBackend:
    """Chunks in ``workers`` local processes (spawned, so safe alongside threads); the workers die with
    this process, even when it is killed."""

    workers: int = 2
    name: str = "processes"

    def results(self, model: RunModel, tasks: Iterable[ChunkTask]) -> Iterator[ChunkResult]:
        """Evaluate tasks in a process pool."""
        context = multiprocessing.get_context("spawn")
        pool = ProcessPoolExecutor(
            max_workers=self.workers, mp_context=context, initializer=die_with_parent, initargs=(os.getpid(),)
        )
        try:
            yield from bounded_map(
                lambda task: pool.submit(evaluate_chunk, model, task),
                wait_concurrent,
                tasks,
                IN_FLIGHT_PER_WORKER * self.workers,
            )
        except BaseException:
            terminate_pool(pool)  # interrupted or failed: do not wait for chunks nobody will read
            raise
        pool.shutdown(wait=True)


WORKER_MALLOC = {
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": str(256 * 2**20),
    "distributed.nanny.pre-spawn-environ.MALLOC_MMAP_THRESHOLD_": str(32 * 2**20),
}
"""Allocator settings for the workers of a LocalCluster (bytes). Dask's nanny sets
MALLOC_TRIM_THRESHOLD_ to 64 kB for its workers, which also fixes glibc's mmap threshold at 128 kB:
every numpy array above that is then mapped and unmapped afresh, page faults included. With arrays
up to 32 MB taken from the heap (and the heap trimmed above 256 MB) a chunk of the chain costs as
much CPU on a worker as in process (docs/performance.md, "Worker allocator")."""


@dataclass
class DaskBackend:
    """Chunks on a Dask distributed cluster: an existing one (``scheduler``) or a local one (``workers``)."""

    scheduler: str | None = None
    workers: int = 2
    name: str = "dask"

    def client(self, stack: ExitStack) -> Any:
        """A client of the given scheduler, or of a LocalCluster started (and closed) with ``stack``."""
        import dask
        import distributed

        client: Any = distributed.Client
        if self.scheduler is not None:
            return stack.enter_context(client(self.scheduler))
        local_cluster: Any = distributed.LocalCluster
        with dask.config.set(WORKER_MALLOC):
            cluster: AbstractContextManager[Any] = local_cluster(
                n_workers=self.workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
        return stack.enter_context(client(stack.enter_context(cluster)))

    def results(self, model: RunModel, tasks: Iterable[ChunkTask]) -> Iterator[ChunkResult]:
        """Evaluate tasks on the cluster."""
        import distributed

        wait: Any = distributed.wait
        with ExitStack() as stack:
            client = self.client(stack)
            workers = max(len(client.scheduler_info().get("workers", {})), 1)
            model_future = client.scatter(model, broadcast=True)

            def wait_first(pending: set[Any]) -> tuple[set[Any], set[Any]]:
                done, not_done = wait(list(pending), return_when="FIRST_COMPLETED")
                return set(done), set(not_done)

            yield from bounded_map(
                lambda task: client.submit(evaluate_chunk, model_future, task, pure=False),
                wait_first,
                tasks,
                IN_FLIGHT_PER_WORKER * workers,
            )


def make_backend(name: BackendName, workers: int = 2, scheduler: str | None = None) -> Backend:
    """The backend called ``name`` (``scheduler`` implies Dask)."""
    if scheduler is not None or name == "dask":
        return DaskBackend(scheduler=scheduler, workers=workers)
    if name == "processes":
        return ProcessBackend(workers=workers)
    return InProcessBackend()
