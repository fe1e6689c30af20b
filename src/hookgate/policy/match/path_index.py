"""An index over many ``path`` rules on one field, so 3,000 rules cost about what 3 do.

Each rule is filed under a literal fact every path it can match must have:

* a literal directory prefix (``/etc`` for ``/etc/**``; ``.ssh`` below home
  for ``~/.ssh/**``; ``src`` below the workspace for ``src/**``), looked up
  by walking the path's ancestors in a dict;
* else the literal last segment (``**/.env``), its literal tail (``*.pem``)
  or head (``.env.*``), looked up by the basename;
* else a literal segment of a glob matched anywhere (``.github`` or
  ``workflows`` for ``**/.github/workflows/**``: the one fewest rules are
  filed under so far), looked up by each name of the path;
* else (``outside:``, ``under:`` only, ``**/*/**``) an always-list.

A rule with several globs is filed under each. ``candidates`` normalises and
resolves the path once (all names: the path, its symlink target, the link in
its resolved parent) and returns a superset of the rules that can answer YES
or UNKNOWN; a path that cannot be normalised returns every rule.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence

from hookgate.policy.match.base import EvalEnv, MatchResult, Outcome
from hookgate.policy.match.path import PathMatcher, path_strings, workspace_of
from hookgate.policy.match.path_glob import Anchor, Glob, fold_case
from hookgate.policy.match.path_norm import (
    ResolvedPath,
    UnknownPath,
    collapse,
    expand,
    real_dir,
    resolve_path,
)

__all__ = ["PathIndex"]

_Entry = tuple[str, str]  # (kind, key): kind in root/home/workspace/event_workspace/base/suffix/stem/segment
_EVENT_WORKSPACE = "event_workspace"
#: the workspace-relative kinds, as (configured workspace first, event's cwd first)
_WORKSPACE_KINDS = ("workspace", _EVENT_WORKSPACE)


def _entry(glob: Glob, table: _Table) -> _Entry | None:
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
    if glob.segments:
        return "segment", table.rarest_segment(glob.segments)
    return None


def _depth(prefix: str) -> int:
    """Names below the root: ``/`` 0, ``/etc`` 1, ``/home/a/.ssh`` 3."""
    return 0 if prefix == "/" else prefix.count("/")


_Keys = Sequence[int]  # a list while rules are added, a tuple once frozen
_EMPTY: dict[str, _Keys] = {}
#: absolute directory prefix -> keys, and the depths those prefixes have (only those are looked up)
_Prefixes = tuple[dict[str, _Keys], tuple[int, ...]]
MAX_BASES = 64  # distinct (home, workspace) pairs an index remembers its absolute prefixes for
MAX_JUDGED = 4096  # distinct (resolved paths, home, cwd, workspace) an index remembers its answers for
MAX_JUDGED_PATHS, MAX_JUDGED_CHARS = 8, 1024  # larger values are judged afresh: they would bloat the memo
#: a table, how its names are folded (None: as they are), its absolute prefixes and their depths
_View = tuple["_Table", Callable[[str], str] | None, dict[str, _Keys], tuple[int, ...]]


class _Table:
    """The lookup tables for one case mode (exact or folded).

    Directory prefixes (``root``; ``home``/``workspace``, relative to those
    bases) are looked up as absolute prefixes of the path: per combination of
    bases one merged dict and the depths its prefixes have, so a path costs
    one lookup per distinct depth, not one per ancestor and base.
    """

    def __init__(self) -> None:
        self.maps: dict[str, dict[str, _Keys]] = {}
        self.lengths: dict[str, tuple[int, ...]] = {"suffix": (), "stem": ()}
        self._basenames = False  # any rule filed by its last name (literal, tail or head)
        self._segments: dict[str, _Keys] | None = None  # rules filed by a name anywhere in the path

    def add(self, entry: _Entry, key: int) -> None:
        kind, literal = entry
        table = self.maps.setdefault(kind, {})
        keys = table.get(literal)
        if type(keys) is list:  # appended in place: 10,000 rules on one prefix must not copy a tuple each
            keys.append(key)
        else:  # new, or frozen
            table[literal] = [*(keys or ()), key]
        if kind in self.lengths and len(literal) not in self.lengths[kind]:
            self.lengths[kind] = tuple(sorted((*self.lengths[kind], len(literal))))
        self._basenames = self._basenames or kind in ("base", "suffix", "stem")
        if kind == "segment":
            self._segments = table

    def freeze(self) -> None:
        """Keys as tuples: most literals name one rule, and a tuple is half a growable list."""
        for table in self.maps.values():
            for literal, keys in table.items():
                table[literal] = tuple(keys)

    def rarest_segment(self, names: tuple[str, ...]) -> str:
        """Of a glob's literal segments, the one the fewest rules are filed under (then the longest)."""
        filed = self._segments or _EMPTY
        return min(names, key=lambda name: (len(filed.get(name, ())), -len(name)))

    def lookup(self, name: str, prefixes: dict[str, _Keys], depths: tuple[int, ...], out: set[int]) -> None:
        """Add to ``out`` every key filed under a fact ``name`` has (``prefixes``/``depths``: :meth:`absolute`)."""
        if depths or self._segments is not None:
            parts = name.split("/")
            top = len(parts) - 1 if name != "/" else 0
            for depth in depths:
                if depth > top:
                    break
                keys = prefixes.get("/".join(parts[: depth + 1]) if depth else "/")
                if keys:
                    out.update(keys)
            segments = self._segments
            if segments is not None:
                for part in parts:
                    keys = segments.get(part)
                    if keys:
                        out.update(keys)
        if self._basenames:
            self._by_basename(name[name.rfind("/") + 1 :], out)

    def _by_basename(self, base: str, out: set[int]) -> None:
        keys = self.maps.get("base", _EMPTY).get(base)
        if keys:
            out.update(keys)
        suffixes, stems = self.maps.get("suffix", _EMPTY), self.maps.get("stem", _EMPTY)
        for n in self.lengths["suffix"]:
            if len(base) >= n and (keys := suffixes.get(base[-n:])):
                out.update(keys)
        for n in self.lengths["stem"]:
            if keys := stems.get(base[:n]):
                out.update(keys)

    def absolute(self, homes: tuple[str, ...] | None, workspaces: dict[str, tuple[str, ...] | None]) -> _Prefixes:
        """The prefix tables made absolute for these bases (``None``: unknown, every rule of that anchor);
        ``workspaces``: by kind (the configured workspace first, or the event's cwd first)."""
        merged: dict[str, _Keys] = dict(self.maps.get("root", _EMPTY))
        for kind, bases in (("home", homes), *workspaces.items()):
            table = self.maps.get(kind, _EMPTY)
            if not table:
                continue
            if bases is None:  # the matcher answers UNKNOWN: include all of them, whatever the path
                every = tuple(k for keys in table.values() for k in keys)
                merged["/"] = (*merged.get("/", ()), *every)
                continue
            for base in bases:
                for rel, keys in table.items():
                    full = base if not rel else ("/" + rel if base == "/" else f"{base}/{rel}")
                    merged[full] = (*merged.get(full, ()), *keys)
        return merged, tuple(sorted({_depth(p) for p in merged}))


