"""Decisions remembered by the event that produced them: a repeat gets the same answer, and nothing
that could change the answer is ever served from memory."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from random import Random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from traced import plan_of

from hookgate.policy.engine import MAX_EVENTS
from hookgate.policy.event_key import MAX_BYTES, event_key
from hookgate.policy.match.base import EvalEnv

BASH_RULES = """
- id: no-force-push
  on: tool:pre
  tool: bash
  when: {command: {prefix: [git, push, --force]}}
  deny: force push
- id: ask-push
  on: tool:pre
  tool: bash
  when: {command: {prefix: [git, push]}}
  ask:
    prompt: "push? ({tool_input.description})"
- id: no-aws-keys
  on: tool:pre
  when: {tool_input.*: {regex: "AKIA[0-9A-Z]{16}"}}
  deny: aws key
"""


def bash(command: str, **more: object) -> dict[str, object]:
    return {"tool_name": "bash", "tool_input": {"command": command, **more}}


def test_a_repeat_is_answered_from_memory_with_the_same_decision(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, BASH_RULES)
    first = [plan.evaluate("tool:pre", bash(c)) for c in ("ls", "ls", "git push --force", "git push --force")]
    assert [d.effect for d in first] == ["continue", "continue", "deny", "deny"]
    again = plan.evaluate("tool:pre", bash("git push --force"))
    assert again == plan.evaluate("tool:pre", bash("git push --force"))
    assert again.rules == ("no-force-push", "ask-push")


def test_fields_no_rule_reads_do_not_split_the_memory(tmp_path: Path) -> None:
    """A host stamps each event (amplifier's registry adds ``timestamp``): repeats must still meet."""
    plan = plan_of(tmp_path, BASH_RULES)
    plan.evaluate("tool:pre", {**bash("git push --force"), "timestamp": "t0"})
    plan.evaluate("tool:pre", {**bash("git push --force"), "timestamp": "t1"})
    a = plan.evaluate("tool:pre", {**bash("git push --force"), "timestamp": "t2"})
    b = plan.evaluate("tool:pre", {**bash("git push --force"), "timestamp": "t3", "session_id": "s"})
    assert a is b and a.effect == "deny"


def test_a_field_only_a_prompt_shows_still_tells_events_apart(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, """
        - id: ask-push
          on: tool:pre
          tool: bash
          when: {command: {prefix: [git, push]}}
          ask: {prompt: "push as {agent}? ({tool_input.description})"}
    """)
    for _ in range(2):
        one = plan.evaluate("tool:pre", {**bash("git push", description="release"), "agent": "a"})
        two = plan.evaluate("tool:pre", {**bash("git push", description="release"), "agent": "b"})
        three = plan.evaluate("tool:pre", bash("git push", description="rm -rf ~ first"))
    assert [d.approval.prompt if d.approval else None for d in (one, two, three)] == [
        "push as a? (release)", "push as b? (release)", "push as <missing>? (rm -rf ~ first)"]


def test_values_python_calls_equal_are_different_events(tmp_path: Path) -> None:
    """``1 == True == 1.0`` and ``0.0 == -0.0`` in Python; rules and prompts tell them apart."""
    plan = plan_of(tmp_path, """
        - id: flagged
          on: tool:pre
          tool: mcp__x__run
          when: {tool_input.force: true}
          deny: forced
        - id: show
          on: tool:pre
          tool: mcp__x__run
          ask: {prompt: "run with {tool_input.n}?"}
    """)
    effects = [plan.evaluate("tool:pre", {"tool_name": "mcp__x__run", "tool_input": {"force": v, "n": 0}}).effect
               for v in (1, 1, True, 1.0, True)]
    assert effects == ["ask_user", "ask_user", "deny", "ask_user", "deny"]
    prompts = [plan.evaluate("tool:pre", {"tool_name": "mcp__x__run", "tool_input": {"n": n}}).approval
               for n in (0.0, 0.0, -0.0, -0.0)]
    assert [p.prompt if p else None for p in prompts] == ["run with 0.0?", "run with 0.0?", "run with -0.0?",
                                                          "run with -0.0?"]
    top = plan_of(tmp_path, """
        - id: flagged
          on: tool:pre
          tool: mcp__x__run
          when: {force: true}
          ask: {prompt: "forced with {force}"}
    """)
    shown = [top.evaluate("tool:pre", {"tool_name": "mcp__x__run", "force": v}) for v in (1, True, 1.0, True, 1)]
    assert [d.approval.prompt if d.approval else d.effect for d in shown] == [
        "continue", "forced with true", "continue", "forced with true", "continue"]


def test_a_tuple_is_not_taken_for_a_list_and_odd_types_are_decided_afresh() -> None:
    assert event_key(("tool:pre", {"a": [1]})) != event_key(("tool:pre", {"a": (1,)}))

    class Text(str):
        pass

    assert event_key(("tool:pre", {"a": Text("x")})) is None
    assert event_key(("tool:pre", {"a": object()})) is None
    assert event_key(("tool:pre", {"a": "x" * MAX_BYTES})) is None
    assert event_key(("tool:pre", {"a": "x"})) is not None


def test_the_same_data_on_another_event_is_another_decision(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, """
        - id: post-only
          on: tool:post
          tool: bash
          when: {tool_input.command: ls}
          deny: no
        - id: pre
          on: tool:pre
          tool: bash
          when: {tool_input.command: pwd}
          deny: no
    """)
    for _ in range(2):
        assert plan.evaluate("tool:pre", bash("ls")).effect == "continue"
        assert plan.evaluate("tool:post", bash("ls")).effect == "deny"


def test_path_rules_are_judged_afresh_as_the_file_system_changes(tmp_path: Path) -> None:
    """The same event names a file that has meanwhile become a link to a secret: denied."""
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "key").write_text("k")
    plan = plan_of(tmp_path, f"""
        - id: no-secrets
          on: tool:pre
          tool: read_file
          when: {{tool_input.file_path: {{path: {{glob: "{secret}/**"}}}}}}
          deny: secret
    """)
    link = tmp_path / "notes.txt"
    event = {"tool_name": "read_file", "tool_input": {"file_path": str(link)}}
    assert plan.evaluate("tool:pre", event).effect == "continue"
    assert plan.evaluate("tool:pre", event).effect == "continue"
    os.symlink(secret / "key", link)
    assert plan.evaluate("tool:pre", event).effect == "deny"


