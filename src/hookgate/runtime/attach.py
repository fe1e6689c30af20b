"""Pass 2 of mounting: attach prepared entries in order, roll back on the first failure."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from inspect import isawaitable
from typing import Any

from hookgate.diagnostics import Diagnostic, DiagnosticError
from hookgate.load import PositionMap
from hookgate.mountplan.model import ModuleRef
from hookgate.runtime.external import PreparedExternal, module_logger
from hookgate.runtime.prepared import Cleanup, Prepared
from hookgate.runtime.scoped import ScopedCoordinator, ScopedHooks

__all__ = ["MountedHook", "attach_all"]

log = logging.getLogger("hookgate.runtime")


@dataclass(eq=False)
class MountedHook:
    """One attached entry: what it registered and how to undo it."""

    module: str
    key: str
    origin: str
    scope: ScopedCoordinator = field(repr=False)
    cleanup: Cleanup = field(repr=False)
    levels: list[tuple[logging.Logger, int]] = field(default_factory=list, repr=False)

    @property
    def registered(self) -> tuple[tuple[str, str, int], ...]:
        """``(event, handler name, priority)`` of each registration, in order."""
        return tuple(self.scope.hooks.registered)

    async def unmount(self) -> None:
        """The module's cleanup, then the cleanups it registered (newest first), then any leftover handler."""
        for fn in [self.cleanup, *reversed(self.scope.cleanups)]:
            try:
                result = fn()
                if isawaitable(result):
                    await result
            except Exception as exc:  # a broken cleanup must not keep the others from running
                log.error("cleanup of hook module `%s` failed: %s: %s", self.key, type(exc).__name__, exc)
        self.scope.hooks.remove_all()
        for logger, level in self.levels:
            logger.setLevel(level)
        log.info("unmounted hook module `%s`", self.key)


async def attach_all(
    prepared: Sequence[tuple[ModuleRef, str, Prepared]], coordinator: Any, positions: PositionMap
) -> tuple[MountedHook, ...]:
    """Attach in list order; on a failure unmount what is attached (reverse order) and raise a diagnostic."""
    done: list[MountedHook] = []
    for i, (ref, origin, entry) in enumerate(prepared):
        hook = _scoped(ref, origin, entry, coordinator)
        try:
            hook.cleanup = await entry.attach(hook.scope)
        except BaseException as exc:
            await hook.unmount()
            entry.discard()
            for earlier in reversed(done):
                await earlier.unmount()
            for _, _, later in prepared[i + 1 :]:
                later.discard()
            if not isinstance(exc, Exception):
                raise
            raise DiagnosticError([_failure(ref, exc, positions, i)]) from exc
        log.info("mounted hook module `%s` (%s)", ref.key, origin)
        done.append(hook)
    return tuple(done)


def _scoped(ref: ModuleRef, origin: str, entry: Prepared, coordinator: Any) -> MountedHook:
    logger = logging.getLogger(f"hookgate.runtime.{ref.key}")
    levels = [(logger, logger.level)]
    events = priority = None
    if isinstance(entry, PreparedExternal):
        events, priority = entry.events, entry.priority
        if entry.log_level is not None:
            own = module_logger(entry.mount)
            levels.append((own, own.level))
            for target, _ in levels:
                target.setLevel(entry.log_level.upper())
    scope = ScopedCoordinator(coordinator, ScopedHooks(coordinator.hooks, events=events, priority=priority, log=logger))
    return MountedHook(ref.module, ref.key, origin, scope, _noop, levels)


def _failure(ref: ModuleRef, exc: Exception, positions: PositionMap, index: int) -> Diagnostic:
    return Diagnostic(
        "mount.failed",
        f"module `{ref.key}` failed to mount: {type(exc).__name__}: {exc}",
        positions.value(("hooks", index, "module")),
        help="nothing from this plan is mounted: the modules before it were unmounted",
    )


def _noop() -> None:
    return None
