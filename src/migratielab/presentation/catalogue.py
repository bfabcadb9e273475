"""One Dutch/English catalogue of the faces' texts (``catalogue.yaml``), and a translator for templates.

Labels and units of model variables are not in the catalogue: they come from the variable
registry (``models.variables``).
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, RootModel

from migratielab.models.variables import Language
from migratielab.yamlio import SAFE_LOADER

LANGUAGES: tuple[Language, ...] = ("nl", "en")


class Entry(BaseModel):
    """One text in Dutch and English."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    nl: str
    en: str


class _Catalogue(RootModel[dict[str, Entry]]):
    pass


@cache
def catalogue() -> dict[str, Entry]:
    """Every text by key (from ``presentation/catalogue.yaml``)."""
    source = resources.files("migratielab.presentation").joinpath("catalogue.yaml").read_text("utf-8")
    return _Catalogue.model_validate(yaml.load(source, Loader=SAFE_LOADER)).root


def text(key: str, lang: Language, **values: object) -> str:
    """The text of ``key`` in ``lang``, formatted with ``values``; KeyError when the key is unknown."""
    entry = catalogue()[key]
    chosen = entry.nl if lang == "nl" else entry.en
    return chosen.format(**values) if values else chosen


def counted(key: str, lang: Language, count: int, **values: object) -> str:
    """The text of ``key`` for ``count`` things: ``key_one`` (singular) when the count is 1 and that key
    exists, ``key`` (plural) otherwise; both are formatted with ``count`` and ``values``."""
    singular = f"{key}_one"
    return text(singular if count == 1 and singular in catalogue() else key, lang, count=count, **values)


class Translator:
    """Looks up texts in one language (``t("key")`` in templates)."""

    def __init__(self, lang: Language) -> None:
        self.lang = lang

    def __call__(self, key: str, **values: object) -> str:
        """The text for ``key`` in this translator's language, formatted with ``values``."""
        return text(key, self.lang, **values)

    def count(self, key: str, count: int) -> str:
        """The singular or plural text of ``key`` for ``count`` things (``counted``)."""
        return counted(key, self.lang, count)
