"""``HookResult`` and ``ContextInjection``: what a hook handler answers.

Field names, types and defaults match amplifier-core 2.x so results cross
between the two registries unchanged. hookgate is stricter where a loose
value could open a gate: unknown fields are rejected, every Literal field
rejects unknown values, and ``approval_timeout`` must be a finite number
> 0 (an approval must always resolve).

The registry builds a result per emit, so :func:`continue_result` skips
validation for that one trusted shape; everything a handler hands back in
another form goes through :func:`coerce_result`.
"""

from __future__ import annotations

from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Action",
    "ApprovalDefault",
    "ContextInjection",
    "HookResult",
    "InjectionRole",
    "MessageLevel",
    "coerce_result",
    "continue_result",
]

Action = Literal["continue", "deny", "modify", "inject_context", "ask_user"]
InjectionRole = Literal["system", "user", "assistant"]
ApprovalDefault = Literal["allow", "deny"]
MessageLevel = Literal["info", "warning", "error"]

_FROZEN_STRICT = ConfigDict(frozen=True, extra="forbid")


class ContextInjection(BaseModel):
    """One ordered context injection, tagged with the hook and event it came from."""

    model_config = _FROZEN_STRICT

    content: str
    role: InjectionRole = "system"
    ephemeral: bool = False
    append_to_last_tool_result: bool = False
    hook_name: str = "unknown"
    event: str = ""


class HookResult(BaseModel):
    """A handler's answer: continue, deny, modify, inject_context or ask_user."""

    model_config = _FROZEN_STRICT

    action: Action = "continue"
    data: dict[str, Any] | None = None
    reason: str | None = None
    context_injection: str | None = None
    context_injection_role: InjectionRole = "system"
    ephemeral: bool = False
    approval_prompt: str | None = None
    approval_options: list[str] | None = None
    approval_timeout: float = Field(default=300.0, gt=0, allow_inf_nan=False)
    approval_default: ApprovalDefault = "deny"
    suppress_output: bool = False
    user_message: str | None = None
    user_message_level: MessageLevel = "info"
    user_message_source: str | None = None
    append_to_last_tool_result: bool = False
    context_injections: list[ContextInjection] = Field(default_factory=list)


_DEFAULTS: Final[dict[str, Any]] = dict(HookResult().__dict__)
_new = object.__new__
_set_dict = object.__setattr__
# pydantic's instance slots, set through their descriptors (what ``model_construct`` does, minus the loop)
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def continue_result(data: dict[str, Any] | None) -> HookResult:
    """``HookResult(action="continue", data=data)`` without validation (hot path, trusted input).

    Equal to the validated construction (a test pins that).
    """
    values = _DEFAULTS.copy()
    values["data"] = data
    values["context_injections"] = []
    result: HookResult = _new(HookResult)
    _set_dict(result, "__dict__", values)
    _set_fields_set(result, {"action", "data"})
    _set_extra(result, None)
    _set_private(result, None)
    return result


def coerce_result(value: object) -> HookResult | None:
    """Turn a handler's return value into a ``HookResult``; ``None`` means continue.

    Accepts a ``HookResult``, ``None``, a dict, or another pydantic model with
    the same fields (e.g. amplifier-core's ``HookResult``). Anything else
    raises (``TypeError``, pydantic's ``ValidationError``) for the caller to
    turn into a deny.
    """
    if value is None or isinstance(value, HookResult):
        return value
    if isinstance(value, dict):
        return HookResult.model_validate(value)
    if isinstance(value, BaseModel):
        return HookResult.model_validate(value.model_dump())
    raise TypeError(f"expected HookResult, dict or None, got {type(value).__name__}")
