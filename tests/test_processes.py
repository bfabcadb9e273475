"""Worker processes never outlive their parent: ``serve`` after SIGTERM, SIGINT or kill -9."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import free_port

START_SECONDS = 60.0
STOP_SECONDS = 15.0


def children(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def start_server(port: int) -> subprocess.Popen[bytes]:
    """``migratielab serve`` in a subprocess, answering /api/health with its workers started."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    code = "from migratielab.cli import app; app()"
    process = subprocess.Popen(
        [sys.executable, "-c", code, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2):
                pass
            if len(children(process.pid)) >= 2:
                return process
        except OSError:
            pass
        time.sleep(0.3)
    process.kill()
    pytest.fail("the server did not start with its workers")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc and PR_SET_PDEATHSIG")
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_server_workers_stop_with_the_server(stop: signal.Signals) -> None:
    """After SIGTERM, SIGINT or kill -9 of ``serve`` no worker or resource tracker keeps running."""
    server = start_server(free_port())
    workers = children(server.pid)
    server.send_signal(stop)
    server.wait(STOP_SECONDS)
    deadline = time.monotonic() + STOP_SECONDS
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in workers if alive(pid)]
