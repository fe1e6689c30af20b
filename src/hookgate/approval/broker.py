"""The approval broker: every ``ask_user`` ends in a recorded outcome, on time, failing closed.

It owns what a channel must not decide: the timeout (the request's default
applies and the outcome is ``timeout``, never a user's denial), the cap on
an ``allow`` default (``max_default``), cancellation (``cancelled``), broken
channels (``error`` → deny), remembered grants, sharing one prompt between
identical concurrent requests, the ``approval:*`` events and the outcome
callback the decision log hangs off.

Two entry points: the typed :meth:`ApprovalBroker.ask` and the amplifier
string protocol :meth:`ApprovalBroker.request_approval`. The latter keeps
amplifier's signature but **not** its timeout contract: the broker applies
the default itself (so it can record ``timeout``) and returns the option
string for the outcome instead of raising ``ApprovalTimeoutError``.

Only asks reach the broker — the policy hook resolves deny decisions
without it — so a grant can never override a deny rule.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, Protocol

from hookgate.approval.channels.base import ApprovalChannel, ChannelError, coerce_answer
from hookgate.approval.grants import GrantStore, pattern_matches
from hookgate.approval.models import (
    ApprovalRequest,
    ApprovalResponse,
    ChannelAnswer,
    Default,
    Grant,
    Outcome,
    Scope,
    clamp_timeout,
)
from hookgate.approval.render import mask_text, mask_value
from hookgate.approval.strings import DEFAULT_OPTIONS, answer_for, scopes_for_options

__all__ = ["ApprovalBroker", "HookEmitter", "OutcomeCallback"]

log = logging.getLogger("hookgate.approval")

OutcomeCallback = Callable[[ApprovalRequest, ApprovalResponse], None]
_DAY = 86_400.0


class HookEmitter(Protocol):
    """hookgate's ``HookRegistry`` or amplifier-core's hooks: anything with ``async emit``."""

    async def emit(self, event: str, data: dict[str, Any]) -> Any: ...


class _Expired(Exception):
    """The channel task reached the request's deadline."""


@dataclass(frozen=True, slots=True)
class _Answered:
    answer: ChannelAnswer
    grant: Grant | None
    note: str | None = None


@dataclass(eq=False, slots=True)
class _Flight:
    """One prompt on a channel, shared by every identical request that arrives while it is open."""

    key: str
    task: asyncio.Task[_Answered]
    waiters: int = 0
    cancel_reason: str | None = None


