"""The record model and ``record_from_decision`` with the real Decision and ApprovalResponse."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from hookgate.approval.models import ApprovalResponse
from hookgate.audit import DecisionLog, DecisionRecord, new_decision_id, record_from_decision, utc_timestamp
from hookgate.policy.decision import Decision, ShadowHit


def test_decision_ids_are_ulids_that_sort_by_time() -> None:
    early, late = new_decision_id(now_ms=1_700_000_000_000), new_decision_id(now_ms=1_700_000_000_001)
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{26}", early)
    assert early < late
    assert len({new_decision_id() for _ in range(1000)}) == 1000


def test_time_is_rfc3339_utc_with_milliseconds() -> None:
    moment = datetime(2024, 1, 15, 10, 30, 0, 123456, tzinfo=UTC)
    assert utc_timestamp(moment) == "2024-01-15T10:30:00.123Z"
    record = DecisionRecord(event="tool:pre", effect="allow", latency_us=1.0, time="2024-01-15T10:30:00.123Z")
    assert record.timestamp == datetime(2024, 1, 15, 10, 30, 0, 123000, tzinfo=UTC)


def test_record_is_frozen_and_closed(make_record) -> None:
    record = make_record()
    with pytest.raises(ValidationError):
        record.effect = "deny"  # type: ignore[misc]
    with pytest.raises(ValidationError, match="extra"):
        DecisionRecord(event="tool:pre", effect="allow", latency_us=1.0, surprise=1)  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        make_record(effect="maybe")
    with pytest.raises(ValidationError):
        make_record(latency_us=float("nan"))


def test_record_from_a_real_deny_decision() -> None:
    decision = Decision(
        "deny",
        rules=("no-rm-rf", "ask-push"),
        reason="Recursive force deletes are not allowed.",
        shadow=(ShadowHit("audit-curl", "ask_user"),),
        unknowns=("command substitution",),
    )
    data = {"tool_name": "bash", "tool_input": {"command": "rm -rf /"}, "session_id": "sess-1"}
    record = record_from_decision(event="tool:pre", data=data, decision=decision, latency_ns=41_300, host="claude-code")
    assert (record.tool, record.session_id, record.effect) == ("bash", "sess-1", "deny")
    assert record.rules == ("no-rm-rf", "ask-push")
    assert record.shadow[0].rule == "audit-curl" and record.shadow[0].effect == "ask_user"
    assert record.unknowns == ("command substitution",)
    assert record.latency_us == 41.3
    assert (record.host, record.pid, record.input, record.approval) == ("claude-code", os.getpid(), None, None)


def test_tool_from_name_and_explicit_session_wins() -> None:
    data = {"name": "read_file", "session_id": "from-data"}
    record = record_from_decision(
        event="tool:pre", data=data, decision=Decision("allow"), latency_ns=0, session_id="explicit"
    )
    assert (record.tool, record.session_id) == ("read_file", "explicit")


def test_record_carries_the_brokers_response() -> None:
    response = ApprovalResponse(
        request_id="req-1", outcome="granted", allowed=True, scope="session", approver="alice", wait_ms=1530.0
    )
    record = record_from_decision(
        event="tool:pre",
        data={"tool_name": "bash"},
        decision=Decision("ask_user", rules=("ask-push",)),
        latency_ns=5_000,
        approval=response,
    )
    assert record.approval is not None
    assert record.approval.model_dump() == {
        "request_id": "req-1",
        "outcome": "granted",
        "allowed": True,
        "scope": "session",
        "approver": "alice",
        "message": None,
        "grant_id": None,
        "wait_ms": 1530.0,
    }


def test_timeout_is_recorded_as_timeout_not_denial() -> None:
    response = ApprovalResponse(request_id="r", outcome="timeout", allowed=False, message="no answer in 120s")
    record = record_from_decision(
        event="tool:pre", data={}, decision=Decision("ask_user"), latency_ns=1, approval=response
    )
    assert record.approval is not None and record.approval.outcome == "timeout" and record.approval.allowed is False


def test_policy_file_effect_names_are_accepted_for_shadow_hits() -> None:
    class Hit:
        rule = "audit-only"
        effect = "ask"

    decision = Decision("allow", shadow=(Hit(),))  # type: ignore[arg-type]
    record = record_from_decision(event="tool:pre", data={}, decision=decision, latency_ns=1)
    assert record.shadow[0].effect == "ask_user"


def test_unrepresentable_decision_is_an_error_not_a_crash(tmp_path, caplog) -> None:
    class Odd:
        effect = "explode"
        rules = ()
        reason = None
        shadow = ()
        unknowns = ()

    with pytest.raises(ValidationError):
        record_from_decision(event="tool:pre", data={}, decision=Odd(), latency_ns=1)
    log = DecisionLog(tmp_path / "d.jsonl")
    assert log.record(event="tool:pre", data={}, decision=Odd(), latency_ns=1) is None
    assert log.errors == 1
    assert "hookgate.audit" in {r.name for r in caplog.records}
