"""Names and descriptions of the bundled scenarios in the page's language.

A scenario file's name and description are its author's text. The bundled examples' texts have a
Dutch translation in the catalogue (``scenario.<name>`` and ``scenario.<name>.description``), used
only while the file's text is exactly the catalogue's English (an edited text is shown as written).
"""

from __future__ import annotations

from migratielab.models.variables import Language
from migratielab.presentation.catalogue import catalogue
from migratielab.scenario import Scenario


def bundled(key: str, written: str, lang: Language) -> str:
    """``written`` in ``lang`` when the catalogue has ``key`` with exactly that English text."""
    entry = catalogue().get(key)
    if entry is None or " ".join(entry.en.split()) != " ".join(written.split()):
        return written
    return entry.nl if lang == "nl" else entry.en


def scenario_name(scenario: Scenario, lang: Language) -> str:
    """The scenario's name in ``lang`` (a bundled example's translation, else as written)."""
    return bundled(f"scenario.{scenario.name}", scenario.name, lang)


def scenario_description(scenario: Scenario, lang: Language) -> str:
    """The scenario's description in ``lang`` (a bundled example's translation, else as written)."""
    return bundled(f"scenario.{scenario.name}.description", scenario.description, lang)
