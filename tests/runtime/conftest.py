"""Fixtures for the mount-plan runtime: real plan and policy files in tmp_path, both coordinators."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from runtime_support import PLAN, POLICY_A, POLICY_B, amplifier_coordinator

from hookgate.kernel import Coordinator

Write = Callable[..., Path]


@pytest.fixture
def write(tmp_path: Path) -> Write:
    """``write("name.yaml", text)``: a dedented file under tmp_path (folders created)."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return _write


@pytest.fixture
def policies(write: Write) -> Path:
    """The two policy files and the plan that uses them plus inline rules; returns the plan."""
    write("a.yaml", POLICY_A)
    write("b.yaml", POLICY_B)
    return write("plan.yaml", PLAN)


@pytest.fixture(params=["hookgate", "amplifier"])
def coordinator(request: pytest.FixtureRequest) -> Any:
    """hookgate's own Coordinator and a real amplifier-core ModuleCoordinator."""
    if request.param == "amplifier":
        pytest.importorskip("amplifier_core")
        return amplifier_coordinator()
    return Coordinator()
