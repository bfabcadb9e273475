"""Worker processes that never outlive their parent (process pools of the server and of explorations)."""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from concurrent.futures import ProcessPoolExecutor

PR_SET_PDEATHSIG = 1
"""``prctl`` option: the signal a Linux process receives when its parent dies."""


def die_with_parent(parent: int | None = None) -> None:
    """Pool initializer: ask the kernel to kill this worker when its parent process dies (kill -9 included).

    Linux only (``prctl(PR_SET_PDEATHSIG, SIGKILL)``); elsewhere it does nothing. ``parent`` is the
    process id of the parent as the parent knows it (``os.getpid()`` there): a worker still importing
    its initializer when the parent died has been adopted by then, so its own ``getppid()`` would not
    tell. If the parent is gone when the request takes effect, the worker exits at once.
    """
    if parent is None:
        parent = os.getppid()
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def terminate_pool(executor: ProcessPoolExecutor, timeout: float = 5.0) -> None:
    """Stop a process pool now: cancel queued work, terminate (then kill) its worker processes."""
    workers = list(getattr(executor, "_processes", {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for worker in workers:
        if worker.is_alive():
            worker.terminate()
    for worker in workers:
        worker.join(timeout)
        if worker.is_alive():
            worker.kill()
            worker.join(timeout)
