"""Disclosure control on every municipal output: monitor, benchmarks, experiment tables, CSV and JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from migratielab.analysis import disclosure
from migratielab.cli import app
from migratielab.scenario import LocalExperiment, MunicipalSection
from migratielab.service import municipal

TINY = LocalExperiment(name="tiny", municipalities=["Schiermonnikoog"], flexible_homes_per_1000=5)
LARGE = LocalExperiment(name="large", municipalities=["Utrecht", "Zwolle"], pass_rate_lift=0.1)
HIDDEN = (disclosure.SUPPRESSED, disclosure.SECONDARY)


@pytest.fixture(scope="module")
def result() -> municipal.MunicipalRun:
    scenario = municipal.default_scenario(runs=3, end_year=2026)
    section = MunicipalSection(experiments=[TINY, LARGE])
    return municipal.run(scenario.model_copy(update={"municipal": section}))


@pytest.fixture()
def small_default(result: municipal.MunicipalRun, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The services' default run replaced by the small run (faces read it through the service)."""
    monkeypatch.setattr(municipal, "default_run", lambda runs=municipal.DEFAULT_RUNS: result)
    yield


def test_counts_are_per_year_and_add_up_to_the_chain_national_figures(result: municipal.MunicipalRun) -> None:
    raw = municipal.raw_frame(result)
    data = result.dataset
    years = data.sizes["year"]
    assert raw.attrs["years"] == years > 1
    chain_task = float(data["national_task"].sum("time").mean("run")) / years  # monthly, from the chain
    assert raw["task"].sum() == pytest.approx(chain_task, rel=1e-9)
    for name in ("housed", "obliged_started", "cost_eur"):
        assert raw[name].sum() == pytest.approx(float(data[f"total_{name}"].mean(["run", "year"])), rel=1e-9)
    assert raw["housed_per_1000"].to_numpy() == pytest.approx(1000 * raw["housed"] / raw["population"])
    national = municipal.national_per_year(result, "housed")
    assert national is not None and national.mean() == pytest.approx(raw["housed"].sum(), rel=1e-9)
    assert municipal.national_per_year(result, "pass_rate") is None


def test_the_backlog_is_shown_where_housed_is_not_a_small_count(result: municipal.MunicipalRun) -> None:
    raw = municipal.raw_frame(result)
    shown, flags = municipal.protected_frame(raw)
    visible = shown["backlog"].notna()
    assert visible.mean() > 0.8  # not blanked for the whole indicator
    assert (visible == shown["housed"].notna()).all()  # hidden with the persons housed, same reason
    assert (flags.loc[~visible, "backlog"] == flags.loc[~visible, "housed"]).all()


def test_the_housing_balance_adds_up(result: municipal.MunicipalRun) -> None:
    balance = municipal.housing_balance(result)
    raw = municipal.raw_frame(result)
    assert balance["task"] == pytest.approx(
        balance["housed"] + balance["written_off"] + balance["backlog_change"], rel=1e-9
    )
    assert balance["task"] == pytest.approx(raw["task"].sum(), rel=1e-9)
    assert balance["written_off"] == pytest.approx(raw["written_off"].sum(), rel=1e-9)


def test_housed_per_1000_has_a_peers_median(result: municipal.MunicipalRun) -> None:
    peers = municipal.benchmarks(municipal.raw_frame(result))
    assert peers["housed_per_1000"].notna().sum() > len(peers) / 2


def test_every_shown_count_is_rounded_and_not_small(result: municipal.MunicipalRun) -> None:
    raw = municipal.raw_frame(result)
    shown, flags = municipal.protected_frame(raw)
    assert np.all(shown["backlog"].dropna() % disclosure.ROUND_TO == 0)  # a balance: rounded only
    for name in municipal.COUNTS:
        visible = shown[name].dropna()
        assert np.all(visible % disclosure.ROUND_TO == 0)
        assert np.all(
            (raw[name][visible.index].abs() >= disclosure.MIN_COUNT) | (raw[name][visible.index] == 0)
        )
        assert set(flags[name][shown[name].isna()]) <= set(HIDDEN)
    assert (flags.to_numpy() == disclosure.SUPPRESSED).any()  # the small run has small cells


