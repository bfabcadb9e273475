"""Tables of the exploration report: values and units as the CLI shows them, in Dutch and English."""

from __future__ import annotations

import re

import pandas as pd

from migratielab.cli.explore import frame_to_table
from migratielab.experiments.store import Manifest
from migratielab.presentation.catalogue import text
from migratielab.report.explore import frame_table, render_exploration

REGRET = pd.DataFrame(
    {
        "policy": ["a", "a"],
        "outcome": ["total_cost_eur", "share_within_6_months"],
        "futures": [20, 20],
        "mean_regret": [1.150675375e9, 0.0999],
        "p90_regret": [5.141e9, 0.26],
        "max_regret": [7.358e9, 0.31],
        "share_best": [0.65, 0.25],
    }
)
ROBUSTNESS = pd.DataFrame(
    {
        "policy": ["a"],
        "futures": [20],
        "nights_without_shelter <= 0": [0.65],
        "total_cost_eur <= 2.5e+10": [0.85],
        "all thresholds": [0.5],
    }
)


def cells(html: str) -> list[list[str]]:
    """The body cells of an HTML table, row by row."""
    body = html.split("<tbody>")[1]
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in body.split("</tr>") if "<td" in row]


def cli_rows(frame: pd.DataFrame) -> list[list[str]]:
    """The cells the CLI prints for a frame (the Rich table's columns, row by row)."""
    table = frame_to_table(frame, "t")
    columns = [list(column.cells) for column in table.columns]
    return [list(row) for row in zip(*columns, strict=True)]


def test_regret_values_and_units_agree_with_the_cli() -> None:
    """The report shows regret in the outcome's shown unit exactly as the CLI does (costs in EUR
    million, share regret as %), next to the unit the CLI names."""
    report = cells(frame_table(REGRET, "en"))
    printed = cli_rows(REGRET)
    for shown, cli in zip(report, printed, strict=True):
        unit = shown[-1]
        assert cli[1].endswith(f"({unit})")  # outcome (unit) in the CLI
        assert shown[3:6] == cli[2:5]  # mean, p90, max regret
    assert report[0][3] == "1,151" and report[0][-1] == "million euro"
    assert report[1][3] == "10%" and report[1][-1] == "%"


def test_robustness_headings_and_shares_agree_with_the_cli() -> None:
    """Thresholds read as label, comparison and limit in the shown unit (no ``2.5e+10``); shares of
    futures as percentages, as in the CLI."""
    html = frame_table(ROBUSTNESS, "en")
    assert "Total cost including penalties ≤ 25,000 million euro" in html
    assert "e+" not in html and "total_cost_eur" not in html
    printed = cli_rows(ROBUSTNESS.drop(columns="futures"))
    assert cells(html)[0][2:] == printed[0][1:] == ["65%", "85%", "50%"]


def test_dutch_tables_have_no_raw_ids_or_english_headings() -> None:
    """In Dutch: Dutch headings, labels, units and number formatting; no column ids."""
    html = frame_table(REGRET, "nl") + frame_table(ROBUSTNESS, "nl")
    for raw in ("mean_regret", "share_best", "total_cost_eur", "nights_without_shelter", "e+", "policy"):
        assert raw not in html, raw
    assert text("explore.column.mean_regret", "nl") in html
    assert "Totale kosten inclusief dwangsommen ≤ 25.000 miljoen euro" in html
    assert "1.151" in html and "miljoen euro" in html


def test_dutch_report_has_dutch_headings_and_no_raw_ids() -> None:
    """The whole Dutch report: Dutch section titles and texts, readable outcomes and thresholds."""
    manifest = Manifest(
        id="x-1", name="x", created="2026-12-01T00:00:00", code_version="0", parameter_hashes={},
        experiment_hash="0", seed=1, sampler="latin_hypercube", size=20, runs=40, failed=0,
        policies=["a"], backend="inprocess", workers=1, chunk_size=10, wall_seconds=4.27, experiment={},
    )  # fmt: skip
    outcomes = REGRET[["policy", "outcome"]].assign(p5=[1e10, 0.1], median=[2e10, 0.2], p95=[3e10, 0.3])
    empty = pd.DataFrame()
    tables = {
        "outcomes": outcomes,
        "robustness": ROBUSTNESS,
        "regret": REGRET,
        "sensitivity": empty,
        "prim": empty,
    }
    page = render_exploration(manifest, pd.DataFrame(), tables, "nl")
    visible = re.sub(r"<[^>]+>", "\n", re.sub(r"<script.*?</script>", "", page, flags=re.S))
    for english in (
        "Experiment runs",
        "Fan charts",
        "Robustness",
        "runs (",
        "Share of futures",
        "percentile",
    ):
        assert english not in visible, english
    for raw in ("mean_regret", "total_cost_eur", "nights_without_shelter", "e+"):
        assert raw not in visible, raw
    assert text("explore.robustness", "nl") in visible and "4,27 s" in visible


def test_sensitivity_tables_show_a_unit_only_for_figures_in_the_outcomes_unit() -> None:
    """Morris ``mu_star`` is in the outcome's unit (costs in million euro, with the unit column);
    Sobol indices have no unit, so their table has no unit column."""
    morris = pd.DataFrame(
        {"policy": ["a"], "output": ["total_cost_eur"], "input": ["x"], "period": ["all"],
         "mu_star": [2.5e9], "mu_star_conf": [5e8], "sigma": [1e9]}
    )  # fmt: skip
    shown = cells(frame_table(morris, "en"))[0]
    assert shown[4:] == ["2,500", "500", "1,000", "million euro"]
    sobol = morris.drop(columns=["mu_star", "mu_star_conf", "sigma"]).assign(S1=[0.25], ST=[0.5])
    html = frame_table(sobol, "en")
    assert "million euro" not in html and cells(html)[0][4:] == ["0.25", "0.5"]
