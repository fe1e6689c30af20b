"""Which flags a command line carries, in any spelling.

:func:`flags_of` reads an argv with the program's table from
:mod:`hookgate.policy.match.command_flags_data`: it finds the subcommand
(``git -C x push`` -> ``push``), splits clusters (``-rf``), separates option
values from operands, and maps every spelling to its canonical names
(``-R`` -> ``recursive``). A :class:`Requirement` is one entry of a rule's
``flags:`` list, resolved against that reading.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from hookgate.policy.match.command_flags_data import PROGRAMS, FlagTable, ProgramFlags
from hookgate.policy.match.shell.argv import Option, split_argv

__all__ = ["CommandFlags", "Requirement", "flags_of", "known_names", "program_flags", "split_literal"]

_DEFAULT = ProgramFlags(FlagTable())


@dataclass(frozen=True, slots=True)
class CommandFlags:
    """The flags of one argv: canonical ``names``, literal ``spellings``, operand indices."""

    names: frozenset[str]
    spellings: frozenset[str]
    operands: tuple[int, ...]
    subcommand: int  # argv index of the subcommand word, or -1


@dataclass(frozen=True, slots=True)
class Requirement:
    """One required flag: a canonical ``name`` or a ``literal`` spelling (``-x``)."""

    text: str

    @property
    def literal(self) -> bool:
        return self.text.startswith("-")

    def met(self, program: str, flags: CommandFlags) -> bool:
        if not self.literal:
            return self.text in flags.names
        names = _spelling_index(program).get(self.text)
        if names and names & flags.names:
            return True
        return self.text in flags.spellings


def program_flags(program: str) -> ProgramFlags:
    return PROGRAMS.get(program, _DEFAULT)


def known_names(program: str) -> frozenset[str]:
    """Every canonical flag name of ``program`` (all subcommands)."""
    pf = PROGRAMS.get(program)
    if pf is None:
        return frozenset()
    return frozenset(name for table in _tables(pf) for name in table.names)


def split_literal(program: str | None, text: str) -> list[str]:
    """``-rf`` -> ``[-r, -f]`` for cluster-style programs; long and go-style flags stay whole."""
    style = program_flags(program).style if program else "gnu"
    if style == "gnu" and not text.startswith("--") and len(text) > 2 and text[1:].isalnum():
        return ["-" + ch for ch in text[1:]]
    return [text]


def _tables(pf: ProgramFlags) -> Iterable[FlagTable]:
    yield pf.common
    yield from pf.subcommands.values()


@lru_cache(maxsize=64)
def _spelling_index(program: str) -> Mapping[str, frozenset[str]]:
    """Spelling -> canonical names, over every table of ``program``."""
    pf = PROGRAMS.get(program)
    index: dict[str, set[str]] = {}
    for table in _tables(pf) if pf else ():
        for name, spellings in table.names.items():
            for spelling in spellings:
                index.setdefault(spelling, set()).add(name)
    return {k: frozenset(v) for k, v in index.items()}


@lru_cache(maxsize=8192)
def flags_of(argv: tuple[str, ...]) -> CommandFlags:
    """Read ``argv`` with its program's flag table (cached: many rules ask)."""
    program = argv[0].casefold()
    pf = program_flags(program)
    sub_index, sub = _subcommand(argv, pf)
    table_list = [pf.common] if sub is None else [pf.common, sub]
    values = frozenset().union(*(t.values for t in table_list))
    options: list[Option]
    operands: list[int]
    if pf.style == "dd":
        options, operands = [], list(range(1, len(argv)))
    else:
        options, operands = split_argv(argv, values, clusters=pf.style == "gnu")
    spellings = {o.name for o in options}
    spellings.update(f"{o.name}={o.value}" for o in options if o.value is not None)
    if pf.style == "go":  # Go's flag package reads --name as -name
        spellings.update("-" + s[2:] for s in list(spellings) if s.startswith("--"))
    names: set[str] = set()
    for table in table_list:
        names.update(_names_in(table, spellings, [argv[i] for i in operands], abbrev=pf.abbrev))
    return CommandFlags(frozenset(names), frozenset(spellings), tuple(operands), sub_index)


def _subcommand(argv: tuple[str, ...], pf: ProgramFlags) -> tuple[int, FlagTable | None]:
    if not pf.subcommands:
        return -1, None
    _, operands = split_argv(argv, pf.common.values, clusters=pf.style == "gnu")
    for i in operands:
        word = argv[i]
        if word in pf.skip_words:
            continue
        word = pf.aliases.get(word, word)
        return i, pf.subcommands.get(word, FlagTable())
    return -1, None


def _names_in(table: FlagTable, spellings: set[str], operands: list[str], *, abbrev: bool) -> set[str]:
    found: set[str] = set()
    for name, forms in table.names.items():
        for form in forms:
            if form.startswith("operand:"):
                head = form[8:]
                hit = any(op.startswith(head) and len(op) > len(head) for op in operands)
            else:
                hit = form in spellings or (abbrev and _abbreviates(form, spellings))
            if hit:
                found.add(name)
                break
    return found


def _abbreviates(form: str, spellings: set[str]) -> bool:
    """GNU getopt_long and git accept any unambiguous prefix: ``--rec`` is ``--recursive``."""
    if not form.startswith("--") or "=" in form:
        return False
    return any(s.startswith("--") and len(s) >= 4 and "=" not in s and form.startswith(s) for s in spellings)
