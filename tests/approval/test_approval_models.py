"""The approval models refuse what would be ambiguous or fail open."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from pydantic import ValidationError

from hookgate.approval import ApprovalRequest, ApprovalResponse, ChannelAnswer, GrantPattern, request_from_ask


def test_requests_need_json_arguments_and_a_bounded_timeout() -> None:
    with pytest.raises(ValidationError):
        ApprovalRequest(tool="bash", arguments={"when": object()})
    for timeout in (0, -1, float("inf"), float("nan"), 10**9):
        with pytest.raises(ValidationError):
            ApprovalRequest(tool="bash", timeout=timeout)
    with pytest.raises(ValidationError):
        ApprovalRequest(tool="bash", unknown_field=1)  # type: ignore[call-arg]


def test_default_is_deny_unless_written() -> None:
    assert ApprovalRequest(tool="bash").default == "deny"


def test_a_pattern_must_be_for_the_requests_tool() -> None:
    with pytest.raises(ValidationError, match="offered on a `bash` request"):
        ApprovalRequest(tool="bash", patterns=(GrantPattern(tool="write", field="path", glob="src/*"),))


def test_responses_cannot_allow_on_a_denying_outcome() -> None:
    for outcome in ("denied", "cancelled", "error"):
        with pytest.raises(ValidationError, match="cannot allow"):
            ApprovalResponse(request_id="r", outcome=outcome, allowed=True)
    with pytest.raises(ValidationError):
        ApprovalResponse(request_id="r", outcome="granted", allowed=False)
    assert ApprovalResponse(request_id="r", outcome="timeout", allowed=True).allowed


def test_channel_answers_are_consistent() -> None:
    with pytest.raises(ValidationError):
        ChannelAnswer(decision="deny", scope="session")
    with pytest.raises(ValidationError):
        ChannelAnswer(decision="allow", scope="once", pattern=GrantPattern(tool="bash", field="command", glob="ls"))


@dataclass(frozen=True)
class Ask:
    prompt: str = "Push?"
    timeout: float = float("inf")
    default: str = "allow-ish"
    rule_id: str | None = "ask-push"
    reason: str | None = "publishes"
    risk: str = "extreme"


def test_request_from_a_policy_ask_fails_closed_on_odd_values() -> None:
    request = request_from_ask(Ask(), tool="bash", arguments={"command": "git push"})
    assert (request.default, request.timeout, request.risk, request.rule_id) == ("deny", 86_400.0, None, "ask-push")
