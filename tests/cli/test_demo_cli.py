"""``hookgate demo``: exits 0 without a terminal (the default applies, and it says so); a pty answers the prompt."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest


def _argv() -> list[str]:
    return [sys.executable, "-m", "hookgate", "demo"]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return dict(os.environ, PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm", XDG_CONFIG_HOME=str(tmp_path / "cfg"))


def _records(log: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in (log / "decisions.jsonl").read_text().splitlines()]


def test_demo_without_a_terminal(tmp_path: Path, env: dict[str, str]) -> None:
    proc = subprocess.run(
        [*_argv(), "--log-dir", str(tmp_path)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Traceback" not in out + proc.stderr and "\x1b[" not in out  # no colour when stdout is a pipe
    for shown in (
        "deny     no-recursive-force-delete: ",
        "modify   redact-secrets-to-model: messages[1].content -> ",
        "[REDACTED:aws_access_key]",
        'inject   remind-tests: "Run the test suite after editing Python files."',
        "stdin is not a terminal, so the rule's default (deny) applied",
        "decision log summary",
        "decisions by effect",
        str(tmp_path / "decisions.jsonl"),
    ):
        assert shown in out, out
    assert "AKIA" not in out  # the key is never printed, only its redaction
    effects = [(r["event"], r["effect"]) for r in _records(tmp_path)]
    assert effects == [
        ("prompt:submit", "continue"),
        ("tool:pre", "continue"),
        ("tool:pre", "deny"),
        ("provider:request", "modify"),
        ("tool:pre", "inject_context"),
        ("tool:pre", "ask_user"),
        ("tool:post", "continue"),
    ]
    assert list(tmp_path.iterdir()) == [tmp_path / "decisions.jsonl"] or (tmp_path / "decisions.jsonl").exists()


def test_demo_default_log_goes_to_a_temp_dir(tmp_path: Path, env: dict[str, str]) -> None:
    proc = subprocess.run(
        _argv(), stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written to the working directory
    line = next(line for line in proc.stdout.splitlines() if line.startswith("the full log: "))
    log = Path(line.removeprefix("the full log: "))
    assert log.is_file() and log.parent.name.startswith("hookgate-demo-")


@pytest.mark.parametrize(
    ("key", "verdict", "outcome"), [("a", "granted - you allowed it", "granted"), ("d", "denied - ", "denied")]
)
def test_demo_in_a_terminal_answers_the_prompt(
    tmp_path: Path, env: dict[str, str], key: str, verdict: str, outcome: str
) -> None:
    argv = _argv()
    child = pexpect.spawn(
        argv[0],
        [*argv[1:], "--log-dir", str(tmp_path)],
        env=env,
        cwd=str(tmp_path),
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 120),
    )
    child.expect("auto-deny in")
    assert "6. agent  bash: git push origin main" in child.before  # the scene is shown before its prompt
    child.send(key)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert verdict in child.before and "decision log summary" in child.before
    [ask] = [r for r in _records(tmp_path) if r["effect"] == "ask_user"]
    assert ask["approval"]["outcome"] == outcome  # type: ignore[index]
