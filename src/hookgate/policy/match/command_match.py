"""The compiled ``command`` condition and how it judges a parsed command line."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from hookgate._frozen import quick_init
from hookgate.policy.match.base import NO, EvalEnv, MatchResult, Outcome
from hookgate.policy.match.command_flags import Requirement, flags_of, program_flags
from hookgate.policy.match.command_flags_data import ProgramFlags
from hookgate.policy.match.path_below import below_dir, follows_links
from hookgate.policy.match.path_norm import resolve_path
from hookgate.policy.match.shell import Maybe, ParsedCommand, SimpleCommand, parse_command

__all__ = ["ArgMatcher", "CommandMatcher", "PathCheck", "command_line", "runs_nothing"]

_TOKEN = re.compile(r"[a-z0-9_.+-]+")


_YES = Outcome.YES
_UNKNOWN = Outcome.UNKNOWN
_NO = Outcome.NO
_HOLDS = MatchResult(_YES, "")  # a part that holds and has nothing to add to the detail


def command_line(value: object) -> str | None:
    """The shell line a command value stands for: a string as it is; an argv list (``["bash", "-lc",
    "…"]``, as exec-style tools take) joined so that a shell runs exactly that argv; else None."""
    if type(value) is str:
        return value
    if isinstance(value, list | tuple) and value and all(type(w) is str for w in value):
        return shlex.join(value)
    return None


def runs_nothing(value: object) -> bool:
    """A command field that names nothing to run (null, or an empty argv): every command rule is NO.
    Any other value :func:`command_line` cannot read is UNKNOWN. The matcher and both indexes ask this."""
    return value is None or value == []


#: a command field holding neither a line nor an argv: it cannot be read, so it is not a NO
_NOT_A_COMMAND = MatchResult(Outcome.UNKNOWN, "neither a command line nor an argv list")


@lru_cache(maxsize=4096)
def _describe(cmd: SimpleCommand) -> str:
    """``cmd.describe()``, once per simple command (parsed lines are cached and shared, and every
    rule that matches one quotes it)."""
    return cmd.describe()


def _yes(detail: str) -> MatchResult:
    return MatchResult(_YES, detail) if detail else _HOLDS


def _unknown(detail: str) -> MatchResult:
    return MatchResult(Outcome.UNKNOWN, detail)


@dataclass(frozen=True, slots=True)
class ArgMatcher:
    """Operand patterns; ``heads`` are the glob literal prefixes (``""`` for a regex)."""

    regexes: tuple[Any, ...]
    heads: tuple[str, ...]
    values: frozenset[str]

    def hit(self, text: str) -> bool:
        return text in self.values or any(r.search(text) is not None for r in self.regexes)

    def could_start(self, prefix: str, glob: bool) -> bool:
        """Could a word known only to start with ``prefix`` match? (``$X``, ``/et*``;
        a relative wildcard like ``*.pyc`` never expands to an absolute path)."""
        if any(v.startswith(prefix) for v in self.values):
            return True
        for head in self.heads:
            if (head.startswith(prefix) or prefix.startswith(head)) and (prefix or not glob or head[:1] != "/"):
                return True
        return False


@dataclass(frozen=True, slots=True)
class PathCheck:
    """A ``writes``/``reads`` path condition applied to command targets. ``names``: the same condition
    without ``under``/``outside`` (None when it has no globs), which judges the words that may name
    files (:meth:`_maybe`)."""

    matcher: Any  # hookgate.policy.match.path.PathMatcher
    names: Any = None

    def judge(self, known: Iterable[str], unknown: Iterable[str], env: EvalEnv, what: str,
              maybe: Iterable[Maybe] = ()) -> MatchResult:
        """YES for a target that matches; else UNKNOWN for one that may, for a word that may name a
        file and matches or may (``maybe``: never a YES, since nothing proves the file is touched),
        or for a target built at run time; else NO."""
        best = NO
        for path in known:
            result = self._one(path, env, what)
            if result.outcome is Outcome.YES:
                return _yes(f"{what} `{path}`")
            if result.outcome is Outcome.UNKNOWN and best is NO:
                best = _unknown(result.detail or f"{what} `{path}` may match")
        if best is NO and maybe:
            best = self._maybe(maybe, env, what)
        for path in unknown:
            if best is NO:
                best = _unknown(f"{what} `{path}`, a path built at run time")
        return best

    def _one(self, path: str, env: EvalEnv, what: str, matcher: Any = None) -> MatchResult:
        matcher = matcher or self.matcher
        below = below_dir(path)  # `find DIR` results, an archive unpacked in DIR: some path below it
        result: MatchResult = (matcher.match_path(path, env, shell_glob=True) if below is None
                               else matcher.match_below(below, env, follow_links=follows_links(path,
                                                                                               reads=what == "reads")))
        return result

    def _maybe(self, maybe: Iterable[Maybe], env: EvalEnv, what: str) -> MatchResult:
        """UNKNOWN for the first word that may name a file this condition covers. A word that cannot be
        resolved (``$X`` in a literal, ``~1``, a relative name without a working directory) is
        passed over: it is only possibly a file, and judging it UNKNOWN would hold for every rule.
        Such words are judged by the condition's globs alone (``glob``/``in``, with ``except``), never by
        ``under``/``outside``: ``outside: workspace`` would hold for every include path a compiler is
        given (``gcc -I/usr/include``), every log a script reads, every word of a plain name (``status``
        in ``git status``) in a working directory outside the workspace. A condition of only
        ``under``/``outside`` does not look at them."""
        writes = what == "writes"
        matcher = self.names
        judged: set[str] = set()  # a value several commands may be given (shell/variables.py) is judged once
        for m in maybe:
            if writes and not m.writes:
                continue
            if m.how == "many":
                return _unknown(f"`{m.program}` inline code names more words that may be files than are judged")
            if m.how == "many-values":
                return _unknown(f"the line gives its variables more values than are judged, which `{m.program}` "
                                "may be given")
            if matcher is None:  # (a flood above still counts, wherever it stands among the words)
                continue
            path = m.path
            if path in judged:
                continue
            judged.add(path)
            result = self._one(path, env, what, matcher)
            if result.outcome is Outcome.NO or (result.outcome is Outcome.UNKNOWN and self._unresolved(m.path, env)):
                continue
            return _unknown(_maybe_detail(m, what))
        return NO

    def _unresolved(self, path: str, env: EvalEnv) -> bool:
        below = below_dir(path)
        resolved = resolve_path(below if below is not None else path, env, env.home or self.matcher.home)
        return resolved.error is not None


def _maybe_detail(m: Maybe, what: str) -> str:
    """Why a word that may name a file counts: ``hookgate does not know the files `mytool` reads; its
    word `~/.ssh/id_rsa` may name one``."""
    below = below_dir(m.path)
    if m.word == m.path:
        named = f"`{m.word}`"
    else:
        named = f"`{m.word}` ({'some path below ' if below is not None else ''}`{below or m.path}`)"
    if m.how == "env":  # a variable's value, in its environment (shell/variables.py)
        value = f"{'some path below ' if below is not None else ''}`{below or m.path}`"
        return f"`{m.program}` may be given the variable `{m.word}` ({value}), which may name a file it {what}"
    if m.how == "reader":
        return f"`{m.program}` reads files its words name; its word {named} may name one"
    if m.how == "code":
        return f"`{m.program}` inline code names {named}, which may be a file it {what}"
    if m.how == "script":
        return f"`{m.program}` runs code hookgate cannot see into; its word {named} may name a file that code {what}"
    return f"hookgate does not know the files `{m.program}` {what}; its word {named} may name one"


@quick_init
@dataclass(frozen=True, slots=True)
class CommandMatcher:
    programs: frozenset[str]
    program_globs: tuple[Any, ...]
    prefix: tuple[str, ...]
    flags: tuple[Requirement, ...]
    args: ArgMatcher | None
    writes: PathCheck | None
    reads: PathCheck | None
    pipe_to_shell: bool
    interpreters: bool
    per_command: bool
    mentions: frozenset[str] = frozenset()  # program names that make inline interpreter code UNKNOWN

    def match(self, value: object, env: EvalEnv) -> MatchResult:
        line = command_line(value)
        if line is None:
            return NO if runs_nothing(value) else _NOT_A_COMMAND
        return self.match_parsed(parse_command(line), env)

    def match_parsed(self, parsed: ParsedCommand, env: EvalEnv) -> MatchResult:
        """Judge an already parsed line (an index parses each line once for all its rules)."""
        result = self._commands(parsed, env) if self.per_command else _HOLDS
        if result.outcome is not _NO and self.pipe_to_shell:
            result = _and(result, self._pipe(parsed, env))
        if result.outcome is not _NO and not self.per_command and (self.writes or self.reads):
            result = _and(result, self._whole_writes(parsed, env))
            if result.outcome is not _NO:
                result = _and(result, self._whole_reads(parsed, env))
        if result.outcome is not _NO:
            return result
        if parsed.unknowns:
            return _unknown("not understood: " + parsed.unknowns[0])
        return self._interpreter(parsed) if self.interpreters or self.mentions else NO

    # -- whole-line conditions
    def _pipe(self, parsed: ParsedCommand, env: EvalEnv) -> MatchResult:
        if not self.pipe_to_shell:
            return _yes("")
        return _yes(parsed.pipe_to_shell[0]) if parsed.pipe_to_shell else NO

    def _whole_writes(self, parsed: ParsedCommand, env: EvalEnv) -> MatchResult:
        if self.writes is None or self.per_command:
            return _yes("")
        return self.writes.judge(parsed.writes, parsed.unknown_writes, env, "writes", parsed.maybe)

    def _whole_reads(self, parsed: ParsedCommand, env: EvalEnv) -> MatchResult:
        if self.reads is None or self.per_command:
            return _yes("")
        return self.reads.judge(parsed.reads, parsed.unknown_reads, env, "reads", parsed.maybe)

    def _interpreter(self, parsed: ParsedCommand) -> MatchResult:
        if not (self.interpreters or self.mentions):
            return NO
        for cmd in parsed.commands:
            code = cmd.inline_code
            if code is None:
                continue
            if self.interpreters:
                return _unknown(f"`{cmd.program}` runs inline code this rule cannot see into")
            hit = self.mentions.intersection(_TOKEN.findall(code.casefold()))
            if hit:
                return _unknown(f"`{cmd.program}` inline code mentions `{min(hit)}`")
        return NO

    # -- per simple command
    def _commands(self, parsed: ParsedCommand, env: EvalEnv) -> MatchResult:
        best = NO
        for cmd in parsed.commands:
            result = self._command(cmd, parsed, env)
            if result.outcome is Outcome.YES:
                return result
            if result.outcome is Outcome.UNKNOWN and best is NO:
                best = result
        return best

    def _command(self, cmd: SimpleCommand, parsed: ParsedCommand, env: EvalEnv) -> MatchResult:
        program = cmd.program
        if not program:
            return NO  # a dynamic program name is reported through parsed.unknowns
        if self.programs and program not in self.programs and not any(g.search(program) for g in self.program_globs):
            return NO
        if self.program_globs and not self.programs and not any(g.search(program) for g in self.program_globs):
            return NO
        result = _HOLDS
        consumed: tuple[int, ...] = ()
        if self.prefix:
            outcome, consumed = _prefix(cmd, self.prefix)
            if outcome is _NO:
                return NO
            if outcome is _UNKNOWN:
                result = _unknown(f"{_describe(cmd)} has a run-time word where `{' '.join(self.prefix)}` "
                                  "expects a word")
        if self.flags:
            result = _and(result, self._flags(cmd))
        if self.args is not None and result.outcome is not _NO:
            result = _and(result, self._args(cmd, consumed))
        if (self.writes is not None or self.reads is not None) and result.outcome is not _NO:
            result = _and(result, self._targets(cmd, parsed, env))
        if result.outcome is not _YES:
            return result
        return _yes(f"{_describe(cmd)} {result.detail}" if result.detail else _describe(cmd))

    def _flags(self, cmd: SimpleCommand) -> MatchResult:
        if not self.flags:
            return _yes("")
        present = flags_of(cmd.argv)
        missing = [r.text for r in self.flags if not r.met(cmd.program, present)]
        if not missing:
            return _yes("")
        if any(_may_be_flag(cmd, i, prefix) for i, prefix in cmd.inexact):
            return _unknown(f"{_describe(cmd)} has run-time words that may supply `{missing[0]}`")
        return NO

    def _args(self, cmd: SimpleCommand, consumed: tuple[int, ...]) -> MatchResult:
        if self.args is None:
            return _yes("")
        inexact = dict(cmd.inexact)
        operands = [i for i in flags_of(cmd.argv).operands if i not in consumed]
        for i in operands:
            if i not in inexact and self.args.hit(cmd.argv[i]):
                return _yes("")
        for i, prefix in cmd.inexact:
            if i > 0 and (i in operands or i >= len(cmd.argv)) and self.args.could_start(prefix, i in cmd.globbed):
                return _unknown(f"{_describe(cmd)} has an operand built at run time")
        return NO

    def _targets(self, cmd: SimpleCommand, parsed: ParsedCommand, env: EvalEnv) -> MatchResult:
        result = _yes("")
        if self.writes is not None:
            result = _and(result, self.writes.judge(cmd.writes, parsed.unknown_writes, env, "writes", cmd.maybe))
        if self.reads is not None and result.outcome is not Outcome.NO:
            result = _and(result, self.reads.judge(cmd.reads, parsed.unknown_reads, env, "reads", cmd.maybe))
        return result


_FLAGGY_GLOB = re.compile(r"[-A-Za-z*?\[\]!^]*")


def _may_be_flag(cmd: SimpleCommand, index: int, prefix: str) -> bool:
    """Could this run-time word supply an option? ``$X`` and ``-*`` can; ``/tmp/$X`` and
    ``*.pyc`` cannot (``*.pyc`` only matches names that are not valid flag clusters)."""
    if prefix and not prefix.startswith("-"):
        return False
    if index in cmd.globbed:
        return _FLAGGY_GLOB.fullmatch(cmd.argv[index]) is not None
    return True


def _and(a: MatchResult, b: MatchResult) -> MatchResult:
    if a.outcome is _NO or b.outcome is _NO:
        return NO
    if b.outcome is _UNKNOWN and a.outcome is not _UNKNOWN:
        return b
    if a.outcome is _UNKNOWN or not b.detail:
        return a
    return MatchResult(_YES, f"{a.detail} {b.detail}") if a.detail else b


def _prefix(cmd: SimpleCommand, prefix: tuple[str, ...]) -> tuple[Outcome, tuple[int, ...]]:
    """Match argv words in order; options (and their values) may sit between them."""
    argv = cmd.argv
    if cmd.program != prefix[0]:
        return Outcome.NO, ()
    pf = program_flags(cmd.program)
    inexact = {i for i, _ in cmd.inexact}
    consumed = [0]
    j, value = 1, "no"
    for want in prefix[1:]:
        while True:
            if j >= len(argv):
                return (Outcome.UNKNOWN if j in inexact else Outcome.NO), ()
            word = argv[j]
            j += 1
            if value == "yes":  # `kubectl -n delete get`: `delete` is the namespace
                value = "no"
                continue
            if pf.aliases.get(word, word) == want and j - 1 not in inexact:
                consumed.append(j - 1)
                value = "no"
                break
            if word.startswith("-") and len(word) > 1 and word != "--":
                value = _takes_value(word, pf)
            elif value == "maybe" or word in pf.skip_words:
                value = "no"
            elif j - 1 in inexact:
                return Outcome.UNKNOWN, ()
            else:
                return Outcome.NO, ()
    return Outcome.YES, tuple(consumed)


def _takes_value(word: str, pf: ProgramFlags) -> str:
    """Is the next word this option's value: "yes", "no", or "maybe" (no table for the program)."""
    if "=" in word:
        return "no"
    values = _all_values(pf)
    if not values and not pf.common.names:
        return "maybe"
    if word.startswith("--") or pf.style != "gnu":
        return "yes" if word in values else "no"
    return "yes" if f"-{word[-1]}" in values else "no"


_VALUES: dict[int, frozenset[str]] = {}


def _all_values(pf: ProgramFlags) -> frozenset[str]:
    found = _VALUES.get(id(pf))
    if found is None:  # tables are module constants: id() is stable
        found = _VALUES[id(pf)] = pf.common.values.union(*(t.values for t in pf.subcommands.values()))
    return found
