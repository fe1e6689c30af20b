"""Conditions: field paths, operators and combinators, compiled from real policy YAML."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from hookgate.diagnostics import DiagnosticError
from hookgate.policy.api import Plan, compile_files


def plan_for(tmp_path: Path, when: str, *, extra: str = "") -> Plan:
    body = textwrap.indent(textwrap.dedent(when).strip(), " " * 6)
    rule = f"  - id: r\n    on: [tool:pre, provider:request]\n    when:\n{body}\n    deny: no\n"
    text = f"version: 1\npolicy: t\n{extra}rules:\n{rule}"
    path = tmp_path / "p.yaml"
    path.write_text(text)
    return compile_files([path])


def hits(plan: Plan, data: dict[str, Any], event: str = "tool:pre") -> bool:
    return plan.evaluate(event, data).effect == "deny"


def bash(cmd: str, **extra: Any) -> dict[str, Any]:
    return {"tool_name": "bash", "tool_input": {"command": cmd, **extra}}


def test_scalar_is_equals_and_list_is_in(tmp_path: Path) -> None:
    plan = plan_for(tmp_path, "tool_name: bash\ntool_input.mode: [a, b]")
    assert hits(plan, {"tool_name": "bash", "tool_input": {"mode": "b"}})
    assert not hits(plan, {"tool_name": "bash", "tool_input": {"mode": "c"}})
    assert not hits(plan, {"tool_name": "other", "tool_input": {"mode": "a"}})


def test_amplifier_shape_aliases(tmp_path: Path) -> None:
    plan = plan_for(tmp_path, "tool_name: bash\ntool_input.command: {prefix: ls}")
    assert hits(plan, {"name": "bash", "input": {"command": "ls -la"}})


@pytest.mark.parametrize(
    ("op", "value", "good", "bad"),
    [
        ("equals", "rm", "rm", "rmdir"),
        ("prefix", "git ", "git push", "gitk"),
        ("suffix", ".pem", "id.pem", "id.pem.bak"),
        ("contains", "secret", "a secret b", "public"),
        ("regex", "^curl .*\\| *sh$", "curl x | sh", "curl x"),
        ("glob", "/etc/**", "/etc/ssh/sshd_config", "/etcetera"),
    ],
)
def test_text_operators(tmp_path: Path, op: str, value: str, good: str, bad: str) -> None:
    plan = plan_for(tmp_path, f"tool_input.command: {{{op}: {value!r}}}")
    assert hits(plan, bash(good))
    assert not hits(plan, bash(bad))


def test_case_insensitive_modifier(tmp_path: Path) -> None:
    plan = plan_for(tmp_path, "tool_input.command: {equals: DROP, case_insensitive: true}")
    assert hits(plan, bash("drop"))
    plan = plan_for(tmp_path, "tool_input.command: {regex: 'drop table', case_insensitive: true}")
    assert hits(plan, bash("x; DROP TABLE users"))


def test_in_named_list(tmp_path: Path) -> None:
    plan = plan_for(tmp_path, "tool_name: {in: risky}", extra="lists:\n  risky: [bash, web_fetch]\n")
    assert hits(plan, {"tool_name": "web_fetch"})
    assert not hits(plan, {"tool_name": "read_file"})


def test_numbers_exists_and_length(tmp_path: Path) -> None:
    plan = plan_for(tmp_path, "tool_input.timeout: {gt: 60, lte: 600}")
    assert hits(plan, bash("x", timeout=61))
    assert not hits(plan, bash("x", timeout=60))
    assert not hits(plan, bash("x", timeout="100"))  # a numeric string is not a number
    assert not hits(plan, bash("x", timeout=True))
    plan = plan_for(tmp_path, "tool_input.env: {exists: false}")
    assert hits(plan, bash("x"))
    assert not hits(plan, bash("x", env={}))
    plan = plan_for(tmp_path, "tool_input.command: {length: {gt: 5}}")
    assert hits(plan, bash("abcdef"))
    assert not hits(plan, bash("abc"))


def test_wildcards_and_negative_index(tmp_path: Path) -> None:
    plan = plan_for(tmp_path, "messages[*].content: {contains: password}")
    text_blocks = {"messages": [{"role": "user", "content": [{"type": "text", "text": "my password"}]}]}
    assert hits(plan, text_blocks, "provider:request")
    assert hits(plan, {"messages": [{"content": "ok"}, {"content": "password"}]}, "provider:request")
    assert not hits(plan, {"messages": [{"content": "ok"}]}, "provider:request")
    plan = plan_for(tmp_path, "messages[-1].role: user")
    assert hits(plan, {"messages": [{"role": "system"}, {"role": "user"}]}, "provider:request")
    assert not hits(plan, {"messages": [{"role": "user"}, {"role": "assistant"}]}, "provider:request")
    plan = plan_for(tmp_path, "tool_input.*: {regex: 'AKIA[0-9A-Z]{16}'}")
    assert hits(plan, {"tool_name": "x", "tool_input": {"a": 1, "b": "key AKIAIOSFODNN7EXAMPLE"}})


def test_model_field_resolves_top_level_or_request(tmp_path: Path) -> None:
    plan = plan_for(tmp_path, "model: {glob: 'gpt-4*'}")
    assert hits(plan, {"model": "gpt-4o"}, "provider:request")
    assert hits(plan, {"request": {"model": "gpt-4.1"}}, "provider:request")
    assert not hits(plan, {"model": "claude-3"}, "provider:request")


def test_model_and_messages_under_request_are_those_values_not_the_whole_request(tmp_path: Path) -> None:
    """Conditions read `request.model` / `request.messages` themselves: a length measured the request's
    keys, and an `unless` on the model was met by a message that merely said the approved name."""
    many = [{"role": "user", "content": "hi"}] * 10
    plan = plan_for(tmp_path, "messages: {length: {gt: 3}}")
    assert hits(plan, {"request": {"messages": many, "model": "m"}}, "provider:request")
    assert not hits(plan, {"request": {"messages": many[:2], "model": "m", "a": 1, "b": 2}}, "provider:request")
    plan = plan_for(tmp_path, "model: {exists: true}")
    assert not hits(plan, {"request": {"messages": many}}, "provider:request")
    path = tmp_path / "u.yaml"
    path.write_text("version: 1\npolicy: u\nrules:\n  - id: approved-only\n    on: provider:request\n"
                    "    when: {model: {exists: true}}\n    unless: {model: {in: [claude-haiku]}}\n    deny: no\n")
    plan = compile_files([path])
    said = {"request": {"model": "gpt-evil", "messages": [{"role": "user", "content": "claude-haiku"}]}}
    assert hits(plan, said, "provider:request")
    assert not hits(plan, {"request": {"model": "claude-haiku"}}, "provider:request")


@pytest.mark.parametrize(
    "response",
    [
        {"tool_calls": [{"name": "bash", "input": {}}]},
        {"content": [{"type": "text", "text": "x"}, {"type": "tool_use", "name": "bash", "input": {}}]},
        {"choices": [{"message": {"tool_calls": [{"function": {"name": "bash", "arguments": "{}"}}]}}]},
    ],
)
def test_response_tool_calls_in_any_wire_shape(tmp_path: Path, response: dict[str, Any]) -> None:
    plan = plan_for(tmp_path, "response.tool_calls[*].name: bash")
    assert hits(plan, {"response": response}, "provider:request")
    assert not hits(plan, {"response": {"content": "just text"}}, "provider:request")


def test_combinators(tmp_path: Path) -> None:
    plan = plan_for(tmp_path, """
        any:
          - tool_input.command: {prefix: rm}
          - all:
              - tool_input.command: {prefix: git}
              - not: {tool_input.command: {contains: status}}
    """)
    assert hits(plan, bash("rm x"))
    assert hits(plan, bash("git push"))
    assert not hits(plan, bash("git status"))
    assert not hits(plan, bash("ls"))


def test_missing_field_never_matches_text_operators(tmp_path: Path) -> None:
    plan = plan_for(tmp_path, "tool_input.command: {regex: '.*'}")
    assert not hits(plan, {"tool_name": "bash", "tool_input": {}})
    assert not hits(plan, {"tool_name": "bash", "tool_input": "not a mapping"})


def errors(tmp_path: Path, when: str, extra: str = "") -> list[tuple[str, str, int, int]]:
    with pytest.raises(DiagnosticError) as info:
        plan_for(tmp_path, when, extra=extra)
    return [(d.code, d.message, d.location.line, d.location.column) for d in info.value.diagnostics if d.location]


def test_unknown_operator_has_did_you_mean_at_its_key(tmp_path: Path) -> None:
    [(code, message, line, col)] = errors(tmp_path, "tool_input.command: {regx: a}")
    assert code == "compile.unknown_operator"
    assert "did you mean `regex`" in message
    assert (line, col) == (7, 28)


def test_every_error_is_reported_with_its_position(tmp_path: Path) -> None:
    found = errors(tmp_path, """
        tool_input.a: {regex: 'a('}
        tool_input.b: {gt: ten}
        tool_input.c: {in: nolist}
        tool_input..d: x
    """, extra="lists:\n  nolists: [a]\n")
    codes = [(c, line) for c, _, line, _ in found]
    assert codes == [("compile.bad_regex", 9), ("compile.bad_operand", 10), ("compile.unknown_list", 11),
                     ("compile.bad_field_path", 12)]
    assert "did you mean `nolists`" in found[2][1]


def test_domain_spec_error_points_inside_the_spec(tmp_path: Path) -> None:
    [(code, message, line, _)] = errors(tmp_path, "tool_input.content: {secret: {detectorz: [all]}}")
    assert code == "compile.bad_secret_spec"
    assert "did you mean `detectors`" in message
    assert line == 7
