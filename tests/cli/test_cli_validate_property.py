"""A property of ``hookgate validate`` on policy files mutated at random: the partial compile that reports
more errors after a schema error never changes the verdict and never invents an error.

For every mutation of a valid policy (a value replaced by one of another kind, a key dropped or misspelt,
a rule inserted) written to a real file:

* ``validate`` exits non-zero exactly when the file fails to load (the loader's verdict, salvage or not) or
  its compile fails, and 0 otherwise: the salvage hides no error and makes no file pass;
* no internal error, and every diagnostic points into the file at a line and column that exist;
* a compile error reported for a rule is one that compiling that rule alone (in a policy with the same
  lists) also reports: an error is never blamed on a rule that is fine.
"""

from __future__ import annotations

import copy
import json
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from hookgate.diagnostics import DiagnosticError
from hookgate.load.yaml import PositionMap, load_yaml_file
from hookgate.policy.api import compile_files, compile_policies
from hookgate.policy.loader import load_policies
from hookgate.policy.model import PolicyFile

Run = Callable[..., subprocess.CompletedProcess[str]]

BASE: dict[str, Any] = {
    "version": 1,
    "policy": "mutated",
    "description": "a policy to break",
    "settings": {"on_ask": "ask", "workspace": "/w"},
    "lists": {"tools": ["bash", "Bash"], "hosts": ["pypi.org"], "secrets": ["~/.ssh/**"]},
    "rules": [
        {"id": "no-rm", "tool": ["bash"], "when": {"tool_input.command": {"command": {"program": "rm"}}},
         "deny": "no"},
        {"id": "fetch", "tool": "web_fetch", "when": {"tool_input.url": {"url": {"in": "hosts"}}}, "allow": True},
        {"id": "by-list", "when": {"tool_name": {"in": "tools"}}, "ask": {"prompt": "ok {tool_name}?",
                                                                          "timeout": "30s"}},
        {"id": "secrets", "when": {"tool_input.file_path": {"path": {"in": "secrets"}}}, "deny": {"reason": "x"}},
        {"id": "rewrite", "priority": 2, "modify": {"set": {"tool_input.x": 1}, "replace": [
            {"field": "tool_input.command", "regex": "^a+", "with": "b"}]}},
        {"id": "note", "on": "prompt:submit", "inject": {"text": "hello", "role": "user"}},
        {"id": "regex", "when": {"tool_input.command": {"regex": "^git push"}}, "ask": "push?"},
    ],
}
VALUES = [None, True, 0, -3, 2.5, "", "x", "Bad Name", "a(?=b)", "tool:pree", "toolz", [], ["x"], [1], {},
          {"a": 1}, {"prefixx": "git"}, {"regex": "("}, {"in": "nope"}, {"deny": "d"}, "30s", "-1s"]
KEYS = ["deny", "ask", "allow", "modify", "inject", "tmeout", "id", "when", "unless", "on", "tool", "lists",
        "rules", "settings", "priority", "policy", "version", "layer", "include"]


def _paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if path:
        yield path
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in items:
        yield from _paths(child, (*path, key))


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 3))):
        paths = list(_paths(data))
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent: Any = data
        for part in path[:-1]:
            parent = parent[part]
        how = draw(st.sampled_from(["replace", "drop", "rename", "insert"]))
        if how == "replace":
            parent[path[-1]] = copy.deepcopy(draw(st.sampled_from(VALUES)))
        elif how == "drop":
            del parent[path[-1]]
        elif how == "rename" and isinstance(parent, dict):
            parent[draw(st.sampled_from(KEYS))] = parent.pop(path[-1])
        elif isinstance(parent, list):
            parent.insert(path[-1], copy.deepcopy(draw(st.sampled_from(VALUES))))
    return data


def _text(data: dict[str, Any]) -> str:
    """One line per top-level key, list and rule (JSON is YAML), so a line number names a rule."""
    lines = []
    for key, value in data.items():
        if key in ("rules", "lists") and value and isinstance(value, list | dict):
            lines.append(f"{key}:")
            items = value if isinstance(value, list) else [{k: v} for k, v in value.items()]
            lines += [f"  - {json.dumps(item)}" if key == "rules" else f"  {json.dumps(item)[1:-1]}"
                      for item in items]
        else:
            lines.append(f"{key}: {json.dumps(value)}")
    return "\n".join(lines) + "\n"


