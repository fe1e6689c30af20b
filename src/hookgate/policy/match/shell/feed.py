"""What flows into a command's stdin (or a substitution's output).

A shell that reads its script from stdin, ``<( )`` or ``$( )`` runs whatever
that stream holds, so the parser tracks a coarse *feed* for every stream:

* ``literal``  - static text we can parse (``echo 'ls' | sh``, a quoted heredoc);
* ``dynlit``   - text with run-time parts (``echo "rm $X" | sh``): parsed, but
  not proven;
* ``download`` - bytes fetched from the network (curl, wget, ...), or derived
  from them: executing it is "pipe to shell";
* ``file``     - the contents of a named file (``cat x.sh | sh`` is ``sh x.sh``);
* ``paths``    - file names listed by ``find`` (``text`` is the search root);
* ``opaque``   - anything else (``base64 -d`` of unknown data, ``ls`` output).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

__all__ = ["NOTHING", "Feed", "combine"]

_RANK = {"literal": 0, "file": 1, "dynlit": 2, "paths": 3, "opaque": 4, "download": 5}


class Feed(NamedTuple):
    kind: str
    text: str = ""
    desc: str = ""

    @property
    def is_text(self) -> bool:
        return self.kind in ("literal", "dynlit")


NOTHING = Feed("literal", "", "no output")


def combine(feeds: Iterable[Feed | None]) -> Feed:
    """The feed of several outputs written one after the other (``a; b``)."""
    present = [f for f in feeds if f is not None]
    if len(present) < 2:
        return present[0] if present else NOTHING
    worst = max(present, key=lambda f: _RANK[f.kind])
    if worst.kind == "file":
        texts = [f for f in present if f.is_text and f.text]
        if not texts:
            return worst
        worst = max(texts, key=lambda f: _RANK[f.kind])  # a named script is trusted like ``sh x.sh``
    if worst.kind in ("literal", "dynlit"):
        return Feed(worst.kind, "".join(f.text for f in present if f.is_text), worst.desc)
    return worst
