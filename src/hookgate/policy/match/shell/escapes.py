"""Commands hidden in options and variables: ``git -c alias.x='!rm -rf /'``,
``tar --to-command=…``, ``ssh -o ProxyCommand=…``, ``GIT_SSH_COMMAND=… git fetch``,
``vim -c '!cmd'``; and the other languages a program runs from its words (an
editor's ex commands, ``ed``'s input, ``emacs --eval``, ``gdb -ex``, ``sqlite3``'s
dot-commands).

A value that is a shell command is parsed as the script it will become, so the
commands in it meet the same rules as any other command; a way to reach a shell
that cannot be parsed so (``gdb -ex 'shell …'``, ``sqlite3 '.system …'``, Lisp)
makes the command not understood. The files such code names are judged as inline
code's words are (:func:`code_in_words`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from hookgate.policy.match.shell.argv import split_argv
from hookgate.policy.match.shell.consumers import run_script
from hookgate.policy.match.shell.tables import CODE_OPTIONS, GIT_CODE_KEYS
from hookgate.policy.match.shell.words import Word

if TYPE_CHECKING:
    from hookgate.policy.match.shell.analyze import RawCommand
    from hookgate.policy.match.shell.context import Context

__all__ = ["CODE_IN_WORDS", "EDITORS", "ESCAPING", "code_in_words", "option_scripts"]

#: editors whose start-up ex commands (``-c CMD``, ``--cmd CMD``, ``+CMD``) may run a shell (``!cmd``)
EDITORS = frozenset({"vi", "vim", "nvim", "view", "vimdiff", "ex", "rvim", "gvim"})
#: programs that run commands of their own language given as words: Lisp (emacs --eval), debugger
#: commands (gdb -ex), SQL and dot-commands (sqlite3 DB SQL...)
_LISP = frozenset({"emacs"})
_DEBUGGERS = frozenset({"gdb"})
_SQLITE = frozenset({"sqlite3", "sqlite"})
#: line editors that read their commands from standard input (``ed -s f <<< 'r ~/.ssh/id_rsa'``)
_LINE_EDITORS = frozenset({"ed", "red"})
ESCAPING = frozenset(CODE_OPTIONS) | {"git"} | EDITORS | _LISP | _DEBUGGERS | _SQLITE | _LINE_EDITORS
#: programs whose command-line code :func:`code_in_words` returns, to be scanned for the files it names
CODE_IN_WORDS = EDITORS | _LISP | _SQLITE | _LINE_EDITORS
_EX_PREFIX = re.compile(r"^[:\s]*(?:sil(?:ent)?!?\s*)?(?:exe(?:cute)?\s+)?")
# a `!` that starts a shell command: first, after a space, a range (`%!sort`) or a bar; not `q!`/`wq!` (force)
_EX_SHELL = re.compile(r"(?:^|[\s|%.,$\d'<>])!|\bsystem\s*\(|\bterm(?:inal)?\b|\bjob_?start\b|"
                       r"\blua(?:do|file)?\b|\bpy(?:thon)?3?\b|\bperl\b|\bruby\b|\bso(?:urce)?\b|\bruntime\b")


def option_scripts(ctx: Context, raw: RawCommand, program: str, name: str) -> None:
    """Parse the command lines ``program`` would run from its options."""
    judge = _LANGUAGES.get(program)
    if judge is not None:  # an editor, Lisp, a debugger, a database: its own language
        judge(ctx, raw, name)
        return
    found = _git(raw.words) if program == "git" else _options(raw.words, CODE_OPTIONS[program],
                                                               clusters=program != "zip")
    via = (*raw.via, f"{name} option") if found else raw.via
    for word in found:
        run_script(ctx, word, via)


def code_in_words(raw: RawCommand, program: str) -> str | None:
    """The code ``program`` is given as words, for the files it names (``vim -c 'r ~/.ssh/id_rsa'``,
    ``emacs --eval '(insert-file-contents "…")'``, ``sqlite3 db "select readfile('…')"``): they are
    judged as the words of inline code are, files it may read or write."""
    if program in EDITORS:
        found = [w.text for w in _ex_commands(raw.words) if w.exact]
    elif program in _LINE_EDITORS:
        return raw.stdin.text if raw.stdin is not None and raw.stdin.kind == "literal" else None
    elif program in _LISP:
        found = [w.text for w in _option_values(raw.words, _LISP_OPTIONS) if w.exact]
    else:
        found = [w.text for w in _sql(raw.words) if w.exact]
    return "\n".join(found) or None


#: a cluster of vim's one-letter options that ends in ``-c`` (``ex -sc CMD``): its next word is a command
_EX_CLUSTER = re.compile(r"^-[A-Za-z]*c$")


def _ex_commands(words: list[Word]) -> list[Word]:
    commands: list[Word] = []
    for i, word in enumerate(words[1:], start=1):
        if word.text.startswith("+") and len(word.text) > 1:
            commands.append(word._replace(text=word.text[1:]))
        elif (word.text == "--cmd" or _EX_CLUSTER.match(word.text)) and i + 1 < len(words):
            commands.append(words[i + 1])
    return commands


def _editor(ctx: Context, raw: RawCommand, name: str) -> None:
    """``vim -c '!rm -rf /'`` runs the shell command; any other way an ex command can reach a shell or
    load code (``r !cmd``, ``call system(…)``, ``:terminal``, ``:source``) is not understood."""
    words = raw.words
    commands = _ex_commands(words)
    for i, word in enumerate(words[1:], start=1):
        if word.text in ("-S", "-u") and i + 1 < len(words):  # a session or vimrc file: any ex command
            ctx.unknown(f"`{name} {word.text}` runs the ex commands of `{words[i + 1].text}`", raw.via)
    via = (*raw.via, f"{name} command")
    for cmd in commands:
        if not cmd.exact:
            ctx.unknown(f"`{name}` runs an ex command built at run time", raw.via)
            continue
        lead = _EX_PREFIX.match(cmd.text)
        text = cmd.text[lead.end():] if lead else cmd.text
        if text.startswith("!"):
            run_script(ctx, cmd._replace(text=text[1:], prefix=text[1:]), via)
        elif _EX_SHELL.search(text):
            ctx.unknown(f"`{name}` ex command `{cmd.text[:60]}` may run a shell or load code", raw.via)


#: emacs options whose value is Lisp to run, or a file or function of it
_LISP_OPTIONS = frozenset({"--eval", "-eval", "--execute", "-l", "--load", "--script", "-x", "-f", "--funcall"})


def _option_values(words: list[Word], names: frozenset[str]) -> list[Word]:
    """The values of ``names`` (``--opt VALUE`` or ``--opt=VALUE``)."""
    found: list[Word] = []
    for i, word in enumerate(words[1:], start=1):
        head, eq, value = word.text.partition("=")
        if head in names:
            if eq:
                found.append(word._replace(text=value, prefix=value if word.exact else ""))
            elif i + 1 < len(words):
                found.append(words[i + 1])
    return found


def _lisp(ctx: Context, raw: RawCommand, name: str) -> None:
    """Lisp may read, write or run anything (``(shell-command …)``, ``(delete-directory … t)``): not followed."""
    if _option_values(raw.words, _LISP_OPTIONS):
        ctx.unknown(f"`{name}` runs Lisp given on its command line, which may read, write or run anything", raw.via)


#: gdb options whose value is a debugger command, or a file of them
_GDB_COMMANDS = frozenset({"-ex", "--ex", "-iex", "--iex", "--eval-command", "--init-eval-command"})
_GDB_FILES = frozenset({"-x", "--command", "-ix", "--init-command"})
#: debugger commands that reach a shell, an interpreter or a file
_GDB_ESCAPE = re.compile(r"^\s*(?:shell\b|!|pipe\b|\||python|py\b|pi\b|guile|gu\b|source\b|compile\b|dump\b|"
                         r"restore\b|append\b|set\s+logging\b|call\s+(?:\(\w+\)\s*)?(?:system|execve?|popen)\b)")


def _debugger(ctx: Context, raw: RawCommand, name: str) -> None:
    """``gdb -ex 'shell rm -rf ~'`` runs a shell command: any command that reaches a shell, an
    interpreter or a file is not understood (``-ex bt`` is fine)."""
    for value in _option_values(raw.words, _GDB_FILES):
        ctx.unknown(f"`{name}` runs the debugger commands of `{value.source or value.text}`", raw.via)
    for value in _option_values(raw.words, _GDB_COMMANDS):
        if not value.exact or _GDB_ESCAPE.match(value.text):
            ctx.unknown(f"`{name}` command `{(value.source or value.text)[:60]}` may run a shell or load code",
                        raw.via)


#: sqlite3 options taking a value (the rest are flags); -cmd's value is a command to run first
_SQLITE_VALUES = frozenset({"-cmd", "-init", "-separator", "-newline", "-nullvalue", "-vfs", "-maxsize",
                            "-pagecache", "-lookaside", "-mmap", "-heap"})
#: dot-commands that reach a shell or load code
_SQLITE_ESCAPE = re.compile(r"^\s*\.(?:shell|system|load|sh)\b")


def _sql(words: list[Word]) -> list[Word]:
    """What ``sqlite3 [OPTIONS] DB [SQL...]`` runs: -cmd values, then the words after the database."""
    found: list[Word] = []
    i, db_seen = 1, False
    while i < len(words):
        text = words[i].text
        if text.startswith("-") and not db_seen:
            if text in _SQLITE_VALUES and i + 1 < len(words):
                if text == "-cmd":
                    found.append(words[i + 1])
                i += 1
        elif not db_seen:
            db_seen = True
        else:
            found.append(words[i])
        i += 1
    return found


def _sqlite(ctx: Context, raw: RawCommand, name: str) -> None:
    """``sqlite3 db '.shell rm -rf ~'`` runs a shell command, ``.load`` a library: not followed; its
    files (``.read``, ``.output``, ``readfile('…')``) are judged as inline code's words are."""
    for word in _sql(raw.words):
        if not word.exact:
            ctx.unknown(f"`{name}` runs SQL built at run time from `{word.source or word.text}`", raw.via)
        elif any(_SQLITE_ESCAPE.match(line) for line in word.text.splitlines() or [""]):
            ctx.unknown(f"`{name}` command `{word.text[:60]}` runs a shell or loads code", raw.via)
    for i, word in enumerate(raw.words[1:], start=1):
        if word.text == "-init" and i + 1 < len(raw.words):
            ctx.unknown(f"`{name} -init` runs the commands of `{raw.words[i + 1].text}`", raw.via)


