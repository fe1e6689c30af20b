"""Analyse one simple command: record it, then follow what it runs.

For every command the analyser records a :class:`SimpleCommand`, its file
targets, and then follows the programs that run other code: wrappers
(``sudo rm``), ``find -exec``, shells (``bash -c``), interpreters, ``eval``.
It returns the command's output feed for the next pipeline stage.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from hookgate.policy.match.shell import consumers, escapes
from hookgate.policy.match.shell.context import MAX_DEPTH
from hookgate.policy.match.shell.effects import (
    NO_TARGETS,
    SPECIAL,
    TABLED,
    Targets,
    file_targets,
    keep,
    output_feed,
    static_target,
)
from hookgate.policy.match.shell.feed import NOTHING, Feed, combine
from hookgate.policy.match.shell.links import LINKERS, links_made
from hookgate.policy.match.shell.model import Maybe, SimpleCommand, new_record
from hookgate.policy.match.shell.operands import (
    CODE,
    MANY,
    READER,
    Candidate,
    Operands,
    code_words,
    maybe_how,
    operand_role,
    operand_words,
)
from hookgate.policy.match.shell.redirects import Redirect
from hookgate.policy.match.shell.tables import DOWNLOADERS, READERS, WRAPPERS, WRITERS, interpreter_code_opts
from hookgate.policy.match.shell.unwrap import Unwrapped, found_paths, unwrap, unwrap_find
from hookgate.policy.match.shell.words import Word, location

if TYPE_CHECKING:
    from hookgate.policy.match.shell.context import Context

__all__ = ["RawCommand", "analyze"]



class RawCommand(NamedTuple):
    words: list[Word]
    env: list[tuple[str, str]]
    redirects: tuple[Redirect, ...]
    stdin: Feed | None
    via: tuple[str, ...]
    wrappers: tuple[str, ...]
    text: str
    src: bytes = b""  # the script the words came from (for positions in messages)
    open_tail: str | None = None  # static prefix of words appended at run time (xargs)


def analyze(ctx: Context, raw: RawCommand) -> Feed:
    words = raw.words
    if not words:
        _record(ctx, file_targets("", [], raw.redirects))
        return NOTHING
    first = words[0]
    if not first.exact:
        return _dynamic_program(ctx, raw, first)
    name = first.text
    if "/" in name:
        name = name.rpartition("/")[2] or name
    program = name.casefold()
    if not raw.redirects and raw.open_tail is None and _plain(program):  # keep _plain's tables in step with below
        return _plain_command(ctx, raw, name, program)
    targets = file_targets(program, words, raw.redirects) if raw.redirects or program in TABLED else NO_TARGETS
    if raw.open_tail is not None and program in WRITERS:
        targets = Targets([*targets.writes, _open_target(raw.open_tail)], targets.reads)
    if raw.open_tail is not None and READERS.get(program, _NO_OPERANDS)[2] != "none":  # `| xargs cat`
        targets = Targets(targets.writes, [*targets.reads, _open_target(raw.open_tail)])
    role = operand_role(program)
    found: Operands | None = None
    if role is not None:
        found = operand_words(role, program, words, raw.open_tail)
        read_at, write_at = found[0], found[1]
        if read_at or write_at:  # an interpreter's script; perl -ne/-pi's files
            targets = Targets([*targets.writes, *(words[i] for i in write_at)],
                              [*targets.reads, *(words[i] for i in read_at)])
    if ctx.cd is not None and (targets.writes or targets.reads):
        targets = _after_cd(ctx.cd, targets)
    code = consumers.inline_code(ctx, raw, program) if interpreter_code_opts(program) is not None else None
    # vim -c CMD, emacs --eval LISP, sqlite3 DB SQL: only the files that code names (how it reaches a
    # shell is escapes' to judge, so it is no inline code whose program names count)
    named = escapes.code_in_words(raw, program) if program in escapes.CODE_IN_WORDS else code
    maybe = _maybe(ctx, program, role, found, named) if (found is not None and found[2]) or named else ()
    if role is not None:
        _untabled(ctx, raw, role, program)
    _emit(ctx, raw, name, program, targets, code, maybe)
    if program in WRAPPERS or program == "find":
        if program in escapes.ESCAPING:  # ssh -o ProxyCommand=…
            escapes.option_scripts(ctx, raw, program, name)
        out = _wrapped(ctx, raw, program, name)
    else:
        if program in consumers.FOLLOWED:
            consumers.follow(ctx, raw, program, name)
        elif program in escapes.ESCAPING:
            escapes.option_scripts(ctx, raw, program, name)
        if ctx.written:
            consumers.ran_written(ctx, first, raw.via)
        out = (new_record(Feed, ("opaque", "", f"`{name}` output")) if raw.stdin is None and program not in SPECIAL
               and not any([w.feed for w in words]) else output_feed(program, words, raw.stdin))
        if targets.writes and program in _FILLS:
            _remember_fills(ctx, program, targets, raw.stdin)
        if program in _CD:
            _cd(ctx, program, words)
        elif program in LINKERS:
            since = len(ctx.commands)  # this command is recorded: the link holds for the ones after it
            ctx.links.update((link, (target, since)) for link, target in links_made(program, words))
    return _stdout(ctx, raw, out) if raw.redirects and not raw.wrappers else out


_FILLS = DOWNLOADERS | {"tee"}
_NO_OPERANDS: tuple[frozenset[str], frozenset[str], str] = (frozenset(), frozenset(), "none")
_CD = frozenset({"cd", "pushd", "popd"})


@lru_cache(maxsize=1024)
def _plain(program: str) -> bool:
    """No table gives ``program`` a role (files, code, a wrapped command, a special output):
    the per-program lookups :func:`analyze` makes, answered once per program name."""
    roles = (TABLED, WRITERS, WRAPPERS, consumers.FOLLOWED, escapes.ESCAPING, SPECIAL, _FILLS, _CD, LINKERS, ("find",))
    return not any(program in table for table in roles) and interpreter_code_opts(program) is None


def _plain_command(ctx: Context, raw: RawCommand, name: str, program: str) -> Feed:
    """What :func:`analyze` does for a :func:`_plain` program without redirections: record it, and
    note a script an earlier command wrote being run."""
    role = operand_role(program)
    maybe: tuple[Maybe, ...] = ()
    if role is not None:
        if len(raw.words) > 1:
            maybe = _maybe(ctx, program, role, operand_words(role, program, raw.words, None), None)
        _untabled(ctx, raw, role, program)
    _emit(ctx, raw, name, program, NO_TARGETS, None, maybe)
    if ctx.written:
        consumers.ran_written(ctx, raw.words[0], raw.via)
    if raw.stdin is None and not any([w.feed for w in raw.words]):
        return new_record(Feed, ("opaque", "", f"`{name}` output"))
    return output_feed(program, raw.words, raw.stdin)


def _untabled(ctx: Context, raw: RawCommand, role: str, program: str) -> None:
    """Note a command whose words may name files (it is recorded next), for the variables of the line
    (:mod:`~hookgate.policy.match.shell.variables`); its prefix assignments make the line one that has some."""
    ctx.untabled.append((len(ctx.commands), role, program, raw.words, raw.env, ctx.cd))
    if raw.env and ctx.values is None:
        ctx.values = {}


def _cd(ctx: Context, program: str, words: list[Word]) -> None:
    """Follow `cd`, so `cd ~/.ssh && cat id_rsa` also reports `~/.ssh/id_rsa`."""
    args = [w for w in words[1:] if not (w.exact and w.text.startswith("-") and w.text != "-")]
    if program == "popd" or (args and (not args[0].exact or args[0].text == "-")):
        ctx.cd = (args[0].source if args and program != "popd" else f"`{program}`", False)
        return
    target = args[0].text if args else "~"
    if (program != "popd" and "CDPATH" in ctx.text and not target.startswith(("/", "~", "./", "../"))
            and target not in (".", "..")):
        ctx.cd = (f"`{target}` (looked up in CDPATH)", False)  # bash tries each CDPATH folder first
        return
    _chdir(ctx, target)


def _chdir(ctx: Context, target: str) -> None:
    """Move to the literal folder ``target`` (a relative one below where an earlier move went)."""
    if target.startswith(("/", "~")) or ctx.cd is None:
        ctx.cd = (target, True)
    elif ctx.cd[1]:
        ctx.cd = (posixpath.join(ctx.cd[0], target), True)
    # else: a relative move after one built at run time stays unknown


def _after_cd(cd: tuple[str, bool], targets: Targets) -> Targets:
    """Relative targets are reported as written *and* below the directory `cd` moved to: a
    `cd` inside a subshell does not outlive it, so both readings stay (over-matching is safe)."""
    return Targets(_moved(cd, targets.writes), _moved(cd, targets.reads))


def _moved(cd: tuple[str, bool], words: list[Word]) -> list[Word]:
    """``words`` and, for each relative one, the same below the directory `cd` moved to."""
    out = list(words)
    for w in words:
        moved = _move(cd, w)
        if moved is not None:
            out.append(moved)
    return out


def _move(cd: tuple[str, bool], w: Word) -> Word | None:
    """A relative word below the directory `cd` moved to (``known``: a literal one); None if absolute."""
    base, known = cd
    if w.text.startswith(("/", "~")):
        return None
    text = posixpath.join(base, w.text)
    if w.feed is not None:  # a walk below a relative folder (`cd ~ && grep -r x .`) moves too
        if w.feed.kind != "paths":
            return None
        return (w._replace(text=text, prefix=posixpath.join(base, w.prefix)) if known
                else Word(text, False, "", text, w.pos))
    exact = known and w.exact
    return Word(text, exact, text if exact else "", text, w.pos, None, known and w.glob)


def _maybe(ctx: Context, program: str, role: str | None, operands: Operands | None, code: str | None
           ) -> tuple[Maybe, ...]:
    """The words of this command (and the paths its inline code names) that may name files it reads or
    writes (see ``operands``), as records; relative ones also below the directory an earlier `cd` moved to."""
    if role is not None and operands is not None and code is None and ctx.cd is None:
        found = operands[3]
    else:
        records: dict[Maybe, None] = {}
        if role is not None and operands is not None:
            _add_maybe(ctx, records, operands[2], program, maybe_how(role), role != READER)
        if code:
            paths, many = code_words(code)
            _add_maybe(ctx, records, paths, program, CODE, True)
            if many:
                records[new_record(Maybe, ("", "", program, MANY, True))] = None
        found = tuple(records)
    if found:
        ctx.maybe.update(dict.fromkeys(found))
    return found


def _add_maybe(ctx: Context, found: dict[Maybe, None], candidates: Iterable[Candidate], program: str, how: str,
               writes: bool) -> None:
    cd = ctx.cd
    base = cd[0] if cd is not None and cd[1] else None  # a `cd` to a folder built at run time: not followed
    for path, word in candidates:
        found[new_record(Maybe, (path, word, program, how, writes))] = None
        if base is not None and path[:1] not in ("/", "~"):
            found[new_record(Maybe, (posixpath.join(base, path), word, program, how, writes))] = None


def _remember_fills(ctx: Context, program: str, targets: Targets, stdin: Feed | None) -> None:
    """What a downloader (``curl -o f``) or ``tee f`` put in a file, for a later ``sh f``."""
    feed = Feed("download", desc=f"`{program}`") if program in DOWNLOADERS else (stdin or NOTHING)
    for word in targets.writes:
        if word.exact:
            ctx.written[posixpath.normpath(word.text)] = feed


def _stdout(ctx: Context, raw: RawCommand, out: Feed) -> Feed:
    """``cmd > f``: remember what went into ``f``; nothing reaches a pipe."""
    sent = False
    for r in raw.redirects:
        if r.target is not None and r.stdout and r.target.exact:
            path = posixpath.normpath(r.target.text)
            before = ctx.written.get(path) if r.op.endswith(">>") else None
            ctx.written[path] = combine([before, out]) if before is not None else out
            sent = True
    return NOTHING if sent else out


def _emit(ctx: Context, raw: RawCommand, name: str, program: str, targets: Targets, code: str | None,
          maybe: tuple[Maybe, ...] = ()) -> None:
    words = raw.words
    inexact: tuple[tuple[int, str], ...] = ()
    if False in [w.exact for w in words]:
        inexact = tuple((k, w.prefix) for k, w in enumerate(words) if not w.exact)
    if raw.open_tail is not None:
        inexact += ((len(words), raw.open_tail),)
    argv = [w.text for w in words]
    argv[0] = name
    writes: tuple[str, ...] = ()
    reads: tuple[str, ...] = ()
    if targets.writes or targets.reads:
        writes = _record_kept(targets.writes, ctx.writes, ctx.unknown_writes)
        reads = _record_kept(targets.reads, ctx.reads, ctx.unknown_reads)
    ctx.commands.append(new_record(SimpleCommand, (
        tuple(argv),
        words[0].source or words[0].text,
        program,
        tuple(raw.env) if raw.env else (),
        raw.wrappers,
        raw.via,
        inexact,
        writes,
        reads,
        raw.stdin.desc if raw.stdin is not None else None,
        code,
        raw.text,
        tuple(k for k, w in enumerate(words) if w.glob) if inexact else (),
        maybe,
    )))


def _record_kept(words: list[Word], static: dict[str, None], built: dict[str, None]) -> tuple[str, ...]:
    """Record the targets worth reporting (as :func:`_record` does); return the static ones, in order."""
    out: list[str] = []
    for word in words:
        if keep(word):
            if static_target(word):
                out.append(word.text)
                static[word.text] = None
            else:
                built[word.text] = None
    return tuple(out)


def _record(ctx: Context, targets: Targets) -> None:
    for word in targets.writes:
        if keep(word):
            (ctx.writes if static_target(word) else ctx.unknown_writes)[word.text] = None
    for word in targets.reads:
        if keep(word):
            (ctx.reads if static_target(word) else ctx.unknown_reads)[word.text] = None


def _dynamic_program(ctx: Context, raw: RawCommand, first: Word) -> Feed:
    ctx.unknown(f"dynamic program name `{first.source or first.text}` at {location(raw.src, first.pos)}", raw.via)
    if first.feed is not None and first.feed.kind == "download":
        ctx.pipes[f"{first.feed.desc} run as a command"] = None
    targets = file_targets("", raw.words, raw.redirects)
    ctx.commands.append(SimpleCommand(
        argv=tuple(w.text for w in raw.words), argv0_original=first.source or first.text, program="",
        env=tuple(raw.env), wrappers=raw.wrappers, via=raw.via,
        inexact=tuple((k, w.prefix) for k, w in enumerate(raw.words) if not w.exact), stdin=None, text=raw.text))
    _record(ctx, targets)
    return Feed("opaque", desc=f"`{first.source}` output")


def _wrapped(ctx: Context, raw: RawCommand, program: str, name: str) -> Feed:
    if len(raw.wrappers) >= MAX_DEPTH:
        ctx.unknown(f"too many nested wrappers around `{name}`", raw.via)
        return Feed("opaque", desc=f"`{name}` output")
    if program == "find":
        inner, writes = unwrap_find(raw.words)
        _record(ctx, _targets(writes))
        for argv in inner:
            analyze(ctx, _inner(raw, name, argv, [], stdin=None))
        return output_feed("find", raw.words, raw.stdin)
    spec = WRAPPERS[program]
    words = raw.words
    if program == "coproc" and len(words) > 2 and words[2].text in ("{", "("):
        words = [words[0], *words[2:]]  # coproc NAME { ...; }
    got = unwrap(spec, words)
    if got.writes or got.reads:
        _record(ctx, Targets(list(got.writes), list(got.reads)))
    if got.scripts:
        label = f"{name} {spec.subcommand.split('|')[0]}".strip()
        for script in got.scripts:
            consumers.run_script(ctx, script, (*raw.via, label))
    if program in ("sudo", "sudoedit") and got.options & {"-e", "--edit"}:
        _record(ctx, _targets([w for w in raw.words[1:] if not w.text.startswith("-")][-1:]))
    root = got.root
    if root is not None and got.inner and not (root.exact and root.text.strip("/") == ""):
        # every absolute path of the command is below ROOT (chroot /home/u cat /.ssh/id_rsa reads
        # /home/u/.ssh/id_rsa): not followed, so the command counts as not understood
        ctx.unknown(f"`{name}` runs the command with `{root.source or root.text}` as its root folder, "
                    "so its paths name other files than they say", raw.via)
    if got.chdir is None:
        return _run_inner(ctx, raw, program, name, got)
    outer = ctx.cd  # env -C DIR cmd: cmd's relative paths are below DIR, as after `cd DIR` (for cmd only)
    _enter(ctx, got.chdir)
    try:
        return _run_inner(ctx, raw, program, name, got)
    finally:
        ctx.cd = outer


def _enter(ctx: Context, folder: Word) -> None:
    """The working folder a wrapper's option gives its command, as :func:`_cd` follows `cd`."""
    if folder.exact:
        _chdir(ctx, folder.text)
    else:
        ctx.cd = (folder.source or folder.text, False)


