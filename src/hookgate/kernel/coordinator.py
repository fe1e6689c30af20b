"""``Coordinator``: the session hub modules mount into (amplifier's ``ModuleCoordinator`` shape).

It owns the session's :class:`HookRegistry`, mount points, capabilities,
contribution channels and cleanups, and turns a final ``HookResult`` into
its effect with :meth:`Coordinator.process_hook_result` (approvals through
the attached approval system, user messages through the display system,
injections into the mounted context manager).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from inspect import isawaitable
from typing import Any, Final

from hookgate.kernel.approval import ApprovalSystem, DisplaySystem
from hookgate.kernel.registry import HookRegistry
from hookgate.kernel.resolution import (
    check_sizes,
    context_items,
    context_message,
    injected,
    resolve_approval,
    show_user_message,
    with_transient,
)
from hookgate.kernel.results import ContextInjection, HookResult

__all__ = ["MOUNT_POINTS", "Coordinator"]

#: mount points holding one module each, and those holding modules by name
_SINGLE: Final = ("orchestrator", "context", "module-source-resolver")
_NAMED: Final = ("providers", "tools")
MOUNT_POINTS: Final[tuple[str, ...]] = (
    "orchestrator", "providers", "tools", "context", "hooks", "module-source-resolver",
)  # fmt: skip

_log = logging.getLogger("hookgate.kernel")


class Coordinator:
    """One session's hooks, mounted modules, capabilities, contributions and cleanups."""

    def __init__(
        self,
        session_id: str | None = None,
        *,
        parent_id: str | None = None,
        config: Mapping[str, Any] | None = None,
        approval_system: ApprovalSystem | None = None,
        display_system: DisplaySystem | None = None,
        hooks: HookRegistry | None = None,
    ) -> None:
        self.session_id: str = session_id or str(uuid.uuid4())
        self.parent_id = parent_id
        self.config: dict[str, Any] = dict(config or {})
        self.approval_system = approval_system
        self.display_system = display_system
        self._hooks = hooks if hooks is not None else HookRegistry()
        self.mount_points: dict[str, Any] = {
            "orchestrator": None,
            "providers": {},
            "tools": {},
            "context": None,
            "hooks": self._hooks,
            "module-source-resolver": None,
        }
        self._capabilities: dict[str, Any] = {}
        self._channels: dict[str, list[tuple[str, Callable[[], Any]]]] = {}
        self._cleanups: list[Callable[[], Any]] = []
        self._turn_tokens = 0
        session = self.config.get("session") or {}
        self._size_limit = _limit(session, "injection_size_limit")
        self._turn_budget = _limit(session, "injection_budget_per_turn")

    @property
    def hooks(self) -> HookRegistry:
        return self._hooks

    @property
    def injection_size_limit(self) -> int | None:
        """Most characters one injection may have (``config["session"]["injection_size_limit"]``)."""
        return self._size_limit

    @property
    def injection_budget_per_turn(self) -> int | None:
        """Soft per-turn budget in tokens (chars // 4); exceeding it is logged, as in amplifier."""
        return self._turn_budget

    @property
    def current_turn_injections(self) -> int:
        return self._turn_tokens

    def reset_turn(self) -> None:
        self._turn_tokens = 0

    # -- mount points ---------------------------------------------------------

    async def mount(self, mount_point: str, module: Any, name: str | None = None) -> None:
        _check_point(mount_point)
        if mount_point == "hooks":
            raise ValueError("Hooks should be registered directly with the HookRegistry")
        if mount_point in _NAMED:
            if not name:
                raise ValueError(f"Name required for {mount_point}")
            self.mount_points[mount_point][name] = module
        else:
            self.mount_points[mount_point] = module

    async def unmount(self, mount_point: str, name: str | None = None) -> None:
        _check_point(mount_point)
        if mount_point in _NAMED:
            if name is not None:
                self.mount_points[mount_point].pop(name, None)
        elif mount_point in _SINGLE:
            self.mount_points[mount_point] = None

    def get(self, mount_point: str, name: str | None = None) -> Any:
        _check_point(mount_point)
        mounted = self.mount_points[mount_point]
        if mount_point in _NAMED:
            return mounted.get(name) if name is not None else dict(mounted)
        return mounted

    # -- capabilities, contributions, cleanup ---------------------------------

    def register_capability(self, name: str, value: Any) -> None:
        self._capabilities[name] = value

    def get_capability(self, name: str) -> Any:
        return self._capabilities.get(name)

    def register_contributor(self, channel: str, name: str, callback: Callable[[], Any]) -> None:
        self._channels.setdefault(channel, []).append((name, callback))

    @property
    def channels(self) -> dict[str, list[dict[str, Any]]]:
        return {ch: [{"name": n, "callback": cb} for n, cb in items] for ch, items in self._channels.items()}

    async def collect_contributions(self, channel: str) -> list[Any]:
        """Each contributor's value (sync or async) in registration order; ``None`` and failures skipped."""
        collected: list[Any] = []
        for name, callback in list(self._channels.get(channel, ())):
            try:
                value = await _maybe_await(callback())
            except Exception as exc:
                _log.warning("contributor %r on channel %r failed: %s", name, channel, exc, exc_info=exc)
                continue
            if value is not None:
                collected.append(value)
        return collected

    def register_cleanup(self, cleanup_fn: Callable[[], Any]) -> None:
        if not callable(cleanup_fn):
            raise TypeError(f"cleanup must be callable, got {type(cleanup_fn).__name__}")
        self._cleanups.append(cleanup_fn)

    async def cleanup(self) -> None:
        """Run cleanups newest first (sync or async), once; failures are logged and the rest still run."""
        pending, self._cleanups = self._cleanups, []
        for cleanup_fn in reversed(pending):
            try:
                await _maybe_await(cleanup_fn())
            except Exception as exc:
                _log.error("error during cleanup: %s", exc, exc_info=exc)

    # -- hook results ---------------------------------------------------------

    async def process_hook_result(self, result: HookResult, event: str, hook_name: str = "unknown") -> HookResult:
        """Apply a final result: resolve ``ask_user``, show ``user_message``, persist injections.

        ``ask_user`` becomes continue or deny. ``inject_context`` items that
        are not ephemeral go into the mounted context; the result comes back
        as ``continue`` (other fields kept), or, if ephemeral items remain,
        as ``inject_context`` carrying only those, for the orchestrator to
        place. Other results are returned as they are.
        """
        if result.action == "ask_user":
            return await resolve_approval(self.approval_system, result, hook_name)
        await show_user_message(self.display_system, result, hook_name)
        if result.action == "inject_context":
            return await self._inject(result, event, hook_name)
        return result

    async def _inject(self, result: HookResult, event: str, hook_name: str) -> HookResult:
        """Persist non-ephemeral items into the context; hand ephemeral ones back to the orchestrator."""
        items = context_items(result, hook_name, event)
        check_sizes(items, self._size_limit)
        self._spend_budget(sum(len(item.content) // 4 for item in items), hook_name)
        persisted = [item for item in items if not item.ephemeral]
        if persisted:
            await self._persist(persisted, hook_name)
        transient = [item for item in items if item.ephemeral]
        return with_transient(result, transient) if transient else injected(result)

    async def _persist(self, items: list[ContextInjection], hook_name: str) -> None:
        add_message = getattr(self.mount_points["context"], "add_message", None)
        if add_message is None:
            _log.warning("no context manager mounted; injection from hook %s dropped", hook_name)
            return
        for item in items:
            await _maybe_await(add_message(context_message(item)))

    def _spend_budget(self, tokens: int, hook_name: str) -> None:
        budget = self._turn_budget
        if budget is not None and self._turn_tokens + tokens > budget:
            _log.warning(
                "hook injection budget exceeded (hook=%s, current=%d, attempted=%d, budget=%d)",
                hook_name, self._turn_tokens, tokens, budget,
            )  # fmt: skip
        self._turn_tokens += tokens


def _check_point(mount_point: str) -> None:
    if mount_point not in MOUNT_POINTS:
        raise ValueError(f"Unknown mount point: {mount_point}")


def _limit(session: Mapping[str, Any], key: str) -> int | None:
    """A positive int setting, or None; anything else is a configuration error, not a silent 'unlimited'."""
    value = session.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"session.{key} must be a positive integer, got {value!r}")
    return value


async def _maybe_await(value: Any) -> Any:
    return await value if isawaitable(value) else value
