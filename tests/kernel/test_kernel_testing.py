"""EventRecorder and create_test_coordinator."""

from __future__ import annotations

from hookgate.kernel import EventRecorder, HookResult, create_test_coordinator
from hookgate.kernel.testing import MemoryContext, RecordingDisplay, StaticApproval


async def test_event_recorder_records_copies_and_filters() -> None:
    recorder = EventRecorder()
    data = {"tool_name": "Write", "tool_input": {"file_path": "/etc/passwd"}}
    assert await recorder.record("tool:pre", data) == HookResult(action="continue")
    await recorder.emit("tool:post", {"ok": True})
    data["tool_input"]["file_path"] = "changed"
    events = recorder.get_events()
    assert len(events) == 2
    assert events[0] == ("tool:pre", {"tool_name": "Write", "tool_input": {"file_path": "/etc/passwd"}})
    assert recorder.get_events("tool:post") == [("tool:post", {"ok": True})]
    events.clear()
    assert len(recorder.get_events()) == 2
    recorder.clear()
    assert recorder.get_events() == []


async def test_create_test_coordinator() -> None:
    coordinator = create_test_coordinator()
    assert coordinator.session_id == "test-session"
    assert isinstance(coordinator.get("context"), MemoryContext)
    assert isinstance(coordinator.display_system, RecordingDisplay)
    assert coordinator.approval_system is None
    approval = StaticApproval("allow")
    assert create_test_coordinator(approval=approval).approval_system is approval
