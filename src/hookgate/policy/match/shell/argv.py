"""Split an argv into options and operands, getopt-style.

Shared by the parser (to find written files and wrapped commands) and the
``command`` matcher (to find flags). Without a table of which options take a
value, a value is read as an operand - the safe direction for matching.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

__all__ = ["Option", "split_argv"]


class Option(NamedTuple):
    """One option occurrence: ``-r`` from ``-rf``, ``--force``, ``-C dir``."""

    at: int  # argv index of the word holding the option
    name: str  # "-r", "--force", "-auto-approve" (single-dash long)
    value: str | None = None
    value_index: int = -1  # argv index of a separate value word, else -1


def split_argv(argv: Sequence[str], values: frozenset[str] = frozenset(), *, start: int = 1,
               clusters: bool = True, stop_at_operand: bool = False) -> tuple[list[Option], list[int]]:
    """Options and operand indices of ``argv[start:]``; ``--`` ends options.

    ``clusters`` splits ``-rf`` into ``-r -f`` (a value-taking letter takes
    the rest of the word, as getopt does); without it ``-name`` is one option
    (find, terraform). ``stop_at_operand`` stops option parsing at the first
    operand (POSIX order), as wrappers like ``timeout`` do.
    """
    options: list[Option] = []
    operands: list[int] = []
    i, n = start, len(argv)
    while i < n:
        word = argv[i]
        if word == "--":
            operands.extend(range(i + 1, n))
            break
        if len(word) < 2 or word[0] != "-":
            operands.append(i)
            if stop_at_operand:
                operands.extend(range(i + 1, n))
                break
            i += 1
            continue
        i = _option(argv, i, values, clusters, options)
    return options, operands


def _option(argv: Sequence[str], i: int, values: frozenset[str], clusters: bool, out: list[Option]) -> int:
    word = argv[i]
    has_next = i + 1 < len(argv)
    if word.startswith("--") or not clusters:
        name, eq, value = word.partition("=")
        if eq:
            out.append(Option(i, name, value, -1))
        elif name in values and has_next:
            out.append(Option(i, name, argv[i + 1], i + 1))
            return i + 2
        else:
            out.append(Option(i, name, None, -1))
        return i + 1
    for k in range(1, len(word)):
        name = "-" + word[k]
        if name in values:
            rest = word[k + 1 :]
            if rest:
                out.append(Option(i, name, rest.removeprefix("="), -1))
            elif has_next:
                out.append(Option(i, name, argv[i + 1], i + 1))
                return i + 2
            else:
                out.append(Option(i, name, None, -1))
            return i + 1
        out.append(Option(i, name, None, -1))
    return i + 1
