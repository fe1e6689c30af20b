"""The ``hooks-policy`` Amplifier module mounted on a real amplifier-core coordinator (and on hookgate's).

Every scenario mounts ``hookgate.integrations.amplifier.mount`` with a real
policy file and drives the coordinator as a host would: emit, then
``process_hook_result``.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import amplifier_core
import pytest
from amplifier_core.loader import ModuleLoader
from amplifier_core.validation.hook import HookValidator
from compat_support import SESSION_CONFIG, Backend

from hookgate.approval import ApprovalBroker
from hookgate.audit import read_records
from hookgate.diagnostics import DiagnosticError
from hookgate.integrations.amplifier import mount
from hookgate.integrations.glue import OWN_EVENTS

REPO = Path(__file__).resolve().parents[2]
POLICY = str(REPO / "tests" / "integrations" / "data" / "amplifier.policy.yaml")
RM = {"name": "bash", "input": {"command": "rm -rf /srv/app"}}
PUSH = {"name": "bash", "input": {"command": "git push origin main"}}
MAKE = {"name": "bash", "input": {"command": "make all"}}
LS = {"name": "bash", "input": {"command": "ls"}}


class AnsweringApproval:
    """A host approval system that answers every request with ``answer`` and remembers the prompts."""

    def __init__(self, answer: str) -> None:
        self.answer = answer
        self.prompts: list[str] = []

    async def request_approval(self, prompt: str, options: list[str], timeout: float, default: str) -> str:
        self.prompts.append(prompt)
        return self.answer


def ours(coordinator: Any) -> dict[str, list[str]]:
    return {e: names for e, names in coordinator.hooks.list_handlers().items() if "hooks-policy" in names}


async def test_mount_registers_before_other_hooks_and_cleanup_removes_it(backend: Backend) -> None:
    coordinator = backend.coordinator()
    coordinator.hooks.register("tool:pre", lambda event, data: None, 0, "host-hook")
    cleanup = await mount(coordinator, {"policies": [POLICY]})
    assert coordinator.hooks.list_handlers("tool:pre") == {"tool:pre": ["hooks-policy", "host-hook"]}
    cleanup()
    assert ours(coordinator) == {}
    assert coordinator.hooks.list_handlers("tool:pre") == {"tool:pre": ["host-hook"]}


async def test_deny_and_the_violation_event(backend: Backend) -> None:
    coordinator = backend.coordinator()
    seen: list[tuple[str, Any]] = []
    arrived = asyncio.Event()

    async def observer(event: str, data: dict[str, Any]) -> None:
        seen.append((event, data["rules"]))
        arrived.set()

    coordinator.hooks.register("policy:violation", observer, 0, "observer")
    cleanup = await mount(coordinator, {"policies": [POLICY]})
    result = await coordinator.hooks.emit("tool:pre", RM)
    assert (result.action, result.reason) == (
        "deny", "denied by rule `no-recursive-force-delete`: Recursive force deletes are not allowed.")
    await asyncio.wait_for(arrived.wait(), timeout=10)
    assert seen == [("policy:violation", ["no-recursive-force-delete"])]
    cleanup()


async def test_modify_rewrites_the_data_later_handlers_see(backend: Backend) -> None:
    coordinator = backend.coordinator()
    later: list[dict[str, Any]] = []
    coordinator.hooks.register("tool:pre", lambda event, data: later.append(data), 0, "tool-runner")
    cleanup = await mount(coordinator, {"policies": [POLICY]})
    result = await coordinator.hooks.emit("tool:pre", MAKE)
    assert result.action == "continue"
    assert result.data["input"] == {"command": "make all", "timeout": 60}
    assert later[0]["input"] == {"command": "make all", "timeout": 60}
    assert (await coordinator.hooks.emit("tool:pre", LS)).action == "continue"
    cleanup()


@pytest.mark.parametrize(("answer", "action"), [("Allow", "continue"), ("allow always", "continue"), ("Deny", "deny")])
async def test_ask_is_resolved_by_the_hosts_approval_system(backend: Backend, answer: str, action: str) -> None:
    approval = AnsweringApproval(answer)
    coordinator = backend.coordinator(approval=approval)
    cleanup = await mount(coordinator, {"policies": [POLICY]})
    asked = await coordinator.hooks.emit("tool:pre", PUSH)
    assert (asked.action, asked.approval_prompt, asked.approval_timeout) == ("ask_user", "Push: git push origin main?",
                                                                             30.0)
    final = await coordinator.process_hook_result(asked, "tool:pre", "hooks-policy")
    assert final.action == action
    assert approval.prompts == ["Push: git push origin main?"]
    if action == "deny":
        assert final.reason == "User denied: Push: git push origin main?"
    assert coordinator.approval_system is approval  # the host's own system is never replaced
    cleanup()


async def test_an_ask_for_the_host_is_held_to_the_configured_caps(backend: Backend, tmp_path: Path) -> None:
    """`approval.timeout`/`approval.default` cap a rule's ask on the host's path too, not only the broker's."""
    policy = tmp_path / "lenient.yaml"
    policy.write_text("version: 1\npolicy: lenient\nrules:\n  - id: lenient-push\n    tool: bash\n"
                      "    when: {command: {prefix: [git, push]}}\n"
                      "    ask: {prompt: \"Push?\", timeout: 10m, default: allow}\n")
    coordinator = backend.coordinator(approval=AnsweringApproval("Deny"))
    cleanup = await mount(coordinator, {"policies": [str(policy)], "approval": {"timeout": "5s", "default": "deny"}})
    asked = await coordinator.hooks.emit("tool:pre", PUSH)
    assert (asked.action, asked.approval_timeout, asked.approval_default) == ("ask_user", 5.0, "deny")
    cleanup()


