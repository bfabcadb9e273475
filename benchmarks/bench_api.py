"""Benchmark: 20 concurrent clients sending what-if requests to a real uvicorn server over loopback.

The server (``migratielab serve``) runs in its own process on a free 127.0.0.1 port. Each client
sends ``POST /api/whatif`` (100 runs - the dashboard's default - 2025-2035) back to back for the
given duration, choosing its levers at random from a pool of ``--distinct`` lever combinations
(analysts moving a few levers revisit the same settings, and the server memoises results per
request). With ``--distinct 0`` every request has a new seed, so every request is simulated; with
``--vary-levers`` as well, every request also draws its own buffer, decision term and FTE (new
questions that share a chain run with fewer others: the server simulates waiting what-ifs with
the same rules and decision term together).

Prints requests per second, p50/p95/p99 latency, errors, the machine's load average before and
after, and the CPU seconds the server (its main process and workers) spent per request.

Run the same script against two source trees (PYTHONPATH picks the server's code) to compare:
  PYTHONPATH=<tree>/src .venv/bin/python benchmarks/bench_api.py --distinct 0 --runs 100
Options: [--clients 20] [--seconds 30] [--distinct 40] [--runs 100] [--vary-levers]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import time
from typing import Any

import httpx
import numpy as np

START_TIMEOUT_SECONDS = 60.0
REQUEST_TIMEOUT_SECONDS = 120.0
BUFFERS = (0, 5_000, 10_000, 15_000, 20_000)
TERMS = (3, 6, 9, 12)
STAFFING = (800, 1_200, 1_500, 2_000)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(port: int) -> subprocess.Popen[bytes]:
    """Start ``migratielab serve`` on the port and wait until it answers."""
    command = [sys.executable, "-c", "from migratielab.cli import app; app()", "serve", "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1.0).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start")


def lever_pool(distinct: int, runs: int) -> list[dict[str, Any]]:
    """``distinct`` what-if bodies with different levers (fixed buffer, stable staffing)."""
    combos = [(b, t, f) for b in BUFFERS for t in TERMS for f in STAFFING]
    random.Random(1).shuffle(combos)
    return [body(buffer, term, fte, runs, seed=None) for buffer, term, fte in combos[:distinct]]


def body(buffer: int, term: int, fte: int, runs: int, seed: int | None) -> dict[str, Any]:
    """One what-if request body."""
    policy = {
        "name": "bench",
        "reception": {"rule": "fixed_buffer", "base_places": 41_000, "buffer_places": buffer},
        "staffing": {"rule": "stable", "fte": fte},
        "decision_term_months": term,
    }
    request: dict[str, Any] = {"policy": policy, "runs": runs, "end_year": 2035}
    if seed is not None:
        request["seed"] = seed
    return request


def new_question(chooser: random.Random, runs: int, seed: int, vary: bool) -> dict[str, Any]:
    """A request never sent before: a new seed and, with ``vary``, levers drawn at random."""
    if not vary:
        return body(10_000, 6, 1_500, runs, seed=seed)
    return body(chooser.choice(BUFFERS), chooser.choice(TERMS), chooser.choice(STAFFING), runs, seed=seed)


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) used so far by process ``pid`` and its live child processes."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    children = open(f"/proc/{pid}/task/{pid}/children").read().split()  # noqa: SIM115
    for process in [str(pid), *children]:
        try:
            fields = open(f"/proc/{process}/stat").read().rsplit(")", 1)[1].split()  # noqa: SIM115
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


async def client(
    http: httpx.AsyncClient,
    pool: list[dict[str, Any]],
    arguments: argparse.Namespace,
    stop: float,
    seeds: list[int],
    out: list[Any],
) -> None:
    """Send requests back to back until ``stop``; record (latency seconds, ok) per request."""
    chooser = random.Random(len(out))
    while time.perf_counter() < stop:
        if pool:
            request = chooser.choice(pool)
        else:
            seeds[0] += 1
            request = new_question(chooser, arguments.runs, seeds[0], arguments.vary_levers)
        started = time.perf_counter()
        try:
            response = await http.post("/api/whatif", json=request)
            ok = response.status_code == 200
        except httpx.HTTPError:
            ok = False
        out.append((time.perf_counter() - started, ok))


async def load(base_url: str, pool: list[dict[str, Any]], arguments: argparse.Namespace) -> list[Any]:
    """Run the clients concurrently for the given seconds; return all (latency, ok) records."""
    results: list[Any] = []
    limits = httpx.Limits(max_connections=arguments.clients)
    async with httpx.AsyncClient(base_url=base_url, timeout=REQUEST_TIMEOUT_SECONDS, limits=limits) as http:
        stop = time.perf_counter() + arguments.seconds
        seeds = [1_000]
        await asyncio.gather(
            *(client(http, pool, arguments, stop, seeds, results) for _ in range(arguments.clients))
        )
    return results


def report(results: list[Any], arguments: argparse.Namespace, load: tuple[float, float], cpu: float) -> None:
    """Print throughput, latency percentiles, errors, load average and server CPU per request."""
    seconds = arguments.seconds
    latencies = np.array([latency for latency, _ in results]) * 1000.0
    errors = sum(1 for _, ok in results if not ok)
    p50, p95, p99 = np.percentile(latencies, [50, 95, 99]) if len(latencies) else (np.nan,) * 3
    kind = f"{arguments.distinct} distinct lever settings" if arguments.distinct else "every request new"
    kind += " (new levers too)" if arguments.vary_levers and not arguments.distinct else ""
    print(f"what-if API: {arguments.clients} clients, {seconds:.0f} s, {arguments.runs} runs each, {kind}")
    print(f"  requests: {len(results)}  ({len(results) / seconds:.1f} req/s)   errors: {errors}")
    print(f"  latency ms: p50 {p50:.0f}   p95 {p95:.0f}   p99 {p99:.0f}   max {latencies.max():.0f}")
    print(f"  load average (1 min): {load[0]:.2f} before, {load[1]:.2f} after")
    print(f"  server CPU per request: {1000 * cpu / max(len(results), 1):.0f} ms (main process and workers)")


def main() -> None:
    """Start the server, warm it with one request, load it, report, stop it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--distinct", type=int, default=40, help="lever combinations (0: every request new)")
    parser.add_argument("--runs", type=int, default=100, help="runs per what-if (the dashboard's default)")
    parser.add_argument(
        "--vary-levers", action="store_true", help="with --distinct 0: new levers per request"
    )
    arguments = parser.parse_args()
    port = free_port()
    server = start_server(port)
    try:
        base_url = f"http://127.0.0.1:{port}"
        httpx.post(
            f"{base_url}/api/whatif", json={"runs": 10}, timeout=REQUEST_TIMEOUT_SECONDS
        )  # warm caches
        pool = lever_pool(arguments.distinct, arguments.runs)
        before, cpu = os.getloadavg()[0], cpu_seconds(server.pid)
        results = asyncio.run(load(base_url, pool, arguments))
        cpu = cpu_seconds(server.pid) - cpu
        report(results, arguments, (before, os.getloadavg()[0]), cpu)
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
