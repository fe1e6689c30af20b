"""Find the ``mount`` function of a plan's ``hooks:`` entry, before anything is mounted.

Resolution order for one entry (``module`` id, optional ``source``):

1. hookgate's own modules (``hooks-policy``, ``hooks-decision-log``) when the
   source is absent or the ``hookgate`` package: they are built in, so a
   third-party package can never stand in for the policy hook.
2. ``file://`` URLs and paths: the code is imported from disk, relative to
   the plan file: a ``.py`` file, a package folder (with ``__init__.py``), or
   a module repository folder holding one such package (``<module_id>`` or
   ``amplifier_module_<module_id>``, dashes as underscores).
3. package names, git sources and entries without a source: the installed
   ``amplifier.modules`` entry point named like the module. A git source is
   never fetched here: if it is not installed, mounting fails and says how
   to install it.

Every failure is a :class:`~hookgate.diagnostics.Diagnostic` at the entry's
``source`` (or ``module``) position; nothing is mounted until every entry
resolved.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import unquote, urlparse

from hookgate.diagnostics import Diagnostic, Location, did_you_mean
from hookgate.mountplan.sources import SourceError, parse_source

__all__ = [
    "ENTRY_POINT_GROUP",
    "ModuleSource",
    "SourceProblem",
    "installed_modules",
    "is_hookgate_source",
    "resolve_source",
]

ENTRY_POINT_GROUP = "amplifier.modules"
MountFn = Callable[..., Any]


@dataclass(frozen=True, slots=True)
class ModuleSource:
    """Where an entry's code comes from: ``kind`` is ``builtin``, ``entry_point`` or ``file``."""

    kind: str
    origin: str
    mount: MountFn | None = None  # None for builtins (the runtime prepares those itself)


class SourceProblem(Exception):
    """An entry whose code cannot be found or imported; carries its diagnostic."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.render())
        self.diagnostic = diagnostic


def installed_modules() -> dict[str, metadata.EntryPoint]:
    """Installed ``amplifier.modules`` entry points by name."""
    return {ep.name: ep for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)}


def resolve_source(
    module: str, source: str | None, *, builtins: frozenset[str], base_dir: Path, where: Location
) -> ModuleSource:
    """The code for one entry; raises :class:`SourceProblem` (positioned at ``where``)."""
    if module in builtins and (source is None or is_hookgate_source(source)):
        return ModuleSource("builtin", "hookgate")
    if source is None:
        return _entry_point(module, None, where)
    try:
        form = parse_source(source)
    except SourceError as exc:
        raise SourceProblem(Diagnostic("mount.bad_source", str(exc), where)) from None
    if form.kind == "file_url":
        return _from_disk(module, _file_url_path(source), source, where)
    if form.kind == "path":
        return _from_disk(module, _plan_relative(source, base_dir), source, where)
    return _entry_point(module, source if form.kind == "git" else None, where)


def is_hookgate_source(source: str) -> bool:
    """``hookgate`` (optionally with extras or a version): hookgate's own modules."""
    name = source.split("[")[0]
    for op in ("==", ">=", "<=", "~=", "!=", ">", "<"):
        name = name.split(op)[0]
    return name.strip().lower() == "hookgate"


def _entry_point(module: str, git: str | None, where: Location) -> ModuleSource:
    found = installed_modules()
    ep = found.get(module)
    if ep is None:
        raise SourceProblem(_not_installed(module, git, sorted(found), where))
    try:
        fn = ep.load()
    except Exception as exc:  # third-party import code can fail in any way; report it at the entry
        raise SourceProblem(
            Diagnostic(
                "mount.import_failed",
                f"entry point `{ep.value}` of module `{module}` failed to import: {type(exc).__name__}: {exc}",
                where,
            )
        ) from None
    return ModuleSource("entry_point", f"entry point {ep.value}", _check_mount(fn, module, ep.value, where))


