"""The policy models: shorthands, durations, event selectors, one effect per rule."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from hookgate.policy.model import AllowEffect, DenyEffect, InjectEffect, PolicyFile, Rule


def rule(**fields: Any) -> Rule:
    return Rule.model_validate({"id": "r", **fields})


def error_types(exc: pytest.ExceptionInfo[ValidationError]) -> list[tuple[str, tuple[Any, ...]]]:
    return [(e["type"], tuple(e["loc"])) for e in exc.value.errors()]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ({"deny": "no"}, DenyEffect(reason="no")),
        ({"allow": True}, AllowEffect()),
        ({"allow": "fine"}, AllowEffect(reason="fine")),
        ({"inject": "hi"}, InjectEffect(text="hi")),
    ],
)
def test_effect_shorthands(written: dict[str, Any], expected: object) -> None:
    r = rule(**written)
    assert r.effect_spec == expected
    assert r.effect == next(iter(written))


@pytest.mark.parametrize(
    ("timeout", "seconds"), [(30, 30.0), (1.5, 1.5), ("30s", 30.0), ("2m", 120.0), ("1h", 3600.0), ("500ms", 0.5)]
)
def test_durations(timeout: object, seconds: float) -> None:
    r = rule(ask={"prompt": "ok?", "timeout": timeout})
    assert r.ask is not None and r.ask.timeout == seconds


@pytest.mark.parametrize("timeout", [0, -1, "5 parsecs", True, "0s", 10**9, None])
def test_bad_durations(timeout: object) -> None:
    with pytest.raises(ValidationError) as exc:
        rule(ask={"prompt": "ok?", "timeout": timeout})
    assert error_types(exc) == [("bad_duration", ("ask", "timeout"))]


def test_ask_defaults_always_resolve() -> None:
    r = rule(ask="Push?")
    assert r.ask is not None
    assert (r.ask.prompt, r.ask.default, r.ask.timeout) == ("Push?", "deny", 300.0)


def test_events_resolve_to_canonical_names() -> None:
    r = rule(on=["BEFORE_TOOL", "tool:*", "tool:pre"], deny="x")
    assert r.on == ("tool:pre", "tool:post", "tool:error")
    assert r.on_written == ("BEFORE_TOOL", "tool:*", "tool:pre")
    assert rule(deny="x").on == ("tool:pre",) and rule(deny="x").on_written == ()


def test_unknown_event_is_reported_at_the_list_item() -> None:
    with pytest.raises(ValidationError) as exc:
        rule(on=["tool:pre", "tool:prre"], deny="x")
    assert error_types(exc) == [("unknown_event", ("on", 1))]
    assert "did you mean `tool:pre`" in exc.value.errors()[0]["msg"]


@pytest.mark.parametrize(
    "effects", [{}, {"deny": "x", "allow": True}, {"ask": "a", "inject": "b", "modify": {"remove": ["x"]}}]
)
def test_exactly_one_effect(effects: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as exc:
        rule(**effects)
    assert [t for t, _ in error_types(exc)] == ["effect_count"]


def test_unknown_outcomes_fail_closed_for_gates_only() -> None:
    assert rule(deny="x").unknown_matches and rule(ask="x").unknown_matches
    assert not rule(allow=True).unknown_matches and not rule(inject="x").unknown_matches
    assert not rule(deny="x", on_unknown="ignore").unknown_matches
    assert rule(inject="x", on_unknown="match").unknown_matches


def test_models_are_frozen_and_closed() -> None:
    r = rule(deny="x")
    with pytest.raises(ValidationError):
        r.priority = 3  # type: ignore[misc]
    with pytest.raises(ValidationError) as exc:
        rule(deny="x", severty="high")
    assert error_types(exc) == [("extra_forbidden", ("severty",))]


def test_strict_scalars() -> None:
    with pytest.raises(ValidationError) as exc:
        rule(deny="x", priority="1", audit="yes")
    assert sorted(t for t, _ in error_types(exc)) == ["bool_type", "int_type"]


def test_replace_uses_the_with_alias_and_re2() -> None:
    r = rule(modify={"replace": [{"field": "tool_input.command", "regex": r"--force\b", "with": "--force-with-lease"}]})
    assert r.modify is not None and r.modify.replace[0].with_ == "--force-with-lease"
    with pytest.raises(ValidationError) as exc:
        rule(modify={"replace": [{"field": "f", "regex": "(?<=a)b", "with": ""}]})
    assert "RE2 does not support lookaround" in exc.value.errors()[0]["msg"]


def test_redact_defaults_to_every_detector() -> None:
    r = rule(modify={"redact": {"fields": ["messages[*].content"]}})
    assert r.modify is not None and r.modify.redact is not None
    assert r.modify.redact.detectors == ("all",)


def test_policy_file_header() -> None:
    model = PolicyFile.model_validate({"version": 1, "policy": "base.line_1", "include": "lists.yaml"})
    assert model.include == ("lists.yaml",) and model.layer == "project" and model.settings.on_ask is None
    for bad in ({"version": "1", "policy": "p"}, {"version": True, "policy": "p"}, {"version": 1, "policy": "Caps"}):
        with pytest.raises(ValidationError):
            PolicyFile.model_validate(bad)


def test_redact_accepts_detector_aliases_and_suggests_for_typos() -> None:
    from hookgate.policy.model import RedactOp

    assert RedactOp.model_validate({"fields": ["x"], "detectors": ["aws_key", "tokens"]}).detectors
    with pytest.raises(ValidationError, match="did you mean `github_token`"):
        RedactOp.model_validate({"fields": ["x"], "detectors": ["github_tokn"]})
