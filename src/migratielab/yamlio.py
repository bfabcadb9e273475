"""Load YAML files into pydantic models, turning every failure into one clear InputError.

Files must be UTF-8, at most ``limits.MAX_FILE_BYTES`` long and free of duplicate keys; numbers
must be finite (``Strict`` refuses NaN and infinity). An unknown key is reported with the nearest
valid key.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError
from pydantic_core import ErrorDetails

from migratielab.errors import InputError
from migratielab.limits import MAX_FILE_BYTES


def integral(value: Any) -> Any:
    """A float without fraction as an int (JSON Schema integers allow ``1.0``); anything else as given."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


WholeNumber = Annotated[int, BeforeValidator(integral)]
"""An integer that may be written as a float without fraction (strict models otherwise refuse ``1.0``)."""


class Strict(BaseModel):
    """Base of every input model (scenarios, parameters, plans, experiments, registries): unknown keys
    are rejected, numbers must be finite, and instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


ModelT = TypeVar("ModelT", bound=BaseModel)
BASE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser when libyaml is present


class UniqueKeyLoader(BASE_LOADER):  # type: ignore[misc,valid-type]
    """A safe loader that refuses a key given twice in one mapping (the last would silently win)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """Build a mapping; a duplicate key is a ConstructorError naming it and its line."""
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, (list, dict)):
                raise yaml.constructor.ConstructorError(
                    None, None, "a list or mapping as key", key_node.start_mark
                )
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r} (each key may appear once)", key_node.start_mark
                )
            seen.add(key)
        return dict(super().construct_mapping(node, deep=deep))


SAFE_LOADER = UniqueKeyLoader


def read_text_file(path: Path, limit: int = MAX_FILE_BYTES) -> str:
    """The UTF-8 text of ``path``; InputError if missing, larger than ``limit`` bytes or not UTF-8."""
    if not path.is_file():
        raise InputError(path, "", "file not found")
    size = path.stat().st_size
    if size > limit:
        raise InputError(path, "", f"a file of at most {limit:,} bytes, got {size:,}")
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"byte {exc.start}", "text encoded as UTF-8") from None


