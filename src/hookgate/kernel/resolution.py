"""What a coordinator does with a final ``HookResult``: approvals, messages, injections.

Kept out of :mod:`hookgate.kernel.coordinator` so each rule is small and
tested on its own. Outcomes match amplifier-core 2.0.2's
``process_hook_result`` (the compat suite pins them) except where amplifier
lets an exception escape from an approval: hookgate answers ``deny``
instead, naming the error, because an approval that did not resolve must
never let the operation through by crashing past the gate.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from inspect import isawaitable
from typing import Any, Final

from hookgate.diagnostics import HookgateError
from hookgate.kernel._dispatch import utc_timestamp
from hookgate.kernel.approval import ApprovalSystem, ApprovalTimeoutError, DisplaySystem, is_grant
from hookgate.kernel.injections import injection_items
from hookgate.kernel.results import ContextInjection, HookResult

__all__ = [
    "DEFAULT_APPROVAL_OPTIONS",
    "DEFAULT_APPROVAL_PROMPT",
    "InjectionTooLargeError",
    "check_sizes",
    "context_items",
    "context_message",
    "injected",
    "resolve_approval",
    "show_user_message",
    "with_transient",
]

DEFAULT_APPROVAL_PROMPT: Final = "Allow this operation?"
DEFAULT_APPROVAL_OPTIONS: Final = ("Allow", "Deny")
_NO_APPROVER: Final = "No approval system available"
_SEPARATOR: Final = "\n\n"
#: an injection result once its items are in the context: continue, injection fields back to defaults
_INJECTED: Final[dict[str, Any]] = {
    "action": "continue",
    "context_injection": None,
    "context_injection_role": "system",
    "ephemeral": False,
    "append_to_last_tool_result": False,
}
#: the coordinator's own deadline is the request's timeout plus this much (at most 1 s)
_MAX_GRACE: Final = 1.0

_log = logging.getLogger("hookgate.kernel")


class InjectionTooLargeError(HookgateError, ValueError):
    """A context injection longer than ``session.injection_size_limit`` (a ``ValueError``, as in amplifier)."""

    def __init__(self, limit: int, size: int, hook_name: str) -> None:
        self.limit = limit
        self.size = size
        self.hook_name = hook_name
        super().__init__(f"Context injection exceeds {limit} characters")


async def resolve_approval(approver: ApprovalSystem | None, result: HookResult, hook_name: str) -> HookResult:
    """Turn an ``ask_user`` result into continue (granted) or deny; never raises.

    A timeout applies ``approval_default``; the coordinator also enforces the
    timeout itself (plus a short grace) so a hung approver cannot stall the
    agent. Any other failure of the approver denies.
    """
    prompt = result.approval_prompt or DEFAULT_APPROVAL_PROMPT
    if approver is None:
        _log.error("approval requested but no approval system is attached (hook=%s)", hook_name)
        return HookResult(action="deny", reason=_NO_APPROVER)
    options = list(DEFAULT_APPROVAL_OPTIONS if result.approval_options is None else result.approval_options)
    timeout = result.approval_timeout
    guard = asyncio.timeout(timeout + min(_MAX_GRACE, timeout))
    try:
        async with guard:
            answer = await approver.request_approval(prompt, options, timeout, result.approval_default)
    except ApprovalTimeoutError:
        return _timed_out(result, prompt, hook_name)
    except Exception as exc:
        if guard.expired():
            return _timed_out(result, prompt, hook_name)
        _log.error("approval system failed (hook=%s); denying", hook_name, exc_info=exc)
        return HookResult(action="deny", reason=f"Approval failed ({type(exc).__name__}) - denied: {prompt}")
    if is_grant(answer):
        return HookResult(action="continue")
    if not isinstance(answer, str) or answer.strip().lower() != "deny":
        _log.warning("approval system returned unexpected decision %r (hook=%s); denying", answer, hook_name)
    return HookResult(action="deny", reason=f"User denied: {prompt}")


def _timed_out(result: HookResult, prompt: str, hook_name: str) -> HookResult:
    _log.warning("approval timed out (hook=%s, default=%s)", hook_name, result.approval_default)
    if result.approval_default == "allow":
        return HookResult(action="continue")
    return HookResult(action="deny", reason=f"Approval timeout - denied by default: {prompt}")


async def show_user_message(display: DisplaySystem | None, result: HookResult, hook_name: str) -> None:
    """Show ``result.user_message`` (if any) as ``hook:<source>``; a failing display is logged, not raised."""
    if result.user_message is None or display is None:
        return
    source = f"hook:{result.user_message_source or hook_name}"
    try:
        show: Callable[..., Any] = display.show_message  # some hosts' displays are async
        shown = show(result.user_message, result.user_message_level, source=source)
        if isawaitable(shown):
            await shown
    except Exception as exc:
        _log.error("display system failed to show a message from hook %s", hook_name, exc_info=exc)


def context_items(result: HookResult, hook_name: str, event: str) -> list[ContextInjection]:
    """The non-empty injections of a result, each knowing its hook and event."""
    if result.context_injections:
        items = [_with_source(item, hook_name, event) for item in result.context_injections]
    else:
        items = injection_items(result, hook_name, event)
    return [item for item in items if item.content]


def _with_source(item: ContextInjection, hook_name: str, event: str) -> ContextInjection:
    """Fill provenance a handler left at its defaults (amplifier would record ``unknown``)."""
    update: dict[str, str] = {}
    if item.hook_name == "unknown":
        update["hook_name"] = hook_name
    if not item.event:
        update["event"] = event
    return item.model_copy(update=update) if update else item


def check_sizes(items: Sequence[ContextInjection], limit: int | None) -> None:
    """Raise :class:`InjectionTooLargeError` for the first item over ``limit`` characters."""
    if limit is None:
        return
    for item in items:
        if len(item.content) > limit:
            _log.error("hook injection too large: %s (chars=%d, limit=%d)", item.hook_name, len(item.content), limit)
            raise InjectionTooLargeError(limit, len(item.content), item.hook_name)


def context_message(item: ContextInjection) -> dict[str, Any]:
    """The message a persisted injection adds to the context, with its provenance."""
    metadata = {
        "source": "hook",
        "hook_name": item.hook_name,
        "event": item.event,
        "timestamp": utc_timestamp(),
        "requested_role": item.role,
        "ephemeral": False,
        "persisted": True,
    }
    return {"role": item.role, "content": item.content, "metadata": metadata}


def injected(result: HookResult) -> HookResult:
    """``result`` after its injections were persisted: continue, other fields (message, data) kept."""
    return result.model_copy(update={**_INJECTED, "context_injections": []})


def with_transient(result: HookResult, items: list[ContextInjection]) -> HookResult:
    """``result`` carrying only its ephemeral items (and their joined text) for the orchestrator."""
    update = {
        "context_injection": _SEPARATOR.join(item.content for item in items),
        "context_injection_role": items[0].role,
        "ephemeral": True,
        "append_to_last_tool_result": any(item.append_to_last_tool_result for item in items),
        "context_injections": items,
    }
    return result.model_copy(update=update)
