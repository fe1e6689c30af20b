"""hookgate's own hook modules, by module id: ``hooks-policy`` and ``hooks-decision-log``.

``hooks-policy`` is the same module amplifier loads through the
``amplifier.modules`` entry point (:func:`hookgate.integrations.amplifier.mount`)
and is built from the same parts (:func:`~hookgate.integrations.wiring.build_policy_hook`),
with three differences that only a mount plan makes possible:

* policy paths, grants and log files resolve against the plan's folder;
* inline ``rules:`` compile with the plan's positions, so an error in one
  points at its line in the plan file;
* a policy that does not load is an error *before anything is mounted*
  (the plan fails as a whole), not a lockdown hook: the file under review
  is the file that runs, or nothing runs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from hookgate.integrations.glue import OWN_EVENTS
from hookgate.integrations.wiring import PolicyWiring, build_policy_hook
from hookgate.mountplan.configs.hooks_policy import HooksPolicyConfig
from hookgate.runtime.decision_log import DECISION_LOG_MODULE, prepare_decision_log
from hookgate.runtime.prepared import Cleanup, PrepareContext, Prepared, validated_config

__all__ = ["BUILTIN_MODULES", "POLICY_MODULE", "PreparedPolicy", "prepare_policy"]

POLICY_MODULE = "hooks-policy"


class PreparedPolicy:
    """A compiled policy hook, ready to register."""

    def __init__(self, wiring: PolicyWiring | None, ctx: PrepareContext, *, shared: bool = False) -> None:
        self.wiring = wiring
        #: decisions go to the plan's ``hooks-decision-log`` (this entry has no log of its own)
        self.shared = shared
        self.key = ctx.key
        self.log = ctx.log

    @property
    def events(self) -> frozenset[str] | None:
        return self.wiring.hook.events if self.wiring is not None else frozenset()

    async def attach(self, coordinator: Any) -> Cleanup:
        wiring = self.wiring
        if wiring is None:
            self.log.warning("mounted without `policies` or `rules`: nothing is gated")
            return _noop
        unregister = wiring.hook.register(coordinator.hooks)
        coordinator.register_contributor("observability.events", self.key, lambda: list(OWN_EVENTS))
        offered = wiring.broker is not None and coordinator.approval_system is None
        if offered:
            coordinator.approval_system = wiring.broker
            self.log.info("the host has no approval system; hookgate's approval broker answers asks")
        return _cleanup(coordinator, wiring, unregister, offered=offered)

    def discard(self) -> None:
        if self.wiring is not None:
            self.wiring.close()


def _cleanup(coordinator: Any, wiring: PolicyWiring, unregister: Callable[[], None], *, offered: bool) -> Cleanup:
    def cleanup() -> None:
        unregister()
        if offered and coordinator.approval_system is wiring.broker:
            coordinator.approval_system = None
        wiring.close()

    return cleanup


def prepare_policy(config: Mapping[str, Any], ctx: PrepareContext) -> PreparedPolicy:
    """Validate and compile; raises :class:`~hookgate.diagnostics.DiagnosticError` pointing into the plan."""
    cfg = validated_config(HooksPolicyConfig, config, ctx)
    _set_level(ctx.log, cfg.log_level)
    if not cfg.policies and cfg.rules is None:
        return PreparedPolicy(None, ctx)
    shared = cfg.decision_log is None and ctx.shared_log is not None
    if shared:
        cfg = cfg.model_copy(update={"decision_log": ctx.shared_log})
    wiring = build_policy_hook(
        cfg, base_dir=ctx.base_dir, host_approval=ctx.coordinator.approval_system,
        hooks_for_events=ctx.coordinator.hooks, channel=ctx.channel, host="hookgate", name=ctx.key,
        inline_positions=ctx.positions.rebased((*ctx.prefix, "rules")),
    )  # fmt: skip
    if ctx.tap is not None:
        ctx.tap.attach(wiring.hook)
    return PreparedPolicy(wiring, ctx, shared=shared)


def _set_level(log: logging.Logger, level: str) -> None:
    log.setLevel(level.upper())
    logging.getLogger("hookgate.integrations").setLevel(level.upper())


def _noop() -> None:
    return None


#: module id -> prepare function (``(config, context) -> Prepared``)
BUILTIN_MODULES: dict[str, Callable[[Mapping[str, Any], PrepareContext], Prepared]] = {
    POLICY_MODULE: prepare_policy,
    DECISION_LOG_MODULE: prepare_decision_log,
}
