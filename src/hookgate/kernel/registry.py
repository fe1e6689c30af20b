"""``HookRegistry``: ordered handlers per event, folded into one ``HookResult``.

Semantics are amplifier-core 2.0.2's (the compat suite runs both side by
side): ascending priority, ties in registration order; ``deny`` returns at
once with that handler's result; ``modify`` replaces the data later handlers
see; the final result is deny > ask_user > inject_context > continue, where
a winning ``modify`` comes back as ``continue`` carrying the modified data,
as amplifier reports it.

The one deliberate difference is security: where amplifier skips a handler
that raises, hookgate fails closed on *gating* events (an operation that has
not happened yet): the emit returns ``deny`` naming the handler. On other
events the failure is logged and the handler skipped.

Speed (``benchmarks/bench_registry.py``): handler chains are tuples sorted at
registration and replaced on change (copy-on-write, so an emit in flight
never sees a half-updated chain); async handlers are awaited inline (no
task); timeout machinery runs only when a timeout is configured, and then
only for a handler that really waits; results handlers return are used as
they are (already validated), and the per-emit result skips validation.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from inspect import isawaitable
from itertools import count
from types import CoroutineType
from typing import Any, Final, NamedTuple

from hookgate.kernel._dispatch import bounded, clone_data, finish, utc_timestamp
from hookgate.kernel.events import GATING_EVENTS, canonical_name
from hookgate.kernel.injections import injection_items, merge_injections
from hookgate.kernel.results import ContextInjection, HookResult, coerce_result, continue_result

__all__ = ["INVALID_RESPONSE", "HookHandler", "HookRegistry"]

#: a handler: ``(event, data) -> HookResult | dict | None``, sync or async
HookHandler = Callable[[str, dict[str, Any]], Any]

#: amplifier's reason for an unusable handler result; hookgate appends the handler's name
INVALID_RESPONSE: Final = "Hook handler returned invalid response"

_log = logging.getLogger("hookgate.kernel")


class _Entry(NamedTuple):
    handler: HookHandler
    name: str
    priority: int


def _priority(entry: _Entry) -> int:
    return entry.priority


class HookRegistry:
    """Register handlers per event and emit events through them."""

    def __init__(self, *, handler_timeout: float | None = None, gating_events: Iterable[str] = ()) -> None:
        """``handler_timeout`` bounds each async handler's waiting in :meth:`emit` (a sync handler
        cannot be interrupted); ``gating_events`` adds to :data:`GATING_EVENTS`, never replaces it.
        """
        if handler_timeout is not None and not handler_timeout > 0:
            raise ValueError(f"handler_timeout must be > 0 or None, got {handler_timeout!r}")
        self._chains: dict[str, tuple[_Entry, ...]] = {}
        self._defaults: dict[str, Any] = {}
        self._handler_timeout = handler_timeout
        self._gating: frozenset[str] = GATING_EVENTS
        self._names = count(1)
        self.add_gating_events(*gating_events)

    # -- registration ---------------------------------------------------------

    def register(
        self, event: str, handler: HookHandler, priority: int = 0, name: str | None = None
    ) -> Callable[[], None]:
        """Add ``handler`` for ``event``; returns a callable that removes exactly this registration."""
        if not callable(handler):
            raise TypeError(f"hook handler for `{event}` must be callable, got {type(handler).__name__}")
        entry = _Entry(handler, name or self._auto_name(handler), priority)
        self._chains[event] = tuple(sorted((*self._chains.get(event, ()), entry), key=_priority))

        def unregister() -> None:
            self._remove(event, lambda candidate: candidate is entry)

        return unregister

    on = register

    def unregister(self, name: str) -> None:
        """Remove every registration named ``name``, on every event (amplifier-core 2.0.2 may leave some)."""
        for event in list(self._chains):
            self._remove(event, lambda candidate: candidate.name == name)

    def list_handlers(self, event: str | None = None) -> dict[str, list[str]]:
        """Handler names in execution order, for one event or for every event that has handlers."""
        if event is not None:
            return {event: [entry.name for entry in self._chains.get(event, ())]}
        return {name: [entry.name for entry in chain] for name, chain in self._chains.items()}

    def set_default_fields(self, **fields: Any) -> None:
        """Fields merged into every emitted event's data (replacing earlier defaults); callers' keys win."""
        self._defaults = dict(fields)

    @property
    def gating_events(self) -> frozenset[str]:
        return self._gating

    def add_gating_events(self, *events: str) -> None:
        """Also fail closed on these events (aliases such as ``BEFORE_TOOL`` resolve). Never shrinks."""
        self._gating = self._gating | {canonical_name(event) for event in events}

    # -- emitting -------------------------------------------------------------

    async def emit(self, event: str, data: dict[str, Any]) -> HookResult:
        """Run the handlers for ``event`` in order and fold their results into one.

        Each handler gets its own copy of the data (``timestamp`` and the
        default fields added), so only an explicit ``modify`` changes what
        later handlers and the caller see. One function on purpose: this is
        the hot path, and a helper call per handler is measurable.
        """
        chain = self._chains.get(event)
        if not chain:
            return continue_result(dict(data) if data else {})
        current: dict[str, Any] = {**self._defaults, **data} if data else dict(self._defaults)
        current["timestamp"] = utc_timestamp()
        ask: HookResult | None = None
        injections: list[tuple[HookResult, list[ContextInjection]]] | None = None
        timeout = self._handler_timeout
        for handler, name, _ in chain:
            try:
                value = handler(event, clone_data(current))
                if type(value) is CoroutineType:
                    value = await value if timeout is None else await bounded(value, timeout)
                elif value is not None and type(value) is not HookResult and isawaitable(value):
                    value = await finish(value, timeout)
            except Exception as exc:
                if event in self._gating:
                    return self._fail_closed(event, name, exc)
                _log.error("hook handler %r failed on event %r; skipped", name, event, exc_info=exc)
                continue
            if value is None:
                continue
            result = value if type(value) is HookResult else _coerce(value, name, event)
            action = result.action
            if action == "continue":
                continue
            if action == "deny":
                return result
            if action == "modify":
                if result.data is not None:
                    current = result.data
            elif action == "ask_user":
                if ask is None:
                    ask = result
            else:
                items = injection_items(result, name, event)
                if items:
                    if injections is None:
                        injections = []
                    injections.append((result, items))
        if ask is not None:
            return ask
        if injections:
            return merge_injections(injections)
        return continue_result(current)

    async def emit_and_collect(self, event: str, data: dict[str, Any], timeout: float | None = 1.0) -> list[Any]:
        """Each handler's ``result.data`` (when not None), in order; failures and timeouts are skipped."""
        collected: list[Any] = []
        for handler, name, _ in self._chains.get(event, ()):
            try:
                result = coerce_result(await _call(handler, event, clone_data(data or {}), timeout))
            except Exception as exc:
                _log.warning("hook handler %r failed in collect on event %r; skipped", name, event, exc_info=exc)
                continue
            if result is not None and result.data is not None:
                collected.append(result.data)
        return collected

    # -- internals ------------------------------------------------------------

    def _auto_name(self, handler: HookHandler) -> str:
        label = getattr(handler, "__qualname__", None) or type(handler).__qualname__
        return f"{label}#{next(self._names)}"

    def _remove(self, event: str, doomed: Callable[[_Entry], bool]) -> None:
        chain = self._chains.get(event, ())
        kept = tuple(entry for entry in chain if not doomed(entry))
        if not kept:
            self._chains.pop(event, None)
        elif len(kept) != len(chain):
            self._chains[event] = kept

    def _fail_closed(self, event: str, name: str, exc: Exception) -> HookResult:
        _log.error("hook handler %r failed on gating event %r; denying", name, event, exc_info=exc)
        if isinstance(exc, TimeoutError):
            limit = self._handler_timeout
            what = f"timed out (limit {limit}s)" if limit is not None else "timed out"
        else:
            what = f"failed ({type(exc).__name__})"
        return HookResult(action="deny", reason=f"Hook handler '{name}' {what} on gating event '{event}' (fail closed)")


def _coerce(value: object, name: str, event: str) -> HookResult:
    """A handler's non-``HookResult`` answer, or a deny naming the handler when it is unusable."""
    try:
        result = coerce_result(value)
    except Exception as exc:
        _log.error("hook handler %r returned an invalid result on event %r; denying", name, event, exc_info=exc)
        return HookResult(action="deny", reason=f"{INVALID_RESPONSE}: handler '{name}' returned {type(value).__name__}")
    return result if result is not None else continue_result(None)


async def _call(handler: HookHandler, event: str, payload: dict[str, Any], timeout: float | None) -> Any:
    """Call a sync or async handler; an async one that waits is bounded by ``timeout``."""
    value = handler(event, payload)
    if type(value) is CoroutineType:
        return await value if timeout is None else await bounded(value, timeout)
    if value is not None and isawaitable(value):
        return await finish(value, timeout)
    return value
