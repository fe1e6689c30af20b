"""Path normalisation: the one place a raw path becomes the names a rule is matched against.

A rule must see the file the operation will really touch, however the agent
spelt it: ``~``, ``$HOME``, relative to the working directory, with ``.``,
``..``, ``//`` or a trailing slash, or through a symlink. Anything that cannot
be resolved without running a shell (``$OTHER_VAR``, ``~bob``, ``$(cmd)``) is
:class:`UnknownPath`, which the matcher reports as ``Outcome.UNKNOWN``.
"""

from __future__ import annotations

import contextlib
import functools
import posixpath
import re
import threading
from collections.abc import Iterator
from types import EllipsisType
from typing import Any, NamedTuple

from hookgate.policy.match.base import EvalEnv
from hookgate.policy.match.path_errors import UnknownPath
from hookgate.policy.match.path_real import (
    existing_path,
    link_in_parent,
    link_target,
    real_path,
    real_path_in_missing_tree,
)

__all__ = [
    "PATH_SCOPE",
    "ResolvedPath",
    "UnknownPath",
    "absolute_path",
    "collapse",
    "normalize_path",
    "real_dir",
    "relative_to",
    "resolution_scope",
    "resolve_candidates",
    "resolve_path",
]

#: names the kernel resolves per process (``/proc/self/cwd``, ``/dev/fd/3``, ``/dev/stdin``): resolved here,
#: they would name the policy engine's working directory and files, not the agent's
_PER_PROCESS = re.compile(r"/proc/(?:self|thread-self)(?:/|$)|/dev/(?:fd|stdin|stdout|stderr)(?:/|$)")
_VAR = re.compile(r"\$(?:\{([^}]*)\}|([A-Za-z_][A-Za-z0-9_]*)|([0-9@*#?$!(-]))")


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
    if path[:1] == "/" and "//" not in path and "/." not in path and path[-1] != "/":
        return path  # already normal: the common case, without normpath's split and rejoin
    out = posixpath.normpath(path)
    return "/" + out.lstrip("/") if out.startswith("//") else out


def absolute_path(raw: str, env: EvalEnv, *, home: str | EllipsisType | None = ...) -> str:
    """``raw`` expanded and joined to the cwd, *not* collapsed, so symlink resolution sees
    ``link/..`` the way the kernel does (the parent of the link's target). ``home`` overrides
    ``env.home`` (a rule's own home when the event does not say)."""
    home = env.home if home is ... else home
    path = expand(raw, home)
    if path[:1] == "/":
        return path
    if not env.cwd:
        raise UnknownPath("relative path and the working directory is not known", relative=collapse(path))
    cwd = expand(env.cwd, home)
    if not cwd.startswith("/"):
        raise UnknownPath(f"the working directory `{env.cwd}` is not absolute")
    return cwd.rstrip("/") + "/" + path


def normalize_path(raw: str, env: EvalEnv) -> str:
    """The absolute, lexically normalised form of ``raw``; raises :class:`UnknownPath`."""
    return collapse(absolute_path(raw, env))


def resolve_candidates(path: str) -> tuple[str, ...]:
    """The names under which an absolute ``path`` is reached: itself (collapsed), its
    symlink target (links resolved as far as they exist, so a new file in a linked
    directory is seen at the target), and the link itself in its resolved parent.
    Pass the uncollapsed :func:`absolute_path` for kernel ``..``. Resolution is by the
    kernel (:mod:`~hookgate.policy.match.path_real`); raises :class:`UnknownPath` if a
    directory on the way cannot be searched."""
    if path.startswith(("/proc/", "/dev/")) and _PER_PROCESS.match(collapse(path)):
        raise UnknownPath(f"`{collapse(path)}` names a file of whichever process opens it: the agent's, "
                          "which the policy engine cannot see from its own")
    cut = path.rfind("/") + 1
    head, base = path[:cut], path[cut:]
    if base in ("", ".", ".."):
        return _distinct(collapse(path), real_path(path))
    missing = real_path_in_missing_tree(path)
    if missing is not None:  # the parent does not exist (yet): the names a write would create
        return _distinct(collapse(path), missing)
    found = link_in_parent(path)
    if found is None:  # no such name (yet): the parents resolved, the name appended
        if head != "/":
            head = head.rstrip("/") or "/"
        parent = real_path(head)
        return _distinct(collapse(path), parent + base if parent.endswith("/") else f"{parent}/{base}")
    link, is_link = found
    return _distinct(collapse(path), real_path(path) if is_link else link, link)


