"""The broker behind the real policy hook: asks resolve in place; denies never reach it, grants or not."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hookgate.approval import ApprovalBroker, ApprovalRequest, CallbackChannel, ChannelAnswer, Grant, GrantStore
from hookgate.approval.resolve import ask_resolver
from hookgate.policy.api import compile_files
from hookgate.policy.hook import PolicyHook

POLICY = Path(__file__).parent / "data" / "push_policy.yaml"


def _event(command: str) -> dict[str, Any]:
    return {"tool_name": "bash", "tool_input": {"command": command}}


class Approver:
    def __init__(self, answer: str) -> None:
        self.answer = answer
        self.asked: list[ApprovalRequest] = []

    def __call__(self, request: ApprovalRequest) -> str:
        self.asked.append(request)
        return self.answer


async def test_an_ask_is_resolved_by_the_broker(outcomes: Any) -> None:
    approver = Approver("deny")
    broker = ApprovalBroker(CallbackChannel(approver), on_outcome=outcomes)
    hook = PolicyHook(compile_files([POLICY]), resolve_ask=ask_resolver(broker))
    result = await hook("tool:pre", _event("git push origin main"))
    assert result.action == "deny" and "approval for rule `ask-before-push` denied" in (result.reason or "")
    [request] = approver.asked
    assert (request.tool, request.arguments, request.rule_id) == ("bash", {"command": "git push origin main"},
                                                                  "ask-before-push")
    assert request.prompt == "Push: git push origin main?"
    approver.answer = "allow"
    assert (await hook("tool:pre", _event("git push origin main"))).action == "continue"
    assert [r.outcome for _, r in outcomes.records] == ["denied", "granted"]


async def test_a_grant_never_overrides_a_deny_rule(outcomes: Any) -> None:
    forced = ApprovalRequest(tool="bash", arguments={"command": "git push --force origin"}, rule_id="ask-before-push")
    store = GrantStore()
    store.add(Grant(id="g", tool="bash", rule_id="ask-before-push", scope="session", args_hash=forced.grant_hash,
                    created_at=datetime.now(UTC)))
    approver = Approver("allow")
    broker = ApprovalBroker(CallbackChannel(approver), grants=store, on_outcome=outcomes)
    hook = PolicyHook(compile_files([POLICY]), resolve_ask=ask_resolver(broker))
    result = await hook("tool:pre", _event("git push --force origin"))
    assert result.action == "deny" and "no-force-push" in (result.reason or "")
    assert approver.asked == [] and outcomes.records == []  # the broker was never consulted


async def test_a_session_grant_is_bound_to_the_working_directory(outcomes: Any) -> None:
    """Approving `git push` "for this session" in one checkout does not approve it in another: the
    request carries the event's `cwd`, shown to the approver and part of what the grant matches."""
    answers = [ChannelAnswer(decision="allow", scope="session"), "deny"]
    asked: list[ApprovalRequest] = []

    def approver(request: ApprovalRequest) -> Any:
        asked.append(request)
        return answers.pop(0)

    broker = ApprovalBroker(CallbackChannel(approver), on_outcome=outcomes)
    hook = PolicyHook(compile_files([POLICY]), resolve_ask=ask_resolver(broker))
    here = {**_event("git push origin main"), "cwd": "/home/me/scratch-fork"}
    there = {**_event("git push origin main"), "cwd": "/home/me/prod-infra"}
    assert (await hook("tool:pre", here)).action == "continue"
    assert (await hook("tool:pre", here)).action == "continue"  # the session grant, no question
    assert (await hook("tool:pre", there)).action == "deny"  # asked again, and denied
    assert [r.arguments["cwd"] for r in asked] == ["/home/me/scratch-fork", "/home/me/prod-infra"]
