"""``hookgate run PLAN --events FILE.jsonl``: the plan's real stack decides every recorded event."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from hookgate.cli import main as cli

POLICY = """\
version: 1
policy: guard
rules:
  - id: no-recursive-force-delete
    tool: bash
    when:
      command: {program: rm, flags: [recursive, force]}
    deny: Recursive force deletes are not allowed.
  - id: ask-before-push
    tool: bash
    when:
      command: {prefix: [git, push]}
    ask: {prompt: "Push?", timeout: 30s}
  - id: pin-make-timeout
    tool: bash
    when:
      tool_input.command: {prefix: make}
    modify: {set: {tool_input.timeout: 60}}
"""

PLAN = """\
session: {orchestrator: o, context: c}
hooks:
  - module: hooks-policy
    config:
      policies: [guard.yaml]
      approval: {channel: deny_all}
      rules:
        - {id: remind-tests, tool: write_file, inject: Run the tests.}
  - module: hooks-decision-log
    config: {path: log/decisions.jsonl, events: [tool:post]}
"""

EVENTS = [
    {"event": "session:start", "data": {"session_id": "s-1"}},
    {"event": "tool:pre", "data": {"tool_name": "bash", "tool_input": {"command": "ls"}}},
    {"event": "tool:pre", "data": {"tool_name": "bash", "tool_input": {"command": "rm -rf build"}}},
    {"event": "BEFORE_TOOL", "data": {"tool_name": "bash", "tool_input": {"command": "make all"}}},
    {"event": "tool:pre", "data": {"tool_name": "bash", "tool_input": {"command": "git push origin main"}}},
    {"event": "tool:pre", "data": {"tool_name": "write_file", "tool_input": {"file_path": "a.py"}}},
    {"event": "tool:post", "data": {"tool_name": "bash"}},
]


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "guard.yaml").write_text(POLICY)
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN)
    events = tmp_path / "session.jsonl"
    events.write_text("\n".join(json.dumps(e) for e in EVENTS) + "\n")
    return plan, events


def test_text_report(files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    plan, events = files
    assert cli.main(["run", str(plan), "--events", str(events)]) == 1  # something was denied
    out = capsys.readouterr().out
    lines = [line.split() for line in out.splitlines()]
    assert ["hooks-policy", "hookgate", "tool:pre", "(-100)"] in lines
    assert ["hooks-decision-log", "hookgate", "tool:post", "(1000)"] in lines
    assert ["1", "session:start", "-", "continue"] in lines
    assert "denied by rule `no-recursive-force-delete`: Recursive force deletes are not allowed." in out
    assert ["4", "tool:pre", "bash", "modify", "pin-make-timeout", "rewrote", "tool_input.timeout"] in lines
    assert "ask_user -> denied" in out and "inject_context" in out
    assert out.rstrip().endswith("7 event(s): 1 deny, 1 ask_user, 1 modify, 1 inject_context, 3 continue")


def test_json_report_and_approvals(files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    plan, events = files
    assert cli.main(["run", str(plan), "--events", str(events), "--format", "json", "--approvals", "allow"]) == 1
    report = json.loads(capsys.readouterr().out)
    steps = {s["line"]: s for s in report["steps"]}
    assert steps[5]["outcome"] == "ask_user" and steps[5]["granted"] is True and steps[5]["action"] == "continue"
    assert steps[3]["rules"] == ["no-recursive-force-delete"] and steps[3]["action"] == "deny"
    assert steps[6]["context_injection"] == "Run the tests."
    assert report["counts"] == {"deny": 1, "ask_user": 1, "modify": 1, "inject_context": 1, "continue": 3}
    assert [h["module"] for h in report["hooks"]] == ["hooks-policy", "hooks-decision-log"]
    log = [json.loads(x) for x in (plan.parent / "log/decisions.jsonl").read_text().splitlines()]
    assert [r["effect"] for r in log] == ["continue", "deny", "modify", "ask_user", "inject_context", "continue"]


def test_clean_session_exits_zero(files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    plan, events = files
    events.write_text(json.dumps(EVENTS[1]) + "\n")
    assert cli.main(["run", str(plan), "--events", str(events)]) == 0
    assert "1 event(s): 1 continue" in capsys.readouterr().out


def test_broken_plan_is_reported(files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    plan, events = files
    plan.write_text(PLAN.replace("[guard.yaml]", "[missing.yaml]"))
    assert cli.main(["run", str(plan), "--events", str(events)]) == 1
    err = capsys.readouterr().err
    assert f"{plan}:5:18: error: policy file `missing.yaml` not found" in err


def test_usage_errors(files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    plan, _ = files
    assert cli.main(["run", str(plan), "--events", "nope.jsonl"]) == 2
    assert "no such file `nope.jsonl`" in capsys.readouterr().err


def test_unreadable_lines_are_reported(files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    plan, events = files
    events.write_text(
        textwrap.dedent("""\
        {"event": "tool:pre", "data": {"tool_name": "bash", "tool_input": {"command": "ls"}}}
        not json
        """)
    )
    assert cli.main(["run", str(plan), "--events", str(events)]) == 1
    assert f"{events}:2:1: error: line is not valid json" in capsys.readouterr().out
