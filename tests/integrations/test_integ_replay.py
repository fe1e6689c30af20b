"""``hookgate replay``: a recorded session log (the logging hook's JSONL) through real policies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hookgate.diagnostics import HookgateError
from hookgate.integrations.replay import LoggedEvent, read_session, render_text, replay_file
from hookgate.policy.api import compile_files

DATA = Path(__file__).parent / "data"
POLICY = DATA / "amplifier.policy.yaml"
SESSION = DATA / "session.jsonl"


@pytest.fixture(scope="module")
def report() -> Any:
    return replay_file(compile_files([POLICY]), SESSION)


def test_counts_by_effect(report: Any) -> None:
    assert report.events == 8
    assert {k: v for k, v in report.counts.items() if v} == {
        "deny": 1, "ask_user": 1, "modify": 1, "inject_context": 1, "continue": 4,
    }
    assert report.findings


def test_one_entry_per_non_continue_decision_with_its_line(report: Any) -> None:
    got = [(e.line, e.event, e.tool, e.decision.effect, e.decision.rules) for e in report.entries]
    assert got == [
        (3, "tool:pre", "bash", "deny", ("no-recursive-force-delete",)),
        (5, "tool:pre", "bash", "ask_user", ("ask-before-push",)),
        (6, "tool:pre", "bash", "modify", ("pin-make-timeout",)),  # logged as BEFORE_TOOL: the alias resolves
        (8, "tool:pre", "write_file", "inject_context", ("remind-tests",)),
    ]
    assert report.entries[2].decision.data["input"] == {"command": "make all", "timeout": 60}


def test_unreadable_lines_are_reported_at_their_position_not_dropped(report: Any) -> None:
    assert [(p.code, p.location.line, p.location.column) for p in report.problems] == [
        ("replay.bad_json", 9, 1),
        ("replay.missing_event", 10, 1),
    ]
    assert report.problems[0].location.file == str(SESSION)


def test_text_report(report: Any) -> None:
    lines = render_text(report).splitlines()
    assert lines[0] == (f"{SESSION}:3: deny tool:pre bash [no-recursive-force-delete] denied by rule "
                        "`no-recursive-force-delete`: Recursive force deletes are not allowed.")
    assert lines[1] == (f"{SESSION}:5: ask_user tool:pre bash [ask-before-push] approval required by rule "
                        "`ask-before-push`")
    assert lines[2] == f"{SESSION}:6: modify tool:pre bash [pin-make-timeout] would rewrite the event data"
    assert lines[-1] == ("8 event(s) replayed: 1 deny, 1 ask_user, 1 inject_context, 1 modify, 4 continue, "
                         "2 unreadable line(s) skipped")


def test_audit_only_rules_show_what_they_would_have_done(tmp_path: Path) -> None:
    log = tmp_path / "s.jsonl"
    line = {"ts": "t", "event": "tool:pre", "data": {"name": "bash", "input": {"command": "curl x"}}}
    log.write_text(json.dumps(line) + "\n")
    report = replay_file(compile_files([POLICY]), log)
    (entry,) = report.entries
    assert entry.decision.effect == "continue"
    assert "(audit-only: audit-curl would deny)" in render_text(report)
    assert not report.findings


def test_missing_log_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(HookgateError, match="cannot read session log"):
        list(read_session(tmp_path / "nope.jsonl"))


def test_reader_keeps_ts_and_resolves_aliases() -> None:
    items = [i for i in read_session(SESSION) if isinstance(i, LoggedEvent)]
    assert items[0] == LoggedEvent(1, "session:start", {"session_id": "s-1"}, "2024-01-15T10:30:00Z")
    assert items[4].event == "tool:pre" and items[4].line == 6


# -- through the real command ----------------------------------------------------------------------


def test_cli_text_and_json(cli: Any) -> None:
    text = cli("replay", str(SESSION), "--policy", str(POLICY))
    assert text.returncode == 1  # findings: something would have been gated
    assert "8 event(s) replayed: 1 deny, 1 ask_user" in text.stdout
    assert f"{SESSION}:9:1: error: line is not valid json" in text.stdout
    as_json = cli("replay", str(SESSION), "--policy", str(POLICY), "--format", "json")
    body = json.loads(as_json.stdout)
    assert body["counts"]["deny"] == 1 and body["events"] == 8
    assert [d["line"] for d in body["decisions"]] == [3, 5, 6, 8]
    assert body["decisions"][0] == {
        "line": 3, "ts": "2024-01-15T10:30:02Z", "event": "tool:pre", "tool": "bash", "effect": "deny",
        "rules": ["no-recursive-force-delete"],
        "reason": "denied by rule `no-recursive-force-delete`: Recursive force deletes are not allowed.",
        "data": None, "shadow": [],
    }
    assert [p["code"] for p in body["problems"]] == ["replay.bad_json", "replay.missing_event"]


def test_cli_clean_session_exits_0_and_errors_exit_2(cli: Any, tmp_path: Path) -> None:
    clean = tmp_path / "clean.jsonl"
    clean.write_text('{"ts": "t", "event": "tool:pre", "data": {"name": "bash", "input": {"command": "ls"}}}\n')
    ok = cli("replay", str(clean), "--policy", str(POLICY))
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip() == "1 event(s) replayed: 1 continue"
    missing = cli("replay", str(tmp_path / "none.jsonl"), "--policy", str(POLICY))
    assert missing.returncode == 2
    assert "no such file" in missing.stderr
