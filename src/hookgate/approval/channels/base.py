"""The channel contract: how the broker reaches an approver, and what counts as an answer.

A channel only carries the question and brings back a choice; the broker
owns timeouts, defaults, grants, events and logging. So a channel may be
cancelled at any moment (timeout, agent cancelled) and must clean up on
``CancelledError``, and anything it returns that is not a clear, offered
choice is turned into an error — which the broker records as a denial.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable

from pydantic import ValidationError

from hookgate.approval.models import ApprovalRequest, ChannelAnswer, Scope
from hookgate.kernel.approval import is_grant

__all__ = ["ApprovalChannel", "ChannelError", "coerce_answer"]


class ChannelError(Exception):
    """A channel answered with something that is not an offered choice."""


@runtime_checkable
class ApprovalChannel(Protocol):
    """Anything that can put one request to an approver."""

    name: str

    async def ask(self, request: ApprovalRequest, *, deadline: float) -> ChannelAnswer:
        """Return the approver's choice; ``deadline`` is on the running loop's ``time()`` clock."""
        ...


def _from_option(option: str, request: ApprovalRequest, approver: str | None) -> ChannelAnswer:
    offered = [o.strip().lower() for o in request.options]
    chosen = option.strip().lower()
    if offered and chosen not in offered:
        raise ChannelError(f"answer `{option}` is not one of the offered options {list(request.options)}")
    if not offered and chosen not in ("allow", "allow once", "allow always", "deny"):
        raise ChannelError(f"answer `{option}` is not one of `allow`, `allow once`, `allow always`, `deny`")
    if not is_grant(option):
        return ChannelAnswer(decision="deny", approver=approver)
    scope: Scope = "persistent" if chosen == "allow always" else "once"
    return ChannelAnswer(decision="allow", scope=scope, approver=approver)


def coerce_answer(raw: Any, request: ApprovalRequest, *, approver: str | None = None) -> ChannelAnswer:
    """A :class:`ChannelAnswer` from a channel's raw result: an answer, a mapping, or an option string.

    Raises :class:`ChannelError` for anything else (``None``, ``True``, an
    unknown option): an unclear answer never allows.
    """
    if isinstance(raw, ChannelAnswer):
        answer = raw
    elif isinstance(raw, str):
        answer = _from_option(raw, request, approver)
    elif isinstance(raw, Mapping):
        try:
            answer = ChannelAnswer.model_validate(dict(raw))
        except ValidationError as exc:
            raise ChannelError(f"malformed answer: {exc.errors()[0]['msg']}") from None
    else:
        raise ChannelError(f"answer of type `{type(raw).__name__}` is not a choice")
    if answer.approver is None and approver is not None:
        answer = answer.model_copy(update={"approver": approver})
    return answer