async def test_an_ask_that_also_rewrote_the_call_is_not_left_to_the_host(backend: Backend) -> None:
    """A HookResult carries an ask or a rewrite, not both: a host that approves would run the call
    unrewritten, so the hook denies instead, naming the rewrite."""
    approval = AnsweringApproval("Allow")
    coordinator = backend.coordinator(approval=approval)
    cleanup = await mount(coordinator, {"policies": [POLICY]})
    line = {"name": "bash", "input": {"command": "make deploy && git push origin main"}}
    result = await coordinator.hooks.emit("tool:pre", line)
    assert result.action == "deny" and "`pin-make-timeout`" in (result.reason or "")
    assert approval.prompts == []
    cleanup()


@pytest.mark.parametrize("shape", ['{"command": "rm -rf /srv/app"}', ["rm", "-rf", "/srv/app"], 7])
async def test_a_tool_input_that_is_not_an_object_is_denied(backend: Backend, shape: Any) -> None:
    """JSON arguments a host did not decode (or a list, a number) have no fields for rules to read:
    every rule on `input.command` would pass the call, so the hook denies it."""
    coordinator = backend.coordinator()
    cleanup = await mount(coordinator, {"policies": [POLICY]})
    result = await coordinator.hooks.emit("tool:pre", {"name": "bash", "input": shape})
    assert result.action == "deny" and "not an object" in (result.reason or "")
    cleanup()


async def test_without_a_host_approval_system_the_broker_answers(backend: Backend, tmp_path: Path) -> None:
    coordinator = backend.coordinator()
    log = tmp_path / "decisions.jsonl"
    config = {"policies": [POLICY], "approval": {"channel": "allow_tools", "allow_tools": ["bash"]},
              "decision_log": {"path": str(log)}}
    cleanup = await mount(coordinator, config)
    assert isinstance(coordinator.approval_system, ApprovalBroker)
    assert (await coordinator.hooks.emit("tool:pre", PUSH)).action == "continue"  # granted inside the hook
    other = backend.result(action="ask_user", approval_prompt="Other hook asks", approval_options=["Allow", "Deny"])
    resolved = await coordinator.process_hook_result(other, "tool:pre", "other-hook")
    # answered by the broker (its non-interactive channel allows only `bash`), not "No approval system available"
    assert (resolved.action, resolved.reason) == ("deny", "User denied: Other hook asks")
    cleanup()
    assert coordinator.approval_system is None
    records = list(read_records([log]))
    assert [(r.effect, r.rules, r.approval.outcome if r.approval else None) for r in records] == [
        ("ask_user", ("ask-before-push",), "granted")]
    assert records[0].host == "amplifier"


async def test_a_broker_denial_names_the_rule_and_the_outcome(backend: Backend) -> None:
    coordinator = backend.coordinator()
    cleanup = await mount(coordinator, {"policies": [POLICY], "approval": {"channel": "deny_all"}})
    result = await coordinator.hooks.emit("tool:pre", PUSH)
    assert result.action == "deny"
    assert result.reason.startswith("denied by rule `ask-before-push`: approval denied (non-interactive")
    cleanup()


