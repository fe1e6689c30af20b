"""Shared by the compat tests: the two backends, result normalisation, recording host doubles."""

from __future__ import annotations

import types
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import amplifier_core
import amplifier_core.approval as amplifier_approval

from hookgate import kernel

SESSION_CONFIG: dict[str, Any] = {"session": {"orchestrator": "o", "context": "c"}}


@dataclass(frozen=True)
class Backend:
    """What a scenario needs from one implementation."""

    name: str
    new_registry: Callable[[], Any]
    new_coordinator: Callable[[Any, Any, dict[str, Any]], Any]
    result_type: type[Any]
    approval_timeout_error: type[Exception]

    @property
    def fails_closed(self) -> bool:
        return self.name == "hookgate"

    def result(self, **fields: Any) -> Any:
        return self.result_type(**fields)

    def coordinator(self, approval: Any = None, display: Any = None, session: dict[str, Any] | None = None) -> Any:
        config = {"session": {**SESSION_CONFIG["session"], **(session or {})}}
        return self.new_coordinator(approval, display, config)


def _amplifier_coordinator(approval: Any, display: Any, config: dict[str, Any]) -> Any:
    session = types.SimpleNamespace(session_id="s", parent_id=None, config=config)
    return amplifier_core.ModuleCoordinator(session, approval, display)


def _hookgate_coordinator(approval: Any, display: Any, config: dict[str, Any]) -> Any:
    return kernel.Coordinator("s", config=config, approval_system=approval, display_system=display)


HOOKGATE = Backend(
    "hookgate", kernel.HookRegistry, _hookgate_coordinator, kernel.HookResult, kernel.ApprovalTimeoutError
)
AMPLIFIER = Backend(
    "amplifier",
    amplifier_core.HookRegistry,
    _amplifier_coordinator,
    amplifier_core.HookResult,
    amplifier_approval.ApprovalTimeoutError,
)


def normalise(result: Any) -> dict[str, Any]:
    """The comparable part of a HookResult from either backend (no timestamps)."""
    dumped = result.model_dump()
    data = dumped["data"]
    if isinstance(data, dict):
        data = {key: value for key, value in data.items() if key != "timestamp"}
    dumped["data"] = data
    return dumped


def changed(result: Any) -> dict[str, Any]:
    """Only the fields that differ from a default HookResult (short expectations)."""
    defaults = kernel.HookResult().model_dump()
    return {key: value for key, value in normalise(result).items() if value != defaults[key]}


class RecordingApproval:
    def __init__(self, answer: Any = None, error: BaseException | None = None) -> None:
        self.answer = answer
        self.error = error
        self.requests: list[tuple[Any, ...]] = []

    async def request_approval(self, prompt: str, options: list[str], timeout: float, default: str) -> Any:
        self.requests.append((prompt, list(options), timeout, default))
        if self.error is not None:
            raise self.error
        return self.answer


class RecordingDisplay:
    def __init__(self) -> None:
        self.messages: list[tuple[str, str, str]] = []

    def show_message(self, message: str, level: str, source: str = "hook") -> None:
        self.messages.append((message, level, source))


class RecordingContext:
    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    async def add_message(self, message: dict[str, Any]) -> None:
        self.messages.append(message)