#: an ed command that runs a shell: ``!cmd``, ``r !cmd``, ``w !cmd``, ``e !cmd`` (an address may lead)
_ED_SHELL = re.compile(r"^[\s\d,.$;'a-z+-]*?(?:[rwWe]\s*)?!", re.MULTILINE)


def _line_editor(ctx: Context, raw: RawCommand, name: str) -> None:
    """``ed`` runs the commands on its standard input: a shell escape there is not followed, nor
    are commands that come from a file or a program."""
    stdin = raw.stdin
    if stdin is None:
        return
    if stdin.kind != "literal":
        ctx.unknown(f"`{name}` runs the editor commands of {stdin.desc or 'its input'}", raw.via)
    elif _ED_SHELL.search(stdin.text):
        ctx.unknown(f"`{name}` runs a shell command from its input", raw.via)


def _options(words: list[Word], table: dict[str, str], *, clusters: bool) -> list[Word]:
    argv = [w.text for w in words]
    options, _ = split_argv(argv, frozenset(table), clusters=clusters)
    found: list[Word] = []
    for opt in options:
        name = opt.name if opt.name in table else argv[opt.at].partition("=")[0]
        need = table.get(name)
        if need is None or opt.value is None:
            continue
        value = opt.value
        if need:  # `-o ProxyCommand=cmd`, `-o 'ProxyCommand cmd'`, `--checkpoint-action=exec=cmd`
            head, value = value[: len(need)], value[len(need) :]
            if head.casefold() != need:
                continue
            value = value.lstrip(" =")
        source = words[opt.value_index] if opt.value_index >= 0 else words[opt.at]
        found.append(source._replace(text=value, prefix=value if source.exact else ""))
    return found


