"""Programs that run code they are given: shells, interpreters, eval, source.

A static script is parsed like the outer command (``bash -c 'rm -rf /'``
yields ``rm``); a script assembled at run time is parsed for what is visible
*and* reported as not understood; downloaded code is reported as
pipe-to-shell. Interpreter code (``python -c``) is kept as text for the
matcher's interpreter rules, never parsed as shell.
"""

from __future__ import annotations

import posixpath
from functools import lru_cache
from typing import TYPE_CHECKING

from hookgate.policy.match.shell.feed import Feed
from hookgate.policy.match.shell.tables import INTERPRETER_VALUES, SHELLS, STDIN_SHELLS, interpreter_code_opts
from hookgate.policy.match.shell.words import Word

if TYPE_CHECKING:
    from hookgate.policy.match.shell.analyze import RawCommand
    from hookgate.policy.match.shell.context import Context

__all__ = ["FOLLOWED", "consume", "follow", "inline_code", "ran_written", "run_script"]

_STDIN = frozenset({"-", "/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"})
#: programs :func:`follow` has something to do for (the rest skip the call)
FOLLOWED = SHELLS | STDIN_SHELLS | {"eval", "source", ".", "trap", "alias"}


def follow(ctx: Context, raw: RawCommand, program: str, name: str) -> None:
    """Parse or report whatever code this command runs."""
    words = raw.words
    if program in SHELLS:
        _shell(ctx, raw, name)
    elif program == "eval" and len(words) > 1:
        run_script(ctx, _joined(words[1:]), (*raw.via, "eval"))
    elif program in ("source", ".") and len(words) > 1:
        _script_operand(ctx, raw, words[1], name)
    elif program == "trap" and len(words) > 2 and not words[1].text.startswith("-"):
        run_script(ctx, words[1], (*raw.via, "trap"))
    elif program == "alias":
        for word in words[1:]:
            if "=" in word.text:
                value = word.text.split("=", 1)[1]
                run_script(ctx, Word(value, word.exact, "", word.source, word.pos, word.feed), (*raw.via, "alias"))
    elif program in STDIN_SHELLS and not any(w.text.startswith("-f") for w in words[1:]):
        consume(ctx, raw.stdin, f"`{name}`", (*raw.via, _label(raw, f"{name} stdin")))


def run_script(ctx: Context, word: Word, via: tuple[str, ...]) -> None:
    """Run ``word`` as a shell script (a ``-c`` body, an eval string, ``su -c``)."""
    ctx.script(word.text, via)
    if word.exact:
        return
    ctx.unknown(f"script built at run time from `{word.source or word.text}`", via)
    if word.feed is not None and word.feed.kind == "download":
        ctx.pipes[f"{word.feed.desc} run by `{via[-1]}`"] = None


def consume(ctx: Context, feed: Feed | None, who: str, via: tuple[str, ...]) -> None:
    """A shell reads its script from ``feed`` (stdin, ``<( )``, a heredoc)."""
    if feed is None or feed.kind == "file":
        return
    if feed.is_text:
        ctx.script(feed.text, via)
        if feed.kind == "dynlit":
            ctx.unknown(f"{who} runs a script built at run time ({feed.desc})", via[:-1])
    elif feed.kind == "download":
        ctx.pipes[f"{feed.desc} piped into {who}"] = None
        ctx.unknown(f"{who} runs downloaded code from {feed.desc}", via[:-1])
    else:
        ctx.unknown(f"{who} runs a script read from {feed.desc}", via[:-1])


def _shell(ctx: Context, raw: RawCommand, name: str) -> None:
    words = raw.words
    i, command_mode, stdin_mode = 1, False, False
    while i < len(words):
        word, text = words[i], words[i].text
        if not word.exact:
            if command_mode or word.feed is not None or word.prefix:
                break  # the -c body, a `<( )` script, or a script path
            ctx.unknown(f"`{name}` arguments built at run time from `{word.source}`", raw.via)
            return
        if text in ("-", "--"):
            i += 1
            break
        if text.startswith("--"):
            command_mode |= text == "--command"
            i += 2 if text in ("--rcfile", "--init-file") else 1
            continue
        if len(text) < 2 or text[0] not in "-+":
            break
        i += 1
        command_mode |= "c" in text
        stdin_mode |= "s" in text
        i += sum(1 for ch in text[1:] if ch in "oO")
    operands = words[i:]
    if command_mode:
        if operands:
            run_script(ctx, operands[0], (*raw.via, _label(raw, f"{name} -c")))
    elif operands and not stdin_mode and operands[0].text not in _STDIN:
        _script_operand(ctx, raw, operands[0], name)
    else:
        consume(ctx, raw.stdin, f"`{name}`", (*raw.via, _label(raw, f"{name} stdin")))


