"""``hookgate eval``: one decision, as text or JSON, with an optional trace."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable

Run = Callable[..., subprocess.CompletedProcess[str]]

POLICY = "tests/cli/data/guard.policy.yaml"


def test_json_decision(hookgate: Run) -> None:
    proc = hookgate("eval", "--policy", POLICY, "--event", "tests/cli/data/event-push.yaml", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    decision = json.loads(proc.stdout)
    assert {"effect", "rules", "reason", "data"} <= set(decision)
    assert decision["effect"] == "ask_user"
    assert decision["rules"] == ["ask-before-push"]
    assert decision["approval"]["prompt"] == "Push: git push --force?"
    assert "trace" not in decision


def test_explain_from_stdin(hookgate: Run) -> None:
    event = '{"event": "tool:pre", "tool": "read_file", "input": {"file_path": "/app/.env"}}'
    proc = hookgate("eval", "--policy", POLICY, "--event", "-", "--explain", stdin=event)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "effect: deny"
    assert lines[1] == "rules: no-env-reads"
    assert "trace:" in lines
    assert any(line.startswith("  [match] no-env-reads") for line in lines)
    assert any(line.startswith("  [no   ] ask-before-push") for line in lines)


def test_modify_data(hookgate: Run) -> None:
    event = "tool: bash\ninput: {command: make all}\n"
    proc = hookgate("eval", "--policy", POLICY, "--event", "-", "--format", "json", stdin=event)
    decision = json.loads(proc.stdout)
    assert decision["effect"] == "modify"
    assert decision["data"]["tool_input"] == {"command": "make all", "timeout": 60}


def test_broken_event_file(hookgate: Run) -> None:
    proc = hookgate("eval", "--policy", POLICY, "--event", "-", stdin="tool: bash\nimput: {}\n")
    assert proc.returncode == 1
    assert "<stdin>:2:1: error: unknown key `imput`; did you mean `input`?" in proc.stderr


def test_event_data_pasted_as_it_is_says_where_it_goes(hookgate: Run) -> None:
    """A hook payload or a logged event's data is what people paste: one error at its first data key,
    with the fix, not a "did you mean `tool`?" per key."""
    payload = '{"session_id": "s1", "tool_name": "Bash", "tool_input": {"command": "ls"}}'
    proc = hookgate("eval", "--policy", POLICY, "--event", "-", stdin=payload)
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        "<stdin>:1:22: error: `tool_name` is event data, not a key of an event file [schema.event_data_at_top]",
        "  help: put the event's data under `data:` (and name the event with `event:`, default tool:pre), "
        "or use the shorthands `tool:` and `input:`",
    ]
    wrapped = hookgate("eval", "--policy", POLICY, "--event", "-", stdin=f'{{"data": {payload}}}')
    assert wrapped.returncode == 0, wrapped.stderr


def test_broken_policy_and_usage(hookgate: Run) -> None:
    proc = hookgate("eval", "--policy", "tests/cases/broken/pol-bad-version.yaml", "--event", "-", stdin="tool: x\n")
    assert proc.returncode == 1
    assert "pol-bad-version.yaml:2:10: error:" in proc.stderr
    assert hookgate("eval", "--policy", "nope.yaml", "--event", "-", stdin="{}").returncode == 2
    unknown = hookgate("eval", "--policy", POLICY, "--event", "-", stdin="event: tool:prre\n")
    assert unknown.returncode == 2 and "did you mean `tool:pre`" in unknown.stderr
