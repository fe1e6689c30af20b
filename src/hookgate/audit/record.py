"""The decision-log record: one JSON object per line, one line per decision.

The record is the log's contract with everything that reads it later (the
``log summary`` command, a SIEM, ``jq``), so it is a frozen, closed model with
a version field and a committed JSON Schema (``schemas/``). Free-text fields
(``reason``, ``input``, the approval message) are masked for secrets by the
writer before they reach the disk, never by the reader.

Decision ids are ULIDs (26 Crockford base32 characters: 48-bit millisecond
time, 80 random bits) so that ids sort in time order across processes and a
``sort | uniq`` over merged logs works without parsing the ``time`` field.
"""

from __future__ import annotations

import os
import time as _time
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "APPROVAL_OUTCOMES",
    "APPROVAL_SCOPES",
    "EFFECTS",
    "ApprovalOutcome",
    "ApprovalRecord",
    "ApprovalScope",
    "DecisionRecord",
    "Effect",
    "ShadowHit",
    "new_decision_id",
    "utc_timestamp",
]

Effect = Literal["deny", "ask_user", "modify", "inject_context", "allow", "continue"]
ApprovalOutcome = Literal["granted", "denied", "timeout", "cancelled", "error"]
ApprovalScope = Literal["once", "session", "persistent"]

#: decision effects, strictest first (the order reports list them in)
EFFECTS: tuple[Effect, ...] = ("deny", "ask_user", "modify", "inject_context", "allow", "continue")
APPROVAL_OUTCOMES: tuple[ApprovalOutcome, ...] = ("granted", "denied", "timeout", "cancelled", "error")
APPROVAL_SCOPES: tuple[ApprovalScope, ...] = ("once", "session", "persistent")

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ULID_PATTERN = r"^[0-9A-HJKMNP-TV-Z]{26}$"
TIME_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"

NonEmpty = Annotated[str, Field(min_length=1)]


def new_decision_id(*, now_ms: int | None = None) -> str:
    """A ULID: time-sortable across processes, unique without coordination."""
    ms = int(_time.time() * 1000) if now_ms is None else now_ms
    value = (ms & ((1 << 48) - 1)) << 80 | int.from_bytes(os.urandom(10), "big")
    return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


def utc_timestamp(moment: datetime | None = None) -> str:
    """RFC 3339 UTC with milliseconds and a ``Z`` (``2024-01-15T10:30:00.123Z``)."""
    moment = datetime.now(UTC) if moment is None else moment.astimezone(UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class _Record(BaseModel):
    # the writer emits every field, so the published (serialization) schema requires every field
    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_serialization_defaults_required=True)


class ShadowHit(_Record):
    """An audit-only rule that matched: what it *would* have done."""

    rule: NonEmpty
    effect: Effect


class ApprovalRecord(_Record):
    """How an ``ask_user`` decision was resolved by the approval broker."""

    request_id: NonEmpty
    outcome: ApprovalOutcome
    #: whether the action went ahead (a timeout whose default is ``allow`` allows)
    allowed: bool | None = None
    scope: ApprovalScope | None = None
    approver: str | None = None
    message: str | None = None
    #: the remembered grant that answered without asking, if any
    grant_id: str | None = None
    wait_ms: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None


class DecisionRecord(_Record):
    """One policy decision, as written to the decision log (format version 1)."""

    v: Literal[1] = 1
    decision_id: Annotated[str, Field(pattern=ULID_PATTERN)] = Field(default_factory=new_decision_id)
    time: Annotated[str, Field(pattern=TIME_PATTERN)] = Field(default_factory=utc_timestamp)
    session_id: str | None = None
    event: NonEmpty
    tool: str | None = None
    effect: Effect
    rules: tuple[NonEmpty, ...] = ()
    reason: str | None = None
    shadow: tuple[ShadowHit, ...] = ()
    unknowns: tuple[str, ...] = ()
    approval: ApprovalRecord | None = None
    latency_us: Annotated[float, Field(ge=0, allow_inf_nan=False)]
    policy: tuple[str, ...] = ()
    host: str | None = None
    pid: Annotated[int, Field(ge=0)] | None = None
    input: dict[str, Any] | None = None

    @property
    def timestamp(self) -> datetime:
        """``time`` as an aware UTC datetime."""
        return datetime.fromisoformat(self.time.replace("Z", "+00:00"))
