"""When an RE2 set may be trusted to say "no match".

A combined ``re2.Set`` that exhausts its DFA memory reports no match, and the
Python binding gives no way to tell that apart from a real miss: for a deny
rule or a secret redaction that would fail open. A single RE2 program in the
same situation falls back to the NFA and still answers right. The risk grows
with the input, so values longer than :data:`SET_SAFE_BYTES` are matched
pattern by pattern instead; every user of a set applies this one rule.
"""

from __future__ import annotations

__all__ = ["SET_SAFE_BYTES", "set_is_safe_for"]

SET_SAFE_BYTES = 16 << 10


def set_is_safe_for(data: bytes) -> bool:
    """May a set's empty answer for ``data`` be taken as "no pattern matches"?"""
    return len(data) <= SET_SAFE_BYTES
