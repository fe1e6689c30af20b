"""Aggregate decision records into the numbers ``hookgate log summary`` shows.

One pass over the records, constant memory apart from the latency samples
(percentiles need them all; an ``array`` of doubles keeps a million
decisions under 8 MB). The result is a frozen model, so the JSON output is
its ``model_dump`` and the text output (``render.py``) reads the same data.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence

from pydantic import BaseModel, ConfigDict

from hookgate.audit.record import APPROVAL_OUTCOMES, APPROVAL_SCOPES, EFFECTS, DecisionRecord

__all__ = [
    "ApprovalStats",
    "Percentiles",
    "RuleStats",
    "ShadowStats",
    "Summary",
    "percentiles",
    "summarize",
]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Percentiles(_Model):
    """Nearest-rank percentiles of a sample (``None`` when it is empty)."""

    count: int
    p50: float | None = None
    p90: float | None = None
    p99: float | None = None
    max: float | None = None


class RuleStats(_Model):
    """A rule that contributed to decisions, with the decisions' effects."""

    rule: str
    hits: int
    effects: dict[str, int]


class ShadowStats(_Model):
    """An audit-only rule and what it would have done."""

    rule: str
    effect: str
    hits: int


class ApprovalStats(_Model):
    total: int
    #: approvals after which the action went ahead (grants, and timeouts defaulting to allow)
    allowed: int
    outcomes: dict[str, int]
    #: outcome → scope (``once``/``session``/``persistent``/``none``) → count
    scopes: dict[str, dict[str, int]]
    wait_ms: Percentiles


class Summary(_Model):
    files: tuple[str, ...]
    decisions: int
    malformed: int
    first: str | None
    last: str | None
    sessions: int
    effects: dict[str, int]
    top_rules: tuple[RuleStats, ...]
    distinct_rules: int
    approvals: ApprovalStats
    latency_us: Percentiles
    shadow_hits: int
    top_shadow: tuple[ShadowStats, ...]
    with_unknowns: int


def percentiles(values: Sequence[float]) -> Percentiles:
    """p50/p90/p99/max by nearest rank: each is a value that really occurred."""
    if not values:
        return Percentiles(count=0)
    ordered = sorted(values)

    def rank(p: float) -> float:
        return ordered[max(math.ceil(p / 100 * len(ordered)) - 1, 0)]

    return Percentiles(count=len(ordered), p50=rank(50), p90=rank(90), p99=rank(99), max=ordered[-1])


class _Tally:
    """The running counts of one pass over the records."""

    def __init__(self) -> None:
        self.decisions = 0
        self.first: str | None = None
        self.last: str | None = None
        self.sessions: set[str] = set()
        self.effects: Counter[str] = Counter()
        self.rules: dict[str, Counter[str]] = {}
        self.shadow: Counter[tuple[str, str]] = Counter()
        self.outcomes: Counter[str] = Counter()
        self.allowed = 0
        self.scopes: dict[str, Counter[str]] = {o: Counter() for o in APPROVAL_OUTCOMES}
        self.latency = array("d")
        self.waits = array("d")
        self.with_unknowns = 0

    def add(self, record: DecisionRecord) -> None:
        self.decisions += 1
        self.first = record.time if self.first is None else min(self.first, record.time)
        self.last = record.time if self.last is None else max(self.last, record.time)
        if record.session_id is not None:
            self.sessions.add(record.session_id)
        self.effects[record.effect] += 1
        for rule in dict.fromkeys(record.rules):
            self.rules.setdefault(rule, Counter())[record.effect] += 1
        self.shadow.update((hit.rule, hit.effect) for hit in record.shadow)
        self.latency.append(record.latency_us)
        self.with_unknowns += bool(record.unknowns)
        if record.approval is not None:
            self.outcomes[record.approval.outcome] += 1
            self.allowed += record.approval.allowed is True
            self.scopes[record.approval.outcome][record.approval.scope or "none"] += 1
            if record.approval.wait_ms is not None:
                self.waits.append(record.approval.wait_ms)


def summarize(
    records: Iterable[DecisionRecord], *, files: Sequence[str] = (), malformed: int = 0, top: int = 10
) -> Summary:
    """Aggregate ``records``; ``files`` and ``malformed`` are carried into the report as given."""
    tally = _Tally()
    for record in records:
        tally.add(record)
    return _finish(tally, files=files, malformed=malformed, top=top)


def _finish(tally: _Tally, *, files: Sequence[str], malformed: int, top: int) -> Summary:
    by_hits = sorted(tally.rules.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    shadow = sorted(tally.shadow.items(), key=lambda item: (-item[1], item[0]))
    return Summary(
        files=tuple(files),
        decisions=tally.decisions,
        malformed=malformed,
        first=tally.first,
        last=tally.last,
        sessions=len(tally.sessions),
        effects={e: tally.effects[e] for e in EFFECTS},
        top_rules=tuple(RuleStats(rule=r, hits=sum(c.values()), effects=_ordered(c)) for r, c in by_hits[:top]),
        distinct_rules=len(tally.rules),
        approvals=ApprovalStats(
            total=sum(tally.outcomes.values()),
            allowed=tally.allowed,
            outcomes={o: tally.outcomes[o] for o in APPROVAL_OUTCOMES},
            scopes={o: {s: tally.scopes[o][s] for s in (*APPROVAL_SCOPES, "none")} for o in APPROVAL_OUTCOMES},
            wait_ms=percentiles(tally.waits),
        ),
        latency_us=percentiles(tally.latency),
        shadow_hits=sum(tally.shadow.values()),
        top_shadow=tuple(ShadowStats(rule=r, effect=e, hits=n) for (r, e), n in shadow[:top]),
        with_unknowns=tally.with_unknowns,
    )


def _ordered(counts: Counter[str]) -> dict[str, int]:
    """Effect counts, strictest effect first, zeros left out."""
    return {e: counts[e] for e in EFFECTS if counts[e]}