def _not_installed(module: str, git: str | None, names: list[str], where: Location) -> Diagnostic:
    if git is not None:
        return Diagnostic(
            "mount.source_not_installed",
            f"module `{module}` from `{git}` is not installed",
            where,
            help=f"install it first (`pip install '{git}'`) or point `source` at a local path",
        )
    hint = did_you_mean(module, names)
    return Diagnostic(
        "mount.module_not_found",
        f"module `{module}` is not installed (no `{ENTRY_POINT_GROUP}` entry point of that name)",
        where,
        help=f"did you mean `{hint}`?" if hint else "give it a `source:` (a path or file:// url)",
    )


def _file_url_path(url: str) -> Path:
    return Path(unquote(urlparse(url).path))


def _plan_relative(source: str, base_dir: Path) -> Path:
    path = Path(os.path.expanduser(source))
    return path if path.is_absolute() else base_dir / path


def _from_disk(module: str, path: Path, source: str, where: Location) -> ModuleSource:
    target = _module_file(module, path, source, where)
    loaded = _import_file(target, where)
    fn = getattr(loaded, "mount", None)
    return ModuleSource("file", f"file {target}", _check_mount(fn, module, str(target), where))


def _module_file(module: str, path: Path, source: str, where: Location) -> Path:
    """The ``.py`` file or package ``__init__.py`` a path source names."""
    try:
        is_file, is_dir = path.is_file(), path.is_dir()
    except OSError as exc:  # a name the system refuses (longer than it allows)
        raise SourceProblem(Diagnostic("mount.source_not_found", f"source `{source}` cannot be opened: "
                                       f"{exc.strerror or exc}", where)) from None
    if is_file and path.suffix == ".py":
        return path
    if not is_dir:
        raise SourceProblem(
            Diagnostic(
                "mount.source_not_found", f"source `{source}` does not exist", where, help=f"looked for `{path}`"
            )
        )
    if (path / "__init__.py").is_file():
        return path / "__init__.py"
    stem = module.replace("-", "_").replace(".", "_")
    for name in (stem, f"amplifier_module_{stem}"):
        if (path / name / "__init__.py").is_file():
            return path / name / "__init__.py"
    packages = sorted(p.name for p in path.iterdir() if (p / "__init__.py").is_file())
    if len(packages) == 1:
        return path / packages[0] / "__init__.py"
    found = f"found {', '.join(f'`{p}`' for p in packages)}" if packages else "it holds no python package"
    raise SourceProblem(
        Diagnostic(
            "mount.source_not_a_module",
            f"source `{source}` is not a hook module: {found}",
            where,
            help=f"point `source` at the package folder, e.g. `{source}/{stem}`",
        )
    )


def _import_file(target: Path, where: Location) -> ModuleType:
    """Import a file (or package) under a private name derived from its path, once per process."""
    resolved = target.resolve()
    name = "hookgate_plan_module_" + hashlib.sha256(str(resolved).encode()).hexdigest()[:16]
    if name in sys.modules:
        return sys.modules[name]
    package_dir = [str(resolved.parent)] if resolved.name == "__init__.py" else None
    spec = importlib.util.spec_from_file_location(name, resolved, submodule_search_locations=package_dir)
    if spec is None or spec.loader is None:
        raise SourceProblem(Diagnostic("mount.import_failed", f"cannot import `{target}`", where))
    loaded = importlib.util.module_from_spec(spec)
    sys.modules[name] = loaded  # before exec: a package's relative imports need it
    try:
        spec.loader.exec_module(loaded)
    except Exception as exc:
        sys.modules.pop(name, None)
        raise SourceProblem(
            Diagnostic("mount.import_failed", f"importing `{target}` failed: {type(exc).__name__}: {exc}", where)
        ) from None
    return loaded


def _check_mount(fn: Any, module: str, origin: str, where: Location) -> MountFn:
    if not callable(fn):
        raise SourceProblem(
            Diagnostic(
                "mount.no_mount_function",
                f"module `{module}` ({origin}) has no `mount(coordinator, config)` function",
                where,
            )
        )
    return fn  # type: ignore[no-any-return]
