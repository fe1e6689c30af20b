"""The Decision: what the policy engine concluded about one event, and why.

A Decision is plain, frozen data so it can be logged, compared in tests and
turned into a host's ``HookResult`` without the engine knowing the host.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "CONTINUE",
    "EFFECT_RANK",
    "ApprovalAsk",
    "Decision",
    "Effect",
    "Injection",
    "ShadowHit",
    "TraceEntry",
]

Effect = Literal["deny", "ask_user", "modify", "inject_context", "allow", "continue"]

#: how strict each effect is; the strictest matching effect wins
EFFECT_RANK: dict[str, int] = {"deny": 4, "ask_user": 3, "modify": 2, "inject_context": 2, "allow": 1, "continue": 0}


@dataclass(frozen=True, slots=True)
class ApprovalAsk:
    """A question for a human (``prompt`` is already filled in from the event)."""

    prompt: str
    options: tuple[str, ...]
    timeout: float
    default: Literal["allow", "deny"]
    rule_id: str
    reason: str | None = None
    risk: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"prompt": self.prompt, "options": list(self.options), "timeout": self.timeout,
                "default": self.default, "rule_id": self.rule_id, "reason": self.reason, "risk": self.risk}


@dataclass(frozen=True, slots=True)
class Injection:
    """Text an ``inject`` rule adds to the agent's context."""

    text: str
    role: str
    ephemeral: bool
    rule_id: str

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "role": self.role, "ephemeral": self.ephemeral, "rule_id": self.rule_id}


@dataclass(frozen=True, slots=True)
class ShadowHit:
    """An audit-only rule that matched, and the effect it would have had."""

    rule_id: str
    effect: Effect

    def to_dict(self) -> dict[str, Any]:
        return {"rule_id": self.rule_id, "effect": self.effect}


@dataclass(frozen=True, slots=True)
class TraceEntry:
    """One rule considered for an event: did it match, what it did, and why."""

    rule_id: str
    matched: bool
    outcome: str
    why: str

    def to_dict(self) -> dict[str, Any]:
        return {"rule_id": self.rule_id, "matched": self.matched, "outcome": self.outcome, "why": self.why}


@dataclass(frozen=True, slots=True)
class Decision:
    """The combined outcome of every rule that applied to one event.

    ``rules`` lists the acting rules that matched, strictest effect first.
    ``data`` is the rewritten event data whenever a modify rule matched, even
    when a deny or ask wins, so a host can apply it after an approval.
    """

    effect: Effect
    rules: tuple[str, ...] = ()
    reason: str | None = None
    user_message: str | None = None
    data: dict[str, Any] | None = None
    approval: ApprovalAsk | None = None
    injections: tuple[Injection, ...] = ()
    shadow: tuple[ShadowHit, ...] = ()
    unknowns: tuple[str, ...] = ()
    trace: tuple[TraceEntry, ...] | None = None

    @property
    def blocks(self) -> bool:
        """True when the action must not proceed as is (deny, or an ask still to resolve)."""
        return self.effect in ("deny", "ask_user")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (decision logs, the CLI, conformance tests)."""
        return {
            "effect": self.effect,
            "rules": list(self.rules),
            "reason": self.reason,
            "user_message": self.user_message,
            "data": self.data,
            "approval": self.approval.to_dict() if self.approval else None,
            "injections": [i.to_dict() for i in self.injections],
            "shadow": [s.to_dict() for s in self.shadow],
            "unknowns": list(self.unknowns),
            "trace": [t.to_dict() for t in self.trace] if self.trace is not None else None,
        }


#: the shared "nothing applies" decision (returned without allocating)
CONTINUE = Decision("continue")
