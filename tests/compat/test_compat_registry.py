"""The same HookRegistry scenarios on hookgate and amplifier-core 2.0.2: identical outcomes.

Each test runs once per backend against one expected outcome (so the two
agree by construction). The only expectations that depend on the backend
are the documented fail-closed differences at the bottom.
"""

from __future__ import annotations

import asyncio
from typing import Any

from compat_support import Backend, changed, normalise


def recorder(calls: list[tuple[str, dict[str, Any]]], label: str, result: Any = None) -> Any:
    async def handler(event: str, data: dict[str, Any]) -> Any:
        calls.append((label, dict(data)))
        return result

    return handler


async def test_priority_order_and_ties(backend: Backend) -> None:
    registry, calls = backend.new_registry(), []
    registry.register("tool:pre", recorder(calls, "p10"), priority=10, name="p10")
    registry.register("tool:pre", recorder(calls, "tie-a"), priority=0, name="tie-a")
    registry.register("tool:pre", recorder(calls, "p-5"), priority=-5, name="p-5")
    registry.register("tool:pre", recorder(calls, "tie-b"), priority=0, name="tie-b")
    await registry.emit("tool:pre", {"x": 1})
    assert [label for label, _ in calls] == ["p-5", "tie-a", "tie-b", "p10"]
    assert registry.list_handlers("tool:pre") == {"tool:pre": ["p-5", "tie-a", "tie-b", "p10"]}


async def test_no_handlers_returns_data_unchanged(backend: Backend) -> None:
    registry = backend.new_registry()
    registry.set_default_fields(session_id="s")
    result = await registry.emit("tool:pre", {"tool_name": "bash"})
    assert result.model_dump()["data"] == {"tool_name": "bash"}
    assert changed(result) == {"data": {"tool_name": "bash"}}


async def test_set_default_fields_and_timestamp(backend: Backend) -> None:
    registry, calls = backend.new_registry(), []
    registry.register("tool:pre", recorder(calls, "h"), name="h")
    registry.set_default_fields(session_id="s1", tool_name="default")
    result = await registry.emit("tool:pre", {"tool_name": "bash"})
    seen = calls[0][1]
    assert isinstance(seen.pop("timestamp"), str)
    assert seen == {"session_id": "s1", "tool_name": "bash"}
    assert changed(result) == {"data": {"session_id": "s1", "tool_name": "bash"}}


async def test_deny_short_circuits(backend: Backend) -> None:
    registry, calls = backend.new_registry(), []
    registry.register("tool:pre", recorder(calls, "first"), name="first")
    registry.register("tool:pre", recorder(calls, "deny", backend.result(action="deny", reason="nope")), name="deny")
    registry.register("tool:pre", recorder(calls, "never"), name="never")
    result = await registry.emit("tool:pre", {})
    assert [label for label, _ in calls] == ["first", "deny"]
    assert changed(result) == {"action": "deny", "reason": "nope"}


async def test_modify_chaining(backend: Backend) -> None:
    registry, calls = backend.new_registry(), []
    first = backend.result(action="modify", data={"command": "ls", "step": 1})
    second = backend.result(action="modify", data={"command": "ls -l", "step": 2})
    registry.register("tool:pre", recorder(calls, "m1", first), name="m1")
    registry.register("tool:pre", recorder(calls, "m2", second), name="m2")
    registry.register("tool:pre", recorder(calls, "obs"), name="obs")
    result = await registry.emit("tool:pre", {"command": "rm"})
    assert calls[1][1] == {"command": "ls", "step": 1}
    assert calls[2][1] == {"command": "ls -l", "step": 2}
    assert changed(result) == {"data": {"command": "ls -l", "step": 2}}


async def test_modify_without_data_is_ignored(backend: Backend) -> None:
    registry = backend.new_registry()
    registry.register("tool:pre", recorder([], "m", backend.result(action="modify")), name="m")
    assert changed(await registry.emit("tool:pre", {"k": 1})) == {"data": {"k": 1}}


async def test_deny_after_ask(backend: Backend) -> None:
    registry = backend.new_registry()
    registry.register("tool:pre", recorder([], "ask", backend.result(action="ask_user", approval_prompt="?")), name="a")
    registry.register("tool:pre", recorder([], "deny", backend.result(action="deny", reason="later deny")), name="d")
    assert changed(await registry.emit("tool:pre", {})) == {"action": "deny", "reason": "later deny"}


