"""The ``path`` condition: globs, named lists and workspace containment on normalised paths.

YAML::

    tool_input.file_path: {path: "~/.ssh/**"}                 # shorthand for glob
    tool_input.file_path: {path: {in: secret_files}}          # a named list of globs
    tool_input.file_path: {path: {outside: workspace}}        # writes that escape the workspace
    tool_input.file_path: {path: {glob: "**/*.pem", case_insensitive: true}}
    tool_input.file_path: {path: {in: secret_files, except: "**/.env.example"}}  # templates are not secrets

Every given key must hold. A path is seen under each name it can be reached
by (see :func:`resolve_candidates`): ``glob`` / ``in`` match if *any* name
matches (the link or its target), ``under`` holds only if *every* name is
inside (containment: a symlink out of the workspace is not "under" it), and
``outside`` if *any* name is outside. So both ``outside: workspace`` as a
deny and ``under: workspace`` as an exception are safe against symlinks.
``except`` (globs, ``~`` as in ``glob``) removes paths from the condition, but
only a path *every* name of which matches it: a link ``.env.example -> .env``
is not excused. An unquoted shell word with wildcards (``rm -f *.o``) is
decided by :mod:`~hookgate.policy.match.path_shell`.
"""

from __future__ import annotations

import functools
import os
import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from hookgate._frozen import quick_init
from hookgate.policy.match.base import NO, CompileContext, EvalEnv, MatchResult, Outcome, SpecError
from hookgate.policy.match.path_below import judge_below
from hookgate.policy.match.path_glob import Anchor, Glob, GlobGroup, compile_globs, fold_case
from hookgate.policy.match.path_norm import (
    ResolvedPath,
    UnknownPath,
    collapse,
    expand,
    normalize_path,
    real_dir,
    relative_to,
    resolution_scope,
    resolve_candidates,
    resolve_path,
)
from hookgate.policy.match.path_regex import RegexError
from hookgate.policy.match.path_shell import SHELL_WILDCARDS, judge_glob_word

__all__ = [
    "PathMatcher",
    "PathSpec",
    "ResolvedPath",
    "UnknownPath",
    "compile_path",
    "normalize_path",
    "path_strings",
    "resolution_scope",
    "resolve_candidates",
    "resolve_path",
]


def path_strings(value: object) -> list[str]:
    """The paths in a field value: a string, or the strings in a list/tuple."""
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list | tuple) else []


def _as_tuple(value: Any) -> Any:
    return (value,) if isinstance(value, str) else value


StrOrList = Annotated[tuple[str, ...], BeforeValidator(_as_tuple, json_schema_input_type=str | list[str])]


class PathSpec(BaseModel):
    """A ``path:`` condition; a plain string or list is shorthand for ``glob``."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    glob: StrOrList | None = None
    in_: StrOrList | None = Field(default=None, alias="in")
    under: StrOrList | None = None
    outside: StrOrList | None = None
    except_: StrOrList | None = Field(default=None, alias="except")
    case_insensitive: bool = False
    follow_symlinks: bool = True

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        return {"glob": data} if isinstance(data, str | list | tuple) else data

    @model_validator(mode="after")
    def _not_empty(self) -> PathSpec:
        if not (self.glob or self.in_ or self.under or self.outside):
            alone = " (`except` only narrows them)" if self.except_ else ""
            raise ValueError(f"a path condition needs `glob`, `in`, `under` or `outside`{alone}")
        return self


@dataclass(frozen=True, slots=True)
class DirRef:
    """A directory named in ``under`` / ``outside``: absolute, home-relative or the workspace."""

    source: str
    kind: Anchor  # ROOT (path is absolute), HOME (path is below home) or WORKSPACE
    path: str

    def bases(self, env: EvalEnv, home: str | None, *, folded: bool = False,
              event_first: bool = False) -> tuple[str, ...] | None:
        """The directory and its resolved form (``folded``: case-folded); ``None`` if it cannot
        be known for this event. ``event_first``: the workspace is the event's cwd when it has one."""
        raw = workspace_of(env, event_first=event_first) if self.kind is Anchor.WORKSPACE else None
        return _dir_bases(self.kind, self.path, raw, home, folded)


