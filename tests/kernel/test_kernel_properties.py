"""Property: the folded result of any handler sequence follows deny > ask_user > inject_context > continue."""

from __future__ import annotations

import asyncio
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from hookgate.kernel import HookRegistry, HookResult

# each step: (kind, tag) — tag makes results distinguishable
KINDS = ("none", "continue", "deny", "modify", "modify_none", "inject", "inject_empty", "ask", "dict_modify")
steps = st.lists(st.tuples(st.sampled_from(KINDS), st.integers(0, 99)), max_size=8)


def make_result(kind: str, tag: int) -> Any:
    return {
        "none": None,
        "continue": HookResult(),
        "deny": HookResult(action="deny", reason=f"deny-{tag}"),
        "modify": HookResult(action="modify", data={"tag": tag}),
        "modify_none": HookResult(action="modify"),
        "inject": HookResult(action="inject_context", context_injection=f"inject-{tag}"),
        "inject_empty": HookResult(action="inject_context"),
        "ask": HookResult(action="ask_user", approval_prompt=f"ask-{tag}"),
        "dict_modify": {"action": "modify", "data": {"tag": tag}},
    }[kind]


def expected(sequence: list[tuple[str, int]]) -> tuple[str, Any]:
    """The precedence rule, written independently of the registry."""
    for kind, tag in sequence:
        if kind == "deny":
            return "deny", f"deny-{tag}"
    asks = [tag for kind, tag in sequence if kind == "ask"]
    if asks:
        return "ask_user", f"ask-{asks[0]}"
    injects = [f"inject-{tag}" for kind, tag in sequence if kind == "inject"]
    if injects:
        return "inject_context", "\n\n".join(injects)
    modified = [tag for kind, tag in sequence if kind in ("modify", "dict_modify")]
    return "continue", ({"tag": modified[-1]} if modified else {"input": True})


def observed(result: HookResult) -> tuple[str, Any]:
    if result.action == "deny":
        return "deny", result.reason
    if result.action == "ask_user":
        return "ask_user", result.approval_prompt
    if result.action == "inject_context":
        return "inject_context", result.context_injection
    data = dict(result.data or {})
    data.pop("timestamp", None)
    return result.action, data


@settings(max_examples=300, deadline=None)
@given(steps)
def test_final_result_follows_precedence(sequence: list[tuple[str, int]]) -> None:
    registry = HookRegistry()
    for index, (kind, tag) in enumerate(sequence):
        value = make_result(kind, tag)
        registry.register("tool:pre", lambda event, data, value=value: value, name=f"h{index}")
    result = asyncio.run(registry.emit("tool:pre", {"input": True}))
    assert observed(result) == expected(sequence)