async def test_first_ask_wins_over_inject_and_modify(backend: Backend) -> None:
    registry = backend.new_registry()
    registry.register("e", recorder([], "i", backend.result(action="inject_context", context_injection="i")), name="i")
    registry.register("e", recorder([], "m", backend.result(action="modify", data={"m": 1})), name="m")
    registry.register("e", recorder([], "a1", backend.result(action="ask_user", approval_prompt="one?")), name="a1")
    registry.register("e", recorder([], "a2", backend.result(action="ask_user", approval_prompt="two?")), name="a2")
    assert changed(await registry.emit("e", {})) == {"action": "ask_user", "approval_prompt": "one?"}


async def test_inject_context_merging(backend: Backend) -> None:
    registry = backend.new_registry()
    one = backend.result(
        action="inject_context", context_injection="a", context_injection_role="user", suppress_output=True
    )
    two = backend.result(
        action="inject_context",
        context_injection="b",
        ephemeral=True,
        append_to_last_tool_result=True,
        user_message="u",
    )
    registry.register("tool:post", recorder([], "empty", backend.result(action="inject_context")), name="empty")
    registry.register("tool:post", recorder([], "one", one), name="one")
    registry.register("tool:post", recorder([], "mod", backend.result(action="modify", data={"m": 1})), name="mod")
    registry.register("tool:post", recorder([], "two", two), name="two")
    result = await registry.emit("tool:post", {"q": 1})
    assert changed(result) == {
        "action": "inject_context",
        "context_injection": "a\n\nb",
        "context_injection_role": "user",
        "ephemeral": True,
        "append_to_last_tool_result": True,
        "suppress_output": True,
        "context_injections": [
            {"content": "a", "role": "user", "ephemeral": False, "append_to_last_tool_result": False,
             "hook_name": "one", "event": "tool:post"},
            {"content": "b", "role": "system", "ephemeral": True, "append_to_last_tool_result": True,
             "hook_name": "two", "event": "tool:post"},
        ],
    }  # fmt: skip


async def test_single_inject_keeps_its_fields(backend: Backend) -> None:
    registry = backend.new_registry()
    lone = backend.result(action="inject_context", context_injection="x", user_message="hi", reason="why")
    registry.register("e", recorder([], "lone", lone), name="lone")
    result = changed(await registry.emit("e", {}))
    assert result.pop("context_injections") == [
        {"content": "x", "role": "system", "ephemeral": False, "append_to_last_tool_result": False,
         "hook_name": "lone", "event": "e"},
    ]  # fmt: skip
    assert result == {"action": "inject_context", "context_injection": "x", "user_message": "hi", "reason": "why"}


async def test_explicit_injection_list(backend: Backend) -> None:
    registry = backend.new_registry()
    items = [{"content": "c1", "role": "user", "ephemeral": True, "hook_name": "spoof"}, {"content": "c2"}]
    listed = backend.result(action="inject_context", context_injection="ignored", context_injections=items)
    registry.register("e", recorder([], "lister", listed), name="lister")
    result = changed(await registry.emit("e", {}))
    assert (result["context_injection"], result["context_injection_role"], result["ephemeral"]) == (
        "c1\n\nc2",
        "user",
        True,
    )
    assert [(i["content"], i["hook_name"]) for i in result["context_injections"]] == [
        ("c1", "lister"),
        ("c2", "lister"),
    ]


async def test_sync_handlers_and_dict_results(backend: Backend) -> None:
    registry, seen = backend.new_registry(), []

    def sync_modify(event: str, data: dict[str, Any]) -> dict[str, Any]:
        return {"action": "modify", "data": {"via": "dict"}}

    def sync_observe(event: str, data: dict[str, Any]) -> None:
        seen.append(dict(data))

    def sync_deny_dict(event: str, data: dict[str, Any]) -> dict[str, Any]:
        return {"action": "deny", "reason": "dict deny"}

    registry.register("e", sync_modify, name="m")
    registry.register("e", sync_observe, name="o")
    assert changed(await registry.emit("e", {})) == {"data": {"via": "dict"}}
    assert seen == [{"via": "dict"}]
    registry.register("e", sync_deny_dict, name="d")
    assert changed(await registry.emit("e", {})) == {"action": "deny", "reason": "dict deny"}


async def test_garbage_results_deny(backend: Backend) -> None:
    for garbage in ("allow", 42, {"action": "allow"}):
        registry = backend.new_registry()
        registry.register("tool:post", lambda event, data, garbage=garbage: garbage, name="sloppy")
        registry.register("tool:post", recorder([], "never", backend.result(action="modify", data={"x": 1})), name="n")
        result = normalise(await registry.emit("tool:post", {}))
        assert result["action"] == "deny"
        assert result["reason"].startswith("Hook handler returned invalid response")
        if backend.fails_closed:
            assert "'sloppy'" in result["reason"]


