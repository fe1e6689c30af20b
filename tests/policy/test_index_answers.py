"""Indexes that answer for their rules: the answers must be the rules' own, for every value shape.

The engine takes a rule's ``when`` answer from its index when the index
already computed it (a text index is exact; a command line is parsed once;
a path resolved once), and remembers answers per command line and
decisions per set of matches. Each test pins one way this could go wrong
against the traced evaluation, which uses no index at all.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
from traced import plan_of, same_as_traced

from hookgate.policy.api import compile_files
from hookgate.policy.conditions import FieldPath
from hookgate.policy.conditions.fields import MISSING


def test_a_command_rule_on_written_paths_is_judged_per_working_directory(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, """
    - id: no-etc-writes
      tool: bash
      when: {command: {writes: "/etc/**"}}
      deny: no writes to /etc
    """)
    line = {"tool_name": "bash", "tool_input": {"command": "echo x > passwd"}}
    assert same_as_traced(plan, {**line, "cwd": "/etc"}) == ("deny", ("no-etc-writes",))
    assert same_as_traced(plan, {**line, "cwd": "/tmp"}) == ("continue", ())
    assert same_as_traced(plan, {**line, "cwd": "/etc"}) == ("deny", ("no-etc-writes",))


@pytest.mark.parametrize(("value", "effect"), [(1, "deny"), ("A", "deny"), (True, "continue"), ("b", "continue"),
                                               ([2, "x", 1], "deny"), ({"k": "a"}, "deny")])
def test_case_insensitive_in_with_numbers(tmp_path: Path, value: Any, effect: str) -> None:
    plan = plan_of(tmp_path, """
    - id: listed
      when: {tool_input.n: {in: [1, "a"], case_insensitive: true}}
      deny: listed
    """)
    assert same_as_traced(plan, {"tool_name": "x", "tool_input": {"n": value}})[0] == effect


KEY = "AKIAABCDEFGHIJKLMNOP"


@pytest.mark.parametrize("value", [KEY, ["ok", f"key {KEY}"], {"a": {"b": KEY + "Q"}}])
def test_regex_rules_on_every_value_shape(tmp_path: Path, value: Any) -> None:
    plan = plan_of(tmp_path, """
    - id: aws-key
      when: {tool_input.*: {regex: "AKIA[0-9A-Z]{16}"}}
      deny: key
    - id: aws-key-ci
      when: {tool_input.*: {regex: "akia[0-9a-z]{16}", case_insensitive: true}}
      ask: {prompt: "key?"}
    """)
    data = {"tool_name": "x", "tool_input": {"v": value, "other": "short"}}
    assert same_as_traced(plan, data) == ("deny", ("aws-key", "aws-key-ci"))
    assert same_as_traced(plan, {"tool_name": "x", "tool_input": {"v": "akia0123"}}) == ("continue", ())


def test_a_rule_with_more_conditions_is_evaluated_in_full(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, """
    - id: push-main
      tool: bash
      when: {command: {prefix: [git, push]}, tool_input.branch: main}
      deny: not main
    """)
    push = {"tool_name": "bash", "tool_input": {"command": "git push"}}
    assert same_as_traced(plan, {**push, "tool_input": {"command": "git push", "branch": "main"}})[0] == "deny"
    assert same_as_traced(plan, {**push, "tool_input": {"command": "git push", "branch": "dev"}})[0] == "continue"


def test_remembered_decisions_never_cross_effects_that_show_the_event(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, """
    - id: ask-push
      tool: bash
      when: {command: {prefix: [git, push]}}
      ask: {prompt: "push {tool_input.command}?"}
    """)
    for cmd in ("git push origin a", "git push origin b"):
        d = plan.evaluate("tool:pre", {"tool_name": "bash", "tool_input": {"command": cmd}})
        assert d.approval is not None and d.approval.prompt == f"push {cmd}?"


def test_remembered_ask_decisions_show_each_event_even_when_asks_become_denies(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(textwrap.dedent("""\
        version: 1
        policy: t
        settings: {on_ask: deny}
        rules:
          - id: ask-push
            tool: bash
            when: {command: {prefix: [git, push]}}
            ask: {prompt: "push {tool_input.command}?"}
          - id: ask-any
            tool: bash
            when: {tool_input.command: {contains: origin}}
            ask: {prompt: "origin in {tool_input.command}"}
        """))
    plan = compile_files([path])
    for _ in range(2):
        for cmd in ("git push origin a", "git push origin b", "git push"):
            d = plan.evaluate("tool:pre", {"tool_name": "bash", "tool_input": {"command": cmd}})
            assert d.effect == "deny" and d.reason is not None and f"push {cmd}?" in d.reason, d


def test_remembered_decisions_tell_tools_apart_by_their_unconditional_rules(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, """
    - id: secret-anywhere
      when: {tool_input.*: {contains: hunter2}}
      inject: {text: careful}
    - id: ask-bash
      tool: bash
      ask: {prompt: "run {tool_input.command}?"}
    - id: deny-curl-tool
      tool: curl
      deny: no curl tool
    """)
    for _ in range(2):
        for cmd in ("echo hunter2", "cat hunter2"):
            d = same_as_traced(plan, {"tool_name": "bash", "tool_input": {"command": cmd}})
            assert d == ("ask_user", ("ask-bash", "secret-anywhere"))
            ask = plan.evaluate("tool:pre", {"tool_name": "bash", "tool_input": {"command": cmd}}).approval
            assert ask is not None and ask.prompt == f"run {cmd}?"
            assert same_as_traced(plan, {"tool_name": "curl", "tool_input": {"command": cmd}})[0] == "deny"
            assert same_as_traced(plan, {"tool_name": "ls", "tool_input": {"command": cmd}})[0] == "inject_context"


def test_conditions_on_the_tool_name_alone_are_decided_per_tool(tmp_path: Path) -> None:
    """Rules that read only ``tool_name`` are folded into each tool's route; events that name their
    tool some other way (``name``, with ``tool_name`` null) must still see what the rule sees."""
    plan = plan_of(tmp_path, """
    - id: github-allowlist
      tool: "mcp__github__*"
      unless: {tool_name: {in: [mcp__github__list_issues, mcp__github__get_issue]}}
      deny: only approved github tools
    - id: ask-writes
      when: {any: [{tool_name: {glob: "*write*"}}, {tool_name: {regex: "^edit"}}]}
      unless: {not: {tool_name: {prefix: "mcp__"}}}
      ask: {prompt: "allow {tool_name}?"}
    - id: deny-long-names
      when: {tool_name: {length: {gt: 30}}}
      deny: suspicious tool name
    - id: not-folded
      when: {all: [{tool_name: {prefix: mcp__}}, {tool_input.q: {contains: secret}}]}
      deny: no secrets in queries
    """)
    tools = ["mcp__github__list_issues", "mcp__github__delete_repo", "mcp__fs__write_file", "edit_file",
             "mcp__github__very_long_tool_name_x", "bash", "mcp__slack__read"]
    for _ in range(2):
        for tool in tools:
            for data in ({"tool_name": tool, "tool_input": {"q": "a secret"}}, {"name": tool, "input": {"q": "x"}},
                         {"tool_name": None, "name": tool, "tool_input": {"q": "x"}}):
                same_as_traced(plan, data)
    assert same_as_traced(plan, {"tool_name": "mcp__github__delete_repo"})[0] == "deny"
    assert same_as_traced(plan, {"tool_name": "mcp__github__list_issues"})[0] == "continue"
    assert same_as_traced(plan, {"tool_name": None, "name": "mcp__github__list_issues"})[0] == "deny"


def test_single_value_resolvers_agree_with_values() -> None:
    for text, data in [("tool_input.command", {"input": {"command": "ls"}}), ("tool_name", {"name": "bash"}),
                       ("tool_input.x", {"tool_input": "not a mapping"}), ("tool_input.x", {"input": {"y": 1}}),
                       ("a", {})]:
        path = FieldPath.parse(text)
        single = path.single()
        assert single is not None
        got = single(data)
        assert ([got] if got is not MISSING else []) == path.values(data)
    assert FieldPath.parse("tool_input.*").single() is None
    assert FieldPath.parse("model").single() is None  # its alias is longer: the general resolver handles it
    assert FieldPath.parse("messages[-1].content").single() is None


def _buried(depth: int) -> Any:
    value: Any = "AKIAABCDEFGHIJKLMNOP"
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize("buried", [
    {"a": _buried(40)},
    {"many": ["padding"] * 10_000 + ["AKIAABCDEFGHIJKLMNOP"]},
], ids=["deep", "wide"])
def test_a_key_buried_past_the_reading_bounds_still_denies(tmp_path: Path, buried: dict[str, Any]) -> None:
    plan = plan_of(tmp_path, """
    - id: aws-key
      when: {tool_input.*: {regex: "AKIA[0-9A-Z]{16}"}}
      deny: key
    - id: lenient
      on_unknown: ignore
      when: {tool_input.*: {contains: "AKIA"}}
      ask: {prompt: "key?"}
    """)
    effect, rules = same_as_traced(plan, {"tool_name": "mcp__x__y", "tool_input": buried})
    assert (effect, rules) == ("deny", ("aws-key",))  # not understood: a deny counts it, `ignore` does not
    assert plan.evaluate("tool:pre", {"tool_name": "mcp__x__y", "tool_input": {"a": ["fine"]}}).effect == "continue"


@pytest.mark.parametrize(("needle", "value"), [
    ("Straße", "Straße"), ("STRASSE", "nord straße"), ("straße", "STRASSE"), ("ﬁle", "FILE"), ("İstanbul", "i̇stanbul"),
])
def test_case_insensitive_contains_and_suffix_answer_as_casefold_does(tmp_path: Path, needle: str, value: str) -> None:
    """The operator compares casefolded text; the index's RE2 `(?i)` folds one character to one and
    missed `ß`/`ss`, ligatures and dotted capitals: a rule did not match its own text."""
    plan = plan_of(tmp_path, f"""
    - id: contains
      tool: bash
      when: {{tool_input.command: {{contains: "{needle}", case_insensitive: true}}}}
      deny: no
    - id: suffix
      tool: bash
      when: {{tool_input.description: {{suffix: "{needle}", case_insensitive: true}}}}
      deny: no
    """)
    data = {"tool_name": "bash", "tool_input": {"command": value, "description": "at " + value}}
    assert same_as_traced(plan, data) == ("deny", ("contains", "suffix"))


@pytest.mark.parametrize("tail", [1, None, {}, []])
def test_a_value_cut_by_the_reading_bounds_is_unknown_beside_an_equality_rule(tmp_path: Path, tail: Any) -> None:
    """An `equals` rule on the field makes its index collect numbers too; it then counted a number (or
    null, or empty list) past the 10,000-leaf bound as read, while the operator calls the value not
    understood: a deny on `contains` was skipped by the index and held by the traced scan."""
    plan = plan_of(tmp_path, """
    - id: exact
      tool: bash
      when: {tool_input.command: shutdown}
      deny: no shutdown
    - id: rmrf
      tool: bash
      when: {tool_input.command: {contains: "rm -rf"}}
      deny: no rm
    """)
    effect, rules = same_as_traced(plan, {"tool_name": "bash", "tool_input": {"command": ["x"] * 10_000 + [tail]}})
    assert effect == "deny" and "rmrf" in rules
