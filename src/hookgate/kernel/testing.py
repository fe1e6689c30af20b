"""Test helpers for hook authors: record events, build a ready coordinator.

Real, small implementations (no mocks): :class:`EventRecorder` stands in for
a registry's ``emit``, :class:`MemoryContext` and :class:`RecordingDisplay`
keep what a coordinator sends them, :class:`StaticApproval` answers every
approval request the same way.
"""

from __future__ import annotations

from typing import Any, Literal

from hookgate.kernel._dispatch import clone_data
from hookgate.kernel.approval import ApprovalSystem, ApprovalTimeoutError
from hookgate.kernel.coordinator import Coordinator
from hookgate.kernel.results import HookResult, continue_result

__all__ = [
    "EventRecorder",
    "MemoryContext",
    "RecordingDisplay",
    "StaticApproval",
    "create_test_coordinator",
]


class EventRecorder:
    """Records ``(event, data)`` pairs; usable wherever a registry's ``emit`` is expected."""

    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []

    async def emit(self, event: str, data: dict[str, Any]) -> HookResult:
        """Record a copy of ``data`` (nested dicts and lists too: later mutation does not rewrite history)."""
        self.events.append((event, clone_data(data)))
        return continue_result(None)

    async def record(self, event: str, data: dict[str, Any]) -> HookResult:
        return await self.emit(event, data)

    def clear(self) -> None:
        self.events.clear()

    def get_events(self, event_type: str | None = None) -> list[tuple[str, dict[str, Any]]]:
        """Recorded pairs, optionally only those of one event type."""
        if event_type:
            return [entry for entry in self.events if entry[0] == event_type]
        return list(self.events)


class MemoryContext:
    """A context manager that keeps messages in a list."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    async def add_message(self, message: dict[str, Any]) -> None:
        self.messages.append(message)

    async def get_messages(self) -> list[dict[str, Any]]:
        return list(self.messages)


class RecordingDisplay:
    """A display system that keeps ``(message, level, source)`` triples."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, str, str]] = []

    def show_message(self, message: str, level: Literal["info", "warning", "error"], source: str = "hook") -> None:
        self.messages.append((message, level, source))


class StaticApproval:
    """An approval system giving one fixed answer (``None``: behave as if nobody answered in time)."""

    def __init__(self, answer: str | None) -> None:
        self.answer = answer
        self.requests: list[tuple[str, list[str], float, str]] = []

    async def request_approval(
        self, prompt: str, options: list[str], timeout: float, default: Literal["allow", "deny"]
    ) -> str:
        self.requests.append((prompt, list(options), timeout, default))
        if self.answer is None:
            raise ApprovalTimeoutError(f"no answer within {timeout}s")
        return self.answer


def create_test_coordinator(*, approval: ApprovalSystem | None = None) -> Coordinator:
    """A coordinator with a :class:`MemoryContext` and a :class:`RecordingDisplay` attached.

    No approval system unless one is passed (e.g. ``StaticApproval("allow")``),
    so ``ask_user`` denies, as it should when nobody can be asked.
    """
    coordinator = Coordinator(
        "test-session",
        config={"session": {"orchestrator": "test-orchestrator", "context": "test-context"}},
        approval_system=approval,
        display_system=RecordingDisplay(),
    )
    coordinator.mount_points["context"] = MemoryContext()
    return coordinator
