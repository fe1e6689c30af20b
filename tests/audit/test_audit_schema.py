"""The committed JSON Schema: up to date, valid 2020-12, and true of what the writer writes."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from hookgate.approval.models import ApprovalResponse
from hookgate.audit import SCHEMA_ID, DecisionLog, decision_record_json_schema
from hookgate.audit.schema import main as schema_main
from hookgate.audit.schema import render_schema
from hookgate.policy.decision import Decision, ShadowHit

COMMITTED = Path(__file__).resolve().parents[2] / "schemas" / "decision-record.schema.json"


def test_committed_schema_is_up_to_date() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == render_schema(), (
        "regenerate: python -m hookgate.audit schema schemas/decision-record.schema.json"
    )


def test_schema_is_valid_2020_12_with_our_id() -> None:
    schema = json.loads(COMMITTED.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$id"] == SCHEMA_ID
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["additionalProperties"] is False


def test_written_records_validate_against_the_schema(tmp_path, make_record) -> None:
    path = tmp_path / "d.jsonl"
    response = ApprovalResponse(request_id="q", outcome="granted", allowed=True, scope="once", wait_ms=3.5)
    decision = Decision("ask_user", rules=("ask",), reason="why", shadow=(ShadowHit("s", "deny"),), unknowns=("u",))
    with DecisionLog(path) as log:
        log.record(
            event="tool:pre",
            data={"tool_name": "bash", "tool_input": {"command": "ls"}},
            decision=decision,
            latency_ns=12_345,
            approval=response,
            host="amplifier",
            policy=("baseline",),
            include_input=True,
        )
        log.append(make_record())
    validator = jsonschema.Draft202012Validator(decision_record_json_schema())
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 2
    for line in lines:
        validator.validate(line)
    broken = lines[0] | {"effect": "maybe"}
    assert not validator.is_valid(broken)
    assert not validator.is_valid({k: v for k, v in lines[0].items() if k != "time"})


def test_schema_command_writes_and_checks(tmp_path, capsys) -> None:
    target = tmp_path / "s.json"
    assert schema_main([str(target), "--check"]) == 1
    assert "out of date" in capsys.readouterr().err
    assert schema_main([str(target)]) == 0
    assert schema_main([str(target), "--check"]) == 0
    assert target.read_text(encoding="utf-8") == render_schema()


@pytest.mark.parametrize("key", ["decision_id", "time", "effect", "latency_us"])
def test_schema_requires_every_field_the_writer_emits(key) -> None:
    assert key in decision_record_json_schema()["required"]
