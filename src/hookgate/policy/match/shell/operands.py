"""Words that may name files, for commands no file table describes.

The tables of :mod:`~hookgate.policy.match.shell.tables` say which words of
``cat``, ``cp``, ``curl -o``… are files read or written. A program they do not
know (``mytool ~/.ssh/id_rsa``), a script given arguments (``python3 s.py
~/.ssh/id_rsa``) and interpreter code (``python3 -c 'open("/root/.ssh/id_rsa")'``)
may read or write what their words name, and nothing proves they do. Such a
word is reported as a :class:`~hookgate.policy.match.shell.model.Maybe`, which
``reads``/``writes`` rules judge like a target and answer UNKNOWN, never YES,
when it matches (or may). A word that cannot name a file the rule covers costs
nothing, so this only bites where a rule's path is named.

What counts as such a word:

* every operand, with ``$HOME`` read as ``~``; a word with other run-time parts
  only through its literal folder (``~/.ssh/$K`` is some path below ``~/.ssh``);
  one with none (``"$F"``) is left out, as it would otherwise make every rule
  UNKNOWN for every such command (unless the line gives the variable a value:
  :mod:`~hookgate.policy.match.shell.variables` adds those, and the values a
  program's environment may hold, once the whole line is walked);
* the value of ``--opt=VALUE``; of a short option only a value that starts like
  a path (``-f/etc/x``, ``-o~/.x``): ``-la`` is not a file ``a``;
* in any word, a part before or after ``=``, ``:``, ``@`` or ``,`` that starts like a
  path (``if=/etc/shadow``, ``@~/.ssh/id_rsa``, ``file://~/x``, both sides of
  ``-v ~/.ssh:/root/.ssh``);
* in inline code (``python3 -c``, ``node -e``, ``perl -e``, ``php -r``, awk's
  program, a heredoc or literal piped into an interpreter), each string literal
  without blanks and each ``~/…``, ``$HOME/…``, ``$ENV{HOME}/…`` or ``/a/b``
  token (a lone ``/x/`` or ``/x/g`` is a regex literal, ``/``, ``.``, ``~`` are
  not files), and, when the code mentions the home folder
  (``os.environ["HOME"] + "/.ssh/id_rsa"``, ``Path.home() / ".ssh"``), each
  literal starting with ``/`` or ``.`` again below ``~``.

An interpreter or shell (``python3``, ``node``, ``perl``, ``bash``…) surely reads
the script it is given (``python3 s.py``: a read of ``s.py``, when no option before
it leaves in doubt which word it is); the words after it are the script's and
may name files. ``perl``/``ruby`` with ``-n``/``-p`` and inline code read their
operands line by line, and with ``-i`` rewrite them.

A word of a program that only reads (:data:`~.tables.READS_ONLY`) may name a
file read, never written. Programs that touch no file's contents through their
words (:data:`~.tables.NAMES_ONLY`: ``echo``, ``ls``, ``test``…) and programs
with a file table report none.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from hookgate.policy.match.shell.model import Maybe
from hookgate.policy.match.shell.redirects import HARMLESS
from hookgate.policy.match.shell.tables import (
    INTERPRETER_VALUES,
    NAMES_ONLY,
    READERS,
    READS_ONLY,
    SHELLS,
    WRAPPERS,
    WRITERS,
    interpreter_code_opts,
)
from hookgate.policy.match.shell.unwrap import found_paths
from hookgate.policy.match.shell.words import Word

__all__ = ["CODE", "ENV", "MANY", "MANY_VALUES", "MAX_CODE_WORDS", "PROGRAM", "READER", "SCRIPT", "Candidate",
           "Operands", "candidates", "code_words", "maybe_how", "operand_role", "operand_words", "runs_other"]

#: how a word came to be judged (the matcher words its detail after it)
PROGRAM = "program"  # a program no table knows: it may read or write what a word names
READER = "reader"  # a program that only reads: it may read what a word names
SCRIPT = "script"  # an interpreter or shell running a script or code: its arguments may name files
CODE = "code"  # a literal or path in inline code
MANY = "many"  # inline code with more such words than are judged: every rule is UNKNOWN
ENV = "env"  # the value of a variable in its environment (variables.py): it may open the file it names
MANY_VALUES = "many-values"  # a line giving its variables more values than are judged: every rule is UNKNOWN
_WRAPPER = "wrapper"  # a wrapper with a subcommand (`uv run`, `npm exec`): a program when not running one

#: programs whose words are judged elsewhere, or not at all: file tables, wrappers (their command is
#: analysed on its own), find, and the builtins that run their words as shell code
_OWN_WAY = frozenset(READERS) | frozenset(WRITERS) | frozenset(WRAPPERS) | NAMES_ONLY | {
    "dd", "tar", "bsdtar", "gtar", "find", "eval", "trap", "alias"}
#: at most this many words of one piece of inline code are judged; more make the command UNKNOWN
MAX_CODE_WORDS = 2048

_STDIN = frozenset({"-", "/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"})
#: a word that starts like a path: absolute (not `//`, a URL's host), `~`, `~/…`, `~user/…`, `./…`, `../…`
_PATHY = re.compile(r"/(?!/)|~(?:[A-Za-z_][\w.-]*)?(?:/|$)|\.\.?/")
#: the same after a separator, where a bare `~` is not a path (git's `@~`, `HEAD@{1}~`)
_PIECE = re.compile(r"/(?!/)|~(?:[A-Za-z_][\w.-]*)?/|\.\.?/")
_SEPARATORS = re.compile(r"[=:@,]")
_HOME_VAR = re.compile(r"\$(?:HOME\b|\{HOME\})")
_BLANK = re.compile(r"\s")
_FD_PATH = re.compile(r"/dev/fd/\d+|/proc/self/fd/\d+").fullmatch  # a pipe, as effects.keep drops them


@lru_cache(maxsize=1024)
def operand_role(program: str) -> str | None:
    """How the words of ``program`` may name files: :data:`PROGRAM`, :data:`READER`, :data:`SCRIPT`, or
    None (a file table, a wrapper or a names-only program says it otherwise)."""
    if program in SHELLS:
        return SCRIPT
    if program in WRAPPERS and WRAPPERS[program].subcommand and program not in READERS and program not in WRITERS:
        return _WRAPPER  # `uv pip install …`, `npm ci`: the same tool, not running another command
    if program in _OWN_WAY:
        return None
    if interpreter_code_opts(program) is not None:
        return SCRIPT
    return READER if program in READS_ONLY else PROGRAM


#: a candidate: the path judged, and the word as written
Candidate = tuple[str, str]
#: what :func:`operand_words` answers: read and written word indices, candidates, and their records
Operands = tuple[tuple[int, ...], tuple[int, ...], tuple[Candidate, ...], tuple[Maybe, ...]]


def operand_words(role: str, program: str, words: list[Word], open_tail: str | None) -> Operands:
    """``(reads, writes, maybe, records)``: the indices of the words an interpreter or shell surely reads
    (its script; the input files of ``perl -n``) or writes (``perl -i``); the paths the words may name,
    each with the word as written; and those as :class:`Maybe` records (before any ``cd``). A command
    of literal words is answered once per distinct command."""
    if open_tail is None:
        for word in words:
            if not word.exact or word.feed is not None:
                break
        else:
            return _literal_operands(role, program, tuple([w.text for w in words]), tuple([w.source for w in words]))
    return _with_records(role, program, *_operands(role, program, words, open_tail))


@lru_cache(maxsize=4096)
def _literal_operands(role: str, program: str, texts: tuple[str, ...], sources: tuple[str, ...]) -> Operands:
    words = [Word(text, True, text, source, 0, None, False) for text, source in zip(texts, sources, strict=True)]
    return _with_records(role, program, *_operands(role, program, words, None))


def _with_records(role: str, program: str, reads: tuple[int, ...], writes: tuple[int, ...],
                  candidates: tuple[Candidate, ...]) -> Operands:
    how, written = maybe_how(role), role != READER
    records = tuple(dict.fromkeys(Maybe(path, word, program, how, written) for path, word in candidates))
    return reads, writes, candidates, records


def _operands(role: str, program: str, words: list[Word], open_tail: str | None
              ) -> tuple[tuple[int, ...], tuple[int, ...], tuple[Candidate, ...]]:
    reads: list[int] = []
    writes: list[int] = []
    maybe: list[Candidate] = []
    if role == _WRAPPER:
        if _runs_subcommand(WRAPPERS[program].subcommand, words):
            return (), (), ()  # `uv run CMD`: CMD is analysed as a command of its own
        _candidates(words[1:], maybe, options=True)
    elif role != SCRIPT:
        _candidates(words[1:], maybe, options=True)
    else:
        layout = _script_layout(program, words)
        skip, end, script, n = layout.skip, layout.end, layout.script, len(words)
        _candidates([w for k, w in enumerate(words[1:end], 1) if k not in skip], maybe, options=True)
        args = [k for k in range(end, n) if k not in skip and k != script]
        if script >= 0:
            target = words[script]
            if layout.sure and target.exact and target.feed is None and target.text not in _STDIN:
                reads.append(script)
            else:
                _candidates([target], maybe, options=False)
        if layout.filters and layout.sure and all(words[k].exact and words[k].feed is None for k in args):
            operands = [k for k in args if words[k].text not in _STDIN]
            reads.extend(operands)  # perl -ne CODE FILES: the files are read line by line
            if "i" in layout.filters:
                writes.extend(operands)  # perl -pi -e CODE FILES: and rewritten in place
        else:  # the script's own options: `--out=FILE` as for a program
            _candidates([words[k] for k in args], maybe, options=True)
    if open_tail:  # `find DIR | xargs mytool`: the names find lists, appended
        maybe.append((found_paths(open_tail.rstrip("/") or "/").text, "{}"))
    return tuple(reads), tuple(writes), tuple(maybe)


def maybe_how(role: str) -> str:
    """The :class:`~hookgate.policy.match.shell.model.Maybe` ``how`` of a role's words."""
    return PROGRAM if role == _WRAPPER else role


