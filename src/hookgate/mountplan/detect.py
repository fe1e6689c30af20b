"""Tell a mount plan from a policy file from a policy test file.

``hookgate validate`` is pointed at whole folders, so each YAML/JSON file is
recognised by its top-level keys first (unambiguous for any file that got
its top level right) and by its file name second, so a plan whose
``session:`` key is misspelt is still validated as a plan and the typo
reported, instead of the file being skipped.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

__all__ = ["FileKind", "detect_kind"]

FileKind = Literal["mount_plan", "policy", "policy_test", "unknown"]

_PLAN_KEYS = frozenset({"session", "providers", "tools", "hooks", "agents"})
_POLICY_KEYS = frozenset({"version", "policy", "rules", "lists", "include", "layer"})
_TEST_NAME = re.compile(r"(^test[_-].*|.*[._-]tests?)\.(ya?ml|json)$")
_PLAN_NAME = re.compile(r"(^|.*[._-])(plan|mount|mount-plan|mountplan)([._-].*)?\.(ya?ml|json)$")
_POLICY_NAME = re.compile(r"(^|.*[._-])(polic(y|ies)|rules)([._-].*)?\.(ya?ml|json)$")


def detect_kind(data: Any, path: str | Path | None = None) -> FileKind:
    """The kind of a loaded document (``path`` breaks ties when the keys say nothing)."""
    by_keys = _by_keys(data)
    if by_keys != "unknown" or path is None:
        return by_keys
    return _by_name(Path(path).name.lower())


def _by_keys(data: Any) -> FileKind:
    """By the top-level keys, in any letter case (so `Session:` is validated, and reported, as a plan's
    misspelt key rather than the file skipped); a test file names its `policies` next to `tests`."""
    if not isinstance(data, dict):
        return "unknown"
    keys = {str(k).lower() for k in data}
    if keys & {"tests", "policies"} and not keys & _PLAN_KEYS - {"tools"}:
        return "policy_test"
    if keys & _POLICY_KEYS and "session" not in keys:
        return "policy"
    if keys & _PLAN_KEYS:
        return "mount_plan"
    return "unknown"


def _by_name(name: str) -> FileKind:
    if _TEST_NAME.match(name):
        return "policy_test"
    if _POLICY_NAME.match(name):
        return "policy"
    if _PLAN_NAME.match(name):
        return "mount_plan"
    return "unknown"
