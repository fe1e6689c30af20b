"""The approval-system protocol a coordinator resolves ``ask_user`` through.

Same shape as amplifier-core's ``ApprovalSystem``: the host (or hookgate's
``ApprovalBroker``) answers with one of the offered option strings. Only an
answer that says *allow* grants; anything else, including an answer that
is not one of the options, is a denial (see :func:`is_grant`).
"""

from __future__ import annotations

from typing import Literal, Protocol, runtime_checkable

__all__ = ["GRANT_ANSWERS", "ApprovalSystem", "ApprovalTimeoutError", "DisplaySystem", "is_grant"]

#: answers (compared case-insensitively, surrounding whitespace ignored) that grant
GRANT_ANSWERS = frozenset({"allow", "allow once", "allow always"})


class ApprovalTimeoutError(Exception):
    """The approver did not answer in time; the request's default applies."""


@runtime_checkable
class ApprovalSystem(Protocol):
    async def request_approval(
        self, prompt: str, options: list[str], timeout: float, default: Literal["allow", "deny"]
    ) -> str:
        """Ask, wait at most ``timeout`` seconds, return the chosen option.

        Raises :class:`ApprovalTimeoutError` when nobody answered in time.
        """
        ...


@runtime_checkable
class DisplaySystem(Protocol):
    def show_message(self, message: str, level: Literal["info", "warning", "error"], source: str = "hook") -> None:
        """Show a message to the user (``HookResult.user_message``)."""
        ...


def is_grant(answer: object) -> bool:
    """True only for an explicit allow answer; everything else denies (fail closed)."""
    return isinstance(answer, str) and answer.strip().lower() in GRANT_ANSWERS
