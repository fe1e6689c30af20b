"""Secrets never reach the decision log: real-format credentials in inputs, reasons and approvals."""

from __future__ import annotations

import base64
import json
import os
import textwrap

from hookgate.approval.models import ApprovalResponse
from hookgate.audit import DecisionLog, read_records
from hookgate.audit.masking import EXCERPT_MAX_ITEMS, EXCERPT_MAX_STRING, SCRUBBED, excerpt, scrub_record_dict
from hookgate.policy.decision import Decision

AWS_KEY = "AKIAIOSFODNN7EXAMPLE"
GITHUB_TOKEN = "ghp_" + "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dF3hJ5"


def pem_block() -> tuple[str, list[str]]:
    """A PEM private key block (random body) and its base64 lines."""
    body = base64.b64encode(os.urandom(600)).decode()
    lines = textwrap.wrap(body, 64)
    return "-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(lines) + "\n-----END RSA PRIVATE KEY-----\n", lines


def _raw(path) -> str:
    return path.read_text(encoding="utf-8")


def test_secrets_in_tool_input_and_reason_are_masked_on_disk(tmp_path) -> None:
    pem, pem_lines = pem_block()
    data = {
        "tool_name": "write_file",
        "tool_input": {"path": "~/.ssh/id_rsa", "content": pem, "note": f"export GH={GITHUB_TOKEN}"},
        "session_id": "s1",
    }
    decision = Decision("deny", rules=("no-secret-writes",), reason=f"refusing to write key {AWS_KEY}")
    with DecisionLog(tmp_path / "d.jsonl") as log:
        log.record(event="tool:pre", data=data, decision=decision, latency_ns=10_000, include_input=True)
    text = _raw(tmp_path / "d.jsonl")
    assert AWS_KEY not in text and GITHUB_TOKEN not in text
    assert not any(line in text for line in pem_lines)
    for detector in ("aws_access_key", "github_token", "private_key"):
        assert f"[REDACTED:{detector}]" in text
    [record] = read_records([tmp_path / "d.jsonl"])
    assert record.reason == "refusing to write key [REDACTED:aws_access_key]"
    assert record.input is not None and record.input["tool_input"]["path"] == "~/.ssh/id_rsa"


def test_a_long_key_is_masked_before_it_is_truncated() -> None:
    pem, pem_lines = pem_block()
    assert len(pem) > EXCERPT_MAX_STRING  # truncating first would leave the head of the key unmatched
    out = excerpt({"tool_input": {"content": "prefix " + pem}})
    content = out["tool_input"]["content"]
    assert content.rstrip() == "prefix [REDACTED:private_key]"
    assert pem_lines[0] not in json.dumps(out)


def test_secrets_in_approval_and_free_text_fields_are_masked(tmp_path, make_record) -> None:
    response = ApprovalResponse(
        request_id="r1", outcome="denied", allowed=False, approver="bot", message=f"token {GITHUB_TOKEN} leaked?"
    )
    decision = Decision("ask_user", rules=("ask-push",), unknowns=(f"$({AWS_KEY})",))
    log = DecisionLog(tmp_path / "d.jsonl")
    log.record(event="tool:pre", data={"tool_name": "bash"}, decision=decision, latency_ns=1, approval=response)
    log.append(make_record(session_id=f"sess-{AWS_KEY}", host=GITHUB_TOKEN))
    log.close()
    text = _raw(tmp_path / "d.jsonl")
    assert AWS_KEY not in text and GITHUB_TOKEN not in text
    first, second = read_records([tmp_path / "d.jsonl"])
    assert first.approval is not None and first.approval.message == "token [REDACTED:github_token] leaked?"
    assert first.unknowns == ("$([REDACTED:aws_access_key])",)
    assert second.session_id == "sess-[REDACTED:aws_access_key]"