def workspace_of(env: EvalEnv, *, event_first: bool) -> str | None:
    """The workspace directory for this event: the configured one, else the cwd (``event_first``:
    the cwd only, for rules a lower layer's setting must not govern; without one it is not known,
    since falling back to that setting would let a lower layer's ``workspace: /`` decide them)."""
    return env.cwd if event_first else (env.workspace or env.cwd)


@functools.lru_cache(maxsize=1024)
def _dir_bases(kind: Anchor, path: str, raw: str | None, home: str | None, folded: bool) -> tuple[str, ...] | None:
    """Cached: every rule with ``under``/``outside`` or a ``~``/workspace glob asks this per event,
    and the answer only depends on these strings (``real_dir`` is cached the same way)."""
    if kind is Anchor.WORKSPACE:
        if not raw:
            return None
        try:
            base = collapse(expand(raw, home))
        except UnknownPath:
            return None
        if not base.startswith("/"):
            return None
    elif kind is Anchor.HOME:
        if home is None:
            return None
        base = collapse(posixpath.join(home, path))
    else:
        base = path
    bases = (base, real_dir(base))
    return tuple(dict.fromkeys(fold_case(b) for b in bases) if folded else dict.fromkeys(bases))


_HOME = DirRef("~", Anchor.HOME, "")
_WORKSPACE = DirRef("workspace", Anchor.WORKSPACE, "")


@dataclass(frozen=True, slots=True)
class _Verdict:
    outcome: Outcome
    detail: str = ""


_NO = _Verdict(Outcome.NO)


