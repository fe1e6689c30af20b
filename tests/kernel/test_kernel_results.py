"""HookResult and ContextInjection: fields, defaults, validation, the fast constructor."""

from __future__ import annotations

import math
from typing import Any

import pytest
from pydantic import ValidationError

from hookgate.kernel.results import ContextInjection, HookResult, coerce_result, continue_result

SEED_002_DEFAULTS: dict[str, Any] = {
    "action": "continue",
    "reason": None,
    "data": None,
    "context_injection": None,
    "context_injection_role": "system",
    "ephemeral": False,
    "approval_prompt": None,
    "approval_options": None,
    "approval_timeout": 300.0,
    "approval_default": "deny",
    "suppress_output": False,
    "user_message": None,
    "user_message_level": "info",
    "append_to_last_tool_result": False,
}


def test_defaults_match_seed_and_amplifier_additions() -> None:
    dumped = HookResult().model_dump()
    assert dumped == {**SEED_002_DEFAULTS, "user_message_source": None, "context_injections": []}


def test_context_injection_defaults() -> None:
    item = ContextInjection(content="x")
    assert item.model_dump() == {
        "content": "x",
        "role": "system",
        "ephemeral": False,
        "append_to_last_tool_result": False,
        "hook_name": "unknown",
        "event": "",
    }


@pytest.mark.parametrize(
    "bad",
    [
        {"action": "allow"},
        {"context_injection_role": "tool"},
        {"approval_default": "maybe"},
        {"user_message_level": "debug"},
        {"approval_timeout": 0},
        {"approval_timeout": -1.5},
        {"approval_timeout": math.inf},
        {"approval_timeout": math.nan},
        {"surprise": True},
        {"context_injections": [{"content": "x", "role": "robot"}]},
        {"context_injections": [{"content": "x", "extra": 1}]},
    ],
)
def test_invalid_values_are_rejected(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        HookResult(**bad)


def test_results_are_frozen() -> None:
    result = HookResult(action="deny", reason="no")
    with pytest.raises(ValidationError):
        result.action = "continue"  # type: ignore[misc]


def test_continue_result_equals_validated_construction() -> None:
    data = {"a": [1, {"b": 2}]}
    fast = continue_result(data)
    slow = HookResult(action="continue", data=data)
    assert fast == slow
    assert fast.model_dump() == slow.model_dump()
    assert fast.model_fields_set == slow.model_fields_set
    assert repr(fast) == repr(slow)
    assert fast.model_copy(update={"reason": "r"}).reason == "r"
    assert fast.context_injections is not continue_result(None).context_injections


def test_coerce_accepts_result_none_dict_and_foreign_models() -> None:
    result = HookResult(action="deny")
    assert coerce_result(result) is result
    assert coerce_result(None) is None
    assert coerce_result({"action": "modify", "data": {"x": 1}}) == HookResult(action="modify", data={"x": 1})


@pytest.mark.parametrize("garbage", ["deny", 42, ["continue"], {"action": "nope"}, {"zzz": 1}])
def test_coerce_rejects_garbage(garbage: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        coerce_result(garbage)
