"""The prompt-toolkit view of one approval question: text, key legend, countdown, message box.

Kept apart from :mod:`terminal` (which owns queueing, cancellation and the
non-TTY fallback) so the layout and key map can be read in one place.
Only choices the broker offered get keys; Enter does nothing (a stray
Enter must neither approve nor silently deny), Ctrl-C denies.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from prompt_toolkit.application import Application
from prompt_toolkit.buffer import Buffer
from prompt_toolkit.filters import Condition
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.input import Input
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.layout import ConditionalContainer, HSplit, Layout, Window
from prompt_toolkit.layout.controls import BufferControl, FormattedTextControl
from prompt_toolkit.output import Output

from hookgate.approval.models import ApprovalRequest, ChannelAnswer, GrantPattern
from hookgate.approval.render import render_request

__all__ = ["Choice", "PromptView", "choices_for"]


@dataclass(frozen=True, slots=True)
class Choice:
    key: str
    label: str
    answer: ChannelAnswer | None  # None: deny with a message (asks for the text first)


def _pattern_choices(pattern: GrantPattern, scopes: tuple[str, ...]) -> list[Choice]:
    out: list[Choice] = []
    if "session" in scopes:
        out.append(Choice("p", f"allow for this session: {pattern.describe()}",
                          ChannelAnswer(decision="allow", scope="session", pattern=pattern, approver="terminal")))
    if "persistent" in scopes:
        out.append(Choice("P", f"allow always: {pattern.describe()}",
                          ChannelAnswer(decision="allow", scope="persistent", pattern=pattern, approver="terminal")))
    return out


def choices_for(request: ApprovalRequest) -> list[Choice]:
    """The keys this request offers (only scopes and patterns the broker allowed)."""
    allow = {"once": ("a", "allow once"), "session": ("s", "allow for this session"),
             "persistent": ("A", "allow always (these exact arguments)")}
    out = [Choice(key, label, ChannelAnswer(decision="allow", scope=scope, approver="terminal"))
           for scope, (key, label) in allow.items() if scope in request.scopes]
    if request.patterns:
        out += _pattern_choices(request.patterns[0], request.scopes)
    out.append(Choice("d", "deny", ChannelAnswer(decision="deny", approver="terminal")))
    out.append(Choice("m", "deny with a message for the agent", None))
    return out


class PromptView:
    """Builds the Application for one request; its result is the approver's :class:`ChannelAnswer`."""

    def __init__(
        self, request: ApprovalRequest, *, deadline: float, clock: Callable[[], float], waiting: Callable[[], int]
    ) -> None:
        self.request = request
        self.choices = choices_for(request)
        self.mode = "choose"
        self.notice = ""
        self._deadline = deadline
        self._clock = clock
        self._waiting = waiting
        self.buffer = Buffer(multiline=False, accept_handler=self._send_message)
        self._app: Application[ChannelAnswer] | None = None

    # -- rendering ------------------------------------------------------------------------------------

    def body(self) -> StyleAndTextTuples:
        out: StyleAndTextTuples = [("bold fg:ansiyellow", "hookgate: approval needed\n")]
        out += [("", f"  {line}\n") for line in render_request(self.request)]
        if self.mode == "message":
            out.append(("bold", "\nmessage for the agent (Enter sends the denial, Esc goes back):"))
            return out
        out.append(("", "\n"))
        out += [("", "  "), *[t for c in self.choices for t in (("bold", f"[{c.key}]"), ("", f" {c.label}\n  "))]]
        return out

    def status(self) -> StyleAndTextTuples:
        left = max(0, math.ceil(self._deadline - self._clock()))
        text = f"auto-{self.request.default} in {left}s"
        waiting = self._waiting()
        if waiting:
            text += f" · {waiting} more waiting"
        if self.notice:
            text += f" · {self.notice}"
        return [("reverse", f" {text} ")]

    # -- behaviour -------------------------------------------------------------------------------------

    def _finish(self, answer: ChannelAnswer) -> None:
        if self._app is not None and self._app.is_running and not self._app.is_done:
            self._app.exit(result=answer)

    def _send_message(self, buffer: Buffer) -> bool:
        text = buffer.text.strip()
        self._finish(ChannelAnswer(decision="deny", message=text or None, approver="terminal"))
        return False

    def _bindings(self) -> KeyBindings:
        kb = KeyBindings()
        choosing = Condition(lambda: self.mode == "choose")
        for choice in self.choices:
            kb.add(choice.key, filter=choosing)(self._choose_handler(choice))

        @kb.add("enter", filter=choosing)
        def _enter(event: KeyPressEvent) -> None:
            self.notice = "Enter does nothing here; press one of the keys shown"

        @kb.add("escape", filter=~choosing)
        def _back(event: KeyPressEvent) -> None:
            self.mode = "choose"
            event.app.layout.focus(self._idle)

        @kb.add("c-c")
        @kb.add("c-d", filter=choosing)
        def _interrupt(event: KeyPressEvent) -> None:
            self._finish(ChannelAnswer(decision="deny", message="interrupted at the terminal", approver="terminal"))

        return kb

    def _choose_handler(self, choice: Choice) -> Callable[[KeyPressEvent], None]:
        def handler(event: KeyPressEvent) -> None:
            if choice.answer is not None:
                self._finish(choice.answer)
                return
            self.mode = "message"
            event.app.layout.focus(self._entry)

        return handler

    def application(
        self, *, input: Input | None, output: Output | None, refresh_interval: float
    ) -> Application[ChannelAnswer]:
        self._idle = Window(FormattedTextControl(self.body, focusable=True), wrap_lines=True, dont_extend_height=True)
        self._entry = Window(BufferControl(self.buffer), height=1)
        typing = Condition(lambda: self.mode == "message")
        status = Window(FormattedTextControl(self.status), height=1)
        root = HSplit([self._idle, ConditionalContainer(self._entry, filter=typing), status])
        self._app = Application(
            layout=Layout(root, focused_element=self._idle), key_bindings=self._bindings(), input=input,
            output=output, refresh_interval=refresh_interval, erase_when_done=True, full_screen=False,
        )
        return self._app
