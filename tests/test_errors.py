"""Errors that reach users survive pickling (worker processes, Dask) with their message intact."""

from __future__ import annotations

import pickle

from migratielab.errors import InputError


def test_input_error_round_trips_through_pickle() -> None:
    error = InputError("scenario.yaml", "policies.0.reception", "a known rule")
    copy = pickle.loads(pickle.dumps(error))
    assert isinstance(copy, InputError)
    assert (copy.source, copy.key, copy.expected) == ("scenario.yaml", "policies.0.reception", "a known rule")
    assert str(copy) == "scenario.yaml: policies.0.reception: a known rule"
