"""Turning pydantic's validation errors into lines a volunteer or an operator can act on.

Each line is `source: key.path: what is wrong — what would be right`. pydantic gives the key
path and the kind of mistake; the wording, the examples and "did you mean" are ours.
"""

from __future__ import annotations

import difflib
import json
import types
import typing
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

INT_ERRORS = {"int_type", "int_parsing", "int_from_float"}
FLOAT_ERRORS = {"float_type", "float_parsing"}
MAPPING_ERRORS = {"model_type", "dict_type", "model_attributes_type"}
DATETIME_ERRORS = {"datetime_type", "datetime_parsing", "datetime_from_date_parsing"}
LIST_ERRORS = {"list_type", "tuple_type", "set_type", "frozen_set_type"}
LONGEST_SHOWN = 60  # characters of a wrong value repeated in a message


class ConfigError(Exception):
    """A mistake in the configuration. `str()` is the message for the volunteer or operator:
    one line per mistake, each naming the file and the key."""

    def __init__(self, problems: str | Iterable[str]) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


class Syntax:
    """How values are written in the file the mistake is in (TOML or Python)."""

    def __init__(self, python: bool) -> None:
        self.python = python
        self.true, self.false = ("True", "False") if python else ("true", "false")
        self.table = "a dict" if python else "a table"

    def show(self, value: Any) -> str:
        """The value as the volunteer wrote it, shortened (a long text is not repeated)."""
        if isinstance(value, bool):
            return self.true if value else self.false
        if value is None:
            return "None"
        if isinstance(value, str):
            text = value if len(value) <= LONGEST_SHOWN else value[: LONGEST_SHOWN - 1] + "…"
            return json.dumps(text, ensure_ascii=False)
        if isinstance(value, int | float):
            return repr(value)
        if isinstance(value, dict):
            return self.table
        if isinstance(value, tuple):
            return "a tuple"
        if isinstance(value, list):
            return "a list"
        shown = repr(value)
        return shown if len(shown) <= LONGEST_SHOWN else type(value).__name__

    def kind(self, value: Any) -> str:
        """What the value is, in words: `"5" is text`, `5 is a number`."""
        if isinstance(value, bool):
            return f"{self.show(value)} is {self.true} or {self.false}"
        if isinstance(value, str):
            return f"{self.show(value)} is text"
        if isinstance(value, int | float):
            return f"{self.show(value)} is a number"
        if isinstance(value, dict | list | tuple):
            return f"this is {self.show(value)}"
        return f"{self.show(value)} is {type(value).__name__}"


def problems(
    exc: ValidationError, model: type[BaseModel], source: str, prefix: str, python: bool
) -> list[str]:
    """One line per mistake pydantic found, in the order of the file's keys."""
    syntax = Syntax(python)
    lines = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        path = ".".join([prefix, *map(_key, loc)] if prefix else map(_key, loc)) or "(top)"
        path = path.replace(".[", "[")
        lines.append(f"{source}: {path}: {_explain(error, model, loc, syntax)}")
    return lines


def _key(part: str | int) -> str:
    return f"[{part}]" if isinstance(part, int) else str(part)


def _explain(error: Any, model: type[BaseModel], loc: tuple, syntax: Syntax) -> str:
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    field = _field_at(model, loc)
    if kind == "extra_forbidden":
        return _unknown(str(loc[-1]), _names_at(model, loc[:-1]))
    if kind == "missing":
        return "missing — add it"
    if kind in INT_ERRORS or kind in FLOAT_ERRORS:
        return _number(value, field, syntax, whole=kind in INT_ERRORS)
    if kind in DATETIME_ERRORS:
        return (
            f"{syntax.show(value)} is not a date and time — write one such as "
            '"2026-11-22T12:00:00+00:00"'
        )
    if kind == "bool_type":
        return f"{syntax.kind(value)} — write {syntax.true} or {syntax.false}"
    if kind == "string_type":
        plain = value if isinstance(value, int | float) and not isinstance(value, bool) else ""
        return f'{syntax.kind(value)} — write text in quotes, such as "{plain or "…"}"'
    if kind in MAPPING_ERRORS:
        return f"{syntax.kind(value)} — write {syntax.table} of settings"
    if kind in LIST_ERRORS:
        return f"{syntax.kind(value)} — write a list, such as [{_list_example(field)}]"
    if kind == "greater_than_equal":
        return f"{syntax.show(value)} is too small — write {_plain(ctx['ge'])} or more"
    if kind == "greater_than":
        return f"{syntax.show(value)} is too small — write a number above {_plain(ctx['gt'])}"
    if kind == "less_than_equal":
        return f"{syntax.show(value)} is too big — write {_plain(ctx['le'])} or less"
    if kind == "less_than":
        return f"{syntax.show(value)} is too big — write a number below {_plain(ctx['lt'])}"
    if kind == "literal_error":
        return _choice(value, ctx.get("expected", ""), syntax)
    if kind in {"value_error", "assertion_error"}:
        return str(ctx.get("error", error["msg"]))
    if kind in {"too_short", "too_long"}:
        unit = "characters" if isinstance(value, str) else "items"
        actual = ctx.get("actual_length", len(value) if hasattr(value, "__len__") else "?")
        limit = (
            f"at least {ctx['min_length']}"
            if kind == "too_short"
            else f"at most {ctx['max_length']}"
        )
        return f"{syntax.show(value)} has {actual} {unit} — write {limit}"
    return f"{syntax.show(value)}: {error['msg']}"


