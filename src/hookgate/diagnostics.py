"""One diagnostic type for every phase (load, schema, compile, mount, CLI).

Every problem a user can fix is a :class:`Diagnostic` with a stable dotted
code, a one-line lowercase message (user input in backticks), a 1-based
``file:line:col`` location and an optional hint. Phases collect diagnostics
and return them sorted; raising (:class:`DiagnosticError`) happens only at
API boundaries, so one run reports every error at once.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning", "info"]

__all__ = [
    "Diagnostic",
    "DiagnosticError",
    "HookgateError",
    "Location",
    "Severity",
    "did_you_mean",
    "display_path",
    "printable",
    "render_all",
]


def display_path(name: str) -> str:
    """A file name as text that is safe to print and unambiguous.

    On Linux a file name is any bytes; Python carries the bytes that are not
    UTF-8 as lone surrogates (``b"\\xff"`` becomes ``"\\udcff"``), which cannot
    be written as UTF-8 at all, and a name can hold a newline or a bidi
    override that would forge or hide a line of output. A name made only of
    printable characters (``str.isprintable``) that does not start with ``"``
    is shown as it is; any other is shown in double quotes with C-style
    escapes: ``\\xNN`` for a raw byte (or an ASCII control), ``\\n``, ``\\r``,
    ``\\t``, ``\\uNNNN``/``\\UNNNNNNNN`` for any other unprintable character,
    and ``\\\\`` and ``\\"`` for themselves, so the bytes can be read back.
    """
    if name.isprintable() and not name.startswith('"'):
        return name
    return '"' + "".join(_escape_char(c) for c in name) + '"'


def printable(text: str) -> str:
    """``text`` with the undecodable bytes of file names it may quote (lone surrogates) written as
    ``\\xNN``, so it can be printed and JSON-encoded; everything else is left alone."""
    if text.isascii() or not any("\ud800" <= c <= "\udfff" for c in text):
        return text
    return "".join(_escape_char(c) if "\ud800" <= c <= "\udfff" else c for c in text)


_NAMED_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_char(c: str) -> str:
    if c in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[c]
    if c.isprintable():
        return c
    code = ord(c)
    if code < 0x80:
        return f"\\x{code:02x}"
    if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8 (os.fsdecode's surrogate escape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


class HookgateError(Exception):
    """Base class of every exception hookgate raises on purpose."""


@dataclass(frozen=True, slots=True, order=True)
class Location:
    """A 1-based position in a source file."""

    file: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{display_path(self.file)}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A problem (or warning) the user can act on."""

    code: str
    message: str
    location: Location | None = None
    severity: Severity = "error"
    help: str | None = field(default=None, compare=False)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def render(self) -> str:
        """``file:line:col: severity: message [code]`` (plus ``help:`` line)."""
        where = f"{self.location}: " if self.location is not None else ""
        text = f"{where}{self.severity}: {printable(self.message)} [{self.code}]"
        if self.help:
            text += f"\n  help: {printable(self.help)}"
        return text

    def sort_key(self) -> tuple[str, int, int, bool, str]:
        """By position; at one position, errors before warnings."""
        loc = self.location
        if loc is None:
            return ("", 0, 0, not self.is_error, self.code)
        return (loc.file, loc.line, loc.column, not self.is_error, self.code)


def render_all(diagnostics: Iterable[Diagnostic]) -> str:
    return "\n".join(d.render() for d in sorted(diagnostics, key=Diagnostic.sort_key))


class DiagnosticError(HookgateError):
    """Raised at an API boundary when loading or compiling found errors."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics: tuple[Diagnostic, ...] = tuple(sorted(diagnostics, key=Diagnostic.sort_key))
        super().__init__(render_all(self.diagnostics))

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.is_error)


def did_you_mean(word: object, candidates: Iterable[str]) -> str | None:
    """The closest candidate to a misspelt ``word``, if any is close enough (none for a key that is not text:
    ``True`` or ``1`` in data a host built without YAML)."""
    if not isinstance(word, str):
        return None
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None
