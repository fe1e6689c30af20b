"""Read decision logs back: rotated files in order, bad lines reported, never fatal.

A log that a crashed writer left with a torn last line, or that someone
edited by hand, still yields every good record; each bad line becomes a
warning :class:`~hookgate.diagnostics.Diagnostic` with its ``file:line:col``.
Only an unreadable file (missing, a directory, no permission) raises
``OSError``: that is the caller's error, not the log's.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from pydantic import ValidationError

from hookgate.audit.record import DecisionRecord
from hookgate.diagnostics import Diagnostic, Location

__all__ = ["expand_rotated", "read_records", "rotated_files"]

_BACKUP_SUFFIX = re.compile(r"^(?P<base>.+)\.(?P<index>[1-9][0-9]*)$")


def rotated_files(path: str | os.PathLike[str]) -> list[Path]:
    """``path``'s existing backups, oldest first (``path.N`` … ``path.1``), then ``path`` itself."""
    path = Path(path)
    backups: list[tuple[int, Path]] = []
    for sibling in path.parent.glob(f"{_glob_escape(path.name)}.*"):
        match = _BACKUP_SUFFIX.match(sibling.name)
        if match and match["base"] == path.name and sibling.is_file():
            backups.append((int(match["index"]), sibling))
    return [p for _, p in sorted(backups, reverse=True)] + [path]


def expand_rotated(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Each path with its rotated backups, oldest first, each file once.

    A backup named on its own (``log.jsonl.2``, as a shell glob yields it) is
    folded into its base's group when the base is named too.
    """
    given = [Path(p) for p in paths]
    named = set(given)
    out: list[Path] = []
    for path in given:
        match = _BACKUP_SUFFIX.match(path.name)
        if match and path.with_name(match["base"]) in named:
            continue  # read with its base, in rotation order
        for file in rotated_files(path):
            if file not in out:
                out.append(file)
    return out


def read_records(
    paths: Iterable[str | os.PathLike[str]], *, problems: list[Diagnostic] | None = None
) -> Iterator[DecisionRecord]:
    """Every valid record of ``paths`` in the given order; bad lines are appended to ``problems``.

    Raises ``OSError`` (with ``filename`` set) for a file that cannot be opened.
    """
    sink: list[Diagnostic] = [] if problems is None else problems
    for path in paths:
        with open(path, "rb") as stream:
            yield from _read_file(str(path), stream, sink)


def _read_file(name: str, stream: Iterable[bytes], problems: list[Diagnostic]) -> Iterator[DecisionRecord]:
    for number, raw in enumerate(stream, start=1):
        if not raw.strip():
            continue
        record, problem = _parse_line(raw, Location(name, number, 1))
        if record is not None:
            yield record
        elif problem is not None:
            problems.append(problem)


def _parse_line(raw: bytes, where: Location) -> tuple[DecisionRecord | None, Diagnostic | None]:
    torn = not raw.endswith(b"\n")
    try:
        data = json.loads(raw)
    except RecursionError:  # nested past what the decoder follows: no record of ours, and never fatal
        return None, _warn("log.bad_json", "not a json line: nested too deeply", where)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        if torn:
            return None, _warn("log.torn_line", "last line is incomplete (an interrupted write?)", where)
        col = exc.colno if isinstance(exc, json.JSONDecodeError) else 1
        message = exc.msg if isinstance(exc, json.JSONDecodeError) else "not utf-8"
        return None, _warn("log.bad_json", f"not a json line: {message.lower()}", Location(where.file, where.line, col))
    if not isinstance(data, dict):
        return None, _warn("log.bad_record", "not a decision record: expected a json object", where)
    if missing := [key for key in DecisionRecord.model_fields if key not in data]:
        # the writer emits every field; a reader must not invent an id or a time
        return None, _warn("log.bad_record", f"not a decision record: missing `{missing[0]}`", where)
    try:
        return DecisionRecord.model_validate(data), None
    except ValidationError as exc:
        return None, _warn("log.bad_record", f"not a decision record: {_first_error(exc)}", where)


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    field = ".".join(str(part) for part in error["loc"]) or "<record>"
    more = f" (+{exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"`{field}`: {error['msg'][:1].lower()}{error['msg'][1:]}{more}"


def _warn(code: str, message: str, where: Location) -> Diagnostic:
    return Diagnostic(code, message, where, severity="warning")


def _glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)
