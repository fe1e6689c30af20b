"""The ``command`` operator: rules on what a shell command line would run.

The line is parsed with a bash grammar (:mod:`hookgate.policy.match.shell`)
into every simple command it runs - through ``;``/``&&``/pipes, subshells,
``$( )``, ``bash -c`` bodies, eval, heredocs to shells and wrappers such as
sudo/env/timeout/xargs/``find -exec`` - so ``ls; rm -rf /``, ``sudo \\rm -fr /``
and ``bash -c 'rm -r -f /'`` all meet a ``{program: rm, flags: [recursive,
force]}`` rule. Keys (all given keys must hold; ``program``, ``prefix``,
``flags``, ``args`` and - next to one of them - ``writes``/``reads`` must hold
on one and the same simple command)::

    command: "git push"                           # shorthand for prefix
    command: {program: rm}                        # basename, any directory, any case; a list is "any of"
    command: {program: "python*"}                 # a glob on the basename
    command: {prefix: [git, push]}                # argv prefix; options and their values may sit between
                                                  # the words: `git -C x push`, `git -c k=v push` match
    command: {prefix: "rm -rf"}                   # a string is split like a shell; `-` words become flags
    command: {program: rm, flags: [recursive, force]}   # canonical names, any spelling: -rf -fr -r -f -R
                                                  # --recursive --force --rec, before or after operands
    command: {prefix: [git, push], flags: [force]}      # -f --force --force-with-lease --mirror +refspec
    command: {program: tar, flags: [-x]}          # a literal spelling (clusters split: -xzf has -x)
    command: {program: rm, args: "/etc/**"}       # some operand matches: glob | {glob, regex, in}
    command: {pipe_to_shell: true}                # a download executed: curl | sh, bash <(curl ..),
                                                  # sh -c "$(curl ..)", curl -o x.sh && sh x.sh
    command: {writes: "/etc/**"}                  # a file written: > >> tee dd-of= cp/mv dest curl -o rm ...
    command: {reads: {in: secret_files}}          # a file read: < cat/head/grep.. cp source, curl -T/-d @f
    command: {program: rm, interpreters: true}    # also UNKNOWN for any python -c / perl -e / node -e ...

* ``flags`` names come from per-program tables (rm, cp, mv, chmod, chown,
  chgrp, rsync, find, dd, curl, wget, git and its subcommands, kubectl,
  terraform, npm, docker; see :mod:`~hookgate.policy.match.command_flags_data`);
  an unknown name is a compile error with a suggestion. git push ``force``
  includes ``--force-with-lease`` (it still rewrites published history);
  write ``force-without-lease`` to allow the lease forms. For programs without
  a table write the flag as spelt (``-x``, ``--long``).
* ``args`` looks at operands, not options or their values (``curl -o out
  URL``: the operand is URL). ``glob`` uses the project glob syntax (``*``
  without ``/``, ``**`` anything), ``regex`` is RE2 (searched), ``in`` lists
  exact values or names of policy lists.
* ``writes``/``reads`` take a ``path`` condition
  (:class:`~hookgate.policy.match.path.PathSpec`); ``/dev/null`` and fd
  duplications are not writes.

Answers: YES, naming the simple command that matched (```rm -fr /` in `sudo
bash -c```). UNKNOWN when the line holds something that could hide a match -
for every rule: a parse error, a dynamic program name (``$X -rf /``), eval or
``bash -c`` of a string built at run time, a decoded, downloaded or generated
script fed to a shell; for rules that look there: a run-time word where the
rule needs a flag, operand or prefix word (``rm $FLAGS /``, ``git push origin
"$B"`` - ``$B`` may be ``+main``), a run-time write target for ``writes``, a
word that may name a file read or written and matches the rule's path - an
operand or option value of a program with no file table (``mytool
~/.ssh/id_rsa``), an argument of a script (``python3 s.py ~/.ssh/id_rsa``), a
path or literal in inline code (``python3 -c 'open("/etc/x")'``), see
:mod:`~hookgate.policy.match.shell.operands`; an
interpreter one-liner for rules with ``interpreters: true`` or whose program
name appears in the inline code (``python -c "os.system('rm -rf /')"`` for
``program: rm``). The engine treats UNKNOWN as a match for deny/ask rules.
"""

