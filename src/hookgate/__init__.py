"""hookgate: YAML policies compiled into matcher-based hooks for AI agents.

Prepare once, evaluate many::

    import hookgate

    plan = hookgate.compile_files(["policies/baseline.yaml"])
    decision = plan.evaluate("tool:pre", {"tool_name": "bash", "tool_input": {"command": "rm -rf /"}})
    decision.effect      # "deny"
    decision.reason      # which rule, and why

Hosts mount the same policies as hooks: ``PolicyHook(plan).register(registry)``
on any amplifier-compatible ``HookRegistry``, ``hookgate.mount_plan(path)``
for a whole mount plan, or the ``hooks-policy`` amplifier module.

Names are imported on first use (PEP 562), so ``import hookgate`` stays cheap
for the per-tool-call hook command.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hookgate._lazy import lazy_exports

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    # diagnostics
    "Diagnostic": "hookgate.diagnostics",
    "DiagnosticError": "hookgate.diagnostics",
    "HookgateError": "hookgate.diagnostics",
    "Location": "hookgate.diagnostics",
    # policy: load -> compile -> evaluate
    "load_policies": "hookgate.policy.loader",
    "compile_policies": "hookgate.policy.api",
    "compile_files": "hookgate.policy.api",
    "evaluate": "hookgate.policy.api",
    "Plan": "hookgate.policy.api",
    "Decision": "hookgate.policy.decision",
    "EvalEnv": "hookgate.policy.match.base",
    "PolicyHook": "hookgate.policy.hook",
    # kernel
    "HookRegistry": "hookgate.kernel",
    "HookResult": "hookgate.kernel",
    "Coordinator": "hookgate.kernel",
    # approvals, decision log, mount plans
    "ApprovalBroker": "hookgate.approval",
    "ApprovalRequest": "hookgate.approval",
    "ApprovalResponse": "hookgate.approval",
    "DecisionLog": "hookgate.audit",
    "mount_plan": "hookgate.runtime",
}

__all__ = [
    "ApprovalBroker",
    "ApprovalRequest",
    "ApprovalResponse",
    "Coordinator",
    "Decision",
    "DecisionLog",
    "Diagnostic",
    "DiagnosticError",
    "EvalEnv",
    "HookRegistry",
    "HookResult",
    "HookgateError",
    "Location",
    "Plan",
    "PolicyHook",
    "__version__",
    "compile_files",
    "compile_policies",
    "evaluate",
    "load_policies",
    "mount_plan",
]

if TYPE_CHECKING:
    from hookgate.approval import ApprovalBroker, ApprovalRequest, ApprovalResponse
    from hookgate.audit import DecisionLog
    from hookgate.diagnostics import Diagnostic, DiagnosticError, HookgateError, Location
    from hookgate.kernel import Coordinator, HookRegistry, HookResult
    from hookgate.policy.api import Plan, compile_files, compile_policies, evaluate
    from hookgate.policy.decision import Decision
    from hookgate.policy.hook import PolicyHook
    from hookgate.policy.loader import load_policies
    from hookgate.policy.match.base import EvalEnv
    from hookgate.runtime import mount_plan


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, __all__)