class ApprovalBroker:
    """Resolves approval requests through one channel; attach it as a host's approval system."""

    def __init__(
        self,
        channel: ApprovalChannel,
        *,
        grants: GrantStore | None = None,
        hooks: HookEmitter | None = None,
        on_outcome: OutcomeCallback | None = None,
        max_default: Default = "deny",
        session_grant_ttl: float | None = None,
        persistent_grant_ttl: float | None = 30 * _DAY,
        event_timeout: float = 5.0,
    ) -> None:
        self.channel = channel
        self.grants = grants if grants is not None else GrantStore()
        self._hooks = hooks
        self._on_outcome = on_outcome
        self._max_default = max_default
        if persistent_grant_ttl is None or not 0 < persistent_grant_ttl <= 366 * _DAY:
            raise ValueError("a persistent grant must expire within a year (the grants file refuses others)")
        self._ttl: dict[Scope, float | None] = {"session": session_grant_ttl, "persistent": persistent_grant_ttl}
        self._event_timeout = event_timeout
        self._flights: dict[str, _Flight] = {}
        self._pending: dict[str, ApprovalRequest] = {}
        for problem in self.grants.problems:
            log.warning("%s", problem.render())

    # -- public API ---------------------------------------------------------------------------------------

    async def ask(self, request: ApprovalRequest) -> ApprovalResponse:
        """Resolve one request. If the calling task is cancelled, the outcome is recorded and it re-raises."""
        started = time.monotonic()
        try:
            response = await self._resolve(request, started)
        except asyncio.CancelledError:
            await self._finish(request, self._respond(request, started, "cancelled", message="the agent cancelled"))
            raise
        except Exception as exc:  # a bug must still end in a recorded denial
            log.exception("approval broker failed on request %s", request.request_id)
            response = self._respond(request, started, "error", message=f"broker error: {type(exc).__name__}")
        await self._finish(request, response)
        return response

    async def request_approval(
        self, prompt: str, options: list[str], timeout: float, default: Literal["allow", "deny"]
    ) -> str:
        """amplifier's protocol. It carries a prompt, not the call: a grant for the session or for
        good would be bound to wording that many different calls share (a static "Run a destructive
        command?", two long commands with the same ends), so only "allow once" is offered here."""
        opts = tuple(str(o) for o in options) or DEFAULT_OPTIONS
        request = ApprovalRequest(
            tool="approval",
            arguments={"prompt": str(prompt)},
            prompt=str(prompt),
            timeout=clamp_timeout(timeout),
            default="allow" if default == "allow" else "deny",
            scopes=("once",) if "once" in scopes_for_options(opts) else scopes_for_options(opts)[:1],
            options=opts,
        )
        return answer_for(await self.ask(request), opts)

    def pending(self) -> tuple[ApprovalRequest, ...]:
        """Requests currently waiting for an approver (including ones sharing a prompt)."""
        return tuple(self._pending.values())

    def cancel_all(self, reason: str = "the agent was cancelled") -> int:
        """Resolve every open prompt as ``cancelled`` (callers get a response); returns how many were open."""
        for flight in list(self._flights.values()):
            flight.cancel_reason = reason
            flight.task.cancel()
        return len(self._pending)

    async def aclose(self) -> None:
        """Cancel open prompts and wait until their channels have cleaned up."""
        tasks = [f.task for f in self._flights.values()]
        self.cancel_all("the broker was closed")
        if tasks:
            await asyncio.wait(tasks, timeout=2.0)

    # -- resolution -------------------------------------------------------------------------------------

    async def _resolve(self, request: ApprovalRequest, started: float) -> ApprovalResponse:
        grant = self.grants.find(request)
        if grant is not None:
            return self._respond(request, started, "granted", scope=grant.scope, approver=f"grant:{grant.id}",
                                 grant_id=grant.id)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + request.timeout
        if self._hooks is not None:
            await self._emit("approval:required", self._required_data(request))
        flight = self._join(self._offered(request), deadline)
        self._pending[request.request_id] = request
        try:
            done, _ = await asyncio.wait({flight.task}, timeout=max(0.0, deadline - loop.time()))
        finally:
            self._pending.pop(request.request_id, None)
            await self._leave(flight)
        if not done:
            return self._timed_out(request, started)
        return self._settle(request, flight, started)

    def _offered(self, request: ApprovalRequest) -> ApprovalRequest:
        """The request as the channel sees it: scopes the store can keep, the default that will apply."""
        scopes = tuple(s for s in request.scopes if s in self.grants.scopes)
        return request.model_copy(update={"scopes": scopes, "default": self._effective_default(request)})

    def _effective_default(self, request: ApprovalRequest) -> Default:
        return "allow" if request.default == "allow" and self._max_default == "allow" else "deny"

    def _join(self, request: ApprovalRequest, deadline: float) -> _Flight:
        key = f"{request.grant_hash}\x00{request.rule_id}\x00{request.default}"
        flight = self._flights.get(key)
        if flight is None or flight.task.done():
            task = asyncio.ensure_future(self._prompt(request, deadline))
            flight = self._flights[key] = _Flight(key, task)
            task.add_done_callback(functools.partial(self._drop_done, flight))
        flight.waiters += 1
        return flight

    def _drop_done(self, flight: _Flight, task: asyncio.Task[_Answered]) -> None:
        if not task.cancelled():
            task.exception()  # mark retrieved: a waiter that timed out first never looks at it
        self._drop(flight)

    def _drop(self, flight: _Flight) -> None:
        if self._flights.get(flight.key) is flight:
            del self._flights[flight.key]

    async def _leave(self, flight: _Flight) -> None:
        flight.waiters -= 1
        if flight.waiters > 0 or flight.task.done():
            return
        self._drop(flight)
        if not flight.task.cancelling():  # its own deadline may be cancelling it already; never cancel twice
            flight.task.cancel()
        await asyncio.wait({flight.task}, timeout=1.0)  # let the channel restore its terminal

    async def _prompt(self, request: ApprovalRequest, deadline: float) -> _Answered:
        window = asyncio.timeout_at(deadline)
        try:
            async with window:
                raw = await self.channel.ask(request, deadline=deadline)
        except TimeoutError:
            if window.expired():
                raise _Expired from None
            raise
        answer = coerce_answer(raw, request, approver=getattr(self.channel, "name", None))
        self._check(answer, request)
        return self._remember(request, answer)

    @staticmethod
    def _check(answer: ChannelAnswer, request: ApprovalRequest) -> None:
        if answer.decision == "deny":
            return
        if answer.scope not in request.scopes:
            raise ChannelError(f"scope `{answer.scope}` was not offered for this request")
        if answer.pattern is not None and answer.pattern not in request.patterns:
            raise ChannelError(f"pattern {answer.pattern.describe()} was not offered for this request")
        if answer.pattern is not None and not pattern_matches(answer.pattern, request.tool, request.arguments):
            raise ChannelError(f"pattern {answer.pattern.describe()} does not cover this request")

    def _remember(self, request: ApprovalRequest, answer: ChannelAnswer) -> _Answered:
        if answer.decision == "deny" or answer.scope == "once":
            return _Answered(answer, None)
        now = datetime.now(UTC)
        ttl = self._ttl[answer.scope]
        grant = Grant(
            id=uuid.uuid4().hex, tool=request.tool, rule_id=request.rule_id, scope=answer.scope,
            args_hash=None if answer.pattern else request.grant_hash, pattern=answer.pattern,
            created_at=now, expires_at=None if ttl is None else now + timedelta(seconds=ttl),
            approver=answer.approver, summary=_summary(request, answer),
        )
        try:
            self.grants.add(grant)
        except (OSError, ValueError) as exc:
            log.warning("could not remember grant for request %s: %s", request.request_id, exc)
            return _Answered(answer.model_copy(update={"scope": "once"}), None, f"allowed once; not remembered: {exc}")
        return _Answered(answer, grant)

    # -- outcomes -----------------------------------------------------------------------------------------

    def _settle(self, request: ApprovalRequest, flight: _Flight, started: float) -> ApprovalResponse:
        task = flight.task
        if task.cancelled():
            return self._respond(request, started, "cancelled", message=flight.cancel_reason or "cancelled")
        exc = task.exception()
        if isinstance(exc, _Expired):
            return self._timed_out(request, started)
        if exc is not None:
            log.warning("approval channel %s failed: %r", getattr(self.channel, "name", "?"), exc)
            return self._respond(request, started, "error", message=f"approval channel failed: {exc}")
        done = task.result()
        answer = done.answer
        if answer.decision == "deny":
            return self._respond(request, started, "denied", approver=answer.approver, message=answer.message)
        return self._respond(request, started, "granted", scope=answer.scope, approver=answer.approver,
                             grant_id=done.grant.id if done.grant else None, message=done.note or answer.message)

    def _timed_out(self, request: ApprovalRequest, started: float) -> ApprovalResponse:
        effective = self._effective_default(request)
        message = f"no answer within {request.timeout:g}s; the default `{effective}` applied"
        if effective != request.default:
            message += f" (the request's default `{request.default}` is capped by max_default `{self._max_default}`)"
        return self._respond(request, started, "timeout", allowed=effective == "allow",
                             scope="once" if effective == "allow" else None, message=message)

    @staticmethod
    def _respond(
        request: ApprovalRequest, started: float, outcome: Outcome, *, allowed: bool | None = None,
        scope: Scope | None = None, approver: str | None = None, message: str | None = None,
        grant_id: str | None = None,
    ) -> ApprovalResponse:
        return ApprovalResponse(
            request_id=request.request_id, outcome=outcome,
            allowed=outcome == "granted" if allowed is None else allowed,
            scope=scope, approver=approver, message=message, grant_id=grant_id,
            wait_ms=(time.monotonic() - started) * 1000.0,
        )

    async def _finish(self, request: ApprovalRequest, response: ApprovalResponse) -> None:
        event = "approval:granted" if response.allowed else "approval:denied"
        await self._emit(event, {
            "request_id": response.request_id, "tool": request.tool, "rule_id": request.rule_id,
            "outcome": response.outcome, "scope": response.scope, "approver": response.approver,
            "message": response.message,
        })
        if self._on_outcome is not None:
            try:
                self._on_outcome(request, response)
            except Exception:
                log.exception("on_outcome callback failed for request %s", request.request_id)

    @staticmethod
    def _required_data(request: ApprovalRequest) -> dict[str, Any]:
        return {
            "request_id": request.request_id, "tool": request.tool, "rule_id": request.rule_id,
            "prompt": mask_text(request.prompt or ""), "reason": request.reason, "risk": request.risk,
            "timeout": request.timeout, "default": request.default,
        }

    async def _emit(self, event: str, data: dict[str, Any]) -> None:
        if self._hooks is None:
            return
        try:
            await asyncio.wait_for(self._hooks.emit(event, data), timeout=self._event_timeout)
        except Exception:
            log.exception("emitting %s failed (ignored: events never change an approval)", event)


def _summary(request: ApprovalRequest, answer: ChannelAnswer) -> str:
    if answer.pattern is not None:
        return answer.pattern.describe()
    shown = mask_value(request.arguments)
    return f"`{request.tool}` with arguments {shown}"[:500]

