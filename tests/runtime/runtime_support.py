"""Shared data and helpers of the runtime tests (plans, policies, a third-party module, coordinators)."""

from __future__ import annotations

import types
from typing import Any

POLICY_A = """\
version: 1
policy: guard-a
rules:
  - id: no-recursive-force-delete
    tool: bash
    when:
      command: {program: rm, flags: [recursive, force]}
    deny: Recursive force deletes are not allowed.
"""

POLICY_B = """\
version: 1
policy: guard-b
rules:
  - id: ask-before-push
    tool: bash
    when:
      command: {prefix: [git, push]}
    ask: {prompt: "Push?", timeout: 30s}
  - id: note-after-tool
    on: tool:post
    inject: a tool ran
"""

PLAN = """\
session:
  orchestrator: loop-basic
  context: context-simple
hooks:
  - module: hooks-policy
    config:
      policies: [a.yaml, b.yaml]
      enabled_events: [tool:pre]
      approval: {channel: deny_all}
      rules:
        - id: remind-tests
          tool: write_file
          when:
            tool_input.file_path: {suffix: .py}
          inject: Run the tests after editing Python files.
"""

# a third-party hook module: registers on tool:pre and tool:post, contributes one event
MODULE = """\
from hookgate.kernel import HookResult

MOUNTED = []


async def mount(coordinator, config):
    tag = config.get("tag", "ext")

    async def handler(event, data):
        return HookResult(action="continue")

    handler.__qualname__ = tag
    removers = [coordinator.hooks.register(e, handler, priority=config.get("own_priority", 50), name=tag)
                for e in ("tool:pre", "tool:post")]
    coordinator.register_contributor("observability.events", tag, lambda: [tag + ":seen"])
    MOUNTED.append(tag)

    async def cleanup():
        for remove in removers:
            remove()
        MOUNTED.remove(tag)

    return cleanup
"""


def amplifier_coordinator() -> Any:
    from amplifier_core import ModuleCoordinator

    session = types.SimpleNamespace(
        session_id="s", parent_id=None, config={"session": {"orchestrator": "o", "context": "c"}}
    )
    return ModuleCoordinator(session, None, None)


def handlers(coordinator: Any) -> dict[str, list[str]]:
    """Registered handler names by event, without empty entries (amplifier keeps them)."""
    return {event: names for event, names in coordinator.hooks.list_handlers().items() if names}
