"""The ``hooks-policy`` semantic checks: policy files exist and compile, events exist.

Policy paths are relative to the mount plan file. Inline ``rules`` compile
through the policy loader's ``inline=`` support with the plan's positions,
so an error in an inline rule points into the mount plan.
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hookgate.diagnostics import Diagnostic, DiagnosticError, Location
from hookgate.load.yaml import PathKey, PositionMap
from hookgate.policy.selectors import EventNameError, resolve_selector

if TYPE_CHECKING:
    from hookgate.policy.engine import Plan

__all__ = ["check_events", "check_policies", "compile_plan"]


def check_events(events: Sequence[Any], positions: PositionMap, *, prefix: PathKey,
                 deferred: Container[PathKey] = ()) -> list[Diagnostic]:
    """Each ``enabled_events`` entry must name (or glob) at least one known event. An entry at a
    ``deferred`` path still holds a ``${VAR}`` reference and is not checked; any other entry is text as
    the mount reads it, ``${`` and all (an expanded value, or one written with ``$${``)."""
    out: list[Diagnostic] = []
    for i, name in enumerate(events):
        if not isinstance(name, str) or (*prefix, i) in deferred:
            continue
        try:
            resolve_selector(name)
        except EventNameError as exc:
            out.append(Diagnostic(f"mountplan.{exc.code}", str(exc), positions.value((*prefix, i))))
    return out


def check_policies(
    policies: Sequence[Any], rules: Any, positions: PositionMap, *, prefix: PathKey, base_dir: Path,
    deferred: Container[PathKey] = (),
) -> list[Diagnostic]:
    """Missing policy files, and every load/compile error and lint warning of the rest (entries at
    ``deferred`` paths, which still hold a ``${VAR}`` reference, excepted)."""
    out: list[Diagnostic] = []
    paths: list[Path] = []
    for i, entry in enumerate(policies):
        if not isinstance(entry, str) or (*prefix, "policies", i) in deferred:
            continue
        path = base_dir / entry
        if _is_file(path):
            paths.append(path)
        else:
            out.append(Diagnostic("mountplan.policy_not_found", f"policy file `{entry}` not found",
                                  positions.value((*prefix, "policies", i)), help=f"looked for `{path}`"))
    inline: list[tuple[Any, PositionMap]] = []
    if isinstance(rules, dict | list):
        inline.append((rules, positions.rebased((*prefix, "rules"))))
    if paths or inline:
        out += compile_plan(paths, inline=inline, where=positions.value(prefix))[1]
    return out


def _is_file(path: Path) -> bool:
    """Whether ``path`` is a file; a name the system refuses (longer than it allows) names none."""
    try:
        return path.is_file()
    except OSError:
        return False


def compile_plan(
    paths: Sequence[Path | str], *, inline: Sequence[tuple[Any, PositionMap]] = (), where: Location | None = None
) -> tuple[Plan | None, list[Diagnostic]]:
    """Compile policies; return ``(plan or None, diagnostics incl. the plan's lint warnings)``.

    The compiler is imported here, not at module level, so a broken or
    missing engine is reported as one diagnostic instead of a crash.
    """
    try:
        from hookgate.policy.api import compile_files
    except ImportError as exc:
        return None, [Diagnostic("validate.compiler_unavailable",
                                 f"cannot check policies: the policy compiler failed to import ({exc})", where)]
    try:
        plan = compile_files([str(p) for p in paths], inline=list(inline))
    except DiagnosticError as exc:
        return None, list(exc.diagnostics)
    return plan, list(plan.warnings)
