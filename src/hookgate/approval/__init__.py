"""The approval broker: resolves ``ask_user`` decisions through a channel, on time, failing closed.

The terminal channel lives in :mod:`hookgate.approval.channels.terminal` and
is imported on demand, so hosts that never prompt do not load prompt-toolkit.
"""

from hookgate.approval.broker import ApprovalBroker, HookEmitter, OutcomeCallback
from hookgate.approval.canonical import CanonicalError, canonical_json, grant_hash
from hookgate.approval.channels import (
    ApprovalChannel,
    CallbackChannel,
    ChannelError,
    NonInteractiveChannel,
    QueueChannel,
    allow_tools,
    deny_all,
)
from hookgate.approval.grantfile import default_grants_path
from hookgate.approval.grants import GrantStore, glob_matches
from hookgate.approval.models import (
    ApprovalRequest,
    ApprovalResponse,
    ChannelAnswer,
    Grant,
    GrantPattern,
    Outcome,
    Scope,
    request_from_ask,
)
from hookgate.approval.resolve import ask_resolver, tool_call_of

__all__ = [
    "ApprovalBroker",
    "ApprovalChannel",
    "ApprovalRequest",
    "ApprovalResponse",
    "CallbackChannel",
    "CanonicalError",
    "ChannelAnswer",
    "ChannelError",
    "Grant",
    "GrantPattern",
    "GrantStore",
    "HookEmitter",
    "NonInteractiveChannel",
    "Outcome",
    "OutcomeCallback",
    "QueueChannel",
    "Scope",
    "allow_tools",
    "ask_resolver",
    "canonical_json",
    "default_grants_path",
    "deny_all",
    "glob_matches",
    "grant_hash",
    "request_from_ask",
    "tool_call_of",
]
