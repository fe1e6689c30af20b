"""Collects what one parse finds, across nested scripts (``bash -c``, eval, heredocs)."""

from __future__ import annotations

import re
import threading
from types import ModuleType
from typing import TYPE_CHECKING

import re2
import tree_sitter
import tree_sitter_bash

from hookgate.policy.match.shell.feed import Feed
from hookgate.policy.match.shell.model import Maybe, ParsedCommand, SimpleCommand, new_record

if TYPE_CHECKING:
    from tree_sitter import Node

    from hookgate.policy.match.shell.walker import Walker
    from hookgate.policy.match.shell.words import Word

#: a command whose words may name files: (index in ``Context.commands``, its operand role, program,
#: words, prefix assignments, the `cd` before it)
Untabled = tuple[int, str, str, "list[Word]", "list[tuple[str, str]]", "tuple[str, bool] | None"]

__all__ = ["MAX_DEPTH", "MAX_SCRIPTS", "Context", "kind_ids", "parse_tree"]

MAX_DEPTH = 8  # nested scripts (bash -c 'bash -c ...') and wrappers
MAX_SCRIPTS = 64  # nested scripts per command string
MAX_BYTES = 256 * 1024

_LANGUAGE = tree_sitter.Language(tree_sitter_bash.language())
_local = threading.local()


_NON_ASCII = re.compile(rb"[\x80-\xff]")
#: a line that may give HOME another value than the agent's: an assignment anywhere (a prefix one
#: too, which only costs a miss), or a bare HOME named by a builtin that sets or aliases a variable
#: (RE2: a line of 250 KB of `local local …` made a backtracking search take minutes)
_HOME_SET = re2.compile(
    r"(?:^|[^A-Za-z0-9_$])HOME(?:\[[^\]]*\])?\+?="
    r"|\b(?:for|select)\s+HOME\b"
    r"|\b(?:read|readarray|mapfile|getopts|printf|declare|typeset|local|export|readonly|unset)\b[^;&|\n]*"
    r"[^A-Za-z0-9_${]HOME\b")


def kind_ids(*names: str) -> frozenset[int]:
    """Every symbol id whose ``node.type`` is one of ``names``.

    Hot paths compare ``node.kind_id`` (a small int) rather than ``node.type``
    (a new str per access). Aliases give one name several ids, so all are
    taken: ``node.kind_id in kind_ids(x)`` is exactly ``node.type == x``.
    """
    return frozenset(i for i in range(_LANGUAGE.node_kind_count) if _LANGUAGE.node_kind_for_id(i) in names)


def parse_tree(src: bytes) -> Node:
    """The tree-sitter root for ``src`` (one parser per thread: parsers are not thread-safe).

    Every non-ASCII byte is replaced by ``a`` before parsing, keeping byte
    offsets, so callers slice the original text. tree-sitter-bash 0.25's
    scanner calls ``isdigit``/``isalpha`` on raw code points, which reads out
    of bounds (and crashes) for large ones, e.g. ``{`` + U+10756D. Bash treats
    non-ASCII bytes as word characters; reading them as letters can only turn
    a literal into a name (``$é`` into a ``$aa`` expansion, ``é=1 rm`` into an
    assignment), which makes the result more cautious, never less; and
    ``iswspace`` no longer sees a no-break space as a word break.
    """
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = tree_sitter.Parser(_LANGUAGE)
    if not src.isascii():
        src = _NON_ASCII.sub(b"a", src)
    return parser.parse(src).root_node


def _walker() -> type[Walker]:
    """The walker imports the analyser, which imports this module: resolve late, once."""
    global _WALKER
    if _WALKER is None:
        from hookgate.policy.match.shell.walker import Walker

        _WALKER = Walker
    return _WALKER


_WALKER: type[Walker] | None = None


def _variables() -> ModuleType:
    """:mod:`.variables` imports the word model, which imports this module: resolve late, once."""
    global _VARIABLES
    if _VARIABLES is None:
        from hookgate.policy.match.shell import variables

        _VARIABLES = variables
    return _VARIABLES


_VARIABLES: ModuleType | None = None


def _rehomed(maybe: tuple[Maybe, ...], homes: list[str]) -> list[Maybe]:
    """The records of words under ``~`` again below each home the line may give HOME."""
    return [m._replace(path=home + m.path[1:]) for m in maybe if m.path[:2] == "~/" for home in homes]


