"""Glob patterns for paths (and URL paths), compiled once to anchored RE2.

Syntax: ``*`` any run of characters within one segment (dotfiles included),
``?`` one character, ``[abc]`` / ``[!abc]`` a class, ``{a,b}`` alternatives
(expanded at compile time into separate globs, so each can be indexed), and
``**`` as a whole segment: any number of segments, zero included. A trailing
``/**`` therefore matches the directory itself too: ``~/.ssh/**`` covers
``rm -r ~/.ssh``. ``\\`` escapes the next character.

Where a glob is anchored decides what it is matched against:

* ``/abs/...``      - ``ROOT``: the whole absolute path;
* ``~/...``, ``$HOME/...`` - ``HOME``: the rest of a path under the home directory;
* ``**/...`` or a pattern without ``/`` (``*.pem``, ``.env``) - ``ANYWHERE``: any
  trailing run of segments (gitignore style);
* any other relative pattern (``src/**``) - ``WORKSPACE``: the rest of a path
  under the workspace.
"""

from __future__ import annotations

import enum
import functools
import re
import weakref
from dataclasses import dataclass

import re2

from hookgate._frozen import quick_init
from hookgate.policy.match.base import SpecError
from hookgate.policy.match.path_regex import EAGER_CHARS, GlobRegex, RegexError, check_class, shared_regex

__all__ = ["Anchor", "Glob", "GlobGroup", "compile_globs", "expand_braces", "fold_case"]

MAX_BRACE_EXPANSION = 256
_WILD = frozenset("*?[")
_IGNORABLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u206a-\u206f\ufeff]")


class Anchor(enum.Enum):
    ROOT = "root"
    HOME = "home"
    WORKSPACE = "workspace"
    ANYWHERE = "anywhere"


def fold_case(path: str) -> str:
    """How a case-insensitive filesystem (APFS, NTFS) compares names: NFC, lowercase,
    and without the zero-width code points HFS+ ignores (``.Git\u200c`` is ``.git``)."""
    import unicodedata

    return _IGNORABLE.sub("", unicodedata.normalize("NFC", path)).lower()


@quick_init
@dataclass(frozen=True, slots=True, weakref_slot=True)
class Glob:
    """One brace-free glob: ``regex`` full-matches the path part its ``anchor`` names.

    ``prefix`` is the literal leading directory (``/etc`` for ``/etc/**``,
    ``.ssh`` for ``~/.ssh/*``), ``basename`` the literal last segment and
    ``suffix`` / ``stem`` the literal tail / head of the last segment (``.pem``
    for ``*.pem``, ``.env.`` for ``.env.*``); for a glob matched anywhere with
    none of those, ``segments`` are its literal segments (``.github`` and
    ``workflows`` for ``**/.github/workflows/**``), names every matching path has;
    :class:`~hookgate.policy.match.path_index.PathIndex` keys on them.
    """

    source: str
    anchor: Anchor
    regex: GlobRegex
    prefix: str
    basename: str | None
    suffix: str | None
    stem: str | None
    tail: str | None = None  # ROOT only: the glob after ``prefix``, to re-anchor it elsewhere
    segments: tuple[str, ...] = ()

    def matches(self, part: str) -> bool:
        """Raises :class:`~hookgate.policy.match.path_regex.RegexError` if it cannot tell."""
        return self.regex.fullmatch(part)


def expand_braces(pattern: str) -> list[str]:
    """``a{b,c{d,e}}`` -> ``[ab, acd, ace]``; raises ``ValueError`` on unbalanced braces."""
    start = _find_unescaped(pattern, "{")
    if start < 0:
        if _find_unescaped(pattern, "}") >= 0:
            raise ValueError("unbalanced `}`")
        return [pattern]
    depth, options, last = 0, [], start + 1
    for i in range(start, len(pattern)):
        ch = pattern[i]
        if ch == "\\":
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                options.append(pattern[last:i])
                head, tail = pattern[:start], pattern[i + 1 :]
                return [x for opt in options for x in expand_braces(head + opt + tail)]
        elif ch == "," and depth == 1:
            options.append(pattern[last:i])
            last = i + 1
    raise ValueError("unbalanced `{`")


def _find_unescaped(text: str, ch: str) -> int:
    if "\\" not in text:  # the common case, at C speed
        return text.find(ch)
    i = 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == ch:
            return i
        i += 1
    return -1


