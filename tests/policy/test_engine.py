"""The engine: combining effects, audit, unknowns, fail-closed, trace and the fast path."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from hookgate.policy.api import Plan, compile_files, evaluate
from hookgate.policy.decision import CONTINUE


def plan_of(tmp_path: Path, rules: str, *, settings: str = "") -> Plan:
    path = tmp_path / "p.yaml"
    path.write_text(f"version: 1\npolicy: t\n{settings}rules:\n" + textwrap.indent(textwrap.dedent(rules), "  "))
    return compile_files([path])


def bash(cmd: str) -> dict[str, Any]:
    return {"tool_name": "bash", "tool_input": {"command": cmd}}


RULES = """
- id: no-force-push
  tool: bash
  when: {tool_input.command: {regex: 'git push .*--force'}}
  deny: {reason: Force pushes rewrite history., user_message: ask a maintainer}
- id: ask-push
  tool: bash
  when: {tool_input.command: {prefix: git push}}
  ask: {prompt: "Push: {tool_input.command}?", timeout: 2m, risk: high}
- id: add-timeout
  tool: bash
  modify: {set: {tool_input.timeout: 60}}
- id: remind
  tool: bash
  inject: Run the tests first.
- id: fine
  tool: bash
  when: {tool_input.command: {prefix: ls}}
  allow: listing is harmless
