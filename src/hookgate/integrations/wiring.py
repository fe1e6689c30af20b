"""From a ``hooks-policy`` config to a ready :class:`~hookgate.policy.hook.PolicyHook`.

Shared by the Amplifier module (:mod:`hookgate.integrations.amplifier`) and
the mount-plan runtime: compile the policies, pick who resolves asks, attach
the decision log and the event announcements.

Who resolves ``ask_user`` (``approval.channel``):

* ``auto`` / ``host``: the host's approval system when it has one (the hook
  returns ``ask_user`` and the host resolves it). Without one, ``auto`` uses
  the terminal when stdin is a TTY and otherwise denies every ask
  (``allow_tools`` excepted); ``host`` denies every ask and says why.
* ``terminal``, ``deny_all``, ``allow_tools``, ``callback`` (a channel the
  caller passes): hookgate's broker, inside the hook.

When the broker resolves, a grant continues (or modifies, when a modify rule
also matched) and anything else denies, naming the rule and the outcome.
``approval.timeout`` caps each rule's timeout; ``approval.default`` caps a
rule's ``default: allow`` (the broker's ``max_default``).

Paths and working directory: policy, grants and log paths are relative to
``base_dir`` (the mount plan's folder; the process cwd for amplifier). A
path matcher resolves against the event's ``cwd``, else the config's
``workspace``, else the process cwd; ``under: workspace`` means the config's
``workspace``, else the policies' ``settings.workspace``, else that cwd.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from hookgate.diagnostics import Diagnostic, DiagnosticError
from hookgate.integrations.glue import DecisionGlue, Emitter, GuardedEmitter
from hookgate.load import PositionMap, validation_diagnostics
from hookgate.mountplan.configs.hooks_policy import HooksPolicyConfig
from hookgate.policy.api import compile_files
from hookgate.policy.engine import Plan
from hookgate.policy.hook import PolicyHook
from hookgate.policy.match.base import EvalEnv
from hookgate.policy.selectors import EventNameError, resolve_selector

if TYPE_CHECKING:
    from hookgate.approval import ApprovalBroker, ApprovalChannel
    from hookgate.audit import DecisionLog
    from hookgate.kernel import ApprovalSystem

__all__ = ["CONFIG_FILE", "PolicyWiring", "build_policy_hook", "compile_config", "load_config", "selected_events"]

log = logging.getLogger("hookgate.integrations")

#: the pseudo file name diagnostics of a config without a source file point at
CONFIG_FILE = "<hooks-policy config>"


@dataclass(eq=False, slots=True)
class PolicyWiring:
    """A built policy hook and what it owns; ``close()`` releases all of it."""

    hook: PolicyHook
    config: HooksPolicyConfig
    glue: DecisionGlue
    broker: ApprovalBroker | None = None
    decision_log: DecisionLog | None = None

    def close(self) -> None:
        """Cancel open prompts and pending announcements, close the decision log (idempotent)."""
        self.glue.close()


def load_config(raw: Mapping[str, Any] | HooksPolicyConfig | None, *, file: str = CONFIG_FILE) -> HooksPolicyConfig:
    """Validate a raw ``config:`` mapping; raises :class:`DiagnosticError` with every problem."""
    if isinstance(raw, HooksPolicyConfig):
        return raw
    data = dict(raw or {})
    try:
        return HooksPolicyConfig.model_validate(data)
    except ValidationError as exc:
        raise DiagnosticError(validation_diagnostics(exc, HooksPolicyConfig, data, PositionMap(file))) from None


def compile_config(config: HooksPolicyConfig, *, base_dir: Path, inline_positions: PositionMap | None = None) -> Plan:
    """Compile the config's policy files and inline rules; raises :class:`DiagnosticError`."""
    paths = [_resolve(base_dir, p) for p in config.policies]
    inline: list[tuple[Any, PositionMap]] = []
    if config.rules is not None:
        inline.append((config.rules, inline_positions or PositionMap(f"{CONFIG_FILE} rules")))
    return compile_files(paths, inline=inline)


def selected_events(config: HooksPolicyConfig) -> frozenset[str] | None:
    """``enabled_events`` as canonical names (aliases and globs resolved); None means every event."""
    if config.enabled_events is None:
        return None
    found: set[str] = set()
    problems: list[Diagnostic] = []
    for i, name in enumerate(config.enabled_events):
        try:
            found.update(resolve_selector(name))
        except EventNameError as exc:
            problems.append(Diagnostic(f"mount.{exc.code}", f"`enabled_events[{i}]`: {exc}"))
    if problems:
        raise DiagnosticError(problems)
    return frozenset(found)


