"""The bundled baseline policy on a real tree: shell wildcards and .env templates, with symlinks that lie."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import hookgate
from hookgate.policy.match.base import EvalEnv

BASELINE = Path(hookgate.__file__).parent / "bundled" / "policies" / "baseline.yaml"


@pytest.fixture(scope="module")
def plan() -> hookgate.Plan:
    return hookgate.compile_files([str(BASELINE)])


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = Path(os.path.realpath(tmp_path))
    ws = root / "home" / "u" / "proj"
    ws.mkdir(parents=True)
    (root / "home" / "u" / ".ssh").mkdir()
    (root / "home" / "u" / ".ssh" / "id_rsa").write_text("k")
    for name in ("main.o", "README.md", ".env", ".env.example"):
        (ws / name).write_text("x")
    return ws


def _decide(plan: hookgate.Plan, ws: Path, tool: str, tool_input: dict[str, str]) -> tuple[str, list[str]]:
    env = EvalEnv(cwd=str(ws), home=str(ws.parent), workspace=str(ws))
    decision = plan.evaluate("tool:pre", {"tool_name": tool, "tool_input": tool_input}, env=env)
    return decision.effect, sorted(decision.rules)


def _shell(plan: hookgate.Plan, ws: Path, command: str) -> tuple[str, list[str]]:
    return _decide(plan, ws, "Bash", {"command": command})


def test_everyday_globs_pass(plan: hookgate.Plan, ws: Path) -> None:
    assert _shell(plan, ws, "rm -f *.o") == ("continue", [])
    assert _shell(plan, ws, "cat *.md") == ("continue", [])


def test_object_file_linked_outside_is_still_caught(plan: hookgate.Plan, ws: Path) -> None:
    (ws / "x.o").symlink_to("/etc/hostname")  # outside the workspace and /tmp
    assert _shell(plan, ws, "rm -f *.o") == ("deny", ["no-shell-writes-outside-workspace"])


def test_markdown_linked_to_a_key_is_still_caught(plan: hookgate.Plan, ws: Path) -> None:
    (ws / "notes.md").symlink_to(ws.parent / ".ssh" / "id_rsa")
    assert _shell(plan, ws, "cat *.md") == ("deny", ["no-secret-reads-in-shell"])


def test_dotfiles_reached_by_a_glob(plan: hookgate.Plan, ws: Path) -> None:
    assert _shell(plan, ws, "cat .*")[0] == "deny"
    assert _shell(plan, ws, "cat *")[0] == "deny"  # `.env` exists: `shopt -s dotglob` would list it


def test_env_template(plan: hookgate.Plan, ws: Path) -> None:
    assert _decide(plan, ws, "Read", {"file_path": str(ws / ".env.example")}) == ("continue", [])
    assert _shell(plan, ws, "cp .env.example .env") == ("continue", [])
    assert _shell(plan, ws, "cat .env") == ("deny", ["no-secret-reads-in-shell"])


def test_env_template_linked_to_the_secret_is_denied(plan: hookgate.Plan, ws: Path) -> None:
    (ws / ".env.example").unlink()
    (ws / ".env.example").symlink_to(ws / ".env")
    assert _decide(plan, ws, "Read", {"file_path": str(ws / ".env.example")}) == ("deny", ["no-secret-files"])
    assert _shell(plan, ws, "cp .env.example .env") == ("deny", ["no-secret-reads-in-shell"])
