"""Validate data against a third-party JSON Schema and report at source positions.

Modules other than hookgate's publish plain JSON Schemas; their errors are
rewritten into hookgate's diagnostic style (stable ``schema.*`` codes,
lowercase messages, user input in backticks, "did you mean").
"""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError, ValidationError

from hookgate.diagnostics import Diagnostic, did_you_mean
from hookgate.load.validate import format_path
from hookgate.load.yaml import PathKey, PositionMap

__all__ = ["json_schema_diagnostics"]


def json_schema_diagnostics(
    schema: dict[str, Any], data: Any, positions: PositionMap, *, prefix: PathKey = ()
) -> list[Diagnostic]:
    """One diagnostic per schema violation (or one for a schema that is itself invalid)."""
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        return [Diagnostic("mountplan.bad_config_schema", f"the module's config schema is invalid: {exc.message}",
                           positions.value(prefix))]
    validator = Draft202012Validator(schema)
    try:
        return [_diagnostic(err, positions, prefix) for err in validator.iter_errors(data)]
    except Exception as exc:  # e.g. an unresolvable `$ref`: the schema is at fault, not the plan
        return [Diagnostic("mountplan.bad_config_schema",
                           f"the module's config schema cannot be applied: {type(exc).__name__}: {exc}",
                           positions.value(prefix))]


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
