"""Commands hidden in options and variables: ``git -c alias.x='!rm -rf /'``,
``tar --to-command=…``, ``ssh -o ProxyCommand=…``, ``GIT_SSH_COMMAND=… git fetch``.

The value is parsed as the shell script it will become, so the commands in it
meet the same rules as any other command.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from hookgate.policy.match.shell.argv import split_argv
from hookgate.policy.match.shell.consumers import run_script
from hookgate.policy.match.shell.tables import CODE_OPTIONS, GIT_CODE_KEYS
from hookgate.policy.match.shell.words import Word

if TYPE_CHECKING:
    from hookgate.policy.match.shell.analyze import RawCommand
    from hookgate.policy.match.shell.context import Context

__all__ = ["EDITORS", "ESCAPING", "option_scripts"]

#: editors whose start-up ex commands (``-c CMD``, ``--cmd CMD``, ``+CMD``) may run a shell (``!cmd``)
EDITORS = frozenset({"vi", "vim", "nvim", "view", "vimdiff", "ex", "rvim", "gvim"})
ESCAPING = frozenset(CODE_OPTIONS) | {"git"} | EDITORS
_EX_PREFIX = re.compile(r"^[:\s]*(?:sil(?:ent)?!?\s*)?(?:exe(?:cute)?\s+)?")
# a `!` that starts a shell command: first, after a space, a range (`%!sort`) or a bar; not `q!`/`wq!` (force)
_EX_SHELL = re.compile(r"(?:^|[\s|%.,$\d'<>])!|\bsystem\s*\(|\bterm(?:inal)?\b|\bjob_?start\b|"
                       r"\blua(?:do|file)?\b|\bpy(?:thon)?3?\b|\bperl\b|\bruby\b|\bso(?:urce)?\b|\bruntime\b")


def option_scripts(ctx: Context, raw: RawCommand, program: str, name: str) -> None:
    """Parse the command lines ``program`` would run from its options."""
    if program in EDITORS:
        _editor(ctx, raw, name)
        return
    found = _git(raw.words) if program == "git" else _options(raw.words, CODE_OPTIONS[program],
                                                               clusters=program != "zip")
    via = (*raw.via, f"{name} option") if found else raw.via
    for word in found:
        run_script(ctx, word, via)


def _editor(ctx: Context, raw: RawCommand, name: str) -> None:
    """``vim -c '!rm -rf /'`` runs the shell command; any other way an ex command can reach a shell or
    load code (``r !cmd``, ``call system(…)``, ``:terminal``, ``:source``) is not understood."""
    words = raw.words
    commands: list[Word] = []
    for i, word in enumerate(words[1:], start=1):
        if word.text.startswith("+") and len(word.text) > 1:
            commands.append(word._replace(text=word.text[1:]))
        elif word.text in ("-c", "--cmd") and i + 1 < len(words):
            commands.append(words[i + 1])
        elif word.text in ("-S", "-u") and i + 1 < len(words):  # a session or vimrc file: any ex command
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
