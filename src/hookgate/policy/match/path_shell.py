"""Shell wildcards in a path word (``rm -f *.o``, ``cat docs/*.md``): decided where bash allows it.

The command matcher hands the path matcher every unquoted word a command reads or
writes; one with ``*``, ``?`` or ``[`` is expanded by the shell to names the
matcher never sees. A wildcard confined to the *last* segment of a word whose
directory is literal (``*.o``, ``build/*.o``, ``~/notes/*.md``) can only expand
to names inside that directory: bash never produces ``/``, never starts a name
with ``.`` unless the pattern does, and never yields ``.`` or ``..`` unless the
pattern starts with ``.`` (bash before 5.2 expands ``.*`` to both). Such a word
that does not match as written is judged on two sets of names:

1. **the names there now**, which is all a glob expands to: every entry of the
   directory (bounded by :data:`MAX_ENTRIES`; a larger one is UNKNOWN) that the
   word's literal start and end allow, dotfiles and other letter cases included
   (``shopt -s dotglob``/``nocaseglob`` or ``GLOBIGNORE`` may be in effect, and
   the parser folds quoting away, so ``'[ab]'*`` reads as a class), plus ``.``
   and ``..`` for a dotted pattern. Each is resolved like any path, so a link
   ``x.o -> /etc/passwd`` is seen at its target. One that may match makes the
   word UNKNOWN: which of these bash really expands depends on quoting and
   options this matcher cannot see, and ``not:``/``unless`` must never act on a
   guess, so an expansion is never a YES;
2. **a name created there later** (by an earlier command of the same line, say):
   a plain file in that directory, whose name the pattern allows. The word is NO
   only if some key provably never holds for such a name: ``under``/``outside``
   give the directory's own answer; a glob (``glob``/``in``) is ruled out when
   (a) it lies below a literal directory (``/dev/**``, ``~/.ssh/**``) the
   wildcard's directory is neither inside nor the parent of, or (b) its last
   segment starts with a literal ``.`` (``**/.env``, ``**/.env.*``) and the
   word's does not. No general pattern intersection is attempted: failing
   these, the word stays UNKNOWN, and the detail says why. This proof also
   covers the entries there now that are plain names of that kind, so only
   links, dotfiles and (for a case-insensitive rule) names whose folded form
   differs from their lower case (``\u200b.env`` folds to ``.env``) are judged
   one by one; a list of plain ``*.o`` files costs one directory read.

Anything else stays UNKNOWN as before: a wildcard in a directory segment
(``*/x``), ``**``, braces or extglob parentheses in the segment, a word below
``-`` (the command parser's ``cd -``, the unknown previous directory), and (raised
by normalisation) ``$VAR`` or ``~user``. A link created later in the same command
line (``ln -s ~/.ssh/id_rsa x.md; cat *.md``) is outside what a matcher that
judges the file system before the line runs can see, as for a literal ``x.md``.
"""

from __future__ import annotations

import errno
import os
import posixpath
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hookgate.policy.match.base import NO, EvalEnv, MatchResult, Outcome
from hookgate.policy.match.path_errors import UnknownPath
from hookgate.policy.match.path_glob import Anchor, Glob, fold_case
from hookgate.policy.match.path_norm import absolute_path, collapse, relative_to, resolve_candidates
from hookgate.policy.match.path_real import real_path

if TYPE_CHECKING:
    from hookgate.policy.match.path import PathMatcher

__all__ = ["MAX_ENTRIES", "SHELL_WILDCARDS", "WildWord", "judge_glob_word", "split_word"]

SHELL_WILDCARDS = frozenset("*?[")
#: directory entries listed at most per word; a larger directory makes the word UNKNOWN
MAX_ENTRIES = 1000
_OPAQUE = frozenset("{}()")  # braces the parser left (quoted) and extglob `@(…)`: not reasoned about
_PROBE = "\0"  # a name no file can have: stands for any name created later


