"""Find the command a wrapper (sudo, env, timeout, xargs, ...) runs.

Wrappers are read with their own option tables so ``sudo -u root rm`` runs
``rm``, not ``root``. When a wrapper gets an option this table does not know,
its value-ness is unknown: both readings are returned (``inner`` holds two
alternatives), because over-matching is the safe failure for a gate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hookgate.policy.match.shell.feed import Feed
from hookgate.policy.match.shell.tables import Wrapper
from hookgate.policy.match.shell.words import Word

__all__ = ["Unwrapped", "find_roots", "found_paths", "unwrap", "unwrap_find"]

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


@dataclass(slots=True)
class Unwrapped:
    inner: list[list[Word]] = field(default_factory=list)  # alternative argvs of the wrapped command
    env: list[tuple[str, str]] = field(default_factory=list)
    scripts: list[Word] = field(default_factory=list)  # words run as shell scripts (su -c, watch, ssh)
    writes: list[Word] = field(default_factory=list)
    reads: list[Word] = field(default_factory=list)
    options: set[str] = field(default_factory=set)
    chdir: Word | None = None  # the folder the command runs in (env -C DIR)
    root: Word | None = None  # the command's root folder (chroot DIR, sudo -R DIR)


@dataclass(slots=True)
class _State:
    spec: Wrapper
    words: list[Word]
    out: Unwrapped
    i: int = 1
    ambiguous: int = -1  # index that may be the value of an unknown option


def unwrap(spec: Wrapper, words: list[Word]) -> Unwrapped:
    """Options, scripts and inner command(s) of a wrapper invocation."""
    out = Unwrapped()
    st = _State(spec, words, out)
    if spec.subcommand and not _skip_to_subcommand(st):
        return out
    _options(st)
    need = spec.operands
    if spec.root_operand and need and st.i < len(words):
        out.root = words[st.i]
    while need and st.i < len(words):
        st.i += 1
        need -= 1
        if spec.scripts:  # flock FILE -c CMD, su USER -c CMD: options may follow the operand
            _options(st)
    _finish(st)
    return out


def _skip_to_subcommand(st: _State) -> bool:
    words = st.words
    while st.i < len(words):
        text = words[st.i].text
        st.i += 1
        if text in st.spec.subcommand.split("|"):
            return True
        if not text.startswith("-"):
            return False
    return False


def _options(st: _State) -> None:
    words, spec = st.words, st.spec
    while st.i < len(words):
        word = words[st.i]
        text = word.text
        if not word.exact:
            return
        if text == "--":
            st.i += 1
            return
        if spec.assignments and _NAME.match(text):
            name, _, value = text.partition("=")
            st.out.env.append((name, value))
            st.i += 1
            continue
        if len(text) < 2 or text[0] != "-":
            if text == "-" and "-" in spec.flags:
                st.i += 1
                continue
            return
        _option(st, text)


def _option(st: _State, text: str) -> None:
    spec = st.spec
    if text in spec.flags:
        st.out.options.add(text)
        st.i += 1
        return
    if text.startswith("--"):
        name, eq, value = text.partition("=")
        _take(st, name, Word(value) if eq else None)
        return
    for k in range(1, len(text)):
        name = "-" + text[k]
        if name in spec.values or name in spec.scripts:
            rest = text[k + 1 :]
            _take(st, name, Word(rest) if rest else None)
            return
        st.out.options.add(name)
        if name not in spec.flags and st.ambiguous < 0:
            st.ambiguous = st.i + 1 if k == len(text) - 1 else -2
    st.i += 1


def _take(st: _State, name: str, inline: Word | None) -> None:
    """Consume option ``name`` (and its value when it takes one)."""
    spec, out = st.spec, st.out
    out.options.add(name)
    st.i += 1
    if name in spec.pairs or name in spec.triples:  # bwrap --bind SRC DEST: every value is a word of its own
        if name in spec.binds:  # the host folder the command is handed (the first value; inline: `--bind=SRC`)
            source = inline if inline is not None else (st.words[st.i] if st.i < len(st.words) else None)
            if source is not None:  # the file or folder itself, and (a folder) all below it
                named = [source, found_paths(source.text, bound=True)] if source.exact else [source]
                st.out.reads.extend(named)
                if name not in spec.binds_read_only:
                    st.out.writes.extend(named)
        st.i += (2 if name in spec.pairs else 3) - (1 if inline is not None else 0)
        return
    takes = name in spec.values or name in spec.scripts or name in spec.binds
    if not takes:
        if name not in spec.flags and inline is None and st.ambiguous < 0:
            st.ambiguous = st.i
        return
    value = inline
    if value is None and st.i < len(st.words):
        value = st.words[st.i]
        st.i += 1
    if value is None:
        return
    if name in spec.scripts or name in spec.split:
        out.scripts.append(value)
    if name in spec.writes:
        out.writes.append(value)
    if name in spec.reads:
        out.reads.append(value)
    if name in spec.chdir:
        out.chdir = value
    if name in spec.root:
        out.root = value
    if name in spec.binds:  # proot -b SRC[:DST]: one value, the host side before the colon
        source = _host_side(value)
        named = [source, found_paths(source.text, bound=True)] if source.exact else [source]
        out.reads.extend(named)
        if name not in spec.binds_read_only:
            out.writes.extend(named)


def _host_side(value: Word) -> Word:
    """``SRC`` of ``SRC:DST`` (the whole word when it has no colon, or is not known before it runs)."""
    if not value.exact or ":" not in value.text:
        return value
    return Word(value.text.partition(":")[0])


def _finish(st: _State) -> None:
    spec, out, words = st.spec, st.out, st.words
    rest = words[st.i :]
    if not rest or out.options & spec.no_exec or (out.scripts and spec.scripts):
        return
    if "*" in spec.no_exec and not spec.joined:
        return
    if spec.joined and not out.options & spec.argv_opts:
        if out.scripts:  # env -S 'a b' c: the split string and the rest form one command line
            out.scripts[-1] = _join([out.scripts[-1], *rest])
        else:
            out.scripts.append(_join(_until_separator(rest)))
        return
    if out.scripts:  # env -S
        out.scripts[-1] = _join([out.scripts[-1], *rest])
        return
    out.inner.append(rest)
    if st.ambiguous == st.i and len(rest) > 1:
        out.inner.append(rest[1:])


def _until_separator(rest: list[Word]) -> list[Word]:
    for k, word in enumerate(rest):
        if word.text in (":::", "::::", ":::+", "::::+"):
            return rest[:k]
    return rest


def _join(words: list[Word]) -> Word:
    """Words a wrapper hands to ``sh -c`` as one string (watch, ssh, sg)."""
    text = " ".join(w.text for w in words)
    exact = all(w.exact for w in words)
    feeds = [w.feed for w in words if w.feed is not None]
    first = words[0]
    return Word(text, exact, text if exact else "", " ".join(w.source or w.text for w in words), first.pos,
                feeds[0] if feeds else None)


def found_paths(root: str, *, through_links: bool = False, bound: bool = False) -> Word:
    """The ``{}`` of ``find ROOT -exec``: some path under ROOT (never a flag); ``through_links``: one
    written through the links under ROOT (an unpacked archive), spelled ``ROOT/{…}``; ``bound``: one of
    ROOT's own entries, not what its links name (a folder bound into a sandbox), spelled ``ROOT/{=}``."""
    base = root.rstrip("/") or "/"
    mark = "{…}" if through_links else "{=}" if bound else "{}"
    text = base + mark if base == "/" else f"{base}/{mark}"
    return Word(text, False, text[: -len(mark)], "{}", feed=Feed("paths", root, "`find` results"))


