"""Source lines in the page's language: series and parameters by their description, not their id."""

from __future__ import annotations

from migratielab.analysis.scorecard import catalogue
from migratielab.params import default_parameters
from migratielab.presentation.datapage import dutch
from migratielab.presentation.sources import localized_sources
from migratielab.service import overview
from migratielab.service.scorecard import entry_citations


def test_overview_lines_name_series_and_parameters_in_dutch() -> None:
    """``historical_immigration (persons per year): …`` reads as the Dutch description and unit; the
    citation after the colon is kept as published."""
    parameters = default_parameters("population")
    lines = overview.parameter_citations(parameters, overview.MOTIVE_PARAMETERS)
    lines += [overview.series_citation("coa.occupancy")]
    shown = localized_sources(lines, "nl")
    for line, before in zip(shown, lines, strict=True):
        assert line.endswith(": " + before.split("): ", 1)[1])  # the citation is kept as published
        assert not line.startswith(("historical_", "coa.")) and "persons per year" not in line.split(": ")[0]
    assert shown[0].startswith(
        dutch()["parameters"]["population.historical_immigration"] + " (personen per jaar): "
    )
    assert shown[-1].startswith(dutch()["series"]["coa.occupancy"] + ": ")


def test_scorecard_citations_name_series_and_parameters_by_description() -> None:
    """``statistics ID: …`` and ``parameter MODULE.NAME: …`` lose their ids in both languages."""
    entries = [entry for entry in catalogue().indicators if entry.per_series or entry.parameters]
    lines = [line for entry in entries for line in entry_citations(entry)]
    assert any(line.startswith("statistics ") for line in lines)
    assert any(line.startswith("parameter ") for line in lines)
    for lang in ("nl", "en"):
        for line in localized_sources(lines, lang):
            assert not line.startswith(("statistics ", "parameter ")), line
