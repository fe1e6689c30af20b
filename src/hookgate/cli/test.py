"""``hookgate test PATH…``: run policy test files, one line per case.

``-`` reads one test file from standard input (reported as ``<stdin>``); the
policies it names are then relative to the current directory.

Prints ``PASS name`` / ``FAIL name (file:line:col)`` with a unified diff of
the expected and actual fields and the decision made (its rules, reason and
the trace of the rules that could apply), then ``N passed, M failed``. Exit 1 on any
failure, on a broken test file, or when ``--threshold`` is not met; 2 for
usage errors.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hookgate.cli.common import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    STDIN,
    UsageError,
    expand_paths,
    no_traceback,
    read_stdin,
)
from hookgate.cli.eval import trace_line
from hookgate.diagnostics import Diagnostic, DiagnosticError, display_path, render_all
from hookgate.load.yaml import load_yaml_file
from hookgate.mountplan.detect import detect_kind

if TYPE_CHECKING:
    from hookgate.policy.testing.runner import PolicyTestReport

__all__ = ["HELP", "configure", "run"]

HELP = "run policy test files (expected effect, rules, data, prompt per event)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="test files, or folders searched for them; - reads one test file from standard input "
                             "(its policy paths are then relative to the current directory)")
    parser.add_argument("--coverage", action="store_true", help="list rules no test case matched")
    parser.add_argument("--threshold", type=_percent, metavar="PCT",
                        help="fail when rule coverage is below PCT percent (implies --coverage)")


def _percent(text: str) -> float:
    try:
        value = float(text.rstrip("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"`{text}` is not a percentage") from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"`{text}` is not between 0 and 100")
    return value


@no_traceback
def run(args: argparse.Namespace) -> int:
    from hookgate.policy.testing.runner import (  # imports the engine; failures stay inside no_traceback
        run_test_document,
        run_test_file,
    )

    files = _test_files(args.paths)
    reports: list[PolicyTestReport] = []
    broken: list[Diagnostic] = []
    for path in files:
        try:
            reports.append(run_test_document(read_stdin()) if str(path) == STDIN else run_test_file(path))
        except DiagnosticError as exc:
            broken += exc.diagnostics
    for report in reports:
        _print_report(report)
    if broken:
        print(render_all(broken))
    failed = sum(r.failed for r in reports)
    passed = sum(len(r.results) for r in reports) - failed
    print(f"{passed} passed, {failed} failed" + (f", {len(files) - len(reports)} file(s) not run" if broken else ""))
    ok = not failed and not broken
    if args.coverage or args.threshold is not None:
        ok = _print_coverage(reports, args.threshold) and ok
    return EXIT_CLEAN if ok else EXIT_FINDINGS


def _test_files(paths: Sequence[str]) -> list[Path]:
    files = [p for p, explicit in expand_paths(paths) if explicit or _is_test_file(p)]
    if not files:
        raise UsageError("no policy test files found in " + ", ".join(f"`{display_path(p)}`" for p in paths))
    return files


def _is_test_file(path: Path) -> bool:
    """A ``*.test.yaml`` file always is one (so a broken one is reported, never skipped); another
    YAML file in the folder is one when its keys say so."""
    if path.name.lower().endswith((".test.yaml", ".test.yml")):
        return True
    try:
        return detect_kind(load_yaml_file(path).data, path) == "policy_test"
    except DiagnosticError:
        return False


def _print_report(report: PolicyTestReport) -> None:
    for result in report.results:
        if result.passed:
            print(f"PASS {result.name}")
        else:
            print(f"FAIL {result.name} ({result.location})")
            print(result.diff)
            if result.decision is not None:
                print("\n".join(_made(result.decision)))


#: trace lines shown under a failed case: enough to see which rule acted and why the others did not
_MAX_TRACE = 12


def _made(decision: Any) -> list[str]:
    """The decision under a failed case's diff: which rules acted, why, and the rules that could apply
    (rules of other events or tools, ``skipped``, are left out: a policy may hold hundreds)."""
    rules = ", ".join(decision.get("rules") or []) or "none"
    lines = [f"    decided: {decision.get('effect')} (rules: {rules})"]
    if decision.get("reason"):
        lines.append(f"    reason: {decision['reason']}")
    considered = [e for e in decision.get("trace") or ()
                  if not (isinstance(e, dict) and str(e.get("why", "")).startswith("skipped"))]
    lines += [f"      {trace_line(e)}" for e in considered[:_MAX_TRACE]]
    if len(considered) > _MAX_TRACE:
        lines.append(f"      … {len(considered) - _MAX_TRACE} more (hookgate eval --explain shows them all)")
    return lines


def _print_coverage(reports: Sequence[PolicyTestReport], threshold: float | None) -> bool:
    from hookgate.policy.testing.runner import coverage

    pct, missing = coverage(reports)
    total = len(frozenset().union(*(r.rule_ids for r in reports)))
    print(f"coverage: {pct:.1f}% of {total} rules")
    for rule_id in missing:
        print(f"  never exercised: {rule_id}")
    if threshold is not None and pct < threshold:
        print(f"coverage {pct:.1f}% is below the threshold of {threshold:g}%")
        return False
    return True
