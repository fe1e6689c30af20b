"""Glue for the policy hook: resolve an ``ask_user`` Decision through the broker, in place.

When the host has no approval system, ``PolicyHook(resolve_ask=ask_resolver(broker))``
turns every ask into a final ``continue`` (or ``modify``, when rules rewrote
the data) or ``deny`` — so the host never sees an ``ask_user`` it cannot
answer. Only asks come here; deny decisions never reach the broker.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol

from hookgate.approval.broker import ApprovalBroker
from hookgate.approval.models import ApprovalResponse, AskLike, request_from_ask

__all__ = ["ask_resolver", "tool_call_of", "with_directory"]


class DecisionLike(Protocol):
    @property
    def approval(self) -> AskLike | None: ...
    @property
    def data(self) -> Mapping[str, Any] | None: ...


def tool_call_of(event: str, data: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """``(tool, arguments)`` from an event: ``tool_name``/``tool_input`` or amplifier's ``name``/``input``."""
    tool = data.get("tool_name") or data.get("name") or event
    arguments = data.get("tool_input", data.get("input"))
    if isinstance(arguments, Mapping):
        return str(tool), dict(arguments)
    return str(tool), {} if arguments is None else {"input": arguments}


def with_directory(arguments: dict[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    """``arguments`` and the event's working directory (as ``cwd``, unless the tool takes one itself):
    shown to the approver and bound into a grant, so `git push --force` approved in a scratch fork is
    not thereby approved in another project."""
    cwd = data.get("cwd") or data.get("working_directory")
    if isinstance(cwd, str) and "cwd" not in arguments:
        return {**arguments, "cwd": cwd}
    return arguments


def _deny_reason(rule: str | None, response: ApprovalResponse) -> str:
    what = {"denied": "denied", "timeout": "timed out", "cancelled": "was cancelled", "error": "failed"}
    text = f"approval for rule `{rule}` {what.get(response.outcome, response.outcome)}"
    return f"{text}: {response.message}" if response.message else text


def ask_resolver(broker: ApprovalBroker) -> Callable[[str, Mapping[str, Any], DecisionLike], Awaitable[Any]]:
    """A ``resolve_ask`` for :class:`hookgate.policy.hook.PolicyHook` that answers through ``broker``."""
    from hookgate.kernel import HookResult

    async def resolve(event: str, data: Mapping[str, Any], decision: DecisionLike) -> HookResult:
        ask = decision.approval
        if ask is None:
            return HookResult(action="deny", reason="ask_user decision without an approval request (denied)")
        view = decision.data if decision.data is not None else data  # what would run, rewritten or not
        tool, arguments = tool_call_of(event, view)
        request = request_from_ask(ask, tool=tool, arguments=with_directory(arguments, data))
        response = await broker.ask(request)
        if not response.allowed:
            reason = _deny_reason(ask.rule_id, response)
            return HookResult(action="deny", reason=reason, user_message=reason, user_message_level="warning")
        if decision.data is not None:
            return HookResult(action="modify", data=dict(decision.data))
        return HookResult(action="continue")

    return resolve