def runs_other(role: str, program: str, words: list[Word]) -> bool:
    """A wrapper running another command (``uv run CMD``): its own words name no file, and CMD is a
    command of its own."""
    return role == _WRAPPER and _runs_subcommand(WRAPPERS[program].subcommand, words)


def _runs_subcommand(subcommand: str, words: list[Word]) -> bool:
    """As :func:`~hookgate.policy.match.shell.unwrap.unwrap` finds it: options, then the subcommand."""
    names = subcommand.split("|")
    for word in words[1:]:
        if word.text in names:
            return True
        if not word.text.startswith("-"):
            return False
    return False


# -- scripts and their arguments

class _Layout(NamedTuple):
    """How an interpreter or shell lays out its words."""

    end: int  # where its own options end (and the script or the arguments start)
    script: int = -1  # the index of the script it runs; -1 for inline code, a module or stdin
    sure: bool = True  # no option before the script whose value-taking is a guess
    skip: frozenset[int] = frozenset()  # words that name no file: inline code, a module, `-o NAME`
    filters: str = ""  # perl/ruby -n/-p ("np"), -i: the arguments are input files (edited in place)


_FILTERS = ("perl", "ruby")
#: perl/ruby options whose value is the rest of their word (`-Mstrict`, `-i.bak`): the letters after them
#: are not options (only -n, -p and -i before them are looked for)
_ATTACHED = "eEMmIxCFdDVKWTr"


