"""Validate data against a third-party JSON Schema and report at source positions.

Modules other than hookgate's publish plain JSON Schemas; their errors are
rewritten into hookgate's diagnostic style (stable ``schema.*`` codes,
lowercase messages, user input in backticks, "did you mean").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError, ValidationError

from hookgate.diagnostics import Diagnostic, did_you_mean
from hookgate.load.validate import format_path
from hookgate.load.yaml import PathKey, PositionMap

__all__ = ["KIND_RANK", "Finding", "Kind", "json_schema_diagnostics", "json_schema_findings"]

#: what the field a value failed at takes, judged from the error a string there got: a string of some
#: kind ("string": an enum, a pattern, a format), only a number or ``true``/``false`` ("scalar"), or
#: neither ("error": a list, a mapping, ...). It decides what a ``${VAR}`` value there may become.
Kind = Literal["string", "scalar", "error"]
KIND_RANK: dict[Kind, int] = {"error": 0, "scalar": 1, "string": 2}
_SCALAR_TYPES = frozenset({"integer", "number", "boolean"})


@dataclass(frozen=True, slots=True)
class Finding:
    """A diagnostic, the data path of the value it is about (None for a key or a missing key),
    and the :data:`Kind` of that value's field."""

    diagnostic: Diagnostic
    path: PathKey | None
    kind: Kind


def json_schema_diagnostics(
    schema: dict[str, Any], data: Any, positions: PositionMap, *, prefix: PathKey = ()
) -> list[Diagnostic]:
    """One diagnostic per schema violation (or one for a schema that is itself invalid)."""
    return [f.diagnostic for f in json_schema_findings(schema, data, positions, prefix=prefix)]


def json_schema_findings(
    schema: dict[str, Any], data: Any, positions: PositionMap, *, prefix: PathKey = ()
) -> list[Finding]:
    """:func:`json_schema_diagnostics`, each with the path and the kind of the value it is about."""
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        return [Finding(Diagnostic("mountplan.bad_config_schema",
                                   f"the module's config schema is invalid: {exc.message}",
                                   positions.value(prefix)), None, "error")]
    validator = Draft202012Validator(schema)
    try:
        return [_finding(err, positions, prefix) for err in validator.iter_errors(data)]
    except Exception as exc:  # e.g. an unresolvable `$ref`: the schema is at fault, not the plan
        return [Finding(Diagnostic("mountplan.bad_config_schema",
                                   f"the module's config schema cannot be applied: {type(exc).__name__}: {exc}",
                                   positions.value(prefix)), None, "error")]


def _finding(err: ValidationError, positions: PositionMap, prefix: PathKey) -> Finding:
    diagnostic = _diagnostic(err, positions, prefix)
    if str(err.validator) in ("additionalProperties", "required"):
        return Finding(diagnostic, None, "error")
    return Finding(diagnostic, (*prefix, *err.absolute_path), _kind(err))


def _kind(err: ValidationError) -> Kind:
    kind = err.validator
    value: Any = err.validator_value
    if kind == "type":
        expected = {value} if isinstance(value, str) else set(value)
        return "scalar" if expected & _SCALAR_TYPES else "error"
    if kind in ("enum", "const"):
        allowed = value if kind == "enum" else [value]
        if any(isinstance(v, str) for v in allowed):
            return "string"
        return "scalar" if any(isinstance(v, int | float) for v in allowed) else "error"
    if kind in ("anyOf", "oneOf"):  # the best branch decides; a branch is as good as its worst error
        branches: dict[Any, Kind] = {}
        for sub in err.context or ():
            branch = sub.relative_schema_path[0]
            branches[branch] = min(branches.get(branch, "string"), _kind(sub), key=KIND_RANK.__getitem__)
        return max(branches.values(), key=KIND_RANK.__getitem__, default="error")
    if kind in (None, "not", "false"):
        return "error"
    return "string"  # pattern, format, minLength, maxLength, ...: the field takes some strings


def _diagnostic(err: ValidationError, positions: PositionMap, prefix: PathKey) -> Diagnostic:
    path: PathKey = (*prefix, *err.absolute_path)
    kind = str(err.validator)
    if kind == "additionalProperties" and isinstance(err.instance, dict):
        allowed = list(err.schema.get("properties", {})) if isinstance(err.schema, dict) else []
        extra = [k for k in err.instance if k not in allowed]
        key = extra[0] if extra else "?"
        hint = did_you_mean(key, allowed)
        msg = f"unknown key `{key}`" + (f"; did you mean `{hint}`?" if hint else "")
        return Diagnostic("schema.unknown_field", msg, positions.key((*path, key)))
    if kind == "required" and isinstance(err.validator_value, list) and isinstance(err.instance, dict):
        missing = next((k for k in err.validator_value if k not in err.instance), "?")
        return Diagnostic("schema.missing_field", f"missing required key `{missing}`", positions.value(path))
    text = err.message[:1].lower() + err.message[1:]
    return Diagnostic(f"schema.{kind}", f"`{format_path(path)}`: {text}", positions.value(path))
