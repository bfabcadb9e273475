"""Input errors of the dashboard's forms in the page's language (field label and the limit broken)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from migratielab.models.variables import Language
from migratielab.presentation.catalogue import catalogue, text
from migratielab.presentation.formatting import format_number

LIMITS = {"less_than_equal": "le", "less_than": "lt", "greater_than_equal": "ge", "greater_than": "gt"}
"""pydantic error types of numeric limits and the key of the limit in the error's context."""


def field_label(name: str, lang: Language) -> str:
    """The form label of a field (its name when it has none)."""
    return text(name, lang) if name in catalogue() else name


def field_reason(error: Mapping[str, Any], lang: Language) -> str:
    """One validation error as ``label: reason`` (pydantic's English message for unusual errors)."""
    name = str(error["loc"][-1]) if error.get("loc") else ""
    context = error.get("ctx") or {}
    kind = str(error.get("type", ""))
    if kind in LIMITS:
        limit = context[LIMITS[kind]]
        reason = text(f"error.{LIMITS[kind]}", lang, limit=format_number(float(limit), lang, digits=6))
    elif kind == "literal_error":
        reason = text("error.choice", lang, expected=choices(name, str(context.get("expected", "")), lang))
    elif kind in ("int_parsing", "float_parsing", "int_from_float", "bool_parsing"):
        reason = text("error.number", lang)
    else:
        reason = str(error.get("msg", ""))
    return f"{field_label(name, lang)}: {reason}"


def choices(name: str, expected: str, lang: Language) -> str:
    """pydantic's list of allowed values (``'a', 'b' or 'c'``) in the page's language: each value as
    the form shows it (its option label) with its value, joined with the language's "or"."""
    values = [part.strip(" '") for part in expected.replace(" or ", ", ").split(",") if part.strip(" '")]
    shown = [
        f"{text(f'{name}_{value}', lang)} ({value})" if f"{name}_{value}" in catalogue() else value
        for value in values
    ]
    if len(shown) < 2:
        return ", ".join(shown)
    return f"{', '.join(shown[:-1])} {text('or', lang)} {shown[-1]}"


def form_errors(errors: Sequence[Mapping[str, Any]], lang: Language) -> str:
    """Every validation error of a form submission, joined with ``; ``."""
    return "; ".join(field_reason(error, lang) for error in errors)


def refused_projection(levers: Mapping[str, float], end: int, lang: Language) -> str:
    """The refusal of a projection in which some age group would fall below zero, naming each lever
    (form label and value, in the page's format) and the end year."""
    named = [f"{field_label(name, lang)} {format_number(value, lang)}" for name, value in levers.items()]
    named.append(f"{field_label('end', lang)} {end}")
    return text("error.population_runs_out", lang, levers="; ".join(named))
