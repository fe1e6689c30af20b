"""Config models of hookgate's own hook modules (``hooks-policy``, ``hooks-decision-log``).

These are the ``config:`` mappings of ``hooks:`` entries in a mount plan.
They are strict (see :mod:`hookgate.mountplan.strict`): a misspelt security
setting such as ``fail_mod: open`` is an error, not silently the default, and
``priority: "5"`` or ``max_bytes: true`` is an error, not silently converted.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, WithJsonSchema

from hookgate.mountplan.strict import Integer, StrictModel

__all__ = [
    "DURATION_PATTERN",
    "ApprovalConfig",
    "DecisionLogConfig",
    "DecisionLogHookConfig",
    "HooksPolicyConfig",
    "parse_duration",
]

# ASCII digits and blanks only, matched whole: Python's `\d`, `\s` and `$` are wider than JSON Schema's
# (ECMA-262) and would take `٣٠s` or a final newline that an editor's schema check refuses
_DURATION = re.compile(r"[ \t]*([0-9]+(?:\.[0-9]+)?)[ \t]*(ms|s|m|h)?[ \t]*")
#: the same in the schema, plus "not zero" (the model checks that after converting): a digit 1-9 somewhere
DURATION_PATTERN = r"^[ \t]*(?=[0-9.]*[1-9])[0-9]+(\.[0-9]+)?[ \t]*(ms|s|m|h)?[ \t]*$"
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, None: 1.0}


def parse_duration(value: Any) -> Any:
    """``30``, ``"30s"``, ``"2m"``, ``"1h"``, ``"500ms"`` → seconds (other input is left for the type check).

    YAML's ``.nan`` and ``.inf`` are refused: as ``approval.timeout`` (a cap on every rule's timeout) no
    comparison with NaN holds, so it capped nothing, where the default caps at 120s; JSON has neither.
    """
    if isinstance(value, bool):  # YAML's true/false are not durations (pydantic would make them 1.0/0.0)
        raise ValueError(f"`{str(value).lower()}` is not a duration; use seconds or a string like `30s`, `2m`, `1h`")
    if isinstance(value, str):
        m = _DURATION.fullmatch(value)
        if m is None:
            raise ValueError(f"`{value}` is not a duration; use seconds or a string like `30s`, `2m`, `1h`")
        value = float(m.group(1)) * _UNIT_SECONDS[m.group(2)]
    if isinstance(value, float) and not math.isfinite(value):  # YAML's .nan, .inf: no cap at all, silently
        raise ValueError(f"`{value}` is not a duration; use seconds or a string like `30s`, `2m`, `1h`")
    if isinstance(value, int | float) and value <= 0:
        raise ValueError(f"a timeout must be greater than 0, got `{value}`")
    return value


Duration = Annotated[
    float,
    BeforeValidator(parse_duration),
    WithJsonSchema({
        "anyOf": [
            {"type": "number", "exclusiveMinimum": 0},
            {"type": "string", "pattern": DURATION_PATTERN},
        ],
        "description": "seconds, or a duration such as `30s`, `2m`, `1h`",
    }),
]


class ApprovalConfig(StrictModel):
    """How ``ask_user`` decisions are resolved.

    ``channel: auto`` uses the host's approval system when it has one, else
    the terminal when stdin is a TTY, else denies: an unattended agent never
    waits forever and never gets a silent allow.
    """

    channel: Literal["auto", "host", "terminal", "callback", "deny_all", "allow_tools"] = "auto"
    timeout: Duration = 120.0
    default: Literal["deny", "allow"] = "deny"
    allow_tools: list[str] = Field(default_factory=list)
    grants_file: str | None = None


class DecisionLogConfig(StrictModel):
    """Where decisions are appended as JSONL, with size-based rotation."""

    path: str
    max_bytes: Integer = Field(default=10 * 1024 * 1024, gt=0)
    backups: Integer = Field(default=5, ge=0)


class HooksPolicyConfig(StrictModel):
    """Config of the ``hooks-policy`` module: which policies gate which events, and how."""

    policies: list[str] = Field(default_factory=list, description="policy files, relative to the mount plan file")
    rules: list[dict[str, Any]] | dict[str, Any] | None = Field(
        default=None, description="inline rules (a list of rules or a whole policy mapping)"
    )
    enabled_events: list[str] | None = Field(default=None, description="events to gate; default: every event")
    priority: Integer = Field(default=-100, description="negative so policy hooks run before other hooks")
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    fail_mode: Literal["closed", "open"] = "closed"
    approval: ApprovalConfig = Field(default_factory=ApprovalConfig)
    decision_log: DecisionLogConfig | None = None
    workspace: str | None = None


class DecisionLogHookConfig(StrictModel):
    """Config of the ``hooks-decision-log`` module (a log without a policy)."""

    path: str
    max_bytes: Integer = Field(default=10 * 1024 * 1024, gt=0)
    backups: Integer = Field(default=5, ge=0)
    events: list[str] | None = None
