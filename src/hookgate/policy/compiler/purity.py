"""Which rules answer from the event's data alone, and which of its fields they read.

A rule whose conditions read only the event (text, numbers, lengths, URLs,
secrets, command lines judged without their paths) answers an identical
event identically, so a route made only of such rules may remember whole
decisions by the fields its rules read (:func:`route_reads`). Anything that
looks at the file system or the working directory (``path``, a command's
``writes``/``reads``) is not pure: a name can become a symlink to a secret
between two identical events. The check is a whitelist: an operator not
named here counts as impure.
"""

from __future__ import annotations

from collections.abc import Iterable

from hookgate.policy.compiler.rules import CompiledRule
from hookgate.policy.conditions.domain import domain_operator_of
from hookgate.policy.conditions.fields import FieldPath
from hookgate.policy.conditions.nodes import AllOf, AnyOf, Cond, Constant, FieldCond, Not
from hookgate.policy.conditions.operators import Compare, Length
from hookgate.policy.effects import AskSpec
from hookgate.policy.match.text import Regex, TextOp

__all__ = ["operator_reads_data_only", "route_reads"]

_PURE_OPS = (TextOp, Regex, Compare, Length)
_PURE_DOMAINS = frozenset(("url", "secret"))
#: the fields that pick the route (the tool's name, under either spelling)
_ROUTING = frozenset(("tool_name", "name"))


def route_reads(rules: Iterable[CompiledRule]) -> tuple[str, ...] | None:
    """The top-level event fields that decide every rule of ``rules`` -- their conditions, the
    prompts their asks render, the tool's name -- sorted; None if some rule depends on more than
    the event (the file system, the working directory) or reads a field no path names."""
    roots: set[str] = set(_ROUTING)
    for rule in rules:
        for cond in (rule.when, rule.unless):
            if not _collect(cond, roots):
                return None
        if isinstance(rule.action, AskSpec):
            roots.update(*(p.roots for p in rule.action.prompt.parts if isinstance(p, FieldPath)))
    return tuple(sorted(roots))


def _collect(cond: Cond | None, roots: set[str]) -> bool:
    """Add what ``cond`` reads to ``roots``; False if it depends on more than the event's data."""
    if cond is None or isinstance(cond, Constant):
        return True
    if type(cond) is FieldCond:
        roots.update(cond.path.roots)
        return all(operator_reads_data_only(op) for op in cond.ops)
    if isinstance(cond, AllOf | AnyOf):
        return all(_collect(part, roots) for part in cond.parts)
    if isinstance(cond, Not):
        return _collect(cond.part, roots)
    return False


def operator_reads_data_only(op: object) -> bool:
    """Whether a condition operator's answer is a function of the value alone."""
    if isinstance(op, _PURE_OPS):
        return True
    found = domain_operator_of(op)
    if found is None:
        return False
    name, inner = found
    if name in _PURE_DOMAINS:
        return True
    # a command judged on its words alone; `writes`/`reads` resolve paths against the file system
    return name == "command" and getattr(inner, "writes", True) is None and getattr(inner, "reads", True) is None
