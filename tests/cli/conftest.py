"""Run the ``hookgate`` CLI: in a real subprocess (``python -m hookgate …``) or in-process.

The broken-file corpus and one smoke test per command go through a real
subprocess; the other CLI tests call the same ``main(argv)`` in-process,
which keeps the suite fast (each interpreter start imports the engine).
"""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from hookgate.cli.main import main

REPO = Path(__file__).resolve().parents[2]
Run = Callable[..., subprocess.CompletedProcess[str]]
HOOKGATE = [sys.executable, "-m", "hookgate"]


def _no_traceback(proc: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    return proc


@pytest.fixture(scope="session")
def hookgate_process() -> Run:
    """The CLI in a subprocess, exactly as CI runs it."""

    def run(*args: str, cwd: Path = REPO, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run([*HOOKGATE, *args], cwd=cwd, input=stdin, capture_output=True, text=True, timeout=120)
        return _no_traceback(proc)

    return run


@pytest.fixture
def hookgate(monkeypatch: pytest.MonkeyPatch) -> Run:
    """The same ``main(argv)`` in-process, with stdin/stdout/stderr captured."""

    def run(*args: str, cwd: Path = REPO, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        monkeypatch.chdir(cwd)
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin or ""))
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse usage errors
                code = exc.code if isinstance(exc.code, int) else 2
        return _no_traceback(subprocess.CompletedProcess(list(args), code, out.getvalue(), err.getvalue()))

    return run