async def test_handler_mutation_does_not_leak(backend: Backend) -> None:
    registry, seen = backend.new_registry(), []

    def mutate(event: str, data: dict[str, Any]) -> None:
        data["added"] = True
        data["tool_input"]["command"] = "rm -rf /"

    def observe(event: str, data: dict[str, Any]) -> None:
        seen.append(data)

    registry.register("tool:pre", mutate, name="mutate")
    registry.register("tool:pre", observe, name="observe")
    caller = {"tool_input": {"command": "ls"}}
    result = await registry.emit("tool:pre", caller)
    assert caller == {"tool_input": {"command": "ls"}}
    assert {k: v for k, v in seen[0].items() if k != "timestamp"} == caller
    assert changed(result) == {"data": caller}


async def test_unregister_callable_and_by_name(backend: Backend) -> None:
    registry, calls = backend.new_registry(), []
    remove = registry.register("e", recorder(calls, "a"), name="a")
    registry.register("e", recorder(calls, "b"), name="b")
    registry.register("e", recorder(calls, "dup"), name="dup")
    remove_dup = registry.register("e", recorder(calls, "dup2"), name="dup")
    assert registry.list_handlers("e") == {"e": ["a", "b", "dup", "dup"]}
    remove()
    remove()
    remove_dup()
    registry.unregister("b")
    assert registry.list_handlers("e") == {"e": ["dup"]}
    await registry.emit("e", {})
    assert [label for label, _ in calls] == ["dup"]


async def test_unnamed_handlers_get_a_name(backend: Backend) -> None:
    registry = backend.new_registry()
    registry.register("e", recorder([], "x"))
    (name,) = registry.list_handlers("e")["e"]
    assert isinstance(name, str) and name


async def test_emit_and_collect_with_a_slow_handler(backend: Backend) -> None:
    registry = backend.new_registry()

    async def slow(event: str, data: dict[str, Any]) -> Any:
        await asyncio.Event().wait()

    async def boom(event: str, data: dict[str, Any]) -> Any:
        raise RuntimeError("collect bug")

    registry.register("decide", recorder([], "b", backend.result(data={"pick": "b"})), priority=2, name="b")
    registry.register("decide", slow, priority=1, name="slow")
    registry.register("decide", boom, priority=1, name="boom")
    registry.register("decide", lambda e, d: {"data": {"pick": "a"}}, priority=0, name="a")
    registry.register("decide", recorder([], "none", None), priority=3, name="none")
    assert await registry.emit_and_collect("decide", {"q": 1}, timeout=0.02) == [{"pick": "a"}, {"pick": "b"}]
    assert await registry.emit_and_collect("nothing", {"q": 1}) == []


async def test_results_cross_between_backends(backend: Backend) -> None:
    """A handler written against the other library's HookResult still works."""
    from compat_support import AMPLIFIER, HOOKGATE

    other = AMPLIFIER if backend is HOOKGATE else HOOKGATE
    registry = backend.new_registry()
    registry.register("e", recorder([], "x", other.result(action="deny", reason="foreign")), name="x")
    assert changed(await registry.emit("e", {})) == {"action": "deny", "reason": "foreign"}


# -- documented differences: hookgate fails closed -----------------------------


async def test_raising_handler_on_gating_event(backend: Backend) -> None:
    registry = backend.new_registry()

    async def boom(event: str, data: dict[str, Any]) -> Any:
        raise RuntimeError("handler bug")

    registry.register("tool:pre", boom, name="buggy")
    result = normalise(await registry.emit("tool:pre", {"k": 1}))
    if backend.fails_closed:
        assert result["action"] == "deny"
        assert "'buggy'" in result["reason"] and "fail closed" in result["reason"]
    else:
        assert (result["action"], result["data"]) == ("continue", {"k": 1})


async def test_raising_handler_on_other_events_is_skipped_by_both(backend: Backend) -> None:
    registry = backend.new_registry()

    def boom(event: str, data: dict[str, Any]) -> Any:
        raise RuntimeError("handler bug")

    registry.register("tool:post", boom, name="buggy")
    registry.register("tool:post", recorder([], "m", backend.result(action="modify", data={"ok": 1})), name="m")
    assert changed(await registry.emit("tool:post", {"k": 1})) == {"data": {"ok": 1}}
