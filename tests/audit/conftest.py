"""Shared builders for the decision-log tests: real records, real files."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from hookgate.audit import DecisionRecord

RecordFactory = Callable[..., DecisionRecord]


@pytest.fixture
def make_record() -> RecordFactory:
    """``make_record(effect="deny", rules=("r",), ...)``: a valid record with sensible defaults."""

    def build(**fields: Any) -> DecisionRecord:
        base: dict[str, Any] = {"event": "tool:pre", "tool": "bash", "effect": "continue", "latency_us": 12.5}
        return DecisionRecord(**(base | fields))

    return build
