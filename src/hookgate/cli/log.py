"""``hookgate log summary FILE…``: what the decision log says happened.

Exit codes: 0 report printed (bad lines are warnings on stderr); 1 bad lines
were found and ``--strict`` was given; 2 a file could not be read.
"""

from __future__ import annotations

import argparse
import json
import sys

from hookgate.audit.read import expand_rotated, read_records
from hookgate.audit.render import render_summary
from hookgate.audit.summary import summarize
from hookgate.diagnostics import Diagnostic

__all__ = ["HELP", "configure", "run"]

HELP = "Summarise decision logs: decisions by effect, top rules, approval outcomes, latency."
#: bad lines shown on stderr before the rest are only counted
MAX_WARNINGS = 20


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="log_command", metavar="ACTION", required=True)
    summary = actions.add_parser("summary", help=HELP, description=HELP)
    summary.add_argument(
        "files", nargs="+", metavar="FILE", help="decision log (JSONL); its rotated backups are read too"
    )
    summary.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    summary.add_argument("--top", type=_positive, default=10, metavar="N", help="rules to list (default: 10)")
    summary.add_argument("--strict", action="store_true", help="exit 1 if any line is malformed")
    summary.add_argument("--no-backups", action="store_true", help="read only the named files, not FILE.1, FILE.2, …")


def run(args: argparse.Namespace) -> int:
    files = list(args.files) if args.no_backups else [str(p) for p in expand_rotated(args.files)]
    problems: list[Diagnostic] = []
    try:
        summary = summarize(read_records(files, problems=problems), files=files, top=args.top)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        print(f"hookgate: error: cannot read `{exc.filename}`: {reason.lower()}", file=sys.stderr)
        return 2
    summary = summary.model_copy(update={"malformed": len(problems)})
    _warn(problems)
    if args.format == "json":
        print(json.dumps(summary.model_dump(mode="json"), ensure_ascii=False))
    else:
        print(render_summary(summary), end="")
    return 1 if args.strict and problems else 0


def _warn(problems: list[Diagnostic]) -> None:
    for problem in problems[:MAX_WARNINGS]:
        print(problem.render(), file=sys.stderr)
    if len(problems) > MAX_WARNINGS:
        print(f"hookgate: … and {len(problems) - MAX_WARNINGS} more malformed lines", file=sys.stderr)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, not `{text}`") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, not `{text}`")
    return value
