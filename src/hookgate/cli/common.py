"""Helpers shared by the CI-facing subcommands (validate, test, eval, schema)."""

from __future__ import annotations

import argparse
import functools
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from hookgate.diagnostics import DiagnosticError, HookgateError, display_path

if TYPE_CHECKING:
    from hookgate.load.yaml import LoadedDocument

__all__ = [
    "EXIT_CLEAN",
    "EXIT_FINDINGS",
    "EXIT_USAGE",
    "STDIN",
    "UsageError",
    "check_stdin_once",
    "expand_paths",
    "no_traceback",
    "read_stdin",
]

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
DATA_SUFFIXES = (".yaml", ".yml", ".json")
#: a file argument that means "read standard input"; its diagnostics are at ``<stdin>:line:col``
STDIN = "-"
STDIN_NAME = "<stdin>"
_SKIP_DIRS = frozenset({"node_modules", "__pycache__", "venv"})


class UsageError(HookgateError):
    """Bad arguments or unreadable inputs: exit 2 with one message."""


def no_traceback(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Report anything unexpected as one ``internal error`` line (exit 2), never a traceback."""

    @functools.wraps(run)
    def wrapper(args: argparse.Namespace) -> int:
        try:
            return run(args)
        except (DiagnosticError, KeyboardInterrupt, BrokenPipeError):
            raise  # the dispatcher reports these
        except UsageError as exc:
            print(f"hookgate: error: {exc}", file=sys.stderr)
            return EXIT_USAGE
        except Exception as exc:  # the promise is: no traceback, ever
            print(f"hookgate: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
            return EXIT_USAGE

    return wrapper


def check_stdin_once(names: Iterable[str]) -> None:
    """Standard input can be read once: ``-`` twice (or for two inputs) is a usage error."""
    if sum(name == STDIN for name in names) > 1:
        raise UsageError("`-` (standard input) can be given only once")


def read_stdin() -> LoadedDocument:
    """Standard input as a YAML/JSON document named ``<stdin>``."""
    from hookgate.load.yaml import load_yaml_text

    return load_yaml_text(sys.stdin.read(), STDIN_NAME)


def expand_paths(paths: Iterable[str]) -> Iterator[tuple[Path, bool]]:
    """Files named directly (``explicit=True``) and YAML/JSON files found under folders, sorted.

    ``-`` (standard input, at most once) is passed on as ``Path("-")``, explicit.
    Hidden folders (``.git``, ``.venv``) and dependency folders are skipped.
    Raises :class:`UsageError` for a path that does not exist.
    """
    paths = list(paths)
    check_stdin_once(paths)
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from ((f, False) for f in _walk(path))
        elif path.exists() or raw == STDIN:
            yield path, True
        else:
            raise UsageError(f"no such file or directory `{display_path(raw)}`")


def _walk(root: Path) -> list[Path]:
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIP_DIRS)
        found += [Path(folder) / f for f in files if f.lower().endswith(DATA_SUFFIXES) and not f.startswith(".")]
    return sorted(found)
