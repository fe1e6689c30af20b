"""The same process_hook_result / coordinator scenarios on hookgate and amplifier-core 2.0.2."""

from __future__ import annotations

from typing import Any

import pytest
from compat_support import Backend, RecordingApproval, RecordingContext, RecordingDisplay, changed, normalise

PROMPT = "Allow write to production/config.py?"


def ask(backend: Backend, **fields: Any) -> Any:
    return backend.result(action="ask_user", approval_prompt=PROMPT, **fields)


@pytest.mark.parametrize("answer", ["allow", "Allow", "allow once", "Allow Once", "ALLOW ALWAYS"])
async def test_grant_answers(backend: Backend, answer: str) -> None:
    approval = RecordingApproval(answer)
    result = await backend.coordinator(approval).process_hook_result(ask(backend), "tool:pre", "h")
    assert changed(result) == {}
    assert approval.requests == [(PROMPT, ["Allow", "Deny"], 300.0, "deny")]


@pytest.mark.parametrize("answer", ["Deny", "deny", "yes", "no", "Allowed"])
async def test_other_answers_deny(backend: Backend, answer: str) -> None:
    result = await backend.coordinator(RecordingApproval(answer)).process_hook_result(ask(backend), "tool:pre", "h")
    assert changed(result) == {"action": "deny", "reason": f"User denied: {PROMPT}"}


async def test_options_timeout_default_and_default_prompt_pass_through(backend: Backend) -> None:
    approval = RecordingApproval("Allow once")
    result = backend.result(
        action="ask_user", approval_options=["Allow once", "Allow always", "Deny"], approval_timeout=5
    )
    assert changed(await backend.coordinator(approval).process_hook_result(result, "tool:pre", "h")) == {}
    assert approval.requests == [("Allow this operation?", ["Allow once", "Allow always", "Deny"], 5.0, "deny")]


@pytest.mark.parametrize(
    ("default", "expected"),
    [("deny", {"action": "deny", "reason": f"Approval timeout - denied by default: {PROMPT}"}), ("allow", {})],
)
async def test_timeout_applies_default(backend: Backend, default: str, expected: dict[str, Any]) -> None:
    approval = RecordingApproval(error=backend.approval_timeout_error())
    result = await backend.coordinator(approval).process_hook_result(ask(backend, approval_default=default), "e", "h")
    assert changed(result) == expected


async def test_no_approval_system(backend: Backend) -> None:
    result = await backend.coordinator(None).process_hook_result(ask(backend), "tool:pre", "h")
    assert changed(result) == {"action": "deny", "reason": "No approval system available"}


@pytest.mark.parametrize("action", ["continue", "deny", "modify"])
async def test_user_message_display(backend: Backend, action: str) -> None:
    display = RecordingDisplay()
    coordinator = backend.coordinator(None, display)
    result = backend.result(action=action, user_message="note", user_message_level="warning", reason="r")
    processed = await coordinator.process_hook_result(result, "tool:pre", "lint")
    assert normalise(processed) == normalise(result)
    await coordinator.process_hook_result(backend.result(user_message="m", user_message_source="py-check"), "e", "x")
    assert display.messages == [("note", "warning", "hook:lint"), ("m", "info", "hook:py-check")]


async def test_ask_user_message_is_not_displayed(backend: Backend) -> None:
    display = RecordingDisplay()
    coordinator = backend.coordinator(RecordingApproval("allow"), display)
    await coordinator.process_hook_result(ask(backend, user_message="hidden"), "tool:pre", "h")
    assert display.messages == []


async def test_persisted_injection(backend: Backend) -> None:
    context, display = RecordingContext(), RecordingDisplay()
    coordinator = backend.coordinator(None, display)
    await coordinator.mount("context", context)
    result = backend.result(
        action="inject_context", context_injection="3 lint errors", context_injection_role="user", user_message="um"
    )
    assert changed(await coordinator.process_hook_result(result, "tool:post", "linter")) == {"user_message": "um"}
    (message,) = context.messages
    assert isinstance(message["metadata"].pop("timestamp"), str)
    assert message == {
        "role": "user",
        "content": "3 lint errors",
        "metadata": {"source": "hook", "hook_name": "linter", "event": "tool:post", "requested_role": "user",
                     "ephemeral": False, "persisted": True},
    }  # fmt: skip
    assert display.messages == [("um", "info", "hook:linter")]


async def test_merged_injection_items_are_added_separately(backend: Backend) -> None:
    context = RecordingContext()
    coordinator = backend.coordinator()
    await coordinator.mount("context", context)
    items = [
        {"content": "a", "role": "user", "hook_name": "h1", "event": "e1"},
        {"content": "b", "role": "assistant", "hook_name": "h2", "event": "e2"},
    ]
    result = backend.result(action="inject_context", context_injection="a\n\nb", context_injections=items)
    assert changed(await coordinator.process_hook_result(result, "tool:post", "merged")) == {}
    assert [(m["role"], m["content"], m["metadata"]["hook_name"]) for m in context.messages] == [
        ("user", "a", "h1"),
        ("assistant", "b", "h2"),
    ]