def _script_layout(program: str, words: list[Word]) -> _Layout:
    """Where the interpreter's own options end, which word is its script, and whether that is certain.
    Arguments follow the script (or start where the options end)."""
    if program in SHELLS:
        return _shell_layout(words)
    opts, shorts, python, filtering = _interpreter(program)
    filters = ""
    skip: set[int] = set()
    i, sure, code, n = 1, True, False, len(words)
    while i < n:
        word = words[i]
        text = word.text
        if word.exact and text == "--":
            i += 1
            break
        if not word.exact or len(text) < 2 or text[0] != "-":
            break
        name = text.partition("=")[0] if text.startswith("--") else text
        if filtering and text[1] != "-":
            filters += _filter_letters(text)
        if name in opts or (len(text) <= 5 and text[1:].isalpha() and text[-1] in shorts):
            code = True
            if not ("=" in text and text.startswith("--")):
                skip.add(i + 1)
                i += 1
            i += 1
            if python:
                break  # python -c CODE: the rest is sys.argv
            continue
        if python and name == "-m":
            return _Layout(i + 2, -1, sure, frozenset({*skip, i + 1}))  # python -m MODULE ARGS...
        if program.startswith("php") and name == "-f":
            return _Layout(i + 1, i + 1, sure, frozenset(skip))
        if name in INTERPRETER_VALUES and not (name in ("-i", "-x") and (python or filtering)) and not (
                python and name == "-I"):
            sure = sure and python  # python's -W/-X surely take one; -I, -r, -M… differ between interpreters
            i += 2
            continue
        if text.startswith("--") and "=" not in text and not python:
            sure = False  # node --flag [value]: which, this table does not say
        i += 1
    filters = "".join(sorted(set(filters)))
    if not code or not filters.strip("i"):
        filters = ""  # -n/-p take effect with inline code; a script reads what it likes
    if code or i >= n:
        return _Layout(i, -1, sure, frozenset(skip), filters)
    if program in ("deno", "bun") and words[i].text == "run" and i + 1 < n:
        return _Layout(i + 1, i + 1, sure, frozenset({*skip, i}))
    return _Layout(i, i, sure, frozenset(skip))


