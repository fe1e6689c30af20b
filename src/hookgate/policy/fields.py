"""Field types shared by the policy models: shorthands, durations, names, RE2.

Each validator raises :class:`PydanticCustomError` with a stable error type
(it becomes the diagnostic code ``schema.<type>``) and a message in house
style, so a typo in a policy reads as a precise, fixable sentence instead of
a pydantic internals dump.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, StrictStr, WithJsonSchema
from pydantic_core import PydanticCustomError

from hookgate.policy.selectors import EventNameError, resolve_selector

__all__ = [
    "MAX_TIMEOUT_SECONDS",
    "NAME_PATTERN",
    "RULE_ID_PATTERN",
    "DetectorName",
    "Duration",
    "EventSelectors",
    "IncludePaths",
    "NonEmptyStr",
    "Re2Pattern",
    "ToolNames",
    "check_re2",
    "list_of",
    "one_or_many",
    "parse_duration",
]

NAME_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
RULE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
MAX_TIMEOUT_SECONDS = 24 * 3600.0
_UNITS = {"ms": 0.001, "s": 1.0, "sec": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|m|min|h)?\s*$")


def _error(kind: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(kind, message)


def one_or_many(what: str) -> Callable[[Any], Any]:
    """Accept ``x`` or ``[x, ...]`` (never an empty list: omit the key instead)."""

    def normalise(value: Any) -> Any:
        if isinstance(value, str):
            return (value,)
        if isinstance(value, list | tuple):
            if not value:
                raise _error("empty_list", f"needs at least one {what}; omit the key instead of an empty list")
            return tuple(value)
        raise _error("expected_list", f"expected a {what} or a list of them, got `{value!r}`")

    return normalise


def list_of(what: str) -> Callable[[Any], Any]:
    """Accept a YAML list only, with a message that names what the list holds."""

    def check(value: Any) -> Any:
        if isinstance(value, list | tuple):
            return tuple(value)
        raise _error("expected_list", f"expected a list of {what}, got `{value!r}`")

    return check


def _non_empty(value: str) -> str:
    if not value.strip():
        raise _error("empty_string", "must not be empty")
    return value


NonEmptyStr = Annotated[StrictStr, AfterValidator(_non_empty)]


_ONE_OR_MANY_SCHEMA: dict[str, Any] = {
    "anyOf": [{"type": "string", "minLength": 1},
              {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1}]
}

#: tool names or globs: ``bash`` or ``[bash, "mcp__github__*"]``
ToolNames = Annotated[
    tuple[NonEmptyStr, ...], BeforeValidator(one_or_many("tool name")), WithJsonSchema(_ONE_OR_MANY_SCHEMA)
]
#: include paths: ``common.yaml`` or ``[a.yaml, b.yaml]``
IncludePaths = Annotated[
    tuple[NonEmptyStr, ...], BeforeValidator(one_or_many("policy file path")), WithJsonSchema(_ONE_OR_MANY_SCHEMA)
]


# -- durations ---------------------------------------------------------------


def parse_duration(value: Any) -> float:
    """Seconds from ``30``, ``1.5``, ``"30s"``, ``"2m"``, ``"1h"``, ``"500ms"`` (must be > 0 and <= 24h)."""
    if isinstance(value, bool):
        raise _error("bad_duration", f"expected a duration like `30s`, `2m` or `1h`, got `{value!r}`")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str) and (m := _DURATION.match(value)):
        seconds = float(m.group(1)) * _UNITS[m.group(2) or "s"]
    else:
        raise _error("bad_duration", f"expected a duration like `30s`, `2m` or `1h`, got `{value}`")
    if not seconds > 0:
        raise _error("bad_duration", f"timeout must be greater than zero, got `{value}`")
    if seconds > MAX_TIMEOUT_SECONDS:
        raise _error("bad_duration", f"timeout `{value}` is longer than the 24h limit")
    return seconds


Duration = Annotated[
    float,
    BeforeValidator(parse_duration),
    WithJsonSchema(
        {"anyOf": [{"type": "number", "exclusiveMinimum": 0, "maximum": MAX_TIMEOUT_SECONDS},
                   {"type": "string", "pattern": _DURATION.pattern}],
         "description": "seconds, or a number with a unit: `500ms`, `30s`, `2m`, `1h`"}
    ),
]


# -- event selectors -----------------------------------------------------------


def _resolve_item(value: str) -> Any:
    try:
        return resolve_selector(value)
    except EventNameError as exc:
        raise _error(exc.code, str(exc)) from None


def _flatten(value: tuple[Any, ...]) -> tuple[str, ...]:
    out: list[str] = []
    for names in value:
        out.extend(n for n in names if n not in out)
    return tuple(out)


EventSelectors = Annotated[
    tuple[Annotated[NonEmptyStr, AfterValidator(_resolve_item)], ...],
    BeforeValidator(one_or_many("event name")),
    AfterValidator(_flatten),
    WithJsonSchema(
        {**_ONE_OR_MANY_SCHEMA,
         "description": "event name (`tool:pre`), alias (`BEFORE_TOOL`) or glob (`provider:*`), or a list"}
    ),
]


# -- RE2 -----------------------------------------------------------------------


def check_re2(pattern: str) -> str | None:
    """Why RE2 rejects ``pattern`` (a user-facing sentence), or None when it compiles."""
    import re2

    options = re2.Options()
    options.log_errors = False
    try:
        re2.compile(pattern, options)
    except re2.error as exc:
        raw = exc.args[0] if exc.args else b""
        detail = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        if any(f"perl operator: {op}" in detail for op in ("(?=", "(?!", "(?<=", "(?<!")):
            return f"invalid regex `{pattern}`: RE2 does not support lookaround (`(?=`, `(?!`, `(?<=`, `(?<!`)"
        if re.search(r"escape sequence: \\[1-9]", detail):
            return f"invalid regex `{pattern}`: RE2 does not support backreferences (`\\1`)"
        return f"invalid regex `{pattern}`: {detail}"
    return None


def _re2(value: str) -> str:
    problem = check_re2(value)
    if problem is not None:
        raise _error("bad_regex", problem)
    return value


Re2Pattern = Annotated[StrictStr, AfterValidator(_re2)]


# -- secret detectors --------------------------------------------------------------


def _detector(value: str) -> str:
    # imported here: the detectors (a pydantic model, some fifty compiled patterns) cost about 1.3 MB, and
    # only a policy that names one (a `redact` effect) needs them to load
    from hookgate.policy.match.secrets import unknown_detector

    problem = unknown_detector(value)
    if problem is not None:
        raise _error("unknown_detector", problem)
    return value


DetectorName = Annotated[StrictStr, AfterValidator(_detector)]