async def test_ephemeral_injection_is_returned(backend: Backend) -> None:
    context = RecordingContext()
    coordinator = backend.coordinator()
    await coordinator.mount("context", context)
    result = backend.result(
        action="inject_context", context_injection="todo", ephemeral=True, reason="r", append_to_last_tool_result=True
    )
    processed = changed(await coordinator.process_hook_result(result, "tool:post", "todo"))
    assert processed == {
        "action": "inject_context",
        "reason": "r",
        "context_injection": "todo",
        "ephemeral": True,
        "append_to_last_tool_result": True,
        "context_injections": [
            {"content": "todo", "role": "system", "ephemeral": True, "append_to_last_tool_result": True,
             "hook_name": "todo", "event": "tool:post"},
        ],
    }  # fmt: skip
    assert context.messages == []


async def test_mixed_items_persist_some_and_return_the_ephemeral_rest(backend: Backend) -> None:
    context = RecordingContext()
    coordinator = backend.coordinator()
    await coordinator.mount("context", context)
    items = [
        {"content": "e1", "ephemeral": True, "hook_name": "h", "event": "e"},
        {"content": "kept", "hook_name": "h", "event": "e"},
        {"content": "e2", "ephemeral": True, "role": "user", "hook_name": "h", "event": "e"},
        {"content": "", "hook_name": "h", "event": "e"},
    ]
    result = backend.result(
        action="inject_context", context_injection="dropped", user_message="u", context_injections=items
    )
    processed = changed(await coordinator.process_hook_result(result, "tool:post", "mixed"))
    assert [(m["content"], m["role"]) for m in context.messages] == [("kept", "system")]
    assert [item["content"] for item in processed.pop("context_injections")] == ["e1", "e2"]
    assert processed == {
        "action": "inject_context",
        "context_injection": "e1\n\ne2",
        "ephemeral": True,
        "user_message": "u",
    }


async def test_injection_without_content_or_context_continues(backend: Backend) -> None:
    coordinator = backend.coordinator()
    for text in (None, "", "text"):
        result = backend.result(action="inject_context", context_injection=text, user_message="u", suppress_output=True)
        processed = await coordinator.process_hook_result(result, "e", "h")
        assert changed(processed) == {"user_message": "u", "suppress_output": True}


async def test_injection_size_limit(backend: Backend) -> None:
    coordinator = backend.coordinator(session={"injection_size_limit": 3})
    result = backend.result(action="inject_context", context_injection="abcd", ephemeral=True)
    with pytest.raises(ValueError, match=r"^Context injection exceeds 3 characters$"):
        await coordinator.process_hook_result(result, "tool:post", "h")
    assert coordinator.injection_size_limit == 3


async def test_mounts_capabilities_contributions_cleanup(backend: Backend) -> None:
    coordinator, order = backend.coordinator(), []
    tool = object()
    await coordinator.mount("tools", tool, name="bash")
    assert coordinator.get("tools", "bash") is tool
    await coordinator.unmount("tools", "bash")
    assert coordinator.get("tools") == {}
    for bad in (("tools", None), ("nowhere", None)):
        with pytest.raises(ValueError):
            await coordinator.mount(bad[0], tool, bad[1])
    coordinator.register_capability("cap", 5)
    assert (coordinator.get_capability("cap"), coordinator.get_capability("missing")) == (5, None)

    async def async_contributor() -> list[str]:
        return ["b"]

    def broken() -> list[str]:
        raise RuntimeError("x")

    coordinator.register_contributor("ch", "a", lambda: ["a"])
    coordinator.register_contributor("ch", "none", lambda: None)
    coordinator.register_contributor("ch", "broken", broken)
    coordinator.register_contributor("ch", "b", async_contributor)
    assert await coordinator.collect_contributions("ch") == [["a"], ["b"]]
    assert await coordinator.collect_contributions("empty") == []

    async def async_cleanup() -> None:
        order.append(2)

    def failing_cleanup() -> None:
        raise RuntimeError("cleanup bug")

    coordinator.register_cleanup(lambda: order.append(1))
    coordinator.register_cleanup(async_cleanup)
    coordinator.register_cleanup(failing_cleanup)
    coordinator.register_cleanup(lambda: order.append(4))
    await coordinator.cleanup()
    assert order == [4, 2, 1]


# -- documented difference: an approval system that raises -------------------


async def test_approval_system_raising(backend: Backend) -> None:
    coordinator = backend.coordinator(RecordingApproval(error=RuntimeError("approval service down")))
    result = ask(backend, approval_default="allow")
    if backend.fails_closed:
        processed = normalise(await coordinator.process_hook_result(result, "tool:pre", "h"))
        assert processed["action"] == "deny"
        assert "RuntimeError" in processed["reason"]
    else:
        with pytest.raises(RuntimeError, match="approval service down"):
            await coordinator.process_hook_result(result, "tool:pre", "h")
