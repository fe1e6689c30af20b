"""A policy gating shell reads by path also stops programs, scripts and inline code it has no table for.

``mytool ~/.ssh/id_rsa`` may read the key and nothing proves it does: the rule's answer is *unknown*,
which a deny counts (fail closed) unless the rule says ``on_unknown: ignore``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hookgate.policy.api import compile_files

POLICY = """\
version: 1
policy: x
rules:
  - id: no-ssh-reads
    tool: bash
    when: {tool_input.command: {command: {reads: {glob: "~/.ssh/**"}}}}
    deny: no ssh keys
"""


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_rsa").write_text("KEY")
    (home / "work").mkdir()
    monkeypatch.setenv("HOME", str(home))
    return home


def _plan(tmp_path: Path, policy: str = POLICY) -> Any:
    path = tmp_path / "p.yaml"
    path.write_text(policy)
    return compile_files([path])


def _bash(plan: Any, command: str, cwd: Path) -> Any:
    return plan.evaluate("tool:pre", {"tool_name": "bash", "tool_input": {"command": command}, "cwd": str(cwd)})


@pytest.mark.parametrize(("command", "program", "word"), [
    ("mytool ~/.ssh/id_rsa", "mytool", "~/.ssh/id_rsa"),
    ("ssh-add --quiet ~/.ssh/id_rsa", "ssh-add", "~/.ssh/id_rsa"),
    ("mytool --key=$HOME/.ssh/id_rsa", "mytool", "--key=$HOME/.ssh/id_rsa"),
    ("python3 s.py ~/.ssh/id_rsa", "python3", "~/.ssh/id_rsa"),
    ("./run.sh ~/.ssh/id_rsa", "run.sh", "~/.ssh/id_rsa"),
    ("node -e \"console.log(require('fs').readFileSync(require('os').homedir() + '/.ssh/id_rsa', 'utf8'))\"",
     "node", "~/.ssh/id_rsa"),
])
def test_a_word_that_may_name_the_key_is_denied_and_the_reason_names_program_and_word(
        home: Path, tmp_path: Path, command: str, program: str, word: str) -> None:
    d = _bash(_plan(tmp_path), command, home / "work")
    assert (d.effect, d.rules) == ("deny", ("no-ssh-reads",))
    assert d.reason is not None and d.reason.startswith("denied by rule `no-ssh-reads`: no ssh keys")
    assert f"`{program}`" in d.reason and f"`{word}`" in d.reason, d.reason


@pytest.mark.parametrize("command", [
    "echo ~/.ssh/id_rsa", "ls -la ~/.ssh", "test -f ~/.ssh/id_rsa", "python3 s.py src/x.py", "git status",
    "mytool ~/.sshrc", "python3 -c 'import json,sys; print(json.load(sys.stdin)[\"a\"])'",
])
def test_look_alikes_continue(home: Path, tmp_path: Path, command: str) -> None:
    assert _bash(_plan(tmp_path), command, home / "work").effect == "continue"


def test_a_certain_read_is_still_a_match_with_on_unknown_ignore(home: Path, tmp_path: Path) -> None:
    plan = _plan(tmp_path, POLICY + "    on_unknown: ignore\n")
    assert _bash(plan, "mytool ~/.ssh/id_rsa", home / "work").effect == "continue"  # only a maybe
    assert _bash(plan, "python3 ~/.ssh/id_rsa", home / "work").effect == "deny"  # the script is read


def test_the_answer_follows_the_file_system_and_is_never_remembered(home: Path, tmp_path: Path) -> None:
    """Rules on read paths are not memoized: the same line is judged again when a name becomes a link."""
    plan = _plan(tmp_path)
    work = home / "work"
    (work / "notes.md").write_text("plain")
    assert _bash(plan, "mytool notes.md", work).effect == "continue"
    (work / "notes.md").unlink()
    (work / "notes.md").symlink_to(home / ".ssh" / "id_rsa")
    again = _bash(plan, "mytool notes.md", work)
    assert (again.effect, again.rules) == ("deny", ("no-ssh-reads",))
