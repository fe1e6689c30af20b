"""Run policy test files: evaluate each case, compare with its expectation, track coverage.

Only what a case's ``expect`` names is compared, so a test pins exactly the
behaviour its author cares about. A failure carries a unified diff of the
compared fields (expected vs actual) and the case's ``file:line:col``. An
exception while evaluating is a failed case, never a crash of the run.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from hookgate.diagnostics import Diagnostic, DiagnosticError, Location
from hookgate.load.validate import validate_document
from hookgate.load.yaml import LoadedDocument, load_yaml_file
from hookgate.policy.api import Plan, compile_files
from hookgate.policy.match.base import EvalEnv
from hookgate.policy.selectors import EventNameError, resolve_selector
from hookgate.policy.testing.model import Expect, PolicyTestCase, PolicyTestFile

__all__ = [
    "CaseResult",
    "PolicyTestReport",
    "coverage",
    "load_test_document",
    "load_test_file",
    "matched_rules",
    "run_test_document",
    "run_test_file",
]


@dataclass(frozen=True, slots=True)
class CaseResult:
    name: str
    location: Location
    passed: bool
    diff: str = ""
    matched: frozenset[str] = frozenset()
    #: the decision made, kept for a failed case: what its author needs to see next (which rule, why)
    decision: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class PolicyTestReport:
    """The outcome of one test file; ``rule_ids`` are every rule of its policies."""

    file: str
    results: tuple[CaseResult, ...]
    rule_ids: frozenset[str] = field(default_factory=frozenset)

    @property
    def failed(self) -> int:
        return sum(not r.passed for r in self.results)

    @property
    def covered(self) -> frozenset[str]:
        return frozenset().union(*(r.matched for r in self.results)) & self.rule_ids


def load_test_file(path: str | Path) -> tuple[LoadedDocument, PolicyTestFile]:
    """Parse and validate a test file; raises :class:`DiagnosticError` with positions."""
    return load_test_document(load_yaml_file(path))


def load_test_document(doc: LoadedDocument) -> tuple[LoadedDocument, PolicyTestFile]:
    """Validate a parsed test file (from a file, or from stdin as ``<stdin>``)."""
    model = validate_document(PolicyTestFile, doc)
    seen: dict[str, int] = {}
    errors: list[Diagnostic] = []
    for i, case in enumerate(model.tests):
        if case.name in seen:
            errors.append(Diagnostic("test.duplicate_name", f"duplicate test name `{case.name}` (first at line "
                                     f"{doc.positions.value(('tests', seen[case.name])).line})",
                                     doc.positions.value(("tests", i, "name"))))
        seen.setdefault(case.name, i)
        errors.extend(_event_error(case.event, doc.positions.value(("tests", i, "event"))))
    if errors:
        raise DiagnosticError(errors)
    return doc, model


def _event_error(name: str, where: Location) -> list[Diagnostic]:
    try:
        resolve_selector(name)
    except EventNameError as exc:
        return [Diagnostic(f"test.{exc.code}", str(exc), where)]
    return []


def compile_test_policies(doc: LoadedDocument, model: PolicyTestFile) -> Plan:
    """The plan of the test file's policies: paths relative to the test file, or to the current
    directory for a test file that is not a file (``<stdin>``)."""
    not_a_file = doc.file.startswith("<")
    base = Path() if not_a_file else Path(doc.file).parent
    hint = "a test file read from standard input names its policies relative to the current directory"
    missing = [
        Diagnostic("test.policy_not_found", f"policy file `{p}` not found", doc.positions.value(("policies", i)),
                   help=hint if not_a_file else None)
        for i, p in enumerate(model.policies)
        if not _is_file(base / p)
    ]
    if missing:
        raise DiagnosticError(missing)
    return compile_files([str(base / p) for p in model.policies])


def _is_file(path: Path) -> bool:
    """Whether ``path`` is a file; a name the system refuses (longer than it allows) names none."""
    try:
        return path.is_file()
    except OSError:
        return False


def run_test_file(path: str | Path) -> PolicyTestReport:
    """Run every case of one file; raises :class:`DiagnosticError` if the file or its policies are broken."""
    return run_test_document(load_yaml_file(path))


def run_test_document(doc: LoadedDocument) -> PolicyTestReport:
    """Run every case of a parsed test file (see :func:`run_test_file`)."""
    doc, model = load_test_document(doc)
    plan = compile_test_policies(doc, model)
    results = tuple(
        _run_case(plan, case, doc.positions.value(("tests", i))) for i, case in enumerate(model.tests)
    )
    return PolicyTestReport(doc.file, results, frozenset(plan.rule_ids))


def _run_case(plan: Plan, case: PolicyTestCase, where: Location) -> CaseResult:
    env = EvalEnv(**case.env.model_dump()) if case.env else None
    try:
        event = resolve_selector(case.event)[0]
        decision = plan.evaluate(event, case.event_data(), trace=True, env=env).to_dict()
    except Exception as exc:  # a broken rule or engine bug fails this case, not the run
        return CaseResult(case.name, where, passed=False, diff=f"  error: {type(exc).__name__}: {exc}")
    expected, actual = compare(case.expect, decision)
    diff = "" if expected == actual else render_diff(expected, actual)
    return CaseResult(case.name, where, passed=not diff, diff=diff, matched=matched_rules(decision),
                      decision=decision if diff else None)


def compare(expect: Expect, decision: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The expected and actual values of exactly the fields ``expect`` names."""
    expected: dict[str, Any] = {}
    actual: dict[str, Any] = {}
    if expect.effect is not None:
        expected["effect"], actual["effect"] = expect.effect, decision.get("effect")
    if expect.rules is not None:
        expected["rules"], actual["rules"] = sorted(expect.rules), sorted(decision.get("rules") or [])
    if expect.data is not None:
        expected["data"], actual["data"] = expect.data, decision.get("data")
    if expect.prompt is not None:
        approval = decision.get("approval") or {}
        expected["prompt"] = expect.prompt
        actual["prompt"] = approval.get("prompt") if isinstance(approval, dict) else None
    if expect.reason_contains is not None:
        reason = decision.get("reason") or ""
        ok = expect.reason_contains in reason
        expected["reason"] = f"…{expect.reason_contains}…"
        actual["reason"] = expected["reason"] if ok else reason
    return expected, actual


