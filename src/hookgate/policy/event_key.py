"""A hashable copy of an event's fields, to remember decisions that depend on nothing else.

The key is the fields in :mod:`marshal`'s format (version 2: no back-references,
so equal data sharing strings differently still meets): a faithful encoding
of JSON's types that keeps apart what rules tell apart and Python's equality
does not -- ``1``, ``1.0`` and ``True``; ``0.0`` and ``-0.0`` (a prompt shows
the sign); a list and a tuple. (Mappings keep their key order, which only
costs a miss.) It refuses what it cannot encode exactly (a subclass of
``str`` or ``dict``, any other object), and fields whose encoding is longer
than :data:`MAX_BYTES` get no key: both are decided afresh, which bounds what
the remembered decisions hold.
"""

from __future__ import annotations

import marshal
from typing import Any

__all__ = ["MAX_BYTES", "event_key"]

MAX_BYTES = 1024


def event_key(data: tuple[Any, ...]) -> bytes | None:
    """The key of ``data`` (the engine passes the route's token and the values of the fields its rules
    read), or None when it is too long or holds a type marshal does not write exactly."""
    try:
        key = marshal.dumps(data, 2)
    except (ValueError, RecursionError):  # an object marshal cannot write, or nesting past its depth limit
        return None
    return key if len(key) <= MAX_BYTES else None
