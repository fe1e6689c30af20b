"""``hookgate replay SESSION.jsonl --policy P… [--format text|json]``: what a policy would have done.

Runs a recorded session log (the logging hook's JSONL) through policies and
prints one line per event that would have been denied, asked, rewritten,
injected or allowed, then the counts by effect. Exit 0 when every event
would simply have continued, 1 when something would have been gated or a
line could not be read, 2 for usage errors (missing files).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from hookgate.cli.common import EXIT_CLEAN, EXIT_FINDINGS, UsageError, no_traceback
from hookgate.diagnostics import display_path

__all__ = ["HELP", "configure", "run"]

HELP = "Replay a recorded session log (JSONL) through policies and summarise what they would have done."


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("session", metavar="SESSION.jsonl", help="event log written by the logging hook")
    parser.add_argument("--policy", action="extend", nargs="+", required=True, metavar="P", help="policy files")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")


@no_traceback
def run(args: argparse.Namespace) -> int:
    from hookgate.integrations.replay import render_text, replay_file
    from hookgate.policy.api import compile_files

    for p in (*args.policy, args.session):
        if not Path(p).is_file():
            raise UsageError(f"no such file `{display_path(p)}`")
    plan = compile_files(args.policy)  # a DiagnosticError goes to the dispatcher, which prints every diagnostic
    report = replay_file(plan, args.session)
    if args.format == "json":
        print(json.dumps(report.to_dict(), indent=2, default=str))
    else:
        print(render_text(report))
    return EXIT_FINDINGS if report.findings else EXIT_CLEAN
