"""Source lines in the page's language: series and parameters by their description, not their id;
the citation itself as published."""

from __future__ import annotations

from migratielab.analysis.scorecard import catalogue
from migratielab.data import store
from migratielab.models.variables import lookup
from migratielab.params import default_parameters
from migratielab.presentation.catalogue import text
from migratielab.presentation.datapage import dutch
from migratielab.presentation.sources import citation_line, variable_text
from migratielab.service.citations import parameter_citation, series_citation
from migratielab.service.scorecard import entry_citations


def test_a_dutch_series_line_names_the_series_in_dutch_and_keeps_the_publication() -> None:
    """``coa.occupancy`` reads as its Dutch description followed by the sources' titles as published."""
    citation = series_citation("coa.occupancy")
    line = citation_line(citation, "nl")
    assert line == f"{dutch()['series']['coa.occupancy']}: {in_dutch_dates(citation.text)}"
    assert "(2020, afgeleid)" in line and "inferred" not in line  # how a date was found, in Dutch
    assert "coa.occupancy" not in line and store.series_info("coa.occupancy").description not in line
    assert all(source.title in line for source in store.series_info("coa.occupancy").sources.values())
    assert (
        citation_line(citation, "en") == f"{store.series_info('coa.occupancy').description}: {citation.text}"
    )


def test_a_dutch_parameter_line_gives_the_dutch_description_and_unit() -> None:
    """``historical_immigration (persons per year)`` reads as the Dutch description and Dutch unit."""
    citation = parameter_citation("population", "historical_immigration")
    assert citation.unit in dutch()["units"] and dutch()["units"][citation.unit] != citation.unit
    line = citation_line(citation, "nl")
    described = dutch()["parameters"]["population.historical_immigration"]
    assert line == f"{described} ({dutch()['units'][citation.unit]}): {citation.text}"
    assert citation_line(citation, "en") == f"{citation.label} ({citation.unit}): {citation.text}"


def test_scorecard_citations_name_series_parameters_and_variables_by_description() -> None:
    """No scorecard source line starts with an id; a variable reads as the registry describes it."""
    citations = {c for entry in catalogue().indicators for c in entry_citations(entry)}
    assert {c.kind for c in citations} == {"series", "parameter", "variable"}
    for lang in ("nl", "en"):
        for citation in citations:
            line = citation_line(citation, lang)
            assert not line.startswith(citation.key), line
            if citation.kind == "variable":
                assert line == variable_text(lookup(citation.key), lang)
            else:
                published = in_dutch_dates(citation.text) if lang == "nl" else citation.text
                assert line.endswith(": " + published)


def test_an_estimate_says_so_in_the_language_and_keeps_its_english_reasoning() -> None:
    """An estimated parameter reads ``schatting, toelichting in het Engels: reasoning`` in Dutch and
    ``estimate: reasoning`` in English."""
    parameters = default_parameters("asylum")
    name = next(name for name, parameter in parameters.items() if parameter.reference is None)
    citation = parameter_citation("asylum", name)
    assert citation.estimate
    dutch_line, english_line = (citation_line(citation, lang) for lang in ("nl", "en"))
    assert dutch_line.endswith(f"): {text('estimate_reasoning', 'nl')}: {parameters[name].reasoning}")
    assert english_line.endswith(f"): estimate: {parameters[name].reasoning}")
    assert "estimate" not in dutch_line.split(": ", 1)[0]


def test_a_description_that_ends_with_its_unit_is_not_given_the_unit_twice() -> None:
    """The emergency-shelter time constants are described "... (maanden)" in Dutch: once is enough."""
    from migratielab.params import default_parameters
    from migratielab.presentation.sources import citation_line
    from migratielab.service.citations import parameter_citation

    lines = [citation_line(parameter_citation("asylum", name), "nl") for name in default_parameters("asylum")]
    assert all("(maanden) (maanden)" not in line for line in lines)
    assert any("(maanden):" in line for line in lines)


def in_dutch_dates(cited: str) -> str:
    """An English citation with the words for how a date was found in Dutch."""
    return cited.replace(", inferred)", ", afgeleid)").replace(", retrieved)", ", geraadpleegd)")
