"""The decision-log writer: append-only JSONL, safe with many processes, rotated by size.

Several agent processes (one hook command per tool call, say) may append to
the same file at once. Every append takes an exclusive ``flock`` on a sidecar
``<path>.lock`` and writes one complete line with a single ``os.write`` to an
``O_APPEND`` descriptor, so lines never interleave or split. Rotation
(``path`` → ``path.1`` → … → ``path.N``) happens under the same lock; other
writers notice it by comparing the inode of ``path`` with their open
descriptor and reopen. The lock file is never rotated, so it is the one
thing every writer agrees on.

Logging must never break a decision: a failure is logged (logger
``hookgate.audit``) and counted in :attr:`DecisionLog.errors`; only
``strict=True`` raises :class:`DecisionLogError`.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import stat
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from hookgate.audit.build import ApprovalLike, DecisionLike, record_from_decision
from hookgate.audit.masking import mask_record_dict, scrub_record_dict
from hookgate.audit.record import DecisionRecord
from hookgate.diagnostics import HookgateError
from hookgate.policy.match.secrets import redact_secrets

__all__ = ["DEFAULT_BACKUPS", "DEFAULT_MAX_BYTES", "DecisionLog", "DecisionLogError", "backup_path"]

logger = logging.getLogger("hookgate.audit")

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_BACKUPS = 5
#: read too (to check the last byte); never through a symlink: the log sits where the agent may plant
#: one (pointing the records at another file, or at /dev/null to lose them)
_FILE_FLAGS = os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0)


class DecisionLogError(HookgateError):
    """Appending to the decision log failed (raised only with ``strict=True``)."""


def backup_path(path: Path, index: int) -> Path:
    """``decisions.jsonl`` → ``decisions.jsonl.<index>`` (1 is the newest backup)."""
    return path.with_name(f"{path.name}.{index}")


def encode_line(record: DecisionRecord) -> bytes:
    """One masked JSON line; if masking fails, the free text is dropped, never written raw."""
    try:
        data = mask_record_dict(record)
    except Exception as exc:  # the message could quote the secret, so only its type is logged
        logger.error("decision log: masking failed (%s); writing the record without its free text", type(exc).__name__)
        data = scrub_record_dict(record)
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n").encode()


class DecisionLog:
    """Append :class:`DecisionRecord` lines to ``path``; see the module docstring for the guarantees."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        max_bytes: int | None = DEFAULT_MAX_BYTES,
        backups: int = DEFAULT_BACKUPS,
        fsync: bool = False,
        strict: bool = False,
    ) -> None:
        if max_bytes is not None and max_bytes < 1:
            raise ValueError(f"max_bytes must be positive or None, not {max_bytes}")
        if backups < 0:
            raise ValueError(f"backups must be >= 0, not {backups}")
        self.path = Path(path)
        self.max_bytes = max_bytes
        self.backups = backups
        self.fsync = fsync
        self.strict = strict
        #: appends that failed (and were reported on the ``hookgate.audit`` logger)
        self.errors = 0
        self._closed = False
        self._reset_process_state()

    def _reset_process_state(self) -> None:
        """Fresh descriptors and thread lock; after ``fork`` the inherited ones would share the flock."""
        for fd in (getattr(self, "_fd", None), getattr(self, "_lock_fd", None)):
            if fd is not None:
                os.close(fd)  # the child's copy only: the parent's lock and file stay open
        self._pid = os.getpid()
        self._mutex = threading.Lock()
        self._fd: int | None = None
        self._lock_fd: int | None = None

    # -- public API -----------------------------------------------------------------

    def append(self, record: DecisionRecord) -> None:
        """Write one record as one line. Never raises unless ``strict=True``."""
        if self._pid != os.getpid():
            self._reset_process_state()
        try:
            line = encode_line(record)
            with self._mutex:
                if self._closed:
                    raise DecisionLogError(f"decision log `{self.path}` is closed")
                self._append_locked(line)
        except Exception as exc:
            self._failed(exc)

    def record(
        self,
        *,
        event: str,
        data: Mapping[str, Any],
        decision: DecisionLike,
        latency_ns: int,
        session_id: str | None = None,
        approval: ApprovalLike | None = None,
        host: str | None = None,
        policy: Sequence[str] = (),
        include_input: bool = False,
    ) -> DecisionRecord | None:
        """Build the record for a decision and append it; ``None`` if building it failed."""
        try:
            record = record_from_decision(
                event=event,
                data=data,
                decision=decision,
                latency_ns=latency_ns,
                session_id=session_id,
                approval=approval,
                host=host,
                policy=policy,
                include_input=include_input,
            )
        except Exception as exc:
            self._failed(exc)
            return None
        self.append(record)
        return record

    def close(self) -> None:
        """Close the descriptors; later appends count as errors. Idempotent."""
        with self._mutex:
            self._closed = True
            self._close_fds()

    async def aclose(self) -> None:
        """``close`` for async callers (it does not block: no flush is pending)."""
        self.close()

    def __enter__(self) -> DecisionLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def __aenter__(self) -> DecisionLog:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"DecisionLog({str(self.path)!r}, max_bytes={self.max_bytes}, backups={self.backups})"

    # -- internals ------------------------------------------------------------------

    def _failed(self, exc: Exception) -> None:
        self.errors += 1
        logger.error("decision log `%s`: cannot append a record: %s", self.path, _safe_message(exc))
        if self.strict:
            if isinstance(exc, DecisionLogError):
                raise exc
            raise DecisionLogError(f"cannot append to decision log `{self.path}`: {exc}") from exc

    def _append_locked(self, line: bytes) -> None:
        lock_fd = self._lock()
        fcntl.flock(lock_fd, fcntl.LOCK_EX)
        try:
            fd = self._current_fd()
            size = os.fstat(fd).st_size
            if self.max_bytes is not None and size > 0 and size + len(line) > self.max_bytes:
                self._rotate()
                fd, size = self._reopen(), 0
            if size > 0 and os.pread(fd, 1, size - 1) != b"\n":
                line = b"\n" + line  # a torn line left by a failed writer must not swallow this record
            _write_all(fd, line)
            if self.fsync:
                os.fsync(fd)
        finally:
            fcntl.flock(lock_fd, fcntl.LOCK_UN)

    def _lock(self) -> int:
        if self._lock_fd is None:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            lock_path = self.path.with_name(self.path.name + ".lock")
            self._lock_fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0),
                                    0o600)
        return self._lock_fd

    def _current_fd(self) -> int:
        """The open log file, reopened if another writer rotated (or someone removed) it."""
        if self._fd is not None:
            try:
                on_disk = os.stat(self.path)
            except FileNotFoundError:
                return self._reopen()
            mine = os.fstat(self._fd)
            if (on_disk.st_dev, on_disk.st_ino) == (mine.st_dev, mine.st_ino):
                return self._fd
        return self._reopen()

    def _reopen(self) -> int:
        self._close_log_fd()
        fd = os.open(self.path, _FILE_FLAGS, 0o600)
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_nlink > 1:  # a device, a FIFO, or a second name of a file
            os.close(fd)
            raise OSError(f"`{self.path}` is not a plain file of its own (a device, a pipe or a hard link "
                          "to another file): not writing decision records into it")
        self._fd = fd
        return fd

    def _rotate(self) -> None:
        """Shift ``path.i`` → ``path.i+1`` (dropping those past ``backups``), then ``path`` → ``path.1``."""
        for index in sorted(self._backup_indices(), reverse=True):
            if index >= self.backups:
                backup_path(self.path, index).unlink(missing_ok=True)
            else:
                os.replace(backup_path(self.path, index), backup_path(self.path, index + 1))
        if self.backups == 0:
            self.path.unlink(missing_ok=True)
        else:
            os.replace(self.path, backup_path(self.path, 1))
        self._close_log_fd()

    def _backup_indices(self) -> list[int]:
        """Indices of the existing backups, from one directory scan (``backups`` may be large)."""
        prefix = self.path.name + "."
        with os.scandir(self.path.parent) as entries:
            suffixes = [e.name[len(prefix) :] for e in entries if e.name.startswith(prefix)]
        return [int(s) for s in suffixes if s.isdigit() and s[0] != "0"]

    def _close_log_fd(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)

    def _close_fds(self) -> None:
        self._close_log_fd()
        if self._lock_fd is not None:
            fd, self._lock_fd = self._lock_fd, None
            os.close(fd)


def _safe_message(exc: Exception) -> str:
    """The exception's text with secrets masked (a validation error may quote its input)."""
    try:
        return redact_secrets(str(exc))
    except Exception:
        return type(exc).__name__


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
