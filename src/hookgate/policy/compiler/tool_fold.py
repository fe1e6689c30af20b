"""Rules whose conditions read only the tool's name, decided once per tool.

Within one route the tool name is fixed, so a rule such as "deny
``mcp__github__*`` unless ``tool_name`` is one of these" gives every event of
that tool the same answer. When the route is built, such a rule joins the
route's unconditional rules (it holds) or leaves the route (it cannot),
instead of being evaluated on every event. Only the rules no field index
holds (the always-list) are folded, and only operators that answer from the
value alone qualify (:mod:`~hookgate.policy.compiler.purity`): nothing that
reads the file system or the environment.
"""

from __future__ import annotations

from hookgate.policy.compiler.purity import operator_reads_data_only
from hookgate.policy.compiler.rules import CompiledRule
from hookgate.policy.conditions.nodes import AllOf, AnyOf, Cond, Constant, FieldCond, Not
from hookgate.policy.match.base import EvalEnv, Outcome

__all__ = ["TOOL_FIELD", "fold_on_tool"]

#: the field path a folded condition may read; the engine checks an event names its tool there
TOOL_FIELD = "tool_name"
_ENV = EvalEnv()


def fold_on_tool(rule: CompiledRule, tool: str) -> Outcome | None:
    """YES or NO when ``rule`` has that answer for every event naming ``tool``; None otherwise."""
    if not _reads_only_tool(rule.when) or not _reads_only_tool(rule.unless):
        return None
    try:
        return _answer(rule, {TOOL_FIELD: tool})
    except Exception:  # left to the engine, which denies naming the rule when evaluating it fails
        return None


def _answer(rule: CompiledRule, data: dict[str, str]) -> Outcome | None:
    when = rule.when.test(data, _ENV).outcome if rule.when is not None else Outcome.YES
    if when is Outcome.NO:
        return Outcome.NO
    unless = rule.unless.test(data, _ENV).outcome if rule.unless is not None else Outcome.NO
    if unless is Outcome.YES:
        return Outcome.NO
    if unless is Outcome.UNKNOWN or when is Outcome.UNKNOWN:
        return None
    return Outcome.YES


def _reads_only_tool(cond: Cond | None) -> bool:
    if cond is None or isinstance(cond, Constant):
        return True
    if isinstance(cond, FieldCond):
        return cond.path.text == TOOL_FIELD and all(operator_reads_data_only(op) for op in cond.ops)
    if isinstance(cond, AllOf | AnyOf):
        return all(_reads_only_tool(part) for part in cond.parts)
    if isinstance(cond, Not):
        return _reads_only_tool(cond.part)
    return False