from __future__ import annotations

import dataclasses
import functools
import posixpath
from typing import Any, TypeVar

from hookgate.diagnostics import did_you_mean
from hookgate.policy.match.base import NO, CompileContext, EvalEnv, MatchResult, SpecError
from hookgate.policy.match.command_flags import Requirement, known_names, split_literal
from hookgate.policy.match.command_flags_data import PROGRAMS
from hookgate.policy.match.command_index import CommandIndex
from hookgate.policy.match.command_match import ArgMatcher, CommandMatcher, PathCheck
from hookgate.policy.match.command_spec import ArgSpec, CommandSpec
from hookgate.policy.match.path import PathSpec, compile_path
from hookgate.policy.match.shell import parse_command_uncached
from hookgate.policy.match.text import compile_re2, glob_to_regex

__all__ = [
    "ArgSpec",
    "CommandIndex",
    "CommandMatcher",
    "CommandSpec",
    "compile_command",
    "match_command",
    "warm_up",
]

_WILDCARDS = frozenset("*?[")


def compile_command(spec: CommandSpec, ctx: CompileContext) -> CommandMatcher:
    """Compile a ``command`` condition; bad names, globs and regexes raise :class:`SpecError`."""
    programs, globs = _programs(spec) if spec.program else ([], [])
    prefix = _prefix(spec) if spec.prefix else ()
    head = prefix[:1]
    flags: list[Requirement] = []
    if spec.flags or (spec.prefix and len(spec.prefix) > 1):
        named = sorted({*programs, *head})
        flags = [r for i, text in enumerate(spec.flags or ()) for r in _requirement(text, named, ("flags", i))]
        flags += [r for i, text in enumerate(spec.prefix or ()) if i and text.startswith("-")
                  for r in _requirement(text, named, ("prefix", i))]
    names = _shared(frozenset(programs))
    return CommandMatcher(  # positional: keyword calls cost measurably at 10,000 rules
        names,
        tuple(globs),
        _shared(prefix),
        tuple(flags),
        _args(spec.args, ctx) if spec.args is not None else None,
        _paths(spec.writes, ctx, "writes"),
        _paths(spec.reads, ctx, "reads"),
        spec.pipe_to_shell,
        spec.interpreters,
        spec.per_command,
        _shared(names | frozenset(head)) if head else names,  # mentions
    )


#: one copy of each program name, program-name set and prefix (immutable): 10,000 rules name a few dozen
#: programs, and an empty or one-name frozenset costs 216 bytes
_SHARED: dict[Any, Any] = {}
_S = TypeVar("_S", str, frozenset[str], tuple[str, ...])


def _shared(value: _S) -> _S:
    found: _S | None = _SHARED.get(value)
    if found is None:
        found = value
        if len(_SHARED) < 4096:
            _SHARED[value] = value
    return found


def _programs(spec: CommandSpec) -> tuple[list[str], list[Any]]:
    names: list[str] = []
    globs: list[Any] = []
    for i, raw in enumerate(spec.program or ()):
        name = (posixpath.basename(raw) or raw).casefold()
        if not name:
            raise SpecError("empty program name", ("program", i))
        if _WILDCARDS & set(name):
            globs.append(compile_re2(glob_to_regex(name), loc=("program", i)))
        else:
            names.append(name)
    return names, globs


def _prefix(spec: CommandSpec) -> tuple[str, ...]:
    if not spec.prefix:
        return ()
    first = spec.prefix[0]
    head = _shared(first[first.rfind("/") + 1:].casefold())  # posixpath.basename, inline
    table = PROGRAMS.get(head)
    rest = [w for w in spec.prefix[1:] if not w.startswith("-")]
    if table is not None and table.aliases:
        rest = [table.aliases.get(w, w) for w in rest]
    return (head, *rest)


