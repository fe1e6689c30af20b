"""One real subprocess run per command: what CI and pre-commit execute."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable

Run = Callable[..., subprocess.CompletedProcess[str]]


def test_validate(hookgate_process: Run) -> None:
    proc = hookgate_process("validate", "--format", "github", "tests/cases/broken/mp-policy-config-typo.yaml")
    assert proc.returncode == 1
    assert proc.stdout.startswith("::error file=tests/cases/broken/mp-policy-config-typo.yaml,line=8,col=7,")


def test_test(hookgate_process: Run) -> None:
    proc = hookgate_process("test", "--coverage", "tests/cli/data/guard.test.yaml")
    assert proc.returncode == 0
    assert "4 passed, 0 failed" in proc.stdout


def test_eval(hookgate_process: Run) -> None:
    event = '{"tool": "read_file", "input": {"file_path": ".env"}}'
    proc = hookgate_process("eval", "--policy", "tests/cli/data/guard.policy.yaml", "--event", "-",
                            "--format", "json", stdin=event)
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["effect"] == "deny"


def test_schema_check(hookgate_process: Run) -> None:
    proc = hookgate_process("schema", "--check")
    assert proc.returncode == 0, proc.stdout + proc.stderr
