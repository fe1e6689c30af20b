"""An index over many ``path`` rules on one field, so 3,000 rules cost about what 3 do.

Each rule is filed under a literal fact every path it can match must have:

* a literal directory prefix (``/etc`` for ``/etc/**``; ``.ssh`` below home
  for ``~/.ssh/**``; ``src`` below the workspace for ``src/**``), looked up
  by walking the path's ancestors in a dict;
* else the literal last segment (``**/.env``), its literal tail (``*.pem``)
  or head (``.env.*``), looked up by the basename;
* else (``outside:``, ``under:`` only, ``**/x/**``) an always-list.

A rule with several globs is filed under each. ``candidates`` normalises and
resolves the path once (all names: the path, its symlink target, the link in
its resolved parent) and returns a superset of the rules that can answer YES
or UNKNOWN; a path that cannot be normalised returns every rule.
"""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Iterable

from hookgate.policy.match.base import EvalEnv, MatchResult
from hookgate.policy.match.path import PathMatcher, path_strings
from hookgate.policy.match.path_glob import Anchor, Glob, fold_case
from hookgate.policy.match.path_norm import (
    ResolvedPath,
    UnknownPath,
    collapse,
    expand,
    real_dir,
    relative_to,
    resolve_path,
)

__all__ = ["PathIndex"]

_Entry = tuple[str, str]  # (kind, key): kind in root/home/workspace/base/suffix/stem


def _entry(glob: Glob) -> _Entry | None:
    """The most selective literal fact of one glob, or ``None`` if it has none."""
    if glob.anchor is Anchor.ROOT:
        return "root", glob.prefix
    if glob.anchor is Anchor.HOME:
        return "home", glob.prefix
    if glob.anchor is Anchor.WORKSPACE:
        return "workspace", glob.prefix
    if glob.basename is not None:
        return "base", glob.basename
    if glob.suffix is not None:
        return "suffix", glob.suffix
    if glob.stem is not None:
        return "stem", glob.stem
    return None


def _ancestors(path: str, *, absolute: bool) -> list[str]:
    """``/a/b`` -> ``/``, ``/a``, ``/a/b``; relative ``a/b`` -> ``""``, ``a``, ``a/b``."""
    out = ["/" if absolute else ""]
    cut = path.find("/", 1)
    while cut > 0:
        out.append(path[:cut])
        cut = path.find("/", cut + 1)
    if path not in out:
        out.append(path)
    return out


_EMPTY: dict[str, list[int] | tuple[int, ...]] = {}


class _Table:
    """The lookup tables for one case mode (exact or folded)."""

    def __init__(self) -> None:
        self.maps: dict[str, dict[str, list[int] | tuple[int, ...]]] = {}
        self.lengths: dict[str, set[int]] = {"suffix": set(), "stem": set()}

    def add(self, entry: _Entry, key: int) -> None:
        kind, literal = entry
        table = self.maps.setdefault(kind, {})
        keys = table.get(literal)
        if isinstance(keys, list):
            keys.append(key)
        else:  # new, or frozen to a tuple
            table[literal] = [*(keys or ()), key]
        if kind in self.lengths:
            self.lengths[kind].add(len(literal))

    def freeze(self) -> None:
        """Keys as tuples: most literals name one rule, and a tuple is half a growable list."""
        for table in self.maps.values():
            for literal, keys in table.items():
                table[literal] = tuple(keys)

    def lookup(self, name: str, homes: tuple[str, ...] | None, workspaces: tuple[str, ...] | None) -> Iterable[int]:
        root = self.maps.get("root", _EMPTY)
        for prefix in _ancestors(name, absolute=True) if root else ():
            yield from root.get(prefix, ())
        for kind, bases in (("home", homes), ("workspace", workspaces)):
            table = self.maps.get(kind, _EMPTY)
            if not table:
                continue
            if bases is None:  # the matcher answers UNKNOWN: include all of them
                yield from (k for keys in table.values() for k in keys)
                continue
            for base in bases:
                rest = relative_to(name, base)
                for prefix in _ancestors(rest, absolute=False) if rest is not None else ():
                    yield from table.get(prefix, ())
        yield from self._by_basename(posixpath.basename(name))

    def _by_basename(self, base: str) -> Iterable[int]:
        yield from self.maps.get("base", _EMPTY).get(base, ())
        suffixes, stems = self.maps.get("suffix", _EMPTY), self.maps.get("stem", _EMPTY)
        for n in self.lengths["suffix"]:
            yield from suffixes.get(base[-n:], ()) if len(base) >= n else ()
        for n in self.lengths["stem"]:
            yield from stems.get(base[:n], ())


