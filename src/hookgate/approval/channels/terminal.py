"""The terminal channel: one prompt-toolkit question at a time, with a live countdown.

It runs inside the host's event loop (``Application.run_async``), shows the
tool, its masked and folded arguments, the rule and reason, the grant
options (a narrower pattern is spelled out before it can be accepted) and
"auto-deny in 12s". Concurrent requests queue behind one lock and are never
interleaved. When the broker cancels it (timeout, agent cancelled) the
application exits and the terminal is restored before the cancel proceeds.
When stdin is not a terminal it never waits: it applies the configured
non-interactive default and says so on stderr.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import termios
from typing import TextIO

from prompt_toolkit.application import Application
from prompt_toolkit.application.current import get_app_session
from prompt_toolkit.formatted_text import FormattedText
from prompt_toolkit.input import Input
from prompt_toolkit.output import Output
from prompt_toolkit.shortcuts import print_formatted_text

from hookgate.approval.channels.terminal_ui import PromptView
from hookgate.approval.models import ApprovalRequest, ChannelAnswer, Default

__all__ = ["TerminalChannel"]


class TerminalChannel:
    """Ask on a terminal; ``input``/``output`` default to the current prompt-toolkit app session's."""

    name = "terminal"

    def __init__(
        self,
        *,
        input: Input | None = None,
        output: Output | None = None,
        interactive: bool | None = None,
        non_interactive_default: Default = "deny",
        stderr: TextIO | None = None,
        refresh_interval: float = 0.2,
        flush_typeahead: bool = True,
    ) -> None:
        self._input = input
        self._output = output
        self._interactive = interactive
        self._non_interactive_default = non_interactive_default
        self._stderr = stderr
        self._refresh = refresh_interval
        self._flush = flush_typeahead
        self._lock = asyncio.Lock()
        self._waiting = 0
        #: the request on screen right now (None between prompts); prompts are never interleaved
        self.showing: ApprovalRequest | None = None

    def is_interactive(self) -> bool:
        """An explicit setting, else: an input was given (here or by the app session), else stdin is a TTY."""
        if self._interactive is not None:
            return self._interactive
        if self._input is not None or getattr(get_app_session(), "_input", None) is not None:
            return True
        try:
            return sys.stdin is not None and sys.stdin.isatty()
        except (ValueError, OSError):
            return False

    async def ask(self, request: ApprovalRequest, *, deadline: float) -> ChannelAnswer:
        if not self.is_interactive():
            return self._non_interactive(request)
        self._waiting += 1
        try:
            await self._lock.acquire()
        finally:
            self._waiting -= 1
        try:
            return await self._run(request, deadline)
        finally:
            self._lock.release()

    def _non_interactive(self, request: ApprovalRequest) -> ChannelAnswer:
        decision = self._non_interactive_default
        if decision == "allow" and "once" not in request.scopes:
            decision = "deny"
        rule = f" (rule `{request.rule_id}`)" if request.rule_id else ""
        stream = self._stderr or sys.stderr
        print(f"hookgate: stdin is not a terminal; applying the non-interactive default `{decision}` "
              f"to `{request.tool}`{rule}", file=stream, flush=True)
        message = None if decision == "allow" else "stdin is not a terminal; denied by the non-interactive default"
        return ChannelAnswer(decision=decision, message=message, approver="terminal:non-interactive")

    async def _run(self, request: ApprovalRequest, deadline: float) -> ChannelAnswer:
        loop = asyncio.get_running_loop()
        view = PromptView(request, deadline=deadline, clock=loop.time, waiting=lambda: self._waiting)
        app: Application[ChannelAnswer] = view.application(
            input=self._input, output=self._output, refresh_interval=self._refresh
        )
        if self._flush:
            _discard_typeahead(app.input)

        def shown() -> None:
            self.showing = request

        task = asyncio.ensure_future(app.run_async(pre_run=shown, handle_sigint=False, set_exception_handler=False))
        try:
            answer = await asyncio.shield(task)
        except asyncio.CancelledError:
            await _stop(app, task)
            late = loop.time() >= deadline
            self._say(app, f"no answer in time; the default `{request.default}` applies" if late
                      else "approval request cancelled", style="fg:ansiyellow")
            raise
        finally:
            self.showing = None
        self._say(app, _summary(answer), style="fg:ansigreen" if answer.decision == "allow" else "fg:ansired")
        return answer

    @staticmethod
    def _say(app: Application[ChannelAnswer], text: str, *, style: str) -> None:
        with contextlib.suppress(Exception):
            print_formatted_text(FormattedText([(style, f"hookgate: {text}")]), output=app.output)


def _summary(answer: ChannelAnswer) -> str:
    if answer.decision == "deny":
        return f"denied — message for the agent: {answer.message}" if answer.message else "denied"
    what = {"once": "allowed once", "session": "allowed for this session", "persistent": "allowed always"}
    suffix = f" for {answer.pattern.describe()}" if answer.pattern else ""
    return what[answer.scope] + suffix


async def _stop(app: Application[ChannelAnswer], task: asyncio.Future[ChannelAnswer]) -> None:
    """Exit the application (restoring the terminal) and wait a bounded time for it to finish."""
    if not task.done():
        with contextlib.suppress(Exception):
            app.exit(exception=asyncio.CancelledError())
    try:
        await asyncio.wait({task}, timeout=1.0)
    except asyncio.CancelledError:  # cancelled again while cleaning up: the exit above still completes
        task.add_done_callback(_retrieve)
        raise
    if not task.done():
        task.cancel()
    elif not task.cancelled():
        task.exception()  # retrieved, so it is not reported as unhandled


def _retrieve(task: asyncio.Future[ChannelAnswer]) -> None:
    if not task.cancelled():
        task.exception()


def _discard_typeahead(terminal_input: Input) -> None:
    """Drop keys typed before the question appeared, so a stray ``a`` cannot approve it."""
    with contextlib.suppress(Exception):
        fd = terminal_input.fileno()
        if os.isatty(fd):
            termios.tcflush(fd, termios.TCIFLUSH)
