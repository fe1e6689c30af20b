"""Resolve the event names a rule's ``on:`` selects to canonical names.

Policies may name events canonically (``tool:pre``), by the second
framework's alias (``BEFORE_TOOL``) or by a glob (``provider:*``); the
compiler must only ever see canonical names, so an index keyed by event
name cannot be bypassed by spelling. The vocabulary is owned by
:mod:`hookgate.kernel.events`.
"""

from __future__ import annotations

from hookgate.kernel.events import UnknownEventError, match_events, resolve_event

__all__ = ["EventNameError", "is_event_glob", "resolve_selector"]


class EventNameError(ValueError):
    """An ``on:`` entry that names no event; the message is user-facing."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


def is_event_glob(name: str) -> bool:
    return any(ch in name for ch in "*?[")


def resolve_selector(name: str) -> tuple[str, ...]:
    """Canonical event names selected by one ``on:`` entry (a name, alias or glob).

    Raises :class:`EventNameError` for an unknown name or a glob selecting nothing.
    """
    glob = is_event_glob(name)
    try:
        found = match_events(name) if glob else (resolve_event(name),)
    except UnknownEventError as exc:
        text = str(exc) or f"unknown event `{name}`"
        code = "no_matching_event" if glob else "unknown_event"
        raise EventNameError(text[:1].lower() + text[1:], code=code) from None
    if not found:
        raise EventNameError(f"event pattern `{name}` matches no known event", code="no_matching_event")
    return tuple(found)
