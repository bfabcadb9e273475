"""Recording a chain run: the recording block and the dataset built on it."""

from __future__ import annotations

import numpy as np
import pytest

from migratielab.models.asylum import record
from migratielab.models.asylum.chain import Flows
from tests.models.asylum.synthetic import run_chain, surge


def test_a_populated_recording_gives_the_same_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """A recording mapped with its pages populated holds exactly what an allocated one holds."""
    applications = np.repeat(surge(36), 3, axis=0) * np.array([[0.5], [1.0], [2.0]])
    allocated = run_chain(applications)
    monkeypatch.setattr(record, "POPULATE_BYTES", 0)
    populated = run_chain(applications)
    for name in Flows.scalar_names():
        np.testing.assert_array_equal(populated.monthly[name].to_numpy(), allocated.monthly[name].to_numpy())
    np.testing.assert_array_equal(populated.wait_histogram, allocated.wait_histogram)


def test_recording_block_is_writable_and_shaped(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both kinds of block are (variable, month, run) float64 arrays that keep what is written."""
    for threshold in (0, 2**40):
        monkeypatch.setattr(record, "POPULATE_BYTES", threshold)
        block = record.recording_block(3, 4, 5)
        block[...] = np.arange(60.0).reshape(3, 4, 5)
        assert block.shape == (3, 4, 5) and block.dtype == np.float64
        assert float(block.sum()) == float(np.arange(60.0).sum())


def test_a_mapped_block_is_reused_only_once_every_view_is_gone(monkeypatch: pytest.MonkeyPatch) -> None:
    """A dropped recording's mapping serves the next recording of its size; one still viewed does not."""
    monkeypatch.setattr(record, "POPULATE_BYTES", 0)
    monkeypatch.setattr(record, "MAPPED", record.MappedBlocks())
    block = record.recording_block(2, 3, 4)
    view = block[1].T  # as a dataset holds a recorded variable
    block[...] = 7.0
    address = block.__array_interface__["data"][0]
    del block
    assert record.MAPPED.kept_bytes() == 0  # the view still holds the mapping
    other = record.recording_block(2, 3, 4)
    assert other.__array_interface__["data"][0] != address
    np.testing.assert_array_equal(view, 7.0)  # not written over
    del view
    assert record.MAPPED.kept_bytes() == 8 * 2 * 3 * 4
    again = record.recording_block(2, 3, 4)
    assert again.__array_interface__["data"][0] == address and record.MAPPED.kept_bytes() == 0
    del other, again


def test_mapped_blocks_beyond_the_limit_are_unmapped(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only ``KEPT_BYTES`` of dropped blocks are kept for reuse."""
    monkeypatch.setattr(record, "POPULATE_BYTES", 0)
    monkeypatch.setattr(record, "MAPPED", record.MappedBlocks())
    monkeypatch.setattr(record, "KEPT_BYTES", 8 * 2 * 3 * 4)
    first, second = record.recording_block(2, 3, 4), record.recording_block(2, 3, 4)
    del first, second
    assert record.MAPPED.kept_bytes() == 8 * 2 * 3 * 4
