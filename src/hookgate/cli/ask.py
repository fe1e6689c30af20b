"""``hookgate ask``: put approval requests to the terminal, print each outcome as one JSON line.

For shell-script hosts and for driving the terminal channel through a real
pseudo-terminal. The request comes from flags or ``--request FILE`` (one
request or a list, asked in order within one session, so a session grant
given to the first covers identical later ones) — never from stdin, which
is the keyboard. The question is drawn on stderr; stdout carries only JSON.

Exit 0 when every request may proceed (granted, or timed out with an
explicit ``--default allow``); 1 when any was denied, timed out to deny,
cancelled or failed, and on bad input (an ``error`` outcome is printed too).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from hookgate.approval import ApprovalBroker, ApprovalRequest, ApprovalResponse, GrantPattern, GrantStore
from hookgate.approval.grantfile import default_grants_path
from hookgate.diagnostics import Diagnostic, DiagnosticError, Location
from hookgate.load import load_yaml_file, validate_document

__all__ = ["HELP", "configure", "run"]

HELP = "ask for approval on the terminal and print the outcome as JSON"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--request", metavar="FILE", help="JSON/YAML file with one request or a list of requests")
    parser.add_argument("--tool", help="tool name (when no --request)")
    parser.add_argument("--args", metavar="JSON", default="{}", help="tool arguments as a JSON object")
    parser.add_argument("--rule", help="id of the rule that asks")
    parser.add_argument("--reason", help="why the rule asks")
    parser.add_argument("--risk", choices=["low", "medium", "high", "critical"])
    parser.add_argument("--prompt", help="question text (shown with secrets masked)")
    parser.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS", help="default: 60")
    parser.add_argument("--default", choices=["deny", "allow"], default="deny", help="what a timeout applies")
    parser.add_argument("--pattern", action="append", default=[], metavar="FIELD=GLOB",
                        help="offer a narrower grant: the argument FIELD matching GLOB (repeatable)")
    parser.add_argument("--grants", metavar="FILE", help=f"persistent grants file (default: {default_grants_path()})")
    parser.add_argument("--no-persist", action="store_true", help="do not offer or read 'allow always' grants")
    parser.add_argument("--non-interactive-default", choices=["deny", "allow"], default="deny",
                        help="what applies when stdin is not a terminal (default: deny)")


def _flag_error(flag: str, message: str, column: int = 1) -> DiagnosticError:
    return DiagnosticError([Diagnostic("ask.bad_flag", message, Location(f"<{flag}>", 1, column))])


def _patterns(args: argparse.Namespace, tool: str) -> tuple[GrantPattern, ...]:
    out = []
    for spec in args.pattern:
        field, sep, glob = spec.partition("=")
        if not sep or not field or not glob:
            raise _flag_error("--pattern", f"`{spec}` is not `FIELD=GLOB`")
        out.append(GrantPattern(tool=tool, field=field, glob=glob))
    return tuple(out)


def _from_flags(args: argparse.Namespace) -> ApprovalRequest:
    if not args.tool:
        raise _flag_error("--tool", "give `--tool` (and optionally `--args`), or `--request FILE`")
    try:
        arguments: Any = json.loads(args.args)
    except json.JSONDecodeError as exc:
        raise _flag_error("--args", f"invalid json: {exc.msg.lower()}", exc.colno) from None
    if not isinstance(arguments, dict):
        raise _flag_error("--args", "`--args` must be a json object")
    try:
        return ApprovalRequest(
            tool=args.tool, arguments=arguments, rule_id=args.rule, reason=args.reason, risk=args.risk,
            prompt=args.prompt, timeout=args.timeout, default=args.default, patterns=_patterns(args, args.tool),
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "request"
        raise _flag_error("flags", f"`{where}`: {first['msg'].lower()}") from None


def _from_file(path: str) -> list[ApprovalRequest]:
    doc = load_yaml_file(path)
    if isinstance(doc.data, list):
        return [validate_document(ApprovalRequest, doc, prefix=(i,)) for i in range(len(doc.data))]
    return [validate_document(ApprovalRequest, doc)]


def _terminal_output() -> Any:
    from prompt_toolkit.output import create_output

    return create_output(stdout=sys.stderr)


async def _ask_all(broker: ApprovalBroker, requests: list[ApprovalRequest]) -> list[ApprovalResponse]:
    return [await broker.ask(request) for request in requests]


def _print(response: ApprovalResponse) -> None:
    print(json.dumps(response.model_dump(mode="json"), sort_keys=True), flush=True)


def run(args: argparse.Namespace) -> int:
    from hookgate.approval.channels.terminal import TerminalChannel

    try:
        requests = _from_file(args.request) if args.request else [_from_flags(args)]
    except DiagnosticError as exc:
        print(str(exc), file=sys.stderr)
        _print(ApprovalResponse(request_id="-", outcome="error", allowed=False, message=exc.diagnostics[0].message))
        return 1
    grants = GrantStore(None if args.no_persist else Path(args.grants or default_grants_path()))
    for problem in grants.problems:
        print(problem.render(), file=sys.stderr)
    interactive = sys.stdin.isatty()
    channel = TerminalChannel(output=_terminal_output() if interactive else None, interactive=interactive,
                              non_interactive_default=args.non_interactive_default)
    # the default is explicit here (a flag, or `default:` in the file), so an `allow` default is honoured
    broker = ApprovalBroker(channel, grants=grants, max_default="allow")
    responses = asyncio.run(_ask_all(broker, requests))
    for response in responses:
        _print(response)
    return 0 if all(r.allowed for r in responses) else 1


def main(argv: list[str] | None = None) -> int:
    """Standalone entry (``python -m hookgate.cli.ask``) for before the dispatcher registers ``ask``."""
    parser = argparse.ArgumentParser(prog="hookgate ask", description=HELP)
    configure(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
