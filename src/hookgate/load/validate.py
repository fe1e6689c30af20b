"""Validate loaded data against pydantic models and report at source positions.

Pydantic errors carry a ``loc`` made of data keys mixed with union-member
tags; this module maps each error back to the YAML key or value it is about,
rewrites the message in hookgate's style (lowercase, user input in
backticks) and adds "did you mean" for misspelt keys.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from hookgate.diagnostics import Diagnostic, DiagnosticError, did_you_mean
from hookgate.load.yaml import LoadedDocument, PathKey, PositionMap

__all__ = [
    "data_path",
    "format_path",
    "model_keys",
    "validate_document",
    "validation_diagnostics",
    "validation_findings",
]

M = TypeVar("M", bound=BaseModel)


def format_path(path: PathKey) -> str:
    """``rules[0].when`` style rendering of a data path."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "<root>"


def data_path(data: Any, loc: Iterable[str | int]) -> PathKey:
    """The part of a pydantic ``loc`` that names real keys/indices in ``data``."""
    path: list[str | int] = []
    cur = data
    items = list(loc)
    for i, part in enumerate(items):
        last = i == len(items) - 1
        if isinstance(cur, dict) and isinstance(part, str) and (part in cur or last):
            path.append(part)
            cur = cur.get(part)
        elif isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur):
            path.append(part)
            cur = cur[part]
        # anything else is a union tag or model name, not data
    return tuple(path)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _models_in(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType, list, tuple, dict, set, frozenset) or origin is not None:
        found: list[type[BaseModel]] = []
        for arg in typing.get_args(annotation):
            found.extend(_models_in(arg))
        return found
    return []


def model_keys(model: type[BaseModel], loc: Iterable[str | int]) -> list[str]:
    """Keys accepted at ``loc`` inside ``model`` (for "did you mean")."""
    current: list[type[BaseModel]] = [model]
    for part in loc:
        if not isinstance(part, str):
            continue
        nxt: list[type[BaseModel]] = []
        for m in current:
            for name, info in m.model_fields.items():
                if part in (name, info.alias):
                    nxt.extend(_models_in(info.annotation))
        if nxt:
            current = nxt
    keys: list[str] = []
    for m in current:
        for name, info in m.model_fields.items():
            keys.append(info.alias or name)
    return keys


def _message(err: Any, shown: str, model: type[BaseModel], loc: tuple[str | int, ...]) -> tuple[str, str, str | None]:
    kind = err["type"]
    key = loc[-1] if loc else ""
    if kind == "extra_forbidden":
        hint = did_you_mean(str(key), model_keys(model, loc[:-1]))
        msg = f"unknown key `{key}`" + (f"; did you mean `{hint}`?" if hint else "")
        return "schema.unknown_field", msg, None
    if kind == "missing":
        return "schema.missing_field", f"missing required key `{key}`", None
    text = str(err["msg"])
    if text.startswith("Value error, "):
        text = text[len("Value error, "):]
    elif text.startswith("Assertion failed, "):
        text = text[len("Assertion failed, "):]
    text = text[:1].lower() + text[1:]
    got = err.get("input")
    if kind.endswith("_type") and not isinstance(got, dict | list):
        text += f", got `{got!r}`" if got is not None else ", got null"
    return f"schema.{kind}", f"`{shown}`: {text}", None


def validation_diagnostics(
    exc: ValidationError,
    model: type[BaseModel],
    data: Any,
    positions: PositionMap,
    *,
    prefix: PathKey = (),
) -> list[Diagnostic]:
    """Translate a pydantic error into positioned diagnostics (one per problem)."""
    out: list[Diagnostic] = []
    seen: set[tuple[str, str]] = set()
    for _, _, diagnostic in validation_findings(exc, model, data, positions, prefix=prefix):
        if (str(diagnostic.location), diagnostic.message) in seen:
            continue
        seen.add((str(diagnostic.location), diagnostic.message))
        out.append(diagnostic)
    return out


def validation_findings(
    exc: ValidationError,
    model: type[BaseModel],
    data: Any,
    positions: PositionMap,
    *,
    prefix: PathKey = (),
) -> list[tuple[PathKey | None, str, Diagnostic]]:
    """Every pydantic error as ``(path, type, diagnostic)``: ``path`` is the data path of the value the
    error is about (None when it is about a key: a missing or an unknown one), ``type`` pydantic's error type.
    Unlike :func:`validation_diagnostics`, nothing is merged."""
    out: list[tuple[PathKey | None, str, Diagnostic]] = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        path = data_path(data, loc)
        code, msg, hint = _message(err, format_path((*prefix, *path)), model, loc)
        about: PathKey | None = None
        if err["type"] == "missing":
            where = positions.value((*prefix, *path[:-1]) if path and path[-1] == loc[-1] else (*prefix, *path))
        elif err["type"] == "extra_forbidden":
            where = positions.key((*prefix, *path))
        else:
            about = (*prefix, *path)
            where = positions.value(about)
        out.append((about, err["type"], Diagnostic(code, msg, where, help=hint)))
    return out


def validate_document(model: type[M], doc: LoadedDocument, *, prefix: PathKey = ()) -> M:
    """Validate ``doc.data`` (or the part at ``prefix``) or raise positioned diagnostics."""
    data = doc.data
    for part in prefix:
        data = data[part]
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise DiagnosticError(validation_diagnostics(exc, model, data, doc.positions, prefix=prefix)) from None
