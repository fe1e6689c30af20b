"""A ``path`` condition judged for *some path below a directory*, not one path.

``find ~ -name id_rsa -exec cat {} +`` reads files found under ``~``;
``tar -xf a.tar -C ~`` and ``unzip -d ~`` write names the archive holds. The
shell parser reports such a target as ``DIR/{}``. Judged as a literal name,
``~/{}`` matched nothing, so a rule on ``~/.ssh/**`` answered NO to a command
that may well touch ``~/.ssh/id_rsa``. Here the answer is YES when every path
below the directory matches, NO when none can, and UNKNOWN in between.

Each glob is reduced to its literal directory prefix (absolute, once the
home or workspace it is anchored to is known). A directory inside that
prefix is YES when the glob is ``PREFIX/**``, else UNKNOWN; a prefix inside
the directory is UNKNOWN; anything else is NO. ``except`` is not applied: a
matcher with one answers UNKNOWN where it would answer YES (some path below
may be excepted, and a YES read through ``unless`` or ``not`` would let it
pass).

Reads follow links: ``find`` does not descend into a linked directory, but
what it hands to ``-exec cat {} +`` is read through any link it found, so a
link planted below the directory earlier (``DIR/k -> ~/.ssh/id_rsa``) is a
way to the secret. For reads the directory is scanned for symlinks (without
following linked directories, as ``find`` does not) and each link's target
is judged as one more place the walk reaches. The scan is bounded by
:data:`SCAN_LIMIT` entries; a larger tree answers UNKNOWN rather than NO
(a deny or ask counts it, ``on_unknown: ignore`` does not), and so does a
folder below it that cannot be listed, or an entry that cannot be examined:
an error never ends the scan in NO (as for a wildcard's folder,
:mod:`.path_shell`). Writes do not follow links (``find -delete`` removes the
link; ``tar`` and ``unzip`` replace a link rather than write through it).

Globs matched anywhere (``**/.env``, ``*.pem``) answer NO here, as they do
for a directory ``grep -r`` or ``cp -r`` reads: what a recursive walk meets
below a directory is not known, and judging every walk of the workspace as
possibly reaching a ``.env`` would stop ``find . -name '*.py' -exec grep``.
Rules on anchored subtrees (``~/.ssh/**``, ``/etc/**``) are what this module
enforces on walks.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from hookgate.policy.match.base import EvalEnv, MatchResult, Outcome
from hookgate.policy.match.path_glob import Anchor, Glob, GlobGroup, fold_case
from hookgate.policy.match.path_norm import PATH_SCOPE, relative_to, resolve_path

if TYPE_CHECKING:
    from hookgate.policy.match.path import PathMatcher

__all__ = ["BELOW", "BOUND", "SCAN_LIMIT", "THROUGH", "below_dir", "follows_links", "judge_below", "links_below",
           "through_links"]

#: how the shell parser spells "some path below DIR" (``find``'s results)
BELOW = "/{}"
#: "some path below DIR, written through the links there" (an archive or a patch unpacked in DIR: a member
#: `d/x` lands in whatever `DIR/d` links to; ``find -delete`` removes a link instead, so it says :data:`BELOW`)
THROUGH = "/{…}"
#: "some path below DIR, as DIR's own entries" (a folder bound into a sandbox, ``bwrap --bind DIR …``: a
#: link below DIR resolves inside the sandbox, not to the host file it names here)
BOUND = "/{=}"

#: directory entries looked at when a read walk's directory is scanned for links (~1 µs each)
SCAN_LIMIT = 20_000

_RANK = {Outcome.NO: 0, Outcome.UNKNOWN: 1, Outcome.YES: 2}
_GLOB_CHARS = frozenset("*?[{\\")


def below_dir(path: str) -> str | None:
    """The directory of a ``DIR/{}`` (or ``DIR/{…}``) target, else None."""
    if path.endswith(BELOW):
        return path[: -len(BELOW)] or "/"
    if path.endswith(THROUGH):
        return path[: -len(THROUGH)] or "/"
    if path.endswith(BOUND):
        return path[: -len(BOUND)] or "/"
    return None


def through_links(path: str) -> bool:
    """Whether a ``DIR/{…}`` target's writes go through the links below DIR."""
    return path.endswith(THROUGH)


