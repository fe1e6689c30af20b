"""The hook kernel: event names, ``HookResult``, ``HookRegistry``, ``Coordinator``.

Compatible with amplifier-core 2.x (same names, fields and outcomes, pinned
by ``tests/compat``), except that hookgate fails closed where amplifier
fails open: a handler that raises or times out on a gating event denies,
and an approval system that raises denies.
"""

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
