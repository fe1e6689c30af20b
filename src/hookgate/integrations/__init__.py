"""Host integrations: the Amplifier module, the Claude-Code-style hook command, session replay.

Submodules are imported on demand (nothing is re-exported here), so the hook
command that runs before every tool call loads only the protocol it speaks:

* :mod:`~hookgate.integrations.amplifier` — ``mount(coordinator, config)``, module id ``hooks-policy``
* :mod:`~hookgate.integrations.wiring` — ``build_policy_hook``: a config to a ready ``PolicyHook``
* :mod:`~hookgate.integrations.glue` — approvals, decision log and events around a decision
* :mod:`~hookgate.integrations.claude_code` — Claude Code's hook protocol
* :mod:`~hookgate.integrations.replay` — replay a recorded session log through policies
"""
