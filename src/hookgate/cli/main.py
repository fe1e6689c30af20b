"""The ``hookgate`` command line: a thin dispatcher over one module per subcommand.

Subcommand modules are imported only when invoked, so ``hookgate hook
claude-code`` (run before every tool call) pays for nothing it does not use.
Each module exposes ``configure(parser)`` and ``run(args) -> int``.

Exit codes: 0 success/clean, 1 findings (or a denied decision where the
subcommand says so), 2 usage or I/O error. No command prints a traceback for
user errors: :class:`~hookgate.diagnostics.HookgateError` is reported as a
message, and anything unexpected is reported as an internal error.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import sys
from collections.abc import Sequence
from typing import Protocol

from hookgate import __version__
from hookgate.diagnostics import DiagnosticError, HookgateError

# name -> (module, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("demo", "Run a scripted agent session through the bundled demo plan: deny, redact, inject, ask, log."),
    "run": ("run", "Mount a plan's hooks and drive a recorded session (JSONL) through them, reporting every decision."),
    "ask": ("ask", "Ask for one approval on the terminal and print the outcome as JSON."),
    "validate": ("validate", "Validate mount plans, policy files and policy test files (files or folders)."),
    "test": ("test", "Run policy test files (expected effect, rules, data, prompt per event)."),
    "eval": ("eval", "Evaluate one event against policies and print the decision (--explain: the trace)."),
    "schema": ("schema", "Regenerate schemas/ from the models (--check: fail on drift or a stale schema file)."),
    "hook": ("hook", "Run as a host's hook command (claude-code: hook payload on stdin, decision JSON on stdout)."),
    "replay": ("replay", "Replay a recorded session (JSONL) through policies; summarise what they would have done."),
    "log": ("log", "Summarise decision logs: decisions by effect, top rules, approval outcomes, latency."),
}


class _Subcommand(Protocol):
    def configure(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


def _load(name: str) -> _Subcommand:
    module_name, _ = SUBCOMMANDS[name]
    module: _Subcommand = importlib.import_module(f"hookgate.cli.{module_name}")
    return module


def build_parser(selected: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hookgate",
        description="Policy and approval-gate engine for AI agent hooks.",
    )
    parser.add_argument("--version", action="version", version=f"hookgate {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_, help_text) in SUBCOMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if name == selected:
            _load(name).configure(p)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    _escape_unencodable_output()
    try:
        return _main(list(sys.argv[1:] if argv is None else argv))
    except DiagnosticError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except HookgateError as exc:
        print(f"hookgate: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("hookgate: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except Exception as exc:  # never a traceback; 2 also blocks in hook protocols where 1 would not
        print(f"hookgate: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2


def _escape_unencodable_output() -> None:
    """Write text the terminal's encoding cannot hold as backslash escapes (``\\udcff``).

    File names are shown through :func:`~hookgate.diagnostics.display_path`;
    this is the net under any other path to the output. Without it, a
    non-UTF-8 file name (a lone surrogate in Python) either crashes the write
    or, under a ``surrogateescape`` locale, puts invalid UTF-8 on stdout that
    breaks whatever reads it (CI logs, ``json.loads``).
    """
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            with contextlib.suppress(Exception):  # a stream that cannot change is left as it is
                stream.reconfigure(errors="backslashreplace")


def _main(args_list: list[str]) -> int:
    selected = next((a for a in args_list if not a.startswith("-")), None)
    parser = build_parser(selected if selected in SUBCOMMANDS else None)
    args = parser.parse_args(args_list)
    if args.command is None:
        parser.print_help()
        return 2
    return _load(args.command).run(args)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
