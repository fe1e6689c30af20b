"""``hookgate schema [--check]``: regenerate the committed JSON Schemas, or fail on drift.

Exit 0 when written (or up to date with ``--check``), 1 when ``--check``
finds drift, 2 when a generator cannot run.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hookgate.cli.common import EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, no_traceback
from hookgate.schemas_registry import GeneratorError, check_schemas, write_schemas

__all__ = ["HELP", "configure", "run"]

HELP = "regenerate schemas/ from the models (--check: fail if the committed files drifted)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--check", action="store_true", help="compare instead of writing; exit 1 on drift")
    parser.add_argument("--dir", type=Path, default=Path("schemas"), metavar="DIR",
                        help="the schemas folder (default: ./schemas)")


@no_traceback
def run(args: argparse.Namespace) -> int:
    try:
        return _check(args.dir) if args.check else _write(args.dir)
    except GeneratorError as exc:
        print(f"hookgate: error: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _check(folder: Path) -> int:
    drift = check_schemas(folder)
    for d in drift:
        print(f"{folder / d.filename}: error: schema is {d.reason}; run `hookgate schema` to regenerate")
    if not drift:
        print(f"{folder}: schemas are up to date")
    return EXIT_FINDINGS if drift else EXIT_CLEAN


def _write(folder: Path) -> int:
    changed = write_schemas(folder)
    for name in changed:
        print(f"wrote {folder / name}")
    if not changed:
        print(f"{folder}: schemas are up to date")
    return EXIT_CLEAN
