"""``hookgate schema [--check]``: regenerate the committed JSON Schemas, or fail on drift.

The folder (``--dir``, default ``./schemas``) holds hookgate's generated
schemas. A ``*.schema.json`` in it that hookgate no longer generates is
stale: writing removes it when its ``$id`` shows hookgate wrote it, and
``--check`` fails on it until then. A ``*.schema.json`` hookgate never
wrote is never deleted: both modes name it as an error, since ``--check``
could not pass with it there. Other files are left alone.

Exit 0 when written (or up to date with ``--check``), 1 when ``--check``
finds drift or a foreign ``*.schema.json`` is in the folder, 2 when a
generator cannot run.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hookgate.cli.common import EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, no_traceback
from hookgate.diagnostics import display_path
from hookgate.schemas_registry import GeneratorError, check_schemas, remove_stale_schemas, write_schemas

__all__ = ["HELP", "configure", "run"]

HELP = "regenerate schemas/ from the models (--check: fail on drift or a stale schema file)"
DESCRIPTION = (
    "Regenerate hookgate's JSON Schemas into DIR, or with --check compare them and exit 1 on drift. "
    "DIR holds hookgate's generated schemas only: a *.schema.json in it that hookgate no longer generates "
    "fails --check, and writing removes it (only a file whose $id shows hookgate wrote it; any other "
    "*.schema.json is reported, never deleted). Other files in DIR are ignored."
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = DESCRIPTION
    parser.add_argument("--check", action="store_true",
                        help="compare instead of writing; exit 1 if a schema is missing, out of date or stale")
    parser.add_argument("--dir", type=Path, default=Path("schemas"), metavar="DIR",
                        help="the schemas folder (default: ./schemas)")


@no_traceback
def run(args: argparse.Namespace) -> int:
    try:
        return _check(args.dir) if args.check else _write(args.dir)
    except GeneratorError as exc:
        print(f"hookgate: error: {exc}", file=sys.stderr)
        return EXIT_USAGE


_ADVICE = {
    "missing": "schema is missing; run `hookgate schema` to regenerate",
    "out of date": "schema is out of date; run `hookgate schema` to regenerate",
    "stale": "schema is stale: hookgate no longer generates it; run `hookgate schema` to remove it",
}


def _check(folder: Path) -> int:
    drift = check_schemas(folder)
    for d in drift:
        advice = _ADVICE.get(d.reason) or _foreign(folder)
        print(f"{_shown(folder / d.filename)}: error: {advice}")
    if not drift:
        print(f"{_shown(folder)}: schemas are up to date")
    return EXIT_FINDINGS if drift else EXIT_CLEAN


def _write(folder: Path) -> int:
    changed = write_schemas(folder)
    removed, foreign = remove_stale_schemas(folder)
    for name in changed:
        print(f"wrote {_shown(folder / name)}")
    for name in removed:
        print(f"removed {_shown(folder / name)} (stale: hookgate no longer generates it)")
    for name in foreign:
        print(f"{_shown(folder / name)}: error: {_foreign(folder)}")
    if not (changed or removed or foreign):
        print(f"{_shown(folder)}: schemas are up to date")
    return EXIT_FINDINGS if foreign else EXIT_CLEAN


def _foreign(folder: Path) -> str:
    return (f"not a schema hookgate generates (its `$id` is not hookgate's), so hookgate will not delete it; "
            f"move it out of `{_shown(folder)}` (the folder holds hookgate's schemas only) or delete it")


def _shown(path: Path) -> str:
    return display_path(str(path))