"""


def test_strictest_effect_wins_and_rules_are_listed_strictest_first(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, RULES)
    d = plan.evaluate("tool:pre", bash("git push --force origin"))
    assert d.effect == "deny"
    assert d.rules == ("no-force-push", "ask-push", "add-timeout", "remind")
    assert d.reason == "denied by rule `no-force-push`: Force pushes rewrite history."
    assert d.user_message == "ask a maintainer"
    assert d.data is not None and d.data["tool_input"]["timeout"] == 60  # kept for after a grant


def test_ask_carries_a_templated_prompt(tmp_path: Path) -> None:
    d = plan_of(tmp_path, RULES).evaluate("tool:pre", bash("git push origin"))
    assert d.effect == "ask_user"
    assert d.approval is not None
    assert d.approval.prompt == "Push: git push origin?"
    assert (d.approval.timeout, d.approval.default, d.approval.risk, d.approval.rule_id) == (120.0, "deny", "high",
                                                                                             "ask-push")


def test_modify_and_inject_give_modify_with_injections(tmp_path: Path) -> None:
    d = plan_of(tmp_path, RULES).evaluate("tool:pre", bash("ls"))
    assert d.effect == "modify"
    assert d.rules == ("add-timeout", "remind", "fine")
    assert [i.text for i in d.injections] == ["Run the tests first."]


def test_allow_and_continue(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, "- id: fine\n  tool: bash\n  when: {tool_input.command: {prefix: ls}}\n  allow: true\n")
    assert plan.evaluate("tool:pre", bash("ls")).effect == "allow"
    assert plan.evaluate("tool:pre", bash("cat")) is CONTINUE


def test_event_without_rules_returns_the_shared_continue(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, RULES)
    assert plan.evaluate("tool:post", bash("rm -rf /")) is CONTINUE
    assert plan.evaluate("tool:pre", {"tool_name": "read_file", "tool_input": {}}) is CONTINUE
    assert plan.events == frozenset({"tool:pre"})
    assert plan.rules_for("tool:pre") == ("no-force-push", "ask-push", "add-timeout", "remind", "fine")


def test_on_ask_deny_turns_asks_into_denies(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, RULES, settings="settings: {on_ask: deny}\n")
    d = plan.evaluate("tool:pre", bash("git push origin"))
    assert d.effect == "deny"
    assert d.reason is not None and "`settings.on_ask` is `deny`" in d.reason and "ask-push" in d.reason


def test_audit_rules_never_act(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, "- id: watch\n  tool: bash\n  audit: true\n  deny: would block\n")
    d = plan.evaluate("tool:pre", bash("ls"))
    assert d.effect == "continue"
    assert [(s.rule_id, s.effect) for s in d.shadow] == [("watch", "deny")]


def test_unknown_outcomes_count_for_deny_and_are_ignored_when_asked(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, """
    - id: no-rm
      tool: bash
      when: {command: {program: rm}}
      deny: no rm
    - id: note-rm
      tool: bash
      on_unknown: ignore
      when: {command: {program: rm}}
      inject: careful
    """)
    d = plan.evaluate("tool:pre", bash('"$CMD" -rf /'))  # a dynamic program name cannot be proven harmless
    assert d.effect == "deny"
    assert d.rules == ("no-rm",)
    assert any("no-rm" in u and "counted as a match" in u for u in d.unknowns)
    assert any("note-rm" in u and "ignored" in u for u in d.unknowns)


def test_unless_is_an_exception_on_the_rule(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, """
    - id: only-approved-github
      tool: "mcp__github__*"
      unless: {tool_name: [mcp__github__get_issue]}
      deny: only approved github tools
    """)
    assert plan.evaluate("tool:pre", {"tool_name": "mcp__github__delete_repository"}).effect == "deny"
    assert plan.evaluate("tool:pre", {"tool_name": "mcp__github__get_issue"}).effect == "continue"
    assert plan.evaluate("tool:pre", {"tool_name": "mcp__slack__post"}) is CONTINUE


def test_malformed_tool_name_fails_closed(tmp_path: Path) -> None:
    d = plan_of(tmp_path, RULES).evaluate("tool:pre", {"tool_name": ["bash"], "tool_input": {}})
    assert d.effect == "deny"
    assert d.reason is not None and "malformed event" in d.reason


def test_rule_that_raises_denies_naming_the_rule(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, RULES)
    rule = next(r for r in plan.rules if r.id == "fine")

    class Boom:
        def test(self, data: Any, env: Any) -> Any:
            raise RuntimeError("boom")

    rule.when = Boom()  # type: ignore[assignment]
    d = plan.evaluate("tool:pre", bash("ls"))
    assert d.effect == "deny"
    assert d.rules == ("fine",)
    assert d.reason is not None and "rule `fine`" in d.reason and "boom" in d.reason


def test_trace_explains_every_rule_considered(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, RULES + "- id: gh\n  tool: mcp__github__x\n  deny: no\n")
    d = evaluate(plan, "tool:pre", bash("git push origin"), trace=True)
    assert d.trace is not None
    by_id = {t.rule_id: t for t in d.trace}
    assert by_id["ask-push"].matched and by_id["ask-push"].outcome == "ask_user"
    assert "`tool_input.command`" in by_id["ask-push"].why
    assert not by_id["no-force-push"].matched
    assert by_id["gh"].why == "skipped: tool `bash` not selected"
    assert d.effect == plan.evaluate("tool:pre", bash("git push origin")).effect


def test_to_dict_is_json_ready(tmp_path: Path) -> None:
    import json

    d = plan_of(tmp_path, RULES).evaluate("tool:pre", bash("git push origin"), trace=True)
    out = json.loads(json.dumps(d.to_dict()))
    assert out["effect"] == "ask_user" and out["rules"][0] == "ask-push"
    assert out["approval"]["prompt"] == "Push: git push origin?"


def test_index_gives_the_same_answers_as_a_full_scan(tmp_path: Path) -> None:
    rules = "".join(
        f"- id: r{i}\n  tool: [bash, 'mcp__x__*']\n  when: {{tool_input.command: {{{op}: 'w{i}'}}}}\n  deny: d\n"
        for i, op in enumerate(["equals", "prefix", "regex", "suffix", "contains", "glob"] * 5)
    ) + "- id: any\n  when: {tool_input.command: {in: [w7, zz]}}\n  ask: sure?\n"
    plan = plan_of(tmp_path, rules)
    for cmd in ["w1", "w10", "xw4", "w7", "w29x", "zz", "nothing", "w3 w9"]:
        for tool in ["bash", "mcp__x__y", "other"]:
            data = {"tool_name": tool, "tool_input": {"command": cmd}}
            fast, full = plan.evaluate("tool:pre", data), plan.evaluate("tool:pre", data, trace=True)
            assert (fast.effect, fast.rules) == (full.effect, full.rules), (cmd, tool)
