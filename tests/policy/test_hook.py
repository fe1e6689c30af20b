"""PolicyHook on a real HookRegistry: one handler per event, Decision -> HookResult, failing closed."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from hookgate.kernel import HookRegistry, HookResult
from hookgate.policy.api import Plan, compile_files
from hookgate.policy.decision import Decision
from hookgate.policy.hook import PolicyHook, to_hook_result

RULES = """
- id: no-rm
  tool: bash
  when: {command: {program: rm}}
  deny: {reason: no deletes, user_message: blocked}
- id: ask-push
  tool: bash
  when: {tool_input.command: {prefix: git push}}
  ask: {prompt: "push {tool_input.command}?", timeout: 30s}
- id: timeout
  tool: bash
  when: {tool_input.command: {prefix: sleep}}
  modify: {set: {tool_input.timeout: 5}}
- id: hint
  on: prompt:submit
  inject: {text: be careful, role: user, ephemeral: true}
"""


@pytest.fixture
def plan(tmp_path: Path) -> Plan:
    path = tmp_path / "p.yaml"
    path.write_text("version: 1\npolicy: t\nrules:\n" + textwrap.indent(textwrap.dedent(RULES), "  "))
    return compile_files([path])


def bash(cmd: str) -> dict[str, Any]:
    return {"tool_name": "bash", "tool_input": {"command": cmd}}


def test_registers_one_handler_per_event_and_unregisters_all(plan: Plan) -> None:
    registry = HookRegistry()
    unregister = PolicyHook(plan).register(registry)
    assert registry.list_handlers() == {"prompt:submit": ["hooks-policy"], "tool:pre": ["hooks-policy"]}
    unregister()
    assert registry.list_handlers("tool:pre") == {"tool:pre": []}


def test_events_filter(plan: Plan) -> None:
    registry = HookRegistry()
    PolicyHook(plan, events=["tool:pre", "tool:post"]).register(registry)
    assert list(registry.list_handlers()) == ["tool:pre"]


async def test_decisions_become_hook_results(plan: Plan) -> None:
    registry = HookRegistry()
    PolicyHook(plan).register(registry)
    denied = await registry.emit("tool:pre", bash("rm -rf /tmp/x"))
    assert (denied.action, denied.reason, denied.user_message) == ("deny", "denied by rule `no-rm`: no deletes",
                                                                   "blocked")
    asked = await registry.emit("tool:pre", bash("git push origin"))
    assert asked.action == "ask_user"
    assert (asked.approval_prompt, asked.approval_timeout, asked.approval_default) == ("push git push origin?",
                                                                                        30.0, "deny")
    hook = PolicyHook(plan)
    modified = await hook("tool:pre", bash("sleep 100"))
    assert modified.action == "modify" and modified.data is not None
    assert modified.data["tool_input"]["timeout"] == 5
    injected = await hook("prompt:submit", {"prompt": "hi"})
    assert (injected.action, injected.context_injection, injected.context_injection_role, injected.ephemeral) == (
        "inject_context", "be careful", "user", True)
    assert (await hook("tool:pre", bash("ls"))).action == "continue"


async def test_resolve_ask_decides_asks(plan: Plan) -> None:
    seen: list[str] = []

    async def resolve(event: str, data: Mapping[str, Any], decision: Decision) -> HookResult:
        seen.append(decision.rules[0])
        return HookResult(action="deny", reason="nobody approved")

    result = await PolicyHook(plan, resolve_ask=resolve)("tool:pre", bash("git push"))
    assert (result.action, seen) == ("deny", ["ask-push"])


async def test_on_decision_sees_every_decision_and_cannot_break_it(plan: Plan) -> None:
    log: list[tuple[str, str, int]] = []

    def record(event: str, data: Mapping[str, Any], decision: Decision, latency_ns: int) -> None:
        log.append((event, decision.effect, latency_ns))
        raise RuntimeError("disk full")

    result = await PolicyHook(plan, on_decision=record)("tool:pre", bash("rm x"))
    assert result.action == "deny"
    assert log[0][:2] == ("tool:pre", "deny") and log[0][2] > 0


async def test_failures_deny_unless_fail_open(plan: Plan) -> None:
    def broken_env(data: Mapping[str, Any]) -> Any:
        raise OSError("no cwd")

    closed = await PolicyHook(plan, env_factory=broken_env)("tool:pre", bash("ls"))
    assert closed.action == "deny"
    assert closed.reason is not None and "hooks-policy" in closed.reason and "OSError" in closed.reason
    opened = await PolicyHook(plan, env_factory=broken_env, fail_mode="open")("tool:pre", bash("ls"))
    assert opened.action == "continue"


def test_allow_maps_to_one_shared_continue() -> None:
    assert to_hook_result(Decision("allow")) is to_hook_result(Decision("continue"))
    assert to_hook_result(Decision("ask_user")).action == "deny"  # an ask without a prompt never passes
