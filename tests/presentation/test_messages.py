"""Refusals in the page's language: field labels and values in the language's format, no English on
Dutch pages."""

from __future__ import annotations

import pytest

from migratielab.models.variables import Language
from migratielab.presentation.catalogue import text
from migratielab.presentation.formatting import format_number
from migratielab.presentation.messages import form_errors, refused_projection

LEVERS = {"net_migration": -200_000.0, "tfr": 0.6, "e0_male": 70.0, "e0_female": 70.0}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_refused_projection_names_every_lever_with_its_label_and_value(lang: Language) -> None:
    message = refused_projection(LEVERS, 2100, lang)
    for name, value in LEVERS.items():
        assert f"{text(name, lang)} {format_number(value, lang)}" in message
    assert f"{text('end', lang)} 2100" in message  # a year, not 2.100
    assert "would number" not in message and "run 0" not in message


def test_refused_projection_is_dutch_on_a_dutch_page() -> None:
    message = refused_projection(LEVERS, 2100, "nl")
    assert message.startswith("Deze combinatie laat de bevolking in sommige leeftijden onder nul dalen")
    assert "0,6" in message and "200.000" in message


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("nl", "Niveau instroom (× lange-termijngemiddelde): ten minste 0,25"),
     ("en", "Inflow level (× long-run mean): at least 0.25")],
)  # fmt: skip
def test_a_broken_limit_names_the_field_and_the_limit(lang: Language, expected: str) -> None:
    error = {"type": "greater_than_equal", "loc": ("query", "level"), "msg": "Input should be ...",
             "ctx": {"ge": 0.25}}  # fmt: skip
    assert form_errors([error], lang) == expected
