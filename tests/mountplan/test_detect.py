"""Recognising mount plans, policies and policy test files."""

from __future__ import annotations

from typing import Any

import pytest

from hookgate.mountplan.detect import detect_kind


@pytest.mark.parametrize(("data", "name", "kind"), [
    ({"session": {}}, "x.yaml", "mount_plan"),
    ({"hooks": []}, "x.yaml", "mount_plan"),
    ({"sesion": {}, "tools": []}, "x.yaml", "mount_plan"),
    ({"version": 1, "policy": "p", "rules": []}, "x.yaml", "policy"),
    ({"rules": []}, "x.yaml", "policy"),
    ({"policies": ["p.yaml"], "tests": []}, "x.yaml", "policy_test"),
    ({"sesion": {}}, "mount-plan.yaml", "mount_plan"),
    ({"sesion": {}}, "plan-dev.yaml", "mount_plan"),
    ({"polcy": "x"}, "baseline.policy.yaml", "policy"),
    ({"test": []}, "baseline.test.yaml", "policy_test"),
    ({"name": "ci"}, "workflow.yaml", "unknown"),
    ([1, 2], "plan.yaml", "mount_plan"),
    ("text", None, "unknown"),
])
def test_detect(data: Any, name: str | None, kind: str) -> None:
    assert detect_kind(data, name) == kind
