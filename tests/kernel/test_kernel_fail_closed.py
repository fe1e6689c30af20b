"""Fail closed: raising or timed-out handlers deny on gating events and are skipped elsewhere."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from hookgate.kernel import GATING_EVENTS, HookRegistry, HookResult


async def boom(event: str, data: dict[str, Any]) -> HookResult:
    raise RuntimeError("handler bug")


async def hangs(event: str, data: dict[str, Any]) -> HookResult:
    await asyncio.Event().wait()
    raise AssertionError("unreachable")


def allow(event: str, data: dict[str, Any]) -> HookResult:
    return HookResult(action="continue")


@pytest.mark.parametrize("event", sorted(GATING_EVENTS))
async def test_raising_handler_denies_on_gating_events(event: str, caplog: pytest.LogCaptureFixture) -> None:
    registry = HookRegistry()
    registry.register(event, boom, name="buggy")
    registry.register(event, allow, name="later")
    with caplog.at_level(logging.ERROR, logger="hookgate.kernel"):
        result = await registry.emit(event, {})
    assert result.action == "deny"
    assert result.reason is not None
    assert "'buggy'" in result.reason and "RuntimeError" in result.reason and "fail closed" in result.reason
    assert "handler bug" not in result.reason  # exception text stays in the log, not in the agent's view
    assert any("buggy" in record.getMessage() for record in caplog.records)


async def test_raising_sync_handler_denies_too() -> None:
    registry = HookRegistry()

    def sync_boom(event: str, data: dict[str, Any]) -> None:
        raise KeyError("tool_name")

    registry.register("tool:pre", sync_boom, name="sync")
    result = await registry.emit("tool:pre", {})
    assert result.action == "deny" and "'sync'" in (result.reason or "")


async def test_raising_handler_is_skipped_on_other_events(caplog: pytest.LogCaptureFixture) -> None:
    registry = HookRegistry()
    registry.register("tool:post", boom, name="buggy")
    registry.register("tool:post", lambda e, d: HookResult(action="modify", data={"ok": True}))
    with caplog.at_level(logging.ERROR, logger="hookgate.kernel"):
        result = await registry.emit("tool:post", {})
    assert result.action == "continue"
    assert result.data == {"ok": True}
    assert any("buggy" in record.getMessage() for record in caplog.records)


async def test_timeout_denies_on_gating_event() -> None:
    registry = HookRegistry(handler_timeout=0.01)
    registry.register("tool:pre", hangs, name="slow")
    result = await registry.emit("tool:pre", {})
    assert result.action == "deny"
    assert "'slow'" in (result.reason or "") and "timed out" in (result.reason or "")


async def test_timeout_is_skipped_on_other_events() -> None:
    registry = HookRegistry(handler_timeout=0.01)
    registry.register("tool:post", hangs, name="slow")
    registry.register("tool:post", lambda e, d: HookResult(action="deny", reason="second ran"))
    assert (await registry.emit("tool:post", {})).reason == "second ran"


async def test_timeout_leaves_quick_handlers_alone() -> None:
    registry = HookRegistry(handler_timeout=5.0)

    async def waits_briefly(event: str, data: dict[str, Any]) -> HookResult:
        await asyncio.sleep(0)
        return HookResult(action="modify", data={"waited": True})

    registry.register("tool:pre", waits_briefly)
    registry.register("tool:pre", allow)
    assert (await registry.emit("tool:pre", {})).data == {"waited": True}


def test_handler_timeout_must_be_positive() -> None:
    with pytest.raises(ValueError):
        HookRegistry(handler_timeout=0)


async def test_configurable_gating_set() -> None:
    registry = HookRegistry(gating_events=["tool:post"])
    registry.add_gating_events("AFTER_LLM", "decision:custom")
    assert {"tool:pre", "tool:post", "provider:response", "decision:custom"} <= registry.gating_events
    for event in ("tool:post", "provider:response", "decision:custom"):
        registry.register(event, boom, name="buggy")
        assert (await registry.emit(event, {})).action == "deny"


async def test_cancellation_propagates_and_reaches_the_handler() -> None:
    registry = HookRegistry(handler_timeout=30.0)
    cancelled = asyncio.Event()

    async def waits(event: str, data: dict[str, Any]) -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    registry.register("tool:pre", waits)
    task = asyncio.create_task(registry.emit("tool:pre", {}))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert cancelled.is_set()


async def test_handler_may_handle_an_error_thrown_into_it() -> None:
    registry = HookRegistry(handler_timeout=0.01)

    async def recovers(event: str, data: dict[str, Any]) -> HookResult:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            await asyncio.sleep(0)
            raise
        return HookResult()

    registry.register("tool:pre", recovers, name="recovers")
    assert (await registry.emit("tool:pre", {})).action == "deny"


async def test_emit_and_collect_skips_failures_and_timeouts(caplog: pytest.LogCaptureFixture) -> None:
    registry = HookRegistry()
    registry.register("decide", hangs, name="slow", priority=1)
    registry.register("decide", boom, name="buggy", priority=2)
    registry.register("decide", lambda e, d: "garbage", name="garbage", priority=3)
    registry.register("decide", lambda e, d: {"data": {"pick": "b"}}, priority=4)
    registry.register("decide", lambda e, d: HookResult(data={"pick": "a"}), priority=0)
    registry.register("decide", lambda e, d: HookResult(action="deny"), priority=5)
    with caplog.at_level(logging.WARNING, logger="hookgate.kernel"):
        collected = await registry.emit_and_collect("decide", {"q": 1}, timeout=0.01)
    assert collected == [{"pick": "a"}, {"pick": "b"}]
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "slow" in logged and "buggy" in logged and "garbage" in logged


async def test_emit_and_collect_passes_raw_data_copies() -> None:
    registry = HookRegistry()
    registry.set_default_fields(session_id="s")

    def echo(event: str, data: dict[str, Any]) -> HookResult:
        data["mutated"] = True
        return HookResult(data=data)

    registry.register("decide", echo)
    caller = {"q": 1}
    assert await registry.emit_and_collect("decide", caller, timeout=None) == [{"q": 1, "mutated": True}]
    assert caller == {"q": 1}
    assert await registry.emit_and_collect("nothing", caller) == []
