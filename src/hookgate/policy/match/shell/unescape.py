"""Bash quoting rules: ``$'...'``, double quotes, bare backslashes, braces.

Kept apart from the tree walk so each rule is testable on its own; every
function is total (malformed escapes are kept as written, as bash does).
"""

from __future__ import annotations

import re

__all__ = ["BRACE_LIMIT", "TooManyWords", "ansi_c", "brace_expand", "double_quoted"]

BRACE_LIMIT = 256

_SIMPLE = {"a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n", "r": "\r", "t": "\t",
           "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}
_ANSI = re.compile(r"\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}|[0-7]{1,3}|c.|.)", re.S)
_DQ = re.compile(r"\\([$`\"\\\n])")


def _ansi_one(m: re.Match[str]) -> str:
    code = m.group(1)
    head = code[0]
    if head in "xuU":
        value = int(code[1:], 16)
        return chr(value) if value <= 0x10FFFF else ""
    if head.isdigit():
        return chr(int(code, 8) & 0xFF)
    if head == "c" and len(code) == 2:
        return chr(ord(code[1].upper()) ^ 0x40) if code[1] != "?" else "\x7f"
    return _SIMPLE.get(code, "\\" + code)


def ansi_c(body: str) -> str:
    """Unescape the inside of ``$'...'`` (``\\x72m`` -> ``rm``)."""
    return _ANSI.sub(_ansi_one, body) if "\\" in body else body


def double_quoted(text: str) -> str:
    """Unescape literal text inside double quotes (only ``$ ` " \\ newline``)."""
    if "\\" not in text:
        return text
    return _DQ.sub(lambda m: "" if m.group(1) == "\n" else m.group(1), text)


class TooManyWords(Exception):
    """A brace expansion that would produce more than :data:`BRACE_LIMIT` words."""


# Brace expansion runs on *marked* strings: the word builder maps unquoted
# ``{`` ``,`` ``}`` to these private-use characters, so quoted braces stay literal.
OPEN, COMMA, CLOSE = "\ue014", "\ue015", "\ue016"
_SEQ = re.compile(r"^(-?\d+|[A-Za-z])\.\.(-?\d+|[A-Za-z])(?:\.\.(-?\d+))?$")


def _sequence(body: str) -> list[str] | None:
    m = _SEQ.match(body)
    if m is None:
        return None
    a, b, step_text = m.group(1), m.group(2), m.group(3)
    step = abs(int(step_text)) if step_text else 1
    step = step or 1
    if a.lstrip("-").isdigit() and b.lstrip("-").isdigit():
        lo, hi = int(a), int(b)
        if abs(hi - lo) // step >= BRACE_LIMIT:
            raise TooManyWords
        rng = range(lo, hi + 1, step) if lo <= hi else range(lo, hi - 1, -step)
        return [str(v) for v in rng]
    if len(a) == 1 and len(b) == 1 and not a.isdigit() and not b.isdigit():
        lo, hi = ord(a), ord(b)
        rng = range(lo, hi + 1, step) if lo <= hi else range(lo, hi - 1, -step)
        return [chr(v) for v in rng]
    return None


def _split_top(body: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(body):
        if ch == OPEN:
            depth += 1
        elif ch == CLOSE:
            depth -= 1
        elif ch == COMMA and depth == 0:
            parts.append(body[start:i])
            start = i + 1
    parts.append(body[start:])
    return parts


def _find_brace(s: str, start: int) -> tuple[int, int, list[str]] | None:
    """The first expandable ``{...}`` at or after ``start``: (open, close, alternatives)."""
    i = s.find(OPEN, start)
    while i >= 0:
        depth = 0
        for j in range(i, len(s)):
            if s[j] == OPEN:
                depth += 1
            elif s[j] == CLOSE:
                depth -= 1
                if depth == 0:
                    body = s[i + 1 : j]
                    parts = _split_top(body)
                    alts = parts if len(parts) > 1 else _sequence(body)
                    if alts is not None:
                        return i, j, alts
                    break
        i = s.find(OPEN, i + 1)
    return None


def brace_expand(marked: str) -> list[str]:
    """Expand ``a{b,c}d`` / ``{1..3}`` in a marked string; raise :class:`TooManyWords`."""
    if OPEN not in marked:
        return [marked]
    out: list[str] = []
    todo = [marked]
    while todo:
        s = todo.pop()
        found = _find_brace(s, 0)
        if found is None:
            out.append(s)
        else:
            i, j, alts = found
            todo.extend(s[:i] + alt + s[j + 1 :] for alt in reversed(alts))
        if len(out) + len(todo) > BRACE_LIMIT:
            raise TooManyWords
    return out