def test_command_line_passwords_and_auth_headers_are_masked_on_disk(tmp_path) -> None:
    """Only the credential is masked: the log still says whose it was and which scheme it used."""
    data = {
        "tool_name": "bash",
        "tool_input": {
            "command": "curl -u alice:Xk9pQ2vL -H 'Proxy-Authorization: Bearer pr0xy-t0ken' https://x.example",
            "script": "wget --http-password=hunter2 -O- https://x.example/$(curl -u \"$U:$P\" x)",
            "argv": ["curl", "--user", "alice:s3cret", "https://x.example"],
            "headers": {"Authorization": "Basic dXNlcjpwYXNz", "X-Ref": "Bearer ${TOKEN}"},
        },
    }
    decision = Decision("deny", rules=("no-passwords",), reason="curl -u alice:Xk9pQ2vL is not allowed")
    with DecisionLog(tmp_path / "d.jsonl") as log:
        log.record(event="tool:pre", data=data, decision=decision, latency_ns=10_000, include_input=True)
    text = _raw(tmp_path / "d.jsonl")
    for secret in ("Xk9pQ2vL", "pr0xy-t0ken", "hunter2", "s3cret", "dXNlcjpwYXNz"):
        assert secret not in text
    [record] = read_records([tmp_path / "d.jsonl"])
    assert record.reason == "curl -u alice:[REDACTED:cli_password] is not allowed"
    assert record.input is not None
    logged = record.input["tool_input"]
    assert logged["command"] == (
        "curl -u alice:[REDACTED:cli_password] -H 'Proxy-Authorization: Bearer [REDACTED:http_auth_header]'"
        " https://x.example"
    )
    assert logged["script"] == 'wget --http-password=[REDACTED:cli_password] -O- https://x.example/$(curl -u "$U:$P" x)'
    # an argument list and a header dict part the credential from its option or header name
    assert logged["argv"] == ["curl", "--user", "alice:[REDACTED:cli_password]", "https://x.example"]
    assert logged["headers"] == {"Authorization": "Basic [REDACTED:http_auth_header]", "X-Ref": "Bearer ${TOKEN}"}


def test_credential_named_keys_are_masked_by_key_name() -> None:
    out = excerpt({"tool_input": {"password": "Zq8#kLm2!pR7vX4w", "user": "alice"}})
    assert out["tool_input"] == {"password": "[REDACTED:generic_secret]", "user": "alice"}


def test_excerpt_bounds_depth_items_and_string_length() -> None:
    deep = {"a": {"b": {"c": {"d": {"e": "too deep"}}}}}
    out = excerpt({"deep": deep, "many": list(range(50)), "long": "x" * 1000, "obj": object()})
    assert out["deep"]["a"]["b"]["c"] == "{…1 keys}"
    assert out["many"][:EXCERPT_MAX_ITEMS] == list(range(EXCERPT_MAX_ITEMS))
    assert out["many"][-1] == f"…+{50 - EXCERPT_MAX_ITEMS} items"
    assert out["long"] == "x" * EXCERPT_MAX_STRING + f"…[+{1000 - EXCERPT_MAX_STRING} chars]"
    assert out["obj"].startswith("<object object")
    json.dumps(out, allow_nan=False)


def test_scrubbing_drops_free_text_but_keeps_the_facts(make_record) -> None:
    record = make_record(effect="deny", rules=("r1",), reason=f"key {AWS_KEY}", session_id="s", input={"k": "v"})
    data = scrub_record_dict(record)
    assert data["reason"] == data["session_id"] == SCRUBBED
    assert data["input"] == {"scrubbed": SCRUBBED}
    assert (data["effect"], data["rules"], data["decision_id"]) == ("deny", ["r1"], record.decision_id)


def test_a_record_that_cannot_be_masked_is_written_scrubbed_not_raw(tmp_path, make_record, caplog) -> None:
    deep: object = AWS_KEY
    for _ in range(1000):  # deeper than serialization allows: masking cannot run on it
        deep = {"k": deep}
    record = make_record(effect="deny", rules=("r1",), reason=f"saw {AWS_KEY}", input=deep)
    with DecisionLog(tmp_path / "d.jsonl") as log:
        log.append(record)
    text = _raw(tmp_path / "d.jsonl")
    assert AWS_KEY not in text
    [line] = [json.loads(t) for t in text.splitlines()]
    assert (line["reason"], line["input"], line["effect"], line["rules"]) == (
        SCRUBBED,
        {"scrubbed": SCRUBBED},
        "deny",
        ["r1"],
    )
    assert "masking failed" in caplog.text and AWS_KEY not in caplog.text
