"""The typed vocabulary of an approval: what is asked, what a channel answers, what was decided.

Separate from the broker so that channels, the decision log and hosts can
speak the same frozen models without importing the broker's machinery.
An :class:`ApprovalRequest` is only ever built for an ``ask_user`` decision:
deny decisions never reach the broker, so no grant can loosen a deny.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import cached_property
from typing import Any, Literal, Protocol

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from hookgate.approval.canonical import canonical_json, grant_hash

__all__ = [
    "ALL_SCOPES",
    "ApprovalRequest",
    "ApprovalResponse",
    "AskLike",
    "ChannelAnswer",
    "Default",
    "Grant",
    "GrantPattern",
    "Outcome",
    "Scope",
    "clamp_timeout",
    "request_from_ask",
]

Outcome = Literal["granted", "denied", "timeout", "cancelled", "error"]
Scope = Literal["once", "session", "persistent"]
Default = Literal["allow", "deny"]
ALL_SCOPES: tuple[Scope, ...] = ("once", "session", "persistent")
#: the longest wait a request may ask for (a day); every prompt must end
MAX_TIMEOUT = 86_400.0

_FROZEN = ConfigDict(frozen=True, extra="forbid")


def _new_id() -> str:
    return uuid.uuid4().hex


class GrantPattern(BaseModel):
    """A narrower grant than "these exact arguments": one argument field matching a glob.

    The glob is shown to the user before they accept it. ``*`` never matches
    shell metacharacters (``; & | < > $ ` ( ) { }``, backslash, newline) and a
    value with a ``..`` path segment never matches a wildcard, so
    ``git push origin *`` cannot cover ``git push origin x; rm -rf ~``.
    """

    model_config = _FROZEN

    tool: str = Field(min_length=1)
    field: str = Field(min_length=1, description="dotted path into the tool arguments, e.g. `command`")
    glob: str = Field(min_length=1)
    description: str | None = None

    def describe(self) -> str:
        what = f"`{self.tool}` with `{self.field}` matching `{self.glob}`"
        return f"{self.description} ({what})" if self.description else what


class ApprovalRequest(BaseModel):
    """One ``ask_user`` to resolve: the action, why it is asked, and how long to wait."""

    model_config = _FROZEN

    request_id: str = Field(default_factory=_new_id, min_length=1)
    tool: str = Field(min_length=1)
    arguments: dict[str, Any] = Field(default_factory=dict)
    rule_id: str | None = None
    reason: str | None = None
    risk: Literal["low", "medium", "high", "critical"] | None = None
    prompt: str | None = None
    timeout: float = Field(default=300.0, gt=0, le=MAX_TIMEOUT, allow_inf_nan=False)
    default: Default = "deny"
    scopes: tuple[Scope, ...] = Field(default=ALL_SCOPES, description="allow scopes that may be offered")
    patterns: tuple[GrantPattern, ...] = ()
    options: tuple[str, ...] = Field(default=(), description="the host's option strings (string protocol only)")

    @field_validator("scopes")
    @classmethod
    def _unique_scopes(cls, value: tuple[Scope, ...]) -> tuple[Scope, ...]:
        return tuple(dict.fromkeys(value))

    @model_validator(mode="after")
    def _canonical_arguments(self) -> ApprovalRequest:
        canonical_json({"tool": self.tool, "arguments": self.arguments})  # raises on non-JSON data
        for pattern in self.patterns:
            if pattern.tool != self.tool:
                raise ValueError(f"grant pattern for tool `{pattern.tool}` offered on a `{self.tool}` request")
        return self

    @cached_property
    def grant_hash(self) -> str:
        """SHA-256 of the canonical ``{tool, arguments}``: what an exact grant is bound to."""
        return grant_hash(self.tool, self.arguments)


class ChannelAnswer(BaseModel):
    """What a channel reports: the approver's choice, before the broker checks it."""

    model_config = _FROZEN

    decision: Default
    scope: Scope = "once"
    pattern: GrantPattern | None = None
    message: str | None = None
    approver: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ChannelAnswer:
        if self.decision == "deny" and (self.scope != "once" or self.pattern is not None):
            raise ValueError("a denial has no scope or pattern")
        if self.pattern is not None and self.scope == "once":
            raise ValueError("a pattern grant needs scope `session` or `persistent`")
        return self


class ApprovalResponse(BaseModel):
    """The broker's final word on one request; ``allowed`` is what the host acts on."""

    model_config = _FROZEN

    request_id: str
    outcome: Outcome
    allowed: bool
    scope: Scope | None = None
    approver: str | None = None
    message: str | None = None
    grant_id: str | None = None
    wait_ms: float = 0.0

    @model_validator(mode="after")
    def _fail_closed(self) -> ApprovalResponse:
        # only a grant, or a timeout whose explicit default was allow, may allow
        if self.allowed and self.outcome not in ("granted", "timeout"):
            raise ValueError(f"outcome `{self.outcome}` cannot allow")
        if self.outcome == "granted" and not self.allowed:
            raise ValueError("a granted outcome must allow")
        return self


class Grant(BaseModel):
    """One remembered approval: what it covers, for which rule, for how long."""

    model_config = _FROZEN

    id: str = Field(min_length=1)
    tool: str = Field(min_length=1)
    rule_id: str | None = None
    scope: Literal["session", "persistent"]
    args_hash: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    pattern: GrantPattern | None = None
    created_at: AwareDatetime
    expires_at: AwareDatetime | None = None
    approver: str | None = None
    summary: str | None = Field(default=None, description="masked description of what was approved")

    @model_validator(mode="after")
    def _exactly_one_binding(self) -> Grant:
        if (self.args_hash is None) == (self.pattern is None):
            raise ValueError("a grant is bound to exactly one of `args_hash` or `pattern`")
        if self.pattern is not None and self.pattern.tool != self.tool:
            raise ValueError("a grant's pattern must be for the grant's tool")
        return self

    def expired(self, now: datetime) -> bool:
        return self.expires_at is not None and now >= self.expires_at


class AskLike(Protocol):
    """The policy engine's ``ApprovalAsk`` (duck-typed so import order does not matter)."""

    @property
    def prompt(self) -> str: ...
    @property
    def timeout(self) -> float: ...
    @property
    def default(self) -> str: ...
    @property
    def rule_id(self) -> str | None: ...
    @property
    def reason(self) -> str | None: ...


def clamp_timeout(value: object) -> float:
    """A usable timeout from whatever a host passed: unusable or <= 0 means "time out at once"."""
    try:
        seconds = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return _IMMEDIATE
    if math.isnan(seconds) or seconds <= 0:
        return _IMMEDIATE
    return min(seconds, MAX_TIMEOUT)


_IMMEDIATE = 1e-3


def request_from_ask(
    ask: AskLike,
    *,
    tool: str,
    arguments: Mapping[str, Any],
    patterns: Sequence[GrantPattern] = (),
    scopes: Sequence[Scope] = ALL_SCOPES,
) -> ApprovalRequest:
    """Build a request from a policy Decision's ask; an unknown default becomes ``deny``."""
    default: Default = "allow" if ask.default == "allow" else "deny"
    risk = getattr(ask, "risk", None)
    return ApprovalRequest(
        tool=tool,
        arguments=dict(arguments),
        rule_id=ask.rule_id,
        reason=ask.reason,
        risk=risk if risk in ("low", "medium", "high", "critical") else None,
        prompt=ask.prompt,
        timeout=clamp_timeout(ask.timeout),
        default=default,
        patterns=tuple(patterns),
        scopes=tuple(scopes),
    )