def follows_links(path: str, *, reads: bool) -> bool:
    """Whether a walk below a ``DIR/{…}``-style target reaches the targets of the links below DIR: a read
    does (``cat`` opens through them), a write only when it says so (:data:`THROUGH`), a bound folder never."""
    if path.endswith(BOUND):
        return False
    return reads or path.endswith(THROUGH)


def _inside(name: str, base: str) -> bool:
    return relative_to(name, base) is not None


def _whole_subtree(glob: Glob) -> bool:
    """``PREFIX/**`` with nothing but literal names before ``/**``: the glob matches every path below
    its literal prefix (``/x/*/x/**`` does not: ``/x/x/a`` is below its prefix ``/x`` and no match)."""
    return glob.source.endswith("/**") and _GLOB_CHARS.isdisjoint(glob.source[:-3])


def _glob_prefixes(glob: Glob, homes: tuple[str, ...] | None, workspaces: tuple[str, ...] | None,
                   ci: bool) -> list[str] | None:
    """The absolute literal prefixes of an anchored ``glob``; None when its base is unknown for this event."""
    if glob.anchor is Anchor.ROOT:
        return [glob.prefix or "/"]
    bases = homes if glob.anchor is Anchor.HOME else workspaces if glob.anchor is Anchor.WORKSPACE else None
    if bases is None:
        return None
    rel = glob.prefix.strip("/")
    out = [(b.rstrip("/") + "/" + rel) if rel else b for b in bases]
    return [fold_case(p) for p in out] if ci else out


def _glob_below(glob: Glob, names: Sequence[str], homes: tuple[str, ...] | None,
                workspaces: tuple[str, ...] | None, ci: bool) -> Outcome:
    if glob.anchor is Anchor.ANYWHERE:  # see the module note: not applied to what a walk may meet
        return Outcome.NO
    prefixes = _glob_prefixes(glob, homes, workspaces, ci)
    if prefixes is None:  # anchored to a home or workspace this event does not have
        return Outcome.UNKNOWN
    best = Outcome.NO
    for name in names:
        for prefix in prefixes:
            if _inside(name, prefix):
                found = Outcome.YES if _whole_subtree(glob) else Outcome.UNKNOWN
            elif _inside(prefix, name):
                found = Outcome.UNKNOWN
            else:
                continue
            if _RANK[found] > _RANK[best]:
                best = found
    return best


def _group_below(group: GlobGroup, names: Sequence[str], homes: tuple[str, ...] | None,
                 workspaces: tuple[str, ...] | None, ci: bool) -> Outcome:
    return max((_glob_below(g, names, homes, workspaces, ci) for g in group.globs), key=_RANK.__getitem__,
               default=Outcome.NO)


def _containment_below(bases: list[tuple[str, ...] | None], names: Sequence[str], *, inside: bool) -> Outcome:
    """``under`` (every path below the directory inside one of the bases) or ``outside`` (its negation)."""
    if any(b is None for b in bases):
        return Outcome.UNKNOWN
    dirs = [d for b in bases if b is not None for d in b]
    per_name = []
    for name in names:
        if any(_inside(name, d) for d in dirs):
            per_name.append(Outcome.YES)
        elif any(_inside(d, name) for d in dirs):
            per_name.append(Outcome.UNKNOWN)
        else:
            per_name.append(Outcome.NO)
    under = min(per_name, key=_RANK.__getitem__, default=Outcome.NO)
    if inside:
        return under
    return {Outcome.YES: Outcome.NO, Outcome.NO: Outcome.YES}.get(under, Outcome.UNKNOWN)


