"""The broker: outcomes, timeouts and defaults, failures, grants, shared prompts, events, string protocol."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from amplifier_core import HookRegistry, HookResult

from hookgate.approval import (
    ApprovalBroker,
    ApprovalRequest,
    CallbackChannel,
    ChannelAnswer,
    GrantPattern,
    GrantStore,
    QueueChannel,
    deny_all,
)
from hookgate.kernel.approval import ApprovalSystem, is_grant

PUSH = GrantPattern(tool="bash", field="command", glob="git push origin *", description="push to origin")


def _req(command: str = "git push origin main", **kw: Any) -> ApprovalRequest:
    return ApprovalRequest(tool="bash", arguments={"command": command}, rule_id="ask-push", **kw)


class Scripted:
    """A callback channel body that answers from a script and counts calls."""

    def __init__(self, *answers: Any) -> None:
        self.answers = list(answers)
        self.seen: list[ApprovalRequest] = []

    async def __call__(self, request: ApprovalRequest) -> Any:
        self.seen.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer


async def test_allow_once_emits_events_and_reports_the_outcome(sink: Any, outcomes: Any) -> None:
    broker = ApprovalBroker(CallbackChannel(Scripted("allow")), hooks=sink, on_outcome=outcomes)
    request = _req()
    response = await broker.ask(request)
    assert (response.outcome, response.allowed, response.scope) == ("granted", True, "once")
    assert response.request_id == request.request_id and response.approver == "callback"
    assert sink.names() == ["approval:required", "approval:granted"]
    assert all(data["request_id"] == request.request_id for _, data in sink.events)
    assert sink.events[0][1]["rule_id"] == "ask-push"
    assert outcomes.records == [(request, response)]


async def test_deny_with_message_reaches_the_agent(sink: Any) -> None:
    answer = ChannelAnswer(decision="deny", message="use a pull request", approver="alice")
    response = await ApprovalBroker(CallbackChannel(Scripted(answer)), hooks=sink).ask(_req())
    assert (response.outcome, response.allowed, response.message, response.approver) == (
        "denied", False, "use a pull request", "alice")
    assert sink.names()[-1] == "approval:denied"


async def test_timeout_applies_deny_and_is_recorded_as_timeout(sink: Any) -> None:
    response = await ApprovalBroker(QueueChannel(), hooks=sink).ask(_req(timeout=0.05))
    assert (response.outcome, response.allowed) == ("timeout", False)
    assert "no answer within 0.05s" in (response.message or "")
    assert sink.events[-1] == ("approval:denied", sink.events[-1][1]) and sink.events[-1][1]["outcome"] == "timeout"


async def test_an_allow_default_is_capped_unless_the_broker_permits_it() -> None:
    channel = QueueChannel()
    capped = await ApprovalBroker(channel).ask(_req(timeout=0.05, default="allow"))
    assert (capped.outcome, capped.allowed) == ("timeout", False)
    assert "capped by max_default `deny`" in (capped.message or "")
    honoured = await ApprovalBroker(channel, max_default="allow").ask(_req(timeout=0.05, default="allow"))
    assert (honoured.outcome, honoured.allowed) == ("timeout", True)


async def test_the_channel_is_told_the_default_that_will_really_apply() -> None:
    script = Scripted("deny")
    await ApprovalBroker(CallbackChannel(script)).ask(_req(default="allow"))
    assert script.seen[0].default == "deny"


async def test_omitted_default_is_deny_even_when_allow_is_permitted() -> None:
    response = await ApprovalBroker(QueueChannel(), max_default="allow").ask(_req(timeout=0.05))
    assert response.allowed is False


@pytest.mark.parametrize(
    "raw",
    [RuntimeError("ui crashed"), None, True, "yes please", {"decision": "maybe"}, 1],
)
async def test_broken_or_unclear_channels_deny_as_error(raw: Any, outcomes: Any) -> None:
    response = await ApprovalBroker(CallbackChannel(Scripted(raw)), on_outcome=outcomes).ask(_req())
    assert (response.outcome, response.allowed) == ("error", False)
    assert outcomes.records[0][1].outcome == "error"


async def test_answers_outside_what_was_offered_are_errors() -> None:
    unoffered_scope = ChannelAnswer(decision="allow", scope="persistent")  # no grants file: not offered
    other = GrantPattern(tool="bash", field="command", glob="*")
    unoffered_pattern = ChannelAnswer(decision="allow", scope="session", pattern=other)
    for answer in (unoffered_scope, unoffered_pattern):
        response = await ApprovalBroker(CallbackChannel(Scripted(answer))).ask(_req(patterns=(PUSH,)))
        assert response.outcome == "error", answer


async def test_a_session_grant_is_reused_only_for_the_same_arguments() -> None:
    script = Scripted(ChannelAnswer(decision="allow", scope="session"), "deny")
    broker = ApprovalBroker(CallbackChannel(script))
    first = await broker.ask(_req())
    again = await broker.ask(_req())
    assert (again.outcome, again.scope, again.grant_id) == ("granted", "session", first.grant_id)
    assert again.approver == f"grant:{first.grant_id}"
    other = await broker.ask(_req("git push origin main --force"))
    assert other.outcome == "denied" and len(script.seen) == 2


async def test_allow_once_is_never_remembered() -> None:
    script = Scripted("allow", "deny")
    broker = ApprovalBroker(CallbackChannel(script))
    assert (await broker.ask(_req())).allowed
    assert not (await broker.ask(_req())).allowed


async def test_a_pattern_grant_covers_matching_calls_but_not_smuggled_commands() -> None:
    script = Scripted(ChannelAnswer(decision="allow", scope="session", pattern=PUSH), "deny")
    broker = ApprovalBroker(CallbackChannel(script))
    assert (await broker.ask(_req(patterns=(PUSH,)))).scope == "session"
    assert (await broker.ask(_req("git push origin release"))).approver.startswith("grant:")  # type: ignore[union-attr]
    assert not (await broker.ask(_req("git push origin main; rm -rf ~"))).allowed


async def test_a_grant_is_bound_to_the_rule_that_asked() -> None:
    script = Scripted(ChannelAnswer(decision="allow", scope="session"), "deny")
    broker = ApprovalBroker(CallbackChannel(script))
    await broker.ask(_req())
    other_rule = ApprovalRequest(tool="bash", arguments={"command": "git push origin main"}, rule_id="ask-network")
    assert not (await broker.ask(other_rule)).allowed


async def test_allow_always_persists_across_brokers(tmp_path: Path) -> None:
    path = tmp_path / "grants.json"
    always = ChannelAnswer(decision="allow", scope="persistent")
    first = await ApprovalBroker(CallbackChannel(Scripted(always)), grants=GrantStore(path)).ask(_req())
    assert first.scope == "persistent"
    later = await ApprovalBroker(deny_all(), grants=GrantStore(path)).ask(_req())
    assert (later.outcome, later.grant_id) == ("granted", first.grant_id)


async def test_identical_concurrent_requests_share_one_prompt(until: Any) -> None:
    channel = QueueChannel()
    broker = ApprovalBroker(channel)
    tasks = [asyncio.create_task(broker.ask(_req())) for _ in range(3)]
    different = asyncio.create_task(broker.ask(_req("git push origin other")))
    await until(lambda: len(broker.pending()) == 4 and len(channel.pending()) == 2)
    shared = next(r for r in channel.pending() if r.arguments["command"] == "git push origin main")
    assert channel.resolve(shared.request_id, "allow", approver="bob")
    responses = await asyncio.gather(*tasks)
    assert [r.outcome for r in responses] == ["granted"] * 3
    assert len({r.request_id for r in responses}) == 3
    assert not different.done()
    assert broker.cancel_all("test over") == 1
    assert (await different).outcome == "cancelled"


async def test_cancelling_the_agent_task_records_cancelled_and_propagates(sink: Any, outcomes: Any) -> None:
    channel = QueueChannel()
    broker = ApprovalBroker(channel, hooks=sink, on_outcome=outcomes)
    task = asyncio.create_task(broker.ask(_req()))
    while not channel.pending():
        await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert outcomes.records[0][1].outcome == "cancelled"
    assert sink.names()[-1] == "approval:denied"
    assert channel.pending() == () and broker.pending() == ()


async def test_cancel_all_resolves_pending_requests_as_cancelled() -> None:
    channel = QueueChannel()
    broker = ApprovalBroker(channel)
    task = asyncio.create_task(broker.ask(_req()))
    while not channel.pending():
        await asyncio.sleep(0)
    broker.cancel_all("session ended")
    response = await task
    assert (response.outcome, response.allowed, response.message) == ("cancelled", False, "session ended")


async def test_failing_events_and_callbacks_never_change_the_outcome() -> None:
    class Broken:
        async def emit(self, event: str, data: dict[str, Any]) -> None:
            raise RuntimeError("sink down")

    def explode(*_: Any) -> None:
        raise RuntimeError("log down")

    broker = ApprovalBroker(CallbackChannel(Scripted("allow")), hooks=Broken(), on_outcome=explode)
    assert (await broker.ask(_req())).allowed


async def test_events_reach_a_real_amplifier_hook_registry() -> None:
    registry = HookRegistry()
    seen: list[tuple[str, str]] = []

    async def record(event: str, data: dict[str, Any]) -> HookResult:
        seen.append((event, data["request_id"]))
        return HookResult(action="deny", reason="hooks cannot change an approval")

    for event in ("approval:required", "approval:granted", "approval:denied"):
        registry.register(event, record, name=f"rec-{event}")
    request = _req()
    response = await ApprovalBroker(CallbackChannel(Scripted("allow")), hooks=registry).ask(request)
    assert response.allowed
    assert seen == [("approval:required", request.request_id), ("approval:granted", request.request_id)]


async def test_string_protocol_maps_outcomes_to_options() -> None:
    options = ["Allow once", "Allow always", "Deny"]
    broker = ApprovalBroker(CallbackChannel(Scripted("Allow once", "Deny", "sure")))
    assert isinstance(broker, ApprovalSystem)
    assert await broker.request_approval("Run `ls`?", options, 5, "deny") == "Allow once"
    assert await broker.request_approval("Run `ls`?", options, 5, "deny") == "Deny"
    assert await broker.request_approval("Run `ls`?", options, 5, "deny") == "Deny"  # not an option → error


async def test_string_protocol_timeout_returns_the_default_option_and_never_raises() -> None:
    broker = ApprovalBroker(QueueChannel(), max_default="allow")
    denied = await broker.request_approval("Run?", ["Allow", "Deny"], 0.05, "deny")
    allowed = await broker.request_approval("Run?", ["Allow", "Deny"], 0.05, "allow")
    assert (denied, is_grant(denied)) == ("Deny", False)
    assert (allowed, is_grant(allowed)) == ("Allow", True)
    zero = await broker.request_approval("Run?", ["Allow", "Deny"], float("nan"), "deny")
    assert zero == "Deny"


async def test_string_protocol_without_an_allow_option_cannot_allow() -> None:
    broker = ApprovalBroker(CallbackChannel(Scripted(ChannelAnswer(decision="allow"))))
    assert await broker.request_approval("Proceed?", ["Deny", "Cancel"], 5, "deny") == "Deny"


async def test_string_protocol_offers_only_allow_once() -> None:
    """A prompt is not the call it asks about: "Allow always" on a static "Run a destructive command?"
    would approve every later call worded the same, so the string protocol grants once at most."""
    script = Scripted(ChannelAnswer(decision="allow", scope="persistent"), "Allow once", "Deny")
    broker = ApprovalBroker(CallbackChannel(script))
    options = ["Allow once", "Allow always", "Deny"]
    assert await broker.request_approval("Run a destructive command?", options, 5, "deny") == "Deny"  # not offered
    assert await broker.request_approval("Run a destructive command?", options, 5, "deny") == "Allow once"
    assert await broker.request_approval("Run a destructive command?", options, 5, "deny") == "Deny"  # asked again
    assert [r.scopes for r in script.seen] == [("once",)] * 3