@quick_init
@dataclass(frozen=True, slots=True)
class PathMatcher:
    """A compiled ``path`` condition. ``groups``: each a set of globs of which one must match;
    ``exclude``: the ``except`` globs (a path all of whose names match one is NO)."""

    groups: tuple[GlobGroup, ...]
    under: tuple[DirRef, ...] = ()
    outside: tuple[DirRef, ...] = ()
    case_insensitive: bool = False
    follow_symlinks: bool = True
    home: str | None = None
    exclude: GlobGroup | None = None
    workspace_from_event: bool = False  # see CompileContext.workspace_from_event

    def match(self, value: object, env: EvalEnv) -> MatchResult:
        """A string, or a list/tuple of strings (matches if any element does); anything else is NO."""
        home = env.home or self.home
        return self.match_resolved([resolve_path(p, env, home) for p in path_strings(value)], env)

    def match_path(self, path: str, env: EvalEnv, *, shell_glob: bool = False) -> MatchResult:
        """Decide one path. ``shell_glob=True`` (an unquoted shell word): a path with ``*?[``
        that does not match as written is decided on what the shell may expand it to
        (:func:`~hookgate.policy.match.path_shell.judge_glob_word`: NO only when provable)."""
        home = env.home or self.home
        result = self._match_one(resolve_path(path, env, home), env)
        if result.outcome is Outcome.NO and shell_glob and SHELL_WILDCARDS & set(path):
            return judge_glob_word(self, path, env, home)
        return result

    def match_below(self, directory: str, env: EvalEnv, *, follow_links: bool = False) -> MatchResult:
        """Decide *some path below* ``directory`` (``find DIR``'s results, an archive unpacked there):
        YES if every such path matches, NO if none can, else UNKNOWN (:mod:`.path_below`);
        ``follow_links`` (reads): the targets of links below it count as reached too."""
        resolved = resolve_path(directory, env, env.home or self.home)
        if resolved.error is not None:
            return MatchResult(Outcome.UNKNOWN, f"a path below `{directory}`: {resolved.error.detail}")
        return judge_below(self, resolved.names, env, follow_links=follow_links)

    def dir_bases(self, ref: DirRef, env: EvalEnv, home: str | None) -> tuple[str, ...] | None:
        """An ``under``/``outside`` directory for this event (and its resolved form); None if unknown."""
        return self._bases(ref, env, home)

    def judge_names(self, raw: str, names: tuple[str, ...], env: EvalEnv) -> MatchResult:
        """Decide a path already resolved to ``names`` (see :func:`resolve_candidates`); ``raw`` names it."""
        return self._match_one(ResolvedPath(raw, env.home or self.home, names), env)

    def view(self, names: Sequence[str]) -> tuple[str, ...]:
        """The names this condition compares: the first only without ``follow_symlinks``, case-folded if asked."""
        names = tuple(names) if self.follow_symlinks else tuple(names[:1])
        return tuple(dict.fromkeys(fold_case(n) for n in names)) if self.case_insensitive else names

    def glob_bases(self, env: EvalEnv) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
        """The home and workspace directories (and their resolved forms) ``~/`` and relative globs are
        matched below; ``None`` where the event does not say."""
        home = env.home or self.home
        return self._bases(_HOME, env, home), self._bases(_WORKSPACE, env, home)

    def containment(self, names: Sequence[str], env: EvalEnv, *, inside: bool) -> Outcome:
        """The ``under`` (``inside=True``) or ``outside`` key alone on already viewed ``names``."""
        return self._containment(names, env, env.home or self.home, inside=inside).outcome

    def match_resolved(self, paths: Sequence[ResolvedPath], env: EvalEnv) -> MatchResult:
        """Decide already-resolved paths: YES if any is YES, else UNKNOWN if any is UNKNOWN."""
        best = NO
        for resolved in paths:
            result = self._match_one(resolved, env)
            if result.outcome is Outcome.YES:
                return result
            best = result if best.outcome is Outcome.NO else best
        return best

    def _match_one(self, resolved: ResolvedPath, env: EvalEnv) -> MatchResult:
        home = env.home or self.home
        if resolved.home != home:  # resolved for another home (an index shared by policies)
            resolved = resolve_path(resolved.raw, env, home)
        if resolved.error is not None:
            return self._without_cwd(resolved.raw, resolved.error)
        try:
            verdict = self._judge(self.view(resolved.names), env, home)
            if verdict.outcome is not Outcome.NO and self._excused(resolved.names, env, home):
                return MatchResult(Outcome.NO, f"`{resolved.raw}` is excluded by `except`")
        except RegexError as err:  # a program that cannot be built or run never answers NO
            return MatchResult(Outcome.UNKNOWN, f"path `{resolved.raw}` could not be matched: {err}")
        return MatchResult(verdict.outcome, verdict.detail.replace("{path}", resolved.raw))

    def _excused(self, names: Sequence[str], env: EvalEnv, home: str | None) -> bool:
        """Every name (the link *and* its target, whatever ``follow_symlinks`` says) matches ``except``:
        a link ``.env.example -> .env`` is not a template. A glob that needs an unknown base never excuses."""
        if self.exclude is None:
            return False
        if self.case_insensitive:
            names = tuple(dict.fromkeys(fold_case(n) for n in names))
        homes = self._bases(_HOME, env, home) if self.exclude.home is not None else ()
        workspaces = self._bases(_WORKSPACE, env, home) if self.exclude.workspace is not None else ()
        return all(_hit(self.exclude, n, homes, workspaces) for n in names)

    def _without_cwd(self, path: str, err: UnknownPath) -> MatchResult:
        """No cwd: a relative path can still be proven to match ``**/...`` globs, never not to
        (nor, with ``except``, that its link target is not excused: then UNKNOWN)."""
        rel = err.relative
        if rel is not None and not (self.under or self.outside) and posixpath.basename(rel) not in ("", ".", ".."):
            rel = fold_case(rel) if self.case_insensitive else rel
            try:
                hits = [group.first(rel, (Anchor.ANYWHERE,)) for group in self.groups]
            except RegexError:
                hits = [None]
            if all(hits) and self.exclude is None:
                return MatchResult(Outcome.YES, f"`{path}` matches `{hits[0].source if hits[0] else ''}`")
        return MatchResult(Outcome.UNKNOWN, f"path `{path}`: {err.detail}")

    def _judge(self, names: Sequence[str], env: EvalEnv, home: str | None) -> _Verdict:
        need_home = any(g.home is not None for g in self.groups)
        homes = self._bases(_HOME, env, home) if need_home else ()
        workspaces = self._bases(_WORKSPACE, env, home) if any(g.workspace is not None for g in self.groups) else ()
        details: list[str] = []
        unknown = ""
        for group in self.groups:
            verdict = _group_verdict(group, names, homes, workspaces)
            if verdict.outcome is Outcome.NO:
                return _NO
            unknown = unknown or (verdict.detail if verdict.outcome is Outcome.UNKNOWN else "")
            details.append(verdict.detail)
        if not (self.under or self.outside):
            return (
                _Verdict(Outcome.UNKNOWN, unknown)
                if unknown
                else _Verdict(Outcome.YES, "; ".join(filter(None, details)))
            )
        for verdict in (
            self._containment(names, env, home, inside=True),
            self._containment(names, env, home, inside=False),
        ):
            if verdict.outcome is Outcome.NO:
                return _NO
            unknown = unknown or (verdict.detail if verdict.outcome is Outcome.UNKNOWN else "")
            details.append(verdict.detail)
        if unknown:
            return _Verdict(Outcome.UNKNOWN, unknown)
        return _Verdict(Outcome.YES, "; ".join(d for d in details if d))

    def _bases(self, ref: DirRef, env: EvalEnv, home: str | None) -> tuple[str, ...] | None:
        return ref.bases(env, home, folded=self.case_insensitive, event_first=self.workspace_from_event)

    def _containment(self, names: Sequence[str], env: EvalEnv, home: str | None, *, inside: bool) -> _Verdict:
        """``under``: every name is inside one of the directories; ``outside``: some name is
        outside all of them (exactly ``not under``). A directory this event cannot place makes
        the answer UNKNOWN only where it could change it."""
        refs = self.under if inside else self.outside
        if not refs:
            return _Verdict(Outcome.YES)
        known: list[str] = []
        unplaced: DirRef | None = None
        for ref in refs:
            bases = self._bases(ref, env, home)
            if bases is None:
                unplaced = unplaced or ref
            else:
                known += bases
        astray = [n for n in names if not any(relative_to(n, b) is not None for b in known)]
        if not astray:  # every name is inside a directory this event knows
            return _Verdict(Outcome.YES, _inside_detail(refs)) if inside else _NO
        if unplaced is not None:  # the names outside the known ones may be inside this one
            return _Verdict(Outcome.UNKNOWN, f"`{unplaced.source}` is not known for this event")
        if inside:
            return _NO
        return _Verdict(Outcome.YES, f"`{{path}}` is outside `{'`, `'.join(r.source for r in refs)}`")


