"""``hookgate test``: one line per case, a diff on failure, coverage and threshold."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

Run = Callable[..., subprocess.CompletedProcess[str]]


def test_passing_file(hookgate: Run) -> None:
    proc = hookgate("test", "tests/cli/data/guard.test.yaml")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[:4] == [
        "PASS env file read is denied",
        "PASS push asks first",
        "PASS make gets a timeout",
        "PASS plain ls continues",
    ]
    assert lines[4] == "4 passed, 0 failed"


def test_failure_shows_diff_and_location(hookgate: Run) -> None:
    proc = hookgate("test", "tests/cli/data/failing.test.yaml")
    assert proc.returncode == 1
    out = proc.stdout
    assert "FAIL push is wrongly expected to be denied (tests/cli/data/failing.test.yaml:3:5)" in out
    assert "    --- expected" in out and "    +++ actual" in out
    assert "    -effect: deny" in out and "    +effect: ask_user" in out
    # then what was decided and why: the rule that acted, and the rules that could apply
    assert "    decided: ask_user (rules: ask-before-push)" in out
    assert "      [match] ask-before-push: " in out
    assert "skipped" not in out  # rules of other tools are not listed
    assert "PASS env read denied" in out
    assert out.splitlines()[-1] == "1 passed, 1 failed"


def test_coverage_lists_unexercised_rules(hookgate: Run) -> None:
    proc = hookgate("test", "tests/cli/data/guard.test.yaml", "--coverage")
    assert proc.returncode == 0
    assert "coverage: 75.0% of 4 rules" in proc.stdout
    assert "  never exercised: never-matched" in proc.stdout


def test_threshold(hookgate: Run) -> None:
    assert hookgate("test", "tests/cli/data/guard.test.yaml", "--threshold", "75").returncode == 0
    below = hookgate("test", "tests/cli/data/guard.test.yaml", "--threshold", "80")
    assert below.returncode == 1
    assert "coverage 75.0% is below the threshold of 80%" in below.stdout


def test_folder_finds_test_files_only(hookgate: Run) -> None:
    proc = hookgate("test", "tests/cli/data")
    assert proc.returncode == 1  # failing.test.yaml is in there
    assert proc.stdout.splitlines()[-1] == "5 passed, 1 failed"


def test_broken_test_file_is_reported(hookgate: Run) -> None:
    proc = hookgate("test", "tests/cases/broken/test-empty-expect.yaml")
    assert proc.returncode == 1
    assert "tests/cases/broken/test-empty-expect.yaml:7:13: error:" in proc.stdout
    assert "0 passed, 0 failed, 1 file(s) not run" in proc.stdout


def test_usage_errors(hookgate: Run) -> None:
    assert hookgate("test", "no/such/dir").returncode == 2
    assert hookgate("test", "tests/cli/data/guard.test.yaml", "--threshold", "150").returncode == 2


def test_a_long_trace_under_a_failure_is_cut(hookgate: Run, tmp_path: Path) -> None:
    rules = "".join(f"  - {{id: r{i:02d}, tool: bash, when: {{command: {{prefix: [tool{i}]}}}}, deny: no}}\n"
                    for i in range(14))
    (tmp_path / "p.yaml").write_text(f"version: 1\npolicy: many\nrules:\n{rules}")
    (tmp_path / "p.test.yaml").write_text(
        "policies: [p.yaml]\ntests:\n  - {name: ls, tool: bash, input: {command: ls}, expect: {effect: deny}}\n")
    out = hookgate("test", str(tmp_path / "p.test.yaml")).stdout.splitlines()
    assert out[out.index("    decided: continue (rules: none)") + 1:][:13] == [
        *(f"      [no   ] r{i:02d}: condition did not hold" for i in range(12)),
        "      … 2 more (hookgate eval --explain shows them all)",
    ]