def build_policy_hook(
    config: HooksPolicyConfig,
    *,
    base_dir: Path,
    host_approval: ApprovalSystem | None,
    display: Any = None,
    hooks_for_events: Emitter | None = None,
    channel: ApprovalChannel | None = None,
    inline_positions: PositionMap | None = None,
    host: str | None = None,
    name: str = "hooks-policy",
) -> PolicyWiring:
    """Compile, choose the approval path, attach the log; raises :class:`DiagnosticError` for a bad config.

    ``display`` is accepted for the mount-plan runtime's signature; messages
    reach the user through ``HookResult.user_message`` and the host's display.
    """
    plan = compile_config(config, base_dir=base_dir, inline_positions=inline_positions)
    events = selected_events(config)
    emitter = GuardedEmitter(hooks_for_events) if hooks_for_events is not None else None
    broker = _broker(config, base_dir, host_approval, channel, emitter)
    decision_log = _decision_log(config, base_dir)
    glue = DecisionGlue(broker=broker, decision_log=decision_log, emitter=emitter, host=host,
                        policies=tuple(str(_resolve(base_dir, p)) for p in config.policies),
                        max_timeout=config.approval.timeout, hook_name=name)
    hook = PolicyHook(plan, events=events, priority=config.priority, fail_mode=config.fail_mode, name=name,
                      resolve_ask=glue.resolve_ask if broker is not None else None, on_decision=glue.on_decision,
                      env_factory=_env_factory(plan, config, base_dir),
                      max_timeout=config.approval.timeout, max_default=config.approval.default)
    skipped = sorted(plan.events - hook.events)
    if skipped:
        log.warning("%s: rules on %s are not run: those events are not in `enabled_events`", name, skipped)
    return PolicyWiring(hook, config, glue, broker, decision_log)


# -- parts --------------------------------------------------------------------------------------------


def _resolve(base_dir: Path, path: str) -> Path:
    p = Path(os.path.expanduser(path))
    return p if p.is_absolute() else base_dir / p


def _env_factory(plan: Plan, config: HooksPolicyConfig, base_dir: Path) -> Callable[[Mapping[str, Any]], EvalEnv]:
    workspace = str(_resolve(base_dir, config.workspace)) if config.workspace else None

    def env_for(data: Mapping[str, Any]) -> EvalEnv:
        cwd = data.get("cwd") or data.get("working_directory")
        if not isinstance(cwd, str):
            cwd = workspace or os.getcwd()
        return EvalEnv(cwd=cwd, workspace=workspace) if workspace else plan.env_for({"cwd": cwd})

    return env_for


def _broker(config: HooksPolicyConfig, base_dir: Path, host_approval: ApprovalSystem | None,
            channel: ApprovalChannel | None, emitter: Emitter | None) -> ApprovalBroker | None:
    """The broker that resolves asks inside the hook, or None when the host resolves them."""
    wanted = config.approval.channel
    if channel is None:
        if wanted in ("auto", "host") and host_approval is not None:
            return None
        channel = _channel(config)
    from hookgate.approval import ApprovalBroker, GrantStore

    grants_file = config.approval.grants_file
    grants = GrantStore(_resolve(base_dir, grants_file) if grants_file else None)
    for problem in grants.problems:
        log.warning("%s", problem.render())
    return ApprovalBroker(channel, grants=grants, hooks=emitter, max_default=config.approval.default)


def _channel(config: HooksPolicyConfig) -> ApprovalChannel:
    from hookgate.approval import NonInteractiveChannel

    approval = config.approval
    if approval.channel == "terminal" or (approval.channel == "auto" and _stdin_is_tty()):
        from hookgate.approval.channels.terminal import TerminalChannel

        return TerminalChannel(non_interactive_default="deny")
    if approval.channel == "host":
        log.warning("approval.channel is `host` but the host has no approval system: every ask is denied")
        return NonInteractiveChannel(name="non-interactive:no-host-approval")
    if approval.channel == "callback":
        log.warning("approval.channel is `callback` but no callback channel was given: every ask is denied")
        return NonInteractiveChannel(name="non-interactive:no-callback")
    if approval.channel == "deny_all":
        return NonInteractiveChannel()
    return NonInteractiveChannel(allow_tools=approval.allow_tools)  # allow_tools, or auto without a TTY


def _stdin_is_tty() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (ValueError, OSError):
        return False


def _decision_log(config: HooksPolicyConfig, base_dir: Path) -> DecisionLog | None:
    if config.decision_log is None:
        return None
    from hookgate.audit import DecisionLog

    target = config.decision_log
    return DecisionLog(_resolve(base_dir, target.path), max_bytes=target.max_bytes, backups=target.backups)
