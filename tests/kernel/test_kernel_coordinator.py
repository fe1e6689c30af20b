"""Coordinator: mounts, capabilities, contributions, cleanup, process_hook_result."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Literal

import pytest

from hookgate.kernel import ApprovalTimeoutError, Coordinator, HookRegistry, HookResult, InjectionTooLargeError
from hookgate.kernel.testing import MemoryContext, RecordingDisplay, StaticApproval, create_test_coordinator


class RaisingApproval:
    async def request_approval(
        self, prompt: str, options: list[str], timeout: float, default: Literal["allow", "deny"]
    ) -> str:
        raise ConnectionError("approval service down")


class SilentApproval:
    """Never answers and never enforces its own timeout."""

    async def request_approval(
        self, prompt: str, options: list[str], timeout: float, default: Literal["allow", "deny"]
    ) -> str:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


def ask(**fields: Any) -> HookResult:
    return HookResult(action="ask_user", approval_prompt="Push to main?", **fields)


def test_defaults_and_hooks() -> None:
    hooks = HookRegistry()
    coordinator = Coordinator(hooks=hooks, config={"session": {"injection_size_limit": 10}})
    assert coordinator.hooks is hooks
    assert coordinator.mount_points["hooks"] is hooks
    assert coordinator.session_id
    assert coordinator.injection_size_limit == 10
    assert coordinator.injection_budget_per_turn is None
    assert Coordinator().hooks is not Coordinator().hooks


@pytest.mark.parametrize("bad", [0, -1, "100", 1.5, True])
def test_bad_injection_limits_are_configuration_errors(bad: object) -> None:
    with pytest.raises(ValueError):
        Coordinator(config={"session": {"injection_size_limit": bad}})


async def test_mount_unmount_get() -> None:
    coordinator = Coordinator()
    tool, context = object(), MemoryContext()
    await coordinator.mount("tools", tool, name="bash")
    await coordinator.mount("context", context)
    assert coordinator.get("tools", "bash") is tool
    assert coordinator.get("tools") == {"bash": tool}
    assert coordinator.get("context") is context
    await coordinator.unmount("tools", "bash")
    await coordinator.unmount("context")
    assert coordinator.get("tools") == {}
    assert coordinator.get("context") is None
    with pytest.raises(ValueError, match="Name required for tools"):
        await coordinator.mount("tools", tool)
    with pytest.raises(ValueError, match="Unknown mount point: nowhere"):
        await coordinator.mount("nowhere", tool)
    with pytest.raises(ValueError, match="HookRegistry"):
        await coordinator.mount("hooks", tool)
    with pytest.raises(ValueError):
        coordinator.get("nowhere")


def test_capabilities() -> None:
    coordinator = Coordinator()
    coordinator.register_capability("agents.spawn", len)
    assert coordinator.get_capability("agents.spawn") is len
    assert coordinator.get_capability("missing") is None


async def test_contributions_sync_async_none_and_failures(caplog: pytest.LogCaptureFixture) -> None:
    coordinator = Coordinator()

    async def async_events() -> list[str]:
        return ["b:event"]

    def broken() -> list[str]:
        raise RuntimeError("contributor bug")

    coordinator.register_contributor("observability.events", "a", lambda: ["a:event"])
    coordinator.register_contributor("observability.events", "none", lambda: None)
    coordinator.register_contributor("observability.events", "broken", broken)
    coordinator.register_contributor("observability.events", "b", async_events)
    with caplog.at_level(logging.WARNING, logger="hookgate.kernel"):
        collected = await coordinator.collect_contributions("observability.events")
    assert collected == [["a:event"], ["b:event"]]
    assert "broken" in caplog.text
    assert await coordinator.collect_contributions("empty") == []
    assert [entry["name"] for entry in coordinator.channels["observability.events"]] == ["a", "none", "broken", "b"]


async def test_cleanup_runs_newest_first_once_and_survives_errors(caplog: pytest.LogCaptureFixture) -> None:
    coordinator, order = Coordinator(), []

    async def async_cleanup() -> None:
        order.append("async")

    def failing() -> None:
        raise RuntimeError("cleanup bug")

    coordinator.register_cleanup(lambda: order.append("first"))
    coordinator.register_cleanup(async_cleanup)
    coordinator.register_cleanup(failing)
    coordinator.register_cleanup(lambda: order.append("last"))
    with caplog.at_level(logging.ERROR, logger="hookgate.kernel"):
        await coordinator.cleanup()
        await coordinator.cleanup()
    assert order == ["last", "async", "first"]
    assert "cleanup bug" in caplog.text
    with pytest.raises(TypeError):
        coordinator.register_cleanup(None)  # type: ignore[arg-type]


@pytest.mark.parametrize("answer", ["allow", "Allow once", "ALLOW ALWAYS"])
async def test_grant_answers_continue(answer: str) -> None:
    approval = StaticApproval(answer)
    coordinator = create_test_coordinator(approval=approval)
    assert (await coordinator.process_hook_result(ask(), "tool:pre", "h")).action == "continue"
    assert approval.requests == [("Push to main?", ["Allow", "Deny"], 300.0, "deny")]


@pytest.mark.parametrize("answer", ["Deny", "yes", "", "allowed"])
async def test_other_answers_deny(answer: str) -> None:
    coordinator = create_test_coordinator(approval=StaticApproval(answer))
    result = await coordinator.process_hook_result(ask(), "tool:pre", "h")
    assert result == HookResult(action="deny", reason="User denied: Push to main?")


async def test_options_timeout_and_default_prompt_are_passed_through() -> None:
    approval = StaticApproval("Allow once")
    coordinator = create_test_coordinator(approval=approval)
    result = HookResult(action="ask_user", approval_options=["Allow once", "Deny"], approval_timeout=5)
    await coordinator.process_hook_result(result, "tool:pre", "h")
    assert approval.requests == [("Allow this operation?", ["Allow once", "Deny"], 5.0, "deny")]


@pytest.mark.parametrize(("default", "action"), [("deny", "deny"), ("allow", "continue")])
async def test_timeout_applies_the_default(default: Literal["allow", "deny"], action: str) -> None:
    coordinator = create_test_coordinator(approval=StaticApproval(None))
    result = await coordinator.process_hook_result(ask(approval_default=default), "tool:pre", "h")
    assert result.action == action
    if action == "deny":
        assert result.reason == "Approval timeout - denied by default: Push to main?"


async def test_coordinator_enforces_the_timeout_on_a_silent_approver() -> None:
    coordinator = create_test_coordinator(approval=SilentApproval())
    result = await coordinator.process_hook_result(ask(approval_timeout=0.01), "tool:pre", "h")
    assert result.reason == "Approval timeout - denied by default: Push to main?"


async def test_no_approval_system_denies() -> None:
    result = await create_test_coordinator().process_hook_result(ask(), "tool:pre", "h")
    assert result == HookResult(action="deny", reason="No approval system available")


async def test_failing_approval_system_denies_naming_the_error() -> None:
    coordinator = create_test_coordinator(approval=RaisingApproval())
    result = await coordinator.process_hook_result(ask(approval_default="allow"), "tool:pre", "h")
    assert result.action == "deny"
    assert "ConnectionError" in (result.reason or "")


async def test_approval_system_raising_timeout_subclass_of_ours() -> None:
    class LateApproval(StaticApproval):
        async def request_approval(self, prompt: str, options: list[str], timeout: float, default: Any) -> str:
            raise ApprovalTimeoutError("late")

    coordinator = create_test_coordinator(approval=LateApproval("allow"))
    assert (await coordinator.process_hook_result(ask(), "tool:pre", "h")).action == "deny"


@pytest.mark.parametrize("action", ["continue", "deny", "modify"])
async def test_user_message_is_shown_and_result_returned_as_is(action: str) -> None:
    coordinator = create_test_coordinator()
    result = HookResult.model_validate({"action": action, "user_message": "note", "user_message_level": "warning"})
    assert await coordinator.process_hook_result(result, "tool:pre", "lint") is result
    display = coordinator.display_system
    assert isinstance(display, RecordingDisplay)
    assert display.messages == [("note", "warning", "hook:lint")]


async def test_user_message_source_and_ask_user_silence() -> None:
    coordinator = create_test_coordinator(approval=StaticApproval("allow"))
    await coordinator.process_hook_result(HookResult(user_message="m", user_message_source="py-check"), "e", "h")
    await coordinator.process_hook_result(ask(user_message="not shown"), "e", "h")
    assert isinstance(coordinator.display_system, RecordingDisplay)
    assert coordinator.display_system.messages == [("m", "info", "hook:py-check")]


async def test_async_or_failing_display_never_breaks_processing() -> None:
    shown: list[str] = []

    class AsyncDisplay:
        async def show_message(self, message: str, level: str, source: str = "hook") -> None:
            shown.append(message)

    class BrokenDisplay:
        def show_message(self, message: str, level: str, source: str = "hook") -> None:
            raise RuntimeError("display down")

    result = HookResult(action="deny", user_message="m")
    assert await Coordinator(display_system=AsyncDisplay()).process_hook_result(result, "e", "h") is result  # type: ignore[arg-type]
    assert await Coordinator(display_system=BrokenDisplay()).process_hook_result(result, "e", "h") is result
    assert shown == ["m"]


async def test_persisted_injection_goes_to_context_with_provenance() -> None:
    coordinator = create_test_coordinator()
    result = HookResult(
        action="inject_context", context_injection="lint: 3 errors", context_injection_role="user", user_message="m"
    )
    processed = await coordinator.process_hook_result(result, "tool:post", "linter")
    assert processed == HookResult(action="continue", user_message="m")
    context = coordinator.get("context")
    assert isinstance(context, MemoryContext)
    (message,) = context.messages
    assert (message["role"], message["content"]) == ("user", "lint: 3 errors")
    metadata = message["metadata"]
    assert metadata | {"timestamp": "-"} == {
        "source": "hook",
        "hook_name": "linter",
        "event": "tool:post",
        "timestamp": "-",
        "requested_role": "user",
        "ephemeral": False,
        "persisted": True,
    }


async def test_merged_injections_are_added_one_by_one() -> None:
    coordinator = create_test_coordinator()
    items = [{"content": "a", "role": "user", "hook_name": "h1", "event": "e1"}, {"content": "b"}]
    result = HookResult.model_validate({"action": "inject_context", "context_injections": items})
    await coordinator.process_hook_result(result, "tool:post", "merged")
    context = coordinator.get("context")
    assert [(m["content"], m["metadata"]["hook_name"], m["metadata"]["event"]) for m in context.messages] == [
        ("a", "h1", "e1"),
        ("b", "merged", "tool:post"),
    ]


async def test_ephemeral_injection_is_returned_for_the_orchestrator() -> None:
    coordinator = create_test_coordinator()
    result = HookResult(action="inject_context", context_injection="todo", ephemeral=True)
    processed = await coordinator.process_hook_result(result, "tool:post", "todo")
    assert processed.model_copy(update={"context_injections": []}) == result
    assert [(i.content, i.hook_name, i.event) for i in processed.context_injections] == [("todo", "todo", "tool:post")]
    assert coordinator.get("context").messages == []


async def test_persisted_injection_without_a_context_is_dropped_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="hookgate.kernel"):
        result = await Coordinator().process_hook_result(
            HookResult(action="inject_context", context_injection="x"), "e", "h"
        )
    assert result == HookResult(action="continue")
    assert "no context manager mounted" in caplog.text


async def test_empty_injection_or_no_context_continues() -> None:
    coordinator = Coordinator()
    for text in (None, "", "text"):
        result = HookResult(action="inject_context", context_injection=text)
        assert (await coordinator.process_hook_result(result, "e", "h")).action == "continue"


async def test_injection_size_limit_and_budget(caplog: pytest.LogCaptureFixture) -> None:
    config = {"session": {"injection_size_limit": 8, "injection_budget_per_turn": 3}}
    coordinator = Coordinator(config=config)
    with pytest.raises(InjectionTooLargeError, match="Context injection exceeds 8 characters"):
        await coordinator.process_hook_result(HookResult(action="inject_context", context_injection="x" * 9), "e", "h")
    with caplog.at_level(logging.WARNING, logger="hookgate.kernel"):
        for _ in range(2):
            result = HookResult(action="inject_context", context_injection="abcdefgh")
            assert (await coordinator.process_hook_result(result, "e", "h")).action == "continue"
    assert coordinator.current_turn_injections == 4
    assert "budget exceeded" in caplog.text
    coordinator.reset_turn()
    assert coordinator.current_turn_injections == 0
