"""Path normalisation: the one place a raw path becomes the names a rule is matched against.

A rule must see the file the operation will really touch, however the agent
spelt it: ``~``, ``$HOME``, relative to the working directory, with ``.``,
``..``, ``//`` or a trailing slash, or through a symlink. Anything that cannot
be resolved without running a shell (``$OTHER_VAR``, ``~bob``, ``$(cmd)``) is
:class:`UnknownPath`, which the matcher reports as ``Outcome.UNKNOWN``.
"""

from __future__ import annotations

import functools
import os
import posixpath
import re
import stat
from dataclasses import dataclass

from hookgate.policy.match.base import EvalEnv

__all__ = [
    "UnknownPath",
    "absolute_path",
    "collapse",
    "normalize_path",
    "real_dir",
    "relative_to",
    "resolve_candidates",
]

_VAR = re.compile(r"\$(?:\{([^}]*)\}|([A-Za-z_][A-Za-z0-9_]*)|([0-9@*#?$!(-]))")


class UnknownPath(ValueError):
    """The path cannot be known without a shell; ``relative`` is set when only the cwd is missing."""

    def __init__(self, detail: str, *, relative: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.relative = relative


def _expand_vars(raw: str, home: str | None) -> str:
    def repl(m: re.Match[str]) -> str:
        name = m.group(1) if m.group(1) is not None else m.group(2) or m.group(3)
        if name != "HOME":
            raise UnknownPath(
                f"shell expansion `${name}` cannot be resolved"
                if m.group(3)
                else f"variable `${name}` cannot be resolved"
            )
        if home is None:
            raise UnknownPath("`$HOME` is used but the home directory is not known")
        return home

    return _VAR.sub(repl, raw) if "$" in raw else raw


def _expand_tilde(path: str, home: str | None) -> str:
    if not path.startswith("~"):
        return path
    user, sep, rest = path[1:].partition("/")
    if user and (home is None or user != posixpath.basename(home.rstrip("/"))):
        raise UnknownPath(f"`~{user}` is another user's home directory")
    if home is None:
        raise UnknownPath("`~` is used but the home directory is not known")
    return home + sep + rest


def expand(raw: str, home: str | None) -> str:
    """``~`` and ``$HOME`` replaced; other expansions, NUL and backticks raise :class:`UnknownPath`."""
    if not raw:
        raise UnknownPath("empty path")
    if "\0" in raw:
        raise UnknownPath("NUL byte in path")
    if "`" in raw:
        raise UnknownPath("command substitution cannot be resolved")
    return _expand_tilde(_expand_vars(raw, home), home)


def collapse(path: str) -> str:
    """Lexically remove ``.``, ``..``, ``//`` and trailing slashes (``//x`` becomes ``/x``)."""
    out = posixpath.normpath(path)
    return "/" + out.lstrip("/") if out.startswith("//") else out


def absolute_path(raw: str, env: EvalEnv) -> str:
    """``raw`` expanded and joined to the cwd, *not* collapsed, so symlink resolution sees
    ``link/..`` the way the kernel does (the parent of the link's target)."""
    path = expand(raw, env.home)
    if path.startswith("/"):
        return path
    if not env.cwd:
        raise UnknownPath("relative path and the working directory is not known", relative=collapse(path))
    cwd = expand(env.cwd, env.home)
    if not cwd.startswith("/"):
        raise UnknownPath(f"the working directory `{env.cwd}` is not absolute")
    return cwd.rstrip("/") + "/" + path


def normalize_path(raw: str, env: EvalEnv) -> str:
    """The absolute, lexically normalised form of ``raw``; raises :class:`UnknownPath`."""
    return collapse(absolute_path(raw, env))


def resolve_candidates(path: str) -> tuple[str, ...]:
    """The names under which an absolute ``path`` is reached: itself (collapsed), its
    symlink target (``os.path.realpath``: links resolved as far as they exist, so a
    new file in a linked directory is seen at the target), and the link itself in
    its resolved parent. Pass the uncollapsed :func:`absolute_path` for kernel ``..``."""
    head, base = posixpath.split(path)
    if base in ("", ".", ".."):
        return tuple(dict.fromkeys((collapse(path), posixpath.realpath(path))))
    link = posixpath.join(posixpath.realpath(head or "."), base)  # parents resolved once, not twice
    try:
        is_link = stat.S_ISLNK(os.lstat(link).st_mode)
    except OSError:
        is_link = False
    return tuple(dict.fromkeys((collapse(path), posixpath.realpath(link) if is_link else link, link)))


@dataclass(frozen=True, slots=True)
class ResolvedPath:
    """One raw path resolved once for every rule on a field (see ``PathIndex.evaluate``).

    ``names`` = :func:`resolve_candidates` (``names[0]`` is the lexical path), or
    ``error`` if the path cannot be known. ``home`` is the one it was expanded with.
    """

    raw: str
    home: str | None
    names: tuple[str, ...] = ()
    error: UnknownPath | None = None


def resolve_path(raw: str, env: EvalEnv, home: str | None) -> ResolvedPath:
    """Expand, join, normalise and resolve ``raw`` (the only I/O: ``lstat`` of its components)."""
    try:
        full = absolute_path(raw, EvalEnv(env.cwd, home, env.workspace))
    except UnknownPath as err:
        return ResolvedPath(raw, home, error=err)
    return ResolvedPath(raw, home, resolve_candidates(full))


@functools.lru_cache(maxsize=512)
def real_dir(path: str) -> str:
    """The resolved form of a rule's or the environment's directory (home, workspace).

    Cached: these are few and stable, unlike the paths in events, which are
    resolved afresh every time."""
    return os.path.realpath(path)


def relative_to(path: str, base: str) -> str | None:
    """``path`` below ``base`` (``""`` for ``base`` itself), or ``None`` if not inside it."""
    if path == base:
        return ""
    if base == "/":
        return path[1:] if path.startswith("/") else None
    return path[len(base) + 1 :] if path.startswith(base) and path[len(base) : len(base) + 1] == "/" else None
