"""What a parsed shell command exposes to matchers.

Both types are frozen: a :class:`ParsedCommand` is cached and shared
between every rule that looks at the same command string.
"""

from __future__ import annotations

import shlex
from typing import NamedTuple

__all__ = ["Maybe", "ParsedCommand", "SimpleCommand", "new_record"]

#: ``new_record(SimpleCommand, (field, ...))``: a NamedTuple built from its fields without its
#: Python-level ``__new__`` (the parser makes many per line; every field must be given, in order)
new_record = tuple.__new__


class Maybe(NamedTuple):
    """A word that may name a file the command reads (and, with ``writes``, writes), though no table
    says it does: an operand of a program hookgate does not know, an argument of a script, a path
    in inline code (see :mod:`~hookgate.policy.match.shell.operands`), a value the line gives a
    variable (:mod:`~hookgate.policy.match.shell.variables`). ``reads``/``writes`` rules
    that it matches answer UNKNOWN, never YES. ``path`` is what is judged (``DIR/{}``: some path
    below DIR), ``word`` the word as written (``env``: the variable's name); ``how`` is one of the
    ``operands`` roles."""

    path: str
    word: str
    program: str
    how: str
    writes: bool


class SimpleCommand(NamedTuple):
    """One program invocation that would run.

    ``argv`` holds the unquoted words with ``argv[0]`` reduced to its
    basename (``/bin/rm`` -> ``rm``); ``program`` is that basename casefolded
    (macOS file systems run ``RM`` as ``rm``). ``inexact`` lists the words
    whose runtime value is not exactly ``argv[i]`` - a ``$X`` expansion or an
    unexpanded glob - as ``(index, static prefix)``; index ``len(argv)``
    means more words arrive at run time (``xargs``); ``globbed`` says which of
    them are only unexpanded wildcards (``*.pyc``), whose expansions start with
    the prefix and never contain ``$X``-style surprises. ``via`` says where the
    command was found (``("bash -c",)``), ``wrappers`` what launched it.
    ``maybe`` lists the words that may name files it reads or writes (:class:`Maybe`).
    """

    argv: tuple[str, ...]
    argv0_original: str
    program: str
    env: tuple[tuple[str, str], ...] = ()
    wrappers: tuple[str, ...] = ()
    via: tuple[str, ...] = ()
    inexact: tuple[tuple[int, str], ...] = ()
    writes: tuple[str, ...] = ()
    reads: tuple[str, ...] = ()
    stdin: str | None = None
    inline_code: str | None = None
    text: str = ""
    globbed: tuple[int, ...] = ()
    maybe: tuple[Maybe, ...] = ()

    @property
    def dynamic(self) -> bool:
        """Some word is not statically known."""
        return bool(self.inexact)

    @property
    def pipe_from(self) -> str | None:
        """Where this command's stdin comes from, if not the terminal."""
        return self.stdin

    def describe(self) -> str:
        """``rm -rf /`` in `bash -c` body (via sudo) - for decision details."""
        text = f"`{shlex.join(self.argv)}`"
        if self.via:
            text += " in " + " in ".join(f"`{v}`" for v in reversed(self.via))
        if self.wrappers:
            text += " (via " + ", ".join(self.wrappers) + ")"
        return text


class ParsedCommand(NamedTuple):
    """Every simple command a shell string would run, and what was not understood.

    ``unknowns`` are parts that could hide *any* command (a parse error, a
    dynamic program name, ``eval "$x"``, a decoded script piped into a
    shell); a matcher answers UNKNOWN for them rather than NO. ``writes`` and
    ``reads`` are statically known file targets; ``unknown_writes`` /
    ``unknown_reads`` are targets built at run time (as written).
    ``pipe_to_shell`` describes downloads that end up executed; ``maybe`` the words
    of every command that may name files read or written (:class:`Maybe`).
    """

    text: str
    commands: tuple[SimpleCommand, ...] = ()
    unknowns: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()
    reads: tuple[str, ...] = ()
    unknown_writes: tuple[str, ...] = ()
    unknown_reads: tuple[str, ...] = ()
    pipe_to_shell: tuple[str, ...] = ()
    maybe: tuple[Maybe, ...] = ()

    @property
    def understood(self) -> bool:
        return not self.unknowns

    @property
    def programs(self) -> frozenset[str]:
        return frozenset(c.program for c in self.commands)
