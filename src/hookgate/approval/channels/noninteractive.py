"""Channels for places nobody can answer (CI, cron, a piped stdin): decide at once, by policy.

They answer immediately, so an unattended run never waits out a timeout,
and every denial says which non-interactive policy denied it.
"""

from __future__ import annotations

from collections.abc import Iterable

from hookgate.approval.models import ApprovalRequest, ChannelAnswer

__all__ = ["NonInteractiveChannel", "allow_tools", "deny_all"]


class NonInteractiveChannel:
    """Deny every request, except a one-time allow for tools named in ``allow_tools`` (exact names)."""

    def __init__(self, *, allow_tools: Iterable[str] = (), name: str | None = None) -> None:
        self.allowed_tools = frozenset(allow_tools)
        self.name = name or ("non-interactive:allow-tools" if self.allowed_tools else "non-interactive:deny-all")

    async def ask(self, request: ApprovalRequest, *, deadline: float) -> ChannelAnswer:
        if request.tool in self.allowed_tools and "once" in request.scopes:
            return ChannelAnswer(decision="allow", scope="once", approver=self.name)
        if self.allowed_tools:
            message = f"non-interactive: tool `{request.tool}` is not in the allowed tools"
        else:
            message = "non-interactive: every approval request is denied"
        return ChannelAnswer(decision="deny", message=message, approver=self.name)


def deny_all() -> NonInteractiveChannel:
    return NonInteractiveChannel()


def allow_tools(tools: Iterable[str]) -> NonInteractiveChannel:
    return NonInteractiveChannel(allow_tools=tools)
