"""Remembered approvals ("allow for session", "allow always") and what they may cover.

A grant is bound to the rule that asked and either to the exact canonical
arguments (their SHA-256) or to a structured :class:`GrantPattern` the user
saw before accepting it — never to a tool name alone, which is how sticky
approvals elsewhere ended up unlocking every later argument. Grants carry
scope and expiry; persistent ones live in a :class:`GrantFile`.

Grants are consulted only for ``ask_user`` decisions: the policy hook never
hands a deny to the broker, so a grant can never override a deny rule.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import re2

from hookgate.approval.grantfile import GrantFile
from hookgate.approval.models import ApprovalRequest, Grant, GrantPattern, Scope
from hookgate.diagnostics import Diagnostic, DiagnosticError

__all__ = ["GrantStore", "glob_matches", "grant_covers", "pattern_matches"]

#: characters a ``*`` in a grant glob never matches (shell control, substitution, quoting and escapes,
#: and blanks: `cat src/*` must not cover `cat src/x /etc/shadow`, an extra argument)
_UNSAFE = ";&|<>$`(){}\\\n\r\x00'\" \t"
_UNSAFE_CLASS = "".join(f"\\x{ord(c):02x}" for c in _UNSAFE)
_DOTDOT = re2.compile(r"(?:^|[/\s=:])\.\.(?:[/\s]|$)")


@lru_cache(maxsize=256)
def _glob_regex(glob: str) -> Any:
    parts: list[str] = []
    for char in glob:
        if char == "*":
            if not parts or parts[-1] != f"[^{_UNSAFE_CLASS}]*":
                parts.append(f"[^{_UNSAFE_CLASS}]*")
        elif char == "?":
            parts.append(f"[^{_UNSAFE_CLASS}]")
        else:
            parts.append(re2.escape(char))
    return re2.compile("".join(parts))


def glob_matches(glob: str, value: object) -> bool:
    """Whole-string glob match that refuses shell metacharacters and ``..`` under wildcards."""
    if not isinstance(value, str):
        return False
    has_wildcard = "*" in glob or "?" in glob
    if has_wildcard and _DOTDOT.search(value):
        return False
    return _glob_regex(glob).fullmatch(value) is not None


def _field(arguments: Mapping[str, Any], dotted: str) -> object:
    current: object = arguments
    for part in dotted.split("."):
        if not isinstance(current, Mapping) or part not in current:
            return None
        current = current[part]
    return current


def pattern_matches(pattern: GrantPattern, tool: str, arguments: Mapping[str, Any]) -> bool:
    return pattern.tool == tool and glob_matches(pattern.glob, _field(arguments, pattern.field))


def grant_covers(grant: Grant, request: ApprovalRequest, now: datetime) -> bool:
    """True when ``grant`` answers ``request``: same tool, same rule, same arguments or matching pattern."""
    if grant.expired(now) or grant.tool != request.tool or grant.rule_id != request.rule_id:
        return False
    if grant.pattern is not None:
        return pattern_matches(grant.pattern, request.tool, request.arguments)
    return grant.args_hash == request.grant_hash


class GrantStore:
    """Session grants in memory plus persistent grants in an optional :class:`GrantFile`.

    Without a usable file (none configured, or one refused as insecure),
    ``persistent`` is not offered: the store never pretends to remember.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self._lock = threading.Lock()
        self._session: dict[str, Grant] = {}
        self._file = GrantFile(Path(path)) if path is not None else None
        self._persistent: dict[str, Grant] = {}
        if self._file is not None:
            self._persistent = {g.id: g for g in self._file.load()}

    @property
    def problems(self) -> tuple[Diagnostic, ...]:
        """Why the persistent file was refused or partly ignored (empty when all is well)."""
        return self._file.problems if self._file is not None else ()

    @property
    def scopes(self) -> tuple[Scope, ...]:
        """The allow scopes this store can honour."""
        if self._file is not None and self._file.usable:
            return ("once", "session", "persistent")
        return ("once", "session")

    def find(self, request: ApprovalRequest, *, now: datetime | None = None) -> Grant | None:
        when = now or datetime.now(UTC)
        with self._lock:
            for grant in (*self._session.values(), *self._persistent.values()):
                if grant_covers(grant, request, when):
                    return grant
        return None

    def add(self, grant: Grant) -> None:
        """Remember ``grant``; a persistent one is written to the file before this returns."""
        if grant.scope == "session":
            with self._lock:
                self._session[grant.id] = grant
            return
        if self._file is None or not self._file.usable:
            raise PermissionError("no usable grants file: persistent grants are disabled")
        with self._lock:
            try:
                self._persistent = {g.id: g for g in self._file.add(grant)}
            except DiagnosticError as exc:
                self._file.problems = exc.diagnostics
                raise PermissionError(f"grants file refused: {exc.diagnostics[0].message}") from None

    def revoke(self, grant_id: str) -> bool:
        with self._lock:
            if self._session.pop(grant_id, None) is not None:
                return True
            if grant_id not in self._persistent or self._file is None:
                return False
            try:
                self._persistent = {g.id: g for g in self._file.remove(grant_id)}
            except DiagnosticError as exc:  # the file turned insecure: forget its grants, keep nothing
                self._file.problems = exc.diagnostics
                self._persistent = {}
            return True

    def grants(self) -> tuple[Grant, ...]:
        with self._lock:
            return (*self._session.values(), *self._persistent.values())

    def clear_session(self) -> None:
        with self._lock:
            self._session.clear()

