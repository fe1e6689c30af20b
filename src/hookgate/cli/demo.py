"""``hookgate demo``: the first thing to run: a scripted agent session through the bundled demo plan.

No network, no LLM, a few seconds. Shows a deny, a secret redacted before a
model request, a context injection and an approval (asked on the terminal
when stdin is one; otherwise the rule's default applies), then the
decision-log summary. The log is written to a new temporary folder, named
in the output.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from hookgate.cli.common import no_traceback

__all__ = ["HELP", "configure", "run"]

HELP = "run a scripted agent session through the bundled demo plan: deny, redact, inject, ask, then the log summary"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--log-dir", type=Path, metavar="DIR", help="write the decision log here instead of a new temporary folder"
    )


@no_traceback
def run(args: argparse.Namespace) -> int:
    from hookgate.runtime.demo import run_demo

    log_dir = getattr(args, "log_dir", None)
    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True)
    return asyncio.run(run_demo(sys.stdout, log_dir=log_dir))
