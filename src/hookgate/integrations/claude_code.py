"""The Claude-Code-style hook protocol: a hook payload in, a decision JSON out.

Claude Code runs the hook command before every tool call (``PreToolUse``)
and on every prompt (``UserPromptSubmit``), with one JSON object on stdin.
This module is the pure translation between that protocol and hookgate's
``Decision``; :mod:`hookgate.cli.hook` does the I/O.

Choices, each on the side of safety:

* **Exit codes.** A decision always exits 0 with JSON on stdout. Anything
  else (malformed JSON, an unsupported event, a policy that does not load,
  an internal error) exits **2** with one line on stderr, which Claude Code
  treats as blocking; exit 1 would be non-blocking and let the tool run.
* **Tool names** are Claude's, verbatim (``Bash``, ``Write``, ``mcp__x__y``),
  so a policy for Claude writes ``tool: Bash``. ``tool_names="snake"`` maps
  ``Bash`` → ``bash`` and ``WebFetch`` → ``web_fetch`` (``mcp__`` names are
  kept) for policies written for amplifier-style names.
* **continue** prints nothing: Claude's own permission flow applies.
  **allow** (an explicit ``allow`` rule) answers ``allow``, which skips that flow.
* **modify** answers ``ask`` with ``updatedInput`` by default, so the user
  sees the rewritten input before it runs (``allow`` would approve it
  silently); ``on_modify="allow"`` opts into that. A rewrite of anything but
  ``tool_input`` cannot be expressed in the protocol and denies.
* **UserPromptSubmit** cannot ask or rewrite: an ask or a modify decision
  blocks the prompt and says why; a deny blocks; an inject adds context.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from hookgate.diagnostics import HookgateError
from hookgate.policy.decision import Decision

__all__ = [
    "CLAUDE_TOOLS",
    "EXIT_BLOCK",
    "EXIT_OK",
    "HOOK_EVENTS",
    "MAX_INPUT_BYTES",
    "HookCall",
    "HookInputError",
    "HookReply",
    "ModifyAs",
    "ToolNames",
    "blocked",
    "misnamed_tools",
    "parse_call",
    "reply_for",
    "snake_tool_name",
]

EXIT_OK: Final = 0
#: Claude Code's blocking exit code (stderr is fed back as the reason)
EXIT_BLOCK: Final = 2
#: Claude Code hook event → hookgate event
HOOK_EVENTS: Final[Mapping[str, str]] = {"PreToolUse": "tool:pre", "UserPromptSubmit": "prompt:submit"}
#: largest payload read from stdin (a bigger one is refused, not truncated)
MAX_INPUT_BYTES: Final = 16 * 1024 * 1024

ToolNames = Literal["verbatim", "snake"]
ModifyAs = Literal["ask", "allow"]

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


class HookInputError(HookgateError):
    """The hook payload is not a usable Claude Code hook input."""


@dataclass(frozen=True, slots=True)
class HookCall:
    """One hook invocation, translated: hookgate's ``event`` and ``data``."""

    hook_event: str
    event: str
    data: dict[str, Any]
    session_id: str | None = None


@dataclass(frozen=True, slots=True)
class HookReply:
    """What the command writes and how it exits."""

    exit_code: int
    stdout: str = ""
    stderr: str = ""


def blocked(reason: str) -> HookReply:
    """Fail closed: exit 2 with ``reason`` on one stderr line (Claude shows it and blocks)."""
    line = " ".join(reason.split()) or "blocked"
    return HookReply(EXIT_BLOCK, stderr=f"hookgate: {line}\n")


def snake_tool_name(name: str) -> str:
    """``WebFetch`` → ``web_fetch``; ``mcp__server__tool`` names are left as they are."""
    if name.startswith("mcp__"):
        return name
    return _CAMEL.sub("_", name).lower()


#: Claude Code's own tools, as it names them (MCP tools are ``mcp__server__tool`` in both spellings)
CLAUDE_TOOLS: Final = (
    "Bash", "BashOutput", "Edit", "ExitPlanMode", "Glob", "Grep", "KillShell", "LS", "MultiEdit", "NotebookEdit",
    "NotebookRead", "Read", "SlashCommand", "Task", "TodoWrite", "WebFetch", "WebSearch", "Write",
)


