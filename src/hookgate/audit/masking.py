"""Keep secrets out of the decision log, and keep logged excerpts small.

Every string of a record is masked with the policy engine's secret
detectors just before it is written, except the few fields whose format the
model fixes (ids, time, effect, outcome, scope) and which cannot carry user
text. Excerpts of event data are pruned (depth, item count) first, masked
second and truncated last: truncating before masking could cut a PEM block
or a token in half and hide it from its detector while keeping a prefix.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from hookgate.audit.record import DecisionRecord
from hookgate.policy.match.secrets import mask_secrets_in

__all__ = [
    "EXCERPT_MAX_DEPTH",
    "EXCERPT_MAX_ITEMS",
    "EXCERPT_MAX_STRING",
    "SCRUBBED",
    "excerpt",
    "mask_record_dict",
    "scrub_record_dict",
]

EXCERPT_MAX_DEPTH = 4
EXCERPT_MAX_ITEMS = 20
EXCERPT_MAX_STRING = 200
#: what a free-text field becomes when masking itself failed (never write it unmasked)
SCRUBBED = "[REDACTED:mask-failed]"

# fields whose values are fixed formats or literals: nothing of the user's can hide there
_STRUCTURAL = frozenset({"v", "decision_id", "time", "effect", "latency_us", "pid"})
_FREE_TEXT = ("session_id", "tool", "reason", "host")


def mask_record_dict(record: DecisionRecord) -> dict[str, Any]:
    """The record as JSON data with secrets masked in every free-form string."""
    data = record.model_dump(mode="json")
    masked: dict[str, Any] = mask_secrets_in({k: v for k, v in data.items() if k not in _STRUCTURAL})
    return {k: (data[k] if k in _STRUCTURAL else masked[k]) for k in data}


def scrub_record_dict(record: DecisionRecord) -> dict[str, Any]:
    """Fallback when masking failed: drop all free text, keep the audit facts."""
    data = record.model_dump(mode="json", exclude={"input"})  # the input may be what broke masking
    data["input"] = None if record.input is None else {"scrubbed": SCRUBBED}
    for key in _FREE_TEXT:
        if data[key] is not None:
            data[key] = SCRUBBED
    data["unknowns"] = [SCRUBBED for _ in data["unknowns"]]
    if data["approval"] is not None:
        data["approval"] |= {
            k: SCRUBBED for k in ("approver", "message", "grant_id") if data["approval"][k] is not None
        }
    return {key: data[key] for key in DecisionRecord.model_fields}  # model order, as in every other line


def excerpt(data: Mapping[str, Any]) -> dict[str, Any]:
    """A bounded, masked, JSON-safe copy of event data for the record's ``input``."""
    pruned = _prune(dict(data), 0)
    masked = mask_secrets_in(pruned)
    result: dict[str, Any] = _truncate(masked)
    return result


def _prune(value: Any, depth: int) -> Any:
    """Limit depth and item counts and make every leaf JSON-safe (no truncation yet)."""
    if isinstance(value, Mapping):
        if depth >= EXCERPT_MAX_DEPTH:
            return f"{{…{len(value)} keys}}"
        items = list(value.items())
        out = {str(k): _prune(v, depth + 1) for k, v in items[:EXCERPT_MAX_ITEMS]}
        if len(items) > EXCERPT_MAX_ITEMS:
            out["…"] = f"+{len(items) - EXCERPT_MAX_ITEMS} keys"
        return out
    if isinstance(value, list | tuple):
        if depth >= EXCERPT_MAX_DEPTH:
            return f"[…{len(value)} items]"
        head = [_prune(v, depth + 1) for v in value[:EXCERPT_MAX_ITEMS]]
        return head + ([f"…+{len(value) - EXCERPT_MAX_ITEMS} items"] if len(value) > EXCERPT_MAX_ITEMS else [])
    if value is None or isinstance(value, bool | int | str) or (isinstance(value, float) and math.isfinite(value)):
        return value
    return repr(value)


def _truncate(value: Any) -> Any:
    if isinstance(value, str) and len(value) > EXCERPT_MAX_STRING:
        return f"{value[:EXCERPT_MAX_STRING]}…[+{len(value) - EXCERPT_MAX_STRING} chars]"
    if isinstance(value, dict):
        return {k: _truncate(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_truncate(v) for v in value]
    return value
