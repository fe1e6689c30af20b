"""RE2 programs for globs: built on first use, shared by pattern, matched without the wrapper.

Building an RE2 program costs ~40 µs and a few KB, and most path rules of a
large plan never meet a path their index lets through, so a program is
built the first time it matches (then kept). Compile errors must still be
reported when the policy compiles: the translator (``path_glob``) only emits
escaped literals, fixed groups and character classes, and checks each class
with :func:`check_class`; a pattern longer than :data:`EAGER_CHARS` (where a
memory limit could bite) is built at once. Should a lazy build fail anyway,
:meth:`GlobRegex.fullmatch` raises :class:`RegexError` and the matcher answers
UNKNOWN, never NO.

Identical patterns share one :class:`GlobRegex` (weakly interned: a program
lives as long as a rule holds it). Matching calls RE2 through
``re2._re2`` when present (half the cost of the Python wrapper, which also
computes spans we do not need), else through ``re2.compile``.
"""

from __future__ import annotations

import functools
import weakref
from typing import Any

import re2

__all__ = ["EAGER_CHARS", "GlobRegex", "RegexError", "check_class", "shared_regex"]

EAGER_CHARS = 4096

try:  # the extension module under google-re2's wrapper (re2/__init__.py uses exactly this)
    from re2 import _re2 as _native

    _BOTH: Any = re2._Anchor.ANCHOR_BOTH
    _NULL: Any = (-1, -1)
except (ImportError, AttributeError):  # pragma: no cover - other builds of the binding
    _native = None


class RegexError(ValueError):
    """A program could not be built, or a text cannot be matched (not encodable as UTF-8)."""


def _options() -> Any:
    options = re2.Options()
    # a file name may hold any byte but NUL and `/`, newlines included: `**` (`.*`) must cross them,
    # or `~/.ssh/**` would not match `~/.ssh/a\nb` (a `*`, `[^/]*`, always did)
    options.dot_nl = True
    return options


_OPTIONS = _options()


def _build(pattern: str, *, native: bool) -> Any:
    if native and _native is not None:
        prog = _native.RE2(pattern.encode(), _OPTIONS)
        if not prog.ok():
            raise RegexError(prog.error())
        return prog
    try:
        return re2.compile(pattern, _OPTIONS)
    except re2.error as err:
        raise RegexError(str(err)) from None


class GlobRegex:
    """An anchored RE2 pattern, compiled on first :meth:`fullmatch`."""

    __slots__ = ("__weakref__", "_prog", "native", "pattern")

    def __init__(self, pattern: str, *, native: bool = True) -> None:
        self.pattern = pattern
        self.native = native and _native is not None
        self._prog: Any = None

    def build(self) -> GlobRegex:
        """Compile now (raises :class:`RegexError`); returns ``self``."""
        if self._prog is None:
            self._prog = _build(self.pattern, native=self.native)
        return self

    @property
    def built(self) -> bool:
        return self._prog is not None

    def fullmatch(self, text: str) -> bool:
        """Whether the whole of ``text`` matches; raises :class:`RegexError` (fail closed)."""
        prog = self._prog if self._prog is not None else self.build()._prog
        try:
            data = text.encode()
        except UnicodeEncodeError:
            raise RegexError("the path is not valid unicode") from None
        if self.native:
            return bool(prog.Match(_BOTH, data, 0, len(data))[0] != _NULL)
        return prog.fullmatch(text) is not None

    def __repr__(self) -> str:
        return f"GlobRegex({self.pattern!r})"


_SHARED: weakref.WeakValueDictionary[str, GlobRegex] = weakref.WeakValueDictionary()


def shared_regex(pattern: str) -> GlobRegex:
    """The one :class:`GlobRegex` for ``pattern``; built now if it is long (errors at compile time)."""
    found = _SHARED.get(pattern)
    if found is None:
        found = GlobRegex(pattern)
        if len(pattern) > EAGER_CHARS:
            found.build()
        _SHARED[pattern] = found
    return found


@functools.lru_cache(maxsize=1024)
def check_class(regex: str) -> None:
    """Raise :class:`RegexError` if a character class (``[a-z]``) is not valid RE2."""
    _build(regex, native=True)
