"""The policy engine's facade: load + compile once, evaluate many events.

    plan = compile_files(["policies/baseline.yaml"])
    decision = plan.evaluate("tool:pre", {"tool_name": "bash", "tool_input": {"command": "rm -rf /"}})

Compilation raises :class:`DiagnosticError` carrying every error at its
``file:line:col``; warnings (shadowed, unreachable, duplicate rules) stay on
``plan.warnings``. A schema error in one rule does not hide the compile
errors of the others: they are reported in the same run.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from hookgate.diagnostics import Diagnostic, DiagnosticError
from hookgate.policy.compiler import collector_paused, run_stages
from hookgate.policy.decision import Decision
from hookgate.policy.engine import Plan
from hookgate.policy.loader import InlineSource, PolicyLoadError, PolicySet, load_policies
from hookgate.policy.match.base import EvalEnv

__all__ = ["Plan", "compile_files", "compile_policies", "evaluate", "partial_compile_errors"]


def compile_policies(policy_set: PolicySet) -> Plan:
    """Compile a loaded policy set into an indexed :class:`Plan` (raises with every compile error)."""
    with collector_paused():  # the plan's own objects too (see ``collector_paused``)
        state = run_stages(policy_set)
        if state.errors:
            raise DiagnosticError(state.diagnostics)
        return Plan(state, loader_warnings=tuple(policy_set.warnings))


def compile_files(paths: Iterable[str | os.PathLike[str]], *, inline: Sequence[InlineSource] = ()) -> Plan:
    """Load policy files (and inline sources) and compile them.

    When loading fails, the rules that did validate are still compiled, and
    their errors (a bad regex, an unknown operator) are raised together with
    the load errors, so that one run reports everything there is to fix.
    """
    try:
        policy_set = load_policies(list(paths), inline=inline)
    except PolicyLoadError as exc:
        raise DiagnosticError([*exc.diagnostics, *partial_compile_errors(exc)]) from None
    return compile_policies(policy_set)


def partial_compile_errors(exc: PolicyLoadError) -> list[Diagnostic]:
    """What compiling the rules that validated (``exc.partial``) finds, short of building the indexes
    (nothing partial is ever evaluated).

    Errors that may only follow from a part that failed to load are left out: an "unknown list"
    when some list could not be read (a broken list itself resolves to no values, so it never
    shows up as unknown).
    """
    if exc.partial is None or not exc.partial.rules:
        return []
    with collector_paused():
        found = run_stages(exc.partial, until="compile_effects").diagnostics
    if not exc.lists_known:
        found = [d for d in found if d.code != "compile.unknown_list"]
    return found


def evaluate(plan: Plan, event: str, data: Mapping[str, Any], *, trace: bool = False,
             env: EvalEnv | None = None) -> Decision:
    """The Decision for one event (same as ``plan.evaluate``)."""
    return plan.evaluate(event, data, trace=trace, env=env)
