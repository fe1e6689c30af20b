"""1,000 concurrent requests through the queue channel: each resolved exactly once, nothing left behind."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any, Literal

from hookgate.approval import ApprovalBroker, ApprovalRequest, ApprovalResponse, QueueChannel

N = 1000


def _request(i: int) -> ApprovalRequest:
    kind = i % 5
    timeout = 0.05 + (i % 7) * 0.02 if kind in (2, 3) else 30.0
    default: Literal["allow", "deny"] = "allow" if kind == 3 else "deny"
    return ApprovalRequest(request_id=f"r{i}", tool="bash", arguments={"command": f"echo {i}"}, rule_id="ask",
                           timeout=timeout, default=default)


EXPECTED = {0: ("granted", True), 1: ("denied", False), 2: ("timeout", False), 3: ("timeout", True),
            4: ("cancelled", False)}


async def _serve(channel: QueueChannel, double_answers: list[bool]) -> None:
    while True:
        request = await channel.next()
        kind = int(request.request_id[1:]) % 5
        if kind in (0, 1):
            decision: Literal["allow", "deny"] = "allow" if kind == 0 else "deny"
            assert channel.resolve(request.request_id, decision)
            double_answers.append(channel.resolve(request.request_id, "allow"))


async def test_thousand_concurrent_requests_resolve_exactly_once() -> None:
    recorded: list[tuple[str, str]] = []
    channel = QueueChannel()
    broker = ApprovalBroker(channel, max_default="allow", on_outcome=lambda q, r: recorded.append((q.request_id,
                                                                                                  r.outcome)))
    double_answers: list[bool] = []
    server = asyncio.create_task(_serve(channel, double_answers))
    asks = {i: asyncio.create_task(broker.ask(_request(i))) for i in range(N)}
    while len(channel.pending()) < N // 5:  # let the to-be-cancelled ones reach the channel
        await asyncio.sleep(0.001)
    for i, task in asks.items():
        if i % 5 == 4:
            task.cancel()
    results: dict[int, ApprovalResponse | BaseException] = dict(
        zip(asks, await asyncio.gather(*asks.values(), return_exceptions=True), strict=True))
    server.cancel()
    await asyncio.gather(server, return_exceptions=True)

    for i, result in results.items():
        expected_outcome, expected_allowed = EXPECTED[i % 5]
        if expected_outcome == "cancelled":
            assert isinstance(result, asyncio.CancelledError)
            continue
        assert isinstance(result, ApprovalResponse), (i, result)
        assert (result.request_id, result.outcome, result.allowed) == (f"r{i}", expected_outcome, expected_allowed)
    counts = Counter(request_id for request_id, _ in recorded)
    assert len(counts) == N and set(counts.values()) == {1}
    assert Counter(outcome for _, outcome in recorded) == Counter(
        {"granted": 200, "denied": 200, "timeout": 400, "cancelled": 200})
    assert double_answers and not any(double_answers)
    assert channel.pending() == () and broker.pending() == ()
    assert not channel.resolve("r2", "allow")  # a timed-out request cannot be answered late
    leftover: set[Any] = asyncio.all_tasks() - {asyncio.current_task()}
    assert leftover == set()