class Context:
    """Mutable accumulator for one :func:`parse_command` call."""

    __slots__ = ("cd", "commands", "links", "maybe", "pipes", "reads", "scripts_left", "text", "unknown_reads",
                 "unknown_writes", "unknowns", "untabled", "values", "writes", "written")

    def __init__(self, text: str) -> None:
        self.text = text
        self.commands: list[SimpleCommand] = []
        self.unknowns: dict[str, None] = {}
        self.writes: dict[str, None] = {}
        self.reads: dict[str, None] = {}
        self.unknown_writes: dict[str, None] = {}
        self.unknown_reads: dict[str, None] = {}
        self.pipes: dict[str, None] = {}
        self.maybe: dict[Maybe, None] = {}  # words that may name files read or written (operands.py)
        self.written: dict[str, Feed] = {}  # file -> what an earlier command wrote into it
        self.cd: tuple[str, bool] | None = None  # directory an earlier `cd` moved to; False: built at run time
        self.scripts_left = MAX_SCRIPTS
        #: link -> (target, index of the first command after the one that made it): ln, cp -s, mount --bind
        self.links: dict[str, tuple[str, int]] = {}
        #: NAME -> the values literal assignments of the line give it (variables.py); None: no assignment yet
        self.values: dict[str, dict[str, None]] | None = None
        #: the commands whose words may name files (operands.py), for :mod:`.variables`:
        #: (index in ``commands``, role, program, words, prefix assignments, `cd` before it)
        self.untabled: list[Untabled] = []

    def _through_links(self) -> None:
        """Reads and writes at or below a link, by a command after the one that made it, are reported
        at the link's target too (the command making the link writes the link, not its target)."""
        from hookgate.policy.match.shell.links import through_links

        commands = []
        for i, cmd in enumerate(self.commands):
            active = {link: target for link, (target, since) in self.links.items() if i >= since}
            if active and (cmd.writes or cmd.reads):
                writes, reads = through_links(cmd.writes, active), through_links(cmd.reads, active)
                self.writes.update(dict.fromkeys(writes))
                self.reads.update(dict.fromkeys(reads))
                cmd = cmd._replace(writes=(*cmd.writes, *writes), reads=(*cmd.reads, *reads))
            if active and cmd.maybe:
                maybe = [m._replace(path=target) for m in cmd.maybe for target in through_links((m.path,), active)]
                self.maybe.update(dict.fromkeys(maybe))
                cmd = cmd._replace(maybe=(*cmd.maybe, *maybe))
            commands.append(cmd)
        self.commands = commands

    def assign(self, name: str, values: list[str], append: bool = False) -> None:
        """``NAME=value`` (``for NAME in WORDS``: each word): one more value the variable may hold. The
        values of every assignment of the line are kept, in order, whichever branch, loop, subshell or
        function it is in; ``NAME+=value`` appends to each value given before."""
        if self.values is None:
            self.values = {}
        (_VARIABLES or _variables()).assign(self.values, name, values, append)

    def unknown(self, message: str, via: tuple[str, ...] = ()) -> None:
        if via:
            message += " in " + " in ".join(f"`{v}`" for v in reversed(via))
        self.unknowns[message] = None

    def script(self, text: str, via: tuple[str, ...], stdin: Feed | None = None) -> Feed:
        """Parse and walk a nested script (a ``bash -c`` body, an eval string, a heredoc)."""
        if len(via) > MAX_DEPTH:
            self.unknown("scripts nested too deeply to analyse", via)
            return Feed("opaque", desc="a nested script")
        if self.scripts_left <= 0:
            self.unknown("too many nested scripts to analyse", via)
            return Feed("opaque", desc="a nested script")
        self.scripts_left -= 1
        return (_WALKER or _walker())(self, text, via).run(stdin)

    def _tildes_built_at_run_time(self) -> None:
        """``HOME=~/.ssh; cat ~/id_rsa`` reads ``~/.ssh/id_rsa``: once the line may give ``HOME``
        another value, a target that starts with ``~`` names a file only known at run time (path rules
        would expand it with the agent's home)."""
        for known, unknown in ((self.reads, self.unknown_reads), (self.writes, self.unknown_writes)):
            for target in [t for t in known if t[:1] == "~"]:
                del known[target]
                unknown[target] = None
        self.commands = [cmd._replace(writes=tuple(t for t in cmd.writes if t[:1] != "~"),
                                      reads=tuple(t for t in cmd.reads if t[:1] != "~"))
                         if any(t[:1] == "~" for t in (*cmd.writes, *cmd.reads)) else cmd
                         for cmd in self.commands]
        # a word that may name a file (`mytool ~/id_rsa`): also below each literal value HOME is given
        homes = [h.rstrip("/") for h in (self.values or {}).get("HOME", {}) if h[:1] in ("/", "~") and "$" not in h]
        if homes and any(m.path[:2] == "~/" for m in self.maybe):
            self.commands = [cmd._replace(maybe=(*cmd.maybe, *_rehomed(cmd.maybe, homes))) for cmd in self.commands]
            self.maybe.update(dict.fromkeys(_rehomed(tuple(self.maybe), homes)))

    def result(self) -> ParsedCommand:
        if self.values is not None and self.untabled:
            (_VARIABLES or _variables()).with_variables(self)
        if self.links:
            self._through_links()
        if "HOME" in self.text and _HOME_SET.search(self.text) is not None:  # (after links: `ln -s ~/x k`)
            self._tildes_built_at_run_time()
        return new_record(ParsedCommand, (
            self.text,
            tuple(self.commands),
            tuple(self.unknowns) if self.unknowns else (),
            tuple(self.writes) if self.writes else (),
            tuple(self.reads) if self.reads else (),
            tuple(self.unknown_writes) if self.unknown_writes else (),
            tuple(self.unknown_reads) if self.unknown_reads else (),
            tuple(self.pipes) if self.pipes else (),
            tuple(self.maybe) if self.maybe else (),
        ))
