"""What-ifs simulated together: each answer is exactly the answer alone; set-up is remembered safely."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from migratielab import progress
from migratielab.service import chain_runs, web
from migratielab.service.web_models import WhatIfRequest


def request(
    seed: int, runs: int = 12, buffer: int = 5_000, fte: float = 1_500, term: int = 6
) -> WhatIfRequest:
    """A short what-if with the given seed and levers."""
    return WhatIfRequest.model_validate(
        {
            "policy": {
                "name": "test",
                "reception": {"rule": "fixed_buffer", "base_places": 41_000, "buffer_places": buffer},
                "staffing": {"rule": "stable", "fte": fte},
                "decision_term_months": term,
            },
            "runs": runs,
            "end_year": 2026,
            "seed": seed,
        }
    )


def test_batched_answers_equal_the_answers_alone() -> None:
    """Seeds, ensemble sizes and per-run levers differ within a batch; one request has another
    decision term (it cannot share a chain run); every answer equals its request run alone."""
    requests = [
        request(1),
        request(2, runs=7, buffer=0, fte=900),
        request(3, runs=20, buffer=20_000),
        request(4, term=12),
    ]
    together = web.what_if_batch(requests)
    assert len({web.what_if_batch_key(item) for item in requests}) == 2
    for answer, item in zip(together, requests, strict=True):
        assert not isinstance(answer, Exception)
        assert answer.model_dump_json() == web.what_if(item).model_dump_json()
    levers = [answer.results[0].fans["ind_staff"].quantiles["0.5"][-1] for answer in together[:2]]
    assert levers[0] != levers[1]  # the FTE lever reached its own runs


def test_cut_into_small_chain_runs_gives_the_same_runs() -> None:
    """Per run id the trajectories do not depend on how runs are cut into chain runs."""
    jobs = [
        chain_runs.Job(web.build_scenario(item, [web.what_if_policy(item)]), web.what_if_policy(item))
        for item in (request(5, runs=9), request(6, runs=4, buffer=0))
    ]
    whole = chain_runs.run_jobs(jobs)
    cut = chain_runs.run_jobs(jobs, chunk=5)
    for one, other in zip(whole, cut, strict=True):
        assert not isinstance(one, Exception) and not isinstance(other, Exception)
        for name, values in one.monthly.items():
            np.testing.assert_array_equal(values, other.monthly[name])
        np.testing.assert_array_equal(one.histogram, other.histogram)


def test_remembered_set_up_cannot_be_changed() -> None:
    """Remembered inflow paths and parameters are read-only, so no run can change a later one."""
    web.what_if(request(7))
    arrays = [
        value if isinstance(value, np.ndarray) else next(iter(vars(value).values()))
        for value in chain_runs.SET_UP.values.values()
    ]
    assert arrays
    for array in arrays:
        with pytest.raises(ValueError, match="read-only"):
            array[...] = 0.0


def test_a_what_if_reports_growing_progress() -> None:
    """The chain reports the months done: fractions rise to 1."""
    seen: list[float] = []
    with progress.reporting(seen.append):
        web.what_if(request(8, runs=3))
    assert len(seen) >= 12
    assert all(later > earlier for earlier, later in itertools.pairwise(seen))
    assert seen[-1] == pytest.approx(1.0)


def test_quantiles_over_runs_skip_missing_values() -> None:
    """Linear quantiles as numpy computes them, per column, skipping NaN; all-NaN columns stay NaN."""
    rng = np.random.default_rng(3)
    values = rng.normal(size=(41, 6))
    values[rng.random(values.shape) < 0.2] = np.nan
    values[:, 5] = np.nan
    expected = np.stack([np.nanquantile(values[:, column], web.FAN_QUANTILES) for column in range(5)], axis=1)
    found = web.quantiles_over_runs(values)
    np.testing.assert_allclose(found[:, :5], expected, rtol=1e-12)
    assert np.isnan(found[:, 5]).all()


def test_compatible_what_ifs_share_one_chain_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Three what-ifs that differ only in seeds and per-run levers are simulated in one chain run
    (a new per-run policy array that could not be stacked would fall back to three)."""
    from migratielab.models import system

    calls: list[int] = []
    real = system.run

    def counted(parts: system.System, progress: object = None) -> system.SystemRun:
        calls.append(parts.months)
        return real(parts, progress)  # type: ignore[arg-type]

    monkeypatch.setattr(chain_runs.system, "run", counted)
    answers = web.what_if_batch([request(11), request(12, buffer=0), request(13, fte=900)])
    assert not any(isinstance(answer, Exception) for answer in answers)
    assert len(calls) == 1
