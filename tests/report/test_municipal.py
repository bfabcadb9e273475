"""The municipal report: self-contained, boundaries once, disclosure rule stated, both languages, atomic."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from migratielab.cli import app
from migratielab.presentation import municipal as faces
from migratielab.presentation.catalogue import text
from migratielab.report import municipal as report
from migratielab.scenario import LocalExperiment, MunicipalSection
from migratielab.service import municipal

EXPERIMENTS = [
    LocalExperiment(name="tiny", municipalities=["Schiermonnikoog"], flexible_homes_per_1000=5),
    LocalExperiment(name="large", municipalities=["Utrecht"], pass_rate_lift=0.1),
]


@pytest.fixture(scope="module")
def result() -> municipal.MunicipalRun:
    scenario = municipal.default_scenario(runs=3, end_year=2026)
    return municipal.run(scenario.model_copy(update={"municipal": MunicipalSection(experiments=EXPERIMENTS)}))


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_report_carries_maps_tables_and_the_disclosure_rule(
    result: municipal.MunicipalRun, tmp_path: Path, lang: str
) -> None:
    path = report.write_municipal_report(tmp_path / "m.html", result, 5, lang)  # type: ignore[arg-type]
    page = path.read_text(encoding="utf-8")
    assert len(re.findall(r'"code":\s*"GM0363"', page)) == 1  # the boundaries once, for all maps
    layers = re.findall(r'"geojson":\s*"([^"]+)"', page)  # two layers per map, naming the boundaries
    assert [json.loads(f'"{layer}"') for layer in layers] == [faces.BOUNDARIES_URL] * 2 * len(report.MAPPED)
    assert "cdn.plot.ly" not in page.split("</script>", 1)[1]  # no figure asks for a CDN
    for key in ("municipal_report.spreading", "municipal_report.backtest", "municipal_report.experiments"):
        assert text(key, lang) in page
    assert text("municipal_disclosure", lang)[:60] in page
    assert "◦" in page  # suppressed cells are marked
    assert "<h3>tiny</h3>" in page and "<h3>large</h3>" in page
    assert ("Gemeentemonitor" in page) == (lang == "nl")
    assert "Sleutel nagerekend" not in page and "Key recomputed" not in page  # the check was circular
    assert text("municipal_report.key_estimate", lang) in page and ">Heerlen<" in page


def test_the_benchmark_table_is_grouped_by_province_and_scrolls(result: municipal.MunicipalRun) -> None:
    section = report.benchmark_section(result, "nl")
    table = section.tables_html[0]
    assert table.startswith('<div class="wide">')
    rows = re.findall(r"<tr><td class='text'>([^<]*)</td><td class='text'>([^<]*)</td>", table)
    keys = [(province, name.lower()) for name, province in rows]
    assert len(rows) == 342 and keys == sorted(keys)


def test_nothing_is_written_when_a_section_fails(
    result: municipal.MunicipalRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "m.html"
    path.write_text("earlier report", encoding="utf-8")

    def broken(runs: int) -> None:
        raise ArithmeticError("backtest failed")

    monkeypatch.setattr(municipal, "backtest", broken)
    with pytest.raises(ArithmeticError):
        report.write_municipal_report(path, result, 5, "en")
    assert path.read_text(encoding="utf-8") == "earlier report"
    assert [p.name for p in tmp_path.iterdir()] == ["m.html"]


def test_the_cli_writes_the_report_and_refuses_an_unknown_language(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "municipal.html"
    bad = runner.invoke(app, ["municipalities", "report", "--out", str(out), "--lang", "de"])
    assert bad.exit_code == 2 and not out.exists()
    options = {"--out": out, "--lang": "en", "--runs": 2, "--backtest-runs": 5}
    done = runner.invoke(
        app, ["municipalities", "report", *(str(x) for pair in options.items() for x in pair)]
    )
    assert done.exit_code == 0, done.output
    assert "Municipal monitor" in out.read_text(encoding="utf-8")