@lru_cache(maxsize=256)
def _interpreter(program: str) -> tuple[frozenset[str], frozenset[str], bool, bool]:
    """Its inline-code options, their one-letter forms (which may end a cluster: ``-Sc CODE``), whether
    it is python, and whether it is perl or ruby (``-n``, ``-p``, ``-i[EXT]`` with its value only attached,
    ``-x[DIR]``)."""
    opts = interpreter_code_opts(program) or frozenset()
    shorts = frozenset(o[-1] for o in opts if len(o) == 2) if program not in ("pwsh", "powershell") else frozenset()
    return opts, shorts, program.startswith(("python", "pypy")), program.startswith(_FILTERS)


def _filter_letters(text: str) -> str:
    """The -n, -p and -i in a perl/ruby cluster (``-lne``, ``-pi.bak``, ``-0777ne``), up to an option
    that takes the rest of the word (``-Mstrict``)."""
    found = ""
    k, n = 1, len(text)
    while k < n:
        ch = text[k]
        k += 1
        if ch in "np":
            found += ch
        elif ch == "i":
            return found + "i"
        elif ch in "l0":  # -l[octal], -0[octal]: digits, then more letters
            while k < n and text[k] in "0123456789xX":
                k += 1
        elif ch in _ATTACHED:
            break
    return found


def _shell_layout(words: list[Word]) -> _Layout:
    """``bash [options] SCRIPT args`` / ``bash -c BODY [$0 args]`` / ``bash -s args`` (as
    :func:`~hookgate.policy.match.shell.consumers._shell` reads them)."""
    i, command_mode, stdin_mode, n = 1, False, False, len(words)
    skip: set[int] = set()
    while i < n:
        word, text = words[i], words[i].text
        if not word.exact:
            break
        if text in ("-", "--"):
            i += 1
            stdin_mode |= text == "-"
            break
        if text.startswith("--"):
            command_mode |= text == "--command"
            i += 1  # --rcfile FILE, --init-file FILE: the value is judged with the options
            continue
        if len(text) < 2 or text[0] not in "-+":
            break
        command_mode |= "c" in text
        stdin_mode |= "s" in text
        names = sum(1 for ch in text[1:] if ch in "oO")  # -o NAME: a shell option, not a file
        skip.update(range(i + 1, i + 1 + names))
        i += 1 + names
    if command_mode:  # the body is parsed as shell; $0 and the arguments follow
        return _Layout(i, -1, True, frozenset({*skip, i}))
    if stdin_mode or i >= n:
        return _Layout(i, -1, True, frozenset(skip))
    return _Layout(i, i, True, frozenset(skip))


