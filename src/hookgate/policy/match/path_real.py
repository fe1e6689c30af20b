"""Symlink resolution by the kernel: a few syscalls per path, not one ``lstat`` per component.

``os.path.realpath`` (pure Python in 3.11) costs ~25 µs a path, most of a
file event's decision. On Linux a path opened with ``O_PATH`` (no read
access needed, nothing is opened for I/O) names its resolved file in
``/proc/self/fd/N``: open, readlink, close resolve any depth of links.
Elsewhere (no ``O_PATH`` or no ``/proc``) the same algorithm runs on
``os.path.realpath(strict=True)``.

The result is ``os.path.realpath``'s (non-strict), which the matcher's rules
were designed on: links are followed as far as the path exists and the rest
is appended (a new file in a linked directory is seen at the target), a
dangling link resolves to its target (writing it creates the target), and
``..`` after a missing component is lexical. Two deliberate choices:

* a directory that cannot be searched (``EACCES``), a name too long, any
  error but "does not exist", raises :class:`UnknownPath`: realpath would
  silently treat a hidden symlink as a plain name, which could answer NO;
* a symlink loop (``ELOOP``) keeps realpath's answer (the path unresolved):
  the kernel refuses every operation through it, so nothing behind it can
  be touched, and the lexical names are still matched.

Where the kernel cannot reach even the path's parent (``..`` after a missing
name, inside link targets too) the answer can differ from realpath's; such a
path cannot be opened or created as written. ``tests/matchers/test_path_real.py``
checks equality everywhere else on random trees. Cost: a path that exists is
open + readlink + close (+ fstat for :func:`link_in_parent`); one that does not
adds a failed open per probe of a binary search for its deepest existing
ancestor, and one readlink for a dangling link; one below a directory already
found missing, two probes (:func:`real_path_in_missing_tree`).
"""

from __future__ import annotations

import errno
import os
import posixpath
import stat
from collections.abc import Callable

from hookgate.policy.match.path_errors import UnknownPath

__all__ = ["NATIVE", "existing_path", "link_in_parent", "link_target", "real_path", "real_path_in_missing_tree"]

_MAX_HOPS = 40  # the kernel's own limit on links followed for one path (MAXSYMLINKS)
_MISSING = (errno.ENOENT, errno.ENOTDIR)
_O_PATH = getattr(os, "O_PATH", 0)
_OPEN = _O_PATH | os.O_CLOEXEC
_OPEN_LINK = _OPEN | getattr(os, "O_NOFOLLOW", 0)


def _proc_works() -> bool:
    """``O_PATH`` exists and ``/proc/self/fd`` names what a descriptor opened."""
    if not _O_PATH:
        return False
    try:
        fd = os.open("/", _OPEN)
        try:
            return os.readlink(f"/proc/self/fd/{fd}") == "/"
        finally:
            os.close(fd)
    except OSError:
        return False


#: whether this process resolves with ``O_PATH`` + ``/proc/self/fd`` (else with ``os.path.realpath``)
NATIVE = _proc_works()


def _unknown(path: str, err: BaseException) -> UnknownPath:
    why = os.strerror(err.errno).lower() if isinstance(err, OSError) and err.errno else "not a valid file name"
    return UnknownPath(f"cannot resolve `{path}`: {why}")


def _existing_native(path: str) -> str:
    if path.count("/") == 1 and len(path) > 1 and path[1] != ".":  # "/name": one lstat says it all
        st = os.lstat(path)
        if not stat.S_ISLNK(st.st_mode):
            return path
    fd = os.open(path, _OPEN)
    try:
        real = os.readlink(f"/proc/self/fd/{fd}")
    finally:
        os.close(fd)
    # not absolute: outside this process's root (a chroot); "(deleted)": removed meanwhile
    return real if real.startswith("/") and not real.endswith(" (deleted)") else os.path.realpath(path, strict=True)


