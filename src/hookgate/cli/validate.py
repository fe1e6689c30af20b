"""``hookgate validate PATH…``: check mount plans, policy files and policy test files.

``-`` reads one file (of any of the three kinds) from standard input,
reported as ``<stdin>``; the paths it names (a plan's or a test file's
policies, a policy's includes) are relative to the current directory.

Exit 0 when clean (warnings alone are clean unless ``--strict``), 1 when
any error was found, 2 for usage or I/O errors and internal errors.
``--check-env`` checks mount plans as a mount reads them: ``${VAR}``
references expanded from the environment, then every check again.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from pathlib import Path

from hookgate.cli.common import EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, STDIN, expand_paths, no_traceback, read_stdin
from hookgate.cli.output import FORMATS, render
from hookgate.diagnostics import Diagnostic, DiagnosticError, Location, display_path
from hookgate.load.yaml import LoadedDocument, load_yaml_file
from hookgate.mountplan.detect import detect_kind
from hookgate.mountplan.policy_check import compile_plan
from hookgate.mountplan.validate import validate_mount_plan

__all__ = ["HELP", "configure", "run", "validate_file", "validate_paths"]

HELP = "validate mount plans, policy files and policy test files (files or folders)"
_IO_CODES = frozenset({"load.not_found", "load.io_error"})


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="files or folders (*.yaml, *.yml, *.json); - reads one file from standard input")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument("--schemas", action="append", default=[], metavar="DIR", type=Path,
                        help="folder of `<module-id>.schema.json` module config schemas (repeatable)")
    parser.add_argument("--skip-unknown", action="store_true",
                        help="skip named files that are not plans, policies or tests (for pre-commit)")
    parser.add_argument("--check-env", action="store_true",
                        help="expand `${VAR}` references from the environment: a reference to an unset variable "
                             "(without a `:-default`) is an error, and every expanded value is checked again after "
                             "expansion, its errors naming the reference. Without it a reference is accepted "
                             "wherever its expansion could be valid")


@no_traceback
def run(args: argparse.Namespace) -> int:
    env = dict(os.environ) if args.check_env else None
    diagnostics = validate_paths(args.paths, schema_dirs=args.schemas, env=env, skip_unknown=args.skip_unknown)
    if args.strict:
        diagnostics = [_promote(d) for d in diagnostics]
    text = render(diagnostics, args.format)
    if text or args.format in ("json", "sarif"):
        print(text)
    return exit_code(diagnostics)


def exit_code(diagnostics: Sequence[Diagnostic]) -> int:
    if any(d.code in _IO_CODES or d.code.startswith("internal.") for d in diagnostics):
        return EXIT_USAGE
    return EXIT_FINDINGS if any(d.is_error for d in diagnostics) else EXIT_CLEAN


def _promote(d: Diagnostic) -> Diagnostic:
    if d.severity != "warning":
        return d
    return Diagnostic(d.code, d.message, d.location, "error", d.help)


def validate_paths(
    paths: Sequence[str],
    *,
    schema_dirs: Sequence[Path] = (),
    env: dict[str, str] | None = None,
    skip_unknown: bool = False,
) -> list[Diagnostic]:
    """Every diagnostic for every file under ``paths``.

    Files of unknown kind found in folders are skipped; so are named ones
    with ``skip_unknown`` (pre-commit passes every changed YAML file), where
    a file that does not even parse is reported only if its name says it is
    a plan, policy or test.
    """
    out: list[Diagnostic] = []
    for folder in paths:  # a folder holding nothing to check is an error, not a pass that checked nothing
        if Path(folder).is_dir() and not any(_recognised(p) for p, _ in expand_paths([folder])):
            out.append(Diagnostic("validate.nothing_to_check", f"no mount plan, policy or policy test file found "
                                  f"under `{display_path(folder)}`", Location(str(folder))))
    for path, explicit in expand_paths(paths):
        try:
            found = validate_file(path, explicit=explicit and not skip_unknown, schema_dirs=schema_dirs, env=env)
            if skip_unknown and found and found[0].code.startswith("load.") and detect_kind(None, path) == "unknown":
                found = []
            out += found
        except Exception as exc:  # reported as one line, never a traceback
            out.append(Diagnostic("internal.error", f"internal error: {type(exc).__name__}: {exc}",
                                  Location(str(path))))
    return sorted(out, key=Diagnostic.sort_key)


def validate_file(
    path: Path, *, explicit: bool = True, schema_dirs: Sequence[Path] = (), env: dict[str, str] | None = None
) -> list[Diagnostic]:
    """Diagnostics for one file, by its detected kind."""
    try:
        doc = _load(path)
    except DiagnosticError as exc:
        return [d if d.location else Diagnostic(d.code, d.message, Location(str(path)), d.severity, d.help)
                for d in exc.diagnostics]
    kind = detect_kind(doc.data, path)
    if kind == "mount_plan":
        return validate_mount_plan(doc, base_dir=path.parent, schema_dirs=schema_dirs, env=env)
    if kind == "policy":
        if str(path) == STDIN:  # already read: compiled from the document, includes relative to the cwd
            return compile_plan([], inline=[(doc.data, doc.positions)], where=doc.positions.value(()))[1]
        return compile_plan([path], where=doc.positions.value(()))[1]
    if kind == "policy_test":
        return _validate_test_document(doc)
    if not explicit:
        return []
    return [Diagnostic("validate.unknown_kind", f"cannot tell what kind of file `{display_path(path.name)}` is",
                       doc.positions.value(()),
                       help="a mount plan has `session:`, a policy `version:` and `rules:`, a policy test `tests:`")]


def _recognised(path: Path) -> bool:
    """Whether a file found in a folder is one ``validate`` checks (a file that does not load counts:
    it is reported)."""
    try:
        return detect_kind(_load(path).data, path) != "unknown"
    except DiagnosticError:
        return True


def _load(path: Path) -> LoadedDocument:
    return read_stdin() if str(path) == STDIN else load_yaml_file(path)


def _validate_test_document(doc: LoadedDocument) -> list[Diagnostic]:
    from hookgate.policy.testing.runner import compile_test_policies, load_test_document

    try:
        doc, model = load_test_document(doc)
        plan = compile_test_policies(doc, model)
    except DiagnosticError as exc:
        return list(exc.diagnostics)
    return list(plan.warnings)
