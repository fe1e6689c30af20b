"""Resolve the event names a rule's ``on:`` selects to canonical names.

Policies may name events canonically (``tool:pre``), by the second
framework's alias (``BEFORE_TOOL``) or by a glob (``provider:*``); the
compiler must only ever see canonical names, so an index keyed by event
name cannot be bypassed by spelling. The vocabulary is owned by
:mod:`hookgate.kernel.events`; the table below is only a fallback used
while that module is unavailable, so the policy language still loads.
"""

from __future__ import annotations

import fnmatch
import importlib
from collections.abc import Callable
from typing import Any

from hookgate.diagnostics import did_you_mean

__all__ = ["EventNameError", "is_event_glob", "resolve_selector"]

_FALLBACK_EVENTS: tuple[str, ...] = (
    "session:start", "session:end", "session:fork", "session:resume",
    "prompt:submit", "prompt:complete", "plan:start", "plan:end",
    "provider:request", "provider:response", "provider:error", "llm:request", "llm:response",
    "content_block:start", "content_block:delta", "content_block:end", "thinking:delta", "thinking:final",
    "tool:pre", "tool:post", "tool:error",
    "context:pre_compact", "context:post_compact", "context:include",
    "orchestrator:start", "orchestrator:complete", "user:notification", "artifact:write", "artifact:read",
    "policy:violation", "approval:required", "approval:granted", "approval:denied",
)  # fmt: skip

_FALLBACK_ALIASES: dict[str, str] = {
    "BEFORE_TOOL": "tool:pre",
    "AFTER_TOOL": "tool:post",
    "BEFORE_LLM": "provider:request",
    "AFTER_LLM": "provider:response",
    "SESSION_START": "session:start",
    "SESSION_END": "session:end",
    "USER_PROMPT_SUBMIT": "prompt:submit",
    "BEFORE_COMPACTION": "context:pre_compact",
    "AFTER_COMPACTION": "context:post_compact",
    "NOTIFICATION": "user:notification",
}


class EventNameError(ValueError):
    """An ``on:`` entry that names no event; the message is user-facing."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


def is_event_glob(name: str) -> bool:
    return any(ch in name for ch in "*?[")


def _kernel() -> tuple[Callable[[str], str], Callable[[str], tuple[str, ...]], type[Exception]] | None:
    try:
        events = importlib.import_module("hookgate.kernel.events")
    except ImportError:
        return None
    resolve: Any = getattr(events, "resolve_event", None)
    match: Any = getattr(events, "match_events", None)
    error: Any = getattr(events, "UnknownEventError", None)
    if resolve is None or match is None or error is None:
        return None
    return resolve, match, error


def _fallback_resolve(name: str) -> str:
    if name in _FALLBACK_EVENTS:
        return name
    if name in _FALLBACK_ALIASES:
        return _FALLBACK_ALIASES[name]
    hint = did_you_mean(name, [*_FALLBACK_EVENTS, *_FALLBACK_ALIASES])
    suffix = f"; did you mean `{hint}`?" if hint else ""
    raise EventNameError(f"event `{name}` is not a known event{suffix}", code="unknown_event")


def resolve_selector(name: str) -> tuple[str, ...]:
    """Canonical event names selected by one ``on:`` entry (a name, alias or glob).

    Raises :class:`EventNameError` for an unknown name or a glob selecting nothing.
    """
    kernel = _kernel()
    if kernel is None:
        return _fallback(name)
    resolve, match, error = kernel
    try:
        found = match(name) if is_event_glob(name) else (resolve(name),)
    except error as exc:
        text = str(exc) or f"unknown event `{name}`"
        code = "no_matching_event" if is_event_glob(name) else "unknown_event"
        raise EventNameError(text[:1].lower() + text[1:], code=code) from None
    if not found:
        raise EventNameError(f"event pattern `{name}` matches no known event", code="no_matching_event")
    return tuple(found)


def _fallback(name: str) -> tuple[str, ...]:
    if not is_event_glob(name):
        return (_fallback_resolve(name),)
    found = tuple(e for e in _FALLBACK_EVENTS if fnmatch.fnmatchcase(e, name))
    if not found:
        raise EventNameError(f"event pattern `{name}` matches no known event", code="no_matching_event")
    return found
