"""Many ``command`` rules on one field, costing about what a few cost.

:class:`CommandIndex` parses the command once (cached) and returns only the
rules that could apply: rules naming programs are bucketed by program,
``prefix`` rules live in a trie over argv words (walked along the command's
words, so options between them are skipped for free), whole-line rules
(``pipe_to_shell``, ``writes``, ``reads`` without a program) are candidates
only for a line that pipes a download into a shell, writes or reads a file
(or has a word that may name one: ``mytool x``, ``python3 s.py x``), and the
rest - program globs, ``flags``/``args`` without a program - are always
candidates. A line with unknowns returns every rule, since each of them
would answer UNKNOWN. Interpreter one-liners add the rules with
``interpreters: true`` and those whose program the inline code mentions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, cast

from hookgate.policy.match.base import EvalEnv
from hookgate.policy.match.command_flags import program_flags
from hookgate.policy.match.command_match import CommandMatcher, command_line, runs_nothing
from hookgate.policy.match.shell import ParsedCommand, SimpleCommand, parse_command

__all__ = ["CommandIndex"]

_TOKEN = re.compile(r"[a-z0-9_.+-]+")


class _Node:
    __slots__ = ("children", "keys", "subtree")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.keys: list[int] | tuple[int, ...] = []  # rules whose prefix ends here
        self.subtree: list[int] | tuple[int, ...] = []  # every rule at or below (for run-time words)

    def freeze(self) -> None:
        """Exact-size tuples, and the leaf's one empty mapping and key tuple shared: 10,000 prefix rules
        make some 4,000 nodes, most of them leaves whose subtree is their own keys."""
        keys, subtree = tuple(self.keys), tuple(self.subtree)
        self.keys = keys or ()
        self.subtree = keys if subtree == keys else subtree
        if not self.children:
            self.children = _LEAF
        for child in self.children.values():
            child.freeze()

    def thaw(self) -> None:
        """Lists again, before a rule is added to a frozen node."""
        if self.children is _LEAF:
            self.children = {}
        if type(self.keys) is tuple:
            self.keys = list(self.keys)
        if type(self.subtree) is tuple:
            self.subtree = list(self.subtree)


_LEAF: dict[str, _Node] = {}  # the children of every frozen leaf (never written: ``thaw`` replaces it)


class CommandIndex:
    """``MatcherIndex[CommandMatcher]`` for the ``command`` operator."""

    __slots__ = ("_all", "_always", "_by_program", "_interpreters", "_mentions", "_on_pipes", "_on_reads",
                 "_on_writes", "_trie")

    def __init__(self) -> None:
        self._all: list[int] = []
        self._always: list[int] = []
        # whole-line rules, by what the line must have for them to answer anything but NO
        self._on_pipes: list[int] = []
        self._on_writes: list[int] = []
        self._on_reads: list[int] = []
        self._by_program: dict[str, list[int]] = {}
        self._trie = _Node()
        self._interpreters: list[int] = []
        self._mentions: dict[str, list[int]] = {}

    def add(self, matcher: CommandMatcher, key: int) -> None:
        self._all.append(key)
        if matcher.prefix:
            self._add_prefix(matcher.prefix, key)
        elif matcher.programs and not matcher.program_globs:
            for name in matcher.programs:
                self._by_program.setdefault(name, []).append(key)
        elif matcher.per_command or matcher.interpreters or matcher.mentions:
            self._always.append(key)
        elif matcher.pipe_to_shell:  # every whole-line condition must hold: file under one of them
            self._on_pipes.append(key)
        elif matcher.writes is not None:
            self._on_writes.append(key)
        elif matcher.reads is not None:
            self._on_reads.append(key)
        else:
            self._always.append(key)
        if matcher.interpreters:
            self._interpreters.append(key)
        for name in matcher.mentions:
            self._mentions.setdefault(name, []).append(key)

    def freeze(self) -> None:
        """Compact the prefix trie once every rule is in (a later ``add`` still works)."""
        self._trie.freeze()

    def _add_prefix(self, prefix: tuple[str, ...], key: int) -> None:
        node = self._trie
        node.thaw()
        cast(list[int], node.subtree).append(key)
        for word in prefix:
            child = node.children.get(word)
            if child is None:  # not setdefault: a node per word of 10,000 rules is a lot of garbage
                child = node.children[word] = _Node()
            else:
                child.thaw()
            node = child
            cast(list[int], node.subtree).append(key)
        cast(list[int], node.keys).append(key)

    def candidates(self, value: object, env: EvalEnv) -> Iterable[int]:
        line = command_line(value)
        if line is None:  # not a line nor an argv: every rule answers UNKNOWN (NO for null)
            return [] if runs_nothing(value) else list(self._all)
        return self.candidates_parsed(parse_command(line))

    def candidates_parsed(self, parsed: ParsedCommand) -> list[int]:
        if parsed.unknowns:
            return list(self._all)
        return sorted(self.known_candidates(parsed))

    def known_candidates(self, parsed: ParsedCommand) -> set[int]:
        """The rules that may answer YES: the line's unknowns aside, the superset ``candidates`` returns.

        A rule outside it can only answer UNKNOWN (when the line has unknowns) or NO, so a
        caller that handles unknowns wholesale (:mod:`hookgate.policy.compiler.flood`) need
        only evaluate these one by one.
        """
        found: set[int] = set(self._always)
        if parsed.pipe_to_shell:
            found.update(self._on_pipes)
        if parsed.writes or parsed.unknown_writes:  # a target built at run time makes UNKNOWN
            found.update(self._on_writes)
        if parsed.reads or parsed.unknown_reads:
            found.update(self._on_reads)
        if parsed.maybe and (self._on_reads or self._on_writes):
            # words that may name files read (most, also written): UNKNOWN where a rule's path matches
            found.update(self._on_reads)
            if self._on_writes and any(m.writes for m in parsed.maybe):
                found.update(self._on_writes)
        for cmd in parsed.commands:
            keys = self._by_program.get(cmd.program)
            if keys:
                found.update(keys)
            root = self._trie.children.get(cmd.program)
            if root is not None:
                _walk(root, cmd, found)
            if cmd.inline_code is not None:
                self._inline(cmd.inline_code, found)
        return found

    def _inline(self, code: str, found: set[int]) -> None:
        found.update(self._interpreters)
        if self._mentions:
            for token in set(_TOKEN.findall(code.casefold())):
                found.update(self._mentions.get(token, ()))


def _walk(root: _Node, cmd: SimpleCommand, found: set[int]) -> None:
    """Every rule whose prefix words occur in order in ``cmd.argv`` with only words ``prefix``
    matching may skip between them (a superset of matches): options, the word after an option
    (its value, when the program's table says so), and the program's skippable words."""
    found.update(root.keys)
    if not root.children:
        return
    argv = cmd.argv
    pf = program_flags(cmd.program)
    aliases: Any = pf.aliases
    skip = pf.skip_words
    inexact = {i for i, _ in cmd.inexact} if cmd.inexact else ()
    todo = [(root, 1)]
    seen: set[tuple[int, int]] = set()
    while todo:
        node, start = todo.pop()
        if (id(node), start) in seen or not node.children:
            continue
        seen.add((id(node), start))
        for j in range(start, len(argv) + 1):
            if j in inexact:
                found.update(node.subtree)
                break
            if j == len(argv):
                break
            word = argv[j]
            child = node.children.get(aliases.get(word, word))
            if child is not None:
                found.update(child.keys)
                todo.append((child, j + 1))
            if not (word.startswith("-") or word in skip or argv[j - 1].startswith("-")):
                break  # `_prefix` stops at a word it can neither match nor skip