def test_a_peers_median_needs_three_peers_and_uses_only_published_cells(
    result: municipal.MunicipalRun,
) -> None:
    raw = municipal.raw_frame(result)
    peers = municipal.benchmarks(raw)
    few = peers["peer_count"] < disclosure.MIN_GROUP
    assert peers.loc[few, "housed"].isna().all()
    shown, _ = municipal.protected_frame(raw)
    group = (raw["size_class"] == raw["size_class"].iloc[0]) & (raw["urbanity"] == raw["urbanity"].iloc[0])
    expected = (1000 * shown["passed"] / raw["population"])[group].median()
    assert peers["passed"].iloc[0] == pytest.approx(expected) or few.iloc[0]


def test_experiment_tables_suppress_cells_built_from_small_counts(result: municipal.MunicipalRun) -> None:
    raw = municipal.raw_frame(result)
    tables = {c.name: c for c in municipal.compare_experiments(result)}
    tiny = tables["tiny"]
    position = municipal.find("Schiermonnikoog")
    for name, count in municipal.EXPERIMENT_OUTCOMES.items():
        small = 0 < abs(raw[count].iloc[position]) < disclosure.MIN_COUNT
        assert np.isnan(tiny.outcomes.at[name, "experiment"]) == small, name
        assert (tiny.flags.at[name, "experiment"] == disclosure.SUPPRESSED) == small
        if small:
            assert np.isnan(tiny.outcomes.at[name, "difference"])
    for name, base in municipal.EXPERIMENT_RATES.items():
        persons = raw[base].iloc[position] * raw.attrs["years"]  # the rates are over the horizon
        assert np.isnan(tiny.outcomes.at[name, "experiment"]) == (persons < disclosure.MIN_DENOMINATOR)
    assert tiny.flags.to_numpy().tolist().count([disclosure.SUPPRESSED] * 3) >= 1  # a town of ~1,000
    assert not tables["large"].flags.to_numpy().any()  # two large towns: nothing to hide


def test_the_csv_export_and_the_json_carry_the_flags(tmp_path: Path) -> None:
    out = tmp_path / "municipalities.csv"
    runner = CliRunner()
    result = runner.invoke(app, ["municipalities", "list", "--runs", "3", "--csv", str(out), "--json"])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out, keep_default_na=False, na_values=[""])
    hidden = frame["housed_flag"].isin(HIDDEN)
    assert hidden.any() and frame.loc[hidden, "housed"].isna().all()
    assert frame.loc[~hidden, "housed"].notna().all()
    records = json.loads(result.output)
    flagged = [r for r in records if r["disclosure"].get("housed") in HIDDEN]
    assert flagged and all(r["housed"] is None for r in flagged)


def test_the_api_marks_suppressed_cells(small_default: None, client: TestClient) -> None:
    records = client.get("/api/municipalities").json()
    flagged = [r for r in records if r["disclosure"].get("passed") in HIDDEN]
    assert len(records) == 342 and flagged and all(r["passed"] is None for r in flagged)
    one = client.get(f"/api/municipalities/{flagged[0]['code']}").json()
    assert one["passed"] is None and one["disclosure"]["passed"] in HIDDEN


def test_the_spreading_points_compare_published_numbers_with_the_estimate() -> None:
    provinces = municipal.spreading_table()
    assert (provinces["key"] == provinces["published"]).all()  # by construction, which the pages say
    points = municipal.spreading_points()
    assert len(points) == 5 and points["published"].gt(0).all()
    assert (points["key"] != points["published"]).any()  # a comparison that can show a difference
