"""Source lines of the reports and the dashboard in the page's language.

The services cite series, parameters and registry variables as ``service.citations.Citation``: the
key, the English label and unit, and the citation as published. A face names the series or the
parameter by its description (and unit) in its language; the citation itself (names and titles as
published) is kept as it is.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from migratielab.models.variables import Language, Variable, lookup
from migratielab.presentation.catalogue import text
from migratielab.presentation.datapage import parameter_description, series_description, unit_text
from migratielab.service.citations import Citation


def variable_text(variable: Variable, lang: Language) -> str:
    """A registry variable in the language: label, unit and pillar, then its IAMC name."""
    return text(
        "scorecard.variable", lang, label=variable.label(lang), unit=variable.unit.label(lang),
        pillar=text(f"module.{variable.pillar}", lang), iamc=variable.iamc,
    )  # fmt: skip


def citation_line(citation: Citation, lang: Language) -> str:
    """One source line in ``lang``: the series (by description) or the parameter (by description
    and unit) followed by the citation as published (an estimate's reasoning is English), or a
    registry variable by ``variable_text``."""
    if citation.kind == "variable":
        return variable_text(lookup(citation.key), lang)
    if citation.kind == "series":
        words = {basis: text(f"date_basis.{basis}", lang) for basis in ("inferred", "retrieved")}
        cited = "; ".join(source.citation(words) for source in citation.published) or citation.text
        return f"{series_description(citation.key, citation.label, lang)}: {cited}"
    module, name = citation.key.split(".", 1)
    described = parameter_description(module, name, citation.label, lang)
    unit = f"({unit_text(citation.unit, lang)})"
    named = described if described.endswith(unit) else f"{described} {unit}"  # the unit once
    origin = f"{text('estimate_reasoning', lang)}: {citation.text}" if citation.estimate else citation.text
    return f"{named}: {origin}"


def citation_lines(citations: Iterable[Citation], lang: Language) -> list[str]:
    """Every citation by ``citation_line``."""
    return [citation_line(citation, lang) for citation in citations]


URL = re.compile(r"https?://[^\s<>\"']+?(?=[.,;)]?(?:\s|$))")
"""A web address in a source line, without the punctuation that ends the citation after it."""


def linked(line: str) -> str:
    """``line`` escaped for HTML, with every web address a link (opening in a new tab); the ``;``
    or ``.`` that ends a citation stays outside the link."""
    escaped = html.escape(line)
    return URL.sub(lambda match: f"<a href='{match.group(0)}' target='_blank'>{match.group(0)}</a>", escaped)
