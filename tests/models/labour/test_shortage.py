"""The shortage assessment: weights and thresholds move the ranking; the sensible test; weight files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migratielab.errors import InputError
from migratielab.models.labour.data import load_labour_data
from migratielab.models.labour.shortage import (
    VERDICTS,
    ShortageConfig,
    assess,
    default_config,
    indicator_names,
    load_weights,
    sensible_test,
)
from migratielab.params import default_parameters

PARAMS = default_parameters("labour")


def only(name: str) -> ShortageConfig:
    """Default thresholds, all weight on ``name``."""
    config = default_config(PARAMS)
    weights = {key: (1.0 if key == name else 0.0) for key in config.weights}
    return ShortageConfig(weights, config.thresholds, config.cutoff)


def test_all_weight_on_tightness_ranks_by_passing_tightness() -> None:
    data = load_labour_data()
    result = assess(data, only("uwv_tightness"))
    passing = data.uwv_tightness >= PARAMS.scalar("threshold_uwv_tightness")
    worst_passing = result.rank[passing].max()
    assert worst_passing == passing.sum()  # every passing group ranks above every other
    assert (result.in_shortage == passing).all()


def test_moving_weight_changes_the_ranking_in_the_stated_direction() -> None:
    data = load_labour_data()
    tight = assess(data, only("uwv_tightness"))
    future = assess(data, only("future_bottleneck"))
    assert not (tight.rank == future.rank).all()
    bottleneck = data.itkb <= PARAMS.scalar("threshold_future_bottleneck")
    assert future.rank[bottleneck].max() < future.rank[~bottleneck].min()
    # Keukenhulpen: largest future bottleneck, no UWV figure: top under future, unranked by tightness
    i = data.index("1122")
    assert future.score[i] == 1.0 and tight.score[i] == 0.0


def test_raising_a_threshold_never_adds_passes() -> None:
    data = load_labour_data()
    config = default_config(PARAMS)
    stricter = ShortageConfig(config.weights, {**config.thresholds, "uwv_tightness": 8.0}, config.cutoff)
    before, after = assess(data, config), assess(data, stricter)
    k = indicator_names().index("uwv_tightness")
    assert after.passes[k].sum() < before.passes[k].sum()
    assert (after.score <= before.score + 1e-12).all()


def test_sensible_test_flags_a_low_wage_shortage_as_pay_and_conditions() -> None:
    """Schoonmakers: very tight and a future bottleneck, but paid below two thirds of the median."""
    data = load_labour_data()
    result = assess(data, default_config(PARAMS))
    test = sensible_test(data, result, PARAMS)
    i = data.index("1121")
    assert result.in_shortage[i]
    assert test.low_pay[i]
    assert VERDICTS[test.verdict[i]] == "pay_and_conditions"
    doctors = data.index("1011")
    assert result.in_shortage[doctors] and VERDICTS[test.verdict[doctors]] == "labour_migration"


def test_low_pay_verdict_follows_the_low_pay_line() -> None:
    """Raising the low-pay line to the median turns more shortages into pay-and-conditions cases."""
    data = load_labour_data()
    result = assess(data, default_config(PARAMS))
    strict = PARAMS.with_values({"low_pay_ratio": 1.0})
    base, wider = sensible_test(data, result, PARAMS), sensible_test(data, result, strict)
    pay = VERDICTS.index("pay_and_conditions")
    assert (wider.verdict == pay).sum() > (base.verdict == pay).sum()
    assert ((base.verdict == pay) <= (wider.verdict == pay)).all()


def test_not_in_shortage_means_no_case_for_migration() -> None:
    data = load_labour_data()
    result = assess(data, default_config(PARAMS))
    test = sensible_test(data, result, PARAMS)
    assert ((test.verdict == 0) == ~result.in_shortage).all()


def write(tmp_path: Path, content: object) -> Path:
    path = tmp_path / "weights.yaml"
    path.write_text(yaml.safe_dump(content), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("content", "key", "fragment"),
    [
        ({"weights": {"uwv_tightnes": 2}}, "weights", "did you mean uwv_tightness"),
        ({"weights": {"uwv_tightness": -1}}, "weights", "at least 0"),
        ({"weigths": {"uwv_tightness": 1}}, "weigths", "unknown key"),
        ({"thresholds": {"future_bottleneck": "high"}}, "thresholds.future_bottleneck", "number"),
        ({"weights": {name: 0 for name in indicator_names()}}, "weights", "above 0"),
        ({"shortage_cutoff": 1.5}, "shortage_cutoff", "less than or equal to 1"),
    ],
)
def test_bad_weight_files_name_file_key_and_expectation(
    tmp_path: Path, content: object, key: str, fragment: str
) -> None:
    path = write(tmp_path, content)
    with pytest.raises(InputError) as caught:
        load_weights(path, default_config(PARAMS))
    assert caught.value.source == str(path)
    assert caught.value.key == key
    assert fragment in caught.value.expected


values = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(),
    st.text(max_size=5),
    st.none(),
    st.booleans(),
)
names = st.one_of(st.sampled_from(indicator_names()), st.text(max_size=12))
files = st.dictionaries(
    st.one_of(st.sampled_from(["weights", "thresholds", "shortage_cutoff"]), st.text(max_size=8)),
    st.one_of(st.dictionaries(names, values, max_size=4), values),
    max_size=3,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=files)
def test_fuzzed_weight_files_either_load_cleanly_or_raise_input_error(tmp_path: Path, content: dict) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_text(yaml.safe_dump(content), encoding="utf-8")
    try:
        config = load_weights(path, default_config(PARAMS))
    except InputError as error:
        assert error.source == str(path)
        return
    weights = config.weight_vector()
    assert np.isfinite(weights).all() and (weights >= 0).all() and weights.sum() > 0
    assert np.isfinite(config.threshold_vector()).all()
    result = assess(load_labour_data(), config)
    assert np.isfinite(result.score).all() and ((result.score >= 0) & (result.score <= 1)).all()