def _git(words: list[Word]) -> list[Word]:
    """``git -c KEY=VALUE`` before the subcommand, and ``git config KEY VALUE``."""
    found: list[Word] = []
    texts = [w.text for w in words]
    for i, text in enumerate(texts[:-1] if "-c" in texts else ()):
        if text == "-c":
            key, _, value = texts[i + 1].partition("=")
            script = _git_value(key, value)
            if script is not None:
                found.append(words[i + 1]._replace(text=script))
    if "config" in texts:
        operands = [i for i in range(texts.index("config") + 1, len(texts)) if not texts[i].startswith("-")]
        if len(operands) >= 2:
            script = _git_value(texts[operands[0]], texts[operands[1]])
            if script is not None:
                found.append(words[operands[1]]._replace(text=script))
    return found


def _git_value(key: str, value: str) -> str | None:
    key = key.casefold()
    if key.startswith("alias.") and value.startswith("!"):
        return value[1:]
    if key in GIT_CODE_KEYS:
        return value[1:] if value.startswith("!") else value
    return None


#: program -> how the commands of its own language are judged
_LANGUAGES: dict[str, Callable[[Context, RawCommand, str], None]] = {
    **dict.fromkeys(EDITORS, _editor), **dict.fromkeys(_LISP, _lisp), **dict.fromkeys(_DEBUGGERS, _debugger),
    **dict.fromkeys(_SQLITE, _sqlite), **dict.fromkeys(_LINE_EDITORS, _line_editor),
}
