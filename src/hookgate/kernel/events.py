"""The event vocabulary: canonical ``namespace:action`` names, foreign aliases, globs.

Canonical names are the superset of the seed documents and amplifier-core
2.0.2's ``ALL_EVENTS``, so a hookgate host and an amplifier host speak the
same names. A second framework's names (``BEFORE_TOOL``, ``AFTER_LLM``, ...)
are accepted as aliases: they map to the canonical event that fires at the
same moment, and keep their own name where no canonical event exists.

``llm:request``/``llm:response`` are the seed's aliases of
``provider:request``/``provider:response``. Hosts emit them as *distinct*
event names (a handler on one never sees the other), so both stay canonical
constants here; a policy meant for every model call should name both.
"""

from __future__ import annotations

from collections.abc import Mapping
from fnmatch import fnmatchcase
from types import MappingProxyType
from typing import Final

from hookgate.diagnostics import HookgateError, did_you_mean

__all__ = [
    "ALL_EVENTS",
    "APPROVAL_DENIED",
    "APPROVAL_GRANTED",
    "APPROVAL_REQUIRED",
    "ARTIFACT_READ",
    "ARTIFACT_WRITE",
    "CANCEL_COMPLETED",
    "CANCEL_REQUESTED",
    "CONTENT_BLOCK_DELTA",
    "CONTENT_BLOCK_END",
    "CONTENT_BLOCK_START",
    "CONTEXT_COMPACTION",
    "CONTEXT_INCLUDE",
    "CONTEXT_POST_COMPACT",
    "CONTEXT_PRE_COMPACT",
    "EVENT_ALIASES",
    "EXECUTION_END",
    "EXECUTION_START",
    "FOREIGN_EVENTS",
    "GATING_EVENTS",
    "LLM_REQUEST",
    "LLM_RESPONSE",
    "MODULE_LOAD_FAILED",
    "MODULE_ON_SESSION_READY_FAILED",
    "ORCHESTRATOR_COMPLETE",
    "ORCHESTRATOR_START",
    "PLAN_END",
    "PLAN_START",
    "POLICY_VIOLATION",
    "PROMPT_COMPLETE",
    "PROMPT_SUBMIT",
    "PROVIDER_ERROR",
    "PROVIDER_REQUEST",
    "PROVIDER_RESOLVE",
    "PROVIDER_RESPONSE",
    "PROVIDER_RETRY",
    "PROVIDER_THROTTLE",
    "PROVIDER_TOOL_SEQUENCE_REPAIRED",
    "SESSION_END",
    "SESSION_FORK",
    "SESSION_RESUME",
    "SESSION_START",
    "THINKING_DELTA",
    "THINKING_FINAL",
    "TOOL_ERROR",
    "TOOL_POST",
    "TOOL_PRE",
    "USER_NOTIFICATION",
    "UnknownEventError",
    "canonical_name",
    "is_glob",
    "match_events",
    "resolve_event",
]

