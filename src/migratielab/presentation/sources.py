"""Source lines of the reports in the page's language.

The services cite a statistics series as ``series_id (description): citations`` and a parameter as
``name (unit): reference`` (the overview), or as ``statistics series_id: citation`` and ``parameter
module.name: reference`` (the scorecard). A report shows the series' and the parameter's description
(and unit) in its language instead of the id and the English text; the citations themselves (names
and titles as published) stay as they are.
"""

from __future__ import annotations

from migratielab.data import store
from migratielab.errors import InputError
from migratielab.models.variables import Language
from migratielab.params import default_parameters
from migratielab.presentation.datapage import parameter_description, series_description, unit_text
from migratielab.service.overview import PARAMETER_MODULES


def series_head(key: str, lang: Language) -> tuple[str, str] | None:
    """The service's head of a series citation and the head in ``lang`` (None: not a series)."""
    try:
        info = store.series_info(key)
    except (InputError, KeyError):
        return None
    return f"{key} ({info.description}): ", f"{series_description(key, info.description, lang)}: "


def parameter_head(key: str, lang: Language) -> tuple[str, str] | None:
    """The service's head of a parameter citation and the head in ``lang`` (None: not a parameter
    of a model module)."""
    for module in PARAMETER_MODULES:
        parameters = default_parameters(module)
        if key in parameters:
            parameter = parameters[key]
            shown = parameter_description(module, key, parameter.description, lang)
            return f"{key} ({parameter.unit}): ", f"{shown} ({unit_text(parameter.unit, lang)}): "
    return None


def scorecard_head(line: str, lang: Language) -> tuple[str, str] | None:
    """The head of a scorecard citation (``statistics ID: `` or ``parameter MODULE.NAME: ``) and
    the series' or parameter's description in ``lang`` (None: not such a citation)."""
    kind, _, rest = line.partition(" ")
    key = rest.split(": ", 1)[0]
    if kind == "statistics":
        series = series_head(key, lang)
        return None if series is None else (f"statistics {key}: ", series[1])
    module, _, name = key.partition(".")
    if kind == "parameter" and module in PARAMETER_MODULES and name in default_parameters(module):
        english = default_parameters(module)[name].description
        return f"parameter {key}: ", f"{parameter_description(module, name, english, lang)}: "
    return None


def source_line(line: str, lang: Language) -> str:
    """A service's source line with the series or parameter named in ``lang`` (unchanged when its
    head is not a known series or parameter)."""
    key = line.split(" (", 1)[0]
    for head in (series_head(key, lang), parameter_head(key, lang), scorecard_head(line, lang)):
        if head is not None and line.startswith(head[0]):
            return head[1] + line[len(head[0]) :]
    return line


def localized_sources(lines: list[str], lang: Language) -> list[str]:
    """Every line by ``source_line``."""
    return [source_line(line, lang) for line in lines]