def links_below(directory: str, limit: int | None = None) -> tuple[list[str], bool]:
    """The symlinks at any depth below ``directory``, and whether the scan is incomplete: stopped at
    ``limit`` (default :data:`SCAN_LIMIT`) entries, or a folder that cannot be listed, or an entry
    that cannot be examined. Linked directories are entered too, once each (``find -L``,
    ``grep -R`` and ``zip -r`` follow them): a link inside one is as reachable as one below."""
    limit = SCAN_LIMIT if limit is None else limit
    links: list[str] = []
    pending = [directory]
    entered = {directory}
    seen = 0
    try:
        while pending:
            try:
                entries = os.scandir(pending.pop())
            except OSError as err:
                if err.errno in (errno.ENOENT, errno.ENOTDIR):  # gone, or a file: nothing below it
                    continue
                raise
            with entries:
                for entry in entries:
                    seen += 1
                    if seen > limit:
                        return links, True
                    if entry.is_symlink():
                        links.append(entry.path)
                        if entry.is_dir():  # follows the link: a folder the walk may enter
                            target = os.path.realpath(entry.path)
                            if target not in entered:
                                entered.add(target)
                                pending.append(target)
                    elif entry.is_dir(follow_symlinks=False):
                        pending.append(entry.path)
    except OSError:  # not listable, or an entry that cannot be examined: some links may be unseen
        return links, True
    return links, False


def _scanned(directory: str) -> tuple[list[str], bool]:
    """:func:`links_below`, once per event for every rule that asks (the engine's resolution scope)."""
    memo = PATH_SCOPE.memo
    key = ("links below", directory)  # a pair: never one of resolve_path's (raw, cwd, home) keys
    if memo is None:
        return links_below(directory)
    found = memo.get(key)
    if found is None:
        found = memo[key] = links_below(directory)
    return found


def _link_targets(matcher: PathMatcher, names: Sequence[str], env: EvalEnv) -> tuple[list[str], bool]:
    """The resolved targets of the links below the directory (its real name when it is reached through
    a link: ``names[1]``), and whether the scan was cut."""
    links, cut = _scanned(names[1] if len(names) > 1 else names[0])
    targets: list[str] = []
    for link in links:
        resolved = resolve_path(link, env, env.home or matcher.home)
        if resolved.error is not None:
            cut = True  # a link whose target cannot be known: as good as an unread part of the tree
            continue
        targets += resolved.names[1:2]  # the target (names[0] is the link, below the directory already judged)
    return targets, cut


def _outcome(matcher: PathMatcher, names: Sequence[str], env: EvalEnv) -> Outcome:
    """The answer for some path below the one directory (or file) ``names`` spell."""
    viewed = matcher.view(names)
    homes, workspaces = matcher.glob_bases(env)
    ci = matcher.case_insensitive
    parts = [_group_below(g, viewed, homes, workspaces, ci) for g in matcher.groups]
    home = env.home or matcher.home
    if matcher.under:
        parts.append(_containment_below([matcher.dir_bases(r, env, home) for r in matcher.under], viewed, inside=True))
    if matcher.outside:
        parts.append(_containment_below([matcher.dir_bases(r, env, home) for r in matcher.outside], viewed,
                                        inside=False))
    outcome = min(parts, key=_RANK.__getitem__, default=Outcome.YES)
    if outcome is Outcome.YES and matcher.exclude is not None:  # `except` is not applied (module note)
        outcome = Outcome.UNKNOWN
    return outcome


def judge_below(matcher: PathMatcher, names: Sequence[str], env: EvalEnv, *,
                follow_links: bool = False) -> MatchResult:
    """The condition of ``matcher`` for some path below the directory reached by ``names``;
    ``follow_links`` (a read): the targets of the links below it are places the walk reaches too,
    and the answer is YES or NO only when it is the same for all of them (module note)."""
    outcome = _outcome(matcher, names, env)
    where = f"a path below `{names[0]}`" if names else "a path below a directory"
    if follow_links and names and matcher.follow_symlinks:
        targets, cut = _link_targets(matcher, names, env)
        reached = {_outcome(matcher, (t,), env): t for t in targets}
        if cut or any(o is not outcome for o in reached):
            why = (f"more than {SCAN_LIMIT:,} entries there, a folder that cannot be listed, or a link that "
                   "cannot be resolved" if cut else
                   "links there lead to " + ", ".join(f"`{t}`" for o, t in reached.items() if o is not outcome))
            return MatchResult(Outcome.UNKNOWN, f"{where} may match: {why}")
    if outcome is Outcome.YES:
        return MatchResult(Outcome.YES, f"{where} (every one matches)")
    if outcome is Outcome.UNKNOWN:
        return MatchResult(Outcome.UNKNOWN, f"{where} may match")
    return MatchResult(Outcome.NO)
