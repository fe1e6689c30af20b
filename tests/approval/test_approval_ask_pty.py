"""``hookgate ask`` in a real pseudo-terminal (pexpect), and without one."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pexpect
import pytest

JSON_LINE = re.compile(r"\{\"allowed\".*?\}(?=\r?\n)")


def _command() -> list[str]:
    return [sys.executable, "-m", "hookgate", "ask"]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return dict(os.environ, PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm", XDG_CONFIG_HOME=str(tmp_path / "config"))


def _spawn(env: dict[str, str], *args: str) -> pexpect.spawn:
    cmd = _command()
    return pexpect.spawn(cmd[0], [*cmd[1:], *args], env=env, encoding="utf-8", timeout=20, dimensions=(40, 120))


def _finish(child: pexpect.spawn) -> tuple[list[dict[str, Any]], int]:
    child.expect(pexpect.EOF)
    child.close()
    return [json.loads(m) for m in JSON_LINE.findall(child.before)], child.exitstatus


PUSH = ("--tool", "bash", "--args", '{"command": "git push origin main", "token": "s3cr3t-value-123"}',
        "--rule", "ask-push", "--reason", "pushes publish", "--timeout", "30")


@pytest.mark.parametrize(("keys", "outcome", "code"), [("a", "granted", 0), ("d", "denied", 1)])
def test_allow_and_deny(env: dict[str, str], keys: str, outcome: str, code: int) -> None:
    child = _spawn(env, *PUSH)
    child.expect("auto-deny in")
    assert "s3cr3t" not in child.before and "rule: ask-push — pushes publish" in child.before
    child.send(keys)
    [response], status = _finish(child)
    assert (response["outcome"], status) == (outcome, code)


def test_deny_with_a_message(env: dict[str, str]) -> None:
    child = _spawn(env, *PUSH)
    child.expect("auto-deny in")
    child.send("m")
    child.expect("message for the agent")
    child.send("open a pull request\r")
    [response], status = _finish(child)
    assert (response["outcome"], response["message"], status) == ("denied", "open a pull request", 1)


def test_session_grant_is_reused_within_one_session(env: dict[str, str], tmp_path: Path) -> None:
    one = {"tool": "bash", "arguments": {"command": "make deploy"}, "rule_id": "ask-deploy", "timeout": 30}
    requests = tmp_path / "requests.json"
    requests.write_text(json.dumps([one, one]))
    child = _spawn(env, "--request", str(requests))
    child.expect("auto-deny in")
    child.send("s")
    responses, status = _finish(child)
    assert [r["outcome"] for r in responses] == ["granted", "granted"]
    assert responses[1]["approver"] == f"grant:{responses[0]['grant_id']}" and status == 0
    assert child.before.count("approval needed") == 0  # the second request never drew a prompt


def test_timeout_counts_down_and_applies_the_default(env: dict[str, str]) -> None:
    child = _spawn(env, "--tool", "bash", "--args", '{"command": "ls"}', "--timeout", "2")
    child.expect("auto-deny in 2s")
    child.expect(r"\x1b\[0;7m1")  # the countdown digit repainted in place
    child.expect("no answer in time; the default `deny` applies")
    [response], status = _finish(child)
    assert (response["outcome"], response["allowed"], status) == ("timeout", False, 1)


def test_allow_always_survives_the_process_in_a_0600_file(env: dict[str, str], tmp_path: Path) -> None:
    child = _spawn(env, *PUSH)
    child.expect("auto-deny in")
    child.send("A")
    [first], status = _finish(child)
    assert (first["scope"], status) == ("persistent", 0)
    grants = tmp_path / "config" / "hookgate" / "grants.json"
    assert stat.S_IMODE(grants.stat().st_mode) == 0o600
    again = subprocess.run([*_command(), *PUSH], env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                           timeout=20)
    assert again.returncode == 0 and json.loads(again.stdout)["grant_id"] == first["grant_id"]


def test_without_a_terminal_it_denies_at_once_and_says_so(env: dict[str, str]) -> None:
    done = subprocess.run([*_command(), *PUSH], env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          timeout=20)
    assert done.returncode == 1
    assert json.loads(done.stdout)["approver"] == "terminal:non-interactive"
    assert "stdin is not a terminal; applying the non-interactive default `deny`" in done.stderr


def test_bad_arguments_are_an_error_with_a_position(env: dict[str, str]) -> None:
    done = subprocess.run([*_command(), "--tool", "bash", "--args", '{"command": }'], env=env, capture_output=True,
                          text=True, stdin=subprocess.DEVNULL, timeout=20)
    assert done.returncode == 1
    assert "<--args>:1:13: error: invalid json: expecting value [ask.bad_flag]" in done.stderr
    assert json.loads(done.stdout)["outcome"] == "error"