def _existing_portable(path: str) -> str:
    os.stat(path)  # the kernel's word on existence: realpath applies `..` even after a plain file
    return os.path.realpath(path, strict=True)


def _existing(native: bool | None) -> Callable[[str], str]:
    return _existing_native if (NATIVE if native is None else native) else _existing_portable


def real_path(path: str, *, native: bool | None = None) -> str:
    """``os.path.realpath(path)`` for an absolute ``path``; raises :class:`UnknownPath` if a
    component cannot be examined. ``native`` picks the resolver (default: the best available)."""
    try:
        return _real(path, _existing(native), 0)
    except UnknownPath:
        raise
    except ValueError as err:  # a NUL or an unencodable surrogate in the name
        raise _unknown(path, err) from None


def existing_path(path: str, *, native: bool | None = None) -> str | None:
    """``path`` resolved if it exists, else None (one open, or :class:`UnknownPath`)."""
    try:
        return _try(_existing(native), path, path)
    except _Loop:
        return os.path.realpath(path)
    except UnknownPath:
        raise
    except ValueError as err:
        raise _unknown(path, err) from None


class _Loop(Exception):
    """``ELOOP``: answered like ``os.path.realpath`` (the path as far as it resolves)."""


def _try(existing: Callable[[str], str], here: str, path: str) -> str | None:
    """``here`` resolved, or None if it does not exist; raises for anything else."""
    try:
        return existing(here)
    except OSError as err:
        if err.errno in _MISSING:
            return None
        if err.errno == errno.ELOOP:
            raise _Loop from None
        raise _unknown(path, err) from None


def _real(path: str, existing: Callable[[str], str], hops: int, origin: str | None = None) -> str:
    """Resolve the deepest ancestor that exists, then look once at the first missing name:
    a dangling link is followed to its target; below a missing name nothing exists.
    ``origin``: the path first asked for (a loop is answered as realpath answers *it*)."""
    origin = origin or path
    try:
        found = _try(existing, path, path)
        if found is not None:
            return found
        if not path.startswith("/"):
            raise UnknownPath(f"cannot resolve `{path}`: not an absolute path")
        parts = path.split("/")
        k, base = _deepest(parts, existing, path)
    except _Loop:
        return os.path.realpath(origin)
    return _below(path, base, "/".join(parts[:k]) or "/", parts[k:], existing, hops, origin)


def _deepest(parts: list[str], existing: Callable[[str], str], path: str) -> tuple[int, str]:
    """The longest prefix of ``parts`` that exists (all of it does not) and its resolved form.
    A prefix exists only if every shorter one does (the kernel walks names in order), so:
    the parent first (a new file in a directory: the common case), then a binary search."""
    lo, hi, base = 1, len(parts), "/"  # parts[:1] is the root
    k = hi - 1
    while k > lo:
        found = _try(existing, "/".join(parts[:k]), path)
        if found is None:
            hi = k
        else:
            lo, base = k, found
        k = (lo + hi) // 2
    return lo, base


def _below(path: str, base: str, here: str, rest: list[str], existing: Callable[[str], str], hops: int,
           origin: str) -> str:
    """``rest`` (names not found) appended to ``base`` (``here`` resolved)."""
    if not rest:
        return base
    first = rest[0]
    link = f"{here}/{first}" if here != "/" else "/" + first
    target = _dangling(link, path) if first not in ("", ".", "..") else None
    if target is not None:
        if hops >= _MAX_HOPS:  # too many links: the kernel refuses the path (ELOOP); realpath's answer
            return os.path.realpath(origin)  # for the path asked, not for the links expanded so far
        return _real(posixpath.join(base, target, *rest[1:]), existing, hops + 1, origin)
    if ".." in rest:
        return _real("/" + posixpath.normpath(base + "/" + "/".join(rest)).lstrip("/"), existing, hops + 1, origin)
    if first and first != "." and here != "/":
        _remember_missing(link)
    return _append(base, rest)


