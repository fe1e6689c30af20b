"""Files a command writes or reads, and what it prints to stdout.

Writes come from redirections and from programs whose job is writing
(``tee``, ``dd of=``, ``cp``'s destination, ``curl -o``, ``sed -i``...);
reads from ``<`` and the cat family (plus ``curl -T``/``-d @file`` uploads).
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote

from hookgate.policy.match.shell.argv import split_argv
from hookgate.policy.match.shell.feed import Feed, combine
from hookgate.policy.match.shell.literal import decode, echo_output, printf_output
from hookgate.policy.match.shell.model import new_record
from hookgate.policy.match.shell.redirects import HARMLESS, Redirect
from hookgate.policy.match.shell.tables import DIR_WRITERS, DOWNLOADERS, READERS, RECURSIVE, SINGLE_DASH, WRITERS
from hookgate.policy.match.shell.unwrap import find_roots, found_paths
from hookgate.policy.match.shell.words import Word

__all__ = ["NO_TARGETS", "SPECIAL", "TABLED", "Targets", "file_targets", "keep", "output_feed", "static_target"]


#: options that give sed/awk their script, grep/rg their pattern, jq its filter: then no operand is the script
_SCRIPT_OPTS = frozenset({"-e", "--expression", "-f", "--file", "--source", "--regexp", "--from-file"})
_TAR_VALUES = frozenset({"-f", "--file", "-C", "--directory", "-T", "--files-from", "-X", "--exclude-from", "-I",
                         "--use-compress-program", "--to-command", "-b", "--blocking-factor", "-H", "--format",
                         "-g", "--listed-incremental", "-N", "--newer", "-V", "--label", "--exclude"})
_TARGET_OPTS = frozenset({"-t", "--target-directory"})
_FD_PATH = re.compile(r"^/dev/fd/\d+$|^/proc/self/fd/\d+$")
_SED_IN_PLACE = re.compile(r"^(?:-[a-zA-Z]*i.*|--in-place(?:=.*)?)$")
_PASSTHROUGH = frozenset({"cat", "tee", "pv", "buffer", "dd", "head", "tail", "sort", "uniq"})
SPECIAL = DOWNLOADERS | _PASSTHROUGH | {"echo", "printf", "find"}


class Targets:
    """Written and read words of one command."""

    __slots__ = ("reads", "writes")

    def __init__(self, writes: list[Word] | None = None, reads: list[Word] | None = None) -> None:
        self.writes: list[Word] = writes if writes is not None else []
        self.reads: list[Word] = reads if reads is not None else []


NO_TARGETS = Targets()  # shared by the many commands with no targets; never mutated
TABLED = frozenset(WRITERS) | frozenset(READERS) | frozenset(DIR_WRITERS) | {"dd", "tar", "bsdtar", "gtar"}


def file_targets(program: str, words: list[Word], redirects: tuple[Redirect, ...]) -> Targets:
    if not redirects and program not in TABLED:
        return NO_TARGETS
    out = Targets()
    for r in redirects:
        if r.target is not None and r.writes:
            out.writes.append(r.target)
        elif r.target is not None and r.reads and r.target.feed is None:
            out.reads.append(r.target)
    if program in TABLED:
        argv = [w.text for w in words]
        _table(program, words, argv, out)
    return out


def _table(program: str, words: list[Word], argv: list[str], out: Targets) -> None:
    if program in ("tar", "bsdtar", "gtar"):
        _tar(words, argv, out)
        return
    if program == "dd":
        for w in words[1:]:
            if w.text.startswith("of="):
                out.writes.append(_tail(w, 3))
            elif w.text.startswith("if="):
                out.reads.append(_tail(w, 3))
        return
    if program in WRITERS:
        values, opt_writes, mode = WRITERS[program]
        _collect(words, argv, values, opt_writes, mode, out.writes)
    if program in READERS:
        values, opt_reads, mode = READERS[program]
        before = len(out.reads)
        _collect(words, argv, values, opt_reads, mode, out.reads)
        if program in RECURSIVE and _recursive(program, argv, values):
            _walk_folders(out.reads, before)
    if program in _FILE_URL_READERS:
        _file_urls(words, out)
    if program == "curl":
        _curl_uploads(words, argv, out)
    elif program == "ssh-keygen":
        _ssh_keygen_reads(words, argv, out)
    elif program == "ln":
        _hard_link(words, argv, out)
    if program in DIR_WRITERS:
        _dir_writes(program, argv, out)


def _dir_writes(program: str, argv: list[str], out: Targets) -> None:
    """``unzip -d DIR``, ``patch -d DIR``, ``pip install --target DIR``: names not on the line are written
    below DIR (below the working directory, for programs that write there when no option says)."""
    values, dir_opts, in_cwd = DIR_WRITERS[program]
    options, _ = split_argv(argv, values)
    dirs = [o.value for o in options if o.name in dir_opts and o.value]
    if dirs:
        out.writes.extend(found_paths(d, through_links=True) for d in dirs)
    elif in_cwd:
        out.writes.append(found_paths(".", through_links=True))


def _collect(words: list[Word], argv: list[str], values: frozenset[str], opt_files: frozenset[str], mode: str,
             into: list[Word]) -> None:
    if mode == "all" and not any([a[:1] == "-" for a in argv[1:]]):  # `cat f`, `rm x`: every word is a file
        into.extend(words[1:])
        return
    options, operands = split_argv(argv, values, clusters=argv[0].casefold() not in SINGLE_DASH)
    for opt in options:
        if opt.name in opt_files and opt.value is not None:
            into.append(words[opt.value_index] if opt.value_index >= 0 else Word(opt.value))
    if mode == "none":
        return
    if mode == "sed" and not any(_SED_IN_PLACE.match(a) for a in argv[1:]):
        return
    if mode in ("sed", "after_script"):  # sed/awk SCRIPT files..., grep PATTERN files...: unless -e/-f gave it
        has_script = any(o.name in _SCRIPT_OPTS for o in options)
        operands = operands if has_script else operands[1:]
        mode = "all"
    if any(o.name in opt_files for o in options) and mode == "last":
        return  # cp -t DIR src...: the destination was an option
    if mode == "sources":  # cp SRC... DST, or cp -t DST SRC...
        mode = "all" if any(o.name in _TARGET_OPTS for o in options) else "but_last"
    into.extend(words[i] for i in _pick(mode, operands))


def _recursive(program: str, argv: list[str], values: frozenset[str]) -> bool:
    flags = RECURSIVE[program]
    if flags is None:
        return True
    options, _ = split_argv(argv, values)
    return any(o.name in flags for o in options)


def _walk_folders(reads: list[Word], start: int) -> None:
    """``grep -r x DIR``, ``cp -r DIR``, ``tar c DIR``: a folder operand is read all the way down, so
    each one also counts as ``DIR/{}`` (some path below it; nothing, for a plain file). A wildcard
    operand (``/ho*``) counts as a walk below the folder it lists, where all it may name lies."""
    walks = []
    for w in reads[start:]:
        if w.feed is not None or w.text == "-":
            continue
        if w.exact:
            walks.append(found_paths(w.text))
        elif w.glob:
            folder = w.prefix.rpartition("/")[0] if "/" in w.prefix else "."
            walks.append(found_paths(folder or "/"))
    reads.extend(walks)


#: ssh-keygen modes that open the key (or known_hosts, KRL, signers file) named by ``-f`` instead of making one there
_KEYGEN_READS = frozenset({"-y", "-l", "-B", "-e", "-i", "-p", "-c", "-L", "-F", "-R", "-H", "-Q", "-Y", "-s"})


def _ssh_keygen_reads(words: list[Word], argv: list[str], out: Targets) -> None:
    """``ssh-keygen -y -f KEY`` prints the public half of KEY (``-l``, ``-e``, ``-p``, ``-Y sign`` also read
    it); ``-s CA`` signs the keys named as operands with the CA key. A new key (``-t``/``-b`` alone) is
    only written, as the writer table says."""
    options, operands = split_argv(argv, WRITERS["ssh-keygen"][0])
    names = {o.name for o in options}
    for opt in options:
        if opt.value is not None and (opt.name == "-s" or (opt.name == "-f" and names & _KEYGEN_READS)):
            out.reads.append(words[opt.value_index] if opt.value_index >= 0 else Word(opt.value))
    if "-s" in names or "-Q" in names:
        out.reads.extend(words[i] for i in operands)


def _hard_link(words: list[Word], argv: list[str], out: Targets) -> None:
    """``ln FILE NAME``: a second name for FILE, through which a later command reads or writes it
    (path rules judge names, and a hard link is not a symlink they can follow): FILE counts as
    both read and written now. ``ln -s`` makes a symlink, which later resolution follows."""
    options, operands = split_argv(argv, WRITERS["ln"][0])
    if any(o.name in ("-s", "--symbolic") for o in options):
        return
    to_dir = any(o.name in _TARGET_OPTS for o in options)
    sources = operands if to_dir or len(operands) == 1 else operands[:-1]
    out.reads.extend(words[i] for i in sources)
    out.writes.extend(words[i] for i in sources)


def _pick(mode: str, operands: list[int]) -> list[int]:
    if mode == "all":
        return operands
    if mode == "skip1":
        return operands[1:]
    if mode == "last":
        return operands[-1:] if len(operands) > 1 else []
    if mode == "but_last":
        return operands[:-1]
    return operands[:1] if mode == "first" else []


def _tar(words: list[Word], argv: list[str], out: Targets) -> None:
    """``tar czf out.tgz ~/.ssh`` reads ``~/.ssh`` and writes ``out.tgz``; ``tar xf a.tar`` reads ``a.tar``."""
    if len(argv) > 1 and argv[1][:1] not in ("-", ""):  # old style: `tar czf ARCHIVE ...`
        argv = [argv[0], "-" + argv[1], *argv[2:]]
    options, operands = split_argv(argv, _TAR_VALUES)
    names = {o.name for o in options}
    archives = [words[o.value_index] if o.value_index >= 0 else Word(o.value or "") for o in options
                if o.name in ("-f", "--file") and o.value is not None]
    creating = bool(names & {"-c", "--create", "-r", "--append", "-u", "--update"})
    (out.writes if creating else out.reads).extend(a for a in archives if a.text != "-")
    if names & {"-x", "--extract", "--get"}:  # unpacks unknown names under -C DIR (or the cwd)
        dirs = [o.value for o in options if o.name in ("-C", "--directory") and o.value]
        out.writes.append(found_paths(dirs[-1] if dirs else ".", through_links=True))
    if creating:
        start = len(out.reads)
        into = [(o.at, words[o.value_index] if o.value_index >= 0 else Word(o.value or "", words[o.at].exact))
                for o in options if o.name in ("-C", "--directory")]
        out.reads.extend(_in_dir(words[i], [w for at, w in into if at < i]) for i in operands)
        if "--no-recursion" not in names:
            _walk_folders(out.reads, start)
        out.reads.extend(words[o.value_index] for o in options
                         if o.name in ("-T", "--files-from") and o.value_index >= 0)


def _in_dir(word: Word, dirs: list[Word]) -> Word:
    """A name tar reads after ``-C DIR`` (each -C changes folder from the one before): inside DIR."""
    if not dirs or word.text.startswith("/"):
        return word
    path = word.text
    for d in reversed(dirs):
        if not (d.exact and word.exact):
            return Word(posixpath.join(d.text, path), False, "", word.source, word.pos)
        path = posixpath.join(d.text, path)
        if d.text.startswith(("/", "~")):
            break
    return Word(path, True, path, word.source, word.pos)


#: downloaders that read a local file given as a ``file://`` URL
_FILE_URL_READERS = frozenset({"curl", "wget"})


def _file_urls(words: list[Word], out: Targets) -> None:
    """``curl file:///home/u/.ssh/id_rsa`` reads the file (its path percent-decoded, as curl does; a
    ``localhost`` host is the local one). One built at run time is a path built at run time."""
    for w in words[1:]:
        if w.text[:7].lower() != "file://":
            continue
        if not w.exact:
            out.reads.append(w)
            continue
        rest = w.text[7:]
        if rest[:10].lower() == "localhost/":
            rest = rest[9:]
        path = unquote(rest.partition("?")[0].partition("#")[0])
        if path.startswith("/"):  # (another host: not a local file, curl refuses it)
            out.reads.append(Word(path))


def _curl_uploads(words: list[Word], argv: list[str], out: Targets) -> None:
    options, _ = split_argv(argv, WRITERS["curl"][0])
    for opt in options:
        value = opt.value or ""
        if opt.name in ("-d", "--data", "--data-binary", "--data-urlencode", "--json") and value.startswith("@"):
            out.reads.append(Word(value[1:]))
        elif opt.name in ("-F", "--form") and re.search(r"=[@<]", value):
            out.reads.append(Word(re.split(r"=[@<]", value, maxsplit=1)[1].split(";")[0]))


def _tail(word: Word, cut: int) -> Word:
    return Word(word.text[cut:], word.exact, word.prefix[cut:], word.source, word.pos, word.feed)


def keep(word: Word) -> bool:
    """Targets worth reporting (not /dev/null, not a pipe's /dev/fd, not ``<( )``). A path with a
    ``$( )`` in it is one: built at run time (``cat $(ls -d ~/.ssh)/id_rsa``), as with ``$VAR``."""
    text = word.text
    if word.feed is not None and word.feed.kind != "paths" and text.startswith(("<(", ">(")):
        return False
    return text not in HARMLESS and not (text[:1] == "/" and _FD_PATH.match(text))


def static_target(word: Word) -> bool:
    """A target path rules can judge: exact, a wildcard (path rules expand those
    themselves), or ``ROOT/{}`` from find (always under ROOT)."""
    return word.exact or word.glob or (word.feed is not None and word.feed.kind == "paths")


def output_feed(program: str, words: list[Word], stdin: Feed | None) -> Feed:
    """What ``program`` prints, as far as a shell reading it is concerned."""
    if stdin is None and program not in SPECIAL and all(w.feed is None for w in words):
        return Feed("opaque", "", f"`{words[0].text}` output")
    if stdin is not None and stdin.kind == "download":
        return stdin  # still the download, whatever filter it went through
    if program in DOWNLOADERS:
        return Feed("download", desc=_desc(words))
    exact = True
    for w in words:
        if w.feed is not None and w.feed.kind == "download":
            return w.feed
        exact = exact and w.exact
    args = [w.text for w in words[1:]]
    if program == "echo" or (program == "printf" and exact):
        text = echo_output(args) if program == "echo" else printf_output(args)
        if text is not None:
            return Feed("literal" if exact else "dynlit", text, _desc(words))
    if program == "find":
        roots = find_roots(words)[0]
        if len(roots) == 1 and roots[0].exact:
            return Feed("paths", roots[0].text, "`find` output")
        return Feed("opaque", "", "`find` output")  # names under several starting points, or unknown ones
    if stdin is not None and (program in ("tee", "pv", "buffer") or (program in _PASSTHROUGH and len(words) == 1)):
        return stdin
    if program == "cat":
        return combine([w.feed or new_record(Feed, ("file", "", f"`{w.text}`")) for w in words[1:] if w.text != "-"])
    if stdin is not None and stdin.kind == "literal":
        options = {o.name for o in split_argv(args, start=0)[0]}
        decoded = decode(program, options, stdin.text)
        if decoded is not None:
            return Feed("literal", decoded, f"{_desc(words)} (decoded)")
    return Feed("opaque", "", f"`{words[0].text}` output")


def _desc(words: list[Word]) -> str:
    text = " ".join(w.text for w in words[:6])
    return f"`{text[:60]}…`" if len(text) > 60 or len(words) > 6 else f"`{text}`"