def test_command_rules_on_written_paths_are_judged_afresh(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.mkdir()
    plan = plan_of(tmp_path, f"""
        - id: no-writes-to-secrets
          on: tool:pre
          tool: bash
          when: {{command: {{writes: {{glob: "{secret}/**"}}}}}}
          deny: writes a secret
    """)
    out = tmp_path / "out"
    event = {**bash(f"echo hi > {out}"), "cwd": str(tmp_path)}
    assert plan.evaluate("tool:pre", event).effect == "continue"
    assert plan.evaluate("tool:pre", event).effect == "continue"
    os.symlink(secret / "key", out)
    assert plan.evaluate("tool:pre", event).effect == "deny"


def test_a_rewrite_is_never_shared_between_events(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, """
        - id: quiet
          on: tool:pre
          tool: bash
          when: {command: {program: pip}}
          modify: {set: {tool_input.description: rewritten}}
    """)
    one = plan.evaluate("tool:pre", bash("pip install x"))
    two = plan.evaluate("tool:pre", bash("pip install x"))
    assert one.effect == two.effect == "modify"
    assert one.data is not None and two.data is not None and one.data is not two.data
    one.data["tool_input"]["description"] = "changed by a host"
    assert two.data["tool_input"]["description"] == "rewritten"
    assert plan.evaluate("tool:pre", bash("pip install x")).data["tool_input"]["description"] == "rewritten"


def test_a_trace_is_never_served_from_memory(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, BASH_RULES)
    for _ in range(2):
        assert plan.evaluate("tool:pre", bash("git push --force")).trace is None
        traced = plan.evaluate("tool:pre", bash("git push --force"), trace=True)
        assert traced.trace and traced.effect == "deny"
        assert plan.evaluate("tool:pre", bash("git push --force"), env=EvalEnv(cwd="/")).effect == "deny"


@pytest.mark.parametrize("spelling", ["name", "tool_name"])
def test_many_distinct_events_stay_correct_as_old_ones_are_forgotten(tmp_path: Path, spelling: str) -> None:
    plan = plan_of(tmp_path, BASH_RULES)
    for i in range(MAX_EVENTS + MAX_EVENTS // 2):
        command = f"git push --force origin b{i}" if i % 3 == 0 else f"echo {i}"
        data = {spelling: "bash", "tool_input": {"command": command}}
        assert plan.evaluate("tool:pre", data).effect == ("deny" if i % 3 == 0 else "continue")
    for i in range(0, 30, 3):  # forgotten or not, still right
        data = {spelling: "bash", "tool_input": {"command": f"git push --force origin b{i}"}}
        assert plan.evaluate("tool:pre", data).rules == ("no-force-push", "ask-push")


def test_two_tools_whose_fields_line_up_do_not_share_a_decision(tmp_path: Path) -> None:
    """The key names the route: without it, `bash` with the text input "x" and tool `x` with
    `zeta: bash` both read four fields whose values line up, and the second got the first's answer."""
    plan = plan_of(tmp_path, """
        - id: bash-text
          on: tool:pre
          tool: bash
          when: {tool_input.command: {contains: "rm -rf"}}
          deny: recursive delete
        - id: x-zeta
          on: tool:pre
          tool: x
          when: {any: [{alpha: q}, {zeta: bash}]}
          deny: zeta is bash
    """)
    for _ in range(2):  # the first event makes the route, the second is remembered
        assert plan.evaluate("tool:pre", {"tool_name": "bash", "tool_input": "x"}).effect == "continue"
    plan.evaluate("tool:pre", {"tool_name": "x"})  # makes the route of `x`
    crafted = plan.evaluate("tool:pre", {"tool_name": "x", "zeta": "bash"})
    assert crafted.effect == "deny" and crafted.rules == ("x-zeta",)


ALIAS_RULES = """
- id: no-rm
  on: tool:pre
  tool: bash
  when: {tool_input.command: {contains: "rm -rf"}}
  deny: recursive delete
- id: no-null
  on: tool:pre
  tool: bash
  when: {tool_input.description: {exists: true}}
  ask: {prompt: "described: {tool_input.description}"}
"""


def test_which_alias_is_present_is_part_of_the_key(tmp_path: Path) -> None:
    """Rules read ``input`` (amplifier's spelling) only when ``tool_input`` is absent, so an empty
    ``tool_input`` beside a dangerous ``input`` and a dangerous ``input`` alone are different events."""
    plan = plan_of(tmp_path, ALIAS_RULES)
    shadowed = {"tool_name": "bash", "tool_input": {}, "input": {"command": "rm -rf /"}}
    alone = {"tool_name": "bash", "input": {"command": "rm -rf /"}}
    for _ in range(2):
        assert plan.evaluate("tool:pre", shadowed).effect == "continue"
        assert plan.evaluate("tool:pre", alone).effect == "deny"
    plan = plan_of(tmp_path, ALIAS_RULES)
    for _ in range(2):
        assert plan.evaluate("tool:pre", alone).effect == "deny"
        assert plan.evaluate("tool:pre", shadowed).effect == "continue"


def test_a_null_is_not_an_absent_key(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, ALIAS_RULES)
    null = {"tool_name": "bash", "tool_input": {"command": "ls", "description": None}}
    absent = {"tool_name": "bash", "tool_input": {"command": "ls"}}
    for _ in range(2):
        asked = plan.evaluate("tool:pre", null)
        assert asked.effect == "ask_user" and asked.approval is not None
        assert plan.evaluate("tool:pre", absent).effect == "continue"


def test_values_that_are_not_plain_strings_are_still_told_apart(tmp_path: Path) -> None:
    """A str subclass, a dict subclass on the way, a number where a string was: each is judged (or
    keyed by its full encoding) on its own, never taken for the plain string it equals."""

    class Text(str):
        pass

    class Input(dict):  # type: ignore[type-arg]
        pass

    plan = plan_of(tmp_path, ALIAS_RULES)
    plain = bash("rm -rf /")
    for _ in range(2):
        assert plan.evaluate("tool:pre", plain).effect == "deny"
        assert plan.evaluate("tool:pre", bash(Text("ls"))).effect == "continue"
        wrapped = {"tool_name": "bash", "tool_input": Input(command="rm -rf /")}
        assert plan.evaluate("tool:pre", wrapped).effect == "deny"
        assert plan.evaluate("tool:pre", {"tool_name": "bash", "tool_input": ["rm -rf /"]}).effect == "continue"
        assert plan.evaluate("tool:pre", bash("ls", description=1)).effect == "ask_user"
        assert plan.evaluate("tool:pre", bash("ls", description=True)).approval.prompt == "described: true"  # type: ignore[union-attr]


def test_a_string_that_claims_to_equal_a_known_one_is_still_read(tmp_path: Path) -> None:
    """The per-string memory of a text index keys plain strings only: a str subclass may define
    equality and hashing as it likes, and must not be answered as the benign string it claims to be."""

    class Liar(str):
        def __eq__(self, other: object) -> bool:
            return True

        def __hash__(self) -> int:
            return hash("benign")

    plan = plan_of(tmp_path, BASH_RULES)
    assert plan.evaluate("tool:pre", {"tool_name": "x", "tool_input": {"notes": ["benign"]}}).effect == "continue"
    key = Liar("AKIA" + "A" * 16)
    decision = plan.evaluate("tool:pre", {"tool_name": "x", "tool_input": {"notes": [key]}})
    assert (decision.effect, decision.rules) == ("deny", ("no-aws-keys",))


# -- random events, each met again later: remembered answers against the traced scan ----------

MIXED_RULES = """
- id: bash-rm
  on: tool:pre
  tool: bash
  when: {tool_input.command: {contains: "rm -rf"}}
  deny: recursive delete
- id: bash-push
  on: tool:pre
  tool: bash
  when: {command: {prefix: [git, push]}}
  ask: {prompt: "push {tool_input.command} as {agent}?"}
- id: any-key
  on: tool:pre
  tool: [bash, other, write_file]
  when: {tool_input.*: {regex: "AKIA[0-9A-Z]{4}"}}
  deny: key
- id: x-zeta
  on: tool:pre
  tool: x
  when: {any: [{alpha: q}, {zeta: bash}]}
  ask: {prompt: "zeta {zeta}"}
- id: n-big
  on: tool:pre
  tool: [other, bash]
  when: {tool_input.n: {gt: 1}}
  ask: {prompt: "n {tool_input.n}"}
- id: flag
  on: tool:pre
  tool: [other, bash]
  when: {tool_input.force: true}
  deny: forced
- id: write-etc
  on: tool:pre
  tool: [write_file, other]
  when: {tool_input.file_path: {path: {glob: "/etc/**"}}}
  deny: system config
- id: lease
  on: tool:pre
  tool: x
  when: {tool_input.command: {contains: push}}
  unless: {agent: {in: [q, ls]}}
  modify:
    replace: [{field: tool_input.command, regex: "push", with: "push --force-with-lease"}]
"""

_TEXT = st.sampled_from(["rm -rf /", "git push", "ls", "AKIA1234", "bash", "q", "x", "/etc/hosts", ""])
_VALUE = st.one_of(_TEXT, st.sampled_from([None, True, False, 1, 2, 1.0, 0.0, -0.0, ["ls"], {"a": "q"}]))
_INPUT = st.one_of(
    st.dictionaries(st.sampled_from(["command", "description", "force", "n", "file_path", "k"]), _VALUE, max_size=4),
    _VALUE,
)
_ODD = st.fixed_dictionaries({}, optional={
    "tool_name": st.sampled_from(["bash", "x", "write_file", "other", None, 1]),
    "name": st.sampled_from(["bash", "x"]),
    "tool_input": _INPUT,
    "input": _INPUT,
    "zeta": _VALUE,
    "alpha": _VALUE,
    "agent": _VALUE,
    "timestamp": st.integers(),
})
_CALL = st.fixed_dictionaries({
    "tool_name": st.sampled_from(["bash", "x", "write_file", "other"]),
    "tool_input": st.fixed_dictionaries({"command": _TEXT}, optional={"n": _VALUE, "force": _VALUE,
                                                                      "file_path": _TEXT}),
}, optional={"agent": _TEXT, "zeta": _TEXT, "alpha": _TEXT})
_EVENT = st.one_of(_CALL, _ODD)  # calls shaped as hosts send them, and anything else


_POOL = ["rm -rf /", "git push", "ls", "AKIA1234", "bash", "q", "x", "", None, True, 1, 2, 1.0, -0.0, ["ls"], {}]
_TOP = ["tool_name", "name", "tool_input", "input", "zeta", "alpha", "agent", "timestamp"]
_INNER = ["command", "description", "force", "n", "file_path"]


def _variant(data: dict[str, Any], rng: Random) -> dict[str, Any]:
    """``data`` with one field set to another value or removed, at the top or inside ``tool_input``:
    a near miss of an event met before, which only a key reading every field it must tells apart."""
    out = copy.deepcopy(data)
    target = out
    if isinstance(out.get("tool_input"), dict) and rng.random() < 0.5:
        target, name = out["tool_input"], rng.choice(_INNER)
    else:
        name = rng.choice(_TOP)
    if name in target and rng.random() < 0.3:
        del target[name]
    else:
        target[name] = copy.deepcopy(rng.choice(_POOL))
    return out


def _answer(decision: Any) -> tuple[Any, ...]:
    return decision.effect, decision.rules, decision.approval.prompt if decision.approval else None, decision.data


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_EVENT, min_size=1, max_size=8), st.randoms(use_true_random=False))
def test_events_met_again_decide_as_the_traced_scan_does(tmp_path: Path, events: list[dict[str, Any]],
                                                         rng: Random) -> None:
    """Each event, near misses of it, and repeats of both, in a random order: every decision,
    remembered or not, is the one the traced scan (no index, no memory) makes."""
    plan = plan_of(tmp_path, MIXED_RULES)
    near = [_variant(e, rng) for e in events for _ in range(4)]
    again = [copy.deepcopy(e) for e in [*events, *near] * 2]
    rng.shuffle(again)
    for data in [*events, *near, *again]:
        assert _answer(plan.evaluate("tool:pre", data)) == _answer(plan.evaluate("tool:pre", data, trace=True)), data


def test_events_naming_their_tool_by_name_keep_their_own_answers(tmp_path: Path) -> None:
    """amplifier's spelling (``name``/``input``) is remembered like ``tool_name``; a null ``tool_name``
    beside ``name`` (the rules see the null) is never taken for an absent one (they see the name)."""
    plan = plan_of(tmp_path, BASH_RULES + """
- id: bash-by-name
  on: tool:pre
  when: {tool_name: {in: [bash]}}
  deny: bash is named
""")
    spelled = {"name": "bash", "input": {"command": "git push --force"}}
    null = {"tool_name": None, "name": "bash", "input": {"command": "pwd"}}
    absent = {"name": "bash", "input": {"command": "pwd"}}
    for _ in range(3):
        assert plan.evaluate("tool:pre", spelled).rules == ("no-force-push", "bash-by-name", "ask-push")
        assert plan.evaluate("tool:pre", null).effect == "continue"
        assert plan.evaluate("tool:pre", absent).rules == ("bash-by-name",)
