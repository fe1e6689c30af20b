"""The terminal channel through prompt-toolkit's pipe input: keys, grants, countdown, queueing, fallback."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from typing import Any

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import PipeInput, create_pipe_input
from prompt_toolkit.output import DummyOutput
from prompt_toolkit.output.vt100 import Vt100_Output

from hookgate.approval import ApprovalBroker, ApprovalRequest, GrantPattern
from hookgate.approval.channels.terminal import TerminalChannel
from hookgate.approval.channels.terminal_ui import PromptView
from hookgate.policy.effects import compile_template

PUSH = GrantPattern(tool="bash", field="command", glob="git push origin *")


@pytest.fixture
def pipe() -> Iterator[PipeInput]:
    with create_pipe_input() as inp:
        yield inp


def _req(command: str = "git push origin main", **kw: Any) -> ApprovalRequest:
    return ApprovalRequest(tool="bash", arguments={"command": command}, rule_id="ask-push", reason="pushes publish",
                           timeout=kw.pop("timeout", 30), **kw)


async def _answer(broker: ApprovalBroker, channel: TerminalChannel, request: ApprovalRequest, keys: str,
                  until: Any) -> Any:
    task = asyncio.create_task(broker.ask(request))
    await until(lambda: channel.showing is not None)
    channel_input = channel._input  # the pipe the test types into
    assert channel_input is not None
    channel_input.send_text(keys)  # type: ignore[attr-defined]
    return await task


@pytest.mark.parametrize(
    ("keys", "outcome", "scope", "message"),
    [
        ("a", "granted", "once", None),
        ("d", "denied", None, None),
        ("mplease open a PR instead\r", "denied", None, "please open a PR instead"),
        ("\rd", "denied", None, None),  # Enter does nothing; the later `d` decides
        ("\x03", "denied", None, "interrupted at the terminal"),
    ],
)
async def test_keys_decide(pipe: PipeInput, until: Any, keys: str, outcome: str, scope: str | None,
                           message: str | None) -> None:
    channel = TerminalChannel(input=pipe, output=DummyOutput())
    response = await _answer(ApprovalBroker(channel), channel, _req(), keys, until)
    assert (response.outcome, response.scope, response.message) == (outcome, scope, message)
    assert response.approver == "terminal"


async def test_session_grant_is_reused_without_a_second_prompt(pipe: PipeInput, until: Any) -> None:
    channel = TerminalChannel(input=pipe, output=DummyOutput())
    broker = ApprovalBroker(channel)
    first = await _answer(broker, channel, _req(), "s", until)
    second = await broker.ask(_req())  # would wait 30s if it prompted
    assert (second.outcome, second.grant_id, second.approver) == ("granted", first.grant_id, f"grant:{first.grant_id}")


async def test_pattern_grant_is_shown_then_covers_later_pushes(pipe: PipeInput, until: Any) -> None:
    channel = TerminalChannel(input=pipe, output=DummyOutput())
    broker = ApprovalBroker(channel)
    view = PromptView(_req(patterns=(PUSH,)), deadline=30, clock=lambda: 0.0, waiting=lambda: 0)
    assert "[p] allow for this session: `bash` with `command` matching `git push origin *`" in _text(view.body())
    response = await _answer(broker, channel, _req(patterns=(PUSH,)), "p", until)
    assert response.scope == "session"
    assert (await broker.ask(_req("git push origin release"))).approver.startswith("grant:")  # type: ignore[union-attr]


async def test_timeout_counts_down_to_the_default(pipe: PipeInput) -> None:
    screen = io.StringIO()
    output = Vt100_Output(screen, lambda: Size(rows=30, columns=100), term="xterm")
    channel = TerminalChannel(input=pipe, output=output, refresh_interval=0.05)
    response = await ApprovalBroker(channel).ask(_req(timeout=0.3))
    assert (response.outcome, response.allowed) == ("timeout", False)
    shown = screen.getvalue()
    assert "auto-deny in 1s" in shown
    assert "no answer in time; the default `deny` applies" in shown
    assert shown.rstrip().endswith("\x1b[0m") and "\x1b[?2004l" in shown  # bracketed paste off: terminal restored
    assert channel.showing is None


def test_countdown_text_follows_the_clock() -> None:
    now = [0.0]
    view = PromptView(_req(default="deny"), deadline=12.0, clock=lambda: now[0], waiting=lambda: 2)
    assert _text(view.status()).strip() == "auto-deny in 12s · 2 more waiting"
    now[0] = 11.5
    assert "auto-deny in 1s" in _text(view.status())
    now[0] = 13.0
    assert "auto-deny in 0s" in _text(view.status())


async def test_concurrent_requests_are_shown_one_at_a_time(pipe: PipeInput, until: Any) -> None:
    channel = TerminalChannel(input=pipe, output=DummyOutput())
    broker = ApprovalBroker(channel)
    first, second = _req("git push origin a"), _req("git push origin b")
    tasks = [asyncio.create_task(broker.ask(first)), asyncio.create_task(broker.ask(second))]
    await until(lambda: channel.showing is not None)
    shown_first = channel.showing
    assert shown_first is not None and shown_first.request_id == first.request_id
    pipe.send_text("a")
    await until(lambda: channel.showing is not None and channel.showing.request_id == second.request_id)
    assert not tasks[1].done()
    pipe.send_text("d")
    results = await asyncio.gather(*tasks)
    assert [r.outcome for r in results] == ["granted", "denied"]


async def test_cancel_restores_the_terminal_for_the_next_prompt(pipe: PipeInput, until: Any) -> None:
    channel = TerminalChannel(input=pipe, output=DummyOutput())
    broker = ApprovalBroker(channel)
    task = asyncio.create_task(broker.ask(_req()))
    await until(lambda: channel.showing is not None)
    broker.cancel_all("agent stopped")
    assert (await task).outcome == "cancelled"
    assert channel.showing is None
    assert (await _answer(broker, channel, _req("git push origin next"), "a", until)).allowed


async def test_app_session_input_is_used_when_none_is_given(pipe: PipeInput, until: Any) -> None:
    with create_app_session(input=pipe, output=DummyOutput()):
        channel = TerminalChannel()
        assert channel.is_interactive()
        task = asyncio.create_task(ApprovalBroker(channel).ask(_req()))
        await until(lambda: channel.showing is not None)
        pipe.send_text("a")
        assert (await task).allowed


async def test_not_a_terminal_applies_the_non_interactive_default_and_says_so() -> None:
    err = io.StringIO()
    channel = TerminalChannel(interactive=False, stderr=err)
    response = await ApprovalBroker(channel).ask(_req())
    assert (response.outcome, response.approver) == ("denied", "terminal:non-interactive")
    assert err.getvalue().count("\n") == 1
    assert "stdin is not a terminal; applying the non-interactive default `deny` to `bash` (rule `ask-push`)" in (
        err.getvalue())
    allowing = TerminalChannel(interactive=False, stderr=io.StringIO(), non_interactive_default="allow")
    assert (await ApprovalBroker(allowing).ask(_req())).allowed


def test_the_question_masks_secrets_and_folds_long_values() -> None:
    token = "ghp_" + "a1B2c3D4e5" * 4
    request = ApprovalRequest(
        tool="bash",
        arguments={"command": f"curl -H 'Authorization: token {token}' https://api", "password": "hunter2hunter2",
                   "script": "\n".join(f"line {i}" for i in range(20))},
        prompt=f"Run with {token}?",
    )
    body = _text(PromptView(request, deadline=1, clock=lambda: 0.0, waiting=lambda: 0).body())
    assert token not in body and "hunter2" not in body
    assert "<github_token:masked>" in body and "password: ••••••" in body
    # the head and the tail of a long value: what a script does last is not folded out of sight
    assert "line 3" in body and "line 4" not in body and "… (14 more lines)" in body and "line 19" in body


def test_the_question_masks_as_the_policy_engine_does() -> None:
    """The approval UI scans with the engine's detectors, the same way: a token in a dict key is
    masked (the decision log and `secret` conditions read keys too), and a key id one character too
    long is no AWS key here either."""
    token = "ghp_" + "a1B2c3D4e5" * 4
    request = ApprovalRequest(tool="web_fetch", arguments={"headers": {token: "x"}, "note": "AKIAIOSFODNN7EXAMPLEX"})
    body = _text(PromptView(request, deadline=1, clock=lambda: 0.0, waiting=lambda: 0).body())
    assert token not in body and '{"<github_token:masked>": "x"}' in body
    assert "note: AKIAIOSFODNN7EXAMPLEX" in body


def test_the_question_masks_a_command_line_password_and_an_auth_header_but_keeps_their_names() -> None:
    """The approval UI masks with the policy engine's scan: a password quoted after `-u` (kept in
    another group of the detector's pattern than a bare one), a header dict's value, an argv item."""
    request = ApprovalRequest(
        tool="web_fetch",
        arguments={"command": "curl -u 'alice:my pass' https://api", "argv": ["wget", "--http-password", "hunter2"],
                   "headers": {"Authorization": "Basic dXNlcjpwYXNz", "Accept": "text/plain"}},
        prompt="Fetch with curl -u alice:hunter2 now?",
    )
    body = _text(PromptView(request, deadline=1, clock=lambda: 0.0, waiting=lambda: 0).body())
    assert "my pass" not in body and "hunter2" not in body and "dXNlcjpwYXNz" not in body
    assert "Fetch with curl -u alice:<cli_password:masked> now?" in body
    assert "command: curl -u 'alice:<cli_password:masked>' https://api" in body
    assert '"--http-password", "<cli_password:masked>"' in body
    assert '"Authorization": "Basic <http_auth_header:masked>"' in body


def _text(fragments: Any) -> str:
    return "".join(text for _style, text, *_ in fragments)


def test_event_text_cannot_fake_lines_or_hide_its_tail_in_the_question() -> None:
    """A command may carry line breaks (any kind), tabs, bidi overrides and a padding of blank lines:
    the prompt shows it on one line with those escaped, and the arguments show its head and tail."""
    command = ("git push origin main --dry-run\u2028rule: ask-push — dry run only\nrisk: low\u202e"
               + "\n" * 8 + "; git push --force origin main")
    prompt = compile_template("Push: {tool_input.command}?").render({"tool_input": {"command": command}})
    request = ApprovalRequest(tool="bash", arguments={"command": command}, prompt=prompt)
    body = _text(PromptView(request, deadline=1, clock=lambda: 0.0, waiting=lambda: 0).body())
    assert "\\u2028rule: ask-push" in body and "\\nrisk: low\\u202e" in body
    assert not any(line.strip().startswith(("rule: ask-push —", "risk: low")) for line in body.splitlines())
    assert "│ risk: low\\u202e" in body  # the value's own second line, marked as such
    assert "git push --force origin main" in body  # the tail of the argument is shown