class PathIndex:
    """``MatcherIndex[PathMatcher]``: ``candidates`` is a superset of the rules that may match."""

    def __init__(self) -> None:
        self._tables = {False: _Table(), True: _Table()}
        self._always: list[int] = []
        self._all: list[int] = []
        self._homes: dict[str, None] = {}
        self._matchers: dict[int, PathMatcher] = {}

    def freeze(self) -> None:
        """Called by the plan builder once every rule is added; ``add`` still works after it."""
        for table in self._tables.values():
            table.freeze()

    def add(self, matcher: PathMatcher, key: int) -> None:
        self._all.append(key)
        self._matchers[key] = matcher
        if matcher.home:
            self._homes[matcher.home] = None
        entries = self._entries(matcher)
        if entries is None:
            self._always.append(key)
            return
        table = self._tables[matcher.case_insensitive]
        for entry in dict.fromkeys(entries):
            table.add(entry, key)

    @staticmethod
    def _entries(matcher: PathMatcher) -> list[_Entry] | None:
        """Entries of the first group whose every glob can be indexed (all groups must hold)."""
        if matcher.outside:
            return None
        for group in matcher.groups:
            entries = [_entry(g) for g in group.globs]
            if all(e is not None for e in entries):
                return [e for e in entries if e is not None]
        return None

    def candidates(self, value: object, env: EvalEnv) -> Iterable[int]:
        return self._keys(self._resolve(value, env), env)

    def evaluate(self, value: object, env: EvalEnv) -> dict[int, MatchResult]:
        """``candidates`` and their answers, resolving each path once for all of them (the
        symlink lookups are most of a path match's cost). Keys not returned answered NO."""
        resolved = self._resolve(value, env)
        return {key: self._matchers[key].match_resolved(resolved, env) for key in self._keys(resolved, env)}

    def _resolve(self, value: object, env: EvalEnv) -> list[ResolvedPath]:
        home = self._home(env)
        return [resolve_path(p, env, home) for p in path_strings(value)]

    def _keys(self, resolved: list[ResolvedPath], env: EvalEnv) -> list[int]:
        if env.home is None and len(self._homes) > 1:  # each rule would expand `~` its own way
            return list(self._all)
        found: set[int] = set(self._always)
        for path in resolved:
            if path.error is not None:
                return list(self._all)
            found.update(self._lookup(path.names, env))
        return sorted(found)

    def _home(self, env: EvalEnv) -> str | None:
        return env.home or next(iter(self._homes), None)

    def _lookup(self, names: tuple[str, ...], env: EvalEnv) -> Iterable[int]:
        homes = self._bases([env.home] if env.home else list(self._homes), env)
        workspace = env.workspace or env.cwd
        workspaces = self._bases([workspace] if workspace else [], env)
        for ci, table in self._tables.items():
            if not table.maps:
                continue
            fold = fold_case if ci else str
            h = tuple(fold(b) for b in homes) if homes is not None else None
            w = tuple(fold(b) for b in workspaces) if workspaces is not None else None
            for name in names:
                yield from table.lookup(fold(name), h, w)

    def _bases(self, dirs: list[str], env: EvalEnv) -> tuple[str, ...] | None:
        return _bases(tuple(dirs), self._home(env))


@functools.lru_cache(maxsize=256)
def _bases(dirs: tuple[str, ...], home: str | None) -> tuple[str, ...] | None:
    """The directories and their resolved forms; cached per event shape (``real_dir`` already is)."""
    out: list[str] = []
    for d in dirs:
        try:
            base = collapse(expand(d, home))
        except UnknownPath:
            continue
        if base.startswith("/"):
            out += [base, real_dir(base)]
    return tuple(dict.fromkeys(out)) if out else None
