"""The Dutch/English catalogue: every key in both languages, with the same placeholders."""

from __future__ import annotations

import string

import pytest

from migratielab.presentation.catalogue import Translator, catalogue, text


def placeholders(template: str) -> set[str]:
    """The ``{name}`` placeholders of a text."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_key_has_both_languages() -> None:
    """No key lacks a Dutch or an English text, and both use the same placeholders."""
    entries = catalogue()
    assert len(entries) > 100
    for key, entry in entries.items():
        assert entry.nl.strip() and entry.en.strip(), key
        assert placeholders(entry.nl) == placeholders(entry.en), key


def test_translator_formats_and_rejects_unknown_keys() -> None:
    """Texts are formatted with their values; an unknown key is an error, not a silent echo."""
    assert Translator("nl")("elapsed", seconds="1,2") == "berekend in 1,2 s"
    assert text("nav_overview", "en") == "State of migration"
    with pytest.raises(KeyError):
        text("no_such_key", "nl")


def test_the_templates_use_only_catalogue_keys() -> None:
    """Every literal ``t("key")`` in the dashboard templates is in the catalogue."""
    import re
    from importlib import resources

    folder = resources.files("migratielab.dashboard").joinpath("templates")
    used = {
        key
        for item in folder.iterdir()
        for key in re.findall(r"""\bt(?:\.count)?\(["']([a-z_.]+)["']\s*[,)]""", item.read_text("utf-8"))
    }
    assert used and used <= set(catalogue())


def test_counts_take_the_singular_for_one_and_the_plural_otherwise() -> None:
    """``KEY_one`` is the text for one thing (with a plural twin of the same placeholders); the CLI's
    English counts agree."""
    from migratielab.presentation.catalogue import counted
    from migratielab.presentation.formatting import counted_en

    singular = [key for key in catalogue() if key.endswith("_one")]
    assert singular
    for key in singular:
        plural = key.removesuffix("_one")
        assert plural in catalogue(), key
        for lang in ("nl", "en"):
            assert placeholders(text(key, lang)) == placeholders(text(plural, lang)), key
            assert "count" in placeholders(text(key, lang)), key
    assert counted("sources_count", "nl", 1) == "1 bron" and counted("sources_count", "nl", 2) == "2 bronnen"
    assert (
        counted("sources_count", "en", 0) == "0 sources"
        and Translator("en").count("sources_count", 1) == "1 source"
    )
    assert (
        counted_en(1, "policy", "policies") == "1 policy"
        and counted_en(2, "policy", "policies") == "2 policies"
    )
    assert counted_en(1_000, "run") == "1,000 runs"
    assert counted("report.runs", "nl", 1, start=2025, end=2030) == "1 simulatie, 2025-2030."