#: one Requirement per distinct text (immutable; flag spellings repeat across rules)
_REQUIREMENTS: dict[str, Requirement] = {}


def _requirement(text: str, programs: list[str], loc: tuple[str | int, ...]) -> list[Requirement]:
    """One ``flags`` entry: a literal spelling (clusters split) or a checked canonical name."""
    if text.startswith("-"):
        single = programs[0] if len(programs) == 1 else None
        return [_required(part) for part in split_literal(single, text)]
    _check_name(text, programs, loc)
    return [_required(text)]


def _required(text: str) -> Requirement:
    found = _REQUIREMENTS.get(text)
    if found is None:
        found = Requirement(text)
        if len(_REQUIREMENTS) < 4096:
            _REQUIREMENTS[text] = found
    return found


def _check_name(name: str, programs: list[str], loc: tuple[str | int, ...]) -> None:
    """A canonical flag name must exist for one of the rule's programs (or any, without one)."""
    known = [p for p in programs if p in PROGRAMS]
    if programs and not known:
        raise SpecError(f"no flag table for `{'`, `'.join(programs)}`; write the flag as it is spelt (`-x`, "
                        f"`--name`)", loc, code="compile.unknown_flag")
    pool = _name_pool(tuple(known))
    if name in pool:
        return
    hint = did_you_mean(name, pool)
    where = f" of `{'`, `'.join(known)}`" if known else ""
    raise SpecError(f"unknown flag name `{name}`{where}" + (f"; did you mean `{hint}`?" if hint else ""), loc,
                    code="compile.unknown_flag", help="known names: " + ", ".join(sorted(pool)[:30]))


@functools.lru_cache(maxsize=256)
def _name_pool(known: tuple[str, ...]) -> frozenset[str]:
    """Every canonical flag name of these programs (of every program when none): the tables are static."""
    return frozenset().union(*(known_names(p) for p in (known or PROGRAMS)))


def _args(spec: ArgSpec, ctx: CompileContext) -> ArgMatcher:
    patterns = [(glob_to_regex(g), ("args", "glob", i)) for i, g in enumerate(spec.glob or ())]
    patterns += [(r, ("args", "regex", i)) for i, r in enumerate(spec.regex or ())]
    compiled = tuple(compile_re2(p, loc=loc) for p, loc in patterns)
    heads = tuple(_literal_head(g) for g in spec.glob or ()) + (("",) if spec.regex else ())
    values: set[str] = set()
    for i, item in enumerate(spec.in_ or ()):
        values.update(ctx.named_list(item, ("args", "in", i)) if item in ctx.lists else (item,))
    return ArgMatcher(compiled, heads, frozenset(values))


def _literal_head(glob: str) -> str:
    cut = min((i for i in (glob.find(c) for c in "*?[{") if i >= 0), default=len(glob))
    return glob[:cut]


def _paths(spec: PathSpec | None, ctx: CompileContext, key: str) -> PathCheck | None:
    if spec is None:
        return None
    try:
        matcher = compile_path(spec, ctx)
    except SpecError as err:
        raise SpecError(err.message, (key, *err.loc), code=err.code, help=err.help) from None
    names = matcher if not (matcher.under or matcher.outside) else (
        dataclasses.replace(matcher, under=(), outside=()) if matcher.groups else None)
    return PathCheck(matcher, names)


_WARM_LINE = "sudo env A=1 bash -c 'ls -la \"$(cat x)\" | grep -v y > /tmp/o' && curl -s u | sh"


def warm_up() -> None:
    """Parse one line touching every part of the parser, so the first real decision does not pay for
    tree-sitter's start-up (tens of ms) and lazy imports. Called when a plan has command rules; once."""
    global _warmed
    if not _warmed:
        _warmed = True
        parse_command_uncached(_WARM_LINE)


_warmed = False


def match_command(spec: CommandSpec, value: object, env: EvalEnv | None = None) -> MatchResult:
    """One-off convenience (tests, REPL): compile ``spec`` and match ``value``."""
    if not isinstance(value, str):
        return NO
    return compile_command(spec, CompileContext()).match(value, env or EvalEnv())

