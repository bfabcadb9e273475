"""``migratielab data list | show | import-cbs | import-eurostat`` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from migratielab.cli import app

runner = CliRunner()
WIDE = {"COLUMNS": "220"}


def test_list_shows_ids_publishers_and_spans() -> None:
    result = runner.invoke(app, ["data", "list"], env=WIDE)
    assert result.exit_code == 0, result.output
    for text in (
        "asylum.first_applications",
        "coa.occupancy",
        "departures.unsupervised",
        "2010-2024",
        "DT&V",
    ):
        assert text in result.stdout


def test_list_json() -> None:
    result = runner.invoke(app, ["data", "list", "--json"])
    assert result.exit_code == 0
    rows = {row["series_id"]: row for row in json.loads(result.stdout)}
    assert rows["coa.occupancy"]["span"] == "2010-2024" and rows["coa.occupancy"]["publisher"].startswith(
        "COA"
    )
    assert rows["ind.recognition_rate"]["unit"] == "share (0-1)"


def test_show_prints_entry_sources_and_values() -> None:
    result = runner.invoke(app, ["data", "show", "coa.occupancy"], env=WIDE)
    assert result.exit_code == 0, result.output
    expected = [
        "Persons in COA reception",
        "https://coa.nl/nl/over-coa/bezetting",
        "coa-capaciteit-bezetting",
    ]
    for text in [*expected, "47,764", "2022-12-05", "51,805"]:
        assert text in result.stdout


def test_show_json_has_sources_and_values() -> None:
    result = runner.invoke(app, ["data", "show", "ind.backlog", "--json"])
    assert result.exit_code == 0
    view = json.loads(result.stdout)
    assert view["info"]["sources"]["ind-2022-11-04"]["publisher"] == "IND"
    values = {value["period"]: value for value in view["values"]}
    assert values["2022"]["value"] == 35790.0 and values["2018"]["flags"] == ["lower_bound"]


def test_unknown_series_is_a_message_and_exit_code_2() -> None:
    result = runner.invoke(app, ["data", "show", "coa.ocupancy"])
    assert result.exit_code == 2
    assert "Did you mean 'coa.occupancy'" in result.stderr
    assert "Traceback" not in result.output


def test_import_cbs_then_show(fresh_home: Path, sample_csv: Path) -> None:
    args = ["data", "import-cbs", str(sample_csv), "--table", "83102NED"]
    args += ["--column", "EersteAsielverzoekenPersonen_2=cbs.first_applications"]
    args += ["--where", "Geslacht=T001038", "--where", "Leeftijd=10000", "--where", "Nationaliteit=T001059"]
    result = runner.invoke(app, args, env=WIDE)
    assert result.exit_code == 0, result.output
    assert "cbs.first_applications" in result.stdout and "13" in result.stdout
    shown = json.loads(runner.invoke(app, ["data", "show", "cbs.first_applications", "--json"]).stdout)
    assert {value["period"]: value["value"] for value in shown["values"]}["2022-Q1"] == 6450.0
    assert shown["info"]["sources"]["cbs-83102ned"]["date_basis"] == "retrieved"


def test_import_cbs_bad_input_exits_2(fresh_home: Path, bad_csv: Path) -> None:
    args = ["data", "import-cbs", str(bad_csv), "--table", "83102NED"]
    args += ["--column", "EersteAsielverzoekenPersonen_2=cbs.x", "--where", "Nationaliteit=T001059"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "83102NED_bad.csv: row 9" in result.stderr
    result = runner.invoke(
        app, ["data", "import-cbs", str(bad_csv), "--table", "83102NED", "--column", "nonsense"]
    )
    assert result.exit_code == 2 and "NAME=VALUE" in result.output
    assert not (fresh_home / "imports").exists()


def test_series_list_fits_80_columns() -> None:
    """At 80 columns ``data list`` shows id, description, span and count, each line within the width."""
    from rich.console import Console

    from migratielab.cli.data import series_table
    from migratielab.service import data as service

    console = Console(width=80, record=True)
    console.print(series_table(service.list_series(), wide=False))
    lines = console.export_text().splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert any("asylum.first_applications" in line and "2010-2025" in line for line in lines)


EUROSTAT = Path(__file__).parents[1] / "data" / "fixtures" / "migr_asyappctzm_sample.tsv"
NL_FIRST = ["geo=NL", "applicant=NASY_APP", "citizen=TOTAL", "sex=T", "age=TOTAL"]


def eurostat_args(file: Path, *where: str, series: str = "eurostat.nl_first_applications") -> list[str]:
    """The arguments of ``data import-eurostat`` for ``file`` with a ``--where`` per selection."""
    args = ["data", "import-eurostat", str(file), "--dataset", "migr_asyappctzm", "--series", series]
    for pair in where:
        args += ["--where", pair]
    return args


def test_import_eurostat_then_show(fresh_home: Path) -> None:
    result = runner.invoke(app, eurostat_args(EUROSTAT, *NL_FIRST), env=WIDE)
    assert result.exit_code == 0, result.output
    assert "eurostat.nl_first_applications" in result.stdout and "new series" in result.stdout
    shown_text = runner.invoke(app, ["data", "show", "eurostat.nl_first_applications", "--json"]).stdout
    shown = json.loads(shown_text)
    values = {value["period"]: value["value"] for value in shown["values"]}
    assert values == {"2024-01": 100.0, "2024-03": 120.0}  # February is ':' in the file
    source = shown["info"]["sources"]["eurostat-migr-asyappctzm"]
    assert source["publisher"] == "Eurostat" and source["date_basis"] == "retrieved"


def test_import_eurostat_bad_input_exits_2_naming_file_and_key(fresh_home: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.tsv"
    broken.write_text(EUROSTAT.read_text(encoding="utf-8").replace("120 p", "12O"), encoding="utf-8")
    cases = {
        "broken.tsv: row 2, period 2024-03": eurostat_args(broken, *NL_FIRST),
        "exactly one matching row (found 2)": eurostat_args(EUROSTAT, "geo=NL"),
        "filter 'country'": eurostat_args(EUROSTAT, "country=NL"),
        "missing.tsv": eurostat_args(tmp_path / "missing.tsv", *NL_FIRST),
    }
    for expected, args in cases.items():
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (expected, result.output)
        assert expected in result.stderr and "Traceback" not in result.output
    result = runner.invoke(app, eurostat_args(EUROSTAT, "geo"))
    assert result.exit_code == 2 and "NAME=VALUE" in result.output
    assert not (fresh_home / "imports").exists()


def test_import_cbs_filter_matching_nothing_names_the_filter(fresh_home: Path, sample_csv: Path) -> None:
    """The README's promise: a --where filter that matches no row is named, with codes its column has."""
    args = ["data", "import-cbs", str(sample_csv), "--table", "83102NED"]
    args += ["--column", "EersteAsielverzoekenPersonen_2=cbs.x", "--where", "Nationaliteit=T00105"]
    result = runner.invoke(app, args, env={"COLUMNS": "80"})
    assert result.exit_code == 2
    message = " ".join(result.stderr.split())
    assert "--where Nationaliteit=T00105" in message and "T001059" in message and "NAT_UA" in message
    assert "Traceback" not in result.output and not (fresh_home / "imports").exists()


@pytest.mark.parametrize("series", ["coa.occupancy", "ind.backlog", "asylum.first_applications"])
def test_show_at_80_columns_keeps_keys_figures_and_addresses_whole(series: str) -> None:
    """No cell is cut short; every source key and value is whole; each web address is one whole line."""
    result = runner.invoke(app, ["data", "show", series], env={"COLUMNS": "80"})
    view = json.loads(runner.invoke(app, ["data", "show", series, "--json"]).stdout)
    assert result.exit_code == 0, result.output
    assert "…" not in result.stdout
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines if line[:1] in "┏┃│└┡") <= 80
    for key, source in view["info"]["sources"].items():
        assert any(f"│ {key} " in line for line in lines), key
        if source["url"]:
            assert f"{key}: {source['url']}" in lines
    if view["info"]["url"]:
        assert f"url: {view['info']['url']}" in lines
    assert all(f" {row['source']} " in result.stdout for row in view["values"])
