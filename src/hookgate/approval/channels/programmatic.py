"""Channels a host program serves: a callback, or an async queue a web UI or chat bot drains.

The broker enforces timeouts around both, so a callback that never returns
or a queue nobody reads cannot hang the agent; a late answer is discarded.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from hookgate.approval.channels.base import coerce_answer
from hookgate.approval.models import ApprovalRequest, ChannelAnswer, Default, GrantPattern, Scope

__all__ = ["AnswerLike", "CallbackChannel", "QueueChannel"]

#: what a callback may return: a typed answer, its dict form, or one of the request's option strings
AnswerLike = ChannelAnswer | Mapping[str, Any] | str
Callback = Callable[[ApprovalRequest], AnswerLike | Awaitable[AnswerLike]]


class CallbackChannel:
    """Calls ``callback(request)`` (sync or async) for each request.

    A sync callback runs in a worker thread (``run_sync_in_thread=True``,
    the default) so that one that blocks cannot stall the event loop and
    with it the broker's timeout.
    """

    def __init__(self, callback: Callback, *, name: str = "callback", run_sync_in_thread: bool = True) -> None:
        self.name = name
        self._callback = callback
        self._threaded = run_sync_in_thread and not inspect.iscoroutinefunction(callback)

    async def ask(self, request: ApprovalRequest, *, deadline: float) -> ChannelAnswer:
        if self._threaded:
            raw: Any = await asyncio.to_thread(self._callback, request)
        else:
            raw = self._callback(request)
        if inspect.isawaitable(raw):
            raw = await raw
        return coerce_answer(raw, request, approver=self.name)


@dataclass(slots=True)
class _Open:
    request: ApprovalRequest
    future: asyncio.Future[ChannelAnswer]
    deadline: float
    delivered: bool = False


class QueueChannel:
    """Requests wait in a queue until the host calls :meth:`resolve`; each resolves at most once.

    Serve it with ``await channel.next()`` (or iterate ``pending()``) and
    answer with ``channel.resolve(request_id, "allow", scope="session")``.
    Call it from the event loop's thread (from another thread, go through
    ``loop.call_soon_threadsafe``). Identical concurrent requests share one
    prompt in the broker, so only the first one's id appears here.
    """

    def __init__(self, *, name: str = "queue") -> None:
        self.name = name
        self._open: dict[str, _Open] = {}
        self._arrived = asyncio.Event()

    async def ask(self, request: ApprovalRequest, *, deadline: float) -> ChannelAnswer:
        future: asyncio.Future[ChannelAnswer] = asyncio.get_running_loop().create_future()
        self._open[request.request_id] = _Open(request, future, deadline)
        self._arrived.set()
        try:
            return await future
        finally:
            self._open.pop(request.request_id, None)

    def pending(self) -> tuple[ApprovalRequest, ...]:
        """Requests still waiting for an answer, oldest first."""
        return tuple(o.request for o in self._open.values())

    def remaining(self, request_id: str) -> float | None:
        """Seconds until ``request_id`` times out (for a countdown), or None if it is not open."""
        entry = self._open.get(request_id)
        if entry is None:
            return None
        return max(0.0, entry.deadline - asyncio.get_running_loop().time())

    async def next(self) -> ApprovalRequest:
        """Wait for the next request that is still open (timed-out ones are skipped)."""
        while True:
            for entry in self._open.values():
                if not entry.delivered and not entry.future.done():
                    entry.delivered = True
                    return entry.request
            self._arrived.clear()
            await self._arrived.wait()

    def resolve(
        self,
        request_id: str,
        decision: Default,
        *,
        scope: Scope = "once",
        message: str | None = None,
        approver: str | None = None,
        pattern: GrantPattern | None = None,
    ) -> bool:
        """Answer an open request; False if it is unknown, timed out or already answered."""
        answer = ChannelAnswer(decision=decision, scope=scope, message=message, pattern=pattern,
                               approver=approver or self.name)
        return self.resolve_answer(request_id, answer)

    def resolve_answer(self, request_id: str, answer: ChannelAnswer | Mapping[str, Any] | str) -> bool:
        entry = self._open.get(request_id)
        if entry is None or entry.future.done():
            return False
        entry.future.set_result(coerce_answer(answer, entry.request, approver=self.name))
        return True
