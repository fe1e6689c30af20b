"""Helpers for tests that hold the indexed engine to the traced scan (which uses no index)."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from hookgate.policy.api import Plan, compile_files


def plan_of(tmp_path: Path, rules: str) -> Plan:
    """A plan from the YAML text of a ``rules:`` list (indented as written in the test)."""
    path = tmp_path / "p.yaml"
    path.write_text("version: 1\npolicy: t\nrules:\n" + textwrap.indent(textwrap.dedent(rules), "  "))
    return compile_files([path])


def same_as_traced(plan: Plan, data: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    """The indexed decision's effect and rules, asserted equal to the traced evaluation's."""
    d = plan.evaluate("tool:pre", data)
    t = plan.evaluate("tool:pre", data, trace=True)
    assert (d.effect, d.rules) == (t.effect, t.rules), data
    return d.effect, d.rules


def compile_texts(tmp_path: Path, *texts: str) -> Plan:
    """A plan from whole policy files given as YAML texts (dedented), written as p0.yaml, p1.yaml…"""
    paths = []
    for i, text in enumerate(texts):
        path = tmp_path / f"p{i}.yaml"
        path.write_text(textwrap.dedent(text))
        paths.append(path)
    return compile_files(paths)