def _distinct(*names: str) -> tuple[str, ...]:
    """``names`` without repeats, in order (most paths are not links: one name)."""
    if len(names) == 2:
        return names if names[0] != names[1] else names[:1]
    return tuple(dict.fromkeys(names))


class ResolvedPath(NamedTuple):
    """One raw path resolved once for every rule on a field (see ``PathIndex.evaluate``).

    ``names`` = :func:`resolve_candidates` (``names[0]`` is the lexical path), or
    ``error`` if the path cannot be known. ``home`` is the one it was expanded with.
    """

    raw: str
    home: str | None
    names: tuple[str, ...] = ()
    error: UnknownPath | None = None


#: (raw, cwd, home) -> ResolvedPath; other per-event lookups key by tuples of another length (path_below)
_Memo = dict[tuple[Any, ...], Any]


class _ScopeState(threading.local):
    """The open resolution scope's memo, per thread (``None``: no scope, nothing cached)."""

    memo: _Memo | None = None


#: the per-thread state behind :func:`resolution_scope`; the engine opens a scope around each event
#: (``prev = PATH_SCOPE.memo; PATH_SCOPE.memo = {}`` ... ``PATH_SCOPE.memo = prev``): an attribute of a
#: thread-local, not a ContextVar, because setting a ContextVar costs a new context per event
PATH_SCOPE = _ScopeState()


@contextlib.contextmanager
def resolution_scope() -> Iterator[None]:
    """Within it, each distinct (path, cwd, home) is resolved once.

    Wrap one event's evaluation in it: the path index and every rule reading the
    path then share one lookup and judge one state of the file system. Never
    wider: files and links change between events, so outside a scope nothing is
    cached. The scope belongs to the thread: use it around synchronous code (an
    ``await`` inside would let another task's events share it)."""
    prev = PATH_SCOPE.memo
    PATH_SCOPE.memo = {}
    try:
        yield
    finally:
        PATH_SCOPE.memo = prev


def resolve_path(raw: str, env: EvalEnv, home: str | None) -> ResolvedPath:
    """Expand, join, normalise and resolve ``raw`` (the only I/O: a few syscalls to resolve links)."""
    memo = PATH_SCOPE.memo
    if memo is not None and type(raw) is str:  # (a str subclass may claim to equal another path)
        found = memo.get((raw, env.cwd, home))
        if found is None:
            found = memo[(raw, env.cwd, home)] = _resolve(raw, env, home)
        return found
    return _resolve(raw, env, home)


def _resolve(raw: str, env: EvalEnv, home: str | None) -> ResolvedPath:
    try:
        return ResolvedPath(raw, home, resolve_candidates(absolute_path(raw, env, home=home)))
    except UnknownPath as err:
        return ResolvedPath(raw, home, error=err)


def real_dir(path: str) -> str:
    """The resolved form of a rule's or the environment's directory (home, workspace).

    Cached: these are few and stable, unlike the paths in events, which are
    resolved afresh every time. One that cannot be examined stays as written
    (the written form is always matched as well)."""
    try:
        return _dir_info(path)[0]
    except UnknownPath:
        return path


@functools.lru_cache(maxsize=4096)
def _dir_info(path: str) -> tuple[str, bool]:
    """``(resolved, exists)``. A directory that does not exist is its parent's resolved form
    plus its name (parents are cached: the rules of a policy share them), unless it is a
    dangling link, which only a full resolution follows."""
    if path == "/" or not path.startswith("/") or "/.." in path or "/./" in path:
        return real_path(path), True
    found = existing_path(path)
    if found is not None:
        return found, True
    head, name = posixpath.split(path.rstrip("/"))
    parent, parent_exists = _dir_info(head)
    if parent_exists and link_target(path) is not None:  # a dangling link: resolve it properly
        return real_path(path), False
    return parent.rstrip("/") + "/" + name, False


def relative_to(path: str, base: str) -> str | None:
    """``path`` below ``base`` (``""`` for ``base`` itself), or ``None`` if not inside it."""
    if path == base:
        return ""
    if base == "/":
        return path[1:] if path.startswith("/") else None
    return path[len(base) + 1 :] if path.startswith(base) and path[len(base) : len(base) + 1] == "/" else None
