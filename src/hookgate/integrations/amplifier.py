"""The Amplifier hook module ``hooks-policy``: ``mount(coordinator, config) -> cleanup``.

Exposed under the ``amplifier.modules`` entry point. It compiles the
configured policies, registers one handler per event they gate at the
configured (negative) priority, contributes its own event names to
``observability.events`` and, when the host has no approval system, offers
hookgate's approval broker as one (so other hooks' asks resolve too).

Failing closed at mount time: amplifier only logs a module that fails to
mount and runs the session without it, which would mean *no policy at all*.
So with ``fail_mode: closed`` (the default), a config or policy that does
not load mounts a lockdown instead: every gating event (``tool:pre``,
``provider:request``, ``prompt:submit`` and the configured
``enabled_events``) is denied with the load error as the reason. With
``fail_mode: open`` the error is raised for the host to report. A config
without any policy or rule mounts nothing and logs a warning.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from hookgate.diagnostics import DiagnosticError
from hookgate.integrations.glue import OWN_EVENTS
from hookgate.integrations.wiring import CONFIG_FILE, PolicyWiring, build_policy_hook, load_config
from hookgate.kernel import GATING_EVENTS, HookResult
from hookgate.policy.selectors import EventNameError, resolve_selector

__all__ = ["MODULE_ID", "LockdownHook", "mount"]

MODULE_ID = "hooks-policy"
log = logging.getLogger("hookgate.integrations")


class LockdownHook:
    """Denies every event it is registered on: the policy could not be loaded."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    async def __call__(self, event: str, data: dict[str, Any]) -> HookResult:
        return HookResult(action="deny", reason=self.reason)


async def mount(coordinator: Any, config: Mapping[str, Any] | None = None) -> Callable[[], None]:
    """Mount the policy hook on ``coordinator``; returns the cleanup that removes every trace of it.

    ``config`` is the ``hooks-policy`` config mapping; relative paths resolve
    against the process's working directory.
    """
    raw = dict(config or {})
    _set_level(raw.get("log_level"))
    try:
        cfg = load_config(raw)
        if not cfg.policies and cfg.rules is None:
            log.warning("%s mounted without `policies` or `rules`: nothing is gated", MODULE_ID)
            return _noop
        wiring = build_policy_hook(cfg, base_dir=Path.cwd(), host_approval=coordinator.approval_system,
                                   hooks_for_events=coordinator.hooks, host="amplifier", name=MODULE_ID)
    except Exception as exc:  # a mount that raises would leave the session ungated: lock it down instead
        if raw.get("fail_mode") == "open":
            raise
        return _lockdown(coordinator, exc, raw)
    return _attach(coordinator, wiring)


def _attach(coordinator: Any, wiring: PolicyWiring) -> Callable[[], None]:
    unregister = wiring.hook.register(coordinator.hooks)
    events = sorted(wiring.hook.events)
    log.info("%s: registered on %s at priority %d (fail_mode=%s)", MODULE_ID, events, wiring.hook.priority,
             wiring.hook.fail_mode)
    coordinator.register_contributor("observability.events", MODULE_ID, lambda: list(OWN_EVENTS))
    broker = wiring.broker
    offered = broker is not None and coordinator.approval_system is None
    if offered:
        coordinator.approval_system = broker
        log.info("%s: the host has no approval system; hookgate's approval broker answers asks", MODULE_ID)

    def cleanup() -> None:
        unregister()
        if offered and coordinator.approval_system is broker:
            coordinator.approval_system = None
        wiring.close()
        log.info("%s: unregistered from %s", MODULE_ID, events)

    return cleanup


def _lockdown(coordinator: Any, exc: Exception, raw: Mapping[str, Any]) -> Callable[[], None]:
    """Deny every gating event, naming the error (see the module docstring for why)."""
    first = _first_line(exc)
    reason = (f"denied by hook `{MODULE_ID}`: its config or policy did not load ({first}); failing closed until the "
              "configuration is fixed")
    log.error("%s: policy did not load; every gating event is denied:\n%s", MODULE_ID, exc)
    events = sorted(GATING_EVENTS | _configured_events(raw.get("enabled_events")))
    priority = raw.get("priority") if isinstance(raw.get("priority"), int) else -100
    handler = LockdownHook(reason)
    removers = [coordinator.hooks.register(e, handler, priority, MODULE_ID) for e in events]
    coordinator.register_contributor("observability.events", MODULE_ID, lambda: list(OWN_EVENTS))

    def cleanup() -> None:
        for remove in removers:
            remove()

    return cleanup


def _configured_events(value: Any) -> set[str]:
    found: set[str] = set()
    for name in value if isinstance(value, Iterable) and not isinstance(value, str) else ():
        try:
            found.update(resolve_selector(str(name)))
        except EventNameError:
            continue
    return found


def _first_line(exc: Exception) -> str:
    errors = [d for d in exc.diagnostics if d.is_error] if isinstance(exc, DiagnosticError) else []
    if errors:
        first = errors[0]
        where = first.location
        text = f"{where}: {first.message}" if where is not None and where.file != CONFIG_FILE else first.message
        more = f"; and {len(errors) - 1} more error(s)" if len(errors) > 1 else ""
        return text + more
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _set_level(level: Any) -> None:
    if isinstance(level, str) and level.upper() in ("DEBUG", "INFO", "WARNING", "ERROR"):
        log.setLevel(level.upper())


def _noop() -> None:
    return None