#: other hosts' names for Claude Code's tools (amplifier's, the bundled policies'), as policies often use them
OTHER_HOSTS_NAMES: Final = {
    "read_file": "Read", "write_file": "Write", "edit_file": "Edit", "list_directory": "LS", "ls": "LS",
    "notebook_read": "NotebookRead", "fetch": "WebFetch", "web_search": "WebSearch", "search": "Grep",
}


def misnamed_tools(selected: Mapping[str, frozenset[str]], tool_names: ToolNames) -> list[str]:
    """Rules that select a Claude tool only by a spelling this hook does not send (``bash`` while
    Claude's names are kept verbatim, ``Bash`` with ``snake``, amplifier's ``read_file`` either way):
    they could never fire, silently. ``selected``: rule id -> the exact tool names it selects.
    One sentence per rule."""
    def spelled(tool: str) -> str:
        return tool if tool_names == "verbatim" else snake_tool_name(tool)

    # a spelling this hook does not send -> the one it sends instead
    sent_as = {name: spelled(tool) for name, tool in OTHER_HOSTS_NAMES.items()}
    sent_as.update({snake_tool_name(t): t for t in CLAUDE_TOOLS} if tool_names == "verbatim"
                   else {t: snake_tool_name(t) for t in CLAUDE_TOOLS})
    sent_as = {name: to for name, to in sent_as.items() if name != to}
    out = []
    for rule_id, names in selected.items():
        for name in sorted(names):
            sent = sent_as.get(name)
            if sent is not None and sent not in names:
                out.append(f"rule `{rule_id}` selects `{name}`, which this hook sends as `{sent}`")
    return out


# -- input ---------------------------------------------------------------------------------------------


def parse_call(text: str | bytes, *, tool_names: ToolNames = "verbatim") -> HookCall:
    """Validate a hook payload and map it to hookgate's event data; raises :class:`HookInputError`."""
    if len(text) > MAX_INPUT_BYTES:
        raise HookInputError(f"hook input is larger than {MAX_INPUT_BYTES} bytes")
    try:
        payload = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise HookInputError(f"hook input is not valid json: {exc}") from None
    if not isinstance(payload, dict):
        raise HookInputError(f"hook input must be a json object, not {_kind(payload)}")
    name = _string(payload, "hook_event_name", required=True)
    assert name is not None
    event = HOOK_EVENTS.get(name)
    if event is None:
        supported = ", ".join(f"`{n}`" for n in HOOK_EVENTS)
        raise HookInputError(f"unsupported hook event `{name}`; hookgate handles {supported}")
    common = {k: v for k in ("cwd", "session_id") if (v := _string(payload, k)) is not None}
    if event == "tool:pre":
        data = _tool_data(payload, tool_names)
    else:
        data = {"prompt": _string(payload, "prompt", required=True)}
    return HookCall(name, event, {**data, **common}, common.get("session_id"))


def _tool_data(payload: Mapping[str, Any], tool_names: ToolNames) -> dict[str, Any]:
    tool = _string(payload, "tool_name", required=True)
    assert tool is not None
    if not tool:
        raise HookInputError("`tool_name` is empty")
    tool_input = payload.get("tool_input")
    if not isinstance(tool_input, dict):
        raise HookInputError(f"`tool_input` must be a json object, not {_kind(tool_input)}")
    name = snake_tool_name(tool) if tool_names == "snake" else tool
    return {"tool_name": name, "tool_input": tool_input}


def _string(payload: Mapping[str, Any], key: str, *, required: bool = False) -> str | None:
    value = payload.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        what = "missing" if value is None else f"{_kind(value)}, not a string"
        raise HookInputError(f"hook input field `{key}` is {what}")
    return value


def _kind(value: object) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number"
    )


# -- output --------------------------------------------------------------------------------------------