@dataclass(frozen=True, slots=True)
class WildWord:
    """A word whose wildcards are all in its last segment. ``prefix``/``suffix``: the segment's
    literal start (before the first ``*?[``) and end (after the last ``*?[]``), literal in every
    reading of the word, whichever of its wildcard characters were quoted."""

    head: str  # the directory as written: "." when there is none, "/" for the root
    segment: str
    prefix: str
    suffix: str

    @property
    def dotted(self) -> bool:
        """Whether the pattern may produce a leading ``.`` (bash: only a literal leading ``.`` does)."""
        return self.segment.startswith(".")

    def may_name(self, name: str) -> bool:
        """Whether bash might expand the segment to ``name`` (a superset, in any letter case)."""
        for text, head, tail in (
            (name, self.prefix, self.suffix),
            (name.lower(), self.prefix.lower(), self.suffix.lower()),
        ):
            if len(text) >= len(head) + len(tail) and text.startswith(head) and text.endswith(tail):
                return True
        return False


def split_word(word: str) -> WildWord | str:
    """The word's directory and wildcard segment, or why its expansion cannot be bounded."""
    head, sep, segment = word.rpartition("/")
    if SHELL_WILDCARDS & set(head) or not segment:
        return "wildcards in a directory name"
    if head == "-" or head.startswith("-/"):  # how the command parser spells a word after `cd -`
        return "it is below the directory `cd -` returns to, which is not known"
    if "**" in segment:
        return "`**` may reach into other directories"
    if _OPAQUE & set(segment):
        return "braces or parentheses next to wildcards"
    first = min(i for i in (segment.find(c) for c in SHELL_WILDCARDS) if i >= 0)
    last = max(segment.rfind(c) for c in "*?[]")
    return WildWord((head or "/") if sep else ".", segment, segment[:first], segment[last + 1 :])


def judge_glob_word(matcher: PathMatcher, word: str, env: EvalEnv, home: str | None) -> MatchResult:
    """Decide a shell word with wildcards that does not match as written: NO only when neither a
    name in its directory now nor a plain name created there later can match, else UNKNOWN."""
    split = split_word(word)
    if isinstance(split, str):
        return _unknown(word, split)
    try:
        directory = absolute_path(split.head, env, home=home)
        bases = tuple(dict.fromkeys((collapse(directory), real_path(directory))))
    except UnknownPath as err:
        return _unknown(word, err.detail)
    why = _later_names(matcher, split, bases, env)
    if why is not None:
        return _unknown(word, why)
    return _present_names(matcher, word, split, directory, bases, env)


def _unknown(word: str, why: str) -> MatchResult:
    return MatchResult(Outcome.UNKNOWN, f"path `{word}` has shell wildcards that may expand to a match: {why}")


# -- names created later: provably never a match? ---------------------------------------------------


def _later_names(matcher: PathMatcher, word: WildWord, bases: tuple[str, ...], env: EvalEnv) -> str | None:
    """``None`` if no plain name created in the directory later can satisfy the condition, else why one may."""
    dirs = matcher.view(bases)
    homes, workspaces = matcher.glob_bases(env)
    why = ""
    for group in matcher.groups:
        open_globs = [g for g in group.globs if not _never(g, word, dirs, homes, workspaces)]
        if not open_globs:
            return None
        why = why or f"a name in `{bases[0]}` may match `{open_globs[0].source}`"
    probe = matcher.view(tuple(b.rstrip("/") + "/" + _PROBE for b in bases))
    if (
        matcher.under
        and matcher.containment(probe, env, inside=True) is Outcome.NO
        and not _may_be_a_base(matcher, word, dirs, env)
    ):
        return None
    if matcher.outside and matcher.containment(probe, env, inside=False) is Outcome.NO:
        return None
    refs = "`, `".join(r.source for r in matcher.under or matcher.outside)
    return why or f"a name in `{bases[0]}` may be {'under' if matcher.under else 'outside'} `{refs}`"


