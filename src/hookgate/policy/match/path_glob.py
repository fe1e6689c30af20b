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
import re
from dataclasses import dataclass
from typing import Any

import re2

from hookgate.policy.match.base import SpecError

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


@dataclass(frozen=True, slots=True)
class Glob:
    """One brace-free glob: ``regex`` full-matches the path part its ``anchor`` names.

    ``prefix`` is the literal leading directory (``/etc`` for ``/etc/**``,
    ``.ssh`` for ``~/.ssh/*``), ``basename`` the literal last segment and
    ``suffix`` / ``stem`` the literal tail / head of the last segment (``.pem``
    for ``*.pem``, ``.env.`` for ``.env.*``);
    :class:`~hookgate.policy.match.path_index.PathIndex` keys on them.
    """

    source: str
    anchor: Anchor
    regex: Any
    prefix: str
    basename: str | None
    suffix: str | None
    stem: str | None
    tail: str | None = None  # ROOT only: the glob after ``prefix``, to re-anchor it elsewhere

    def matches(self, part: str) -> bool:
        return self.regex.fullmatch(part) is not None


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
    i = 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == ch:
            return i
        i += 1
    return -1


def _segment_regex(seg: str) -> str:
    """One segment without ``**`` to RE2; wildcards never cross ``/``."""
    out: list[str] = []
    i = 0
    while i < len(seg):
        ch = seg[i]
        if ch == "\\" and i + 1 < len(seg):
            out.append(re2.escape(seg[i + 1]))
            i += 2
        elif ch == "*":
            if seg[i : i + 2] == "**":
                raise ValueError("`**` must be a whole path segment, as in `dir/**/name`")
            out.append("[^/]*")
            i += 1
        elif ch == "?":
            out.append("[^/]")
            i += 1
        elif ch == "[":
            cls, i = _class_regex(seg, i)
            out.append(cls)
        else:
            out.append(re2.escape(ch))
            i += 1
    return "".join(out)


def _class_regex(seg: str, i: int) -> tuple[str, int]:
    end = seg.find("]", i + 2 if seg[i + 1 : i + 2] in ("!", "^", "]") else i + 1)
    if end < 0:
        raise ValueError("unclosed `[`")
    body = seg[i + 1 : end]
    negate = body[:1] in ("!", "^")
    body = body[1:] if negate else body
    escaped = "".join("\\" + c if c in "\\^]" else c for c in body)
    return ("[^/" if negate else "[") + escaped + "]", end + 1


def _is_literal(seg: str) -> bool:
    return not (_WILD & set(seg)) and "\\" not in seg


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
    anchor, body = _anchor_of(pattern, ("~", "$HOME", "${HOME}"))
    segs = _clean_segments(fold_case(body) if case_insensitive else body)
    regex = _body_regex(segs)
    if anchor is Anchor.ROOT:
        regex = "/" + regex if segs else "/"
    elif anchor is Anchor.ANYWHERE:
        regex = "(?:.*/)?" + regex if segs and segs[0] != "**" else regex
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
    return Glob(pattern, anchor, re2.compile(regex), prefix, basename, suffix, stem, tail)


def compile_globs(pattern: str, *, case_insensitive: bool = False) -> tuple[Glob, ...]:
    """Compile one user glob (braces expanded) or raise :class:`SpecError` with a hint."""
    if not isinstance(pattern, str) or not pattern.strip():
        raise SpecError("a path glob must be a non-empty string")
    try:
        expanded = expand_braces(pattern)
        if len(expanded) > MAX_BRACE_EXPANSION:
            raise ValueError(f"braces expand to {len(expanded)} patterns (limit {MAX_BRACE_EXPANSION})")
        return tuple(_compile_one(p, case_insensitive=case_insensitive) for p in expanded)
    except (ValueError, re2.error) as err:
        raise SpecError(f"invalid glob `{pattern}`: {err}", code="compile.bad_glob") from None


def _either(globs: list[Glob]) -> Any:
    return re2.compile("|".join(f"(?:{g.regex.pattern})" for g in globs)) if globs else None


@dataclass(frozen=True, slots=True)
class GlobGroup:
    """Globs of which one must match, with one combined RE2 per base they are matched
    against (the whole path; the part below home; below the workspace), so a path
    costs one regex call per base, not one per glob."""

    globs: tuple[Glob, ...]
    whole: Any
    home: Any
    workspace: Any

    @classmethod
    def of(cls, globs: tuple[Glob, ...]) -> GlobGroup:
        by = {a: [g for g in globs if g.anchor is a] for a in Anchor}
        return cls(
            globs,
            _either(by[Anchor.ROOT] + by[Anchor.ANYWHERE]),
            _either(by[Anchor.HOME]),
            _either(by[Anchor.WORKSPACE]),
        )

    def first(self, part: str, anchors: tuple[Anchor, ...]) -> Glob | None:
        """The glob (of those anchors) that matches ``part``, for the trace."""
        return next((g for g in self.globs if g.anchor in anchors and g.matches(part)), None)
