"""Turn the policy engine's ``Decision`` (and the broker's answer) into a record.

The engine and the broker are typed here by small protocols rather than
imported, so the audit package sits at the end of the pipeline without
depending on import order, and a test can pass any object of the right shape.
Effect names are accepted both in the decision vocabulary (``ask_user``,
``inject_context``) and in the policy-file vocabulary (``ask``, ``inject``),
because shadow hits report a rule's own effect.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from hookgate.audit.masking import excerpt
from hookgate.audit.record import ApprovalRecord, DecisionRecord, ShadowHit

__all__ = ["ApprovalLike", "DecisionLike", "record_from_decision"]

_EFFECT_ALIASES = {"ask": "ask_user", "inject": "inject_context"}


class DecisionLike(Protocol):
    """What the decision log reads from ``hookgate.policy.decision.Decision``."""

    @property
    def effect(self) -> Any: ...
    @property
    def rules(self) -> Sequence[str]: ...
    @property
    def reason(self) -> str | None: ...
    @property
    def shadow(self) -> Sequence[Any]: ...
    @property
    def unknowns(self) -> Sequence[Any]: ...


class ApprovalLike(Protocol):
    """What the decision log reads from the approval broker's response."""

    @property
    def request_id(self) -> str: ...
    @property
    def outcome(self) -> Any: ...
    @property
    def scope(self) -> Any: ...
    @property
    def approver(self) -> str | None: ...
    @property
    def message(self) -> str | None: ...


def record_from_decision(
    *,
    event: str,
    data: Mapping[str, Any],
    decision: DecisionLike,
    latency_ns: int,
    session_id: str | None = None,
    approval: ApprovalLike | None = None,
    host: str | None = None,
    policy: Sequence[str] = (),
    include_input: bool = False,
) -> DecisionRecord:
    """Build the record for one decision; ``include_input`` adds a masked, truncated excerpt of ``data``.

    Raises ``pydantic.ValidationError`` for a decision the record cannot represent;
    :meth:`DecisionLog.record` catches it so the caller's decision path never sees it.
    """
    return DecisionRecord(
        session_id=session_id if session_id is not None else _opt_str(data.get("session_id")),
        event=event,
        tool=_opt_str(data.get("tool_name", data.get("name"))),
        effect=_effect(decision.effect),
        rules=tuple(str(r) for r in decision.rules),
        reason=_opt_str(decision.reason),
        shadow=tuple(_shadow_hit(hit) for hit in decision.shadow),
        unknowns=tuple(str(u) for u in decision.unknowns),
        approval=None if approval is None else _approval(approval),
        latency_us=round(max(latency_ns, 0) / 1000, 1),
        policy=tuple(policy),
        host=host,
        pid=os.getpid(),
        input=excerpt(data) if include_input else None,
    )


def _value(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


def _opt_str(value: Any) -> str | None:
    value = _value(value)
    return None if value is None else str(value)


def _effect(value: Any) -> Any:
    value = _value(value)
    return _EFFECT_ALIASES.get(value, value) if isinstance(value, str) else value


def _shadow_hit(hit: Any) -> ShadowHit:
    """A shadow hit given as an object (``rule``/``rule_id``/``id`` + ``effect``) or a pair."""
    if isinstance(hit, tuple | list) and len(hit) == 2:
        rule, effect = hit
    else:
        rule = next((getattr(hit, a) for a in ("rule", "rule_id", "id") if hasattr(hit, a)), None)
        effect = getattr(hit, "effect", None)
    return ShadowHit(rule=_opt_str(rule) or "", effect=_effect(effect))


def _approval(approval: ApprovalLike) -> ApprovalRecord:
    """The broker's response; ``allowed``, ``grant_id`` and ``wait_ms`` are read when present."""
    allowed, wait_ms = getattr(approval, "allowed", None), getattr(approval, "wait_ms", None)
    return ApprovalRecord(
        request_id=str(approval.request_id),
        outcome=_value(approval.outcome),
        allowed=allowed if isinstance(allowed, bool) else None,
        scope=_value(approval.scope),
        approver=_opt_str(approval.approver),
        message=_opt_str(approval.message),
        grant_id=_opt_str(getattr(approval, "grant_id", None)),
        wait_ms=wait_ms if isinstance(wait_ms, int | float) and not isinstance(wait_ms, bool) else None,
    )