# -- candidate paths of words


def candidates(words: list[Word], *, options: bool) -> list[Candidate]:
    """The paths ``words`` may name, each with the word as written (``options``: as a program's words,
    where ``-x…`` is an option until ``--``)."""
    out: list[Candidate] = []
    _candidates(words, out, options=options)
    return out


def _candidates(words: list[Word], out: list[Candidate], *, options: bool) -> None:
    """Append the paths ``words`` may name (``options``: a word starting with ``-`` is an option
    until ``--``)."""
    for word in words:
        text = word.text
        if word.exact and word.feed is None:  # most words: one lookup per distinct word
            if options and text[:1] == "-" and len(text) > 1:
                if text == "--":
                    options = False
                    continue
                paths = _word_paths(text, True)
            else:
                paths = _word_paths(text, False)
            if paths:
                source = word.source or text
                out.extend([(path, source) for path in paths])
            continue
        if word.feed is not None and word.feed.kind == "paths":  # find's `{}`: some path below its root
            out.append((text, word.source or text))
            continue
        if word.glob:  # an unexpanded wildcard: the path matcher judges what it may expand to
            if not (options and text[:1] == "-") and _whole(text):
                out.append((text, word.source or text))
            continue
        text = _HOME_VAR.sub("~", text) if "$" in text else text
        if "$" in text or "`" in text or word.feed is not None:
            _below_prefix(word, text, out, options=options)
        else:  # `$HOME/.ssh/id_rsa`: a literal once $HOME is `~`
            source = word.source or word.text
            out.extend([(path, source) for path in _word_paths(text, options and text[:1] == "-" and len(text) > 1)])


@lru_cache(maxsize=4096)
def _word_paths(text: str, option: bool) -> tuple[str, ...]:
    """The paths an exact word may name, as an option (``-x…``, ``--x=…``) or as an operand; none that
    names no file (``-``, ``/dev/null``, ``/dev/fd/3``). Words repeat: answered once per text."""
    paths = _option_paths(text) if option else _paths(text, whole=True)
    return tuple(p for p in paths if p not in HARMLESS and not (p[:1] == "/" and _FD_PATH(p)))


def _option_paths(text: str) -> list[str]:
    """``--out=VALUE``: VALUE and its path-like parts; ``-fVALUE``/``-o=VALUE``: only path-like ones."""
    if text[1] == "-":
        _, eq, value = text.partition("=")
        return _paths(value, whole=True) if eq else []
    found = _paths(text, whole=False)
    rest = text[2:]
    if rest and _PATHY.match(rest) and _judgeable(rest) and rest not in found:
        found.insert(0, rest)
    return found


def _paths(text: str, *, whole: bool) -> list[str]:
    """``text`` itself if it may be a file name (``whole``), and each part between ``=``, ``:``, ``@``
    and ``,`` that starts like a path (``key=/etc/x``, ``@~/.ssh/id_rsa``, ``file:///etc/x``; both
    sides of ``~/.ssh:/root/.ssh``, a folder a container mounts)."""
    out = [text] if whole and _whole(text) else []
    if _SEPARATORS.search(text) is not None:
        scan = text.replace("file://", "=") if "file://" in text else text
        parts = _SEPARATORS.split(scan)
        first = parts[0] if _PATHY.match(parts[0]) is not None else ""
        for part in (first, *parts[1:]):
            if part and _PIECE.match(part) and part not in out and _judgeable(part):
                out.append(part)
    return out


