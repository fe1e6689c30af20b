"""Field paths into event data: ``tool_input.command``, ``messages[*].content``, ``messages[-1].role``.

A path is parsed once at compile time into segments; resolving it yields
every value it reaches (several when it has a wildcard, none when it is
missing), so a condition on a wildcard path holds when ANY value satisfies
it. Host event shapes differ, so a few leading segments have aliases that
are tried when the primary key is absent: amplifier's ``name``/``input``
for ``tool_name``/``tool_input``, and ``model``/``messages`` at the top
level or under ``request``. Provider responses expose their tool calls as
``response.tool_calls`` whichever wire shape they came in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from hookgate.policy.match.base import SpecError

__all__ = ["MISSING", "FieldPath", "Segment", "parse_field_path"]

MISSING: Any = object()

Segment = str | int | None  # key, list index (negative from the end), None = wildcard (any element or value)

_TOKEN = re.compile(r"([A-Za-z_][A-Za-z0-9_\-]*|\*)|\[(\*|-?\d+)\]")

_ALIASES: dict[tuple[Segment, ...], tuple[tuple[Segment, ...], ...]] = {
    ("tool_input",): (("input",),),
    ("tool_name",): (("name",),),
    ("model",): (("request", "model"),),
    ("request", "model"): (("model",),),
    ("messages",): (("request", "messages"),),
    ("request", "messages"): (("messages",),),
}


def parse_field_path(text: str, *, loc: tuple[str | int, ...] = ()) -> tuple[Segment, ...]:
    """Parse ``a.b[*].c[-1]`` / ``a.*`` into segments, or raise a :class:`SpecError`."""
    if not text or text != text.strip():
        raise SpecError(f"invalid field path `{text}`", loc, code="compile.bad_field_path")
    segments: list[Segment] = []
    pos = 0
    while pos < len(text):
        if segments and text[pos] == ".":
            pos += 1
        elif segments and text[pos] != "[":
            break
        m = _TOKEN.match(text, pos)
        if m is None:
            break
        name, index = m.group(1), m.group(2)
        if name is not None:
            segments.append(None if name == "*" else name)
        else:
            segments.append(None if index == "*" else int(index))
        pos = m.end()
    if pos != len(text) or not segments or not isinstance(segments[0], str):
        raise SpecError(
            f"invalid field path `{text}`",
            loc,
            code="compile.bad_field_path",
            help="write dotted keys with optional [index] or [*], e.g. `tool_input.command` or `messages[*].content`",
        )
    return tuple(segments)


def _walk(value: Any, segments: tuple[Segment, ...], i: int) -> Iterator[Any]:
    if i == len(segments):
        yield value
        return
    seg = segments[i]
    if seg is None:
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        for child in children:
            yield from _walk(child, segments, i + 1)
    elif isinstance(seg, int):
        if isinstance(value, list) and -len(value) <= seg < len(value):
            yield from _walk(value[seg], segments, i + 1)
    elif isinstance(value, dict):
        child = value.get(seg, MISSING)
        if child is not MISSING:
            yield from _walk(child, segments, i + 1)


def _tool_calls(response: Any) -> list[Any]:
    """Tool calls of a provider response in one shape: ``[{name, input, id}]``."""
    if not isinstance(response, dict):
        return []
    calls = response.get("tool_calls")
    if isinstance(calls, list):
        return [_flatten_call(c) for c in calls]
    out: list[Any] = []
    content = response.get("content")
    if isinstance(content, list):
        out.extend(b for b in content if isinstance(b, dict) and b.get("type") == "tool_use")
    for choice in response.get("choices") or ():
        message = choice.get("message") if isinstance(choice, dict) else None
        if isinstance(message, dict) and isinstance(message.get("tool_calls"), list):
            out.extend(_flatten_call(c) for c in message["tool_calls"])
    return out


def _flatten_call(call: Any) -> Any:
    """OpenAI-style ``{function: {name, arguments}}`` also answers ``name``/``input``."""
    if isinstance(call, dict) and isinstance(call.get("function"), dict) and "name" not in call:
        fn = call["function"]
        return {**call, "name": fn.get("name"), "input": fn.get("arguments")}
    return call


_MAX_PARSED = 8192  # distinct field paths remembered (they come from policies, not events)
_PARSED: dict[str, FieldPath] = {}
_GETTERS: dict[FieldPath, Callable[[Mapping[str, Any]], list[Any]]] = {}


@dataclass(frozen=True, slots=True)
class FieldPath:
    """A compiled field path; ``values(data)`` lists every value it reaches."""

    text: str
    segments: tuple[Segment, ...]
    alternatives: tuple[tuple[Segment, ...], ...]
    #: the resolver :meth:`getter` made, kept on the path (every condition on it asks)
    _getter_memo: Callable[[Mapping[str, Any]], list[Any]] | None = field(
        default=None, init=False, compare=False, repr=False)

    @classmethod
    def parse(cls, text: str, *, loc: tuple[str | int, ...] = ()) -> FieldPath:
        """The path for ``text``; equal texts share one (frozen) path, so 10,000 rules on
        ``tool_input.command`` hold one path and one resolver, not 10,000."""
        found = _PARSED.get(text)
        if found is not None:
            return found
        path = cls._parse(text, loc=loc)
        if len(_PARSED) < _MAX_PARSED:
            _PARSED[text] = path
        return path

    @classmethod
    def _parse(cls, text: str, *, loc: tuple[str | int, ...] = ()) -> FieldPath:
        segments = parse_field_path(text, loc=loc)
        alts: list[tuple[Segment, ...]] = [segments]
        for n in (2, 1):
            for alias in _ALIASES.get(segments[:n], ()):
                alts.append((*alias, *segments[n:]))
        return cls(text, segments, tuple(alts))

    @property
    def has_wildcard(self) -> bool:
        return any(s is None for s in self.segments)

    @property
    def roots(self) -> frozenset[str]:
        """The top-level keys of the event data this path may read (its aliases' included)."""
        return frozenset(str(alt[0]) for alt in self.alternatives)

    @property
    def is_tool_calls(self) -> bool:
        return self.segments[:2] == ("response", "tool_calls")

    def values(self, data: Mapping[str, Any]) -> list[Any]:
        if self.is_tool_calls:
            return list(_walk(_tool_calls(data.get("response")), self.segments, 2))
        for alt in self.alternatives:
            if alt[0] in data:
                return list(_walk(data, alt, 0))
        return []

    def getter(self) -> Callable[[Mapping[str, Any]], list[Any]]:
        """A fast resolver: plain ``a.b`` paths skip the generic walk (one per distinct path)."""
        found = self._getter_memo
        if found is not None:
            return found
        found = _GETTERS.get(self)
        if found is None:
            found = self._getter()
            if len(_GETTERS) < _MAX_PARSED:
                _GETTERS[self] = found
        object.__setattr__(self, "_getter_memo", found)
        return found

    def _getter(self) -> Callable[[Mapping[str, Any]], list[Any]]:
        segs = self.segments
        if self.is_tool_calls or any(isinstance(s, int) for s in segs):
            return self.values
        if any(len(a) != len(segs) for a in self.alternatives):  # `model` also at `request.model`
            return self.values
        if self.has_wildcard:
            return self._getter_star() if len(segs) == 2 and segs[1] is None else self.values
        if len(segs) == 1:
            return self._getter1()
        if len(segs) == 2:
            return self._getter2()
        return self.values

    def single(self) -> Callable[[Mapping[str, Any]], Any] | None:
        """For a plain ``a`` / ``a.b`` path (at most one value): a resolver returning the value or
        :data:`MISSING` without building a list; None for paths that may reach several values."""
        segs = self.segments
        if self.is_tool_calls or any(not isinstance(s, str) for s in segs) or len(segs) > 2:
            return None
        alts = self.alternatives
        if any(len(a) != len(segs) for a in alts):
            return None
        if len(segs) == 1:
            keys = tuple(str(a[0]) for a in alts)

            def get1(data: Mapping[str, Any]) -> Any:
                for k in keys:
                    if k in data:
                        return data[k]
                return MISSING

            return get1
        pairs = tuple((str(a[0]), str(a[1])) for a in alts)

        def get(data: Mapping[str, Any]) -> Any:
            for a, b in pairs:
                if a in data:
                    inner = data[a]
                    return inner.get(b, MISSING) if isinstance(inner, dict) else MISSING
            return MISSING

        return get

    def _getter_star(self) -> Callable[[Mapping[str, Any]], list[Any]]:
        """``a.*`` / ``a[*]``: every value of one mapping or list (the common ``tool_input.*``)."""
        keys = [str(alt[0]) for alt in self.alternatives if len(alt) == 2]
        if len(keys) != len(self.alternatives):
            return self.values

        def get(data: Mapping[str, Any]) -> list[Any]:
            for k in keys:
                if k in data:
                    inner = data[k]
                    if isinstance(inner, dict):
                        return list(inner.values())
                    return list(inner) if isinstance(inner, list) else []
            return []

        return get

    def _getter1(self) -> Callable[[Mapping[str, Any]], list[Any]]:
        keys = [str(alt[0]) for alt in self.alternatives]

        def get(data: Mapping[str, Any]) -> list[Any]:
            for k in keys:
                if k in data:
                    return [data[k]]
            return []

        return get

    def _getter2(self) -> Callable[[Mapping[str, Any]], list[Any]]:
        pairs = [(str(alt[0]), alt[1]) for alt in self.alternatives if len(alt) == 2]
        if len(pairs) != len(self.alternatives):
            return self.values

        def get(data: Mapping[str, Any]) -> list[Any]:
            for a, b in pairs:
                if a in data:
                    inner = data[a]
                    if isinstance(inner, dict) and b in inner:
                        return [inner[b]]
                    return []
            return []

        return get
