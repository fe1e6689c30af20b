"""Shared helpers for the approval tests: a real event sink and a wait-until helper (no timed assertions)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from hookgate.approval import ApprovalRequest, ApprovalResponse


class EventSink:
    """Anything with ``async emit`` is a hook emitter; this one remembers what it saw."""

    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []

    async def emit(self, event: str, data: dict[str, Any]) -> None:
        self.events.append((event, dict(data)))

    def names(self) -> list[str]:
        return [name for name, _ in self.events]


class OutcomeLog:
    def __init__(self) -> None:
        self.records: list[tuple[ApprovalRequest, ApprovalResponse]] = []

    def __call__(self, request: ApprovalRequest, response: ApprovalResponse) -> None:
        self.records.append((request, response))


@pytest.fixture
def sink() -> EventSink:
    return EventSink()


@pytest.fixture
def outcomes() -> OutcomeLog:
    return OutcomeLog()


async def _until(condition: Callable[[], object], *, limit: float = 10.0) -> None:
    """Yield to the loop until ``condition()`` holds (the limit only guards against a hung test)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + limit
    while not condition():
        if loop.time() > end:
            raise AssertionError("condition never became true")
        await asyncio.sleep(0.005)


@pytest.fixture
def until() -> Callable[..., Any]:
    return _until