#: RE2's ``QuoteMeta`` in Python: a backslash before each ASCII character but ``[A-Za-z0-9_]``, NUL as
#: ``\\x00``; other code points stay as they are (``re2.escape`` is a C++ round trip per call)
_QUOTE = {c: "\\" + chr(c) for c in range(1, 128) if not (chr(c).isascii() and (chr(c).isalnum() or c == 95))}
_QUOTE[0] = "\\x00"

#: one token of a segment: ``\\x`` | ``**`` | ``*`` | ``?`` | ``[class]`` | an unclosed ``[`` | a literal run
_TOKEN = re.compile(r"\\(.)|(\*\*)|(\*)|(\?)|\[((?>[!^\]]?)[^\]]*)\]|(\[)|([^\\*?\[]+|\\)", re.DOTALL)


@functools.lru_cache(maxsize=4096)
def _segment_regex(seg: str) -> str:
    """One segment without ``**`` to RE2; wildcards never cross ``/``. Cached: segments
    (``src``, ``*.pem``, ``**``) repeat across the globs of a large policy."""
    if _SPECIAL.search(seg) is None:
        return seg.translate(_QUOTE)
    out: list[str] = []
    for m in _TOKEN.finditer(seg):
        escaped, double, star, one, cls, unclosed, literal = m.groups()
        if star is not None:
            out.append("[^/]*")
        elif literal is not None or escaped is not None:
            out.append((literal if literal is not None else escaped).translate(_QUOTE))
        elif one is not None:
            out.append("[^/]")
        elif cls is not None:
            out.append(_class_regex(cls))
        elif double is not None:
            raise ValueError("`**` must be a whole path segment, as in `dir/**/name`")
        elif unclosed is not None:
            raise ValueError("unclosed `[`")
    return "".join(out)


def _class_regex(body: str) -> str:
    negate = body[:1] in ("!", "^")
    body = body[1:] if negate else body
    escaped = "".join("\\" + c if c in "\\^]" else c for c in body)
    regex = ("[^/" if negate else "[") + escaped + "]"
    try:
        check_class(regex)  # the only part of a translation RE2 could reject (`[z-a]`)
    except RegexError as err:
        raise ValueError(f"bad character class `[{body}]`: {err}") from None
    return regex


def _is_literal(seg: str) -> bool:
    return _SPECIAL.search(seg) is None


_SPECIAL = re.compile(r"[*?\[\\]")


def _literal_tail(seg: str) -> str | None:
    """``*.pem`` -> ``.pem``: the literal end of a segment after its last wildcard."""
    cut = max(seg.rfind("*"), seg.rfind("?"), seg.rfind("]"))
    tail = seg[cut + 1 :]
    return tail if tail and "\\" not in tail and "[" not in tail else None


def _literal_head(seg: str) -> str | None:
    """``.env.*`` -> ``.env.``: the literal start of a segment before its first wildcard."""
    cut = min((i for i, c in enumerate(seg) if c in "*?[\\"), default=len(seg))
    return seg[:cut] or None


def _anchor_of(pattern: str, home_prefixes: tuple[str, ...]) -> tuple[Anchor, str]:
    for prefix in home_prefixes:
        if pattern == prefix or pattern.startswith(prefix + "/"):
            return Anchor.HOME, pattern[len(prefix) + 1 :]
    if pattern.startswith("~"):
        raise ValueError("only `~` and `~/...` are supported, not `~user`")
    if pattern.startswith("/"):
        return Anchor.ROOT, pattern
    if pattern.startswith("**/") or pattern == "**" or "/" not in pattern:
        return Anchor.ANYWHERE, pattern.removeprefix("**/")
    return Anchor.WORKSPACE, pattern.removeprefix("./")


def _clean_segments(body: str) -> list[str]:
    segs = [s for s in body.split("/") if s not in ("", ".")]
    if ".." in segs:
        raise ValueError("`..` is not allowed in a glob; write the directory it means")
    return segs


def _body_regex(segs: list[str]) -> str:
    """Segments to a regex; ``**`` segments become optional runs of segments."""
    out = ""
    for i, seg in enumerate(segs):
        if seg == "**":
            out += "(?:/.*)?" if i else "(?:.*/)?" if i < len(segs) - 1 else ".*"
        else:
            sep = "" if i == 0 or (i == 1 and segs[0] == "**") else "/"
            out += sep + _segment_regex(seg)
    return out


def _compile_one(pattern: str, *, case_insensitive: bool) -> Glob:
    key = (pattern, case_insensitive)
    glob = _GLOBS.get(key)
    if glob is None:
        glob = _GLOBS[key] = _translate(pattern, case_insensitive=case_insensitive)
    return glob


