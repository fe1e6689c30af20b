"""Property: for random handler-result sequences, hookgate's emit equals amplifier-core's."""

from __future__ import annotations

import asyncio
from typing import Any

from compat_support import AMPLIFIER, HOOKGATE, Backend, normalise
from hypothesis import given, settings
from hypothesis import strategies as st

KINDS = (
    "none", "continue", "deny", "modify", "modify_none", "dict_modify",
    "inject", "inject_ephemeral", "inject_empty", "inject_list", "ask",
)  # fmt: skip
steps = st.lists(st.tuples(st.sampled_from(KINDS), st.integers(0, 9), st.integers(-2, 2)), max_size=7)


def make(backend: Backend, kind: str, tag: int) -> Any:
    if kind == "none":
        return None
    if kind == "dict_modify":
        return {"action": "modify", "data": {"dict": tag}}
    fields: dict[str, Any] = {
        "continue": {},
        "deny": {"action": "deny", "reason": f"deny-{tag}"},
        "modify": {"action": "modify", "data": {"tag": tag}},
        "modify_none": {"action": "modify"},
        "inject": {"action": "inject_context", "context_injection": f"i{tag}", "context_injection_role": "user"},
        "inject_ephemeral": {"action": "inject_context", "context_injection": f"e{tag}", "ephemeral": True},
        "inject_empty": {"action": "inject_context", "user_message": f"m{tag}"},
        "inject_list": {
            "action": "inject_context",
            "context_injection": "ignored",
            "context_injections": [{"content": f"l{tag}", "append_to_last_tool_result": True}, {"content": "m"}],
        },
        "ask": {"action": "ask_user", "approval_prompt": f"ask-{tag}"},
    }[kind]
    return backend.result(**fields)


async def outcome(backend: Backend, sequence: list[tuple[str, int, int]]) -> dict[str, Any]:
    registry = backend.new_registry()
    for index, (kind, tag, priority) in enumerate(sequence):
        value = make(backend, kind, tag)
        registry.register("tool:post", lambda event, data, value=value: value, priority=priority, name=f"h{index}")
    return normalise(await registry.emit("tool:post", {"input": True}))


async def both(sequence: list[tuple[str, int, int]]) -> tuple[dict[str, Any], dict[str, Any]]:
    return await outcome(HOOKGATE, sequence), await outcome(AMPLIFIER, sequence)


@settings(max_examples=150, deadline=None)
@given(steps)
def test_emit_matches_amplifier(sequence: list[tuple[str, int, int]]) -> None:
    ours, theirs = asyncio.run(both(sequence))
    assert ours == theirs