class PathIndex:
    """``MatcherIndex[PathMatcher]``: ``candidates`` is a superset of the rules that may match."""

    def __init__(self) -> None:
        self._tables = {False: _Table(), True: _Table()}
        self._always: list[int] = []
        self._all: list[int] = []
        self._homes: dict[str, None] = {}
        #: every matcher's own home, None included: with more than one, a rule may re-resolve (``_judged``)
        self._rule_homes: set[str | None] = set()
        #: answers by the resolved names and the event's directories (see ``evaluate``)
        self._judged: dict[tuple[object, ...], dict[int, MatchResult]] = {}
        self._view_memo: dict[tuple[str | None, str | None, str | None], list[_View]] = {}
        self._matchers: dict[int, PathMatcher] = {}
        #: a rule filed under several matchers of this field (``any:`` of path globs): the others
        self._more: dict[int, list[PathMatcher]] = {}

    def freeze(self) -> None:
        """Called by the plan builder once every rule is added; ``add`` still works after it."""
        for table in self._tables.values():
            table.freeze()

    def add(self, matcher: PathMatcher, key: int) -> None:
        self._view_memo.clear()
        self._judged.clear()
        self._rule_homes.add(matcher.home)
        self._all.append(key)
        if key in self._matchers:
            self._more.setdefault(key, []).append(matcher)
        else:
            self._matchers[key] = matcher
        if matcher.home:
            self._homes[matcher.home] = None
        table = self._tables[matcher.case_insensitive]
        entries = self._entries(matcher, table)
        if entries is None:
            self._always.append(key)
            return
        if matcher.workspace_from_event:  # its workspace-relative globs sit below the event's cwd first
            entries = [(_EVENT_WORKSPACE, rel) if kind == "workspace" else (kind, rel) for kind, rel in entries]
        for entry in dict.fromkeys(entries):
            table.add(entry, key)

    @staticmethod
    def _entries(matcher: PathMatcher, table: _Table) -> list[_Entry] | None:
        """Entries of the first group whose every glob can be indexed (all groups must hold)."""
        if matcher.outside:
            return None
        for group in matcher.groups:
            entries = [_entry(g, table) for g in group.globs]
            if all(e is not None for e in entries):
                return [e for e in entries if e is not None]
        return None

    def candidates(self, value: object, env: EvalEnv) -> Iterable[int]:
        return self._keys(self._resolve(value, env), env)

    def evaluate(self, value: object, env: EvalEnv) -> dict[int, MatchResult]:
        """``candidates`` and their answers, resolving each path once for all of them (the
        symlink lookups are most of a path match's cost). Keys not returned answered NO."""
        resolved = [resolve_path(value, env, self._home(env))] if type(value) is str else self._resolve(value, env)
        # The file system is read once, above; what follows is a function of the names found there and
        # the event's directories (whose resolved forms ``_dir_bases`` already caches), so it is answered
        # once per distinct value of those. Not when a rule would resolve again under its own home.
        memo_key = (*resolved, env.home, env.cwd, env.workspace) if self._reusable(resolved, env) else None
        if memo_key is not None and (known := self._judged.get(memo_key)) is not None:
            return known
        found = self._judge(resolved, env)
        if memo_key is not None:
            if len(self._judged) >= MAX_JUDGED:
                self._judged.clear()
            self._judged[memo_key] = found
        return found

    def _reusable(self, resolved: list[ResolvedPath], env: EvalEnv) -> bool:
        """Whether the answer for ``resolved`` depends on nothing but the memo key: every path was
        resolved (an error carries an exception, no value), for the one home every rule uses."""
        if (env.home is None and len(self._rule_homes) > 1) or len(resolved) > MAX_JUDGED_PATHS:
            return False
        # (a str subclass may define its own equality, which would let it stand for another path)
        return all(r.error is None and type(r.raw) is str and len(r.raw) <= MAX_JUDGED_CHARS for r in resolved)

    def _judge(self, resolved: list[ResolvedPath], env: EvalEnv) -> dict[int, MatchResult]:
        keys = self._keys(resolved, env)
        if not keys:
            return {}
        matchers = self._matchers
        found = {key: matchers[key].match_resolved(resolved, env) for key in keys}
        if self._more:
            for key in keys:
                more = self._more.get(key)
                if more is not None:
                    found[key] = _best(found[key], (m.match_resolved(resolved, env) for m in more))
        return found

    def _resolve(self, value: object, env: EvalEnv) -> list[ResolvedPath]:
        home = self._home(env)
        return [resolve_path(p, env, home) for p in path_strings(value)]

    def _keys(self, resolved: list[ResolvedPath], env: EvalEnv) -> list[int]:
        if env.home is None and len(self._homes) > 1:  # each rule would expand `~` its own way
            return list(self._all)
        found: set[int] = set(self._always)
        views = self._views(env)
        for path in resolved:
            if path.error is not None:
                return list(self._all)
            for table, fold, prefixes, depths in views:
                for name in path.names:
                    table.lookup(fold(name) if fold is not None else name, prefixes, depths, found)
        return sorted(found) if len(found) > 1 else list(found)

    def _home(self, env: EvalEnv) -> str | None:
        return env.home or next(iter(self._homes), None)

    def _views(self, env: EvalEnv) -> list[_View]:
        """Per case mode in use: its table, how names are folded, and its prefixes made absolute for
        this event's home and workspace (kept per distinct pair: events of a session share one)."""
        key = (env.home, workspace_of(env, event_first=False), workspace_of(env, event_first=True))
        views = self._view_memo.get(key)
        if views is None:
            home = self._home(env)
            homes = _bases((env.home,) if env.home else tuple(self._homes), home)
            workspaces = {kind: _bases((w,) if w else (), home)
                          for kind, w in zip(_WORKSPACE_KINDS, key[1:], strict=True)}
            views = []
            for ci, table in self._tables.items():
                if not table.maps:
                    continue
                if ci:
                    folded = {kind: _folded(bases) for kind, bases in workspaces.items()}
                    views.append((table, fold_case, *table.absolute(_folded(homes), folded)))
                else:
                    views.append((table, None, *table.absolute(homes, workspaces)))
            if len(self._view_memo) >= MAX_BASES:
                self._view_memo.clear()
            self._view_memo[key] = views
        return views


def _folded(bases: tuple[str, ...] | None) -> tuple[str, ...] | None:
    return tuple(fold_case(b) for b in bases) if bases is not None else None


def _best(first: MatchResult, others: Iterable[MatchResult]) -> MatchResult:
    """The answer of several matchers of one rule, any of which may hold: YES, else UNKNOWN, else NO."""
    best = first
    for r in others:
        if best.outcome is Outcome.YES:
            break
        if r.outcome is Outcome.YES or (r.outcome is Outcome.UNKNOWN and best.outcome is Outcome.NO):
            best = r
    return best


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