def _append(base: str, rest: list[str]) -> str:
    """``base`` (resolved, absolute) joined with names that do not exist, ``.`` and empty names dropped."""
    names = [n for n in rest if n and n != "."]
    if not names:
        return base
    return ("" if base == "/" else base.rstrip("/")) + "/" + "/".join(names)


#: top directory name -> the last name found missing below it (``/home/agent``), not a link. A hint
#: for where to look first, never an answer: :func:`real_path_in_missing_tree` proves it again.
_MISSING_BELOW: dict[str, str] = {}
_MAX_HINTS = 256


def _remember_missing(name: str) -> None:
    top = name[1 : name.find("/", 1)] if name.count("/") > 1 else None
    if top:
        if len(_MISSING_BELOW) >= _MAX_HINTS:
            _MISSING_BELOW.clear()
        _MISSING_BELOW[top] = name


def real_path_in_missing_tree(path: str) -> str | None:
    """``real_path(path)`` in two probes when ``path`` lies below the directory last found missing
    under the same top directory (files written into a tree still to be created); None when there
    is no such hint or it no longer holds, so the caller takes the general path.

    Sound as a fast path: that directory's parent is resolved now and ``lstat`` finds no entry by
    the directory's name now (not even a link, which ``lstat`` does not follow), so nothing below it
    exists (and ``link_in_parent`` is None)."""
    cut = path.find("/", 1)
    missing = _MISSING_BELOW.get(path[1:cut]) if cut > 0 else None
    if missing is None or path[len(missing) : len(missing) + 1] != "/" or not path.startswith(missing):
        return None
    rest = path[len(missing) + 1 :].split("/")
    if "" in rest or "." in rest or ".." in rest:
        return None
    parent, _, name = missing.rpartition("/")
    try:
        base = _try(_existing(None), parent, path)
    except (_Loop, ValueError):  # an UnknownPath too: the general path raises it
        return None
    if base is None:
        return None
    try:
        os.lstat(missing)
    except OSError as err:
        return _append(base, [name, *rest]) if err.errno in _MISSING else None  # missing: no file, dir or link
    except ValueError:
        return None
    return None  # the name exists now (made meanwhile, or a link): the general path decides


def link_target(link: str) -> str | None:
    """The target of ``link`` if it is a symlink, else None; :class:`UnknownPath` if it cannot be read."""
    try:
        return _dangling(link, link)
    except ValueError as err:
        raise err if isinstance(err, UnknownPath) else _unknown(link, err) from None


def _dangling(link: str, path: str) -> str | None:
    """The target of ``link`` if it is a symlink (one whose target is missing), else None."""
    try:
        return os.readlink(link)
    except OSError as err:
        if err.errno in (errno.EINVAL, *_MISSING):
            return None
        raise _unknown(path, err) from None


def link_in_parent(path: str, *, native: bool | None = None) -> tuple[str, bool] | None:
    """``path``'s last name in its resolved parent and whether it is a symlink; None if
    there is no such name (the parent does not exist or has no entry by that name)."""
    try:
        if NATIVE if native is None else native:
            return _link_native(path)
        st = os.lstat(path)
        head, name = posixpath.split(path)
        return posixpath.join(_existing_portable(head), name), stat.S_ISLNK(st.st_mode)
    except OSError as err:
        if err.errno in _MISSING or err.errno == errno.ELOOP:
            return None
        raise _unknown(path, err) from None
    except ValueError as err:
        raise _unknown(path, err) from None


def _link_native(path: str) -> tuple[str, bool]:
    fd = os.open(path, _OPEN_LINK)
    try:
        named = os.readlink(f"/proc/self/fd/{fd}")
        is_link = stat.S_ISLNK(os.fstat(fd).st_mode)
    finally:
        os.close(fd)
    if not named.startswith("/") or named.endswith(" (deleted)"):
        head, name = posixpath.split(path)
        return posixpath.join(os.path.realpath(head, strict=True), name), is_link
    return named, is_link