def _whole(text: str) -> bool:
    """A whole word that may name a file: blanks only in a word that starts like a path (a message
    such as ``"rotate server.key"`` is not one), no URL, nothing a path cannot hold."""
    if not text or len(text) > 4096 or not _judgeable(text) or text == "-":
        return False
    if _PATHY.match(text) is not None:
        return True
    return _BLANK.search(text) is None and "://" not in text


def _judgeable(text: str) -> bool:
    """No run-time part but ``$HOME`` (path rules resolve that one), no NUL or line break."""
    if "$" in text and "$" in _HOME_VAR.sub("", text):
        return False
    return "`" not in text and "\0" not in text and "\n" not in text


def _below_prefix(word: Word, text: str, out: list[Candidate], *, options: bool) -> None:
    """A word with run-time parts (``~/.ssh/$K``, ``--key=/etc/$X``): some path below the literal
    folder it starts in, when it starts like a path; otherwise it is left out."""
    cut = min((k for k in (text.find("$"), text.find("`")) if k >= 0), default=len(text))
    prefix = text[:cut]
    if options and prefix[:1] == "-":
        if not prefix.startswith("--") or "=" not in prefix:
            return
        prefix = prefix.partition("=")[2]
    if _PATHY.match(prefix) is None or "/" not in prefix:
        return
    folder = prefix[: prefix.rfind("/")] or "/"
    out.append((found_paths(folder).text, word.source or word.text))


# -- inline code

_LITERAL = re.compile(r"""'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"|`((?:[^`\\]|\\.)*)`""")
#: a path in code: `~`, `$HOME`, `${HOME}` or perl's `$ENV{HOME}` and what follows; or an absolute
#: path of two names or more that does not end in `/` (a lone `/x/` is a regex literal: awk '/err/')
_CODE_HOME = re.compile(r"(?<![\w/.:$\\~)\]}-])(?:~|\$HOME\b|\$\{HOME\}|\$ENV\{HOME\})/[\w.@%+~-]*(?:/[\w.@%+~-]*)*")
_CODE_ABSOLUTE = re.compile(r"(?<![\w/.:$\\~)\]}-])/[\w.@%+~-]+(?:/[\w.@%+~-]+)+(?![\w.@%+~/-])")
#: `/a/g`, `/x/i`: a regex literal with flags (javascript, perl), not a file
_REGEX_LITERAL = re.compile(r"/[^/]+/[dgimsuyx]{1,6}")
#: code that builds a path below the home folder from a variable or call
_MENTIONS_HOME = re.compile(r"home|expanduser|userprofile", re.IGNORECASE)


@lru_cache(maxsize=256)
def code_words(code: str) -> tuple[tuple[Candidate, ...], bool]:
    """The paths inline code may name, and whether there were more than :data:`MAX_CODE_WORDS`."""
    found: dict[str, None] = {}
    home = _MENTIONS_HOME.search(code) is not None
    for m in _LITERAL.finditer(code):
        literal = m.group(m.lastindex or 1)
        if literal.strip("/.~") and _whole(literal) and _BLANK.search(literal) is None:  # paths inside: below
            found[literal] = None
        if home and literal[:1] in ("/", ".") and literal.strip("/.") and not literal.startswith(("./", "../")):
            below = "~/" + literal.lstrip("/")
            if _judgeable(below):
                found[below] = None
    for pattern in (_CODE_HOME, _CODE_ABSOLUTE):
        for m in pattern.finditer(code):
            token = m.group(0).replace("$ENV{HOME}", "~")
            if _judgeable(token) and _REGEX_LITERAL.fullmatch(token) is None:
                found[token] = None
    paths = [p for p in found if p not in HARMLESS]
    return tuple([(p, p) for p in paths[:MAX_CODE_WORDS]]), len(paths) > MAX_CODE_WORDS