def parse_yaml(text: str, source: str | Path) -> Any:
    """Parse YAML text (duplicate keys refused); InputError naming line and column on failure."""
    try:
        return yaml.load(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InputError(source, where, f"expected valid YAML ({getattr(exc, 'problem', exc)})") from None
    except (ValueError, RecursionError) as exc:  # e.g. an integer with more than 4,300 digits
        raise InputError(source, "", f"expected valid YAML ({str(exc).split(';')[0]})") from None


def read_yaml_mapping(path: Path) -> dict[str, Any]:
    """Read a YAML file that must hold a mapping at the top level."""
    content = parse_yaml(read_text_file(path), path)
    if not isinstance(content, dict):
        raise InputError(path, "", "expected a mapping of keys to values at the top level")
    return content


def _field_names(model: type[BaseModel] | None, loc: tuple[int | str, ...]) -> list[str]:
    """Field names (and aliases) of the model reached by following ``loc`` from ``model`` (best effort)."""
    current: Any = model
    for part in loc:
        current = _child_type(current, part)
        if current is None:
            return []
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [info.alias or name for name, info in current.model_fields.items()]
    return []


def _child_type(annotation: Any, part: int | str) -> Any:
    """The type found under ``part`` of ``annotation``: a field, a list item, a dict value or a union tag."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        for name, info in annotation.model_fields.items():
            if part in (name, info.alias):
                return _unwrap(info.annotation)
        return None
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (list, tuple) and isinstance(part, int):
        return _unwrap(args[0]) if args else None
    if origin is dict:
        return _unwrap(args[1]) if len(args) == 2 else None
    for option in args:  # a union: the member named by the tag, or the only model member
        if isinstance(option, type) and issubclass(option, BaseModel):
            tag = option.model_fields.get("rule") or option.model_fields.get("kind")
            if tag is not None and tag.default == part:
                return option
    return None


def _unwrap(annotation: Any) -> Any:
    """``X | None`` and ``Annotated[X, ...]`` as ``X`` (other unions are kept)."""
    while True:
        if get_origin(annotation) is Annotated:
            annotation = get_args(annotation)[0]
            continue
        members = [arg for arg in get_args(annotation) if arg is not type(None)]
        if get_origin(annotation) in (Union, UnionType) and len(members) == 1:
            annotation = members[0]
            continue
        return annotation


def unknown_key_message(
    error: ErrorDetails, errors: list[ErrorDetails], model: type[BaseModel] | None
) -> str:
    """``unknown key 'bufer_places' (did you mean buffer_places?)`` for an ``extra_forbidden`` error."""
    *parent, key = error["loc"]
    siblings = [e["loc"][-1] for e in errors if e["type"] == "missing" and list(e["loc"][:-1]) == parent]
    known = [str(name) for name in siblings] or _field_names(model, tuple(parent))
    close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
    hint = (
        f"; did you mean {close[0]!r}?" if close else (f"; valid keys: {', '.join(known)}" if known else "")
    )
    return f"unknown key (not allowed here{hint})"


def validation_error_to_input_error(
    source: str | Path, exc: ValidationError, model: type[BaseModel] | None = None, content: Any = None
) -> InputError:
    """Describe the most useful pydantic error as file + key path (``key_path``) + expectation.

    An unknown key comes first: a misspelt key also makes its correct spelling "missing", and the
    typo is what the user must fix. ``content`` (the parsed file) lets the path name list items.
    """
    errors = exc.errors()
    unknown = [e for e in errors if e["type"] == "extra_forbidden"]
    if unknown:
        first = unknown[0]
        parent = first["loc"][:-1]
        message = unknown_key_message(first, errors, model)
        others = [
            e for e in errors if e is not first and not (e["type"] == "missing" and e["loc"][:-1] == parent)
        ]
    else:
        first, others = errors[0], errors[1:]
        message = first["msg"].removeprefix("Value error, ")
    loc = first["loc"]
    if first["type"] == "union_tag_invalid":
        field, message = unknown_tag_message(first)
        loc = (*loc, field)
    if others:
        message += more_problems(others, content)
    return InputError(source, key_path(loc, content), message)


def key_path(loc: tuple[int | str, ...], content: Any = None) -> str:
    """A pydantic error location as a reader finds it in the file: keys joined by dots, a list item by
    its ``name`` or ``id`` (``policies[fixed base + iron buffer]``) or its position counted from 1
    (``limits[item 1]``); a key the file does not have (the scenario nests its top-level asylum keys
    under ``asylum``) is left out when the next key is found in its place."""
    text, node = "", content
    for index, part in enumerate(loc):
        if isinstance(part, int):
            item = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
            name = (
                next((item.get(k) for k in ("name", "id") if k in item), None)
                if isinstance(item, dict)
                else None
            )
            text += f"[{name}]" if isinstance(name, str) and name else f"[item {part + 1}]"
            node = item
            continue
        following = loc[index + 1] if index + 1 < len(loc) else None
        if isinstance(node, dict) and part not in node and following in node:
            continue
        text += f".{part}" if text else str(part)
        node = node.get(part) if isinstance(node, dict) else None
    return text


def unknown_tag_message(error: ErrorDetails) -> tuple[str, str]:
    """The field that chooses a kind (``rule``) and the message for a misspelt choice
    (``rule: fixed_bufer``): every choice and the nearest one."""
    context = error.get("ctx", {})
    field = str(context.get("discriminator", "")).strip("'")
    tag = str(context.get("tag", ""))
    choices = [choice.strip(" '") for choice in str(context.get("expected_tags", "")).split(",")]
    close = difflib.get_close_matches(tag, choices, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return field, f"one of {', '.join(repr(c) for c in choices)}, not {tag!r}{hint}"


def more_problems(others: list[ErrorDetails], content: Any = None, named: int = 3) -> str:
    """`` (and N more problems: key, key, ...)``: the keys of the further pydantic errors, at most
    ``named`` of them, so a user can fix every problem of a file in one go."""
    keys = list(dict.fromkeys(key_path(error["loc"], content) or "(top level)" for error in others))
    shown = ", ".join(keys[:named]) + (", ..." if len(keys) > named else "")
    return f" (and {len(others)} more problem{'s' if len(others) > 1 else ''}: {shown})"


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
        raise validation_error_to_input_error(source, exc, model, content) from exc
    except (ValueError, TypeError, OverflowError) as exc:  # raised outside pydantic's wrapping
        raise InputError(source, "", f"valid content ({exc})") from exc
