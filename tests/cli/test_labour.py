"""The ``migratielab labour`` commands as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from migratielab.cli import app

runner = CliRunner()


def small_scenario(tmp_path: Path, **labour: object) -> Path:
    content = {
        "name": "small",
        "start_year": 2025,
        "end_year": 2035,
        "runs": 5,
        "labour": {"plan": {"labour_eu": 10000, "asylum": 5000}, **labour},
    }
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(content), encoding="utf-8")
    return path


def test_shortages_json_lists_114_ranked_occupations_with_evidence() -> None:
    result = runner.invoke(app, ["labour", "shortages", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["occupations"]) == 114
    assert [o["rank"] for o in data["occupations"]] == list(range(1, 115))
    assert all(len(o["indicators"]) == 6 for o in data["occupations"])


def test_weights_file_changes_the_ranking(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(
        "weights: {uwv_tightness: 0, roa_direction: 0, openings_rate: 0,"
        " sector_vacancy_rate: 0, wage_growth: 0}\n"
    )
    default = json.loads(runner.invoke(app, ["labour", "shortages", "--json"]).stdout)
    future = json.loads(runner.invoke(app, ["labour", "shortages", "--json", "--weights", str(path)]).stdout)
    assert [o["code"] for o in default["occupations"]] != [o["code"] for o in future["occupations"]]
    bottleneck = {o["code"] for o in future["occupations"] if o["indicators"][1]["passes"]}
    assert len(bottleneck) == 46  # ROA: 7 'zeer groot' + 39 'groot'
    assert {o["code"] for o in future["occupations"][:46]} == bottleneck


def test_weight_file_typo_exits_2_naming_file_key_and_nearest(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text("weights: {future_botleneck: 2}\n")
    result = runner.invoke(app, ["labour", "shortages", "--weights", str(path)])
    assert result.exit_code == 2
    assert str(path) in result.stderr and "weights" in result.stderr and "future_bottleneck" in result.stderr
    assert "Traceback" not in result.output


def test_negative_weight_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text("weights: {uwv_tightness: -0.5}\n")
    result = runner.invoke(app, ["labour", "shortages", "--weights", str(path), "--json"])
    assert result.exit_code == 2
    assert result.stdout == ""  # nothing written
    assert "at least 0" in result.stderr


def test_unknown_occupation_code_exits_2_with_nearest_codes(tmp_path: Path) -> None:
    path = small_scenario(
        tmp_path, partnership={"country": "X", "places_per_year": 100, "occupations": ["1034", "1333"]}
    )
    result = runner.invoke(app, ["labour", "channels", str(path), "--json"])
    assert result.exit_code == 2
    assert "labour.partnership.occupations[1]" in result.stderr and "'1333'" in result.stderr
    assert "did you mean" in result.stderr
    assert result.stdout == ""


def test_channels_json_compares_all_channels_and_covers_2030_and_2035(tmp_path: Path) -> None:
    result = runner.invoke(app, ["labour", "channels", str(small_scenario(tmp_path)), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [c["channel"] for c in data["channels"]][-1] == "partnership"
    assert set(data["levers"]["unfilled_total"]) == {"2030", "2035"}
    for year in ("2030", "2035"):
        assert 0 <= data["levers"]["shortage_closed_by_plan"][year] <= data["levers"]["unfilled_total"][year]
    assert all(row["remaining"] >= 0 for row in data["coverage"])


def test_bundled_labour_scenario_table() -> None:
    result = runner.invoke(app, ["labour", "channels"])
    assert result.exit_code == 0, result.output
    assert "Unfilled to 2035" in result.stdout and "extra workers" in result.stdout


def test_tables_take_labels_from_the_registry_and_fit_80_columns() -> None:
    from migratielab.models.variables import indicator

    shortages = runner.invoke(app, ["labour", "shortages", "--top", "5"], env={"COLUMNS": "80"})
    channels_out = runner.invoke(app, ["labour", "channels"], env={"COLUMNS": "80"})
    for result in (shortages, channels_out):
        assert result.exit_code == 0, result.output
        assert max(len(line) for line in result.stdout.splitlines()) <= 80
    wide = runner.invoke(app, ["labour", "channels"], env={"COLUMNS": "400"})
    flat = " ".join(wide.stdout.split())
    for name in ("employment_year5", "cohort_present_30", "integration_cost"):
        assert indicator("labour", name).label("en") in flat
    assert indicator("labour", "fiscal_30").shown_unit.label("en") in flat
    wide = runner.invoke(app, ["labour", "shortages", "--top", "5"], env={"COLUMNS": "400"})
    assert indicator("labour", "unfilled_2030").label("en") in wide.stdout


def test_report_command_writes_html_and_refuses_a_bad_language(tmp_path: Path) -> None:
    out = tmp_path / "labour.html"
    result = runner.invoke(app, ["labour", "report", "--out", str(out), "--lang", "en", "--runs", "4"])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").count("<section>") >= 6
    bad = runner.invoke(app, ["labour", "report", "--out", str(tmp_path / "x.html"), "--lang", "de"])
    assert bad.exit_code == 2 and not (tmp_path / "x.html").exists()


def test_80_column_tables_never_split_a_word() -> None:
    """At 80 columns every word of every occupation name and column heading shown is printed whole
    (names and headings wrap between words, never inside one)."""
    from migratielab.presentation.labour import shortage_table
    from migratielab.service.labour import shortage_list

    top = 30
    result = runner.invoke(app, ["labour", "shortages", "--top", str(top)], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    printed = set(result.stdout.split())
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    spec = shortage_table(shortage_list(), "en", top)
    words = {word for row in spec.rows for word in row[1].split()}
    words |= {word for heading in spec.header for word in heading.split()}
    assert words and words <= printed, sorted(words - printed)
