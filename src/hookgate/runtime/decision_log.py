"""The ``hooks-decision-log`` module: one decision log for the whole session.

What it records, and why this way. A hook only sees the events that reach
it, never the result the other hooks produce, and amplifier-core's registry
cannot be wrapped. So the log is written where the decisions are known:

* every ``hooks-policy`` entry of the same plan that has no ``decision_log``
  of its own writes its decisions into this log: effect, rule ids, reason,
  and for an ``ask_user`` the approval outcome (granted, denied, timeout…);
* for each event in ``events`` (default: the gating events ``tool:pre``,
  ``provider:request``, ``prompt:submit``) that no such policy gates, a
  handler at the very end of the chain (priority 1000) records that the
  event went through every hook (effect ``continue``). An event a hook
  denied never reaches it, so nothing is recorded twice.

So every gated event yields exactly one line per deciding policy, with the
outcome hookgate decided. Mounted on its own (amplifier entry point, no
plan), only the second half applies. The module emits no events of its
own, so it contributes nothing to ``observability.events``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from hookgate.audit import DecisionLog
from hookgate.diagnostics import Diagnostic, DiagnosticError
from hookgate.kernel import GATING_EVENTS, HookResult
from hookgate.mountplan.configs.hooks_policy import DecisionLogConfig, DecisionLogHookConfig
from hookgate.policy.selectors import EventNameError, resolve_selector
from hookgate.runtime.prepared import Cleanup, PrepareContext, validated_config

__all__ = [
    "DECISION_LOG_MODULE",
    "OBSERVER_PRIORITY",
    "DecisionLogHook",
    "PreparedDecisionLog",
    "mount",
    "prepare_decision_log",
    "shared_target",
]

DECISION_LOG_MODULE: Final = "hooks-decision-log"
#: runs after every other hook, so it only sees events no hook denied
OBSERVER_PRIORITY: Final = 1000


@dataclass(frozen=True, slots=True)
class _WentThrough:
    """The decision recorded for an event that reached the end of the chain."""

    effect: str = "continue"
    rules: tuple[str, ...] = ()
    reason: str | None = None
    shadow: tuple[Any, ...] = ()
    unknowns: tuple[str, ...] = ()


_THROUGH = _WentThrough()


class DecisionLogHook:
    """Records each event that reaches it; always answers ``continue``."""

    def __init__(self, log: DecisionLog, *, session_id: str | None = None) -> None:
        self.log = log
        self.session_id = session_id

    async def __call__(self, event: str, data: dict[str, Any]) -> HookResult:
        self.log.record(
            event=event, data=data, decision=_THROUGH, latency_ns=0, session_id=self.session_id, host="hookgate"
        )
        return HookResult(action="continue")


class PreparedDecisionLog:
    """A validated ``hooks-decision-log`` entry; the file is opened on attach."""

    def __init__(self, config: DecisionLogHookConfig, path: Path, events: frozenset[str], *, name: str) -> None:
        self.config = config
        self.path = path
        self.requested = events
        self.name = name
        #: events gated by the plan's policies, which log those themselves
        self.skip: set[str] = set()

    @property
    def events(self) -> frozenset[str]:
        return self.requested - self.skip

    async def attach(self, coordinator: Any) -> Cleanup:
        log = DecisionLog(self.path, max_bytes=self.config.max_bytes, backups=self.config.backups)
        hook = DecisionLogHook(log)
        priority = int(getattr(self.config, "priority", OBSERVER_PRIORITY))
        removers = [coordinator.hooks.register(e, hook, priority=priority, name=self.name) for e in sorted(self.events)]

        def cleanup() -> None:
            for remove in reversed(removers):
                remove()
            log.close()

        return cleanup

    def discard(self) -> None:
        return None


def prepare_decision_log(config: Mapping[str, Any], ctx: PrepareContext) -> PreparedDecisionLog:
    """Validate the entry's config; raises :class:`DiagnosticError` pointing into the plan."""
    cfg = validated_config(DecisionLogHookConfig, config, ctx)
    events = _events(cfg.events, where=lambda i: ctx.where("events", i))
    return PreparedDecisionLog(cfg, resolve_path(ctx.base_dir, cfg.path), events, name=ctx.key)


def shared_target(config: Mapping[str, Any], base_dir: Path) -> DecisionLogConfig | None:
    """Where the plan's policies write when this entry is the plan's decision log (None if invalid)."""
    try:
        cfg = DecisionLogHookConfig.model_validate(dict(config))
    except ValueError:
        return None
    return DecisionLogConfig(path=str(resolve_path(base_dir, cfg.path)), max_bytes=cfg.max_bytes, backups=cfg.backups)


async def mount(coordinator: Any, config: Mapping[str, Any] | None = None) -> Cleanup:
    """Mount on its own (no plan): paths relative to the working directory."""
    data = dict(config or {})
    cfg = DecisionLogHookConfig.model_validate(data)
    prepared = PreparedDecisionLog(
        cfg, resolve_path(Path.cwd(), cfg.path), _events(cfg.events), name=DECISION_LOG_MODULE
    )
    return await prepared.attach(coordinator)


def resolve_path(base_dir: Path, path: str) -> Path:
    """``~`` expanded; a relative path is relative to ``base_dir`` (the plan's folder)."""
    p = Path(path).expanduser()
    return p if p.is_absolute() else base_dir / p


def _events(names: list[str] | None, *, where: Callable[[int], Any] | None = None) -> frozenset[str]:
    if names is None:
        return frozenset(GATING_EVENTS)
    found: set[str] = set()
    problems: list[Diagnostic] = []
    for i, name in enumerate(names):
        try:
            found.update(resolve_selector(name))
        except EventNameError as exc:
            problems.append(Diagnostic(f"mount.{exc.code}", str(exc), where(i) if where else None))
    if problems:
        raise DiagnosticError(problems)
    return frozenset(found)
