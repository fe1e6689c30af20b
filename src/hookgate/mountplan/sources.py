"""Module sources: the forms a mount plan may name a module's code by.

A source decides what code runs inside the agent, so it is checked by form
before anything is fetched: ``git+https://host/org/repo@ref`` (pinned to a
ref), ``git+ssh://…@ref``, ``file:///abs/path``, an absolute or relative path,
or a package name with an optional version specifier. Plain ``http://`` and
``git+http://`` are rejected: code fetched over an unauthenticated channel
could be swapped in transit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["SOURCE_PATTERN", "SourceError", "SourceForm", "parse_source"]

SourceKind = Literal["git", "file_url", "path", "package"]

# Each form once, as a regex body: compiled for :func:`parse_source` (matched whole) and joined into the
# JSON Schema pattern, so the schema accepts exactly the sources this module does. ASCII classes only:
# Python's `\d` would take digits an ECMA-262 schema check refuses.
_GIT_BODY = (r"git\+(?P<scheme>https|ssh)://(?P<host>[^/@\s]+@)?[A-Za-z0-9.-]+(:[0-9]+)?/[^@\s#]+"
             r"(@(?P<ref>[^@\s#]+))?(#subdirectory=[^\s#]+)?")
_FILE_URL_BODY = r"file://(localhost)?/\S*"
_PATH_BODY = r"(/|\./|\.\./|~/)\S*|\.|\.\."
_PACKAGE_BODY = (r"[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?(\[[A-Za-z0-9._,-]+\])?"
                 r"(\s*(==|>=|<=|~=|!=|>|<)\s*[A-Za-z0-9.*+!-]+(\s*,\s*(==|>=|<=|~=|!=|>|<)\s*[A-Za-z0-9.*+!-]+)*)?")
_ENV_ONLY_BODY = r"\$\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\}"

_GIT = re.compile(_GIT_BODY)
_FILE_URL = re.compile(_FILE_URL_BODY)
_PATH = re.compile(_PATH_BODY)
_PACKAGE = re.compile(_PACKAGE_BODY)
_ENV_ONLY = re.compile(_ENV_ONLY_BODY)

#: the JSON Schema ``pattern`` equivalent of :func:`parse_source` (without the ref-pinning warning)
SOURCE_PATTERN = "^(" + "|".join(
    re.sub(r"\?P<\w+>", "", body) for body in (_GIT_BODY, _FILE_URL_BODY, _PATH_BODY, _PACKAGE_BODY, _ENV_ONLY_BODY)
) + ")$"


class SourceError(ValueError):
    """A source string of no accepted form; the message says what was expected."""


@dataclass(frozen=True, slots=True)
class SourceForm:
    """What a source string was recognised as; ``pinned`` is False for a git URL without ``@ref``."""

    kind: SourceKind
    value: str
    pinned: bool = True


def parse_source(value: str) -> SourceForm:
    """Recognise ``value`` as one of the accepted forms, or raise :class:`SourceError`."""
    text = value.strip()
    if text != value or not text:
        raise SourceError("a module source must be a non-empty string without surrounding spaces")
    if _ENV_ONLY.fullmatch(text):
        return SourceForm("path", text, pinned=True)  # decided at mount time, after expansion
    if text.startswith("git+"):
        return _parse_git(text)
    if text.startswith("file:"):
        if not _FILE_URL.fullmatch(text):
            raise SourceError(f"`{text}` is not a valid file url; expected `file:///absolute/path`")
        return SourceForm("file_url", text)
    if text.startswith(("http://", "https://")):
        raise SourceError(f"`{text}` is a plain web url; use `git+https://host/org/repo@ref` for a git repository")
    if _PATH.fullmatch(text):
        return SourceForm("path", text)
    if _PACKAGE.fullmatch(text):
        return SourceForm("package", text)
    raise SourceError(
        f"`{text}` is not a module source; expected `git+https://…@ref`, `file://…`, a path or a package name"
    )


def _parse_git(text: str) -> SourceForm:
    if text.startswith("git+http://"):
        raise SourceError(f"`{text}` fetches code over unencrypted http; use `git+https://`")
    match = _GIT.fullmatch(text)
    if match is None:
        raise SourceError(f"`{text}` is not a valid git source; expected `git+https://host/org/repo@ref`")
    return SourceForm("git", text, pinned=match.group("ref") is not None)
