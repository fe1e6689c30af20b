"""A path the system refuses (longer than a file name may be, or with a NUL byte written as ``"\\0"``) is a
diagnostic at the value that names it, never an internal error: ``os.stat`` raises ``OSError``
(ENAMETOOLONG) or ``ValueError`` for those, and ``Path.is_file`` lets the first through."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

Run = Callable[..., subprocess.CompletedProcess[str]]

LONG = "x" * 300
NAMES = [pytest.param(LONG, id="too-long"), pytest.param("a\\0b", id="nul-byte")]
OK_POLICY = "version: 1\npolicy: p\nrules:\n  - id: r\n    tool: never-called\n    deny: x\n"
EVENTS = '{"event": "tool:pre", "data": {"tool_name": "bash", "tool_input": {"command": "ls"}}}\n'


def _lines(proc: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in proc.stdout.splitlines() if not line.startswith("  help:")]


@pytest.mark.parametrize("name", NAMES)
def test_an_include_the_system_refuses(hookgate: Run, tmp_path: Path, name: str) -> None:
    (tmp_path / "p.yaml").write_text(f'version: 1\npolicy: p\ninclude: ["{name}"]\nrules:\n  - id: a\n    deny: x\n')
    proc = hookgate("validate", "p.yaml", cwd=tmp_path)
    assert proc.returncode == 1
    [line] = _lines(proc)
    assert line.startswith("p.yaml:3:11: error: included file `") and "cannot be opened" in line
    assert line.endswith("[load.include_not_found]")


@pytest.mark.parametrize("name", NAMES)
def test_a_plans_policy_file_the_system_refuses(hookgate: Run, tmp_path: Path, name: str) -> None:
    (tmp_path / "plan.yaml").write_text("session: {orchestrator: o, context: c}\nhooks:\n  - module: hooks-policy\n"
                                        f'    config: {{policies: ["{name}"]}}\n')
    (tmp_path / "events.jsonl").write_text(EVENTS)
    for args in (("validate", "plan.yaml"), ("run", "--events", "events.jsonl", "plan.yaml")):
        proc = hookgate(*args, cwd=tmp_path)
        assert proc.returncode == 1, proc.stdout + proc.stderr
        assert "internal" not in proc.stdout + proc.stderr
        assert "plan.yaml:4:25: error: policy file `" in proc.stdout + proc.stderr


@pytest.mark.parametrize("name", NAMES)
def test_a_test_files_policy_the_system_refuses(hookgate: Run, tmp_path: Path, name: str) -> None:
    (tmp_path / "p.test.yaml").write_text(f'policies: ["{name}"]\ntests:\n  - name: t\n    tool: bash\n'
                                          "    expect: {effect: deny}\n")
    for command in ("validate", "test"):
        proc = hookgate(command, "p.test.yaml", cwd=tmp_path)
        assert proc.returncode == 1
        assert _lines(proc)[0].startswith("p.test.yaml:1:12: error: policy file `")


def test_a_module_source_the_system_refuses(hookgate: Run, tmp_path: Path) -> None:
    (tmp_path / "plan.yaml").write_text("session: {orchestrator: o, context: c}\nhooks:\n  - module: hooks-x\n"
                                        f"    source: ./{LONG}\n")
    (tmp_path / "events.jsonl").write_text(EVENTS)
    proc = hookgate("run", "--events", "events.jsonl", "plan.yaml", cwd=tmp_path)
    assert proc.returncode == 1
    assert "internal" not in proc.stderr
    assert proc.stderr.startswith("plan.yaml:4:13: error: source `./xxx")
    assert "cannot be opened: File name too long [mount.source_not_found]" in proc.stderr


@pytest.mark.parametrize("name", NAMES)
def test_a_grants_file_the_system_refuses_only_turns_persistent_grants_off(
    hookgate: Run, tmp_path: Path, name: str, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "ok.yaml").write_text(OK_POLICY)
    (tmp_path / "plan.yaml").write_text(
        "session: {orchestrator: o, context: c}\nhooks:\n  - module: hooks-policy\n"
        f'    config: {{policies: [ok.yaml], approval: {{grants_file: "{name}"}}}}\n')
    (tmp_path / "events.jsonl").write_text(EVENTS)
    proc = hookgate("run", "--events", "events.jsonl", "plan.yaml", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "internal" not in proc.stderr
    assert "1 event(s): 1 continue" in proc.stdout
    assert any("[grants.io_error]" in r.getMessage() for r in caplog.records)
