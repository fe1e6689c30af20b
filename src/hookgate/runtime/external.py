"""Third-party hook modules: ``mount(coordinator, config)`` from an entry point or from disk.

The plan-level settings every module honours (``enabled_events``,
``priority``, ``log_level``) are checked here, at their positions in the
plan, before anything is mounted; :mod:`hookgate.runtime.scoped` enforces
the first two while the module registers. The config mapping itself is
passed to the module unchanged (after ``${VAR}`` expansion): the module owns
the rest of its config.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from inspect import isawaitable
from typing import Any

from hookgate.diagnostics import Diagnostic, DiagnosticError, HookgateError
from hookgate.policy.selectors import EventNameError, resolve_selector
from hookgate.runtime.prepared import Cleanup, PrepareContext
from hookgate.runtime.sources import MountFn

__all__ = [
    "LOG_LEVELS",
    "MountFailed",
    "PreparedExternal",
    "enabled_events",
    "module_logger",
    "plan_priority",
    "prepare_external",
]

LOG_LEVELS = ("debug", "info", "warning", "error")


class MountFailed(HookgateError):
    """A module's ``mount`` raised or returned something that is not a cleanup."""


class PreparedExternal:
    """A third-party module whose ``mount`` is imported and whose plan settings are valid."""

    def __init__(
        self,
        mount: MountFn,
        config: Mapping[str, Any],
        *,
        events: frozenset[str] | None = None,
        priority: int | None = None,
        log_level: str | None = None,
    ) -> None:
        self.mount = mount
        self.config = dict(config)
        self._events = events
        self.priority = priority
        self.log_level = log_level

    @property
    def events(self) -> frozenset[str] | None:
        return self._events

    async def attach(self, coordinator: Any) -> Cleanup:
        result = self.mount(coordinator, dict(self.config))
        if isawaitable(result):
            result = await result
        if result is None:
            return _noop
        if not callable(result):
            raise MountFailed(f"`mount` returned {type(result).__name__}; expected a cleanup callable or None")
        return result  # type: ignore[no-any-return]

    def discard(self) -> None:
        return None


def prepare_external(mount: MountFn, config: Mapping[str, Any], ctx: PrepareContext) -> PreparedExternal:
    """Check the plan-level settings; raises :class:`DiagnosticError` pointing into the plan."""
    problems: list[Diagnostic] = []
    events = enabled_events(config, ctx, problems)
    priority = plan_priority(config, ctx, problems)
    level = config.get("log_level")
    if level is not None and level not in LOG_LEVELS:
        problems.append(
            Diagnostic(
                "mount.bad_log_level",
                f"`log_level` must be one of {', '.join(LOG_LEVELS)}, got `{level}`",
                ctx.where("log_level"),
            )
        )
    if problems:
        raise DiagnosticError(problems)
    return PreparedExternal(mount, config, events=events, priority=priority, log_level=level)


def enabled_events(config: Mapping[str, Any], ctx: PrepareContext, problems: list[Diagnostic]) -> frozenset[str] | None:
    """``enabled_events`` as canonical names (aliases, globs resolved); None = no filter."""
    names = config.get("enabled_events")
    if names is None:
        return None
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        problems.append(
            Diagnostic(
                "mount.bad_enabled_events",
                "`enabled_events` must be a list of event names",
                ctx.where("enabled_events"),
            )
        )
        return None
    found: set[str] = set()
    for i, name in enumerate(names):
        try:
            found.update(resolve_selector(name))
        except EventNameError as exc:
            problems.append(Diagnostic(f"mount.{exc.code}", str(exc), ctx.where("enabled_events", i)))
    return frozenset(found)


def plan_priority(config: Mapping[str, Any], ctx: PrepareContext, problems: list[Diagnostic]) -> int | None:
    """``priority`` when the plan sets one (an int; lower runs earlier)."""
    value = config.get("priority")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        problems.append(
            Diagnostic("mount.bad_priority", f"`priority` must be an integer, got `{value}`", ctx.where("priority"))
        )
        return None
    return value


def module_logger(mount: MountFn) -> logging.Logger:
    """The logger of the module that defines ``mount`` (its ``log_level`` is applied there)."""
    return logging.getLogger(getattr(mount, "__module__", None) or "hookgate.runtime")


def _noop() -> None:
    return None
