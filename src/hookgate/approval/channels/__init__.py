"""Ways to reach an approver: terminal, programmatic (callback, queue), non-interactive (CI)."""

from hookgate.approval.channels.base import ApprovalChannel, ChannelError, coerce_answer
from hookgate.approval.channels.noninteractive import NonInteractiveChannel, allow_tools, deny_all
from hookgate.approval.channels.programmatic import CallbackChannel, QueueChannel

__all__ = [
    "ApprovalChannel",
    "CallbackChannel",
    "ChannelError",
    "NonInteractiveChannel",
    "QueueChannel",
    "allow_tools",
    "coerce_answer",
    "deny_all",
]
