"""Load YAML files into pydantic models, turning every failure into one clear InputError."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from migratielab.errors import InputError


class Strict(BaseModel):
    """Base of every input model (scenarios, parameters, plans, experiments, registries): unknown keys
    are rejected and instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


ModelT = TypeVar("ModelT", bound=BaseModel)
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser when libyaml is present


def read_yaml_mapping(path: Path) -> dict[str, Any]:
    """Read a YAML file that must hold a mapping at the top level."""
    if not path.is_file():
        raise InputError(path, "", "file not found")
    try:
        content = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InputError(path, where, f"valid YAML ({getattr(exc, 'problem', exc)})") from exc
    if not isinstance(content, dict):
        raise InputError(path, "", "a mapping of keys to values at the top level")
    return content


def validation_error_to_input_error(source: str | Path, exc: ValidationError) -> InputError:
    """Describe the first pydantic error as file + dotted key path + expectation."""
    first = exc.errors()[0]
    key = ".".join(str(part) for part in first["loc"])
    message = first["msg"]
    if first["type"] == "extra_forbidden":
        message = "unknown key (not allowed here)"
    problems = len(exc.errors())
    if problems > 1:
        message += f" (and {problems - 1} more problem{'s' if problems > 2 else ''})"
    return InputError(source, key, message)


def load_model(path: str | Path, model: type[ModelT]) -> ModelT:
    """Parse and validate a YAML file as ``model``; raise InputError on any problem."""
    file_path = Path(path)
    content = read_yaml_mapping(file_path)
    return validate_mapping(content, model, file_path)


def validate_mapping(content: dict[str, Any], model: type[ModelT], source: str | Path) -> ModelT:
    """Validate an already-parsed mapping as ``model``; raise InputError naming ``source``."""
    try:
        return model.model_validate(content)
    except ValidationError as exc:
        raise validation_error_to_input_error(source, exc) from exc
