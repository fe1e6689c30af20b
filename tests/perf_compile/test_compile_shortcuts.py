"""The compiler's speed-ups give the same answers as the plain forms they replace (no timings here)."""

from __future__ import annotations

import datetime
import gc
import json
import os
import textwrap
from pathlib import Path
from typing import Any

import pytest

from hookgate.policy.api import compile_policies
from hookgate.policy.compiler import collector_paused, run_stages, validate
from hookgate.policy.compiler.bucket import Bucket, pick_all
from hookgate.policy.compiler.lint import _condition_text
from hookgate.policy.loader import PolicySet, load_policies
from hookgate.policy.match import path as path_module
from hookgate.policy.match.command import _name_pool, known_names
from hookgate.policy.match.command_flags_data import PROGRAMS


def load(tmp_path: Path, rules: str) -> PolicySet:
    path = tmp_path / "p.yaml"
    path.write_text("version: 1\npolicy: t\nrules:\n" + textwrap.indent(textwrap.dedent(rules), "  "))
    return load_policies([path])


@pytest.mark.parametrize("enabled", [True, False])
def test_collector_paused_restores_the_collector(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        with collector_paused():
            assert not gc.isenabled()
        assert gc.isenabled() is enabled
        with pytest.raises(RuntimeError), collector_paused():
            raise RuntimeError
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()


def test_collector_paused_leaves_a_hosts_frozen_objects_frozen() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with collector_paused():
            pass
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


@pytest.mark.parametrize("value", [
    [{"b": [1, 1.0, True, None, "é\u2028\"\\"], "a": {"z": -0.0, "y": float("nan")}}, None],
    [{"when": datetime.date(2020, 1, 2)}, {"x": float("inf")}],
    [[], {}],
])
def test_condition_text_is_json_dumps(value: Any) -> None:
    assert _condition_text()(value) == json.dumps(value, sort_keys=True, default=str)


def test_duplicates_still_found_with_keys_in_another_order(tmp_path: Path) -> None:
    ps = load(tmp_path, """
    - id: a
      when: {tool_input.command: {prefix: git, case_insensitive: true}, tool_name: bash}
      deny: no
    - id: b
      when: {tool_name: bash, tool_input.command: {case_insensitive: true, prefix: git}}
      deny: no
    - id: c
      when: {tool_name: bash, tool_input.command: {case_insensitive: true, prefix: [git]}}
      deny: no
    """)
    found = [(d.code, d.message) for d in validate(ps) if d.code == "compile.duplicate_rule"]
    assert found == [("compile.duplicate_rule", "rule `b` duplicates rule `a` (same selectors, conditions and effect)")]


def test_shared_tool_lists_and_effects_compile_per_rule(tmp_path: Path) -> None:
    ps = load(tmp_path, """
    - id: a
      tool: [bash, "mcp__*"]
      when: {tool_input.command: {prefix: git}}
      deny: no
    - id: b
      tool: [bash, "mcp__*"]
      when: {tool_input.command: {prefix: rm}}
      deny: no
    - id: c
      tool: [read_file]
      ask: "ok {tool_name}?"
    - id: d
      tool: [write_file]
      ask: "ok {tool_name}?"
    """)
    state = run_stages(ps)
    a, b, c, d = state.rules
    assert a.tools == b.tools and a.action == b.action
    assert c.action == d.action
    plan = compile_policies(ps)
    assert plan.evaluate("tool:pre", {"tool_name": "mcp__x", "tool_input": {"command": "rm -r x"}}).effect == "deny"
    assert plan.evaluate("tool:pre", {"tool_name": "bash", "tool_input": {"command": "ls"}}).effect == "continue"


def test_buckets_built_from_shared_picks_match_their_own(tmp_path: Path) -> None:
    ps = load(tmp_path, """
    - id: a
      tool: [bash, sh]
      when: {tool_input.command: {command: {program: rm}}, tool_input.timeout: {gt: 3}}
      deny: no
    - id: b
      tool: [bash]
      when: {tool_input.command: {regex: "curl"}}
      deny: no
    - id: c
      tool: [sh]
      when: {any: [{tool_input.x: a}, {tool_input.y: b}]}
      deny: no
    """)
    rules = run_stages(ps).rules
    picks = pick_all(rules)
    for subset in (rules, rules[:2], rules[1:]):
        own, shared = Bucket(subset), Bucket(subset, picks=picks)
        assert own.always == shared.always and own.static == shared.static
        assert [(g.path, type(g), g.keys) for g in own.groups] == [(g.path, type(g), g.keys) for g in shared.groups]


def test_process_home_follows_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for home in (str(tmp_path), str(tmp_path) + "/", "/", "relative"):
        monkeypatch.setenv("HOME", home)
        expected = os.path.expanduser("~")
        assert path_module._process_home() == (expected if expected.startswith("/") else None)


def test_flag_name_pool_is_every_known_name() -> None:
    assert _name_pool(()) == set().union(*(known_names(p) for p in PROGRAMS))
    assert _name_pool(("git", "rm")) == known_names("git") | known_names("rm")


@pytest.mark.parametrize(("spec", "summary"), [
    ({"tool_input.command": {"regex": "^rm "}}, "`tool_input.command`: regex `^rm `"),
    ({"tool_input.command": "ls"}, "`tool_input.command`: equals `ls`"),
    ({"tool_input.n": [1, 2]}, "`tool_input.n`: in `[1, 2]`"),
    ({"command": {"prefix": ["git", "push"]}}, "`tool_input.command`: command `{'prefix': ['git', 'push']}`"),
    ({"tool_input.x": {"contains": "y" * 70, "case_insensitive": True}},
     f"`tool_input.x`: contains `{'y' * 60}…`, case_insensitive `True`"),
])
def test_condition_summary_is_built_when_asked_as_before(spec: dict[str, Any], summary: str) -> None:
    from hookgate.policy.conditions import FieldCond, compile_condition
    from hookgate.policy.match.base import CompileContext, Outcome

    cond = compile_condition(spec, CompileContext(), [])
    assert isinstance(cond, FieldCond)
    assert cond.summary == summary
    assert cond.yes.outcome is Outcome.YES and cond.yes.detail == summary
    assert cond.yes is cond.yes  # built once