SESSION_START: Final = "session:start"
SESSION_END: Final = "session:end"
SESSION_FORK: Final = "session:fork"
SESSION_RESUME: Final = "session:resume"
PROMPT_SUBMIT: Final = "prompt:submit"
PROMPT_COMPLETE: Final = "prompt:complete"
PLAN_START: Final = "plan:start"
PLAN_END: Final = "plan:end"
PROVIDER_REQUEST: Final = "provider:request"
PROVIDER_RESPONSE: Final = "provider:response"
PROVIDER_RETRY: Final = "provider:retry"
PROVIDER_ERROR: Final = "provider:error"
PROVIDER_THROTTLE: Final = "provider:throttle"
PROVIDER_TOOL_SEQUENCE_REPAIRED: Final = "provider:tool_sequence_repaired"
PROVIDER_RESOLVE: Final = "provider:resolve"
LLM_REQUEST: Final = "llm:request"  # seed alias of provider:request; emitted as its own name
LLM_RESPONSE: Final = "llm:response"  # seed alias of provider:response; emitted as its own name
CONTENT_BLOCK_START: Final = "content_block:start"
CONTENT_BLOCK_DELTA: Final = "content_block:delta"
CONTENT_BLOCK_END: Final = "content_block:end"
THINKING_DELTA: Final = "thinking:delta"
THINKING_FINAL: Final = "thinking:final"
TOOL_PRE: Final = "tool:pre"
TOOL_POST: Final = "tool:post"
TOOL_ERROR: Final = "tool:error"
CONTEXT_PRE_COMPACT: Final = "context:pre_compact"
CONTEXT_POST_COMPACT: Final = "context:post_compact"
CONTEXT_COMPACTION: Final = "context:compaction"
CONTEXT_INCLUDE: Final = "context:include"
ORCHESTRATOR_START: Final = "orchestrator:start"
ORCHESTRATOR_COMPLETE: Final = "orchestrator:complete"
EXECUTION_START: Final = "execution:start"
EXECUTION_END: Final = "execution:end"
USER_NOTIFICATION: Final = "user:notification"
ARTIFACT_WRITE: Final = "artifact:write"
ARTIFACT_READ: Final = "artifact:read"
POLICY_VIOLATION: Final = "policy:violation"
APPROVAL_REQUIRED: Final = "approval:required"
APPROVAL_GRANTED: Final = "approval:granted"
APPROVAL_DENIED: Final = "approval:denied"
CANCEL_REQUESTED: Final = "cancel:requested"
CANCEL_COMPLETED: Final = "cancel:completed"
MODULE_ON_SESSION_READY_FAILED: Final = "module:on_session_ready_failed"
MODULE_LOAD_FAILED: Final = "module:load_failed"

#: every canonical event name, in lifecycle order (a superset of amplifier-core 2.0.2's list)
ALL_EVENTS: Final[tuple[str, ...]] = (
    SESSION_START, SESSION_END, SESSION_FORK, SESSION_RESUME,
    PROMPT_SUBMIT, PROMPT_COMPLETE,
    PLAN_START, PLAN_END,
    PROVIDER_REQUEST, PROVIDER_RESPONSE, PROVIDER_RETRY, PROVIDER_ERROR, PROVIDER_THROTTLE,
    PROVIDER_TOOL_SEQUENCE_REPAIRED, PROVIDER_RESOLVE,
    LLM_REQUEST, LLM_RESPONSE,
    CONTENT_BLOCK_START, CONTENT_BLOCK_DELTA, CONTENT_BLOCK_END,
    THINKING_DELTA, THINKING_FINAL,
    TOOL_PRE, TOOL_POST, TOOL_ERROR,
    CONTEXT_PRE_COMPACT, CONTEXT_POST_COMPACT, CONTEXT_COMPACTION, CONTEXT_INCLUDE,
    ORCHESTRATOR_START, ORCHESTRATOR_COMPLETE, EXECUTION_START, EXECUTION_END,
    USER_NOTIFICATION,
    ARTIFACT_WRITE, ARTIFACT_READ,
    POLICY_VIOLATION, APPROVAL_REQUIRED, APPROVAL_GRANTED, APPROVAL_DENIED,
    CANCEL_REQUESTED, CANCEL_COMPLETED,
    MODULE_ON_SESSION_READY_FAILED, MODULE_LOAD_FAILED,
)  # fmt: skip

#: events on which a failing or silent handler means *deny*: the operation has not happened yet
GATING_EVENTS: Final[frozenset[str]] = frozenset({TOOL_PRE, PROVIDER_REQUEST, PROMPT_SUBMIT})

