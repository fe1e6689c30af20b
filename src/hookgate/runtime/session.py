"""Drive a session's events through a mounted hook stack, as a host would, and say what happened.

For each event: ``hooks.emit`` (every mounted hook, in priority order),
then, for an ``ask_user`` the hooks left to the host, the coordinator's
approval system (``process_hook_result``). The :class:`Step` keeps the
final result, the policy decisions behind it (from a
:class:`~hookgate.runtime.tap.DecisionTap`) and the fields a ``modify``
rewrote, so a report can name the rule and the reason for every outcome.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from hookgate.kernel import HookResult
from hookgate.kernel.events import canonical_name
from hookgate.runtime.tap import DecisionTap, Tapped

__all__ = ["OUTCOMES", "SessionEvent", "Step", "changed_fields", "drive", "emit_step"]

#: outcomes a step can have, strictest first
OUTCOMES = ("deny", "ask_user", "modify", "inject_context", "continue")
_VOLATILE = frozenset({"timestamp"})


@dataclass(frozen=True, slots=True)
class SessionEvent:
    """One event to emit; ``line`` is where it came from (a JSONL line), if anywhere."""

    event: str
    data: dict[str, Any]
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Step:
    """What the stack did with one event."""

    source: SessionEvent
    result: HookResult
    final: HookResult
    decisions: tuple[Tapped, ...] = ()
    changed: tuple[str, ...] = ()

    @property
    def event(self) -> str:
        return self.source.event

    @property
    def tool(self) -> str | None:
        tool = self.source.data.get("tool_name", self.source.data.get("name"))
        return tool if isinstance(tool, str) else None

    @property
    def asked(self) -> bool:
        """An approval was asked (by a policy hook's broker or by the host)."""
        return self.result.action == "ask_user" or any(t.decision.effect == "ask_user" for t in self.decisions)

    @property
    def outcome(self) -> str:
        """``deny``, ``ask_user`` (see :attr:`granted`), ``modify``, ``inject_context`` or ``continue``."""
        if self.asked:
            return "ask_user"
        if self.final.action == "deny":
            return "deny"
        if self.final.action == "inject_context":
            return "inject_context"
        return "modify" if self.changed else "continue"

    @property
    def granted(self) -> bool | None:
        """For an ask: whether it was granted (None when nothing was asked)."""
        return self.final.action != "deny" if self.asked else None

    @property
    def rules(self) -> tuple[str, ...]:
        return tuple(
            dict.fromkeys(r for t in self.decisions if t.decision.effect != "continue" for r in t.decision.rules)
        )

    @property
    def reason(self) -> str | None:
        if self.final.reason:
            return self.final.reason
        return next((t.decision.reason for t in self.decisions if t.decision.reason), None)


async def drive(
    coordinator: Any, events: Iterable[SessionEvent], *, tap: DecisionTap | None = None
) -> AsyncIterator[Step]:
    """Emit each event in turn and yield its :class:`Step` (so a caller can show it before the next)."""
    for source in events:
        yield await emit_step(coordinator, source, tap=tap)


async def emit_step(coordinator: Any, source: SessionEvent, *, tap: DecisionTap | None = None) -> Step:
    """Emit one event (aliases such as ``BEFORE_TOOL`` resolved) and resolve a host-side ask."""
    source = SessionEvent(canonical_name(source.event), source.data, source.line)
    if tap is not None:
        tap.drain()
    result = await coordinator.hooks.emit(source.event, dict(source.data))
    final = result
    if result.action == "ask_user":
        final = await coordinator.process_hook_result(result, source.event, "hookgate")
    decisions = tuple(tap.drain()) if tap is not None else ()
    changed = changed_fields(source.data, result.data) if result.action == "continue" else ()
    return Step(source, result, final, decisions, changed)


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any] | None, prefix: str = "") -> tuple[str, ...]:
    """Dotted paths whose values differ (``messages[0].content``); the registry's timestamp is ignored."""
    if after is None:
        return ()
    out: list[str] = []
    for key in sorted(set(before) | set(after), key=str):
        if not prefix and key in _VOLATILE:
            continue
        out += _diff(before.get(key), after.get(key), f"{prefix}.{key}" if prefix else str(key))
    return tuple(out)


def _diff(a: Any, b: Any, path: str) -> list[str]:
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return list(changed_fields(a, b, path))
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [p for i, (x, y) in enumerate(zip(a, b, strict=True)) for p in _diff(x, y, f"{path}[{i}]")]
    return [] if a == b else [path]
