"""``mount_plan``: a mount plan's ``hooks:`` become a live hook stack, all or nothing.

The same file a security team reviews is the file that runs. Mounting goes
in two passes:

1. **prepare** every entry: ``${VAR}`` expansion of ``session:`` and
   ``hooks:`` (unset without a default is an error; a whole reference in a
   number field is read as a number), schema and semantic validation of the
   expanded plan, each entry's source
   resolved and its code imported, each config checked and every policy
   compiled. Any problem in any entry raises one
   :class:`~hookgate.diagnostics.DiagnosticError` listing all of them at
   ``file:line:col``, and the coordinator is untouched.
2. **attach** the entries in list order. If a module's ``mount`` raises,
   the entries already attached are unmounted in reverse order and the
   failure is raised as a diagnostic at that entry.

:meth:`MountedPlan.cleanup` unmounts everything in reverse order and also
removes any handler a module left behind (see :mod:`hookgate.runtime.scoped`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hookgate.diagnostics import Diagnostic, DiagnosticError, HookgateError
from hookgate.kernel import Coordinator
from hookgate.load import LoadedDocument, PositionMap, load_yaml_file
from hookgate.load.validate import validate_document
from hookgate.mountplan.model import ModuleRef, MountPlan
from hookgate.mountplan.validate import expand_mount_plan
from hookgate.runtime.attach import MountedHook, attach_all
from hookgate.runtime.builtin import BUILTIN_MODULES, PreparedPolicy
from hookgate.runtime.decision_log import DECISION_LOG_MODULE, PreparedDecisionLog, shared_target
from hookgate.runtime.external import prepare_external
from hookgate.runtime.prepared import PrepareContext, Prepared
from hookgate.runtime.sources import SourceProblem, is_hookgate_source, resolve_source
from hookgate.runtime.tap import DecisionTap

__all__ = ["MountedPlan", "PlanInput", "load_plan", "mount_plan"]

PlanInput = str | os.PathLike[str] | Mapping[str, Any] | LoadedDocument
log = logging.getLogger("hookgate.runtime")
_DICT_FILE = "<mount plan>"
#: the sections a mount expands: the hooks it mounts and the session settings its coordinator reads
_EXPANDED = ("session", "hooks")


@dataclass(eq=False)
class MountedPlan:
    """A mounted plan: its coordinator, what each entry registered, and the cleanup that undoes it."""

    coordinator: Any
    hooks: tuple[MountedHook, ...]
    file: str
    _done: bool = field(default=False, repr=False)

    async def cleanup(self) -> None:
        """Unmount every entry in reverse order (idempotent); failures are logged, the rest still run."""
        if self._done:
            return
        self._done = True
        for hook in reversed(self.hooks):
            await hook.unmount()

    async def __aenter__(self) -> MountedPlan:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.cleanup()


def load_plan(plan: PlanInput, *, base_dir: Path | None = None) -> tuple[LoadedDocument, Path]:
    """The plan with positions, and the folder its relative paths resolve against."""
    if isinstance(plan, LoadedDocument):
        return plan, base_dir or _folder_of(plan.file)
    if isinstance(plan, Mapping):
        return LoadedDocument(dict(plan), PositionMap(_DICT_FILE)), base_dir or Path.cwd()
    path = Path(plan)
    return load_yaml_file(path), base_dir or path.resolve().parent


async def mount_plan(
    plan: PlanInput,
    coordinator: Any | None = None,
    *,
    env: Mapping[str, str] | None = None,
    base_dir: Path | None = None,
    channel: Any = None,
    tap: DecisionTap | None = None,
) -> MountedPlan:
    """Mount every ``hooks:`` entry of ``plan`` on ``coordinator`` (a new hookgate one if None).

    ``plan`` is a file path (YAML or JSON), a mapping or a loaded document;
    ``env`` replaces ``os.environ`` for ``${VAR}``; ``channel`` answers the
    approvals of every ``hooks-policy`` entry instead of its configured
    channel; ``tap`` collects every policy decision (for reports). Raises
    :class:`DiagnosticError`; on success the cleanup is also registered with
    the coordinator.
    """
    doc, folder = load_plan(plan, base_dir=base_dir)
    doc, model = _checked(doc, folder, os.environ if env is None else env)
    if coordinator is None:  # the session as validated: `injection_size_limit: 2.0` (or `1e3`) is the integer
        coordinator = Coordinator(config={"session": model.session.model_dump(exclude_unset=True)})
    prepared = _prepare_all(model, doc, coordinator, folder, channel=channel, tap=tap)
    hooks = await attach_all(prepared, coordinator, doc.positions)
    mounted = MountedPlan(coordinator, hooks, doc.file)
    coordinator.register_cleanup(mounted.cleanup)
    log.info("mounted %d hook module(s) from %s", len(hooks), doc.file)
    return mounted


# -- pass 1: expand, validate, resolve, prepare ----------------------------------------------------------


def _checked(doc: LoadedDocument, folder: Path, env: Mapping[str, str]) -> tuple[LoadedDocument, MountPlan]:
    """The plan with ``session:`` and ``hooks:`` expanded (what hookgate mounts; providers and tools keep
    their references for the host), validated as ``hookgate validate --check-env`` validates it."""
    expanded, found = expand_mount_plan(doc, env, base_dir=folder, sections=_EXPANDED)
    for warning in (d for d in found if not d.is_error):
        log.warning("%s", warning.render())
    problems = [d for d in found if d.is_error]
    if problems:
        raise DiagnosticError(_unique(problems))
    mounted = {key: expanded.data[key] for key in _EXPANDED if key in expanded.data}
    return expanded, validate_document(MountPlan, LoadedDocument(mounted, expanded.positions))


def _prepare_all(
    model: MountPlan, doc: LoadedDocument, coordinator: Any, folder: Path, *, channel: Any, tap: DecisionTap | None
) -> list[tuple[ModuleRef, str, Prepared]]:
    """Every entry prepared, or (after releasing what was prepared) one error listing every problem."""
    shared = _shared_log(model, folder)
    out: list[tuple[ModuleRef, str, Prepared]] = []
    problems: list[Diagnostic] = []
    for i, ref in enumerate(model.hooks):
        ctx = PrepareContext(
            coordinator,
            ref.key,
            i,
            folder,
            doc.positions,
            logging.getLogger(f"hookgate.runtime.{ref.key}"),
            channel=channel,
            tap=tap,
            shared_log=shared if ref.module != DECISION_LOG_MODULE else None,
        )
        try:
            out.append((ref, *_prepare(ref, ctx)))
        except SourceProblem as exc:
            problems.append(exc.diagnostic)
        except DiagnosticError as exc:
            problems += exc.errors or exc.diagnostics
        except HookgateError as exc:  # e.g. a decision log path that cannot be used
            problems.append(Diagnostic("mount.prepare_failed", str(exc), doc.positions.value(("hooks", i))))
    if problems:
        for _, _, prepared in out:
            prepared.discard()
        raise DiagnosticError(_unique(problems))
    _link_decision_log([p for _, _, p in out])
    return out


def _prepare(ref: ModuleRef, ctx: PrepareContext) -> tuple[str, Prepared]:
    where = ctx.positions.value(("hooks", ctx.index, "source" if ref.source else "module"))
    source = resolve_source(
        ref.module, ref.source, builtins=frozenset(BUILTIN_MODULES), base_dir=ctx.base_dir, where=where
    )
    config = ref.config or {}
    if source.mount is None:
        return source.origin, BUILTIN_MODULES[ref.module](config, ctx)
    return source.origin, prepare_external(source.mount, config, ctx)


def _shared_log(model: MountPlan, folder: Path) -> Any:
    first = next(
        (
            ref
            for ref in model.hooks
            if ref.module == DECISION_LOG_MODULE and (ref.source is None or is_hookgate_source(ref.source))
        ),
        None,
    )
    return shared_target(first.config or {}, folder) if first is not None else None


def _link_decision_log(prepared: list[Prepared]) -> None:
    """The plan's decision log skips the events its linked policies record themselves."""
    logs = [p for p in prepared if isinstance(p, PreparedDecisionLog)]
    if not logs:
        return
    for p in prepared:
        if isinstance(p, PreparedPolicy) and p.shared:
            logs[0].skip |= set(p.events or ())


def _unique(problems: list[Diagnostic]) -> list[Diagnostic]:
    return sorted(set(problems), key=Diagnostic.sort_key)


def _folder_of(file: str) -> Path:
    path = Path(file)
    return path.resolve().parent if path.exists() else Path.cwd()
