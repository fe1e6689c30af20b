"""Indexes that make a decision's cost independent of rules that cannot apply.

Rules are grouped by event, then by tool: exact tool names in a dict, tool
globs (``mcp__github__*``) in a prefix/regex index, tool-less rules apart.
The rules that can apply to one (event, tool) pair form a :class:`Bucket`,
built once and memoised. Inside a bucket each rule whose ``when`` is a
conjunction is indexed on its most selective indexable atom (``equals``/
``in`` as hash lookups, ``prefix`` in a trie, regexes in one RE2 set, domain
operators in their own ``*Index``); the others sit on an always-list.
Indexes return a superset of the rules that may match; the engine then
evaluates only those candidates, fully.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from hookgate.policy.compiler.rules import CompiledRule
from hookgate.policy.conditions.domain import domain_index_factory, domain_operator_of
from hookgate.policy.conditions.nodes import FieldCond, conjunction_atoms
from hookgate.policy.match.base import EvalEnv
from hookgate.policy.match.text import Contains, Equals, Glob, In, Prefix, Regex, Suffix, TextIndex

__all__ = ["EMPTY_BUCKET", "Bucket", "EventTable", "Route", "build_event_tables"]

MAX_MEMO = 4096  # distinct tool names remembered per event (tool names come from events: bound them)
_RANK_DOMAIN = {"command": 2, "path": 2, "url": 2, "secret": 5}

Getter = Callable[[Mapping[str, Any]], list[Any]]


def _rank(op: object) -> tuple[int, str] | None:
    """Selectivity of an atom's operator (lower is better) and its index kind; None if not indexable."""
    if isinstance(op, Equals | In):
        return 0, "text"
    if isinstance(op, Prefix):
        return 1, "text"
    if isinstance(op, Regex | Glob | Suffix | Contains):
        return 3, "text"
    dom = domain_operator_of(op)
    if dom is not None and domain_index_factory(dom[0]) is not None:
        return _RANK_DOMAIN.get(dom[0], 4), dom[0]
    return None


def _new_domain_index(kind: str) -> Any:
    factory = domain_index_factory(kind)
    assert factory is not None  # _rank only offers kinds that have an index
    return factory()


def _pick(rule: CompiledRule) -> tuple[FieldCond, object, str] | None:
    """The most selective indexable atom of the rule's ``when`` (None: the rule goes on the always-list)."""
    if rule.when is None:
        return None
    best: tuple[int, FieldCond, object, str] | None = None
    for atom in conjunction_atoms(rule.when):
        if atom.exists is False:
            continue
        for op in atom.ops:
            r = _rank(op)
            if r is not None and (best is None or r[0] < best[0]):
                best = (r[0], atom, op, r[1])
    return None if best is None else (best[1], best[2], best[3])


class Bucket:
    """The rules one (event, tool) pair can meet, with their field indexes."""

    __slots__ = ("always", "by_key", "dynamic", "fields", "rules", "static")

    def __init__(self, rules: Iterable[CompiledRule]) -> None:
        self.rules: tuple[CompiledRule, ...] = tuple(sorted(rules, key=lambda r: r.key))
        #: rules without any condition always match: the engine takes them as given, unevaluated
        self.static = tuple(r for r in self.rules if r.when is None and r.unless is None)
        self.dynamic = tuple(r for r in self.rules if r.when is not None or r.unless is not None)
        self.by_key = {r.key: r for r in self.dynamic}
        always: list[int] = []
        groups: dict[tuple[str, str], tuple[Getter, Any]] = {}
        for rule in self.dynamic:
            picked = _pick(rule)
            if picked is None:
                always.append(rule.key)
                continue
            atom, op, kind = picked
            group = groups.get((atom.path.text, kind))
            if group is None:
                index = TextIndex() if kind == "text" else _new_domain_index(kind)
                group = groups[(atom.path.text, kind)] = (atom.get, index)
            dom = domain_operator_of(op)
            group[1].add(dom[1] if dom else op, rule.key)
        for _, index in groups.values():
            freeze = getattr(index, "freeze", None)
            if freeze is not None:
                freeze()
        self.always = tuple(always)
        self.fields = tuple(groups.values())

    def candidates(self, data: Mapping[str, Any], env: EvalEnv) -> Iterable[CompiledRule]:
        """Conditional rules that may match ``data`` (a superset), in evaluation order."""
        if not self.fields:
            return self.dynamic
        keys: list[int] = list(self.always)
        for get, index in self.fields:
            for value in get(data):
                keys.extend(index.candidates(value, env))
        if not keys:
            return ()
        by_key = self.by_key
        if len(keys) == 1:
            return (by_key[keys[0]],)
        return [by_key[k] for k in sorted(set(keys))]


