"""Test-wide set-up: the statistics store lives in a temporary folder, never in the user's cache;
web fixtures: an in-process client and a real uvicorn server on a free loopback port."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient

from migratielab.api import Settings, create_app


@pytest.fixture(scope="session", autouse=True)
def isolated_store_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Point MIGRATIELAB_HOME at a per-session temporary folder for every test."""
    home = tmp_path_factory.mktemp("migratielab-home")
    previous = os.environ.get("MIGRATIELAB_HOME")
    os.environ["MIGRATIELAB_HOME"] = str(home)
    yield home
    if previous is None:
        os.environ.pop("MIGRATIELAB_HOME", None)
    else:
        os.environ["MIGRATIELAB_HOME"] = previous


SERVER_START_SECONDS = 30.0
IN_PROCESS = Settings(simulation_processes=0)
LOCAL_URL = "http://localhost"
"""Test clients talk to the app as a loopback host (the app refuses other Host headers)."""
"""In-process clients run simulations in threads; the real server (browser tests) uses worker processes."""


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    """A test client of the whole app (API and dashboard)."""
    with TestClient(create_app(IN_PROCESS), base_url=LOCAL_URL) as test_client:
        yield test_client


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """Base URL of a real uvicorn server running the app in a background thread."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + SERVER_START_SECONDS
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the uvicorn server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
