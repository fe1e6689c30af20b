"""Replay a recorded session (the logging hook's JSONL) through policies, offline.

Each line of the log is ``{"ts": "...", "event": "tool:pre", "data": {...}}``
(the shape amplifier's ``hooks-logging`` writes). Every event is evaluated
as the policy hook would have seen it, and the report says what would have
been denied, asked, rewritten, injected or allowed, with the line it came
from. Nothing is executed and nobody is asked: replay only predicts.

A line that cannot be read is reported as a diagnostic at ``file:line:col``
and skipped, never silently dropped. Event aliases (``BEFORE_TOOL``) are
resolved to canonical names, as the policy compiler does.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from hookgate.diagnostics import Diagnostic, HookgateError, Location
from hookgate.kernel.events import canonical_name
from hookgate.policy.decision import EFFECT_RANK, Decision

__all__ = ["LoggedEvent", "ReplayEntry", "ReplayReport", "read_session", "render_text", "replay_file"]

#: effects, strictest first (the order reports list them in)
EFFECT_ORDER: tuple[str, ...] = tuple(sorted(EFFECT_RANK, key=lambda e: (-EFFECT_RANK[e], e)))


class _Evaluates(Protocol):
    def evaluate(self, event: str, data: Mapping[str, Any]) -> Decision: ...


@dataclass(frozen=True, slots=True)
class LoggedEvent:
    """One readable line of the session log."""

    line: int
    event: str
    data: dict[str, Any]
    ts: str | None = None


@dataclass(frozen=True, slots=True)
class ReplayEntry:
    """An event whose decision was not a plain ``continue`` (or that hit audit-only rules)."""

    line: int
    event: str
    tool: str | None
    decision: Decision
    ts: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d = self.decision
        return {"line": self.line, "ts": self.ts, "event": self.event, "tool": self.tool, "effect": d.effect,
                "rules": list(d.rules), "reason": d.reason, "data": d.data,
                "shadow": [s.to_dict() for s in d.shadow]}


@dataclass(frozen=True, slots=True)
class ReplayReport:
    """Counts by effect, one entry per non-continue decision, and the lines that could not be read."""

    source: str
    events: int
    counts: dict[str, int]
    entries: tuple[ReplayEntry, ...]
    problems: tuple[Diagnostic, ...] = field(default=())

    @property
    def findings(self) -> bool:
        """True when something would have been gated, or a line could not be read."""
        return bool(self.problems) or any(self.counts.get(e, 0) for e in EFFECT_ORDER if e != "continue")

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "events": self.events, "counts": self.counts,
                "decisions": [e.to_dict() for e in self.entries],
                "problems": [_problem_dict(p) for p in self.problems]}


def read_session(path: str | os.PathLike[str]) -> Iterator[LoggedEvent | Diagnostic]:
    """The log's events in order, with a :class:`Diagnostic` in place of each unreadable line."""
    name = str(path)
    try:
        with Path(path).open(encoding="utf-8", errors="surrogateescape") as handle:
            for number, text in enumerate(handle, start=1):
                if text.strip():
                    yield _parse_line(text, name, number)
    except OSError as exc:
        raise HookgateError(f"cannot read session log `{name}`: {exc.strerror or exc}") from None


def _parse_line(text: str, file: str, number: int) -> LoggedEvent | Diagnostic:
    try:
        record = json.loads(text)
    except ValueError as exc:
        column = getattr(exc, "colno", 1)
        return Diagnostic("replay.bad_json", f"line is not valid json: {getattr(exc, 'msg', exc)}".lower(),
                          Location(file, number, column))
    where = Location(file, number, 1)
    if not isinstance(record, dict):
        return Diagnostic("replay.not_an_object", "line is not a json object", where)
    event, data, ts = record.get("event"), record.get("data", {}), record.get("ts")
    if not isinstance(event, str) or not event:
        return Diagnostic("replay.missing_event", "line has no `event` name", where,
                          help='each line looks like {"ts": "...", "event": "tool:pre", "data": {...}}')
    if not isinstance(data, dict):
        return Diagnostic("replay.bad_data", f"`data` of event `{event}` is not a json object", where)
    return LoggedEvent(number, canonical_name(event), data, ts if isinstance(ts, str) else None)


def replay_file(plan: _Evaluates, path: str | os.PathLike[str]) -> ReplayReport:
    """Evaluate every event of the log at ``path`` against ``plan``."""
    counts = dict.fromkeys(EFFECT_ORDER, 0)
    entries: list[ReplayEntry] = []
    problems: list[Diagnostic] = []
    events = 0
    for item in read_session(path):
        if isinstance(item, Diagnostic):
            problems.append(item)
            continue
        events += 1
        decision = plan.evaluate(item.event, item.data)
        counts[decision.effect] = counts.get(decision.effect, 0) + 1
        if decision.effect != "continue" or decision.shadow:
            entries.append(ReplayEntry(item.line, item.event, _tool(item.data), decision, item.ts))
    return ReplayReport(str(path), events, counts, tuple(entries), tuple(problems))


def _tool(data: Mapping[str, Any]) -> str | None:
    tool = data.get("tool_name", data.get("name"))
    return tool if isinstance(tool, str) else None


# -- text rendering ---------------------------------------------------------------------------------


def render_text(report: ReplayReport) -> str:
    """``file:line: effect event tool [rules] reason`` lines, then the counts."""
    lines = [_entry_line(report.source, e) for e in report.entries]
    lines += [p.render() for p in report.problems]
    shown = ", ".join(f"{report.counts[e]} {e}" for e in EFFECT_ORDER if report.counts.get(e))
    skipped = f", {len(report.problems)} unreadable line(s) skipped" if report.problems else ""
    lines.append(f"{report.events} event(s) replayed: {shown or 'none'}{skipped}")
    return "\n".join(lines)


def _entry_line(source: str, entry: ReplayEntry) -> str:
    d = entry.decision
    rules = ", ".join(d.rules) or "-"
    text = f"{source}:{entry.line}: {d.effect} {entry.event} {entry.tool or '-'} [{rules}]"
    reason = d.reason or _describe(d)
    if reason:
        text += f" {' '.join(reason.split())}"
    if d.shadow:
        text += " (audit-only: " + ", ".join(f"{s.rule_id} would {s.effect}" for s in d.shadow) + ")"
    return text


def _describe(decision: Decision) -> str | None:
    if decision.effect == "modify":
        return "would rewrite the event data"
    if decision.effect == "inject_context" and decision.injections:
        return f"would add context: {decision.injections[0].text}"
    return None


def _problem_dict(problem: Diagnostic) -> dict[str, Any]:
    loc = problem.location
    return {"code": problem.code, "message": problem.message, "file": loc.file if loc else None,
            "line": loc.line if loc else None, "column": loc.column if loc else None}
