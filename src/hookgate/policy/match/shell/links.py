"""Links a command line makes, so later commands of the same line are judged at their targets.

``ln -s ~/.ssh/id_rsa x && cat x`` reads the key through ``x``; when the
line is judged, ``x`` does not exist yet, so resolving it cannot tell. The
links ``ln`` (symbolic or hard), ``cp -s``/``cp -l`` and ``mount --bind``
make are remembered, and every read or written path at or below a link is
reported at the link's target as well. A link named by a folder that may
already exist (``ln -s T DIR``) is remembered both as ``DIR`` and as
``DIR/basename(T)``. Across tool calls nothing is needed: the link then
exists, and path resolution follows it.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping

from hookgate.policy.match.shell.argv import split_argv
from hookgate.policy.match.shell.words import Word

__all__ = ["LINKERS", "links_made", "through_links"]

_LN_VALUES = frozenset({"-S", "--suffix", "-t", "--target-directory"})
_CP_VALUES = frozenset({"-S", "--suffix", "-t", "--target-directory", "--reflink", "--sparse", "--preserve",
                        "--no-preserve", "--backup"})
_CP_LINKS = frozenset({"-s", "--symbolic-link", "-l", "--link"})
_BIND = frozenset({"--bind", "-B", "--rbind", "-R"})
#: the programs whose links are remembered
LINKERS = frozenset({"ln", "cp", "mount"})


def _norm(path: str) -> str:
    return posixpath.normpath(path) if path else path


def links_made(program: str, words: list[Word]) -> list[tuple[str, str]]:
    """``(link, target)`` pairs the command makes (paths as written, normalised); [] if none or unsure."""
    if any(not w.exact for w in words[1:]):
        return []  # a link named or aimed at run time: nothing certain to remember
    argv = [w.text for w in words]
    if program == "mount":
        return _bind_mount(argv)
    options, operands = split_argv(argv, _LN_VALUES if program == "ln" else _CP_VALUES)
    names = {o.name for o in options}
    if program == "cp" and not names & _CP_LINKS:
        return []
    symbolic = bool(names & {"-s", "--symbolic", "--symbolic-link"})
    into = next((o.value for o in options if o.name in ("-t", "--target-directory") and o.value), None)
    paths = [argv[i] for i in operands]
    if into is not None:
        pairs = [(posixpath.join(into, posixpath.basename(t.rstrip("/"))), t) for t in paths]
    elif len(paths) == 1 and program == "ln":
        pairs = [(posixpath.basename(paths[0].rstrip("/")), paths[0])]
    elif len(paths) == 2:
        target, link = paths
        pairs = [(link, target), (posixpath.join(link, posixpath.basename(target.rstrip("/"))), target)]
    elif len(paths) > 2:
        folder = paths[-1]
        pairs = [(posixpath.join(folder, posixpath.basename(t.rstrip("/"))), t) for t in paths[:-1]]
    else:
        return []
    out = []
    for link, target in pairs:
        if symbolic and not target.startswith(("/", "~")):  # a relative symlink points from the link's folder
            target = posixpath.join(posixpath.dirname(link), target)
        out.append((_norm(link), _norm(target)))
    return out


def _bind_mount(argv: list[str]) -> list[tuple[str, str]]:
    words = argv[1:]
    bind = any(w in _BIND or (w.startswith("-o") and "bind" in w) for w in words)
    for i, w in enumerate(words):
        if w == "-o" and i + 1 < len(words) and "bind" in words[i + 1]:
            bind = True
    operands = [w for i, w in enumerate(words)
                if not w.startswith("-") and (i == 0 or words[i - 1] not in ("-o", "-t"))]
    if not bind or len(operands) != 2:
        return []
    return [(_norm(operands[1]), _norm(operands[0]))]


def through_links(paths: Iterable[str], links: Mapping[str, str]) -> list[str]:
    """The paths again as reached at the links' targets (a path at or below a link), in order."""
    out: list[str] = []
    for path in paths:
        norm = _norm(path)
        for link, target in links.items():
            if norm == link:
                out.append(target)
            elif norm.startswith(link.rstrip("/") + "/"):
                out.append(target.rstrip("/") + norm[len(link.rstrip("/")):])
    return out
