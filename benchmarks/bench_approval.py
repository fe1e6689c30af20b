"""Benchmark: how late does the approval broker enforce a timeout?

Nobody answers: ``--requests`` approval requests (distinct arguments, so no
prompt sharing) go to a ``QueueChannel`` that is never served, all at once
(``--concurrency`` at a time), each with ``--timeout-ms``. For each request,
overshoot = (wall time from ``ask()`` to its ``timeout`` response) − timeout.
Also checks every response is ``timeout`` with the default applied.

    python benchmarks/bench_approval.py                # 1,000 concurrent, 100 ms
    python benchmarks/bench_approval.py --concurrency 1 --requests 200

Prints one JSON line: overshoot p50/p99/max in ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import statistics
import sys
import time

from hookgate.approval import ApprovalBroker, ApprovalRequest, QueueChannel


async def _one(broker: ApprovalBroker, request: ApprovalRequest, limit: asyncio.Semaphore) -> float:
    timeout, i = request.timeout, request.request_id
    async with limit:
        start = time.perf_counter()
        response = await broker.ask(request)
        elapsed = time.perf_counter() - start
    if response.outcome != "timeout" or response.allowed:
        raise SystemExit(f"request {i}: expected a denying timeout, got {response.outcome}")
    return (elapsed - timeout) * 1000.0


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


async def _run(requests: int, concurrency: int, timeout_ms: float) -> dict[str, object]:
    broker = ApprovalBroker(QueueChannel())
    limit = asyncio.Semaphore(concurrency)
    batch = [ApprovalRequest(request_id=str(i), tool="bash", arguments={"command": f"echo {i}"}, rule_id="bench",
                             timeout=timeout_ms / 1000) for i in range(requests)]
    overshoot = await asyncio.gather(*(_one(broker, request, limit) for request in batch))
    leftover = len(asyncio.all_tasks()) - 1
    return {
        "bench": "approval_timeout_overshoot",
        "requests": requests,
        "concurrency": concurrency,
        "timeout_ms": timeout_ms,
        "overshoot_ms": {
            "p50": round(statistics.median(overshoot), 3),
            "p99": round(_percentile(overshoot, 99), 3),
            "max": round(max(overshoot), 3),
        },
        "tasks_left": leftover,
        "python": platform.python_version(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=1000)
    parser.add_argument("--timeout-ms", type=float, default=100.0)
    args = parser.parse_args(argv)
    result = asyncio.run(_run(args.requests, args.concurrency, args.timeout_ms))
    print(json.dumps(result, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