def reply_for(call: HookCall, decision: Decision, *, on_modify: ModifyAs = "ask") -> HookReply:
    """The protocol answer for ``decision`` (see the module docstring for the mapping)."""
    if call.event == "prompt:submit":
        return _prompt_reply(decision)
    return _tool_reply(call, decision, on_modify)


def _tool_reply(call: HookCall, decision: Decision, on_modify: ModifyAs) -> HookReply:
    effect = decision.effect
    out: dict[str, Any] = {"hookEventName": call.hook_event}
    updated = _updated_input(call, decision) if decision.data is not None and effect != "deny" else None
    if isinstance(updated, str):  # a rewrite the protocol cannot carry: fail closed
        return _json({"hookEventName": call.hook_event, "permissionDecision": "deny",
                      "permissionDecisionReason": updated})
    if effect == "deny":
        out.update(permissionDecision="deny", permissionDecisionReason=decision.reason or _named(decision, "denied"))
    elif effect == "ask_user":
        out.update(permissionDecision="ask", permissionDecisionReason=_ask_reason(decision))
    elif effect == "modify" and updated is not None:
        out.update(permissionDecision=on_modify, permissionDecisionReason=_named(decision, "input rewritten"))
    elif effect == "allow":
        out.update(permissionDecision="allow", permissionDecisionReason=decision.reason or _named(decision, "allowed"))
    if updated is not None:
        out["updatedInput"] = updated
    context = _context(decision)
    if context:
        out["additionalContext"] = context
    if len(out) == 1:
        return HookReply(EXIT_OK)  # continue: Claude's own permission flow applies
    return _json(out, system_message=decision.user_message)


def _prompt_reply(decision: Decision) -> HookReply:
    effect = decision.effect
    if effect == "deny":
        return _json_top({"decision": "block", "reason": decision.reason or _named(decision, "denied")})
    if effect == "ask_user":
        why = _ask_reason(decision)
        return _json_top({"decision": "block", "reason": f"{why} (a submitted prompt cannot be approved from a "
                          "hook, so it is blocked)"})
    if decision.data is not None:
        return _json_top({"decision": "block", "reason": f"{_named(decision, 'blocked')}: the rule rewrites the "
                          "prompt, which a UserPromptSubmit hook cannot do, so the prompt is blocked"})
    context = _context(decision)
    if context:
        return _json({"hookEventName": "UserPromptSubmit", "additionalContext": context})
    return HookReply(EXIT_OK)


def _updated_input(call: HookCall, decision: Decision) -> dict[str, Any] | str:
    """The rewritten ``tool_input``, or why the rewrite cannot be expressed (a string)."""
    data = decision.data or {}
    changed = sorted(k for k in {*data, *call.data} if k != "tool_input" and data.get(k) != call.data.get(k))
    if changed:
        shown = ", ".join(f"`{k}`" for k in changed)
        return (f"{_named(decision, 'denied')}: the rule rewrites {shown}, which Claude Code cannot apply; "
                "only `tool_input` can be rewritten, so the call is denied (fail closed)")
    tool_input = data.get("tool_input")
    if not isinstance(tool_input, dict):
        return f"{_named(decision, 'denied')}: the rewritten `tool_input` is not an object; denied (fail closed)"
    return tool_input


def _ask_reason(decision: Decision) -> str:
    ask = decision.approval
    reason = decision.reason or _named(decision, "approval required")
    return f"{ask.prompt} ({reason})" if ask is not None and ask.prompt else reason


def _named(decision: Decision, what: str) -> str:
    rules = ", ".join(f"`{r}`" for r in decision.rules)
    return f"{what} by rule {rules}" if decision.rules else what


def _context(decision: Decision) -> str:
    return "\n\n".join(i.text for i in decision.injections if i.text)


def _json(specific: dict[str, Any], *, system_message: str | None = None) -> HookReply:
    body: dict[str, Any] = {"hookSpecificOutput": specific}
    if system_message:
        body["systemMessage"] = system_message
    return _json_top(body)


def _json_top(body: dict[str, Any]) -> HookReply:
    return HookReply(EXIT_OK, stdout=json.dumps(body, separators=(",", ":"), default=str) + "\n")
