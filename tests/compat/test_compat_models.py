"""Event names and result models line up with amplifier-core 2.0.2."""

from __future__ import annotations

import amplifier_core
import amplifier_core.events as amplifier_events
from compat_support import AMPLIFIER

from hookgate.kernel import ALL_EVENTS, ContextInjection, HookResult, events


def test_all_events_cover_amplifier() -> None:
    assert set(amplifier_events.ALL_EVENTS) <= set(ALL_EVENTS)


def test_event_constants_have_amplifiers_names_and_values() -> None:
    for name in amplifier_events.__all__:
        if name != "ALL_EVENTS":
            assert getattr(events, name) == getattr(amplifier_events, name), name


def test_hook_result_fields_and_defaults_match() -> None:
    ours, theirs = HookResult().model_dump(), amplifier_core.HookResult().model_dump()
    assert list(ours) == list(theirs)
    assert ours == theirs


def test_context_injection_fields_and_defaults_match() -> None:
    ours = ContextInjection(content="x").model_dump()
    theirs = amplifier_core.ContextInjection(content="x").model_dump()
    assert ours == theirs


def test_a_full_result_round_trips_between_the_models() -> None:
    full = AMPLIFIER.result(
        action="inject_context",
        data={"a": 1},
        reason="r",
        context_injection="c",
        context_injection_role="assistant",
        ephemeral=True,
        approval_prompt="p",
        approval_options=["Allow", "Deny"],
        approval_timeout=5.0,
        approval_default="allow",
        suppress_output=True,
        user_message="u",
        user_message_level="error",
        user_message_source="src",
        append_to_last_tool_result=True,
        context_injections=[{"content": "c", "hook_name": "h", "event": "e"}],
    )
    ours = HookResult.model_validate(full.model_dump())
    assert ours.model_dump() == full.model_dump()
    assert amplifier_core.HookResult.model_validate(ours.model_dump()) == full