def unwrap_find(words: list[Word]) -> tuple[list[list[Word]], list[Word]]:
    """Commands of ``find -exec/-execdir/-ok/-okdir ... ;``, ``-fprint`` files and what ``-delete`` removes.

    Each starting point gives its own ``ROOT/{}``; one known only at run time gives an unknown path.
    GNU find also replaces a ``{}`` inside a word (``sh -c 'cat {}'``): such a word is not known."""
    roots, i = find_roots(words)
    found = [found_paths(r.text) if r.exact else _UNKNOWN_FOUND for r in roots]
    inner: list[list[Word]] = []
    writes: list[Word] = []
    n = len(words)
    while i < n:
        text = words[i].text
        if text in ("-exec", "-execdir", "-ok", "-okdir"):
            j = i + 1
            while j < n and words[j].text not in (";", "+"):
                j += 1
            if j > i + 1:
                inner.extend([_found_in(w, f) for w in words[i + 1 : j]] for f in found)
            i = j + 1
            continue
        if text in ("-fprint", "-fprint0", "-fls", "-fprintf") and i + 1 < n:
            writes.append(words[i + 1])
        elif text == "-delete":  # removes what it finds: some path under each starting point
            writes.extend(found)
        i += 1
    return inner, writes


#: options GNU find takes before its starting points (``-D`` with a value, ``-O`` with its level attached)
_FIND_LEADING = frozenset({"-H", "-L", "-P"})
_UNKNOWN_FOUND = Word("{find results}", False, "", "{}")


def find_roots(words: list[Word]) -> tuple[list[Word], int]:
    """find's starting points (``.`` when none is given) and the index of its first expression word."""
    i, n = 1, len(words)
    while i < n:
        text = words[i].text
        if text in _FIND_LEADING or (text.startswith("-O") and text[2:].isdigit()):
            i += 1
        elif text == "-D" and i + 1 < n:
            i += 2
        else:
            break
    start = i
    while i < n and not words[i].text.startswith("-") and words[i].text not in ("(", "!", ")", ","):
        i += 1
    roots = words[start:i]
    return (roots or [Word(".")]), i


def _found_in(word: Word, found: Word) -> Word:
    if word.text == "{}":
        return found
    if "{}" in word.text:  # replaced inside the word at run time
        return Word(word.text, False, "", word.source, word.pos, word.feed)
    return word
