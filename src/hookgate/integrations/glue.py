"""What happens around a policy decision: the broker resolves asks, the log records, events go out.

:class:`DecisionGlue` supplies the two callbacks of
:class:`~hookgate.policy.hook.PolicyHook`: ``on_decision`` (record the
decision, announce a deny) and ``resolve_ask`` (put an ``ask_user`` to the
approval broker and turn its outcome into a ``HookResult``).

Re-entrancy: announcing a decision emits events (``policy:violation``, …)
through the host's hooks, and a policy may itself gate those events. A
context variable marks "inside one of our own emits"; while it is set no
further event is emitted and no approval is asked, so a policy on
``approval:*`` or ``policy:*`` can never loop.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, Protocol

from hookgate.kernel import HookResult
from hookgate.policy.decision import Decision

if TYPE_CHECKING:
    from hookgate.approval import ApprovalBroker, ApprovalResponse
    from hookgate.audit import DecisionLog

__all__ = ["OWN_EVENTS", "DecisionGlue", "Emitter", "GuardedEmitter"]

log = logging.getLogger("hookgate.integrations")

#: events hookgate's policy hook emits (contributed to ``observability.events``)
OWN_EVENTS: Final[tuple[str, ...]] = (
    "hooks-policy:decision", "hooks-policy:denied", "policy:violation",
    "approval:required", "approval:granted", "approval:denied",
)  # fmt: skip
#: event-data keys that change on every emit and must not bind a remembered grant
_VOLATILE: Final = frozenset({"timestamp", "ts", "session_id", "turn_id", "request_id"})

_EMITTING: contextvars.ContextVar[bool] = contextvars.ContextVar("hookgate_emitting", default=False)
_LATENCY: contextvars.ContextVar[int] = contextvars.ContextVar("hookgate_latency", default=0)


class Emitter(Protocol):
    async def emit(self, event: str, data: dict[str, Any]) -> Any: ...


class GuardedEmitter:
    """Emits through the host's hooks, but never from inside one of its own emits."""

    def __init__(self, hooks: Emitter) -> None:
        self._hooks = hooks

    async def emit(self, event: str, data: dict[str, Any]) -> Any:
        if _EMITTING.get():
            return None
        token = _EMITTING.set(True)
        try:
            return await self._hooks.emit(event, data)
        finally:
            _EMITTING.reset(token)


class DecisionGlue:
    """``on_decision`` and ``resolve_ask`` for one mounted policy hook."""

    def __init__(
        self,
        *,
        broker: ApprovalBroker | None = None,
        decision_log: DecisionLog | None = None,
        emitter: Emitter | None = None,
        host: str | None = None,
        policies: tuple[str, ...] = (),
        max_timeout: float | None = None,
        hook_name: str = "hooks-policy",
    ) -> None:
        self.broker = broker
        self.decision_log = decision_log
        self.emitter = emitter if emitter is None or isinstance(emitter, GuardedEmitter) else GuardedEmitter(emitter)
        self.host = host
        self.policies = policies
        self.max_timeout = max_timeout
        self.hook_name = hook_name
        self._tasks: set[asyncio.Task[None]] = set()

    # -- on_decision --------------------------------------------------------------------------------

    def on_decision(self, event: str, data: Mapping[str, Any], decision: Decision, latency_ns: int) -> None:
        """Record the decision (an ask the broker resolves is recorded with its outcome) and announce it."""
        _LATENCY.set(latency_ns)
        if not (decision.effect == "ask_user" and self.broker is not None):
            self._record(event, data, decision, latency_ns, None)
        if decision.effect != "continue":
            self._announce(event, data, decision)

    def _record(self, event: str, data: Mapping[str, Any], decision: Decision, latency_ns: int,
                approval: ApprovalResponse | None) -> None:
        if self.decision_log is not None:
            self.decision_log.record(event=event, data=data, decision=decision, latency_ns=latency_ns,
                                     approval=approval, host=self.host, policy=self.policies)

    def _announce(self, event: str, data: Mapping[str, Any], decision: Decision) -> None:
        if self.emitter is None or _EMITTING.get():
            return
        tool = _tool(data)
        payload = {"hook": self.hook_name, "event": event, "tool": tool, "effect": decision.effect,
                   "rules": list(decision.rules), "reason": decision.reason}
        emits = [("hooks-policy:decision", payload)]
        if decision.effect == "deny":
            emits += [("hooks-policy:denied", payload), ("policy:violation", {**payload, "source": self.hook_name})]
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        task = loop.create_task(self._emit_all(emits))  # after the current emit: observers never gate it
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _emit_all(self, emits: list[tuple[str, dict[str, Any]]]) -> None:
        assert self.emitter is not None
        for name, payload in emits:
            try:
                await asyncio.wait_for(self.emitter.emit(name, dict(payload)), timeout=5.0)
            except Exception:
                log.warning("emitting %s failed (ignored: events never change a decision)", name, exc_info=True)

    # -- resolve_ask --------------------------------------------------------------------------------

    async def resolve_ask(self, event: str, data: Mapping[str, Any], decision: Decision) -> HookResult:
        """Ask the broker; a grant continues (with the rewritten data, if any), anything else denies."""
        ask = decision.approval
        rule = ask.rule_id if ask is not None else (decision.rules[0] if decision.rules else "?")
        if self.broker is None or ask is None or _EMITTING.get():
            why = "no approval system" if self.broker is None or ask is None else "asked inside an approval event"
            self._record(event, data, decision, _LATENCY.get(), None)
            return HookResult(action="deny", reason=f"denied by rule `{rule}`: approval required but {why}; "
                              "failing closed")
        from hookgate.approval import request_from_ask
        from hookgate.approval.resolve import with_directory

        view = decision.data if decision.data is not None else data
        request = request_from_ask(ask, tool=_tool(view) or event, arguments=with_directory(_arguments(view), data))
        if self.max_timeout is not None and request.timeout > self.max_timeout:
            request = request.model_copy(update={"timeout": self.max_timeout})
        response = await self.broker.ask(request)
        self._record(event, data, decision, _LATENCY.get(), response)
        return _outcome(decision, rule, response)

    # -- lifecycle ----------------------------------------------------------------------------------

    def close(self) -> None:
        """Cancel pending announcements, open prompts; close the log. Idempotent."""
        for task in list(self._tasks):
            task.cancel()
        if self.broker is not None:
            self.broker.cancel_all("the policy hook was unmounted")
        if self.decision_log is not None:
            self.decision_log.close()


def _outcome(decision: Decision, rule: str, response: ApprovalResponse) -> HookResult:
    if response.allowed:
        if decision.data is not None:
            return HookResult(action="modify", data=decision.data)
        return HookResult(action="continue")
    detail = f" ({response.message})" if response.message else ""
    return HookResult(action="deny", reason=f"denied by rule `{rule}`: approval {response.outcome}{detail}")


def _tool(data: Mapping[str, Any]) -> str | None:
    tool = data.get("tool_name", data.get("name"))
    return tool if isinstance(tool, str) else None


def _arguments(data: Mapping[str, Any]) -> dict[str, Any]:
    """What a grant is bound to: the tool's input, else the event data less its volatile keys; JSON only."""
    raw = data.get("tool_input", data.get("input")) if _tool(data) is not None else None
    if not isinstance(raw, Mapping):
        raw = {k: v for k, v in data.items() if k not in _VOLATILE}
    plain: dict[str, Any] = json.loads(json.dumps(raw, default=repr, sort_keys=True))
    return plain
