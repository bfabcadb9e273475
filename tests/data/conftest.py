"""Every test here uses its own store home under pytest's tmp directory, never ~/.cache."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from migratielab.data import store

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def shared_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One store home for the read-only tests of a session (built once)."""
    return tmp_path_factory.mktemp("store-home")


@pytest.fixture(autouse=True)
def _store_home(shared_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point MIGRATIELAB_HOME at the session's shared home."""
    monkeypatch.setenv("MIGRATIELAB_HOME", str(shared_home))
    yield shared_home


@pytest.fixture
def fresh_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A store home of this test only (for tests that import or damage the store)."""
    home = tmp_path / "home"
    monkeypatch.setenv("MIGRATIELAB_HOME", str(home))
    yield home
    store.close()


@pytest.fixture
def sample_csv() -> Path:
    """The shipped StatLine-style sample export (see fixtures/README.md)."""
    return FIXTURES / "83102NED_sample.csv"


@pytest.fixture
def bad_csv() -> Path:
    """The sample export with one broken value on line 9."""
    return FIXTURES / "83102NED_bad.csv"


@pytest.fixture
def totals() -> dict[str, str]:
    """Filters selecting the totals over sex, age and nationality in the sample export."""
    return {"Geslacht": "T001038", "Leeftijd": "10000", "Nationaliteit": "T001059"}