def _never(
    glob: Glob, word: WildWord, dirs: Sequence[str], homes: tuple[str, ...] | None, workspaces: tuple[str, ...] | None
) -> bool:
    """Whether ``glob`` matches no name ``dirs/x`` for a name ``x`` the word allows: (b) the glob's
    last segment starts with a literal ``.`` and ``x`` cannot; (a) the glob lies below a literal
    directory that no ``dir`` is inside or the parent of (``x`` has no ``/``)."""
    if not word.dotted and (glob.basename or glob.stem or "").startswith("."):
        return True
    if glob.anchor is Anchor.ANYWHERE:
        return False
    if glob.anchor is Anchor.ROOT:
        tops: tuple[str, ...] = (glob.prefix,)
    else:
        found = homes if glob.anchor is Anchor.HOME else workspaces
        if found is None:
            return False
        tops = tuple(posixpath.join(b, glob.prefix) if glob.prefix else b for b in found)
    return not any(relative_to(d, top) is not None or _is_child(top, d, word) for d in dirs for top in tops)


def _is_child(path: str, directory: str, word: WildWord) -> bool:
    """Whether ``path`` may be the name ``directory/x`` for an ``x`` the word allows."""
    name = posixpath.basename(path)
    return posixpath.dirname(path) == directory and (word.dotted or not name.startswith(".")) and word.may_name(name)


def _may_be_a_base(matcher: PathMatcher, word: WildWord, dirs: Sequence[str], env: EvalEnv) -> bool:
    """Whether a name in ``dirs`` may itself be an ``under`` directory (``under: /srv/app`` and ``/srv/*``)."""
    home = env.home or matcher.home
    for ref in matcher.under:
        found = ref.bases(env, home, folded=matcher.case_insensitive) or ()
        if any(_is_child(b, d, word) for b in found for d in dirs):
            return True
    return False


# -- names there now: each judged like any path ------------------------------------------------------


class _TooMany(Exception):
    """The directory has more than :data:`MAX_ENTRIES` entries."""


def _present_names(
    matcher: PathMatcher, text: str, word: WildWord, directory: str, bases: tuple[str, ...], env: EvalEnv
) -> MatchResult:
    """NO unless an entry the word may expand to matches (then UNKNOWN, naming it). Called once
    :func:`_later_names` proved that no plain name the word produces by bash's default rules can
    match: that covers every entry but links and (for an undotted word) dotfiles, so only those are judged."""
    try:
        found = _listing(directory, word, folds=matcher.case_insensitive)
    except _TooMany:
        return _unknown(text, f"`{bases[0]}` has more than {MAX_ENTRIES} entries to check")
    except (OSError, ValueError) as err:
        why = os.strerror(err.errno).lower() if isinstance(err, OSError) and err.errno else "not a valid name"
        return _unknown(text, f"`{bases[0]}` cannot be listed: {why}")
    for name, resolve in found:
        raw = name if word.head == "." else posixpath.join(word.head, name)
        try:
            names = resolve_candidates(posixpath.join(directory, name)) if resolve else _plain(bases, name)
        except UnknownPath as err:
            return _unknown(text, err.detail)
        result = matcher.judge_names(raw, names, env)
        if result.outcome is not Outcome.NO:
            return _unknown(text, f"it may expand to `{raw}`, and {result.detail or 'that may match'}")
    return NO


def _plain(bases: tuple[str, ...], name: str) -> tuple[str, ...]:
    """:func:`resolve_candidates` of a name that is not a link: itself, and in the resolved directory."""
    return tuple(dict.fromkeys(b.rstrip("/") + "/" + name for b in bases))


def _listing(directory: str, word: WildWord, *, folds: bool) -> list[tuple[str, bool]]:
    """The entries the word may expand to that the proof for plain names does not cover (links,
    dotfiles for an undotted word and, for a case-insensitive rule, names that fold to another name
    than their lower case: ``\u200b.env`` is ``.env``), each with whether it needs a full resolution."""
    found = [(n, True) for n in (".", "..") if word.dotted and word.may_name(n)]
    try:
        with os.scandir(directory) as entries:
            for count, entry in enumerate(entries, 1):
                if count > MAX_ENTRIES:
                    raise _TooMany
                name = entry.name
                if not word.may_name(name):
                    continue
                link = _is_link(entry)
                if link or (name[:1] == "." and not word.dotted) or (folds and fold_case(name) != name.lower()):
                    found.append((name, link))
    except OSError as err:
        if err.errno not in (errno.ENOENT, errno.ENOTDIR):  # no directory: nothing to expand to
            raise
    return found


def _is_link(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_symlink()
    except OSError:
        return True