#: every compiled glob, by (pattern, case mode), while some rule holds it: rules share them
_GLOBS: weakref.WeakValueDictionary[tuple[str, bool], Glob] = weakref.WeakValueDictionary()


def _translate(pattern: str, *, case_insensitive: bool) -> Glob:
    anchor, body = _anchor_of(pattern, ("~", "$HOME", "${HOME}"))
    segs = _clean_segments(fold_case(body) if case_insensitive else body)
    regex = _body_regex(segs)
    if anchor is Anchor.ROOT:
        regex = "/" + regex if segs else "/"
    elif anchor is Anchor.ANYWHERE:
        regex = "(?:.*/)?" + regex if segs and segs[0] != "**" else regex
    regex.encode()  # a lone surrogate: UnicodeEncodeError, a ValueError, reported now
    literal = []
    for seg in segs:
        if not _is_literal(seg) or seg == "**":
            break
        literal.append(seg)
    prefix = ("/" if anchor is Anchor.ROOT else "") + "/".join(literal)
    last = segs[-1] if segs else ""
    basename = last if last and _is_literal(last) and last != "**" else None
    suffix = None if basename or last == "**" else _literal_tail(last)
    stem = None if basename or last == "**" else _literal_head(last)
    tail = "/".join(segs[len(literal) :]) if anchor is Anchor.ROOT else None
    segments: tuple[str, ...] = ()
    if anchor is Anchor.ANYWHERE and basename is None and suffix is None and stem is None:
        segments = tuple(dict.fromkeys(seg for seg in segs if _is_literal(seg)))
    program = GlobRegex(regex)  # shared through the glob: identical globs are one object (_GLOBS)
    if len(regex) > EAGER_CHARS:
        program.build()
    return Glob(pattern, anchor, program, prefix, basename, suffix, stem, tail, segments)


def compile_globs(pattern: str, *, case_insensitive: bool = False) -> tuple[Glob, ...]:
    """Compile one user glob (braces expanded) or raise :class:`SpecError` with a hint.
    Its RE2 program is built on first use (see :mod:`~hookgate.policy.match.path_regex`)."""
    if not isinstance(pattern, str) or not pattern.strip():
        raise SpecError("a path glob must be a non-empty string")
    try:
        expanded = expand_braces(pattern)
        if len(expanded) > MAX_BRACE_EXPANSION:
            raise ValueError(f"braces expand to {len(expanded)} patterns (limit {MAX_BRACE_EXPANSION})")
        return tuple(_compile_one(p, case_insensitive=case_insensitive) for p in expanded)
    except (ValueError, re2.error) as err:
        raise SpecError(f"invalid glob `{pattern}`: {err}", code="compile.bad_glob") from None


def _either(globs: list[Glob]) -> GlobRegex | None:
    """One program for all ``globs`` (the glob's own when there is one); raises :class:`RegexError`."""
    if len(globs) < 2:
        return globs[0].regex if globs else None
    return shared_regex("|".join(dict.fromkeys(f"(?:{g.regex.pattern})" for g in globs)))


@quick_init
@dataclass(frozen=True, slots=True)
class GlobGroup:
    """Globs of which one must match, with one combined RE2 per base they are matched
    against (the whole path; the part below home; below the workspace), so a path
    costs one regex call per base, not one per glob."""

    globs: tuple[Glob, ...]
    whole: GlobRegex | None
    home: GlobRegex | None
    workspace: GlobRegex | None

    @classmethod
    def of(cls, globs: tuple[Glob, ...]) -> GlobGroup:
        """Raises :class:`RegexError` if a combined program is too large to build."""
        if len(globs) == 1:  # most rules: the glob's own program, shared
            g = globs[0]
            whole = g.regex if g.anchor is Anchor.ROOT or g.anchor is Anchor.ANYWHERE else None
            return cls(
                globs,
                whole,
                g.regex if g.anchor is Anchor.HOME else None,
                g.regex if g.anchor is Anchor.WORKSPACE else None,
            )
        by: dict[Anchor, list[Glob]] = {a: [] for a in Anchor}
        for g in dict.fromkeys(globs):
            by[g.anchor].append(g)
        return cls(
            tuple(dict.fromkeys(globs)),
            _either(by[Anchor.ROOT] + by[Anchor.ANYWHERE]),
            _either(by[Anchor.HOME]),
            _either(by[Anchor.WORKSPACE]),
        )

    def first(self, part: str, anchors: tuple[Anchor, ...]) -> Glob | None:
        """The glob (of those anchors) that matches ``part``, for the trace."""
        return next((g for g in self.globs if g.anchor in anchors and g.matches(part)), None)
