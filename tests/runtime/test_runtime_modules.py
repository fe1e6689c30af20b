"""hookgate's own modules mounted on their own, and what every mounted module logs."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from runtime_support import MODULE, handlers

from hookgate.runtime import mount_plan
from hookgate.runtime.decision_log import mount as mount_decision_log


async def test_decision_log_mounted_alone_records_events_that_reach_it(
    coordinator: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    cleanup = await mount_decision_log(coordinator, {"path": "d.jsonl", "events": ["BEFORE_TOOL", "session:*"]})
    assert handlers(coordinator) == {
        e: ["hooks-decision-log"]
        for e in ("session:end", "session:fork", "session:resume", "session:start", "tool:pre")
    }
    await coordinator.hooks.emit("tool:pre", {"tool_name": "bash", "session_id": "s-9"})
    cleanup()
    assert handlers(coordinator) == {}
    [record] = [json.loads(x) for x in (tmp_path / "d.jsonl").read_text().splitlines()]
    assert (record["event"], record["tool"], record["effect"], record["session_id"]) == (
        "tool:pre",
        "bash",
        "continue",
        "s-9",
    )


async def test_registrations_are_logged(write: Any, caplog: pytest.LogCaptureFixture) -> None:
    write("ext/mod.py", MODULE)
    plan = write(
        "plan.yaml",
        """\
        session: {orchestrator: o, context: c}
        hooks:
          - module: ext
            source: ./ext/mod.py
            config: {tag: ext, enabled_events: [tool:pre], log_level: debug}
          - module: hooks-policy
            config: {rules: [{id: r, deny: no}]}
        """,
    )
    with caplog.at_level(logging.INFO, logger="hookgate.runtime"):
        async with await mount_plan(plan):
            pass
    messages = [(r.name, r.getMessage()) for r in caplog.records]
    assert ("hookgate.runtime.ext", "registered ext on `tool:pre` at priority 50") in messages
    assert ("hookgate.runtime.ext", "skipped `tool:post` for ext: not in enabled_events") in messages
    assert ("hookgate.runtime.hooks-policy", "registered hooks-policy on `tool:pre` at priority -100") in messages
    assert ("hookgate.runtime", "unmounted hook module `ext`") in messages
    assert logging.getLogger("hookgate.runtime.ext").level == logging.NOTSET  # log_level restored on unmount


async def test_a_policy_without_rules_mounts_nothing(coordinator: Any, caplog: pytest.LogCaptureFixture) -> None:
    plan = {"session": {"orchestrator": "o", "context": "c"}, "hooks": [{"module": "hooks-policy"}]}
    async with await mount_plan(plan, coordinator):
        assert handlers(coordinator) == {}
    assert "nothing is gated" in caplog.text
