"""``-`` means standard input, the same way in ``validate``, ``test`` and ``eval``.

A document read from stdin is reported as ``<stdin>:line:col``, and the paths
it names (a test file's policies, a policy's includes, a plan's policies)
are relative to the current directory. Stdin can be read once, so a second
``-`` is a usage error.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

Run = Callable[..., subprocess.CompletedProcess[str]]

POLICY = "version: 1\npolicy: p\nlists:\n  hosts: [evil.example]\nrules:\n  - id: r\n    tool: bash\n    deny: no\n"
TESTS = ("policies: [policies/p.yaml]\ntests:\n"
         "  - name: bash is denied\n    tool: bash\n    expect: {effect: deny}\n"
         "  - name: ls is fine\n    tool: ls\n    expect: {effect: deny}\n")


def _project(tmp_path: Path) -> Path:
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "p.yaml").write_text(POLICY)
    return tmp_path


def test_test_reads_a_test_file_from_stdin(hookgate_process: Run, tmp_path: Path) -> None:
    """In a real process: the test file's policy path resolves against the current directory."""
    proc = hookgate_process("test", "--coverage", "-", cwd=_project(tmp_path), stdin=TESTS)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert lines[0] == "PASS bash is denied"
    assert lines[1] == "FAIL ls is fine (<stdin>:6:5)"
    assert "1 passed, 1 failed" in lines
    assert "coverage: 100.0% of 1 rules" in lines


def test_test_from_stdin_with_broken_input_or_policies_elsewhere(hookgate: Run, tmp_path: Path) -> None:
    broken = hookgate("test", "-", cwd=_project(tmp_path), stdin="policies: [policies/p.yaml]\ntests: [\n")
    assert broken.returncode == 1 and broken.stdout.startswith("<stdin>:3:1: error: invalid yaml")
    elsewhere = hookgate("test", "-", cwd=tmp_path / "policies", stdin=TESTS)
    assert elsewhere.returncode == 1
    assert "<stdin>:1:12: error: policy file `policies/p.yaml` not found [test.policy_not_found]" in elsewhere.stdout
    assert "relative to the current directory" in elsewhere.stdout
    both = hookgate("test", "-", str(tmp_path / "policies"), cwd=tmp_path, stdin=TESTS)  # mixed with paths
    assert both.returncode == 1 and "1 passed, 1 failed" in both.stdout


def test_validate_reads_every_kind_from_stdin(hookgate: Run, tmp_path: Path) -> None:
    cwd = _project(tmp_path)
    for text in (POLICY, TESTS,  # validate checks a test file's shape and policies; it runs no case
                 "session: {orchestrator: o, context: c}\nhooks:\n  - module: hooks-policy\n"
                 "    config: {policies: [policies/p.yaml]}\n"):
        proc = hookgate("validate", "-", cwd=cwd, stdin=text)
        assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", ""), text
    bad_policy = POLICY.replace("tool: bash", "tool: bash\n    when: {tool_input.command: {in: hostz}}")
    proc = hookgate("validate", "-", cwd=cwd, stdin=bad_policy)
    assert proc.returncode == 1
    assert proc.stdout.startswith("<stdin>:8:")
    assert "unknown list `hostz`; did you mean `hosts`?" in proc.stdout
    bad_tests = hookgate("validate", "-", cwd=cwd, stdin=TESTS.replace("policies/p.yaml", "nope.yaml"))
    assert bad_tests.returncode == 1
    assert "<stdin>:1:12: error: policy file `nope.yaml` not found" in bad_tests.stdout


def test_stdin_is_read_once(hookgate: Run, tmp_path: Path) -> None:
    cwd = _project(tmp_path)
    for args in (["validate", "-", "-"], ["test", "-", "-"],
                 ["eval", "--policy", "-", "--event", "-"], ["eval", "--policy", "-", "-", "--event", "e.yaml"]):
        proc = hookgate(*args, cwd=cwd, stdin=POLICY)
        assert proc.returncode == 2, args
        assert proc.stderr == "hookgate: error: `-` (standard input) can be given only once\n", args


def test_eval_reads_a_policy_from_stdin(hookgate: Run, tmp_path: Path) -> None:
    cwd = _project(tmp_path)
    (cwd / "event.yaml").write_text("tool: bash\ninput: {command: ls}\n")
    proc = hookgate("eval", "--policy", "-", "--event", "event.yaml", cwd=cwd, stdin=POLICY)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[:2] == ["effect: deny", "rules: r"]
    rules_only = hookgate("eval", "--policy", "-", "--event", "event.yaml", cwd=cwd, stdin="- id: r\n  deny: no\n")
    assert rules_only.returncode == 1
    assert "<stdin>:1:1: error: a policy file must be a mapping" in rules_only.stderr
