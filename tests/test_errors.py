"""Errors that reach users survive pickling (worker processes, Dask) with their message intact."""

from __future__ import annotations

import pickle

import pytest

from migratielab.errors import InfeasibleRunError, InputError, RefusedOutcomeError, refused_outcomes


def test_input_error_round_trips_through_pickle() -> None:
    error = InputError("scenario.yaml", "policies.0.reception", "a known rule")
    copy = pickle.loads(pickle.dumps(error))
    assert isinstance(copy, InputError)
    assert (copy.source, copy.key, copy.expected) == ("scenario.yaml", "policies.0.reception", "a known rule")
    assert str(copy) == "scenario.yaml: policies.0.reception: a known rule"


def test_a_refused_outcome_is_an_input_error_that_keeps_its_kind_through_pickle() -> None:
    """The dashboard words refusals of valid inputs in the page's language: the kind must survive the
    worker process."""
    with pytest.raises(RefusedOutcomeError) as caught, refused_outcomes("projection", "tfr 0.6"):
        raise InfeasibleRunError("the population runs out")
    copy = pickle.loads(pickle.dumps(caught.value))
    assert type(copy) is RefusedOutcomeError and isinstance(copy, InputError)
    assert "tfr 0.6" in str(copy) and "the population runs out" in str(copy)