def _inside_detail(refs: Sequence[DirRef]) -> str:
    if len(refs) == 1:
        return f"`{{path}}` is under `{refs[0].source}`"
    return f"`{{path}}` is under one of `{'`, `'.join(r.source for r in refs)}`"


def _hit(group: GlobGroup, name: str, homes: tuple[str, ...] | None, workspaces: tuple[str, ...] | None) -> Any:
    """The glob of ``group`` that matches ``name``; ``False`` if none; ``None`` if none
    matched but a glob needs a base directory this event does not have."""
    if group.whole is not None and group.whole.fullmatch(name):
        return group.first(name, (Anchor.ROOT, Anchor.ANYWHERE))
    missing = False
    for regex, bases, anchor in ((group.home, homes, Anchor.HOME), (group.workspace, workspaces, Anchor.WORKSPACE)):
        if regex is None:
            continue
        if bases is None:
            missing = True
            continue
        for rest in (relative_to(name, b) for b in bases):
            if rest is not None and regex.fullmatch(rest):
                return group.first(rest, (anchor,))
    return None if missing else False


def _group_verdict(
    group: GlobGroup, names: Sequence[str], homes: tuple[str, ...] | None, workspaces: tuple[str, ...] | None
) -> _Verdict:
    missing = False
    for name in names:
        glob = _hit(group, name, homes, workspaces)
        if glob:
            via = "" if name == names[0] else f" (resolved to `{name}`)"
            return _Verdict(Outcome.YES, f"`{{path}}` matches `{glob.source}`{via}")
        missing = missing or glob is None
    if missing:
        return _Verdict(Outcome.UNKNOWN, "a glob needs the home or workspace directory, which is not known")
    return _NO


def _dir_ref(raw: str, loc: tuple[str | int, ...]) -> DirRef:
    if raw == "workspace":
        return DirRef(raw, Anchor.WORKSPACE, "")
    for prefix in ("~", "$HOME", "${HOME}"):
        if raw == prefix or raw.startswith(prefix + "/"):
            return DirRef(raw, Anchor.HOME, raw[len(prefix) :].lstrip("/"))
    if not raw.startswith("/"):
        raise SpecError(f"`{raw}` is not a directory rule", loc, help="use an absolute path, `~/...` or `workspace`")
    return DirRef(raw, Anchor.ROOT, collapse(raw))


