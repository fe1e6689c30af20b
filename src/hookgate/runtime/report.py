"""Reports of a driven session: aligned text for people, JSON for machines.

Shared by ``hookgate run`` and ``hookgate demo``. Colour is applied only by
a :class:`Style` that was told the output is a terminal and ``NO_COLOR``
is unset, so piped output and logs stay plain.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

from hookgate.diagnostics import Diagnostic
from hookgate.runtime.attach import MountedHook
from hookgate.runtime.session import OUTCOMES, Step

__all__ = ["Style", "hooks_table", "outcome_label", "render_run", "run_dict", "step_dict"]

_CODES = {"deny": "31", "ask_user": "33", "modify": "36", "inject_context": "35", "continue": "32", "dim": "2",
          "bold": "1", "granted": "32", "denied": "31"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Style:
    """ANSI colour on or off."""

    color: bool = False

    @classmethod
    def for_stream(cls, stream: IO[str]) -> Style:
        """Colour only on a terminal, and never when ``NO_COLOR`` is set (https://no-color.org)."""
        try:
            tty = stream.isatty()
        except (AttributeError, ValueError):
            tty = False
        return cls(color=tty and not os.environ.get("NO_COLOR"))

    def __call__(self, text: str, kind: str) -> str:
        code = _CODES.get(kind)
        return f"\x1b[{code}m{text}\x1b[0m" if self.color and code else text


def outcome_label(step: Step) -> str:
    """``deny``, ``ask_user -> granted``, ``modify``, …"""
    if step.granted is None:
        return step.outcome
    return f"ask_user -> {'granted' if step.granted else 'denied'}"


def hooks_table(hooks: Sequence[MountedHook], style: Style, indent: str = "  ") -> list[str]:
    """One line per mounted module: its id, where it came from, what it registered."""
    width = max((len(h.key) for h in hooks), default=0)
    lines = []
    for hook in hooks:
        events = ", ".join(f"{event} ({priority})" for event, _, priority in hook.registered) or "nothing registered"
        lines.append(f"{indent}{hook.key.ljust(width)}  {style(hook.origin, 'dim')}  {events}")
    return lines


def render_run(
    file: str, hooks: Sequence[MountedHook], steps: Sequence[Step], problems: Sequence[Diagnostic], style: Style
) -> str:
    """The ``hookgate run`` text report: mounted hooks, one line per event, problems, counts."""
    lines = [style(f"plan {file}", "bold"), *hooks_table(hooks, style), ""]
    event_w = max((len(s.event) for s in steps), default=5)
    tool_w = max((len(s.tool or "-") for s in steps), default=4)
    for step in steps:
        label = outcome_label(step)
        line = step.source.line if step.source.line is not None else "-"
        head = f"{line!s:>5}  {step.event.ljust(event_w)}  {(step.tool or '-').ljust(tool_w)}  "
        lines.append((head + style(label.ljust(22), step.outcome) + _detail(step)).rstrip())
    lines += [p.render() for p in problems]
    counts = _counts(steps)
    summary = ", ".join(f"{n} {name}" for name, n in counts.items() if n)
    lines += ["", f"{len(steps)} event(s): {summary or 'none'}"]
    return "\n".join(lines) + "\n"


def _detail(step: Step) -> str:
    parts = []
    reason = step.reason if step.outcome in ("deny", "ask_user") else None
    if step.rules and not (reason and all(f"`{rule}`" in reason for rule in step.rules)):
        parts.append(", ".join(step.rules))  # a deny's reason already names its rule
    if reason:
        parts.append(reason)
    elif step.outcome == "modify":
        parts.append("rewrote " + ", ".join(step.changed))
    elif step.outcome == "inject_context" and step.final.context_injection:
        parts.append(repr(_short(step.final.context_injection)))
    return "  ".join(parts)


def _short(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _counts(steps: Sequence[Step]) -> dict[str, int]:
    counts = dict.fromkeys(OUTCOMES, 0)
    for step in steps:
        counts[step.outcome] += 1
    return counts


def step_dict(step: Step) -> dict[str, Any]:
    """One step as JSON: event, tool, outcome, approval, rules, reason, rewritten fields, injection."""
    return {
        "line": step.source.line,
        "event": step.event,
        "tool": step.tool,
        "outcome": step.outcome,
        "granted": step.granted,
        "action": step.final.action,
        "rules": list(step.rules),
        "reason": step.reason,
        "changed": list(step.changed),
        "context_injection": step.final.context_injection,
    }


def run_dict(
    file: str, hooks: Sequence[MountedHook], steps: Sequence[Step], problems: Sequence[Diagnostic]
) -> dict[str, Any]:
    """The whole ``hookgate run --format json`` report."""
    return {
        "plan": file,
        "hooks": [{"module": h.module, "key": h.key, "origin": h.origin,
                   "registered": [{"event": e, "name": n, "priority": p} for e, n, p in h.registered]}
                  for h in hooks],
        "events": len(steps),
        "counts": _counts(steps),
        "steps": [step_dict(s) for s in steps],
        "problems": [{"code": p.code, "message": p.message, "location": str(p.location) if p.location else None}
                     for p in problems],
    }  # fmt: skip
