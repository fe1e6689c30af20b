"""Fixtures for the host integrations: the real CLI in a subprocess, and the test data folder."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
HOOKGATE = [sys.executable, "-m", "hookgate"]

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="session")
def cli() -> Run:
    """``cli("hook", "claude-code", ..., stdin=...)``: the real command, asserting it never prints a traceback."""

    def run(*args: str, cwd: Path = REPO, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run([*HOOKGATE, *args], cwd=cwd, input=stdin, capture_output=True, text=True, timeout=120)
        assert "Traceback" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr
        return proc

    return run


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA
