"""Walk a tree-sitter-bash tree and hand every simple command to the analyser.

Statements are dispatched on ``node.type``; anything not listed is walked
generically, so a command hidden in a construct this module does not model
(an arithmetic subscript, a ``case`` pattern, an ERROR node) still runs
through :func:`~hookgate.policy.match.shell.analyze.analyze`. Every walk
returns the *feed* of the statement's stdout so pipelines can tell
``curl | sh`` from ``cat x | sh``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from hookgate.policy.match.shell.analyze import RawCommand, analyze
from hookgate.policy.match.shell.consumers import run_script
from hookgate.policy.match.shell.context import MAX_BYTES, kind_ids, parse_tree
from hookgate.policy.match.shell.feed import NOTHING, Feed, combine
from hookgate.policy.match.shell.model import new_record
from hookgate.policy.match.shell.redirects import REDIRECTS, Redirect, RedirectReader, stdin_of
from hookgate.policy.match.shell.tables import CODE_ENV
from hookgate.policy.match.shell.words import UNSAFE, Word, WordResolver

if TYPE_CHECKING:
    from tree_sitter import Node

    from hookgate.policy.match.shell.context import Context

__all__ = ["Walker"]

# Node kinds as symbol-id sets: `node.kind_id in X` is exactly `node.type in names`, without building a str.
_COMMAND = kind_ids("command")
_PIPELINE = kind_ids("pipeline")
_REDIRECTED = kind_ids("redirected_statement")
_SUBSTITUTION_IDS = kind_ids("command_substitution", "process_substitution")
_ASSIGNMENT = kind_ids("variable_assignment")
_FOR = kind_ids("for_statement")  # `for NAME in WORDS`, `select NAME in WORDS`
_DECLARATION = kind_ids("declaration_command")  # export, declare, typeset, local, readonly
#: words of a declaration that may be `NAME=value` (`export "K=v"`)
_DECLARED_WORDS = kind_ids("word", "string", "raw_string", "concatenation", "ansi_c_string")
_INERT = kind_ids("comment", "heredoc_body", "heredoc_end", "heredoc_start", "variable_name", "word", "number",
                  "raw_string", "ansi_c_string", "string_content", "test_operator", "file_descriptor",
                  *REDIRECTS)  # leaves and redirections: they run nothing themselves
_MODELLED = _PIPELINE | _REDIRECTED | _SUBSTITUTION_IDS | _ASSIGNMENT | _FOR | _DECLARATION | _INERT
_COMMAND_NAME = kind_ids("command_name")
_BARE_WORD = kind_ids("word", "number")
_REDIRECT_IDS = kind_ids(*REDIRECTS)
_COMPOUND = kind_ids("subshell", "compound_statement")
_COMMENT = kind_ids("comment")
_needs_work = UNSAFE.search  # a word with quoting, escapes, globs or braces takes the slow path
#: words of characters no shell gives a meaning, one space apart, the first a name (not `-`, not a number,
#: not an assignment), no other starting with `=` (the grammar reads a lone `==` as a test operator):
#: one simple command, no parse needed
_PLAIN_COMMAND = r"[A-Za-z_./][A-Za-z0-9_./,:@%+-]*(?: [A-Za-z0-9_./,:@%+-][A-Za-z0-9_./,:@%+=-]*)*"
_PLAIN_LINE = re.compile(_PLAIN_COMMAND).fullmatch
#: such commands joined by ` && `, ` || `, ` | ` or `; ` (``cd app && git push``): lists and pipelines whose
#: tree is known from the operators alone
_PLAIN_LIST = re.compile(rf"{_PLAIN_COMMAND}(?:(?: &&| \|\|| \||;| ;) {_PLAIN_COMMAND})+").fullmatch
_PROGRAM = kind_ids("program")
_KNOWN_NAMES: dict[str, bool] = {}


def is_command_name(word: str) -> bool:
    """Whether tree-sitter-bash reads ``word`` first on a line as a plain command's name (not a
    keyword such as ``if``, nor ``export``/``local``, which it parses as declarations). Asked of
    the grammar itself, once per distinct word."""
    known = _KNOWN_NAMES.get(word)
    if known is None:
        root = parse_tree(f"{word} x".encode())
        inner = root.named_children
        known = (root.kind_id in _PROGRAM and not root.has_error and len(inner) == 1 and inner[0].kind_id in _COMMAND
                 and (name := inner[0].child(0)) is not None and name.kind_id in _COMMAND_NAME
                 and (leaf := name.child(0)) is not None and leaf.kind_id in _BARE_WORD
                 and leaf.end_byte - leaf.start_byte == len(word))
        if len(_KNOWN_NAMES) >= 4096:
            _KNOWN_NAMES.clear()
        _KNOWN_NAMES[word] = known
    return known


class Walker:
    """Walks one source buffer (the top-level command or a nested script)."""

    __slots__ = ("ctx", "plain", "src", "via", "words")

    def __init__(self, ctx: Context, text: str, via: tuple[str, ...]) -> None:
        self.ctx = ctx
        self.src = text.encode("utf-8", "surrogatepass")
        self.via = via
        self.words = WordResolver(text, self.src, self)
        # no quoting, escape, glob or brace anywhere: every bare word is its own text (one scan, not one per word)
        self.plain = self.words.ascii and _needs_work(text) is None

    def run(self, stdin: Feed | None = None) -> Feed:
        if len(self.src) > MAX_BYTES:
            self.ctx.unknown(f"command of {len(self.src)} bytes is too long to analyse", self.via)
            return Feed("opaque", desc="an oversized script")
        text = self.words.str
        if _PLAIN_LINE(text) is not None:
            if is_command_name(text.partition(" ")[0]):
                return self._plain_command(text, 0, len(text), stdin)
        elif _PLAIN_LIST(text) is not None:
            statements = _plain_statements(text)
            if statements is not None:
                return self._plain_list(text, statements, stdin)
        root = parse_tree(self.src)
        if root.has_error:
            self._report_error(root)
        return self.stmt(root, stdin, ())

    def _plain_command(self, text: str, start: int, end: int, stdin: Feed | None) -> Feed:
        """One simple command of bare words (``git status``, ``npm run test:unit``) at ``text[start:end]``:
        the command the tree walk would build, without the tree. Kept identical by
        ``tests/matchers/test_shell_plain_line.py``."""
        words: list[Word] = []
        pos = start
        line = text[start:end]
        for word in line.split(" "):
            words.append(new_record(Word, (word, True, word, word, pos, None, False)))
            pos += len(word) + 1
        return analyze(self.ctx, new_record(RawCommand, (words, [], (), stdin, self.via, (), line, self.src, None)))

    def _plain_list(self, text: str, statements: _Statements, stdin: Feed | None) -> Feed:
        """Plain commands joined by operators, walked as :meth:`stmt` walks their tree: statements
        (``;``) one after the other, each a left-nested ``&&``/``||`` list of pipelines."""
        outs: list[Feed] = []
        for statement in statements:
            acc: Feed | None = None
            for pipeline in statement:
                feed = stdin
                for start, end in pipeline:
                    feed = self._plain_command(text, start, end, feed)
                out = feed if feed is not None else NOTHING
                acc = out if acc is None else combine([acc, out])
            assert acc is not None  # a statement has at least one pipeline
            outs.append(acc)
        return outs[0] if len(outs) == 1 else combine(outs)

    def _report_error(self, root: Node) -> None:
        stack = [root]
        while stack:
            node = stack.pop()
            if node.is_error or node.is_missing:
                row, col = node.start_point
                near = self.words.text(node)[:30] or node.type
                self.ctx.unknown(f"parse error near `{near}` at {row + 1}:{col + 1}", self.via)
                return
            if node.has_error:
                stack.extend(reversed(node.children))
        self.ctx.unknown("parse error", self.via)

    # -- statements
    def stmt(self, node: Node, stdin: Feed | None, redirs: tuple[Redirect, ...]) -> Feed:
        kind = node.kind_id
        if kind in _COMMAND:
            return self.command(node, stdin, redirs)
        if kind not in _MODELLED:  # `program`, lists, loops...: walk every statement inside
            inner = node.named_children
            if len(inner) == 1:
                return self.stmt(inner[0], stdin, redirs)
            return combine([self.stmt(child, stdin, redirs) for child in inner])
        if kind in _PIPELINE:
            return self.pipeline(_stages(node), stdin, redirs)
        if kind in _REDIRECTED:
            return self.redirected(node, stdin, redirs)
        if kind in _SUBSTITUTION_IDS:
            return self.substitution(node)
        if kind in _ASSIGNMENT:
            self.assignment(node, statement=True)
        elif kind in _FOR:
            return self.for_loop(node, stdin, redirs)
        elif kind in _DECLARATION:
            return self.declaration(node, stdin, redirs)
        return NOTHING  # an assignment or an inert node

    def pipeline(self, stages: list[Node], stdin: Feed | None, redirs: tuple[Redirect, ...]) -> Feed:
        feed = stdin
        last = len(stages) - 1
        for k, stage in enumerate(stages):
            feed = self.stmt(stage, feed, redirs if k == last else ())
        return feed if feed is not None else NOTHING

    def redirected(self, node: Node, stdin: Feed | None, redirs: tuple[Redirect, ...]) -> Feed:
        body: Node | None = None
        mine: list[Redirect] = []
        tails: list[tuple[str, Node]] = []
        extra: list[Word] = []
        for child in node.children:
            if child.type in REDIRECTS:
                RedirectReader(self).read(child, mine, tails, extra)
            elif child.is_named and child.type != "comment":
                body = child
        inner_stdin = stdin_of(mine, stdin)
        all_redirs = redirs + tuple(mine)
        if body is None:
            out: Feed = self._bare_redirects(all_redirs, inner_stdin)
        elif body.type == "pipeline":  # `a | b > f`: the redirections belong to the last stage
            out = self._last_gets(_stages(body), stdin, all_redirs, inner_stdin, extra)
        elif body.type == "command":
            out = self.command(body, inner_stdin, all_redirs, extra)
        else:
            self._misplaced(extra)
            out = self.stmt(body, inner_stdin, all_redirs)
        return self.tails(tails, out, stdin)

    def _misplaced(self, extra: list[Word]) -> None:
        if extra:
            self.ctx.unknown(f"words after a redirection (`{extra[0].source or extra[0].text}`) could not be placed",
                             self.via)

    def _last_gets(self, stages: list[Node], stdin: Feed | None, redirs: tuple[Redirect, ...],
                   last_stdin: Feed | None, extra: list[Word]) -> Feed:
        feed = stdin
        for k, stage in enumerate(stages):
            if k < len(stages) - 1:
                feed = self.stmt(stage, feed, ())
                continue
            if last_stdin is not stdin:
                feed = last_stdin
            if stage.type == "command":
                return self.command(stage, feed, redirs, extra)
            self._misplaced(extra)
            feed = self.stmt(stage, feed, redirs)
        return feed if feed is not None else NOTHING

    def _bare_redirects(self, redirs: tuple[Redirect, ...], stdin: Feed | None) -> Feed:
        """``> file`` alone still truncates the file."""
        analyze(self.ctx, RawCommand([], [], redirs, stdin, self.via, (), ""))
        return NOTHING

    def tails(self, tails: list[tuple[str, Node]], out: Feed, stdin: Feed | None) -> Feed:
        """Statements tree-sitter nests inside a heredoc redirect (``cat <<EOF | sh``)."""
        for how, node in tails:
            out = self.pipeline(_stages(node), out, ()) if how == "pipe" else combine([out, self.stmt(node, stdin, ())])
        return out

    def command(self, node: Node, stdin: Feed | None, redirs: tuple[Redirect, ...],
                extra: list[Word] | None = None) -> Feed:
        words: list[Word] = []
        env: list[tuple[str, str]] = []
        mine: list[Redirect] = []
        tails: list[tuple[str, Node]] = []
        resolver = self.words
        ascii_src = resolver.str if resolver.ascii else None
        plain = self.plain
        append, new, word_type = words.append, new_record, Word
        for child in node.children:
            kind = child.kind_id
            if kind in _COMMAND_NAME:
                child = child.child(0) or child  # the name's word takes the word path below
                kind = child.kind_id
            if kind in _BARE_WORD and ascii_src is not None:  # the common case, inlined
                start = child.start_byte
                raw_text = ascii_src[start : child.end_byte]
                if plain or _needs_work(raw_text) is None:
                    append(new(word_type, (raw_text, True, raw_text, raw_text, start, None, False)))
                    continue
                words.extend(resolver.resolve(child))
            elif kind in _ASSIGNMENT:
                env.append(self.assignment(child))
            elif kind in _REDIRECT_IDS:
                RedirectReader(self).read(child, mine, tails, words)
            elif kind in _COMPOUND:  # `time (sleep 1)`: the timed group is a statement, not a word
                self.stmt(child, stdin, redirs)
            elif child.is_named and kind not in _COMMENT:
                words.extend(resolver.resolve(child))
        if extra:
            words.extend(extra)
        if mine:
            redirs, cmd_stdin = redirs + tuple(mine), stdin_of(mine, stdin)
        else:
            cmd_stdin = stdin
        text = ascii_src[node.start_byte : node.end_byte] if ascii_src is not None else resolver.text(node)
        raw = new_record(RawCommand, (words, env, redirs, cmd_stdin, self.via, (), text, self.src, None))
        out = analyze(self.ctx, raw)
        return self.tails(tails, out, stdin) if tails else out

    def assignment(self, node: Node, statement: bool = False) -> tuple[str, str]:
        """``NAME=value``: ``(NAME, value)``. A ``statement`` (not a prefix of a command) also gives the
        line's variable its value (an array: each element), for :mod:`.variables`."""
        name, value = "", ""
        seen_eq = append = False
        elements: list[str] | None = None
        for child in node.children:
            if not seen_eq:
                if child.type in ("=", "+="):
                    seen_eq = True
                    append = child.type == "+="
                elif child.type in ("variable_name", "subscript"):
                    name = self.words.text(child)
                    if child.type == "subscript":
                        self.nested(child)
                continue
            if child.type == "array":
                value = self.words.text(child)
                if statement:  # each element is a value (its commands run as they are resolved); `[key]=value`
                    elements = [_element(w.text) for c in child.named_children if c.kind_id not in _COMMENT
                                for w in self.words.resolve(c)]
                else:
                    self.nested(child)
            else:
                word = self.words.resolve_one(child)
                value = word.text
                if name in CODE_ENV:  # GIT_SSH_COMMAND='…' git fetch: the value is a command line
                    run_script(self.ctx, word, (*self.via, f"${name}"))
        if statement:
            self.ctx.assign(name.partition("[")[0], [value] if elements is None else elements, append)
        return name, value

    def for_loop(self, node: Node, stdin: Feed | None, redirs: tuple[Redirect, ...]) -> Feed:
        """``for NAME in WORDS; do …; done``: NAME takes each word (a wildcard as written), then the
        body is walked as any statement."""
        name = ""
        values: list[str] = []
        feeds: list[Feed] = []
        for i, child in enumerate(node.children):
            field = node.field_name_for_child(i)
            if field == "variable":
                name = self.words.text(child)
            elif field == "value":
                for word in self.words.resolve(child):  # walks the commands inside, as the statement walk would
                    values.append(word.text)
                    if word.feed is not None:
                        feeds.append(word.feed)
            elif child.is_named:
                if values:
                    self.ctx.assign(name, values)
                    values = []
                feeds.append(self.stmt(child, stdin, redirs))
        if values:
            self.ctx.assign(name, values)
        return combine(feeds)

    def declaration(self, node: Node, stdin: Feed | None, redirs: tuple[Redirect, ...]) -> Feed:
        """``export``/``declare``/``local``/``readonly``/``typeset``: its ``NAME=value`` assignments, also when
        quoted (``export "K=v"``: a variable whose name is built at run time still has the value)."""
        feeds: list[Feed] = []
        for child in node.named_children:
            kind = child.kind_id
            if kind in _ASSIGNMENT:
                self.assignment(child, statement=True)
            elif kind in _DECLARED_WORDS:
                for word in self.words.resolve(child):
                    name, eq, value = word.text.partition("=")
                    if eq and not name.startswith("-"):
                        base = name[:-1] if name.endswith("+") else name
                        self.ctx.assign(base if base.isidentifier() else "", [value], base != name)
                    if word.feed is not None:
                        feeds.append(word.feed)
            else:
                feeds.append(self.stmt(child, stdin, redirs))
        return combine(feeds)

    # -- callbacks used by the word resolver
    def substitution(self, node: Node) -> Feed:
        """Walk ``$( )``/``<( )`` (their commands run) and return their output."""
        label = "<( )" if node.type == "process_substitution" and self.words.text(node).startswith("<") else (
            ">( )" if node.type == "process_substitution" else "$( )")
        saved = self.via
        self.via = (*saved, label)
        try:
            inner = [c for c in node.children if c.is_named]
            if inner and all(c.type in REDIRECTS for c in inner):
                return self._read_into(inner)
            feeds = [self.stmt(c, None, ()) for c in inner]
        finally:
            self.via = saved
        return combine(feeds)

    def _read_into(self, redirects: list[Node]) -> Feed:
        """``$(<FILE)``: bash's ``$(cat FILE)``, a read whose output is the file."""
        mine: list[Redirect] = []
        for child in redirects:
            RedirectReader(self).read(child, mine, [], [])
        self._bare_redirects(tuple(mine), None)
        return new_record(Feed, ("file", "", f"`{self.words.text(redirects[0])[:60]}`"))

    def nested(self, node: Node) -> None:
        for child in node.children:
            if child.is_named:
                self.stmt(child, None, ())


def _element(text: str) -> str:
    """An array element's value: ``[key]=value`` (an associative array's) is ``value``."""
    if text[:1] == "[" and "]=" in text:
        return text.partition("]=")[2]
    return text


#: statements -> pipelines (``&&``/``||`` operands) -> commands, as (start, end) offsets
_Statements = list[list[list[tuple[int, int]]]]


def _plain_statements(text: str) -> _Statements | None:
    """The structure of a line :data:`_PLAIN_LIST` accepted; None if a command's first word is not
    a plain command name to the grammar (a keyword after ``&&`` is the grammar's business), or if
    a pipeline of three or more commands comes before ``&&``/``||``: tree-sitter-bash nests
    ``a | b | c && d`` as ``a | (b | c && d)``, so ``d`` is walked with ``a``'s output on its stdin
    (stricter than bash), and the shortcut must give what the tree gives.

    The pattern guarantees single spaces between tokens and ``;`` only alone or closing a word."""
    statements: _Statements = [[[]]]
    start = end = -1
    pos = 0
    for token in text.split(" "):
        size = len(token)
        if token in _OPERATORS:
            op = token
        else:
            word = token[:-1] if token[-1] == ";" else token
            if start < 0:
                if not is_command_name(word):
                    return None
                start = pos
            end = pos + len(word)
            if len(word) == size:
                pos += size + 1
                continue
            op = ";"  # `word;`: the word ends its command
        pos += size + 1
        statements[-1][-1].append((start, end))
        start = -1
        if op == ";":
            statements.append([[]])
        elif op != "|":
            if len(statements[-1][-1]) > 2:
                return None
            statements[-1].append([])
    statements[-1][-1].append((start, end))
    return statements


_OPERATORS = frozenset({"&&", "||", "|", ";"})


def _stages(node: Node) -> list[Node]:
    """Pipeline stages, flattening the nested pipelines tree-sitter builds after heredocs."""
    out: list[Node] = []
    for child in node.children:
        kind = child.kind_id
        if kind in _PIPELINE:
            out.extend(_stages(child))
        elif child.is_named and kind not in _COMMENT:
            out.append(child)
    return out
