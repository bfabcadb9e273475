"""Citations as data: key, English label and unit, the citation as published, and the English line."""

from __future__ import annotations

import pytest

from migratielab.data import store
from migratielab.models.variables import lookup
from migratielab.params import default_parameters
from migratielab.service import overview
from migratielab.service.citations import parameter_citation, series_citation, variable_citation
from migratielab.service.web_models import Panel


def test_a_series_citation_keeps_every_source_as_published() -> None:
    """Each source's citation appears in the text; the English line is ``id (description): text``."""
    info = store.series_info("asylum.first_applications")
    citation = series_citation("asylum.first_applications")
    assert (citation.kind, citation.label) == ("series", info.description)
    assert citation.text.split("; ") == [source.citation() for source in info.sources.values()]
    assert citation.line() == f"asylum.first_applications ({info.description}): {citation.text}"


@pytest.mark.parametrize("module", ["population", "asylum"])
def test_a_parameter_citation_cites_its_reference_or_why_it_is_an_estimate(module: str) -> None:
    """A referenced parameter cites its publisher and title; an estimate says so with its reasoning."""
    for name, parameter in default_parameters(module).items():
        citation = parameter_citation(module, name)
        assert (citation.key, citation.unit) == (f"{module}.{name}", parameter.unit)
        assert citation.estimate == (parameter.reference is None)
        if parameter.reference is None:
            assert citation.text == parameter.reasoning
            assert citation.line() == f"{name} ({parameter.unit}): estimate: {parameter.reasoning}"
        else:
            assert citation.text.startswith(f"{parameter.reference.publisher}, {parameter.reference.title}")
            assert citation.line() == f"{name} ({parameter.unit}): {citation.text}"


def test_a_variable_citation_reads_as_the_registry_line() -> None:
    """A registry variable: IAMC name, key, English unit and pillar."""
    variable = lookup("asylum.regular_occupancy")
    citation = variable_citation(variable)
    expected = f"{variable.iamc} ({variable.key}, {variable.unit.en}): {variable.pillar} pillar variable"
    assert citation.line() == expected


def test_a_panel_serialises_its_citations_and_their_english_lines_and_reads_back() -> None:
    """The JSON has ``citations`` (data) and ``sources`` (their English lines); it validates again."""
    panel = overview.store_panel("coa_occupancy")
    data = panel.model_dump(mode="json")
    assert data["sources"] == [citation.line() for citation in panel.citations]
    assert all(isinstance(line, str) for line in data["sources"])
    assert Panel.model_validate(data) == panel