def _loc(key: str, i: int, items: Sequence[object]) -> tuple[str | int, ...]:
    return (key, i) if len(items) > 1 else (key,)


def _compile_group(patterns: Iterable[tuple[str, tuple[str | int, ...], str]], ci: bool) -> GlobGroup:
    globs: list[Glob] = []
    key: tuple[str | int, ...] = ()
    for pattern, loc, origin in patterns:
        key = key or loc[:1]
        try:
            compiled = compile_globs(_folder(pattern), case_insensitive=ci)
        except SpecError as err:
            raise SpecError(origin + err.message, loc, code=err.code, help=err.help) from None
        globs += compiled
        globs += _rebased(compiled, ci)
    try:
        return GlobGroup.of(tuple(globs))
    except RegexError as err:  # only a combination too large for RE2's memory limit
        raise SpecError(f"the globs together are too large to match: {err}", key, code="compile.bad_glob") from None


#: a home or root alone (``~/``, ``/``) is no folder glob: ``~/**`` would be every file below it
_BARE_ANCHORS = frozenset({"/", "~/", "$HOME/", "${HOME}/"})


def _folder(pattern: Any) -> Any:
    """``dir/`` names a folder: the folder and everything in it, as ``dir/**`` (which matches the
    folder itself too). Matched as written it held for the folder's own name only, so a deny on
    ``~/.aws/`` let ``~/.aws/credentials`` through."""
    if isinstance(pattern, str) and pattern.endswith("/") and pattern not in _BARE_ANCHORS:
        return pattern + "**"
    return pattern


def _rebased(globs: Iterable[Glob], ci: bool) -> list[Glob]:
    """For ``/etc/**`` where ``/etc`` is a symlink (macOS: ``/private/etc``), also the real spelling."""
    extra: list[Glob] = []
    for glob in globs:
        if glob.anchor is Anchor.ROOT and glob.prefix != "/" and glob.tail is not None:
            real = real_dir(glob.prefix)
            real = fold_case(real) if ci else real
            if real != glob.prefix:
                escaped = "".join("\\" + c if c in "*?[]{}\\" else c for c in real)
                extra += compile_globs(escaped + ("/" + glob.tail if glob.tail else ""), case_insensitive=ci)
    return extra


def compile_path(spec: PathSpec, ctx: CompileContext) -> PathMatcher:
    """Translate and check every glob now (an unknown list or bad glob is a :class:`SpecError` at
    its key); RE2 programs are built on first use and shared by identical globs."""
    ci = spec.case_insensitive
    groups: list[GlobGroup] = []
    if spec.glob:
        globs = spec.glob
        groups.append(_compile_group(((g, _loc("glob", i, globs), "") for i, g in enumerate(globs)), ci))
    if spec.in_:
        names = spec.in_
        items = [
            (g, _loc("in", i, names), f"in list `{name}`: ")
            for i, name in enumerate(names)
            for g in ctx.named_list(name, _loc("in", i, names))
        ]
        groups.append(_compile_group(items, ci))
    unders, outsides = spec.under or (), spec.outside or ()
    under = tuple(_dir_ref(d, _loc("under", i, unders)) for i, d in enumerate(unders))
    outside = tuple(_dir_ref(d, _loc("outside", i, outsides)) for i, d in enumerate(outsides))
    excepts = spec.except_ or ()
    items = [(g, _loc("except", i, excepts), "") for i, g in enumerate(excepts)]
    exclude = _compile_group(items, ci) if items else None
    home = ctx.home or _process_home()
    return PathMatcher(tuple(groups), under, outside, ci, spec.follow_symlinks, home, exclude, ctx.workspace_from_event)


def _process_home() -> str | None:
    """The fallback when neither the policy nor the event says where home is."""
    env_home = os.environ.get("HOME")
    if env_home is not None:  # what expanduser returns, without its per-call work (10,000 path rules)
        return _home_from(env_home)
    home = os.path.expanduser("~")  # no $HOME: the password database, asked every time
    return home if home.startswith("/") else None


@functools.lru_cache(maxsize=16)
def _home_from(env_home: str) -> str | None:
    """``expanduser("~")`` while ``$HOME`` is ``env_home`` (it depends on nothing else then)."""
    home = os.path.expanduser("~")
    return home if home.startswith("/") else None
