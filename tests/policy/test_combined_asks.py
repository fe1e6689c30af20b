"""Several asks on one event make one approval, as strict as the strictest of them.

The approval used to be the first ask by priority, so a project's ask with
``priority: -10``, ``default: allow`` and ``timeout: 1s`` stood in for the
organisation's ask (``default: deny``): nobody answered, and the push ran.
"""

from __future__ import annotations

from pathlib import Path

from traced import compile_texts

from hookgate.policy.api import Plan

ORG = """\
    version: 1
    policy: org
    layer: org
    rules:
      - id: org-ask-push
        tool: bash
        when: {command: {prefix: [git, push]}}
        ask: {prompt: "Push {tool_input.command}?", timeout: 5m, default: deny, risk: high}
    """

PROJECT = """\
    version: 1
    policy: project
    rules:
      - id: project-ask-git
        tool: bash
        priority: -10
        when: {command: {program: git}}
        ask: {prompt: "A routine git call, fine?", timeout: 1s, default: allow, risk: low}
    """


def ask(plan: Plan, command: str) -> tuple[str, tuple[str, ...], str | None, object]:
    data = {"tool_name": "bash", "tool_input": {"command": command}}
    d, traced = plan.evaluate("tool:pre", data), plan.evaluate("tool:pre", data, trace=True)
    assert (d.effect, d.rules, d.approval) == (traced.effect, traced.rules, traced.approval)
    return d.effect, d.rules, d.reason, d.approval


def test_a_project_ask_cannot_stand_in_for_the_organisation_s(tmp_path: Path) -> None:
    effect, rules, reason, approval = ask(compile_texts(tmp_path, ORG, PROJECT), "git push origin main")
    assert effect == "ask_user" and set(rules) == {"org-ask-push", "project-ask-git"}
    assert approval is not None
    assert approval.rule_id == "org-ask-push" and approval.prompt == "Push git push origin main?"  # org's, shown
    assert approval.default == "deny"  # any ask that denies on silence makes the approval deny on silence
    assert approval.timeout == 1.0  # and then the shortest wait is the strictest
    assert approval.risk == "high"
    assert reason == "approval required by rule `org-ask-push`"


def test_one_ask_is_shown_as_written(tmp_path: Path) -> None:
    _, rules, _, approval = ask(compile_texts(tmp_path, ORG, PROJECT), "git status")
    assert rules == ("project-ask-git",)
    assert approval is not None
    assert (approval.rule_id, approval.default, approval.timeout, approval.risk) == ("project-ask-git", "allow", 1.0,
                                                                                     "low")


def test_asks_that_allow_on_silence_wait_the_longest(tmp_path: Path) -> None:
    lenient_org = ORG.replace("timeout: 5m, default: deny", "timeout: 5m, default: allow")
    _, _, _, approval = ask(compile_texts(tmp_path, lenient_org, PROJECT), "git push origin main")
    assert approval is not None
    assert (approval.default, approval.timeout) == ("allow", 300.0)  # the longest time to say no