def _label(raw: RawCommand, what: str) -> str:
    """``sudo bash -c``: a nested script remembers the wrappers that launched its shell."""
    return " ".join((*raw.wrappers, what)) if raw.wrappers else what


def _script_operand(ctx: Context, raw: RawCommand, word: Word, name: str) -> None:
    if word.text in _STDIN:
        consume(ctx, raw.stdin, f"`{name}`", (*raw.via, f"{name} stdin"))
    elif word.feed is not None:
        consume(ctx, word.feed, f"`{name} {word.source}`", (*raw.via, f"{name} {word.source}"))
    else:
        ran_written(ctx, word, raw.via)


def ran_written(ctx: Context, word: Word, via: tuple[str, ...]) -> None:
    """Run a file an earlier command in the line wrote (``curl -o i.sh …; sh i.sh``, ``./i.sh``)."""
    feed = _written(ctx, word)
    if feed is not None:
        consume(ctx, feed, f"`{word.text}`", (*via, word.text))


def _written(ctx: Context, word: Word) -> Feed | None:
    if not ctx.written or not word.exact:
        return None
    return ctx.written.get(posixpath.normpath(word.text))


def inline_code(ctx: Context, raw: RawCommand, program: str) -> str | None:
    """The code an interpreter runs (``python -c CODE``, ``curl … | python``), if any."""
    opts = interpreter_code_opts(program)
    if opts is None:
        return None
    return _inline_code(ctx, raw, program, opts)


@lru_cache(maxsize=64)
def _shorts(opts: frozenset[str]) -> frozenset[str]:
    """Letters of the one-letter code options, which may end a cluster (``-Sc CODE``); once per table."""
    return frozenset(o[-1] for o in opts if len(o) == 2)


def _inline_code(ctx: Context, raw: RawCommand, program: str, opts: frozenset[str]) -> str | None:
    words = raw.words
    codes: list[Word] = []
    shorts = _shorts(opts) if program not in ("pwsh", "powershell") else frozenset()
    i, from_file = 1, False
    while i < len(words):
        text = words[i].text
        if text == "--" or len(text) < 2 or not text.startswith("-"):
            break
        name = text.partition("=")[0] if text.startswith("--") else text
        if name in opts or (len(text) <= 5 and text[1:].isalpha() and text[-1] in shorts):
            if "=" in text and text.startswith("--"):
                codes.append(Word(text.partition("=")[2]))
            elif i + 1 < len(words):
                codes.append(words[i + 1])
                i += 1
        elif name == "-m" and program.startswith(("python", "pypy")):
            return None  # python -m module
        elif name in INTERPRETER_VALUES:
            from_file |= name == "-f"
            i += 1
        i += 1
    if codes:
        return _code_words(ctx, raw, codes, program)
    rest = words[i:]
    if not opts and rest and not from_file:  # awk 'PROGRAM' files
        return _code_words(ctx, raw, rest[:1], program)
    if rest and rest[0].text not in _STDIN:
        operand = rest[0]
        feed = operand.feed if operand.feed is not None else _written(ctx, operand)
        return _code_feed(ctx, raw, feed, program) if feed is not None else None
    return _code_feed(ctx, raw, raw.stdin, program)


def _code_words(ctx: Context, raw: RawCommand, codes: list[Word], program: str) -> str:
    for word in codes:
        if not word.exact:
            ctx.unknown(f"`{program}` runs code built at run time from `{word.source or word.text}`", raw.via)
            if word.feed is not None and word.feed.kind == "download":
                ctx.pipes[f"{word.feed.desc} run by `{program}`"] = None
    return "\n".join(w.text for w in codes)


def _code_feed(ctx: Context, raw: RawCommand, feed: Feed | None, program: str) -> str | None:
    if feed is None or feed.kind == "file":
        return None
    if feed.kind == "literal":
        return feed.text
    if feed.kind == "download":
        ctx.pipes[f"{feed.desc} piped into `{program}`"] = None
        ctx.unknown(f"`{program}` runs downloaded code from {feed.desc}", raw.via)
    else:
        ctx.unknown(f"`{program}` runs code read from {feed.desc}", raw.via)
    return feed.text or None


def _joined(words: list[Word]) -> Word:
    text = " ".join(w.text for w in words)
    exact = all(w.exact for w in words)
    feeds = [w.feed for w in words if w.feed is not None]
    return Word(text, exact, text if exact else "", " ".join(w.source or w.text for w in words), words[0].pos,
                feeds[0] if feeds else None)