_MAPPED: Final[dict[str, str]] = {
    "BEFORE_TOOL": TOOL_PRE,
    "AFTER_TOOL": TOOL_POST,
    "BEFORE_AGENT": EXECUTION_START,
    "AFTER_AGENT": EXECUTION_END,
    "BEFORE_LLM": PROVIDER_REQUEST,
    "AFTER_LLM": PROVIDER_RESPONSE,
    "SESSION_START": SESSION_START,
    "SESSION_END": SESSION_END,
    "USER_PROMPT_SUBMIT": PROMPT_SUBMIT,
    "NOTIFICATION": USER_NOTIFICATION,
    "BEFORE_COMPACTION": CONTEXT_PRE_COMPACT,
    "AFTER_COMPACTION": CONTEXT_POST_COMPACT,
}

#: second-framework names with no canonical counterpart; they stay events of their own.
#: ``ON_RETRY`` is a *tool* retry (its input names the failing tool), not ``provider:retry``;
#: ``ON_ERROR`` covers every kind of error, so no single ``*:error`` event matches it.
FOREIGN_EVENTS: Final[tuple[str, ...]] = (
    "ON_ERROR", "ON_RETRY", "SUBAGENT_STOP", "SETUP",
    "MESSAGE_RECEIVED", "MESSAGE_SENDING", "MESSAGE_SENT",
    "GATEWAY_START", "GATEWAY_STOP", "TOOL_RESULT_PERSIST",
    "KANBAN_TASK_CREATED", "KANBAN_TASK_CLAIMED", "KANBAN_TASK_MOVED",
    "KANBAN_TASK_DONE", "KANBAN_TASK_BLOCKED", "KANBAN_TASK_FAILED",
)  # fmt: skip

#: every second-framework name → the event name it resolves to
EVENT_ALIASES: Final[Mapping[str, str]] = MappingProxyType({**_MAPPED, **{name: name for name in FOREIGN_EVENTS}})

_KNOWN: Final[frozenset[str]] = frozenset(ALL_EVENTS)
_GLOB_CHARS: Final = frozenset("*?[")


class UnknownEventError(HookgateError, ValueError):
    """An event name (or glob) that names no known event."""

    code = "event.unknown"

    def __init__(self, name: str, suggestion: str | None = None, *, glob: bool = False) -> None:
        self.name = name
        self.suggestion = suggestion
        what = "event pattern" if glob else "event"
        tail = " matches no known event" if glob else " is not a known event"
        hint = f"; did you mean `{suggestion}`?" if suggestion else ""
        super().__init__(f"{what} `{name}`{tail}{hint}")


def canonical_name(name: str) -> str:
    """The canonical name for an alias, else ``name`` unchanged (never raises)."""
    return EVENT_ALIASES.get(name, name)


def resolve_event(name: str) -> str:
    """Resolve a canonical name or alias to the name hosts emit; reject anything else."""
    if name in _KNOWN:
        return name
    target = EVENT_ALIASES.get(name)
    if target is not None:
        return target
    raise UnknownEventError(name, _suggest(name))


def is_glob(pattern: str) -> bool:
    return not _GLOB_CHARS.isdisjoint(pattern)


def match_events(pattern: str) -> tuple[str, ...]:
    """Expand ``provider:*``, ``*`` ... over :data:`ALL_EVENTS`; a plain name resolves as one event.

    A glob that matches nothing is an error, not an empty rule: a typo must
    never silently turn a gate off.
    """
    if not is_glob(pattern):
        return (resolve_event(pattern),)
    matched = tuple(event for event in ALL_EVENTS if fnmatchcase(event, pattern))
    if not matched:
        raise UnknownEventError(pattern, _suggest_glob(pattern), glob=True)
    return matched


def _suggest(name: str) -> str | None:
    candidates = (*ALL_EVENTS, *EVENT_ALIASES)
    folded = {candidate.casefold(): candidate for candidate in candidates}
    exact = folded.get(name.casefold())
    if exact is not None:
        return exact
    return did_you_mean(name, candidates)


def _suggest_glob(pattern: str) -> str | None:
    namespace, sep, _ = pattern.partition(":")
    if not sep:
        return None
    namespaces = {event.partition(":")[0] for event in ALL_EVENTS}
    close = did_you_mean(namespace, namespaces)
    return f"{close}:*" if close else None
