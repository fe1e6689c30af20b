"""A tap on hookgate's policy hooks: every decision they make, with its rules and approval outcome.

A host only sees the folded ``HookResult`` of an emit: an ask the policy
hook resolved itself comes back as a plain ``continue`` or ``deny``. To
report *why* (which rule, which effect, what the approver said), ``hookgate
run`` and ``hookgate demo`` pass a :class:`DecisionTap` to ``mount_plan``;
it chains onto each policy hook's ``on_decision`` and ``resolve_ask``
callbacks without changing what they return.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hookgate.kernel import HookResult
from hookgate.policy.decision import Decision
from hookgate.policy.hook import PolicyHook

__all__ = ["DecisionTap", "Tapped"]


@dataclass(frozen=True, slots=True)
class Tapped:
    """One policy decision; ``resolved`` is the hook's answer to an ask it resolved itself."""

    hook: str
    event: str
    decision: Decision
    resolved: HookResult | None = None


class DecisionTap:
    """Collects the decisions of every policy hook it is attached to, in order."""

    def __init__(self) -> None:
        self._items: list[Tapped] = []

    def drain(self) -> list[Tapped]:
        """The decisions since the last drain."""
        items, self._items = self._items, []
        return items

    def attach(self, hook: PolicyHook) -> None:
        """Chain onto ``hook``'s callbacks (their results and failures are left as they were)."""
        inner_decision, inner_ask = hook.on_decision, hook.resolve_ask

        def on_decision(event: str, data: Mapping[str, Any], decision: Decision, latency_ns: int) -> None:
            self._items.append(Tapped(hook.name, event, decision))
            if inner_decision is not None:
                inner_decision(event, data, decision, latency_ns)

        hook.on_decision = on_decision
        if inner_ask is None:
            return

        async def resolve_ask(event: str, data: Mapping[str, Any], decision: Decision) -> HookResult:
            result = await inner_ask(event, data, decision)
            self._resolved(hook.name, decision, result)
            return result

        hook.resolve_ask = resolve_ask

    def _resolved(self, hook: str, decision: Decision, result: HookResult) -> None:
        for i in range(len(self._items) - 1, -1, -1):
            item = self._items[i]
            if item.hook == hook and item.decision is decision:
                self._items[i] = Tapped(item.hook, item.event, decision, result)
                return
