"""A lower layer's ``workspace`` setting governs its own rules, never a higher layer's.

``workspace`` comes from the policy files; a project writing ``workspace: /``
used to make the organisation's ``outside: workspace`` deny a no-op, since every
path is under ``/``. The rules of a layer above the one that sets it now take the
workspace from the event (its cwd) only. Real layered files; the traced scan
must agree with the indexed evaluation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from traced import compile_texts

from hookgate.diagnostics import DiagnosticError
from hookgate.policy.api import Plan

ORG = """\
    version: 1
    policy: org
    layer: org
    rules:
      - id: stay-in-workspace
        tool: write_file
        when: {path: {outside: workspace}}
        deny: writes stay in the workspace
      - id: no-workspace-secrets
        tool: write_file
        when: {tool_input.file_path: {path: {glob: "secrets/**"}}}
        deny: the workspace's secrets folder is off limits
    """

PROJECT = """\
    version: 1
    policy: project
    settings:
      workspace: /
    rules:
      - id: project-outside
        tool: write_file
        when: {path: {outside: workspace}}
        ask: {prompt: "Write {tool_input.file_path}?"}
    """


def decide(plan: Plan, path: str, cwd: str | None = "/w/proj") -> tuple[str, tuple[str, ...]]:
    data: dict[str, Any] = {"tool_name": "write_file", "tool_input": {"file_path": path, "content": "x"}}
    if cwd is not None:
        data["cwd"] = cwd
    fast, traced = plan.evaluate("tool:pre", data), plan.evaluate("tool:pre", data, trace=True)
    assert (fast.effect, fast.rules) == (traced.effect, traced.rules), path
    return fast.effect, fast.rules


def test_a_project_workspace_does_not_disarm_the_organisation_s_rules(tmp_path: Path) -> None:
    plan = compile_texts(tmp_path, ORG, PROJECT)
    assert decide(plan, "/etc/cron.d/job") == ("deny", ("stay-in-workspace",))
    assert decide(plan, "/w/proj/src/app.py") == ("continue", ())
    assert decide(plan, "secrets/key") == ("deny", ("no-workspace-secrets",))  # below the event's cwd
    assert decide(plan, "/secrets/key")[0] == "deny"  # outside /w/proj: the org's rule, not the project's `/`


def test_the_project_s_own_rules_use_its_setting(tmp_path: Path) -> None:
    plan = compile_texts(tmp_path, PROJECT)
    assert decide(plan, "/etc/cron.d/job") == ("continue", ())  # everything is under `/`


def test_without_a_cwd_a_lower_setting_still_does_not_decide_the_organisation_s_rules(tmp_path: Path) -> None:
    """The event names no folder: the organisation's rules cannot know their workspace, which counts
    as a match for a deny (it used to fall back to the project's `workspace: /` and pass)."""
    plan = compile_texts(tmp_path, ORG, PROJECT)
    assert decide(plan, "/etc/cron.d/job", cwd=None) == ("deny", ("stay-in-workspace", "no-workspace-secrets"))
    assert decide(plan, "/etc/cron.d/job") == ("deny", ("stay-in-workspace",))
    assert decide(plan, "/w/proj/src/app.py") == ("continue", ())


def test_a_setting_in_the_organisation_governs_every_layer(tmp_path: Path) -> None:
    org = ORG.replace("    rules:\n", "    settings:\n      workspace: /srv/app\n    rules:\n", 1)
    project = PROJECT.replace("      workspace: /\n", "      workspace: /srv/app\n")
    plan = compile_texts(tmp_path, org, project)
    assert decide(plan, "/srv/app/x", cwd="/srv/app/sub") == ("continue", ())
    assert decide(plan, "/srv/other/x", cwd="/srv/app/sub") == ("deny", ("stay-in-workspace", "project-outside"))


def test_a_lower_layer_cannot_move_the_organisation_s_workspace(tmp_path: Path) -> None:
    org = ORG.replace("    rules:\n", "    settings:\n      workspace: /srv/app\n    rules:\n", 1)
    with pytest.raises(DiagnosticError) as err:
        compile_texts(tmp_path, org, PROJECT)
    assert "compile.layer_violation" in str(err.value) and "p1.yaml:4:14" in str(err.value)
    assert "cannot move the workspace `/srv/app` the `org` layer set at" in str(err.value)
