"""Redirections: written and read files, and what a heredoc feeds to stdin.

tree-sitter-bash nests the rest of a line inside a heredoc redirect
(``cat <<EOF | sh`` puts ``| sh`` under the redirect); those statements are
returned as *tails* for the walker to run after the command.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple, Protocol

from hookgate.policy.match.shell.feed import Feed
from hookgate.policy.match.shell.words import Word, WordResolver

if TYPE_CHECKING:
    from tree_sitter import Node

__all__ = ["HARMLESS", "REDIRECTS", "Redirect", "RedirectReader", "stdin_of"]

REDIRECTS = frozenset({"file_redirect", "heredoc_redirect", "herestring_redirect"})
WRITE_OPS = frozenset({">", ">>", ">|", "&>", "&>>", "<>", ">&", "&>|"})
READ_OPS = frozenset({"<", "<>"})
# Sinks every shell script uses; reporting them as writes would flood path rules.
HARMLESS = frozenset({"/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty", "-"})


class Redirect(NamedTuple):
    op: str
    target: Word | None = None
    feed: Feed | None = None  # what a heredoc / here-string / `<` puts on stdin
    fd: str = ""

    @property
    def stdout(self) -> bool:
        """Sends the command's stdout to ``target`` (``> f``, ``>> f``, ``&> f``; not ``2> f``)."""
        return self.writes and self.fd in ("", "1") and self.op != "<>"

    @property
    def writes(self) -> bool:
        if self.op not in WRITE_OPS or self.target is None:
            return False
        text = self.target.text
        return not (self.op in (">&", "<>") and self.target.exact and (text.isdigit() or text == "-"))

    @property
    def reads(self) -> bool:
        return self.op in READ_OPS and self.target is not None


class _Walks(Protocol):
    words: WordResolver

    def nested(self, node: Node) -> None: ...


class RedirectReader:
    __slots__ = ("walker",)

    def __init__(self, walker: _Walks) -> None:
        self.walker = walker

    def read(self, node: Node, out: list[Redirect], tails: list[tuple[str, Node]], extra: list[Word]) -> None:
        """Append ``node``'s redirections to ``out``; statements nested in it to ``tails``;
        words tree-sitter folded into it (``cat < in x``: ``x`` is cat's argument) to ``extra``."""
        kind = node.type
        if kind == "file_redirect":
            self._file(node, out, extra)
        elif kind == "herestring_redirect":
            self._herestring(node, out)
        else:
            self._heredoc(node, out, tails, extra)

    def _file(self, node: Node, out: list[Redirect], extra: list[Word]) -> None:
        words = self.walker.words
        op = fd = ""
        target: Word | None = None
        for child in node.children:
            if not child.is_named:
                op = child.type
            elif child.type == "file_descriptor":
                fd = words.text(child)
            elif target is None:
                target = words.resolve_one(child)
            else:  # tree-sitter folds the command's following arguments into the redirect
                extra.extend(words.resolve(child))
        feed = None
        if op in READ_OPS and target is not None:
            feed = target.feed if target.feed is not None else Feed("file", desc=f"`{target.text}`")
        out.append(Redirect(op, target, feed, fd))

    def _herestring(self, node: Node, out: list[Redirect]) -> None:
        for child in node.children:
            if child.is_named:
                word = self.walker.words.resolve_one(child)
                out.append(Redirect("<<<", None, _text_feed(word, word.text + "\n", "a here-string")))
                return

    def _heredoc(self, node: Node, out: list[Redirect], tails: list[tuple[str, Node]], extra: list[Word]) -> None:
        quoted = strip_tabs = False
        pending = ""
        body: Node | None = None
        for child in node.children:
            kind = child.type
            if kind == "<<-":
                strip_tabs = True
            elif kind == "heredoc_start":
                quoted = any(c in self.walker.words.text(child) for c in "'\"\\")
            elif kind == "heredoc_body":
                body = child
            elif kind == "pipeline":
                tails.append(("pipe", child))
            elif kind in ("&&", "||", ";", "&"):
                pending = kind
            elif kind in REDIRECTS:
                self.read(child, out, tails, extra)
            elif child.is_named and pending:
                tails.append(("list", child))
            elif child.is_named and kind != "heredoc_end":  # `rm -r <<EOF -f /`: more arguments
                extra.extend(self.walker.words.resolve(child))
        out.append(Redirect("<<", None, self._body_feed(body, quoted=quoted, strip_tabs=strip_tabs)))

    def _body_feed(self, body: Node | None, *, quoted: bool, strip_tabs: bool) -> Feed:
        if body is None:
            return Feed("literal", "", "an empty heredoc")
        text = self.walker.words.text(body)
        if strip_tabs:
            text = "\n".join(line.lstrip("\t") for line in text.split("\n"))
        if quoted or not any(c.is_named and c.type != "heredoc_content" for c in body.children):
            return Feed("literal", text, "a heredoc")
        self.walker.nested(body)  # $( ) in an unquoted heredoc runs in the outer shell
        return Feed("dynlit", text, "a heredoc with expansions")


def _text_feed(word: Word, text: str, desc: str) -> Feed:
    if word.exact:
        return Feed("literal", text, desc)
    if word.feed is not None and word.feed.kind == "download":
        return word.feed
    return Feed("dynlit", text, f"{desc} built from `{word.source}`")


def stdin_of(redirects: list[Redirect], default: Feed | None) -> Feed | None:
    """The last stdin redirection wins, as in bash."""
    feed = default
    for r in redirects:
        if r.feed is not None:
            feed = r.feed
    return feed
