"""The staged compiler: each stage alone, positioned errors, lint warnings."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from hookgate.diagnostics import DiagnosticError
from hookgate.policy.api import compile_files, compile_policies
from hookgate.policy.compiler import STAGES, run_stages, validate
from hookgate.policy.loader import PolicySet, load_policies


def load(tmp_path: Path, rules: str) -> PolicySet:
    path = tmp_path / "p.yaml"
    path.write_text("version: 1\npolicy: t\nrules:\n" + textwrap.indent(textwrap.dedent(rules), "  "))
    return load_policies([path])


RULES = """
- id: a
  tool: [bash, "mcp__github__*"]
  when: {tool_input.command: {prefix: git}}
  deny: no
- id: b
  priority: -1
  on: [tool:pre, BEFORE_LLM]
  ask: "ok {tool_name}?"
"""


def test_stages_are_named_and_ordered() -> None:
    assert list(STAGES) == ["resolve_events", "compile_conditions", "compile_effects", "build_indexes", "lint"]


def test_resolve_events_orders_by_priority_then_file_order(tmp_path: Path) -> None:
    state = run_stages(load(tmp_path, RULES), until="resolve_events")
    assert [(r.id, r.events) for r in state.rules] == [("b", ("tool:pre", "provider:request")), ("a", ("tool:pre",))]
    tools = state.rules[1].tools
    assert tools is not None and tools.exact == {"bash"} and tools.prefixes == ("mcp__github__",)
    assert state.rules[1].when is None and not state.tables  # later stages have not run


def test_each_stage_adds_its_part(tmp_path: Path) -> None:
    ps = load(tmp_path, RULES)
    assert run_stages(ps, until="compile_conditions").rules[1].when is not None
    assert run_stages(ps, until="compile_conditions").rules[0].action is None
    assert run_stages(ps, until="compile_effects").rules[0].action is not None
    assert set(run_stages(ps, until="build_indexes").tables) == {"tool:pre", "provider:request"}


def test_unknown_stage_name() -> None:
    with pytest.raises(ValueError, match="did you mean `lint`"):
        run_stages(None, until="lnt")


def test_errors_are_collected_across_rules_and_stages(tmp_path: Path) -> None:
    ps = load(tmp_path, """
    - id: a
      when: {tool_input.x: {regex: '('}}
      deny: no
    - id: b
      ask: "{bad!r}"
    """)
    diags = validate(ps)
    assert [(d.code, d.location.line if d.location else 0) for d in diags] == [
        ("compile.bad_regex", 6), ("compile.bad_template", 9)]
    assert all(str(d.location).startswith(str(tmp_path)) for d in diags)
    with pytest.raises(DiagnosticError):
        compile_policies(ps)


def test_lint_warnings(tmp_path: Path) -> None:
    plan = compile_policies(load(tmp_path, """
    - id: block-bash
      tool: bash
      deny: no shell
    - id: allow-ls
      tool: bash
      when: {tool_input.command: {prefix: ls}}
      allow: true
    - id: never
      when: {tool_input.mode: {in: []}}
      deny: x
    - id: conflicting
      when: {tool_input.mode: a, all: [{tool_input.mode: b}]}
      deny: x
    - id: block-bash-again
      tool: bash
      deny: no shell
    - id: excepted-always
      tool: web_fetch
      when: {tool_input.url: {contains: evil}}
      unless: {}
      deny: x
    - id: excepted-all
      tool: web_fetch
      when: {tool_input.url: {contains: bad}}
      unless: {all: []}
      deny: x
    """))
    got = {(d.code, d.message.split("`")[1]) for d in plan.warnings}
    assert got == {("compile.shadowed_rule", "allow-ls"), ("compile.unreachable_rule", "never"),
                   ("compile.unreachable_rule", "conflicting"), ("compile.duplicate_rule", "block-bash-again"),
                   ("compile.unreachable_rule", "excepted-always"), ("compile.unreachable_rule", "excepted-all")}
    assert all(d.severity == "warning" and d.location is not None for d in plan.warnings)


def test_compile_files_is_load_plus_compile(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("version: 1\npolicy: t\nrules:\n  - {id: a, tool: bash, deny: no}\n")
    plan = compile_files([path])
    assert plan.rule_ids == ("a",)
    assert plan.evaluate("tool:pre", {"tool_name": "bash"}).effect == "deny"


def test_a_tool_name_with_spaces_is_an_error_not_a_rule_that_never_fires(tmp_path: Path) -> None:
    with pytest.raises(DiagnosticError) as info:
        compile_policies(load(tmp_path, """
    - id: padded
      tool: 'bash '
      deny: no shell
    - id: listed
      tool: [write_file, 'edit file']
      deny: no edits
    """))
    found = [(d.code, d.location.line if d.location else 0, d.location.column if d.location else 0)
             for d in info.value.diagnostics]
    assert found == [("compile.bad_tool", 6, 11), ("compile.bad_tool", 9, 24)]
    assert "`bash `" in info.value.diagnostics[0].message
