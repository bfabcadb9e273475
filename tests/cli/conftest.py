"""The data-store fixtures for the `data` CLI tests (shared with tests/data)."""

from tests.data.conftest import _store_home, bad_csv, fresh_home, sample_csv, shared_home, totals

__all__ = ["_store_home", "bad_csv", "fresh_home", "sample_csv", "shared_home", "totals"]