def _run_inner(ctx: Context, raw: RawCommand, program: str, name: str, got: Unwrapped) -> Feed:
    out: Feed = NOTHING
    for argv in got.inner:
        if program == "xargs":
            sub = _xargs_tail(_inner(raw, name, argv, got.env, stdin=None), raw.stdin, got.options)
        else:
            sub = _inner(raw, name, argv, got.env, stdin=raw.stdin)
        out = analyze(ctx, sub)
    if program == "xargs" and not got.inner:
        analyze(ctx, _inner(raw, name, [Word("echo")], got.env, stdin=None))
    return out if got.inner else new_record(Feed, ("opaque", "", f"`{name}` output"))


def _xargs_tail(sub: RawCommand, stdin: Feed | None, options: set[str]) -> RawCommand:
    """xargs appends words read from stdin: known when stdin is a literal."""
    plain = not options & {"-I", "-i", "-0", "--null", "-d", "--delimiter", "-a", "--arg-file", "--replace"}
    if stdin is not None and stdin.kind == "literal" and plain:
        return sub._replace(words=sub.words + [Word(t) for t in stdin.text.split()])
    if stdin is not None and stdin.kind == "paths":
        return sub._replace(open_tail=(stdin.text.rstrip("/") or "/") + "/")
    return sub._replace(open_tail="")


def _inner(raw: RawCommand, name: str, argv: list[Word], env: list[tuple[str, str]],
           stdin: Feed | None) -> RawCommand:
    return RawCommand(list(argv), raw.env + env, raw.redirects, stdin, raw.via, (*raw.wrappers, name), raw.text,
                      raw.src, None)


def _open_target(prefix: str | None) -> Word:
    """The files xargs appends: under find's root when fed by find, else anything."""
    if prefix:
        return found_paths(prefix.rstrip("/") or "/")
    return Word("{xargs input}", False, "", "{xargs input}")


def _targets(writes: list[Word]) -> Targets:
    return Targets(list(writes), [])
