"""Event vocabulary: canonical names, aliases, the resolver and globs."""

from __future__ import annotations

import pytest

from hookgate.diagnostics import HookgateError
from hookgate.kernel import events
from hookgate.kernel.events import (
    ALL_EVENTS,
    EVENT_ALIASES,
    FOREIGN_EVENTS,
    GATING_EVENTS,
    UnknownEventError,
    canonical_name,
    match_events,
    resolve_event,
)

SEED_CANONICAL = {
    "session:start", "session:end", "session:fork", "session:resume",
    "prompt:submit", "prompt:complete", "plan:start", "plan:end",
    "provider:request", "provider:response", "provider:error", "llm:request", "llm:response",
    "content_block:start", "content_block:delta", "content_block:end", "thinking:delta", "thinking:final",
    "tool:pre", "tool:post", "tool:error",
    "context:pre_compact", "context:post_compact", "context:include",
    "orchestrator:start", "orchestrator:complete", "user:notification", "artifact:write", "artifact:read",
    "policy:violation", "approval:required", "approval:granted", "approval:denied",
    "execution:start", "execution:end", "provider:retry", "provider:throttle",
    "cancel:requested", "cancel:completed",
}  # fmt: skip

SEED_004 = (
    "BEFORE_TOOL", "AFTER_TOOL", "BEFORE_AGENT", "AFTER_AGENT", "BEFORE_LLM", "AFTER_LLM",
    "SESSION_START", "SESSION_END", "ON_ERROR", "ON_RETRY", "USER_PROMPT_SUBMIT", "NOTIFICATION",
    "SUBAGENT_STOP", "SETUP", "BEFORE_COMPACTION", "AFTER_COMPACTION",
    "MESSAGE_RECEIVED", "MESSAGE_SENDING", "MESSAGE_SENT", "GATEWAY_START", "GATEWAY_STOP",
    "TOOL_RESULT_PERSIST", "KANBAN_TASK_CREATED", "KANBAN_TASK_CLAIMED", "KANBAN_TASK_MOVED",
    "KANBAN_TASK_DONE", "KANBAN_TASK_BLOCKED", "KANBAN_TASK_FAILED",
)  # fmt: skip


def test_all_seed_events_are_canonical_and_unique() -> None:
    assert set(ALL_EVENTS) >= SEED_CANONICAL
    assert len(ALL_EVENTS) == len(set(ALL_EVENTS))
    assert all(":" in name for name in ALL_EVENTS)


def test_every_constant_is_listed() -> None:
    constants = {getattr(events, n) for n in events.__all__ if n.isupper() and isinstance(getattr(events, n), str)}
    assert constants == set(ALL_EVENTS)


def test_gating_default_set() -> None:
    assert frozenset({"tool:pre", "provider:request", "prompt:submit"}) == GATING_EVENTS


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [
        ("BEFORE_TOOL", "tool:pre"),
        ("AFTER_TOOL", "tool:post"),
        ("BEFORE_LLM", "provider:request"),
        ("AFTER_LLM", "provider:response"),
        ("SESSION_START", "session:start"),
        ("SESSION_END", "session:end"),
        ("USER_PROMPT_SUBMIT", "prompt:submit"),
        ("BEFORE_COMPACTION", "context:pre_compact"),
        ("AFTER_COMPACTION", "context:post_compact"),
        ("NOTIFICATION", "user:notification"),
        ("BEFORE_AGENT", "execution:start"),
        ("AFTER_AGENT", "execution:end"),
    ],
)
def test_aliases_map_to_canonical(alias: str, canonical: str) -> None:
    assert resolve_event(alias) == canonical
    assert canonical_name(alias) == canonical


def test_whole_foreign_vocabulary_resolves() -> None:
    assert set(SEED_004) == set(EVENT_ALIASES)
    for name in SEED_004:
        assert resolve_event(name) in set(ALL_EVENTS) | set(FOREIGN_EVENTS)


@pytest.mark.parametrize("name", ["ON_ERROR", "ON_RETRY", "SUBAGENT_STOP", "KANBAN_TASK_DONE", "GATEWAY_STOP"])
def test_names_without_counterpart_keep_their_own_name(name: str) -> None:
    assert resolve_event(name) == name


def test_llm_aliases_stay_distinct_canonical_names() -> None:
    assert resolve_event("llm:request") == "llm:request"
    assert resolve_event("llm:response") == "llm:response"


def test_canonical_name_never_raises() -> None:
    assert canonical_name("my-hook:custom") == "my-hook:custom"


@pytest.mark.parametrize(
    ("typo", "suggestion"),
    [
        ("tool:pree", "tool:pre"),
        ("provider:requst", "provider:request"),
        ("before_tool", "BEFORE_TOOL"),
        ("Tool:Pre", "tool:pre"),
        ("BEFORE_TOOLS", "BEFORE_TOOL"),
    ],
)
def test_unknown_name_is_rejected_with_did_you_mean(typo: str, suggestion: str) -> None:
    with pytest.raises(UnknownEventError) as caught:
        resolve_event(typo)
    error = caught.value
    assert isinstance(error, HookgateError)
    assert (error.name, error.suggestion) == (typo, suggestion)
    assert str(error) == f"event `{typo}` is not a known event; did you mean `{suggestion}`?"


def test_unknown_name_without_anything_close() -> None:
    with pytest.raises(UnknownEventError) as caught:
        resolve_event("zzzzzz")
    assert caught.value.suggestion is None
    assert str(caught.value) == "event `zzzzzz` is not a known event"


def test_glob_expands_over_all_events_in_order() -> None:
    assert match_events("provider:*") == (
        "provider:request", "provider:response", "provider:retry", "provider:error",
        "provider:throttle", "provider:tool_sequence_repaired", "provider:resolve",
    )  # fmt: skip
    assert match_events("*") == ALL_EVENTS
    assert match_events("tool:p*") == ("tool:pre", "tool:post")


def test_plain_name_through_match_events_resolves_aliases() -> None:
    assert match_events("BEFORE_TOOL") == ("tool:pre",)
    with pytest.raises(UnknownEventError):
        match_events("tool:prex")


def test_glob_matching_nothing_is_an_error_with_namespace_hint() -> None:
    with pytest.raises(UnknownEventError) as caught:
        match_events("provder:*")
    assert caught.value.suggestion == "provider:*"
    assert "matches no known event" in str(caught.value)
