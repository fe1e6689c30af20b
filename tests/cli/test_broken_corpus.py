"""Every file in tests/cases/broken is reported with the right code at the right line:column.

Each YAML file declares ``# expect: CODE LINE:COL`` on its first line; a JSON
file has a sidecar ``<name>.expect``. The whole folder is validated by one
run of the real CLI (and each file is looked up in that output).
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
Run = Callable[..., subprocess.CompletedProcess[str]]

BROKEN = REPO / "tests" / "cases" / "broken"
_EXPECT = re.compile(r"^(?:# expect: )?(?P<code>[a-z_]+(\.[a-z_]+)+) (?P<line>\d+):(?P<col>\d+)\s*$")


def _expectation(path: Path) -> tuple[str, int, int]:
    sidecar = path.with_name(path.name + ".expect")
    first = (sidecar if sidecar.exists() else path).read_text(encoding="utf-8").splitlines()[0]
    m = _EXPECT.match(first)
    assert m, f"{path.name}: first line must be `# expect: CODE LINE:COL` (or a .expect sidecar)"
    return m["code"], int(m["line"]), int(m["col"])


CASES = sorted(p for p in BROKEN.iterdir() if p.suffix in (".yaml", ".yml", ".json"))


def test_corpus_is_large_enough() -> None:
    plans = [p for p in CASES if p.name.startswith("mp-")]
    assert len(CASES) >= 30
    assert len(plans) < len(CASES), "the corpus holds policy files too"


@pytest.fixture(scope="module")
def folder_run(hookgate_process: Run) -> tuple[str, list[dict[str, object]]]:
    text = hookgate_process("validate", "tests/cases/broken")
    assert text.returncode == 1, text.stderr
    as_json = hookgate_process("validate", "tests/cases/broken", "--format", "json")
    return text.stdout, json.loads(as_json.stdout)


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_reported_at_position(path: Path, folder_run: tuple[str, list[dict[str, object]]]) -> None:
    code, line, col = _expectation(path)
    rel = path.relative_to(REPO).as_posix()
    text, diagnostics = folder_run
    assert re.search(rf"^{re.escape(rel)}:{line}:{col}: (error|warning): .+ \[{re.escape(code)}\]$", text, re.M), (
        f"expected {rel}:{line}:{col} [{code}] in:\n" + "\n".join(t for t in text.splitlines() if rel in t)
    )
    found = [d for d in diagnostics if d["file"] == rel and d["code"] == code]
    assert any(d["line"] == line and d["column"] == col for d in found)
    assert all(d["message"] and d["message"] == d["message"][:1].lower() + d["message"][1:] for d in found)


@pytest.mark.parametrize("path", CASES[:1], ids=lambda p: p.name)
def test_single_file_run(path: Path, hookgate_process: Run) -> None:
    code, line, col = _expectation(path)
    proc = hookgate_process("validate", str(path.relative_to(REPO)))
    assert proc.returncode in (0, 1)
    assert f":{line}:{col}: " in proc.stdout and f"[{code}]" in proc.stdout