async def test_a_policy_that_does_not_load_locks_the_gates(backend: Backend, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 1\npolicy: broken\nrules:\n  - id: x\n    denny: typo\n")
    coordinator = backend.coordinator()
    cleanup = await mount(coordinator, {"policies": [str(broken)]})
    for event, data in (("tool:pre", LS), ("prompt:submit", {"prompt": "hi"}), ("provider:request", {})):
        result = await coordinator.hooks.emit(event, data)
        assert result.action == "deny", event
        assert result.reason.startswith("denied by hook `hooks-policy`: its config or policy did not load (")
        assert f"({broken}:4:5: rule `x` has no effect;" in result.reason
        assert "; and 1 more error(s))" in result.reason
    cleanup()
    assert ours(coordinator) == {}
    with pytest.raises(Exception, match="denny"):
        await mount(backend.coordinator(), {"policies": [str(broken)], "fail_mode": "open"})


async def test_inline_rules_with_a_schema_error_lock_the_gates_naming_it(backend: Backend) -> None:
    """A host passes inline rules as plain data, without positions: a schema error in one of them is
    reported with the other rules' errors, where reporting them used to raise IndexError."""
    rules = [{"id": "typo", "denny": "x"}, {"id": "op", "when": {"tool_input.command": {"prefixx": "rm"}}, "deny": "x"}]
    coordinator = backend.coordinator()
    cleanup = await mount(coordinator, {"rules": rules})
    result = await coordinator.hooks.emit("tool:pre", LS)
    assert result.action == "deny" and "index out of range" not in result.reason
    assert "rule `op`: unknown operator `prefixx`" in result.reason and "; and 2 more error(s))" in result.reason
    cleanup()
    with pytest.raises(DiagnosticError) as raised:
        await mount(backend.coordinator(), {"rules": rules, "fail_mode": "open"})
    assert [d.code for d in raised.value.diagnostics] == [
        "compile.unknown_operator", "schema.no_effect", "schema.unknown_field"]


async def test_a_key_that_is_not_text_is_an_unknown_operator_not_a_crash(backend: Backend) -> None:
    """A host that read its config with YAML 1.1 passes `yes:`/`on:` keys as True: the "did you mean" for the
    unknown operator raised TypeError, and the gates were locked with that as the reason."""
    rules = [{"id": "r", "when": {"tool_name": {True: "bash"}}, "deny": "x"}]
    coordinator = backend.coordinator()
    cleanup = await mount(coordinator, {"rules": rules})
    result = await coordinator.hooks.emit("tool:pre", LS)
    assert result.action == "deny" and "rule `r`: unknown operator `True`" in result.reason
    cleanup()
    with pytest.raises(DiagnosticError, match="unknown operator `True`"):
        await mount(backend.coordinator(), {"rules": rules, "fail_mode": "open"})


async def test_a_config_typo_also_locks_the_gates(backend: Backend) -> None:
    coordinator = backend.coordinator()
    cleanup = await mount(coordinator, {"policies": [POLICY], "fail_mod": "open"})
    result = await coordinator.hooks.emit("tool:pre", LS)
    assert result.action == "deny" and "fail_mod" in result.reason
    cleanup()


async def test_contributes_its_event_names(backend: Backend) -> None:
    coordinator = backend.coordinator()
    cleanup = await mount(coordinator, {"policies": [POLICY]})
    assert list(OWN_EVENTS) in await coordinator.collect_contributions("observability.events")
    cleanup()


async def test_a_policy_on_its_own_events_cannot_loop(backend: Backend, tmp_path: Path) -> None:
    policy = tmp_path / "loop.yaml"
    policy.write_text("version: 1\npolicy: loop\nrules:\n  - id: deny-all\n    on: [tool:pre, policy:violation]\n"
                      "    deny: everything is denied\n")
    coordinator = backend.coordinator()
    violations: list[str] = []
    arrived = asyncio.Event()

    def observer(event: str, data: dict[str, Any]) -> None:
        violations.append(data["event"])
        arrived.set()

    coordinator.hooks.register("policy:violation", observer, -1000, "observer")  # sees each emit before we deny it
    cleanup = await mount(coordinator, {"policies": [str(policy)]})
    assert (await coordinator.hooks.emit("tool:pre", LS)).action == "deny"
    await asyncio.wait_for(arrived.wait(), timeout=10)
    for _ in range(50):  # give a (wrongly) scheduled follow-up emit every chance to run
        await asyncio.sleep(0)
    assert violations == ["tool:pre"]  # our deny of that policy:violation is not announced again
    cleanup()


async def test_empty_config_mounts_nothing(backend: Backend) -> None:
    coordinator = backend.coordinator()
    cleanup = await mount(coordinator, {})
    assert ours(coordinator) == {}
    cleanup()


# -- amplifier-core's own tools ----------------------------------------------------------------------


def test_amplifier_core_validate_hook_passes() -> None:
    exe = Path(sys.executable).with_name("amplifier-core")
    argv = [str(exe)] if exe.exists() else [sys.executable, "-m", "amplifier_core.cli"]
    proc = subprocess.run([*argv, "validate", "hook", "src/hookgate/integrations/amplifier.py"], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "PASSED" in proc.stdout


async def test_validator_with_a_policy_config_passes() -> None:
    result = await HookValidator().validate("hookgate.integrations.amplifier", config={"policies": [POLICY]})
    assert result.passed, [(c.name, c.message) for c in result.checks if not c.passed]
    assert "Hooks registered via coordinator.hooks.register()" in [c.message for c in result.checks]


async def test_loaded_by_module_id_through_the_entry_point() -> None:
    session = types.SimpleNamespace(session_id="s", parent_id=None, config=SESSION_CONFIG)
    coordinator = amplifier_core.ModuleCoordinator(session, AnsweringApproval("Deny"), None)
    mount_fn = await ModuleLoader(coordinator=coordinator).load("hooks-policy", {"policies": [POLICY]})
    cleanup = await mount_fn(coordinator)
    assert (await coordinator.hooks.emit("tool:pre", RM)).action == "deny"
    cleanup()
    assert ours(coordinator) == {}
