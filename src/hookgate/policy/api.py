"""The policy engine's facade: load + compile once, evaluate many events.

    plan = compile_files(["policies/baseline.yaml"])
    decision = plan.evaluate("tool:pre", {"tool_name": "bash", "tool_input": {"command": "rm -rf /"}})

Compilation raises :class:`DiagnosticError` carrying every error at its
``file:line:col``; warnings (shadowed, unreachable, duplicate rules) stay on
``plan.warnings``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from hookgate.diagnostics import DiagnosticError
from hookgate.policy.compiler import collector_paused, run_stages
from hookgate.policy.decision import Decision
from hookgate.policy.engine import Plan
from hookgate.policy.loader import InlineSource, PolicySet, load_policies
from hookgate.policy.match.base import EvalEnv

__all__ = ["Plan", "compile_files", "compile_policies", "evaluate"]


def compile_policies(policy_set: PolicySet) -> Plan:
    """Compile a loaded policy set into an indexed :class:`Plan` (raises with every compile error)."""
    with collector_paused():  # the plan's own objects too (see ``collector_paused``)
        state = run_stages(policy_set)
        if state.errors:
            raise DiagnosticError(state.diagnostics)
        return Plan(state, loader_warnings=tuple(policy_set.warnings))


def compile_files(paths: Iterable[str | os.PathLike[str]], *, inline: Sequence[InlineSource] = ()) -> Plan:
    """Load policy files (and inline sources) and compile them."""
    return compile_policies(load_policies(list(paths), inline=inline))


def evaluate(plan: Plan, event: str, data: Mapping[str, Any], *, trace: bool = False,
             env: EvalEnv | None = None) -> Decision:
    """The Decision for one event (same as ``plan.evaluate``)."""
    return plan.evaluate(event, data, trace=trace, env=env)
