"""HookRegistry: ordering, folding of results, data isolation, registration edge cases."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest

from hookgate.kernel import HookRegistry, HookResult

Calls = list[tuple[str, dict[str, Any]]]


def recorder(calls: Calls, label: str, result: Any = None) -> Any:
    async def handler(event: str, data: dict[str, Any]) -> Any:
        calls.append((label, data))
        return result

    return handler


async def test_ascending_priority_ties_in_registration_order() -> None:
    registry, calls = HookRegistry(), []
    registry.register("tool:pre", recorder(calls, "late"), priority=10)
    registry.register("tool:pre", recorder(calls, "tie-1"), priority=0)
    registry.register("tool:pre", recorder(calls, "early"), priority=-5)
    registry.register("tool:pre", recorder(calls, "tie-2"))
    await registry.emit("tool:pre", {})
    assert [label for label, _ in calls] == ["early", "tie-1", "tie-2", "late"]


async def test_first_handler_sees_data_timestamp_and_defaults() -> None:
    registry, calls = HookRegistry(), []
    registry.register("tool:pre", recorder(calls, "h"))
    registry.set_default_fields(session_id="s1", tool_name="default-tool")
    result = await registry.emit("tool:pre", {"tool_name": "bash", "timestamp": "caller's"})
    seen = calls[0][1]
    assert seen["session_id"] == "s1"
    assert seen["tool_name"] == "bash"
    stamp = datetime.fromisoformat(seen["timestamp"])
    assert stamp.utcoffset() == UTC.utcoffset(None)
    assert result.action == "continue"
    assert result.data == seen


async def test_set_default_fields_replaces_earlier_defaults() -> None:
    registry, calls = HookRegistry(), []
    registry.register("e", recorder(calls, "h"))
    registry.set_default_fields(a=1)
    registry.set_default_fields(b=2)
    await registry.emit("e", {})
    assert "a" not in calls[0][1]
    assert calls[0][1]["b"] == 2


async def test_no_handlers_returns_caller_data_without_timestamp() -> None:
    registry = HookRegistry()
    registry.set_default_fields(session_id="s")
    data = {"tool_name": "bash"}
    result = await registry.emit("tool:pre", data)
    assert result == HookResult(action="continue", data={"tool_name": "bash"})
    assert result.data is not data


async def test_modify_replaces_data_for_later_handlers_and_result() -> None:
    registry, calls = HookRegistry(), []
    registry.register("tool:pre", recorder(calls, "m", HookResult(action="modify", data={"redacted": True})))
    registry.register("tool:pre", recorder(calls, "after"))
    result = await registry.emit("tool:pre", {"secret": "x"})
    assert calls[1][1] == {"redacted": True}
    assert result.action == "continue"
    assert result.data == {"redacted": True}


async def test_modify_without_data_changes_nothing() -> None:
    registry, calls = HookRegistry(), []
    registry.register("tool:pre", recorder(calls, "m", HookResult(action="modify")))
    registry.register("tool:pre", recorder(calls, "after"))
    result = await registry.emit("tool:pre", {"k": 1})
    assert calls[1][1]["k"] == 1
    assert result.action == "continue"
    assert result.data is not None and result.data["k"] == 1


async def test_deny_short_circuits_with_the_handlers_own_result() -> None:
    registry, calls = HookRegistry(), []
    denial = HookResult(action="deny", reason="blocked", user_message="no")
    registry.register("tool:pre", recorder(calls, "ask", HookResult(action="ask_user", approval_prompt="?")))
    registry.register("tool:pre", recorder(calls, "deny", denial))
    registry.register("tool:pre", recorder(calls, "never"))
    assert await registry.emit("tool:pre", {}) is denial
    assert [label for label, _ in calls] == ["ask", "deny"]


async def test_first_ask_user_wins_over_injections_and_modify() -> None:
    registry, calls = HookRegistry(), []
    first = HookResult(action="ask_user", approval_prompt="first?")
    registry.register("e", recorder(calls, "inj", HookResult(action="inject_context", context_injection="i")))
    registry.register("e", recorder(calls, "mod", HookResult(action="modify", data={"m": 1})))
    registry.register("e", recorder(calls, "ask1", first))
    registry.register("e", recorder(calls, "ask2", HookResult(action="ask_user", approval_prompt="second?")))
    result = await registry.emit("e", {})
    assert result is first
    assert result.context_injections == []


async def test_injections_merge_in_handler_order() -> None:
    registry, calls = HookRegistry(), []
    one = HookResult(
        action="inject_context", context_injection="a", context_injection_role="user", suppress_output=True
    )
    two = HookResult(action="inject_context", context_injection="b", ephemeral=True, append_to_last_tool_result=True)
    registry.register("tool:post", recorder(calls, "one", one), name="one")
    registry.register("tool:post", recorder(calls, "mod", HookResult(action="modify", data={"m": 1})))
    registry.register("tool:post", recorder(calls, "two", two), name="two")
    result = await registry.emit("tool:post", {})
    assert result.action == "inject_context"
    assert result.data is None
    assert result.context_injection == "a\n\nb"
    assert (result.context_injection_role, result.ephemeral, result.append_to_last_tool_result) == ("user", True, True)
    assert result.suppress_output is True
    assert [(i.content, i.hook_name, i.event) for i in result.context_injections] == [
        ("a", "one", "tool:post"),
        ("b", "two", "tool:post"),
    ]


async def test_single_injection_keeps_its_other_fields_and_empty_one_counts_as_continue() -> None:
    registry, calls = HookRegistry(), []
    registry.register("e", recorder(calls, "none", HookResult(action="inject_context", user_message="ignored")))
    lone = HookResult(action="inject_context", context_injection="x", user_message="hi", reason="why")
    registry.register("e", recorder(calls, "lone", lone), name="lone")
    result = await registry.emit("e", {})
    assert (result.user_message, result.reason, result.context_injection) == ("hi", "why", "x")
    assert [i.hook_name for i in result.context_injections] == ["lone"]


async def test_explicit_injection_list_wins_and_is_tagged() -> None:
    registry = HookRegistry()

    async def handler(event: str, data: dict[str, Any]) -> HookResult:
        items = [{"content": "c1", "role": "user", "hook_name": "spoofed"}, {"content": "c2"}]
        return HookResult.model_validate(
            {"action": "inject_context", "context_injection": "x", "context_injections": items}
        )

    registry.register("e", handler, name="lister")
    result = await registry.emit("e", {})
    assert result.context_injection == "c1\n\nc2"
    assert result.context_injection_role == "user"
    assert {i.hook_name for i in result.context_injections} == {"lister"}


async def test_handler_mutation_never_leaks() -> None:
    registry, seen = HookRegistry(), []

    def mutate(event: str, data: dict[str, Any]) -> None:
        data["injected"] = True
        data["tool_input"]["command"] = "rm -rf /"
        data["tool_input"]["args"].append("--force")

    def observe(event: str, data: dict[str, Any]) -> None:
        seen.append(data)

    registry.register("tool:pre", mutate)
    registry.register("tool:pre", observe)
    caller = {"tool_input": {"command": "ls", "args": ["-l"]}}
    result = await registry.emit("tool:pre", caller)
    assert caller == {"tool_input": {"command": "ls", "args": ["-l"]}}
    assert "injected" not in seen[0]
    assert seen[0]["tool_input"] == {"command": "ls", "args": ["-l"]}
    assert result.data is not None and result.data["tool_input"] == {"command": "ls", "args": ["-l"]}


async def test_sync_handlers_and_dict_results() -> None:
    registry = HookRegistry()
    registry.register("e", lambda event, data: {"action": "modify", "data": {"via": "dict"}})
    registry.register("e", lambda event, data: None)
    result = await registry.emit("e", {})
    assert result.data == {"via": "dict"}


async def test_awaitable_that_is_not_a_coroutine() -> None:
    registry = HookRegistry()

    def returns_future(event: str, data: dict[str, Any]) -> asyncio.Future[HookResult]:
        future: asyncio.Future[HookResult] = asyncio.get_running_loop().create_future()
        future.set_result(HookResult(action="deny", reason="from future"))
        return future

    registry.register("e", returns_future)
    assert (await registry.emit("e", {})).reason == "from future"


async def test_handler_that_really_waits() -> None:
    registry = HookRegistry()

    async def waits(event: str, data: dict[str, Any]) -> HookResult:
        await asyncio.sleep(0)
        return HookResult(action="deny", reason="after waiting")

    registry.register("e", waits)
    assert (await registry.emit("e", {})).reason == "after waiting"


@pytest.mark.parametrize("event", ["tool:pre", "tool:post"])
@pytest.mark.parametrize("garbage", ["allow", 3, {"action": "allow"}, {"action": "continue", "typo_field": 1}])
async def test_garbage_result_denies_naming_the_handler(event: str, garbage: object) -> None:
    registry, calls = HookRegistry(), []
    registry.register(event, lambda e, d: garbage, name="sloppy")
    registry.register(event, recorder(calls, "never"))
    result = await registry.emit(event, {})
    assert result.action == "deny"
    assert result.reason is not None
    assert result.reason.startswith("Hook handler returned invalid response")
    assert "'sloppy'" in result.reason
    assert calls == []


def test_register_rejects_non_callables() -> None:
    with pytest.raises(TypeError):
        HookRegistry().register("e", "not a handler")  # type: ignore[arg-type]


async def test_unregister_callable_removes_exactly_one_registration() -> None:
    registry, calls = HookRegistry(), []
    handler = recorder(calls, "h")
    registry.register("e", handler, name="dup")
    remove_second = registry.on("e", handler, name="dup")
    assert registry.list_handlers("e") == {"e": ["dup", "dup"]}
    remove_second()
    remove_second()
    assert registry.list_handlers("e") == {"e": ["dup"]}
    await registry.emit("e", {})
    assert len(calls) == 1


def test_unregister_by_name_removes_it_everywhere() -> None:
    registry = HookRegistry()
    registry.register("a", lambda e, d: None, name="x")
    registry.register("a", lambda e, d: None, name="x")
    registry.register("b", lambda e, d: None, name="x", priority=1)
    registry.register("b", lambda e, d: None, name="y")
    registry.unregister("x")
    registry.unregister("not-there")
    assert registry.list_handlers() == {"b": ["y"]}
    assert registry.list_handlers("a") == {"a": []}


def test_auto_names_are_unique_and_readable() -> None:
    registry = HookRegistry()

    def check(event: str, data: dict[str, Any]) -> None:
        return None

    registry.register("e", check)
    registry.register("e", check)
    first, second = registry.list_handlers("e")["e"]
    assert first != second
    assert "check" in first


async def test_registration_during_emit_does_not_change_the_running_chain() -> None:
    registry, calls = HookRegistry(), []

    def adds_another(event: str, data: dict[str, Any]) -> None:
        registry.register(event, recorder(calls, "added"), priority=100)

    registry.register("e", adds_another)
    await registry.emit("e", {})
    assert calls == []
    await registry.emit("e", {})
    assert [label for label, _ in calls] == ["added"]