def _plain(number: Any) -> str:
    """A limit as the volunteer would write it: 0, not 0.0."""
    if isinstance(number, float) and number.is_integer():
        return str(int(number))
    return str(number)


def _unknown(key: str, names: list[str]) -> str:
    close = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
    if close:
        return f'unknown setting — did you mean "{close[0]}"?'
    if names:
        return "unknown setting — the settings here are " + ", ".join(sorted(names))
    return "unknown setting — remove it"


def _number(value: Any, field: FieldInfo | None, syntax: Syntax, whole: bool) -> str:
    if isinstance(value, float) and whole:
        return f"{syntax.show(value)} is not a whole number — write one such as {round(value) or 1}"
    return f"{syntax.kind(value)} — write a number such as {_number_example(value, field)}"


def _number_example(value: Any, field: FieldInfo | None) -> str:
    """The number the volunteer probably meant ("5" -> 5), else the field's own example."""
    if isinstance(value, str):
        try:
            return repr(int(value.strip()))
        except ValueError:
            pass
    if field is not None:
        for candidate in [*(field.examples or []), field.default]:
            if isinstance(candidate, int | float) and not isinstance(candidate, bool):
                return repr(candidate)
    return "1"


def _list_example(field: FieldInfo | None) -> str:
    default = field.default if field is not None else None
    if isinstance(default, list | tuple) and default:
        return ", ".join(json.dumps(item) for item in default)
    return '"…"'


def _choice(value: Any, expected: str, syntax: Syntax) -> str:
    options = [part.strip().strip("'") for part in expected.replace(" or ", ", ").split(",")]
    options = [option for option in options if option]
    shown = ", ".join(f'"{option}"' for option in options)
    close = (
        difflib.get_close_matches(value, options, n=1, cutoff=0.6) if isinstance(value, str) else []
    )
    if close:
        return f'{syntax.show(value)} is not one of {shown} — did you mean "{close[0]}"?'
    return f"{syntax.show(value)} is not a choice here — write one of {shown}"


# --- Finding the model and field a key path points at ------------------------------------


def _field_at(model: type[BaseModel], loc: tuple) -> FieldInfo | None:
    container, field = _walk(model, loc)
    return field if container is not None else None


def _names_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """The keys allowed where an unknown key was found (aliases as written in the file)."""
    current, _field = _walk(model, loc)
    target = _unwrap(current)
    if isinstance(target, type) and issubclass(target, BaseModel):
        return [info.alias or name for name, info in target.model_fields.items()]
    return []


def _walk(model: type[BaseModel], loc: tuple) -> tuple[Any, FieldInfo | None]:
    """Follow a key path through nested models, dicts of models and lists of models."""
    current: Any = model
    field: FieldInfo | None = None
    pending = list(loc)
    while pending:
        part = pending.pop(0)
        target = _unwrap(current)
        if isinstance(target, type) and issubclass(target, BaseModel):
            field = _lookup(target, str(part))
            if field is None:
                return None, None
            current = field.annotation
            continue
        origin = typing.get_origin(target)
        args = typing.get_args(target)
        if origin is dict and len(args) == 2:
            current = args[1]
        elif origin in (list, tuple, set, frozenset) and args:
            current = args[0]
        else:
            return None, None
    return current, field


def _lookup(model: type[BaseModel], key: str) -> FieldInfo | None:
    for name, info in model.model_fields.items():
        if key in (name, info.alias):
            return info
    return None


def _unwrap(annotation: Any) -> Any:
    """`Model | None` -> `Model`; `Annotated[X, ...]` -> X."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        options = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(options) == 1:
            return _unwrap(options[0])
    return annotation
