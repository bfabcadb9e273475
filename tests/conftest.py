"""Test-wide set-up: the statistics store lives in a temporary folder, never in the user's cache."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest


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
