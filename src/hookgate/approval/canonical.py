"""Canonical JSON and the grant hash: one byte string per meaning of a tool call.

A remembered approval must bind to exactly what was approved. Two spellings
of the same call (key order, whitespace, composed vs decomposed Unicode)
must hash alike, and anything that is not plain JSON is refused rather than
stringified, so no two different calls can collide on a lossy rendering.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Mapping
from typing import Any

__all__ = ["CanonicalError", "canonical_json", "grant_hash"]


class CanonicalError(ValueError):
    """The data cannot be put in canonical form (not JSON, or ambiguous keys)."""


def _normalise(value: Any, depth: int = 0) -> Any:
    if depth > 64:
        raise CanonicalError("arguments are nested more than 64 levels deep")
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Mapping):
        return _normalise_mapping(value, depth)
    if isinstance(value, list | tuple):
        return [_normalise(item, depth + 1) for item in value]
    raise CanonicalError(f"value of type `{type(value).__name__}` is not json")


def _normalise_mapping(value: Mapping[Any, Any], depth: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, item in value.items():
        if not isinstance(key, str):
            raise CanonicalError(f"key `{key!r}` is not a string")
        nfc = unicodedata.normalize("NFC", key)
        if nfc in out:
            raise CanonicalError(f"keys `{nfc}` collide after unicode normalisation")
        out[nfc] = _normalise(item, depth + 1)
    return out


def canonical_json(value: Any) -> str:
    """Sorted keys, no whitespace, NFC strings, no NaN/Infinity; raises :class:`CanonicalError`."""
    try:
        return json.dumps(_normalise(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except ValueError as exc:
        if isinstance(exc, CanonicalError):
            raise
        raise CanonicalError(f"not canonical json: {exc}") from None


def grant_hash(tool: str, arguments: Mapping[str, Any]) -> str:
    """Hex SHA-256 of the canonical ``{"arguments": …, "tool": …}``."""
    text = canonical_json({"tool": tool, "arguments": arguments})
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
