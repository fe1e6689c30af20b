"""Entry points: :func:`parse_command` (cached) and :func:`parse_command_uncached`."""

from __future__ import annotations

from functools import _CacheInfo, lru_cache

from hookgate.policy.match.shell.context import Context
from hookgate.policy.match.shell.model import ParsedCommand

__all__ = ["CACHE_SIZE", "parse_cache_info", "parse_command", "parse_command_uncached"]

CACHE_SIZE = 4096


def parse_command_uncached(text: str) -> ParsedCommand:
    """Every simple command ``text`` would run; never raises.

    Input the parser cannot handle (a recursion limit, an internal bug, a
    value that is not a string) becomes an *unknown*, so a gate treats it as
    a possible match, not a pass.
    """
    if not isinstance(text, str):
        return ParsedCommand(text="", unknowns=("command is not a string",))
    ctx = Context(text)
    try:
        ctx.script(text, ())
    except RecursionError:
        ctx.unknown("command nested too deeply to analyse")
    except Exception as exc:  # a parser bug must fail closed, not open
        ctx.unknown(f"internal parser error ({type(exc).__name__})")
    return ctx.result()


@lru_cache(maxsize=CACHE_SIZE)
def _cached(text: str) -> ParsedCommand:
    return parse_command_uncached(text)


def parse_command(text: str) -> ParsedCommand:
    """:func:`parse_command_uncached` behind a bounded LRU of :data:`CACHE_SIZE` command strings."""
    if type(text) is not str:  # unhashable or str subclasses with odd hashing: no cache
        return parse_command_uncached(text)
    return _cached(text)


def parse_cache_info() -> _CacheInfo:
    """Hits, misses and size of the :func:`parse_command` cache."""
    return _cached.cache_info()