EMPTY_BUCKET = Bucket(())


class EventTable:
    """All rules of one event: tool-less rules, rules per exact tool name, and tool-pattern rules.

    A tool's rules are the union of up to three buckets (each built once), so
    a rule that applies to every tool is indexed once, not once per tool.
    """

    __slots__ = ("_memo", "_pattern_buckets", "any_tool", "exact", "patterned", "rules", "tool_patterns")

    def __init__(self, rules: list[CompiledRule]) -> None:
        self.rules = tuple(sorted(rules, key=lambda r: r.key))
        exact: dict[str, list[CompiledRule]] = {}
        any_tool: list[CompiledRule] = []
        self.patterned: dict[int, CompiledRule] = {}
        self.tool_patterns = TextIndex()
        for rule in self.rules:
            if rule.tools is None:
                any_tool.append(rule)
                continue
            for name in rule.tools.exact:
                exact.setdefault(name, []).append(rule)
            for pattern in rule.tools.patterns:
                self.patterned[rule.key] = rule
                self.tool_patterns.add(pattern, rule.key)
        self.tool_patterns.freeze()
        self.any_tool = Bucket(any_tool) if any_tool else EMPTY_BUCKET
        self.exact = {name: Bucket(rs) for name, rs in exact.items()}
        self._pattern_buckets: dict[frozenset[int], Bucket] = {}
        self._memo: dict[str | None, Route] = {}

    def route(self, tool: str | None) -> Route:
        """How an event naming ``tool`` (None: no tool) is decided; built once per tool name."""
        found = self._memo.get(tool)
        if found is not None:
            return found
        parts = [self.any_tool]
        if tool is not None:
            parts.append(self.exact.get(tool, EMPTY_BUCKET))
            parts.append(self._pattern_bucket(tool))
        route = Route(tuple(b for b in parts if b.rules))
        if len(self._memo) < MAX_MEMO:
            self._memo[tool] = route
        return route

    def _pattern_bucket(self, tool: str) -> Bucket:
        if not self.patterned:
            return EMPTY_BUCKET
        keys = frozenset(self.tool_patterns.candidates(tool, EvalEnv()))
        if not keys:
            return EMPTY_BUCKET
        bucket = self._pattern_buckets.get(keys)
        if bucket is None:
            bucket = Bucket(self.patterned[k] for k in keys)
            if len(self._pattern_buckets) < MAX_MEMO:
                self._pattern_buckets[keys] = bucket
        return bucket


class Route:
    """The buckets one tool name meets, their unconditional rules, and (filled in by the engine) the
    decision those alone produce when it does not depend on the event's data."""

    __slots__ = ("buckets", "static", "static_decision")

    def __init__(self, buckets: tuple[Bucket, ...]) -> None:
        self.buckets = buckets
        merged = {r.key: r for b in buckets for r in b.static}
        self.static: tuple[CompiledRule, ...] = tuple(merged[k] for k in sorted(merged))
        self.static_decision: Any = None

    def candidates(self, data: Mapping[str, Any], env: EvalEnv) -> Iterable[CompiledRule]:
        """Conditional candidate rules of every bucket, merged into evaluation order."""
        buckets = self.buckets
        if len(buckets) == 1:
            return buckets[0].candidates(data, env)
        merged: dict[int, CompiledRule] = {}
        for bucket in buckets:
            for rule in bucket.candidates(data, env):
                merged[rule.key] = rule
        if len(merged) < 2:
            return merged.values()
        return [merged[k] for k in sorted(merged)]


def build_event_tables(rules: list[CompiledRule]) -> dict[str, EventTable]:
    by_event: dict[str, list[CompiledRule]] = {}
    for rule in rules:
        for event in rule.events:
            by_event.setdefault(event, []).append(rule)
    return {event: EventTable(rs) for event, rs in by_event.items()}
