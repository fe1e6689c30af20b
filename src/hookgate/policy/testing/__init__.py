"""Policy test files (``hookgate test``): the file model and the runner."""

from hookgate.policy.testing.model import CaseEnv, EventSpec, Expect, PolicyTestCase, PolicyTestFile
from hookgate.policy.testing.runner import (
    CaseResult,
    PolicyTestReport,
    coverage,
    load_test_file,
    matched_rules,
    run_test_file,
)

__all__ = [
    "CaseEnv",
    "CaseResult",
    "EventSpec",
    "Expect",
    "PolicyTestCase",
    "PolicyTestFile",
    "PolicyTestReport",
    "coverage",
    "load_test_file",
    "matched_rules",
    "run_test_file",
]
