"""The bundled policies, run the way CI and users run them: through the real ``hookgate`` CLI.

Each policy ships with a test file of attacks and benign look-alikes; ``hookgate test`` must
pass every case and exercise every rule (``--threshold 100``), and ``hookgate validate
--strict`` must find nothing, warnings included. The files are taken from the installed
package data, so a policy missing from the package fails here too.
"""

from __future__ import annotations

import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import pytest

from hookgate.policy.testing.runner import load_test_file

BUNDLED = Path(str(files("hookgate") / "bundled" / "policies"))
POLICIES = ("baseline", "ci-strict")


def _hookgate(*args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "hookgate", *args], capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    return proc


def _failures(stdout: str) -> str:
    """The FAIL lines, their diffs and the summary: what a reader needs when the run fails."""
    return "\n".join(line for line in stdout.splitlines() if not line.startswith("PASS "))


@pytest.mark.parametrize("name", POLICIES)
def test_policy_passes_its_tests_with_full_coverage(name: str) -> None:
    proc = _hookgate("test", "--coverage", "--threshold", "100", str(BUNDLED / f"{name}.test.yaml"))
    assert proc.returncode == 0, _failures(proc.stdout) + proc.stderr
    assert "coverage: 100.0% of" in proc.stdout
    assert ", 0 failed" in proc.stdout


def test_policies_validate_strictly() -> None:
    paths = [str(BUNDLED / f"{name}{suffix}") for name in POLICIES for suffix in (".yaml", ".test.yaml")]
    proc = _hookgate("validate", "--strict", *paths)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip() == ""


def test_repo_policies_folder_is_the_package_data() -> None:
    repo = Path(__file__).resolve().parents[2]
    assert (repo / "policies").resolve() == (repo / "src" / "hookgate" / "bundled" / "policies").resolve()
    shipped = {p.name: p.read_bytes() for p in BUNDLED.iterdir() if p.is_file()}
    in_repo = {p.name: p.read_bytes() for p in (repo / "policies").iterdir() if p.is_file()}
    assert shipped == in_repo  # the installed package carries exactly the repo's policies


def _expected(name: str) -> list[tuple[str, str | None, frozenset[str]]]:
    """(case name, expected effect, expected rule ids) of every case of a bundled test file."""
    _, model = load_test_file(BUNDLED / f"{name}.test.yaml")
    return [(c.name, c.expect.effect, frozenset(c.expect.rules or ())) for c in model.tests]


def _rules_by_effect(effect: str) -> set[str]:
    from hookgate.policy.api import compile_files

    plan = compile_files([BUNDLED / "baseline.yaml"])
    return {r.id for r in plan.rules if r.effect == effect}


def test_every_baseline_rule_has_attacks_and_benign_look_alikes_are_never_denied() -> None:
    cases = _expected("baseline")
    acting = _rules_by_effect("deny") | _rules_by_effect("ask_user") | _rules_by_effect("modify")
    for rule in acting:
        attacks = [n for n, effect, rules in cases if rule in rules and effect != "continue"]
        assert len(attacks) >= 2, f"{rule}: fewer than two attacks"
    benign = [(n, effect) for n, effect, _ in cases if n.startswith("benign:")]
    assert len(benign) >= len(acting)
    assert [n for n, effect in benign if effect == "deny"] == []


def test_ci_strict_turns_every_baseline_ask_into_a_deny() -> None:
    denied = {rule for _, effect, rules in _expected("ci-strict") if effect == "deny" for rule in rules}
    asks = _rules_by_effect("ask_user")
    assert asks, "the baseline should have ask rules"
    assert asks <= denied, f"asks never shown denied in ci-strict: {sorted(asks - denied)}"
