"""PolicyHook: a compiled plan as hook handlers on a ``HookRegistry``.

One handler per event the plan gates (never one per rule), so the
registry's cost does not grow with the policy. Each call evaluates the plan
and turns the Decision into the host's ``HookResult``.

``fail_mode="closed"`` (the default) turns any failure while deciding into a
deny that names this hook and the error. ``fail_mode="open"`` logs and
continues instead; it is meant for observation-only deployments (shadow
policies, dashboards), never for a policy that is supposed to block.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, Literal

from hookgate.kernel import HookResult
from hookgate.policy.decision import Decision
from hookgate.policy.engine import Plan
from hookgate.policy.match.base import EvalEnv

__all__ = ["PolicyHook", "to_hook_result"]

_log = logging.getLogger(__name__)
_CONTINUE = HookResult(action="continue")
_ROLES: dict[str, Literal["system", "user", "assistant"]] = {"system": "system", "user": "user",
                                                             "assistant": "assistant"}

ResolveAsk = Callable[[str, Mapping[str, Any], Decision], Awaitable[HookResult]]
OnDecision = Callable[[str, Mapping[str, Any], Decision, int], None]
EnvFactory = Callable[[Mapping[str, Any]], EvalEnv]


def to_hook_result(decision: Decision) -> HookResult:
    """The host's view of a Decision (``ask_user`` stays an ask; see ``PolicyHook`` for resolving it)."""
    effect = decision.effect
    if effect in ("continue", "allow"):
        return _CONTINUE
    if effect == "deny":
        return HookResult(action="deny", reason=decision.reason, user_message=decision.user_message)
    if effect == "ask_user":
        ask = decision.approval
        if ask is None:  # cannot happen for a well-formed Decision; never let it through
            return HookResult(action="deny", reason="denied: approval requested without a prompt")
        return HookResult(action="ask_user", approval_prompt=ask.prompt, approval_options=list(ask.options),
                          approval_timeout=ask.timeout, approval_default=ask.default, reason=decision.reason)
    if effect == "modify":
        return HookResult(action="modify", data=decision.data)
    texts = [i.text for i in decision.injections]
    role = decision.injections[0].role if decision.injections else "system"
    return HookResult(action="inject_context", context_injection="\n\n".join(texts),
                      context_injection_role=_ROLES.get(role, "system"),
                      ephemeral=all(i.ephemeral for i in decision.injections))


class PolicyHook:
    """Evaluate a plan on the events it gates and answer with ``HookResult``s."""

    def __init__(
        self,
        plan: Plan,
        *,
        events: Iterable[str] | None = None,
        priority: int = -100,
        fail_mode: Literal["closed", "open"] = "closed",
        name: str = "hooks-policy",
        resolve_ask: ResolveAsk | None = None,
        on_decision: OnDecision | None = None,
        env_factory: EnvFactory | None = None,
        max_timeout: float | None = None,
        max_default: Literal["allow", "deny"] = "allow",
    ) -> None:
        """``max_timeout`` / ``max_default``: the caps an ask the host resolves is held to (an ask
        resolved by ``resolve_ask`` is held to them by its broker)."""
        if fail_mode not in ("closed", "open"):
            raise ValueError(f"fail_mode must be `closed` or `open`, got `{fail_mode}`")
        self.plan = plan
        self.events: frozenset[str] = plan.events if events is None else plan.events & frozenset(events)
        self.priority = priority
        self.fail_mode = fail_mode
        self.name = name
        self.resolve_ask = resolve_ask
        self.on_decision = on_decision
        self.env_factory = env_factory
        self.max_timeout = max_timeout
        self.max_default = max_default
        self._rewriters = frozenset(r.id for r in plan.rules if r.effect == "modify")

    def register(self, registry: Any) -> Callable[[], None]:
        """One handler per gated event; returns a callable that removes them all."""
        adder = getattr(registry, "add_gating_events", None)
        if adder is not None and self.fail_mode == "closed":
            adder(*sorted(self.events))  # a handler failure on a gated event denies, too
        removers = [registry.register(event, self, priority=self.priority, name=self.name)
                    for event in sorted(self.events)]

        def unregister_all() -> None:
            for remove in removers:
                remove()

        return unregister_all

    def decide(self, event: str, data: Mapping[str, Any]) -> Decision:
        """The plan's Decision for one event (what ``__call__`` acts on)."""
        env = self.env_factory(data) if self.env_factory is not None else None
        return self.plan.evaluate(event, data, env=env)

    async def __call__(self, event: str, data: Mapping[str, Any]) -> HookResult:
        start = time.perf_counter_ns()
        odd = _odd_tool_input(event, data)
        if odd is not None:
            return self._failure(event, ValueError(odd))
        try:
            decision = self.decide(event, data)
        except Exception as exc:
            return self._failure(event, exc)
        self._report(event, data, decision, time.perf_counter_ns() - start)
        if decision.effect == "ask_user" and self.resolve_ask is not None:
            try:
                return await self.resolve_ask(event, data, decision)
            except Exception as exc:
                return self._failure(event, exc)
        if decision.effect == "ask_user":
            return self._host_ask(decision)
        return to_hook_result(decision)

    def _host_ask(self, decision: Decision) -> HookResult:
        """An ask for the host's approval system, held to this hook's caps. A ``HookResult`` cannot
        carry an ask and a rewrite together, and a host that approves runs the data it has: an ask
        whose decision also rewrote the event is denied rather than approved unrewritten."""
        if decision.data is not None:
            rewriters = ", ".join(f"`{r}`" for r in decision.rules if r in self._rewriters) or "a modify rule"
            return HookResult(action="deny", reason=f"{decision.reason or 'approval needed'}; the call was also "
                              f"rewritten by {rewriters}, which an approval by the host cannot carry: denied",
                              user_message=decision.user_message)
        result = to_hook_result(decision)
        if result.action != "ask_user":
            return result
        update: dict[str, Any] = {}
        if self.max_timeout is not None and (result.approval_timeout or 0) > self.max_timeout:
            update["approval_timeout"] = self.max_timeout
        if self.max_default == "deny" and result.approval_default != "deny":
            update["approval_default"] = "deny"
        return result.model_copy(update=update) if update else result

    def _report(self, event: str, data: Mapping[str, Any], decision: Decision, latency_ns: int) -> None:
        if self.on_decision is None:
            return
        try:
            self.on_decision(event, data, decision, latency_ns)
        except Exception:  # a logging failure must never change the decision
            _log.exception("on_decision callback of hook %r failed on event %r", self.name, event)

    def _failure(self, event: str, exc: Exception) -> HookResult:
        if self.fail_mode == "open":
            _log.error("policy hook %r failed on event %r; continuing (fail_mode=open)", self.name, event,
                       exc_info=exc)
            return _CONTINUE
        return HookResult(action="deny", reason=f"denied by hook `{self.name}`: the policy could not be evaluated "
                          f"({type(exc).__name__}: {exc}); failing closed")


def _odd_tool_input(event: str, data: Mapping[str, Any]) -> str | None:
    """Why a tool call's input cannot be judged, or None. Rules read fields of an object
    (``tool_input.command``); a string (JSON arguments a host did not decode), a list or a number
    has none, so every such rule would pass it. The Claude Code hook refuses the same shapes."""
    if event != "tool:pre":
        return None
    key = "tool_input" if "tool_input" in data else "input"
    value = data.get(key)
    if value is None or isinstance(value, Mapping):
        return None
    return f"the tool call's `{key}` is {type(value).__name__}, not an object: its fields cannot be judged"
