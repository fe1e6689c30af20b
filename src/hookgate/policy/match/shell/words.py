"""Turn tree-sitter word nodes into the words bash would pass to a program.

A word is assembled from *pieces*: quoted literal text, unquoted literal text
(subject to brace expansion and globbing), unquoted substitution output
(also subject to field splitting) and dynamic parts (``$X``) that are only
known at run time. Static pieces are unquoted exactly as bash does, so
``r''m``, ``\\rm``, ``$'\\x72m'`` and ``{rm,-rf,/}`` all become the words that
would really run; a dynamic piece makes the word *inexact* and keeps its
static prefix, which is what matchers need to decide whether it could hide a
flag or a protected path.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple, Protocol

from hookgate.policy.match.shell.context import kind_ids
from hookgate.policy.match.shell.feed import Feed, combine
from hookgate.policy.match.shell.model import new_record
from hookgate.policy.match.shell.unescape import (
    CLOSE,
    COMMA,
    OPEN,
    TooManyWords,
    ansi_c,
    brace_expand,
    double_quoted,
)

if TYPE_CHECKING:
    from tree_sitter import Node

__all__ = ["UNSAFE", "Walks", "Word", "WordResolver", "location"]

SPLIT = "\ue010"
_GLOB = str.maketrans({"*": "\ue011", "?": "\ue012", "[": "\ue013", "{": OPEN, ",": COMMA, "}": CLOSE})
_SPLITTING = str.maketrans({"*": "\ue011", "?": "\ue012", "[": "\ue013", " ": SPLIT, "\t": SPLIT, "\n": SPLIT})
_UNMARK = str.maketrans({"\ue011": "*", "\ue012": "?", "\ue013": "[", OPEN: "{", COMMA: ",", CLOSE: "}"})
_GLOB_MARKS = ("\ue011", "\ue012", "\ue013")
_EXPANSIONS = frozenset({"simple_expansion", "expansion", "arithmetic_expansion"})
_BARE_WORD = kind_ids("word", "number")
_RAW_STRING = kind_ids("raw_string")
_STRING = kind_ids("string")
_STRING_CONTENT = kind_ids("string_content")
#: characters that make a bare word need unquoting or expansion (most words have none)
UNSAFE = re.compile(r"[\\*?\[{]")


class Word(NamedTuple):
    """One word; ``exact`` when its run-time value is known to be ``text``.

    Hot paths pass every field: a NamedTuple filling in defaults costs twice as much.
    """

    text: str
    exact: bool = True
    prefix: str = ""
    source: str = ""
    pos: int = 0  # byte offset in the script it came from
    feed: Feed | None = None
    glob: bool = False  # inexact only because of unexpanded wildcards (``/et*``)



def location(src: bytes, pos: int) -> str:
    """``line:column`` (1-based) of byte offset ``pos``."""
    line_start = src.rfind(b"\n", 0, pos) + 1
    line = src.count(b"\n", 0, pos) + 1
    return f"{line}:{pos - line_start + 1}"


class Walks(Protocol):
    """What the resolver needs from the statement walker."""

    def substitution(self, node: Node) -> Feed: ...

    def nested(self, node: Node) -> None: ...


class WordResolver:
    """Resolves word nodes of one source buffer."""

    __slots__ = ("ascii", "src", "str", "walks")

    def __init__(self, text: str, src: bytes, walks: Walks) -> None:
        self.str = text
        self.src = src
        self.ascii = text.isascii()  # byte offsets are character offsets: slice the str directly
        self.walks = walks

    def text(self, node: Node) -> str:
        if self.ascii:
            return self.str[node.start_byte : node.end_byte]
        return self.src[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def span(self, start: int, end: int) -> str:
        if self.ascii:
            return self.str[start:end]
        return self.src[start:end].decode("utf-8", "replace")

    def resolve(self, node: Node) -> list[Word]:
        """The words ``node`` expands to (zero, one, or several)."""
        kind = node.kind_id
        if kind in _BARE_WORD:
            raw = self.text(node)
            if UNSAFE.search(raw) is None:
                return [new_record(Word, (raw, True, raw, raw, node.start_byte, None, False))]
        elif kind in _RAW_STRING:
            raw = self.text(node)
            return [new_record(Word, (raw[1:-1], True, raw[1:-1], raw, node.start_byte, None, False))]
        elif kind in _STRING and node.child_count == 3 and node.children[1].kind_id in _STRING_CONTENT:
            raw = self.text(node)
            body = double_quoted(raw[1:-1])
            return [new_record(Word, (body, True, body, raw, node.start_byte, None, False))]
        pieces: list[tuple[str, str]] = []
        feeds: list[Feed] = []
        self._pieces(node, pieces, feeds)
        return self._finish(pieces, feeds, self.text(node), node.start_byte)

    def resolve_one(self, node: Node) -> Word:
        """A word in a position bash never splits (redirect targets, assignments)."""
        words = self.resolve(node)
        if len(words) == 1:
            return words[0]
        src = self.text(node)
        joined = " ".join(w.text for w in words)
        return Word(joined, False, "", src, node.start_byte, combine(w.feed for w in words if w.feed))

    # -- pieces: ("q" quoted | "u" unquoted | "s" split-able | "d" dynamic, text)
    def _pieces(self, node: Node, out: list[tuple[str, str]], feeds: list[Feed]) -> None:
        kind = node.type
        if kind == "word":
            self._bare(self.text(node), out)
        elif kind == "number" or kind == "brace_expression":
            out.append(("u", self.text(node)))
        elif kind == "raw_string":
            out.append(("q", self.text(node)[1:-1]))
        elif kind == "ansi_c_string":
            out.append(("q", ansi_c(self.text(node)[2:-1])))
        elif kind == "string":
            self._string(node, out, feeds)
        elif kind == "translated_string":
            for child in node.children:
                if child.type == "string":
                    self._string(child, out, feeds)
        elif kind == "concatenation":
            self._gapped(node, out, feeds, quoted=False)
        elif kind == "command_substitution":
            self._substitution(node, out, feeds, quoted=False)
        else:
            self._dynamic(node, out, feeds)

    @staticmethod
    def _bare(raw: str, out: list[tuple[str, str]]) -> None:
        """An unquoted word: ``\\x`` quotes x, ``\\<newline>`` vanishes."""
        if "\\" not in raw:
            out.append(("u", raw))
            return
        start, i, n = 0, 0, len(raw)
        while i < n - 1:
            if raw[i] != "\\":
                i += 1
                continue
            if i > start:
                out.append(("u", raw[start:i]))
            if raw[i + 1] != "\n":
                out.append(("q", raw[i + 1]))
            i += 2
            start = i
        if start < n:
            out.append(("u", raw[start:]))

    def _string(self, node: Node, out: list[tuple[str, str]], feeds: list[Feed]) -> None:
        start = node.start_byte + 1
        for child in node.children:
            kind = child.type
            if kind == '"':
                continue
            if child.start_byte > start:
                out.append(("q", double_quoted(self.span(start, child.start_byte))))
            if kind == "string_content":
                out.append(("q", double_quoted(self.text(child))))
            elif kind == "command_substitution":
                self._substitution(child, out, feeds, quoted=True)
            else:
                self._dynamic(child, out, feeds)
            start = child.end_byte
        end = node.end_byte - 1
        if end > start:
            out.append(("q", double_quoted(self.span(start, end))))

    def _gapped(self, node: Node, out: list[tuple[str, str]], feeds: list[Feed], *, quoted: bool) -> None:
        start = node.start_byte
        for child in node.children:
            if child.start_byte > start:
                self._bare(self.span(start, child.start_byte), out)
            self._pieces(child, out, feeds)
            start = child.end_byte
        if node.end_byte > start:
            self._bare(self.span(start, node.end_byte), out)

    def _substitution(self, node: Node, out: list[tuple[str, str]], feeds: list[Feed], *, quoted: bool) -> None:
        first = node.children[0] if node.children else None
        if first is not None:  # tree-sitter folds leading blanks of a quoted ``$(`` into the token
            lead = self.text(first)
            lead = lead[: len(lead) - len(lead.lstrip())]
            if lead:
                out.append(("q", lead))
        feed = self.walks.substitution(node)
        if feed.kind == "literal":
            value = feed.text.rstrip("\n")
            out.append(("q" if quoted else "s", value))
            return
        feeds.append(feed)
        out.append(("d", self.text(node).strip()))

    def _dynamic(self, node: Node, out: list[tuple[str, str]], feeds: list[Feed]) -> None:
        kind = node.type
        if kind == "process_substitution":
            feeds.append(self.walks.substitution(node))
        elif kind == "command_substitution":
            self._substitution(node, out, feeds, quoted=True)
            return
        elif kind not in _EXPANSIONS or node.child_count > 2:
            self.walks.nested(node)  # ${x:-$(rm)}, $(( $(rm) )), ERROR nodes: commands inside still run
        out.append(("d", self.text(node)))

    # -- assembling words from pieces
    def _finish(self, pieces: list[tuple[str, str]], feeds: list[Feed], src: str,
                pos: int) -> list[Word]:
        feed = combine(feeds) if feeds else None
        if any(kind == "d" for kind, _ in pieces):
            text = "".join(t for _, t in pieces)
            prefix = ""
            for kind, t in pieces:
                if kind == "d":
                    break
                prefix += t
            return [Word(text, False, prefix, src, pos, feed, False)]
        marked = "".join(t if kind == "q" else t.translate(_GLOB if kind == "u" else _SPLITTING) for kind, t in pieces)
        try:
            expanded = brace_expand(marked)
        except TooManyWords:
            return [Word(src, False, "", src, pos, feed, False)]
        splits = any(kind == "s" for kind, _ in pieces)
        words: list[Word] = []
        for item in expanded:
            for field in item.split(SPLIT) if splits else (item,):
                if field or not splits:
                    words.append(self._globbed(field, src, pos, feed))
        return words

    @staticmethod
    def _globbed(field: str, src: str, pos: int, feed: Feed | None) -> Word:
        cut = min((i for i in (field.find(m) for m in _GLOB_MARKS) if i >= 0), default=-1)
        text = field.translate(_UNMARK)
        if cut < 0:
            return Word(text, True, text, src, pos, feed, False)
        return Word(text, False, text[:cut], src, pos, feed, True)
