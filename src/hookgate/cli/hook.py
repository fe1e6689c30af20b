"""``hookgate hook claude-code --policy P… [--log FILE]``: the hook command a Claude-Code-style host runs.

It reads one hook payload (``PreToolUse`` or ``UserPromptSubmit``) on stdin,
evaluates it against the policies and writes the documented decision JSON.
It never exits 1 (non-blocking: the tool would run) and never prints a
traceback: every failure, from malformed input to a policy that does not
load, exits 2 with one line on stderr, which blocks the call. See
:mod:`hookgate.integrations.claude_code` for the protocol mapping.

Runs before every tool call, so it imports only what it uses: the policy
compiler when there is a payload to judge, the decision log only with ``--log``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from typing import Any, BinaryIO, TextIO

from hookgate.integrations.claude_code import (
    MAX_INPUT_BYTES,
    HookCall,
    HookInputError,
    HookReply,
    blocked,
    misnamed_tools,
    parse_call,
    reply_for,
)

__all__ = ["HELP", "configure", "handle", "run"]

HELP = "Run as a host's hook command (claude-code: hook payload on stdin, decision JSON on stdout)."


def configure(parser: argparse.ArgumentParser) -> None:
    hosts = parser.add_subparsers(dest="host", metavar="HOST", required=True)
    claude = hosts.add_parser(
        "claude-code", help="Claude Code's PreToolUse / UserPromptSubmit hook protocol",
        description="Read a Claude Code hook payload on stdin and print the decision JSON. Exit 0 with a "
        "decision, 2 (blocking) on any error.",
    )
    claude.add_argument("--policy", action="extend", nargs="+", required=True, metavar="P", help="policy files")
    claude.add_argument("--log", metavar="FILE", help="append a decision record (JSONL) per call")
    claude.add_argument("--tool-names", choices=("verbatim", "snake"), default="verbatim",
                        help="tool names as policies see them: Claude's own (`Bash`, the default) or snake case "
                        "(`bash`, `web_fetch`)")
    claude.add_argument("--on-modify", choices=("ask", "allow"), default="ask",
                        help="permission decision sent with a rewritten input (default: ask the user)")


def run(args: argparse.Namespace) -> int:
    """Answer one hook call; anything unexpected blocks (exit 2), nothing escapes to the dispatcher."""
    try:
        reply = handle(_read(sys.stdin), args.policy, log=args.log, tool_names=args.tool_names,
                       on_modify=args.on_modify)
    except (Exception, KeyboardInterrupt) as exc:  # fail closed, in one line, whatever happened
        reply = blocked(f"internal error: {type(exc).__name__}: {exc}")
    return _write(reply, sys.stdout, sys.stderr)


def handle(text: str | bytes, policies: Sequence[str], *, log: str | None = None, tool_names: Any = "verbatim",
           on_modify: Any = "ask") -> HookReply:
    """The reply for one payload: parse, compile, evaluate, translate (and log)."""
    started = time.perf_counter_ns()
    try:
        call = parse_call(text, tool_names=tool_names)
    except HookInputError as exc:
        return blocked(f"malformed hook input: {exc}")
    plan = _compile(policies)
    if isinstance(plan, HookReply):
        return plan
    misnamed = misnamed_tools({r.id: r.tools.exact for r in plan.rules if r.tools is not None}, tool_names)
    if misnamed:  # a rule that can never fire is a policy that does not do what it says: block, as for errors
        more = f" (and {len(misnamed) - 1} more)" if len(misnamed) > 1 else ""
        flag = "snake" if tool_names == "verbatim" else "verbatim"
        return blocked(f"policy does not fit Claude Code: {misnamed[0]}{more}; select both spellings, "
                       f"or run with --tool-names {flag}")
    decision = plan.evaluate(call.event, call.data)
    reply = reply_for(call, decision, on_modify=on_modify)
    if log:
        _log(log, call, decision, policies, time.perf_counter_ns() - started)
    return reply


def _compile(policies: Sequence[str]) -> Any:
    from hookgate.diagnostics import DiagnosticError
    from hookgate.policy.api import compile_files

    try:
        return compile_files(policies)
    except DiagnosticError as exc:
        first = exc.diagnostics[0].render().splitlines()[0] if exc.diagnostics else "no details"
        more = len([d for d in exc.diagnostics if d.is_error]) - 1
        extra = f" (and {more} more)" if more > 0 else ""
        return blocked(f"policy does not load: {first}{extra}")
    except OSError as exc:
        return blocked(f"policy does not load: {exc}")


def _log(path: str, call: HookCall, decision: Any, policies: Sequence[str], latency_ns: int) -> None:
    from hookgate.audit import DecisionLog

    with DecisionLog(path) as log:
        log.record(event=call.event, data=call.data, decision=decision, latency_ns=latency_ns,
                   session_id=call.session_id, host="claude-code", policy=list(policies))


def _read(stream: TextIO) -> bytes:
    buffer: BinaryIO | None = getattr(stream, "buffer", None)
    if buffer is not None:
        return buffer.read(MAX_INPUT_BYTES + 1)
    return stream.read(MAX_INPUT_BYTES + 1).encode()


def _write(reply: HookReply, stdout: TextIO, stderr: TextIO) -> int:
    try:
        if reply.stdout:
            stdout.write(reply.stdout)
            stdout.flush()
    except (OSError, ValueError):  # the host stopped reading: say so and block
        reply = blocked("cannot write the decision to stdout")
    if reply.stderr:
        try:
            stderr.write(reply.stderr)
            stderr.flush()
        except (OSError, ValueError):
            pass
    return reply.exit_code