def _fails(path: Path) -> bool:
    """The verdict without the salvage: the file is no valid ``PolicyFile`` (pydantic's own verdict), or
    the set it makes does not load (ids, lists, layers) or compile."""
    try:
        PolicyFile.model_validate(load_yaml_file(path).data)
        compile_policies(load_policies([path]))
    except (ValidationError, DiagnosticError):
        return True
    return False


def _alone_errors(rule: Any, lists: Any) -> set[str]:
    """The compile errors of ``rule`` compiled alone, with the file's lists that are readable (validate
    keeps those when another list is broken)."""
    policy = {"version": 1, "policy": "alone", "rules": [rule]}
    if isinstance(lists, dict):
        policy["lists"] = {k: v for k, v in lists.items()  # (as the model reads a list: non-empty strings)
                           if isinstance(v, list) and all(isinstance(s, str) and s.strip() for s in v)}
    try:
        compile_files([], inline=[(policy, PositionMap("<alone>"))])
    except DiagnosticError as exc:
        return {d.message for d in exc.errors if d.code.startswith("compile.")}
    return set()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=mutated())
def test_validate_fails_exactly_when_the_file_does(hookgate: Run, tmp_path: Path, data: dict[str, Any]) -> None:
    path = tmp_path / "p.policy.yaml"
    text = _text(data)
    path.write_text(text)
    proc = hookgate("validate", "--format", "json", path.name, cwd=tmp_path)
    assert proc.returncode == (1 if _fails(path) else 0), text + proc.stdout
    lines = text.splitlines()
    rules = data.get("rules")
    first_rule = lines.index("rules:") + 2 if "rules:" in lines else None
    for d in json.loads(proc.stdout):
        assert not d["code"].startswith("internal."), d
        assert Path(d["file"]).name == path.name and 1 <= d["line"] <= len(lines), d
        assert 1 <= d["column"] <= len(lines[d["line"] - 1]) + 1, d
        if d["severity"] != "error" or not d["code"].startswith("compile.") or first_rule is None:
            continue
        index = d["line"] - first_rule
        if d["code"] in ("compile.duplicate_rule_id", "compile.duplicate_list", "compile.layer_violation"):
            continue  # judged across rules and files, from what is written
        assert isinstance(rules, list) and 0 <= index < len(rules), d
        alone = _alone_errors(rules[index], data.get("lists"))
        assert d["message"] in alone or _unsuggested(d["message"], data.get("lists")) in alone, (text, d)


def _unsuggested(message: str, lists: Any) -> str:
    """``message`` without a "did you mean" that names a list of the file: one the oracle leaves out
    when the lists are not all readable, but whose name the validator still knows and suggests."""
    head, sep, hint = message.partition("; did you mean `")
    if sep and isinstance(lists, dict) and hint.removesuffix("`?") in lists:
        return head
    return message


def test_the_base_policy_is_valid(hookgate: Run, tmp_path: Path) -> None:
    (tmp_path / "p.policy.yaml").write_text(_text(BASE))
    assert hookgate("validate", "p.policy.yaml", cwd=tmp_path).returncode == 0


@pytest.mark.parametrize("broken", ["tmeout", "policy"])
def test_a_schema_error_keeps_the_other_rules_compile_errors(hookgate: Run, tmp_path: Path, broken: str) -> None:
    data = copy.deepcopy(BASE)
    data["rules"][0]["when"] = {"tool_input.command": {"prefixx": "git"}}
    if broken == "tmeout":
        data["rules"][1]["tmeout"] = 3
    else:
        data["policy"] = "Bad Name"
    (tmp_path / "p.policy.yaml").write_text(_text(data))
    proc = hookgate("validate", "--format", "json", "p.policy.yaml", cwd=tmp_path)
    assert proc.returncode == 1
    assert [d["code"] for d in json.loads(proc.stdout) if d["code"].startswith("compile.")] == [
        "compile.unknown_operator"]
