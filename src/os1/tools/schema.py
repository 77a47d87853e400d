"""JSON schemas from plain typed functions, and checking a model's arguments against them.

A tool's parameters are read from its signature (str, int, float, bool, Literal, Optional, lists of those, datetime as
an ISO string; a default makes a parameter optional) and its docstring (the first line describes the tool, the
`Args:` lines describe the parameters). The schema is what constrains the model's JSON; `check_arguments` turns
what the model wrote into the values the function is called with, or says exactly what is wrong.
"""

from __future__ import annotations

import inspect
import re
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Union

_ARG_LINE = re.compile(r"^\s*(\w+)\s*(?:\([^)]*\))?\s*:\s*(.*)$")
_SECTION = re.compile(r"^\s*(Args|Arguments|Parameters|Returns|Raises|Yields|Examples?|Notes?)\s*:\s*$")


class SchemaError(TypeError):
    """A tool's signature uses a type that cannot be offered to a model."""


class ArgumentError(ValueError):
    """The model's arguments do not fit the tool; the message says which and why (it is shown to the model)."""


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: type | tuple[str, ...]  # a Python type, or the allowed values of a Literal
    description: str
    required: bool
    nullable: bool
    is_list: bool
    default: Any


@dataclass(frozen=True)
class Signature:
    """What a tool takes: its description and its parameters, in order."""

    description: str
    parameters: tuple[Parameter, ...]

    def json_schema(self) -> dict[str, Any]:
        properties = {p.name: _property(p) for p in self.parameters}
        return {"type": "object", "properties": properties,
                "required": [p.name for p in self.parameters if p.required]}


def read_signature(fn: Callable[..., Any], skip: tuple[str, ...] = ("ctx",)) -> Signature:
    """The description and parameters of `fn`, leaving out the injected ones named in `skip`."""
    description, arg_docs = parse_docstring(inspect.getdoc(fn) or "")
    if not description:
        raise SchemaError(f"{fn.__name__} needs a docstring: its first line tells the model what the tool does.")
    hints = typing.get_type_hints(fn)
    params = []
    for name, param in inspect.signature(fn).parameters.items():
        if name in skip:
            continue
        if name not in hints:
            raise SchemaError(f"{fn.__name__}: parameter {name!r} needs a type hint.")
        params.append(_parameter(fn.__name__, name, hints[name], param.default, arg_docs.get(name, "")))
    return Signature(description, tuple(params))


def parse_docstring(doc: str) -> tuple[str, dict[str, str]]:
    """(first line, {parameter: description}) from a Google-style docstring."""
    lines = doc.strip().splitlines()
    if not lines:
        return "", {}
    args: dict[str, str] = {}
    section, current, args_indent = None, None, 0
    for line in lines[1:]:
        heading = _SECTION.match(line)
        if heading:
            section, current = heading[1], None
            continue
        if section not in ("Args", "Arguments", "Parameters") or not line.strip():
            continue
        match = _ARG_LINE.match(line)
        indent = len(line) - len(line.lstrip())
        if match and (current is None or indent <= args_indent):
            current, args_indent = match[1], indent
            args[current] = match[2].strip()
        elif current is not None:  # a description continued on the next line
            args[current] = f"{args[current]} {line.strip()}".strip()
    return lines[0].strip(), args


def check_arguments(signature: Signature, arguments: object) -> dict[str, Any]:
    """The arguments as the function takes them (ISO strings become datetimes, defaults filled in)."""
    if not isinstance(arguments, dict):
        raise ArgumentError(f"arguments must be a JSON object, not {type(arguments).__name__}")
    known = {p.name: p for p in signature.parameters}
    unknown = sorted(set(arguments) - set(known))
    if unknown:
        raise ArgumentError(f"unknown argument(s) {', '.join(unknown)}; this tool takes "
                            f"{', '.join(known) or 'no arguments'}")
    values: dict[str, Any] = {}
    for name, p in known.items():
        if name not in arguments:
            if p.required:
                raise ArgumentError(f"missing argument {name!r}")
            values[name] = p.default
            continue
        values[name] = _value(p, arguments[name])
    return values


def _parameter(fn: str, name: str, hint: Any, default: Any, doc: str) -> Parameter:
    required = default is inspect.Parameter.empty
    nullable = False
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (Union, types.UnionType) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        if len(rest) != 1:
            raise SchemaError(f"{fn}: parameter {name!r} may be only one type or None, not {hint}")
        hint, nullable = rest[0], True
    is_list = typing.get_origin(hint) is list
    if is_list:
        (hint,) = typing.get_args(hint) or (Any,)
        if hint not in (str, int, float, bool):
            raise SchemaError(f"{fn}: parameter {name!r}: lists may hold str, int, float or bool")
    kind: type | tuple[str, ...]
    if typing.get_origin(hint) is Literal:
        kind = tuple(str(v) for v in typing.get_args(hint))
    elif hint in (str, int, float, bool, datetime):
        kind = hint
    else:
        raise SchemaError(f"{fn}: parameter {name!r} has type {hint}; tools take str, int, float, bool, "
                          f"Literal, datetime, a list of str/int/float/bool, or Optional of one of them")
    return Parameter(name, kind, doc, required, nullable, is_list,
                     None if default is inspect.Parameter.empty else default)


_JSON_TYPES: dict[type, str] = {str: "string", int: "integer", float: "number", bool: "boolean", datetime: "string"}


def _property(p: Parameter) -> dict[str, Any]:
    if isinstance(p.kind, tuple):
        item: dict[str, Any] = {"type": "string", "enum": list(p.kind)}
    else:
        item = {"type": _JSON_TYPES[p.kind]}
        if p.kind is datetime:
            item["format"] = "date-time"
    prop = {"type": "array", "items": item} if p.is_list else item
    if p.nullable:
        # anyOf rather than a list of types: llama.cpp's grammar builder and every server understand it.
        prop = {"anyOf": [prop, {"type": "null"}]}
    if p.description:
        prop["description"] = p.description
    return prop


def _value(p: Parameter, value: object) -> Any:
    if value is None:
        if p.nullable or not p.required:
            return None if p.nullable else p.default
        raise ArgumentError(f"{p.name!r} must not be null")
    if p.is_list:
        if not isinstance(value, list):
            raise ArgumentError(f"{p.name!r} must be a list")
        return [_scalar(p, v) for v in value]
    return _scalar(p, value)


def _scalar(p: Parameter, value: object) -> Any:
    if isinstance(p.kind, tuple):
        if value not in p.kind:
            raise ArgumentError(f"{p.name!r} must be one of {', '.join(p.kind)}, not {value!r}")
        return value
    if p.kind is bool:
        if not isinstance(value, bool):
            raise ArgumentError(f"{p.name!r} must be true or false, not {value!r}")
        return value
    if p.kind in (int, float):
        # JSON has one number type; bool is an int in Python but never a number in a tool call.
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ArgumentError(f"{p.name!r} must be a number, not {value!r}")
        if p.kind is int and not float(value).is_integer():
            raise ArgumentError(f"{p.name!r} must be a whole number, not {value!r}")
        return p.kind(value)
    if not isinstance(value, str):
        raise ArgumentError(f"{p.name!r} must be a string, not {value!r}")
    if p.kind is datetime:
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            raise ArgumentError(f"{p.name!r} must be an ISO date and time like 2026-11-27T09:00, "
                                f"not {value!r}") from None
    return value
