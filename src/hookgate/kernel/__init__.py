"""The hook kernel: event names, ``HookResult``, ``HookRegistry``, ``Coordinator``.

Compatible with amplifier-core 2.x (same names, fields and outcomes, pinned
by ``tests/compat``), except that hookgate fails closed where amplifier
fails open: a handler that raises or times out on a gating event denies,
and an approval system that raises denies.

Names are imported on first use (PEP 562): the policy loader needs only
``hookgate.kernel.events``, and importing the registry and coordinator would
pull in asyncio (and with it ssl, several MB of resident memory) for nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hookgate._lazy import lazy_exports

_EXPORTS: dict[str, str] = {
    "GRANT_ANSWERS": "hookgate.kernel.approval",
    "ApprovalSystem": "hookgate.kernel.approval",
    "ApprovalTimeoutError": "hookgate.kernel.approval",
    "DisplaySystem": "hookgate.kernel.approval",
    "is_grant": "hookgate.kernel.approval",
    "MOUNT_POINTS": "hookgate.kernel.coordinator",
    "Coordinator": "hookgate.kernel.coordinator",
    "ALL_EVENTS": "hookgate.kernel.events",
    "EVENT_ALIASES": "hookgate.kernel.events",
    "FOREIGN_EVENTS": "hookgate.kernel.events",
    "GATING_EVENTS": "hookgate.kernel.events",
    "UnknownEventError": "hookgate.kernel.events",
    "canonical_name": "hookgate.kernel.events",
    "is_glob": "hookgate.kernel.events",
    "match_events": "hookgate.kernel.events",
    "resolve_event": "hookgate.kernel.events",
    "HookHandler": "hookgate.kernel.registry",
    "HookRegistry": "hookgate.kernel.registry",
    "InjectionTooLargeError": "hookgate.kernel.resolution",
    "ContextInjection": "hookgate.kernel.results",
    "HookResult": "hookgate.kernel.results",
    "EventRecorder": "hookgate.kernel.testing",
    "create_test_coordinator": "hookgate.kernel.testing",
}

__all__ = [
    "ALL_EVENTS",
    "EVENT_ALIASES",
    "FOREIGN_EVENTS",
    "GATING_EVENTS",
    "GRANT_ANSWERS",
    "MOUNT_POINTS",
    "ApprovalSystem",
    "ApprovalTimeoutError",
    "ContextInjection",
    "Coordinator",
    "DisplaySystem",
    "EventRecorder",
    "HookHandler",
    "HookRegistry",
    "HookResult",
    "InjectionTooLargeError",
    "UnknownEventError",
    "canonical_name",
    "create_test_coordinator",
    "is_glob",
    "is_grant",
    "match_events",
    "resolve_event",
]

if TYPE_CHECKING:
    from hookgate.kernel.approval import GRANT_ANSWERS, ApprovalSystem, ApprovalTimeoutError, DisplaySystem, is_grant
    from hookgate.kernel.coordinator import MOUNT_POINTS, Coordinator
    from hookgate.kernel.events import (
        ALL_EVENTS,
        EVENT_ALIASES,
        FOREIGN_EVENTS,
        GATING_EVENTS,
        UnknownEventError,
        canonical_name,
        is_glob,
        match_events,
        resolve_event,
    )
    from hookgate.kernel.registry import HookHandler, HookRegistry
    from hookgate.kernel.resolution import InjectionTooLargeError
    from hookgate.kernel.results import ContextInjection, HookResult
    from hookgate.kernel.testing import EventRecorder, create_test_coordinator


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, __all__)
