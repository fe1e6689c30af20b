"""Inline policy sources (rules embedded in a mount plan's hook config) and robustness."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hookgate.diagnostics import DiagnosticError, Location
from hookgate.load import PositionMap, load_yaml_file, load_yaml_text
from hookgate.policy.loader import PolicySet, load_policies

MOUNT_PLAN = """\
session:
  orchestrator: loop-basic
hooks:
  - module: hooks-policy
    config:
      policies: [baseline.yaml]
      rules:
        - id: inline-no-curl
          tool: bash
          when:
            command: {program: curl}
          deny: no network from here
        - id: inline-typo
          deny: x
          tmeout: 3
"""


def _plan(tmp_path: Path, text: str = MOUNT_PLAN) -> Path:
    path = tmp_path / "mount.yaml"
    path.write_text(text)
    return path


def _sub(path: Path, prefix: tuple[str | int, ...]) -> tuple[Any, PositionMap]:
    doc = load_yaml_file(path)
    data = doc.data
    for part in prefix:
        data = data[part]
    return data, doc.positions.rebased(prefix)


def test_inline_rule_list_errors_point_into_the_mount_plan(tmp_path: Path) -> None:
    plan = _plan(tmp_path)
    with pytest.raises(DiagnosticError) as info:
        load_policies([], inline=[_sub(plan, ("hooks", 0, "config", "rules"))])
    (diag,) = info.value.diagnostics
    assert diag.code == "schema.unknown_field" and diag.message.startswith("unknown key `tmeout`")
    assert diag.location == Location(str(plan), 15, 11)


def test_inline_rules_load_with_positions(tmp_path: Path) -> None:
    plan = _plan(tmp_path, MOUNT_PLAN.replace("          tmeout: 3\n", ""))
    policy_set = load_policies([], inline=[_sub(plan, ("hooks", 0, "config", "rules"))])
    first = policy_set.rules[0]
    assert (first.policy, first.layer, first.file) == ("inline", "project", str(plan))
    assert first.location == Location(str(plan), 8, 15)
    assert first.positions.value(("when", "command", "program")) == Location(str(plan), 11, 32)


def test_inline_full_policy_mapping_with_includes(tmp_path: Path) -> None:
    (tmp_path / "lists.yaml").write_text("version: 1\npolicy: lists\nlists:\n  hosts: [example.com]\n")
    plan = _plan(tmp_path, (
        "hooks:\n  - module: hooks-policy\n    config:\n      policy:\n        version: 1\n"
        "        policy: embedded\n        include: lists.yaml\n        rules:\n"
        "          - {id: e, allow: true}\n"
    ))
    policy_set = load_policies([], inline=[_sub(plan, ("hooks", 0, "config", "policy"))])
    assert policy_set.lists["hosts"] == ("example.com",)
    assert [s.model.policy for s in policy_set.sources] == ["lists", "embedded"]


def test_inline_and_files_share_rule_ids(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text("version: 1\npolicy: p\nrules:\n  - id: inline-no-curl\n    deny: x\n")
    plan = _plan(tmp_path, MOUNT_PLAN.replace("          tmeout: 3\n", ""))
    with pytest.raises(DiagnosticError) as info:
        load_policies([tmp_path / "p.yaml"], inline=[_sub(plan, ("hooks", 0, "config", "rules"))])
    assert [(d.code, d.location) for d in info.value.diagnostics] == [
        ("compile.duplicate_rule_id", Location(str(plan), 8, 15))
    ]


_scalars = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from(
    ["", "x", "tool:pre", "BEFORE_TOOL", "provider:*", "nope:*", "2m", "0", "deny", "ask", "(?=a)", "all"]
))
_keys = st.sampled_from([
    "version", "policy", "rules", "id", "on", "tool", "when", "deny", "ask", "allow", "modify", "inject", "prompt",
    "timeout", "reason", "set", "replace", "redact", "regex", "with", "field", "fields", "detectors", "lists",
    "include", "settings", "on_ask", "layer", "priority", "audit", "bogus",
])
_values = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_keys, inner, max_size=4),
                       max_leaves=12)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_keys, _values, max_size=6) | st.lists(_values, max_size=3))
def test_any_input_gives_a_policy_set_or_diagnostics_never_a_traceback(data: Any) -> None:
    positions = load_yaml_text("{}", "fuzz.yaml").positions
    try:
        result = load_policies([], inline=[(data, positions)])
    except DiagnosticError as exc:
        assert exc.diagnostics and all(d.location is not None for d in exc.diagnostics)
    else:
        assert isinstance(result, PolicySet)
