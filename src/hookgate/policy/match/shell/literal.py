"""Static output of echo/printf and static decoders (base64, rev, xxd -r -p).

``echo cm0gLXJmIC8= | base64 -d | sh`` runs ``rm -rf /``; decoding the
literal lets the matcher see that command instead of only "unknown".
"""

from __future__ import annotations

import base64
import binascii
import re

from hookgate.policy.match.shell.unescape import ansi_c

__all__ = ["decode", "echo_output", "printf_output"]

_ECHO_OPTS = re.compile(r"-[neE]+")
_PRINTF_SPEC = re.compile(r"%(%|[-+ #0]*\d*(?:\.\d+)?[sbdiuc])")


def echo_output(args: list[str]) -> str:
    """What ``echo args`` prints (bash builtin: -n, -e, -E are options)."""
    escapes = newline = True
    i = 0
    while i < len(args) and _ECHO_OPTS.fullmatch(args[i]):
        for ch in args[i][1:]:
            if ch == "n":
                newline = False
            else:
                escapes = ch == "e"
        i += 1
    text = " ".join(args[i:])
    if escapes and "\\" in text and any(a.startswith("-") and "e" in a for a in args[:i]):
        text = ansi_c(text)
    return text + ("\n" if newline else "")


def printf_output(args: list[str]) -> str | None:
    """What ``printf FORMAT args`` prints for %s/%b/%d formats; None if unsure."""
    if not args or args[0].startswith("-"):
        return None
    fmt, values = ansi_c(args[0]), args[1:]
    specs = [m for m in _PRINTF_SPEC.finditer(fmt) if m.group(1) != "%"]
    if not specs:
        return fmt.replace("%%", "%")
    rounds = max(1, -(-len(values) // len(specs)))
    return "".join(_format(fmt, values[k * len(specs) : (k + 1) * len(specs)]) for k in range(min(rounds, 64)))


def _format(fmt: str, chunk: list[str]) -> str:
    queue = list(reversed(chunk))

    def fill(m: re.Match[str]) -> str:
        if m.group(1) == "%":
            return "%"
        value = queue.pop() if queue else ""
        return ansi_c(value) if m.group(1).endswith("b") else value

    return _PRINTF_SPEC.sub(fill, fmt)


def decode(program: str, options: set[str], text: str) -> str | None:
    """Decode ``text`` as ``program`` would, when it is a decoder we model."""
    try:
        if program in ("base64", "gbase64") and options & {"-d", "--decode", "-D"}:
            raw = base64.b64decode("".join(text.split()), validate=False)
        elif program == "base32" and options & {"-d", "--decode"}:
            raw = base64.b32decode("".join(text.split()))
        elif program == "xxd" and "-r" in options and "-p" in options:
            raw = binascii.unhexlify("".join(text.split()))
        elif program == "rev":
            return "\n".join(line[::-1] for line in text.rstrip("\n").split("\n")) + "\n"
        else:
            return None
    except (ValueError, binascii.Error):
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
