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
    clusters = pf.style == "gnu"
    common = split_argv(argv, pf.common.values, clusters=clusters) if pf.style != "dd" else None
    sub_index, sub = _subcommand(argv, pf, common[1] if common is not None else [])
    table_list = [pf.common] if sub is None else [pf.common, sub]
    options: list[Option]
    operands: list[int]
    if common is None:  # dd: key=value operands, no options
        options, operands = [], list(range(1, len(argv)))
    elif sub is None or not sub.values:  # the split by the common table's values is the split
        options, operands = common
    else:
        options, operands = split_argv(argv, pf.common.values | sub.values, clusters=clusters)
    spellings = {o.name for o in options}
    spellings.update(f"{o.name}={o.value}" for o in options if o.value is not None)
    if pf.style == "go":  # Go's flag package reads --name as -name
        spellings.update("-" + s[2:] for s in list(spellings) if s.startswith("--"))
    words = [argv[i] for i in operands]
    names: set[str] = set()
    for table in table_list:
        names.update(_names_in(table, spellings, words, abbrev=pf.abbrev))
    return CommandFlags(frozenset(names), frozenset(spellings), tuple(operands), sub_index)


def _subcommand(argv: tuple[str, ...], pf: ProgramFlags, operands: list[int]) -> tuple[int, FlagTable | None]:
    """The subcommand word (first operand by the common table, skippable words aside) and its table."""
    if not pf.subcommands:
        return -1, None
    for i in operands:
        word = argv[i]
        if word in pf.skip_words:
            continue
        word = pf.aliases.get(word, word)
        return i, pf.subcommands.get(word, _NO_TABLE)
    return -1, None


_NO_TABLE = FlagTable()


def _names_in(table: FlagTable, spellings: set[str], operands: list[str], *, abbrev: bool) -> set[str]:
    """The canonical names ``table`` gives the options spelt in ``spellings`` (and operand forms)."""
    if not table.names:
        return set()
    exact, by_operand, prefixes = _table_index(table)
    found: set[str] = set()
    for spelling in spellings:
        names = exact.get(spelling)
        if names:
            found.update(names)
        if abbrev:  # GNU getopt_long and git accept any unambiguous prefix: `--rec` is `--recursive`
            names = prefixes.get(spelling)
            if names:
                found.update(names)
    for head, name in by_operand:
        if name not in found and any(op.startswith(head) and len(op) > len(head) for op in operands):
            found.add(name)
    return found


_TableIndex = tuple[dict[str, list[str]], list[tuple[str, str]], dict[str, list[str]]]
_TABLE_INDEX: dict[int, _TableIndex] = {}


def _table_index(table: FlagTable) -> _TableIndex:
    """Per table: names by exact spelling, operand forms, and names by every prefix of a long form
    that may abbreviate it (``--rec``: four characters at least); built once (tables with names are
    module constants, so ``id()`` is stable)."""
    found = _TABLE_INDEX.get(id(table))
    if found is None:
        exact: dict[str, list[str]] = {}
        by_operand: list[tuple[str, str]] = []
        prefixes: dict[str, list[str]] = {}
        for name, forms in table.names.items():
            for form in forms:
                if form.startswith("operand:"):
                    by_operand.append((form[8:], name))
                    continue
                exact.setdefault(form, []).append(name)
                if form.startswith("--") and "=" not in form:
                    for end in range(4, len(form) + 1):
                        prefixes.setdefault(form[:end], []).append(name)
        found = _TABLE_INDEX[id(table)] = (exact, by_operand, prefixes)
    return found
