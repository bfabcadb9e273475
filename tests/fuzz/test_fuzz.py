"""Fuzzing in the suite: Hypothesis drives the mutation harness over every input kind, and a checked-in
corpus of generated files is replayed. No input may give a traceback, exit 0 with NaN or negative
results, or leave files behind when it is refused."""

from __future__ import annotations

import random
import tempfile
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz import harness

CORPUS = Path(__file__).parent / "corpus"
EXAMPLES = {"scenario": 12, "parameters": 8, "plan": 12, "experiment": 6, "csv": 25, "options": 25}


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_mutated_inputs_are_refused_clearly_or_give_valid_results(kind: str) -> None:
    """Hypothesis picks mutation seeds; every outcome is a clear refusal or a valid result."""

    @settings(
        max_examples=EXAMPLES[kind], deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
    )
    @given(seed=st.integers(min_value=0, max_value=2**32 - 1))
    def check(seed: int) -> None:
        with tempfile.TemporaryDirectory() as folder, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            outcome = harness.KINDS[kind](random.Random(seed), Path(folder))
        assert outcome.kind != "violation", outcome.detail

    check()


def corpus_cases() -> list[Path]:
    """The main file of each corpus case (a parameters case also has its scenario)."""
    return sorted(
        path
        for path in CORPUS.glob("*")
        if not path.name.endswith("-scenario.yaml") or path.name.startswith("scenario-")
    )


@pytest.mark.parametrize("path", corpus_cases(), ids=lambda path: path.name)
def test_corpus_file_is_refused_clearly_or_gives_valid_results(path: Path, tmp_path: Path) -> None:
    """Each checked-in generated file (see ``scripts/fuzz_inputs.py --corpus``) behaves."""
    kind = path.name.split("-", 1)[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if kind == "scenario":
            outcome = harness.run_scenario(path, tmp_path)
        elif kind == "parameters":
            scenario = path.with_name(path.name.replace("-parameters.yaml", "-scenario.yaml"))
            outcome = harness.run_scenario(scenario, tmp_path, ("--parameters", str(path)))
        elif kind == "plan":
            outcome = harness.run_plan(path, tmp_path)
        elif kind == "experiment":
            outcome = harness.run_experiment(path, tmp_path)
        else:
            outcome = harness.run_csv(path, tmp_path)
    assert outcome.kind != "violation", outcome.detail
