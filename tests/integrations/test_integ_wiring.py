"""``build_policy_hook``: config → compiled hook, approval path, decision log, working directory."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest

from hookgate.approval import ApprovalRequest, CallbackChannel, ChannelAnswer
from hookgate.audit import read_records
from hookgate.diagnostics import DiagnosticError
from hookgate.integrations.wiring import build_policy_hook, load_config
from hookgate.kernel import Coordinator, HookRegistry

DATA = Path(__file__).parent / "data"
PUSH = {"name": "bash", "input": {"command": "git push origin main"}}


class Answers:
    """A programmatic approver: answers each request with the next queued answer, or never (``None``)."""

    def __init__(self, *answers: str | None) -> None:
        self.answers = list(answers)
        self.requests: list[ApprovalRequest] = []

    async def __call__(self, request: ApprovalRequest) -> ChannelAnswer:
        self.requests.append(request)
        answer = self.answers.pop(0)
        if answer is None:
            await asyncio.Event().wait()  # nobody answers
        return ChannelAnswer(decision="allow" if answer == "allow" else "deny", message=f"said {answer}")


def wire(config: dict[str, Any], *, channel: Any = None, host_approval: Any = None, base_dir: Path = DATA) -> Any:
    return build_policy_hook(load_config(config), base_dir=base_dir, host_approval=host_approval, channel=channel,
                             hooks_for_events=None, host="test")


async def emit(wiring: Any, event: str, data: dict[str, Any]) -> Any:
    registry = HookRegistry()
    wiring.hook.register(registry)
    return await registry.emit(event, data)


async def test_broker_grant_continues_and_records_the_outcome(tmp_path: Path) -> None:
    answers = Answers("allow")
    log = tmp_path / "d.jsonl"
    wiring = wire({"policies": ["amplifier.policy.yaml"], "decision_log": {"path": str(log)}},
                  channel=CallbackChannel(answers))
    result = await emit(wiring, "tool:pre", PUSH)
    assert result.action == "continue"
    (request,) = answers.requests
    assert (request.tool, request.arguments, request.rule_id, request.prompt) == (
        "bash", {"command": "git push origin main"}, "ask-before-push", "Push: git push origin main?")
    wiring.close()
    (record,) = read_records([log])
    assert record.approval is not None
    assert (record.effect, record.approval.outcome, record.approval.allowed, record.host) == (
        "ask_user", "granted", True, "test")


async def test_grant_after_a_rewrite_carries_the_rewritten_data() -> None:
    config = {"policies": ["amplifier.policy.yaml"]}
    wiring = wire(config, channel=CallbackChannel(Answers("allow")))
    result = await emit(wiring, "tool:pre", {"name": "bash", "input": {"command": "make && git push"}})
    assert result.action == "continue"  # the registry reports a winning modify as continue with the data
    assert result.data["input"] == {"command": "make && git push", "timeout": 60}


async def test_denial_and_timeout_name_the_rule_and_outcome() -> None:
    wiring = wire({"policies": ["amplifier.policy.yaml"], "approval": {"timeout": "10ms"}},
                  channel=CallbackChannel(Answers("deny", None)))
    denied = await emit(wiring, "tool:pre", PUSH)
    assert (denied.action, denied.reason) == ("deny", "denied by rule `ask-before-push`: approval denied (said deny)")
    timed_out = await emit(wiring, "tool:pre", PUSH)
    assert timed_out.action == "deny"
    assert timed_out.reason.startswith("denied by rule `ask-before-push`: approval timeout (no answer within 0.01s")


async def test_a_rules_allow_default_is_capped_by_the_config_default(tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text("version: 1\npolicy: p\nrules:\n  - id: ask-lax\n    tool: bash\n"
                      "    ask: {prompt: ok?, timeout: 10ms, default: allow}\n")
    capped = wire({"policies": [str(policy)]}, channel=CallbackChannel(Answers(None)))
    assert (await emit(capped, "tool:pre", PUSH)).action == "deny"
    lax = wire({"policies": [str(policy)], "approval": {"default": "allow"}}, channel=CallbackChannel(Answers(None)))
    assert (await emit(lax, "tool:pre", PUSH)).action == "continue"


async def test_a_host_approval_system_resolves_asks_itself() -> None:
    class Host:
        async def request_approval(self, prompt: str, options: list[str], timeout: float, default: str) -> str:
            return "Allow"

    host = Host()
    wiring = wire({"policies": ["amplifier.policy.yaml"]}, host_approval=host)
    assert wiring.broker is None and wiring.hook.resolve_ask is None
    coordinator = Coordinator("s", approval_system=host)
    wiring.hook.register(coordinator.hooks)
    asked = await coordinator.hooks.emit("tool:pre", PUSH)
    assert asked.action == "ask_user"
    assert (await coordinator.process_hook_result(asked, "tool:pre", "hooks-policy")).action == "continue"


def test_auto_without_host_or_terminal_denies_every_ask() -> None:
    wiring = wire({"policies": ["amplifier.policy.yaml"]})  # pytest's stdin is not a TTY
    assert wiring.broker is not None
    assert wiring.broker.channel.name == "non-interactive:deny-all"


async def test_inline_rules_and_enabled_events() -> None:
    config = {"rules": [{"id": "no-prompts", "on": "prompt:submit", "deny": "no"},
                        {"id": "no-tools", "on": "BEFORE_TOOL", "deny": "no"}],
              "enabled_events": ["USER_PROMPT_SUBMIT"]}
    wiring = wire(config)
    assert wiring.hook.events == frozenset({"prompt:submit"})
    assert (await emit(wiring, "prompt:submit", {"prompt": "x"})).action == "deny"
    assert (await emit(wiring, "tool:pre", PUSH)).action == "continue"


def test_config_errors_are_diagnostics() -> None:
    with pytest.raises(DiagnosticError) as bad_key:
        load_config({"polices": ["x.yaml"]})
    assert bad_key.value.diagnostics[0].code.startswith("schema.")
    assert "polices" in bad_key.value.diagnostics[0].message
    with pytest.raises(DiagnosticError) as bad_event:
        wire({"policies": ["amplifier.policy.yaml"], "enabled_events": ["tool:pree"]})
    assert "tool:pree" in bad_event.value.diagnostics[0].message


@pytest.mark.parametrize(("cwd", "workspace", "file_path", "denied"), [
    ("/srv/app", None, "src/main.py", False),        # relative to the event's cwd, which is the workspace
    ("/elsewhere", None, "/srv/app/x.py", True),     # the event's cwd is the workspace: /srv/app is outside
    ("/elsewhere", "/srv/app", "/srv/app/x.py", False),  # a configured workspace wins for `workspace`
    (None, "/srv/app", "x.py", False),               # no event cwd: relative to the configured workspace
    (None, "/srv/app", "../etc/passwd", True),
])
async def test_working_directory_and_workspace(cwd: str | None, workspace: str | None, file_path: str, denied: bool,
                                               tmp_path: Path) -> None:
    policy = tmp_path / "ws.yaml"
    policy.write_text("version: 1\npolicy: ws\nrules:\n  - id: stay-inside\n    tool: write_file\n    when:\n"
                      "      tool_input.file_path: {path: {outside: workspace}}\n    deny: stay in the workspace\n")
    config: dict[str, Any] = {"policies": [str(policy)], **({"workspace": workspace} if workspace else {})}
    event: dict[str, Any] = {"tool_name": "write_file", "tool_input": {"file_path": file_path}}
    if cwd is not None:
        event["cwd"] = cwd
    result = await emit(wire(config), "tool:pre", event)
    assert (result.action == "deny") is denied, result


def test_relative_paths_resolve_against_base_dir(tmp_path: Path) -> None:
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "p.yaml").write_text((DATA / "amplifier.policy.yaml").read_text())
    wiring = wire({"policies": ["policies/p.yaml"], "decision_log": {"path": "logs/d.jsonl"}}, base_dir=tmp_path)
    assert wiring.decision_log.path == tmp_path / "logs" / "d.jsonl"
    assert wiring.glue.policies == (str(tmp_path / "policies" / "p.yaml"),)
    assert os.path.isabs(wiring.glue.policies[0])
