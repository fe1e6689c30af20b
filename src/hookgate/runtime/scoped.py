"""The coordinator a module sees while it mounts: plan settings applied, every registration remembered.

A module's ``mount(coordinator, config)`` gets a thin view of the real
coordinator whose ``hooks`` registry

* skips registrations on events outside the entry's ``enabled_events``
  (aliases and globs resolved), so the plan's filter holds even for a module
  that ignores its config;
* applies the entry's ``priority`` (when the plan sets one) to every
  registration, so the reviewed file decides the order across modules;
* logs each registration, and remembers it: unmounting removes whatever the
  module left registered, even if its own cleanup forgot something or failed.

Cleanups the module registers on the coordinator are kept with the module,
so they run when the plan is unmounted (in reverse order), not later.
Everything else (``approval_system``, contributions, capabilities, mount
points) reads and writes through to the real coordinator.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from hookgate.kernel.events import canonical_name

__all__ = ["ScopedCoordinator", "ScopedHooks"]


class ScopedHooks:
    """A registry view: filter by event, override priority, remember every unregister."""

    def __init__(self, hooks: Any, *, events: frozenset[str] | None, priority: int | None, log: logging.Logger) -> None:
        self._hooks = hooks
        self._events = events
        self._priority = priority
        self._log = log
        self._removers: list[Callable[[], None]] = []
        #: ``(event, handler name, priority)`` of every registration made through this view
        self.registered: list[tuple[str, str, int]] = []

    def register(self, event: str, handler: Any, priority: int = 0, name: str | None = None) -> Callable[[], None]:
        """Register on the real registry unless the plan filters ``event`` out."""
        if self._events is not None and canonical_name(event) not in self._events:
            self._log.info("skipped `%s` for %s: not in enabled_events", event, name or _label(handler))
            return _noop
        chosen = self._priority if self._priority is not None else priority
        remove = self._hooks.register(event, handler, priority=chosen, name=name)
        self._removers.append(remove)
        self.registered.append((event, name or _label(handler), chosen))
        self._log.info("registered %s on `%s` at priority %d", name or _label(handler), event, chosen)
        return remove  # type: ignore[no-any-return]

    on = register

    def remove_all(self) -> None:
        """Remove every registration made through this view (newest first); safe to repeat."""
        removers, self._removers = self._removers, []
        for remove in reversed(removers):
            try:
                remove()
            except Exception as exc:  # keep going: the others must still be removed
                self._log.error("unregistering a handler failed: %s", exc)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._hooks, name)


class ScopedCoordinator:
    """The real coordinator with :class:`ScopedHooks` as ``hooks`` and its own cleanup list."""

    _coordinator: Any
    _scoped_hooks: ScopedHooks
    #: cleanups the module registered while mounting (run by the runtime, newest first)
    cleanups: list[Callable[[], Any]]

    def __init__(self, coordinator: Any, hooks: ScopedHooks) -> None:
        object.__setattr__(self, "_coordinator", coordinator)
        object.__setattr__(self, "_scoped_hooks", hooks)
        object.__setattr__(self, "cleanups", [])

    @property
    def hooks(self) -> ScopedHooks:
        return self._scoped_hooks

    def register_cleanup(self, cleanup_fn: Callable[[], Any]) -> None:
        if not callable(cleanup_fn):
            raise TypeError(f"cleanup must be callable, got {type(cleanup_fn).__name__}")
        self.cleanups.append(cleanup_fn)

    def __getattr__(self, name: str) -> Any:
        return getattr(object.__getattribute__(self, "_coordinator"), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._coordinator, name, value)


def _label(handler: Any) -> str:
    return str(getattr(handler, "__qualname__", None) or type(handler).__qualname__)


def _noop() -> None:
    return None
