"""The persistent grants file: atomic writes, owner-only permissions, refusal when tampered with.

"Allow always" is a standing permission, so the file holding it is treated
like a credential: created 0600 in a 0700 directory, replaced atomically
(temp file + ``os.replace``) under an advisory lock so concurrent hookgate
processes merge rather than clobber, and *refused* — never loaded, never
overwritten — when anyone but its owner could have written it. A refused
or unreadable file disables persistent grants; prompts still happen.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import stat
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from hookgate.approval.models import Grant
from hookgate.diagnostics import Diagnostic, DiagnosticError, Location
from hookgate.load import load_yaml_text, validate_document

__all__ = ["GrantFile", "GrantFileModel", "default_grants_path"]


class GrantFileModel(BaseModel):
    """On-disk shape: ``{"version": 1, "grants": [...]}``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: Literal[1] = 1
    grants: tuple[Grant, ...] = ()


def default_grants_path() -> Path:
    """``$XDG_CONFIG_HOME/hookgate/grants.json``, else ``~/.config/hookgate/grants.json``."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "hookgate" / "grants.json"


def _insecure(path: Path, st: os.stat_result, *, directory: bool) -> Diagnostic | None:
    what = "directory of the grants file" if directory else "grants file"
    if st.st_uid != os.getuid():
        return Diagnostic("grants.wrong_owner", f"{what} `{path}` is owned by uid {st.st_uid}, not by you",
                          Location(str(path)), help="persistent grants are disabled until this is fixed")
    sticky = directory and st.st_mode & stat.S_ISVTX
    if st.st_mode & 0o022 and not sticky:
        return Diagnostic("grants.insecure_permissions",
                          f"{what} `{path}` is group- or world-writable (mode {stat.S_IMODE(st.st_mode):o})",
                          Location(str(path)), help=f"run `chmod go-w {path}`; persistent grants are disabled")
    return None


class GrantFile:
    """One persistent grants file; ``usable`` is False once it has been refused."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: tuple[Diagnostic, ...] = ()

    @property
    def usable(self) -> bool:
        return not any(d.is_error for d in self.problems)

    def load(self) -> tuple[Grant, ...]:
        """The unexpired grants on disk; on any problem, none (and ``problems`` says why)."""
        try:
            return self._read(datetime.now(UTC))
        except DiagnosticError as exc:
            self.problems = exc.diagnostics
            return ()

    def add(self, grant: Grant) -> tuple[Grant, ...]:
        with self._locked():
            grants = (*tuple(g for g in self._read(datetime.now(UTC)) if g.id != grant.id), grant)
            self._write(grants)
            return grants

    def remove(self, grant_id: str) -> tuple[Grant, ...]:
        with self._locked():
            grants = tuple(g for g in self._read(datetime.now(UTC)) if g.id != grant_id)
            self._write(grants)
            return grants

    def _check(self) -> bool:
        """Raise on an insecure file or directory; False when the file does not exist yet."""
        problems: list[Diagnostic] = []
        try:
            with contextlib.suppress(FileNotFoundError):
                problem = _insecure(self.path.parent, os.stat(self.path.parent), directory=True)
                problems += [problem] if problem else []
            try:
                st = os.stat(self.path)
            except FileNotFoundError:
                if problems:
                    raise DiagnosticError(problems) from None
                return False
        except (OSError, ValueError) as exc:  # a path the system refuses (too long, a NUL byte, not a folder)
            raise DiagnosticError([Diagnostic("grants.io_error", f"cannot use `{self.path}`: {exc}",
                                              Location(str(self.path)))]) from None
        if not stat.S_ISREG(st.st_mode):
            problems.append(Diagnostic("grants.not_a_file", f"`{self.path}` is not a regular file",
                                       Location(str(self.path))))
        problem = _insecure(self.path, st, directory=False)
        problems += [problem] if problem else []
        if problems:
            raise DiagnosticError(problems)
        return True

    def _read(self, now: datetime) -> tuple[Grant, ...]:
        if not self._check():
            return ()
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise DiagnosticError([Diagnostic("grants.io_error", f"cannot read `{self.path}`: {exc}",
                                              Location(str(self.path)))]) from None
        try:
            doc = load_yaml_text(text, str(self.path))
        except RecursionError:  # nesting past what the reader follows: not a file the broker wrote
            raise DiagnosticError([Diagnostic("grants.invalid", f"`{self.path}` is nested too deeply to be a "
                                              "grants file", Location(str(self.path)))]) from None
        model = validate_document(GrantFileModel, doc)
        kept = []
        for grant in model.grants:
            why = _implausible(grant)
            if why is None:
                kept.append(grant)
            elif not grant.expired(now):
                self.problems = (*self.problems, Diagnostic(
                    "grants.refused", f"grant `{grant.id}` in `{self.path}` is ignored: {why}",
                    Location(str(self.path)), severity="warning",
                    help="the broker never writes such a grant; answer the question again"))
        return tuple(g for g in kept if not g.expired(now))

    def _write(self, grants: tuple[Grant, ...]) -> None:
        payload = GrantFileModel(grants=grants).model_dump(mode="json", exclude_none=True)
        text = json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        fd, tmp = tempfile.mkstemp(prefix=".grants-", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                os.fchmod(handle.fileno(), 0o600)
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        _fsync_dir(self.path.parent)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        lock_path = self.path.with_name(self.path.name + ".lock")
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _implausible(grant: Grant) -> str | None:
    """Why a grant on disk is not one the broker wrote, or None. The file sits where the agent may be
    able to write too: a grant that never expires, lasts over a year, or names a wildcard with no
    literal part (`*`) is refused rather than honoured."""
    if grant.expires_at is None:
        return "it never expires"
    if grant.expires_at - grant.created_at > _LONGEST:
        return "it lasts longer than a year"
    if grant.pattern is not None and not grant.pattern.glob.strip("*? "):
        return f"its pattern `{grant.pattern.glob}` matches anything"
    return None


_LONGEST = timedelta(days=366)