def render_diff(expected: Mapping[str, Any], actual: Mapping[str, Any]) -> str:
    def dump(value: Mapping[str, Any]) -> list[str]:
        return yaml.safe_dump(dict(value), sort_keys=True, default_flow_style=False, allow_unicode=True).splitlines()

    lines = difflib.unified_diff(dump(expected), dump(actual), "expected", "actual", lineterm="")
    return "\n".join(f"    {line}" for line in lines)


def matched_rules(decision: Mapping[str, Any]) -> frozenset[str]:
    """Every rule that matched: acting, shadow (audit) and, from the trace, any other."""
    ids = {r for r in decision.get("rules") or [] if isinstance(r, str)}
    ids.update(_ids(decision.get("shadow") or [], matched_only=False))
    ids.update(_ids(decision.get("trace") or [], matched_only=True))
    return frozenset(ids)


def _ids(entries: Iterable[Any], *, matched_only: bool) -> set[str]:
    out: set[str] = set()
    for entry in entries:
        if isinstance(entry, str):
            out.add(entry)
        elif isinstance(entry, dict) and (not matched_only or entry.get("matched")):
            rid = entry.get("rule_id") or entry.get("id") or entry.get("rule")
            if isinstance(rid, str):
                out.add(rid)
    return out


def coverage(reports: Sequence[PolicyTestReport]) -> tuple[float, list[str]]:
    """Percent of rules matched by some case, and the ids of rules never matched."""
    rules = frozenset().union(*(r.rule_ids for r in reports))
    covered = frozenset().union(*(r.covered for r in reports))
    missing = sorted(rules - covered)
    pct = 100.0 if not rules else 100.0 * len(rules & covered) / len(rules)
    return pct, missing
