"""Hot-path helpers for the registry: data isolation, timestamps, driving handlers.

Measured, not guessed (see ``benchmarks/bench_registry.py``): an emit with one
no-op handler spends most of its time in these helpers, so each one avoids the
generic tool (``copy.deepcopy``, ``datetime.isoformat``, ``asyncio.wait_for``)
in favour of the cheapest construct that is still correct.
"""

from __future__ import annotations

import asyncio
import time
import types
from collections.abc import Awaitable, Coroutine, Generator
from typing import Any

__all__ = ["bounded", "clone_data", "finish", "resume", "utc_timestamp"]

_time_ns = time.time_ns
_gmtime = time.gmtime
_strftime = time.strftime
_last_stamp: tuple[int, str] = (-1, "")


def utc_timestamp() -> str:
    """ISO-8601 UTC time with millisecond precision, formatted at most once per millisecond."""
    global _last_stamp
    millis = _time_ns() // 1_000_000
    last = _last_stamp
    if last[0] == millis:
        return last[1]
    seconds, rest = divmod(millis, 1000)
    text = f"{_strftime('%Y-%m-%dT%H:%M:%S', _gmtime(seconds))}.{rest:03d}+00:00"
    _last_stamp = (millis, text)
    return text


def clone_data(data: dict[str, Any]) -> dict[str, Any]:
    """Deep-copy the JSON-shaped containers (``dict``, ``list``) of event data.

    Each handler gets its own copy, so in-place mutation never reaches the
    caller or a later handler: only an explicit ``modify`` changes the data.
    Other values (strings, numbers, host objects) are immutable or not ours
    to copy, and are shared. Cyclic data raises ``RecursionError``.
    """
    out = data.copy()
    for key, value in data.items():
        kind = type(value)
        if kind is dict:
            out[key] = clone_data(value)
        elif kind is list:
            out[key] = _clone_list(value)
    return out


def _clone_list(items: list[Any]) -> list[Any]:
    out = items.copy()
    for index, value in enumerate(items):
        kind = type(value)
        if kind is dict:
            out[index] = clone_data(value)
        elif kind is list:
            out[index] = _clone_list(value)
    return out


async def bounded(coro: Coroutine[Any, Any, Any], timeout: float) -> Any:
    """Await a handler's coroutine, allowing it ``timeout`` seconds once it starts waiting.

    The coroutine is started with ``send(None)``: a handler that finishes
    without waiting (most do) never pays for the timer; one that waits is
    resumed under ``asyncio.timeout``.
    """
    try:
        pending = coro.send(None)
    except StopIteration as stop:
        return stop.value
    return await finish(resume(coro, pending), timeout)


@types.coroutine
def resume(coro: Coroutine[Any, Any, Any], pending: Any) -> Generator[Any, Any, Any]:
    """Finish a coroutine whose first ``send`` yielded ``pending`` (a future, usually).

    Hands ``pending`` to the event loop exactly as a plain ``await`` chain
    would, and forwards what the loop sends or throws (cancellation,
    timeouts) into the coroutine.
    """
    while True:
        try:
            sent = yield pending
        except GeneratorExit:
            coro.close()
            raise
        except BaseException as exc:  # forwarded into the handler, which may handle it
            try:
                pending = coro.throw(exc)
            except StopIteration as stop:
                return stop.value
            continue
        try:
            pending = coro.send(sent)
        except StopIteration as stop:
            return stop.value


async def finish(awaitable: Awaitable[Any], timeout: float | None) -> Any:
    """Await ``awaitable``, bounded by ``timeout`` seconds when one is set."""
    if timeout is None:
        return await awaitable
    async with asyncio.timeout(timeout):
        return await awaitable
