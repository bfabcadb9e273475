"""The labour report: self-contained, both languages, the shortage list, verdicts, channels and coverage."""

from __future__ import annotations

from pathlib import Path

import pytest

from migratielab.models.variables import indicator
from migratielab.report.labour import write_labour_report
from migratielab.scenario import bundled_scenario_path, load_scenario
from migratielab.service.labour import ChannelComparison, ShortageList, channel_comparison, shortage_list


@pytest.fixture(scope="module")
def results() -> tuple[ShortageList, ChannelComparison]:
    scenario = load_scenario(bundled_scenario_path("labour")).model_copy(update={"runs": 8})
    return shortage_list(section=scenario.labour), channel_comparison(scenario)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_report_holds_the_list_verdicts_channels_and_coverage(
    results: tuple[ShortageList, ChannelComparison], tmp_path: Path, lang: str
) -> None:
    shortages, channels = results
    path = write_labour_report(tmp_path / "labour.html", shortages, channels, lang)  # type: ignore[arg-type]
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and f"lang='{lang}'" in page
    assert "<script src=" not in page and "Plotly.newPlot" in page  # self-contained: plotly.js inline
    first = shortages.occupations[0]
    assert f"{first.code} {first.name}" in page
    assert indicator("labour", "fiscal_lifetime").label(lang) in page  # type: ignore[arg-type]
    assert page.count("<details>") == min(25, sum(o.in_shortage for o in shortages.occupations))
    for year in (2030, 2035):
        assert str(year) in page
    assert "ROA" in page and "UWV" in page and "CBS" in page  # sources
    number = "5.520" if lang == "nl" else "5,520"
    assert (number in page) == (round(first.unfilled_2030) == 5520)


def test_a_failed_write_leaves_no_file(
    results: tuple[ShortageList, ChannelComparison], tmp_path: Path
) -> None:
    target = tmp_path / "missing-dir-is-a-file"
    target.write_text("x")
    with pytest.raises(OSError):
        write_labour_report(target / "labour.html", *results)
    assert not (target / "labour.html").exists()
