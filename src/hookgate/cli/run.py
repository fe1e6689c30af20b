"""``hookgate run PLAN --events FILE.jsonl``: mount a plan's hooks and drive a recorded session through them.

Unlike ``hookgate replay`` (which only evaluates policies), this runs the
real stack the plan describes: every ``hooks:`` entry mounted in order
(third-party modules too), each event emitted through the registry,
approvals resolved by the configured channel (or ``--approvals``), the
decision log written. One line per event says what happened and why.

Exit 0 when every event went through, 1 when an event was denied or a line
could not be read (or the plan does not mount: its diagnostics are
printed), 2 for usage errors.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from pathlib import Path
from typing import Any

from hookgate.cli.common import EXIT_CLEAN, EXIT_FINDINGS, UsageError, no_traceback
from hookgate.diagnostics import display_path

__all__ = ["HELP", "configure", "run"]

HELP = "mount a mount plan's hooks and drive a recorded session (JSONL) through them, reporting every decision"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("plan", metavar="PLAN", help="mount plan (YAML or JSON)")
    parser.add_argument(
        "--events",
        required=True,
        metavar="FILE.jsonl",
        help='session events, one {"event": "tool:pre", "data": {...}} per line',
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    parser.add_argument(
        "--approvals",
        choices=("plan", "deny", "allow"),
        default="plan",
        help="who answers approvals: the plan's channel (default), or deny / allow every ask",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log each module's registrations to stderr")


@no_traceback
def run(args: argparse.Namespace) -> int:
    for path in (args.plan, args.events):
        if not Path(path).is_file():
            raise UsageError(f"no such file `{display_path(path)}`")
    if args.verbose:
        logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s", stream=sys.stderr)
    return asyncio.run(_run(args))


async def _run(args: argparse.Namespace) -> int:
    from hookgate.diagnostics import Diagnostic
    from hookgate.integrations.replay import read_session
    from hookgate.runtime import mount_plan
    from hookgate.runtime.report import Style, render_run, run_dict
    from hookgate.runtime.session import SessionEvent, drive
    from hookgate.runtime.tap import DecisionTap

    items = list(read_session(args.events))
    problems = [item for item in items if isinstance(item, Diagnostic)]
    events = [SessionEvent(i.event, i.data, i.line) for i in items if not isinstance(i, Diagnostic)]
    tap = DecisionTap()
    mounted = await mount_plan(args.plan, tap=tap, channel=_channel(args.approvals))
    try:
        steps = [step async for step in drive(mounted.coordinator, events, tap=tap)]
    finally:
        await mounted.cleanup()
    if args.format == "json":
        print(json.dumps(run_dict(args.plan, mounted.hooks, steps, problems), indent=2, default=str))
    else:
        sys.stdout.write(render_run(args.plan, mounted.hooks, steps, problems, Style.for_stream(sys.stdout)))
    denied = any(step.final.action == "deny" for step in steps)
    return EXIT_FINDINGS if denied or problems else EXIT_CLEAN


def _channel(choice: str) -> Any:
    if choice == "plan":
        return None
    from hookgate.approval import NonInteractiveChannel

    if choice == "deny":
        return NonInteractiveChannel(name="hookgate-run:deny")
    return _AllowAll()


class _AllowAll:
    """``--approvals allow``: grant every ask once (for exploring what a plan would let through)."""

    name = "hookgate-run:allow"

    async def ask(self, request: Any, *, deadline: float) -> Any:
        from hookgate.approval import ChannelAnswer

        return ChannelAnswer(decision="allow", scope="once", approver=self.name)
